/**
 * Red team R135: this session's shortcuts in what is judged (the strict reader's size check bounded
 * by each document's text, raw characters looked for as read, the proof against base's splices).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseOutput, type OutputText } from '../cli/output-read.ts';
import {
  baseSpec,
  CLUSTER_FILES,
  inClusterFiles,
  outputOf,
  proofsOf,
  refusesEach,
  type Spec,
} from './review/scenarios.ts';
import {
  goJsonBytes as measured,
  jsonBytesAtMost,
  jsonBytesOfUnitsAtMost,
  objectRefused,
  REQUEST_MAX_BYTES,
} from '../policies/org/kubernetes-names.ts';
import { byteLength } from '../model/text.ts';
import { roleBinding } from './helpers.ts';
import { OUTPUT_HEADER } from '../synth/render.ts';
import { DocumentCache, readCanonicalYaml, toYamlStream } from '../synth/yaml.ts';

/** An object's JSON as Go's encoding/json writes it (kubectl's and Argo CD's requests): HTML characters and U+2028/2029 escaped. */
const goJsonBytes = (o: unknown): number =>
  byteLength(
    JSON.stringify(o).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );

/** A shard file of orgctl's output holding `o` alone, as the strict reader (parseOutput) takes it. */
const outputFile = (o: Record<string, unknown>): OutputText[] => {
  const path = 'lga1/shard-00/resources.yaml';
  return [{ path, label: path, content: toYamlStream([o], OUTPUT_HEADER.slice(2)) }];
};

describe('R135-1: an object whose request, as Go writes it, is over the API server limit', () => {
  // Each subject's name a run of `&`: 1 byte each in JSON.stringify's UTF-8, 6 (\u0026) in the
  // request kubectl and Argo CD send (Go's encoder escapes < > & and U+2028/2029).
  const binding = roleBinding(
    'web',
    'acme:r:pods',
    'acme:r:pods',
    Array.from({ length: 1_000 }, (_, i) => ({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'User',
      name: `user${i}@acme.io${'&'.repeat(1_000)}`,
    })),
  );

  it('is refused by the strict reader: its JSON.stringify is under the limit, what the API server is sent is not', () => {
    expect(byteLength(JSON.stringify(binding))).toBeLessThan(REQUEST_MAX_BYTES);
    // Over the API server's own request limit (3 MiB), twice etcd's: a 413, and Argo CD applies nothing.
    expect(goJsonBytes(binding)).toBeGreaterThan(2 * REQUEST_MAX_BYTES);
    expect(objectRefused(binding)).toMatch(/bytes, over the/);
    const file = outputFile(binding);
    expect(() => parseOutput(file)).toThrow(/bytes, over the/);
    const cache = new DocumentCache();
    expect(() => parseOutput(file, cache)).toThrow(/bytes, over the/);
    expect(() => parseOutput(file, cache)).toThrow(/bytes, over the/);
  });
});

describe("R135-2: a ConfigMap the API server refuses for its data's keys or its binaryData (ValidateConfigMap)", () => {
  const configMap = (fields: Record<string, unknown>) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'notes', namespace: 'web' },
    ...fields,
  });
  const read = (o: Record<string, unknown>) => parseOutput(outputFile(o));
  const refused: [string, Record<string, unknown>][] = [
    // data and binaryData count together against 1 MiB: 700,000 + 400,000 bytes.
    [
      'data and binaryData over 1 MiB together',
      configMap({ data: { a: 'b'.repeat(700_000) }, binaryData: { c: Buffer.alloc(400_000, 1).toString('base64') } }),
    ],
    ['binaryData alone over 1 MiB', configMap({ binaryData: { c: Buffer.alloc(1_100_000, 1).toString('base64') } })],
    ['a data key with a space', configMap({ data: { 'a b': 'x' } })],
    ['a data key ..', configMap({ data: { '..': 'x' } })],
    ['a data key starting with ..', configMap({ data: { '..a': 'x' } })],
    ['a data key of 254 characters', configMap({ data: { ['k'.repeat(254)]: 'x' } })],
    ['a key in both data and binaryData', configMap({ data: { a: 'x' }, binaryData: { a: 'eA==' } })],
    ['binaryData that is not base64', configMap({ binaryData: { a: 'not base64!' } })],
    ['a data value that is a number', configMap({ data: { a: 1 } })],
    ['data that is a list', configMap({ data: ['x'] })],
  ];
  for (const [what, o] of refused)
    it(`refuses ${what}`, () => {
      expect(objectRefused(o), what).toBeDefined();
      expect(() => read(o)).toThrow(/cannot be trusted/);
    });

  it('accepts what the API server accepts: keys of - _ . and letters, binaryData in base64, under 1 MiB', () => {
    const ok = configMap({ data: { 'a-b_c.d': 'x', '.a': 'y' }, binaryData: { e: 'eA==' } });
    expect(objectRefused(ok)).toBeUndefined();
    expect(read(ok)).toHaveLength(1);
  });
});

