/**
 * Red team R49 (base 6394498): what a pull request author or a cluster user holding only what
 * orgctl grants can do so that an Argo CD sync of a shard fails, hangs or never prunes, holding
 * revocations already merged while every review shows ✅.
 *
 * R49-1 (medium): Argo CD prunes with foreground propagation unless told otherwise (gitops-engine
 * pkg/sync/sync_context.go getDeleteOptions: `metav1.DeletePropagationForeground` when no
 * PrunePropagationPolicy is set). A foreground delete keeps the object, with a deletionTimestamp
 * and the `foregroundDeletion` finalizer, until every dependent whose ownerReference says
 * `blockOwnerDeletion: true` is gone; the RBAC authorizer still honours a RoleBinding in that
 * state. Whoever holds any write level in a namespace (w:configmaps, w:services, w:pvcs, ...) and
 * reads its RoleBindings (r:full) can create, there, a ConfigMap owned by orgctl's RoleBinding
 * (blockOwnerDeletion: true; the OwnerReferencesPermissionEnforcement admission plugin that would
 * refuse it is off by default) with a finalizer of their own: when a revocation prunes that
 * binding (their own access, say), the binding stays and keeps granting, and the sync waits for its
 * deletion ("waiting for deletion of", Sync's prunedTasksPendingDelete) forever. The operation never
 * ends, so no later sync of that shard runs: every later revocation there, other namespaces'
 * included, is held. With `PrunePropagationPolicy=background` the API server deletes the owner at
 * once and collects dependents afterwards.
 *
 * R49-2 (medium): R48-1 closed the quota orgctl writes, not one a cluster user writes. A grant of
 * custom rules writing `resourcequotas` passed with no finding at all: its holder creates a
 * ResourceQuota of their own counting `count/rolebindings.rbac.authorization.k8s.io` at what the
 * namespace holds (or patches `resourcequotas/status` so the quota admission believes the count is
 * reached), and the next RoleBinding or Role orgctl writes there is refused: the shard's sync fails
 * in that wave and, with PruneLast, prunes nothing. Deleting the namespace itself (custom rules
 * `delete namespaces`: only a warning, `risky-grant`) does the same: a Terminating namespace refuses
 * every create (NamespaceLifecycle), and one object of the deleter's with a finalizer keeps it
 * Terminating for good. Both are now reserved for admins (`forbidden-grant`).
 */
import { describe, expect, it } from 'vitest';
import { ApplicationSet } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1';
import { parse as parseYaml } from 'yaml';
import { forbiddenGrantsOfBob, refusalOfBob, smallOrg, synth } from './helpers.ts';

describe('R49-1: a prune a dependent can hold', () => {
  const appSet = () => {
    const { org } = smallOrg({ argocd: { repoURL: 'https://github.com/acme/org.git' } });
    const r = synth(org);
    expect(r.ok).toBe(true);
    const file = r.ok ? r.files.find((f) => f.path === 'argocd/applicationset.yaml') : undefined;
    expect(file).toBeDefined();
    return parseYaml(file!.content);
  };

  it("prunes with background propagation: nobody's dependent keeps a revoked binding, nor the sync waiting", () => {
    const set = appSet();
    const options: string[] = set.spec.template.spec.syncPolicy.syncOptions;
    expect(options).toContain('PrunePropagationPolicy=background');
    // One propagation policy: Argo CD reads the first option of a name.
    expect(options.filter((o) => o.startsWith('PrunePropagationPolicy='))).toHaveLength(1);
    expect(() => new ApplicationSet(set).validate()).not.toThrow();
  });
});

describe('R49-2: custom rules that stop a namespace taking what orgctl writes', () => {
  const judged = forbiddenGrantsOfBob;

  it.each([
    [{ apiGroups: [''], resources: ['resourcequotas'], verbs: ['create'] }, 'create on resourcequotas'],
    [{ apiGroups: [''], resources: ['resourcequotas'], verbs: ['patch'] }, 'patch on resourcequotas'],
    [{ apiGroups: [''], resources: ['resourcequotas/status'], verbs: ['update'] }, 'update on resourcequotas/status'],
    [{ apiGroups: [''], resources: ['namespaces'], verbs: ['delete'] }, 'delete on namespaces'],
  ])('a non-admin granted %j is refused (forbidden-grant)', (rule, described) => {
    expect(refusalOfBob(rule, described)).toContain('every revocation in that shard');
  });

  it('reading quotas, and what only marks a namespace, stay grantable', () => {
    expect(
      judged([{ apiGroups: [''], resources: ['resourcequotas', 'resourcequotas/status'], verbs: ['get'] }]),
    ).toEqual([]);
    expect(judged([{ apiGroups: [''], resources: ['resourcequotas'], verbs: ['delete'] }])).toEqual([]);
  });
});
