/**
 * Red team R125: display texts parsed back as if they were identities, and objects outside the
 * organization's namespaces.
 *
 * R125-1: the diff's "gains custom RBAC X" took X from a cell's `via` label (`RoleBinding ns/name →
 * Role X`), split on ` → `. A binding's name may hold ` → `: one named `x → Role acme:custom:foo`
 * bound to a level's ClusterRole read as a custom role gained, and one named `y → Role
 * acme:custom:other` bound to the custom Role acme:custom:deploy told the reviewer the wrong role.
 */
import { describe, expect, it } from 'vitest';
import { diffSnapshots } from '../analysis/diff.ts';
import type { ManifestDoc } from '../analysis/objects.ts';
import { readSnapshot } from '../analysis/snapshot.ts';
import { parseOutput } from '../cli/output-read.ts';
import { TODAY } from './helpers.ts';
import { baseSpec, outputOf } from './review/scenarios.ts';

const RBAC = 'rbac.authorization.k8s.io/v1';
const GROUP = 'rbac.authorization.k8s.io';

const roleBinding = (
  namespace: string,
  name: string,
  roleRef: readonly [kind: string, name: string],
  user: string,
) => ({
  apiVersion: RBAC,
  kind: 'RoleBinding',
  metadata: { name, namespace },
  roleRef: { apiGroup: GROUP, kind: roleRef[0], name: roleRef[1] },
  subjects: [{ apiGroup: GROUP, kind: 'User', name: user }],
});

/** A custom Role in data (get configmaps), which a forged binding binds. */
const DEPLOY = {
  apiVersion: RBAC,
  kind: 'Role',
  metadata: { name: 'acme:custom:deploy', namespace: 'data' },
  rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
};

/** The diff's lines for erin when head is the base organization's output and `objects`. */
function erinLines(objects: readonly Record<string, unknown>[]): string[] {
  const files = outputOf(baseSpec());
  const head: ManifestDoc[] = [
    ...parseOutput(files),
    ...objects.map((object, index) => ({ file: 'in-cluster/shard-05/resources.yaml', index: 1000 + index, object })),
  ];
  const d = diffSnapshots(readSnapshot(parseOutput(files), 'base'), readSnapshot(head, 'head'), TODAY);
  return d.people.filter((p) => p.id.startsWith('erin')).flatMap((p) => p.changes.map((c) => c.text));
}

describe('R125-1: "gains custom RBAC" names the role a binding binds, not text read back from its label', () => {
  it("a binding named `x → Role acme:custom:foo` to a level's ClusterRole gains no custom role", () => {
    const lines = erinLines([
      roleBinding('data', 'x → Role acme:custom:foo', ['ClusterRole', 'acme:r:pods'], 'erin@acme.io'),
    ]);
    expect(lines).toContain('gains r:pods in data');
    expect(lines.filter((l) => l.includes('custom'))).toEqual([]);
  });

  it('a binding named `y → Role acme:custom:other` to Role acme:custom:deploy names acme:custom:deploy', () => {
    const lines = erinLines([
      DEPLOY,
      roleBinding('data', 'y → Role acme:custom:other', ['Role', 'acme:custom:deploy'], 'erin@acme.io'),
    ]);
    expect(lines.filter((l) => l.includes('custom'))).toEqual(['gains custom RBAC acme:custom:deploy in data']);
  });

  it('guard: a binding of an ordinary name to a custom Role reads as before', () => {
    const lines = erinLines([
      DEPLOY,
      roleBinding('data', 'erin-deploy', ['Role', 'acme:custom:deploy'], 'erin@acme.io'),
    ]);
    expect(lines.filter((l) => l.includes('custom'))).toEqual(['gains custom RBAC acme:custom:deploy in data']);
  });
});