describe("R135-1's class: every bound the size check skips by is over Go's encoding too", () => {
  it("jsonBytesAtMost and a document's text (jsonBytesOfUnitsAtMost) bound what Go writes, and goJsonBytes is it", () => {
    const text = fc.string({ unit: fc.constantFrom('<', '>', '&', '\u2028', 'a', '"', '\\', '\n', '漢', '😀') });
    // Strings, lists and mappings of them: where a character of text sits in what the writer writes.
    const value = fc.oneof(text, fc.array(text, { maxLength: 4 }), fc.dictionary(text, text, { maxKeys: 4 }));
    fc.assert(
      fc.property(
        fc.array(fc.dictionary(text, value, { minKeys: 1, maxKeys: 5 }), { minLength: 1, maxLength: 3 }),
        (docs) => {
          const read = readCanonicalYaml(toYamlStream(docs, OUTPUT_HEADER.slice(2)));
          if (!('documents' in read)) throw new Error(JSON.stringify(read.error));
          read.documents.forEach((doc, i) => {
            const go = goJsonBytes(doc);
            expect(measured(JSON.stringify(doc))).toBe(go);
            expect(jsonBytesAtMost(doc)).toBeGreaterThanOrEqual(go);
            expect(jsonBytesOfUnitsAtMost(read.unitsAtMost[i]!)).toBeGreaterThanOrEqual(go);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

/**
 * The proof against base writing the users' ConfigMaps from base's texts (membershipListsFrom)
 * keeps base's line where head's record is base's very object: in the CLI one MembershipLines
 * serves both sides (cli/diff.ts), so an unchanged line read in base is the same record in head.
 * The review's tests read each side apart before c693042 (scenarios.ts proofsOf), so that path was
 * never taken there; these cases were written then and are kept.
 */
describe("R135: the users' ConfigMaps from base's texts, read as the CLI reads them (one MembershipLines)", () => {
  const crowd = (i: number) => `${'q'.repeat(60)}${String(i).padStart(4, '0')}@acme.io`;
  const dated = (who: number[]) => (s: Spec) => {
    s.spec.users.push({ email: 'kim@acme.io', status: 'deactivated' }, { email: 'lee@acme.io', access: 'all' });
    s.spec.clusters = ['lga1', 'ord1'];
    for (let i = 0; i < 1500; i++) s.spec.users.push({ email: crowd(i) });
    for (const i of who)
      s.spec.grants.push({ user: crowd(i), namespace: 'data', levels: ['r:pods'], expires: '2099-01-01' });
  };
  const specOf = (edit: (s: Spec) => void) => {
    const s = baseSpec();
    edit(s);
    return s;
  };
  const base = outputOf(specOf(dated([])));
  const head = outputOf(specOf(dated([10, 20, 30])));

  /** proofsOf, which reads both sides with one MembershipLines, as cli/diff.ts reads them. */
  const proofsShared = (b: OutputText[], h: OutputText[]) => proofsOf(b, h);
  const line = (i: number) => new RegExp(`\\n {4}\\{"email":"${crowd(i)}",[^\\n]*\\n`);
  const lineOf = (text: string, i: number) => line(i).exec(text)![0];

  it('proves the change as the full proof does, base lines kept', () => {
    expect(proofsShared(base, head)).toEqual({ againstBase: { proved: true, namespaces: 1, files: 2 }, full: true });
    expect(proofsShared(head, base)).toEqual({ againstBase: { proved: true, namespaces: 1, files: 2 }, full: true });
  });

  const members = (files: OutputText[], edit: (text: string) => string) =>
    files.map((f) => (f.path === 'members.json' ? { ...f, content: edit(f.content) } : f));
  const forgeries: [string, OutputText[]][] = [
    [
      "an unchanged person's line written twice",
      inClusterFiles(head, (t) => t.replace(line(700), (l) => l + l.slice(1))),
    ],
    ['a blank line among the records', inClusterFiles(head, (t) => t.replace(line(700), (l) => `${l}\n`))],
    [
      "an unchanged person's line with a trailing space",
      inClusterFiles(head, (t) => t.replace(line(700), (l) => `${l.slice(0, -1)} \n`)),
    ],
    [
      "two unchanged people's lines swapped",
      inClusterFiles(head, (t) => {
        const [a, b] = [lineOf(t, 700), lineOf(t, 701)];
        return t.replace(a + b.slice(1), b + a.slice(1));
      }),
    ],
    [
      "a changed person's line in one cluster only",
      inClusterFiles(
        head,
        (t) => t.replace(line(20), () => lineOf(base.find((f) => f.path === CLUSTER_FILES[0])!.content, 20)),
        CLUSTER_FILES[1],
      ),
    ],
    [
      "members.json with an unchanged person's entry edited",
      members(head, (t) => t.replace(`"email": "${crowd(900)}"`, `"email": "${crowd(900)}", "admin": true`)),
    ],
    [
      "members.json with two unchanged people's entries swapped",
      members(head, (t) => t.replace(crowd(900), 'X').replace(crowd(901), crowd(900)).replace('X', crowd(901))),
    ],
  ];
  refusesEach(base, head, forgeries);
});
