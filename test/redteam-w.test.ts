/**
 * Red team W: can-i, who-can and explain against what a Kubernetes v1.32 API server's RBAC
 * authorizer answers for the same manifests. Each case is a "no" where Kubernetes says yes.
 *
 * W1: TYPE `*` was asked as API group `*`, where kubectl auth can-i asks group `""` (cani.go
 *     resourceFor: `*` gives `GroupVersionResource{Resource: "*"}`): a rule on every resource of the
 *     core group (`apiGroups: [""]`, `resources: ["*"]`) answered no to `can-i '*' '*'`, and who-can
 *     named nobody.
 * W2: the API server's aggregated ClusterRoles (admin, edit, view) and the roles they aggregate
 *     (system:aggregate-to-admin, -edit, -view) were not among the roles every cluster has, so an
 *     aggregated ClusterRole of the manifests selecting `rbac.authorization.k8s.io/aggregate-to-edit`
 *     gathered nothing (on a cluster: edit's rules, create pods included), and a RoleBinding to `edit`
 *     or `view` granted nothing.
 * W3: a document of hand-written manifests with a key written twice was left out with a warning, and
 *     the answer given without it (can-i no, exit 1; who-can "nobody may", exit 0), where Go's YAML
 *     (kubectl, Argo CD) keeps the last value and applies it: a RoleBinding whose second `subjects:`
 *     names bob gave bob access Kubernetes grants and orgctl never counted.
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

/** A Role in shop allowing every verb on every resource of `group`, bound to bob. */
const everyResourceOf = (group: string): string =>
  manifests(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: all-of-group
  namespace: shop
rules:
- apiGroups: ["${group}"]
  resources: ["*"]
  verbs: ["*"]
---
${roleBinding('shop', 'bob', 'Role/all-of-group')}`);

describe('W1: TYPE * is asked in the core group, as kubectl asks it', () => {
  // Every resource of the core group, every verb: kubectl auth can-i '*' '*' -n shop sends a
  // SelfSubjectAccessReview with group "" and resource "*", which this rule allows.
  const dir = everyResourceOf('');

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
    const r = await run(['can-i', '*', '*', '-n', 'shop', '--as', 'bob', '--dir', everyResourceOf('apps')]);
    expect(r.stdout).toBe('no');
  });
});

describe("W2: the cluster's own aggregated roles (admin, edit, view)", () => {
  it('an aggregated ClusterRole selecting aggregate-to-edit gathers what edit gathers on a cluster', async () => {
    // On a cluster the aggregation controller gives `team` the rules of system:aggregate-to-edit and
    // of view (labelled aggregate-to-edit), which gathers system:aggregate-to-view's.
    const dir = manifests(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: team
aggregationRule:
  clusterRoleSelectors:
  - matchLabels:
      rbac.authorization.k8s.io/aggregate-to-edit: "true"
rules: []
---
${roleBinding('shop', 'bob', 'ClusterRole/team')}`);
    for (const [verb, type] of [
      ['create', 'pods'],
      ['get', 'secrets'],
      ['list', 'deployments.apps'],
      ['create', 'serviceaccounts/token'],
    ] as const) {
      const [resource, name] = type.split('/');
      const ask = name
        ? ['can-i', verb, resource!, '--subresource', name, '-n', 'shop', '--as', 'bob', '--dir', dir]
        : ['can-i', verb, type, '-n', 'shop', '--as', 'bob', '--dir', dir];
      const r = await run(ask);
      expect(r.stdout, `${verb} ${type}: ${r.stderr}`).toBe('yes');
    }
    const who = await run(['who-can', 'create', 'pods', '-n', 'shop', '--dir', dir, '--format', 'json']);
    expect((JSON.parse(who.stdout) as { subject: string }[]).map((row) => row.subject)).toContain('bob');
  });

  it('a RoleBinding to the built-in edit, view or admin grants what they hold, with no warning of a missing role', async () => {
    const dir = manifests(
      [
        roleBinding('shop', 'bob', 'ClusterRole/view'),
        roleBinding('shop', 'carol', 'ClusterRole/edit'),
        roleBinding('shop', 'dan', 'ClusterRole/admin'),
      ].join('---\n'),
    );
    const ask = (verb: string, type: string, user: string) =>
      run(['can-i', verb, type, '-n', 'shop', '--as', user, '--dir', dir]);
    const cases = [
      [['list', 'pods', 'bob'], 'yes'],
      [['get', 'secrets', 'bob'], 'no'], // view leaves out secrets
      [['create', 'deployments.apps', 'carol'], 'yes'],
      [['create', 'rolebindings.rbac.authorization.k8s.io', 'carol'], 'no'], // edit: no RBAC
      [['create', 'rolebindings.rbac.authorization.k8s.io', 'dan'], 'yes'],
      [['get', 'pods', 'dan'], 'yes'],
    ] as const;
    for (const [[verb, type, user], answer] of cases) {
      const r = await ask(verb, type, user);
      expect([r.stdout, r.stderr], `${verb} ${type} --as ${user}`).toEqual([answer, '']);
    }
    // --no-bootstrap leaves the cluster's own roles out: the bindings then grant nothing, and say so.
    const bare = await run(['can-i', 'list', 'pods', '-n', 'shop', '--as', 'bob', '--dir', dir, '--no-bootstrap']);
    expect(bare.stdout).toBe('no');
    expect(bare.stderr).toContain('"view" is not among these manifests');
  });
});

describe('W3: a key written twice in a hand-written manifest', () => {
  // Go's YAML keeps the last `subjects:` (REFERENCE: sigs.k8s.io/yaml over gopkg.in/yaml), so on a
  // cluster bob may create pods in shop; an answer that leaves the document out says no.
  const dir = manifests(`apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: team-edit
  namespace: shop
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: bob}
`);
  it.each([
    ['can-i', ['can-i', 'create', 'pods', '-n', 'shop', '--as', 'bob', '--dir', dir]],
    ['who-can', ['who-can', 'create', 'pods', '-n', 'shop', '--dir', dir]],
    ['access', ['access', '--dir', dir]],
  ])('%s refuses the folder (no answer without the document), naming the key and where', async (_, args) => {
    const r = await run(args);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('rbac.yaml:9');
    expect(r.stderr).toContain('duplicate key "subjects"');
  });
});
