/**
 * object-size measures an object exactly only when a cheap bound could be over the API server's
 * limit: the bound must never be under the exact size, or an object too large would pass.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateSpec } from '../constructs/generate.ts';
import { byteLength } from '../model/text.ts';
import { parseOutput } from '../cli/output-read.ts';
import {
  configMapDataBytes,
  jsonBytesAtMost,
  jsonBytesOfUnitsAtMost,
  REQUEST_MAX_BYTES,
} from '../policies/org/kubernetes-names.ts';
import { OUTPUT_HEADER } from '../synth/render.ts';
import { DocumentCache, readCanonicalYaml, toYamlStream } from '../synth/yaml.ts';
import { objectsOfSpec, withEveryKindOfBinding } from './helpers.ts';

const exact = (value: unknown): number => byteLength(JSON.stringify(value) ?? 'null');

describe('jsonBytesAtMost', () => {
  it('is never under the exact size of what JSON.stringify writes, however a string is spelled', () => {
    const values: unknown[] = [
      '',
      'plain',
      '"quoted" and \\ back',
      '\u0000\u0001\u001f control',
      'é ü ß',
      '漢字かな',
      '😀 a surrogate pair, and a lone \ud800 half',
      '\u2028\u2029',
      0,
      -1.2345678901234567e-308,
      Number.MAX_VALUE,
      Number.NaN,
      true,
      false,
      null,
      [undefined, () => 1, null],
      { a: undefined, b: () => 1, c: 1 },
      { nested: { deeper: [{ k: 'v' }, [], {}] } },
      { toJSON: () => 'x'.repeat(1000) },
      { when: new Date(0) },
      Object.freeze({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'é@acme.io' }),
    ];
    for (const v of values) expect(jsonBytesAtMost(v), JSON.stringify(v)).toBeGreaterThanOrEqual(exact(v));
  });

  it('keeps the bound of a value only when nothing in it can change', () => {
    const inner = { name: 'short' };
    const shallow = Object.freeze({ inner });
    expect(jsonBytesAtMost(shallow)).toBeGreaterThanOrEqual(exact(shallow));
    inner.name = 'x'.repeat(10_000); // the frozen object's child changed: its bound must too
    expect(jsonBytesAtMost(shallow)).toBeGreaterThanOrEqual(exact(shallow));
  });

  it('bounds every object a generated organization renders (every kind of binding)', () => {
    const generated = generateSpec({ users: 300, namespaces: 40, grants: 3_000, tokens: 30, seed: 5 });
    withEveryKindOfBinding(generated.spec as Record<string, any>, 10);
    const objects = objectsOfSpec(generated);
    expect(objects.length).toBeGreaterThan(100);
    // Twice: the second pass reads the bounds kept for shared (frozen) subjects.
    for (let pass = 0; pass < 2; pass++)
      for (const o of objects) expect(jsonBytesAtMost(o)).toBeGreaterThanOrEqual(exact(o));
  });
});

describe("the strict reader of orgctl's output (parseOutput) and one request's limit", () => {
  it('refuses an object over it with its exact size, read alone or beside a first reading, and accepts one under it', () => {
    const binding = (subjects: number) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'acme:r:pods', namespace: 'web' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'acme:r:pods' },
      subjects: Array.from({ length: subjects }, (_, i) => ({
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'User',
        name: `user${i}@acme.io`,
      })),
    });
    const path = 'lga1/shard-00/resources.yaml';
    const file = (o: Record<string, unknown>) => [
      { path, label: path, content: toYamlStream([o], OUTPUT_HEADER.slice(2)) },
    ];
    // Over the limit by a few subjects (each about 80 bytes of JSON).
    const over = binding(Math.ceil(REQUEST_MAX_BYTES / 70));
    const bytes = exact(over);
    expect(bytes).toBeGreaterThan(REQUEST_MAX_BYTES);
    const refused = `is ${bytes} bytes, over the ${REQUEST_MAX_BYTES} the API server (etcd) accepts`;
    expect(() => parseOutput(file(over))).toThrow(refused);
    // A later reading takes the first's object for the same text: judged, and refused, again.
    const cache = new DocumentCache();
    expect(() => parseOutput(file(over), cache)).toThrow(refused);
    expect(() => parseOutput(file(over), cache)).toThrow(refused);
    // Beside small documents in its file, refused all the same, at its place.
    const small = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    const beside = toYamlStream([small('web'), over, small('data')], OUTPUT_HEADER.slice(2));
    expect(() => parseOutput([{ path, label: path, content: beside }])).toThrow(
      `a file of orgctl's output cannot be trusted:\n  ${path}#1: `,
    );
    expect(() => parseOutput([{ path, label: path, content: beside }])).toThrow(refused);
    const under = binding(Math.floor(REQUEST_MAX_BYTES / 90));
    expect(exact(under)).toBeLessThan(REQUEST_MAX_BYTES);
    expect(parseOutput(file(under))).toHaveLength(1);
  });
});

/**
 * What the strict reader's size check skips rests on this: a document read from n UTF-16 units of
 * text holds at most jsonBytesOfUnitsAtMost(n) bytes of JSON, and data of at most n units (each at
 * most 3 bytes), however it is written. Were a bound under the exact size, an object too large
 * would pass.
 */
