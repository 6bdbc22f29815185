/**
 * Red team W: can-i, who-can and explain against what a Kubernetes v1.32 API server's RBAC
 * authorizer answers for the same manifests. Each case is a "no" where Kubernetes says yes.
 *
 * W1: TYPE `*` was asked as API group `*`, where kubectl auth can-i asks group `""` (cani.go
 *     resourceFor: `*` gives `GroupVersionResource{Resource: "*"}`): a rule on every resource of the
 *     core group (`apiGroups: [""]`, `resources: ["*"]`) answered no to `can-i '*' '*'`, and who-can
 *     named nobody.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, tempDir } from './helpers.ts';

/** A folder of hand-written manifests (not orgctl's output): `text` in one file. */
function manifests(text: string): string {
  const dir = tempDir('orgctl-rtw-');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'rbac.yaml'), text);
  return dir;
}

/** A RoleBinding in `ns` of User `user` to `roleRef` (`Role/NAME` or `ClusterRole/NAME`). */
const roleBinding = (ns: string, user: string, roleRef: string): string => {
  const [kind, name] = roleRef.split('/');
  return `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: ${user}-${name}
  namespace: ${ns}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ${kind}
  name: ${name}
subjects:
- apiGroup: rbac.authorization.k8s.io
  kind: User
  name: ${user}
`;
};

describe('W1: TYPE * is asked in the core group, as kubectl asks it', () => {
  // Every resource of the core group, every verb: kubectl auth can-i '*' '*' -n shop sends a
  // SelfSubjectAccessReview with group "" and resource "*", which this rule allows.
  const dir = manifests(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: core-all
  namespace: shop
rules:
- apiGroups: [""]
  resources: ["*"]
  verbs: ["*"]
---
${roleBinding('shop', 'bob', 'Role/core-all')}`);

  it.each([
    [['*', '*']],
    [['get', '*']],
    [['delete', '*/web-1']],
  ])('can-i %j -n shop --as bob is yes', async (question) => {
    const r = await run(['can-i', ...question, '-n', 'shop', '--as', 'bob', '--dir', dir]);
    expect(r.stdout, r.stderr).toBe('yes');
    expect(r.code).toBe(0);
  });

  it('who-can get * -n shop names bob', async () => {
    const r = await run(['who-can', 'get', '*', '-n', 'shop', '--dir', dir, '--no-bootstrap', '--format', 'json']);
    expect((JSON.parse(r.stdout) as { subject: string }[]).map((row) => row.subject)).toEqual(['bob']);
  });

  it('a rule on every resource of apps only is still no for *, as for kubectl (group "")', async () => {
    const apps = manifests(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: apps-all
  namespace: shop
rules:
- apiGroups: ["apps"]
  resources: ["*"]
  verbs: ["*"]
---
${roleBinding('shop', 'bob', 'Role/apps-all')}`);
    const r = await run(['can-i', '*', '*', '-n', 'shop', '--as', 'bob', '--dir', apps]);
    expect(r.stdout).toBe('no');
  });
});
