/**
 * Red team R135: this session's shortcuts in what is judged (the strict reader's size check bounded
 * by each document's text, raw characters looked for as read, the proof against base's splices).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseOutput } from '../cli/output-read.ts';
import {
  goJsonBytes as measured,
  jsonBytesAtMost,
  jsonBytesOfUnitsAtMost,
  objectRefused,
  REQUEST_MAX_BYTES,
} from '../policies/org/kubernetes-names.ts';
import { byteLength } from '../model/text.ts';
import { OUTPUT_HEADER } from '../synth/render.ts';
import { DocumentCache, readCanonicalYaml, toYamlStream } from '../synth/yaml.ts';

/** An object's JSON as Go's encoding/json writes it (kubectl's and Argo CD's requests): HTML characters and U+2028/2029 escaped. */
const goJsonBytes = (o: unknown): number =>
  byteLength(
    JSON.stringify(o).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );

describe('R135-1: an object whose request, as Go writes it, is over the API server limit', () => {
  // Each subject's name a run of `&`: 1 byte each in JSON.stringify's UTF-8, 6 (\u0026) in the
  // request kubectl and Argo CD send (Go's encoder escapes < > & and U+2028/2029).
  const binding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'acme:r:pods', namespace: 'web' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'acme:r:pods' },
    subjects: Array.from({ length: 1_000 }, (_, i) => ({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'User',
      name: `user${i}@acme.io${'&'.repeat(1_000)}`,
    })),
  };

  it('is refused by the strict reader: its JSON.stringify is under the limit, what the API server is sent is not', () => {
    expect(byteLength(JSON.stringify(binding))).toBeLessThan(REQUEST_MAX_BYTES);
    // Over the API server's own request limit (3 MiB), twice etcd's: a 413, and Argo CD applies nothing.
    expect(goJsonBytes(binding)).toBeGreaterThan(2 * REQUEST_MAX_BYTES);
    expect(objectRefused(binding)).toMatch(/bytes, over the/);
    const path = 'lga1/shard-00/resources.yaml';
    const file = [{ path, label: path, content: toYamlStream([binding], OUTPUT_HEADER.slice(2)) }];
    expect(() => parseOutput(file)).toThrow(/bytes, over the/);
    const cache = new DocumentCache();
    expect(() => parseOutput(file, cache)).toThrow(/bytes, over the/);
    expect(() => parseOutput(file, cache)).toThrow(/bytes, over the/);
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