describe("a document's text bounds what it holds (jsonBytesOfUnitsAtMost, readCanonicalYaml's unitsAtMost)", () => {
  /** How many ConfigMaps' data were checked: each test says its own check ran. */
  let dataChecked = 0;
  /** Each document of `text` as read, with its units: checked against its exact sizes. */
  const expectBounded = (text: string, cache?: { documents: DocumentCache; file: string }) => {
    const read = readCanonicalYaml(text, cache);
    if (!('documents' in read)) throw new Error(`not read: ${JSON.stringify(read.error)}`);
    expect(read.unitsAtMost).toHaveLength(read.documents.length);
    read.documents.forEach((doc, i) => {
      const units = read.unitsAtMost[i]!;
      expect(exact(doc), text).toBeLessThanOrEqual(jsonBytesOfUnitsAtMost(units));
      const data = doc.data;
      if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
        expect(configMapDataBytes(data as Record<string, unknown>)).toBeLessThanOrEqual(3 * units);
        dataChecked++;
      }
    });
    return read.documents.length;
  };
  const stream = (docs: Record<string, unknown>[]) => toYamlStream(docs, OUTPUT_HEADER.slice(2));

  it('for any value the writer writes, read alone, beside a first reading, and taken whole', () => {
    dataChecked = 0;
    // Every unit the writer may write otherwise: escapes, controls, quotes, backslashes, line breaks
    // (block scalars), surrogate pairs, non-ASCII (a lone half is written as an escape the reader refuses).
    const text = fc.string({
      unit: fc.constantFrom('a', '"', '\\', '\n', ' ', '\u0001', '\u007f', 'é', '漢', '😀', '\u2028', '#', ':', '-'),
    });
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        text,
        fc.constantFrom(0, 1, -1.5, 1e21, true, false, null),
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(text, tie('v'), { maxKeys: 4 }),
      ),
    })).v;
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.dictionary(text, value, { minKeys: 1, maxKeys: 5 }),
            fc.option(fc.dictionary(text, text, { maxKeys: 4 })),
          ),
          { minLength: 1, maxLength: 4 },
        ),
        (drawn) => {
          // A ConfigMap's `data` half the time: a random key is never `data`, so its check would never run.
          const docs = drawn.map(([doc, data]) => (data === null ? doc : { ...doc, data }));
          const written = stream(docs);
          expect(expectBounded(written)).toBe(docs.length);
          const cache = new DocumentCache();
          expectBounded(written, { documents: cache, file: 'f' });
          expectBounded(written, { documents: cache, file: 'f' }); // the first reading's very text
          expectBounded(stream([...docs].reverse()), { documents: cache, file: 'f' }); // taken one by one
        },
      ),
      { numRuns: 300 },
    );
    expect(dataChecked).toBeGreaterThan(300);
  });

  it('for texts written by hand: block scalars of quotes and backslashes, escapes, short keys', () => {
    const texts = [
      'a: |\n  "\\"\\\n  \n  "\n',
      'a: |-\n  \\\n\n  "\n',
      '---\na: "\\u0001\\u0002\\u00e9😀"\n---\nb: []\nc: {}\n---\nx:\n-\n  - 1\n  - w\n-\n  - z\n',
      '---\n"\\u0000": "\\\\"\n',
      'k:\n  a: b\n  c: d\n',
      'a:\n- b: 1\n  c: ""\n- {}\n- []\n',
      // Data of 3-byte units, one per unit of text: near the data bound (3 bytes a unit).
      stream([{ data: { k: '漢'.repeat(200), l: '😀'.repeat(100) } }]),
    ];
    for (const t of texts) expectBounded(t);
  });

  it("for every document of a generated organization's output", () => {
    dataChecked = 0;
    const generated = generateSpec({ users: 300, namespaces: 40, grants: 3_000, tokens: 30, seed: 5 });
    withEveryKindOfBinding(generated.spec as Record<string, any>, 10);
    expect(expectBounded(stream(objectsOfSpec(generated) as never))).toBeGreaterThan(100);
    expect(dataChecked).toBeGreaterThan(0); // the users' membership ConfigMaps
  });
});
