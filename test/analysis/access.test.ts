/** The access matrix's JSON, written directly, says exactly what the matrix says. */
import { join } from 'node:path';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../../cli/manifests.ts';
import { generateSpec } from '../../constructs/generate.ts';
import { Organization } from '../../constructs/index.ts';
import { synthesize } from '../../constructs/synthesize.ts';
import { parseCanonicalYaml } from '../../synth/yaml.ts';
import { accessMatrix, accessMatrixJson } from '../../analysis/access.ts';
import { Authorizer } from '../../analysis/authorizer.ts';
import { readRbac, type ManifestDoc } from '../../analysis/objects.ts';
import { ROOT, TODAY } from '../helpers.ts';

function generatedDocs(seed: number): ManifestDoc[] {
  const root = new Construct(undefined as never, '');
  Organization.fromSpec(root, generateSpec({ users: 60, namespaces: 12, grants: 400, tokens: 8, seed }), {
    today: TODAY,
  });
  const r = synthesize(root, { today: TODAY, declaredIn: 'test' });
  return r.files
    .filter((f) => f.path.endsWith('.yaml'))
    .flatMap((f) => parseCanonicalYaml(f.content)!.map((object, index) => ({ file: f.path, index, object })));
}

describe('accessMatrixJson', () => {
  it.each([
    ['the committed dist/', () => loadManifests(join(ROOT, 'dist')).docs],
    [
      'hand-written manifests (groups, cluster bindings, aggregation)',
      () => loadManifests(join(ROOT, 'test/fixtures/manifests')).docs,
    ],
    ['a generated organization', () => generatedDocs(3)],
    ['another generated organization', () => generatedDocs(4)],
  ])('is JSON.stringify(accessMatrix()) for %s', (_what, docs) => {
    const authz = new Authorizer(readRbac(docs()));
    const text = accessMatrixJson(authz);
    expect(JSON.parse(text)).toEqual(accessMatrix(authz));
    // the same text as JSON.stringify, but for the escaped arrow of every binding label
    expect(text).toBe(JSON.stringify(accessMatrix(authz)).replaceAll('→', '\\u2192'));
    expect(text).toMatch(/^[\x20-\x7e]*$/);
  });

  it('writes namespaces in sorted order even when a name looks like a number', () => {
    const binding = (ns: string) => ({
      file: 'x.yaml',
      index: 0,
      object: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'b', namespace: ns },
        roleRef: { kind: 'ClusterRole', name: 'view' },
        subjects: [{ kind: 'User', name: 'u' }],
      },
    });
    const role = {
      file: 'x.yaml',
      index: 1,
      object: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'view' },
        rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
      },
    };
    const authz = new Authorizer(readRbac([binding('web'), binding('42'), role]));
    const text = accessMatrixJson(authz);
    expect(Object.keys((JSON.parse(text) as { namespaces: object }[])[0]!.namespaces)).toEqual(['42', 'web']);
    expect(text.indexOf('"42"')).toBeLessThan(text.indexOf('"web"'));
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(accessMatrix(authz))));
  });
});
