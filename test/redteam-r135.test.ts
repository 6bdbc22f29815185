/**
 * Red team R135: this session's shortcuts in what is judged (the strict reader's size check bounded
 * by each document's text, raw characters looked for as read, the proof against base's splices).
 */
import { describe, expect, it } from 'vitest';
import { parseOutput } from '../cli/output-read.ts';
import { objectRefused, REQUEST_MAX_BYTES } from '../policies/org/kubernetes-names.ts';
import { byteLength } from '../model/text.ts';
import { OUTPUT_HEADER } from '../synth/render.ts';
import { DocumentCache, toYamlStream } from '../synth/yaml.ts';

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
