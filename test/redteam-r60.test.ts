/**
 * Red team R60 (base 1965d72): what Argo CD applies and how the organization's namespaces and
 * objects are protected in the cluster.
 *
 * R60-1 (medium-low): a namespace's own admission policy. Kubernetes' webhooks and admission
 * policies are cluster-scoped (the `webhooks` class: no RoleBinding reaches them), but the policy
 * engines most clusters run take namespaced policies that their webhook applies to every request in
 * that namespace: Kyverno's `Policy` (kyverno.io) and its CEL kinds (policies.kyverno.io:
 * `NamespacedMutatingPolicy`, `NamespacedGeneratingPolicy`, `NamespacedValidatingPolicy`,
 * `NamespacedImageValidatingPolicy`), Kubewarden's `AdmissionPolicy` and `AdmissionPolicyGroup`
 * (policies.kubewarden.io, a WebAssembly module from any registry the writer names). Kyverno's
 * documentation: "namespaced policies will only apply to resources within the namespace in which
 * they are defined"; mutation rules run at admission, before validation. So whoever writes one in
 * a namespace of the organization:
 * - with a mutation, rewrites what anyone writes there, Argo CD's own requests included: the
 *   RoleBindings it applies get the writer as a subject (a User shaped like the organization's
 *   people, which the boundary admits), a workload's pod template gets the writer's image (run as
 *   the workload's ServiceAccount); with a generate rule, makes any object there as the engine's
 *   controller. That is `w:workloads` and `escalate` in disguise.
 * - with a validation alone, refuses Argo CD's next RoleBinding there: its shard's sync fails,
 *   every revocation in it held (`hold-delivery`, as a quota counting RoleBindings).
 * orgctl refuses a non-admin's writes in an API group it does not know unless the organization
 * declares them safe, but these could be declared: the claim a declaration makes ("no controller
 * makes pods, reads Secrets or takes identities from it") is true of a validate-only policy as an
 * admin reads it, and the grant then passes with no finding. Like the pod-making resources of
 * Argo CD, Tekton Triggers or Argo Events (whose triggers create any object), they must never be
 * declarable safe, and hold an admin-only class.
 *
 * Leftovers judged, not holes (see the report):
 * - `appliedBy`'s exemption from the Namespace delete/relabel refusal: every Kubernetes route to act
 *   as it is admin-only (writing Argo CD's Applications, ApplicationSets or AppProjects is
 *   `run-pods`; pods in Argo CD's namespace, which no organization may declare; a token for its
 *   ServiceAccount, impersonation: `identity`), and another team's Application whose AppProject
 *   allows Namespaces by kind may delete kube-system as well: that is the Argo CD admin's wall.
 * - an organization's Role or RoleBinding deleted and made again without its label: making one is
 *   `escalate`, admin-only; so is the hold a quota gives.
 * - PodDisruptionBudgets, HorizontalPodAutoscalers, CSIStorageCapacities: Argo CD deletes, never
 *   evicts; a budget and an autoscaler reach only their namespace's pods (an autoscaler's minimum is
 *   1), and a capacity only makes nodes feasible: none holds a sync (redteam-r51 lists why).
 */
import { describe, expect, it } from 'vitest';
import { classesOfRule, unsafeDeclaration } from '../analysis/classes.ts';
import { smallOrg, synth } from './helpers.ts';

/** A namespace's own admission policies that may rewrite what is written there (or make objects). */
const REWRITING: readonly [string, string][] = [
  ['kyverno.io', 'policies'],
  ['policies.kyverno.io', 'namespacedmutatingpolicies'],
  ['policies.kyverno.io', 'namespacedgeneratingpolicies'],
  ['policies.kubewarden.io', 'admissionpolicies'],
];
/** Those that only validate: they refuse what is written there, Argo CD's RoleBindings included. */
const REFUSING: readonly [string, string][] = [
  ['policies.kyverno.io', 'namespacedvalidatingpolicies'],
  ['policies.kyverno.io', 'namespacedimagevalidatingpolicies'],
  ['policies.kubewarden.io', 'admissionpolicygroups'],
];

describe("R60-1: a namespace's own admission policy of a policy engine (Kyverno, Kubewarden)", () => {
  const write = (group: string, resource: string) => ({
    apiGroups: [group],
    resources: [resource],
    verbs: ['create', 'update', 'patch'],
  });

  it('can never be declared safe', () => {
    for (const [group, resource] of [...REWRITING, ...REFUSING])
      expect(unsafeDeclaration(group, resource), `${resource}.${group}`).toMatch(/^can never be declared safe: /);
  });

  it('writing one that rewrites what is written in the namespace runs pods; one that validates holds delivery', () => {
    for (const [group, resource] of REWRITING)
      expect(classesOfRule(write(group, resource), 'namespace'), `${resource}.${group}`).toContain('run-pods');
    for (const [group, resource] of REFUSING)
      expect(classesOfRule(write(group, resource), 'namespace'), `${resource}.${group}`).toContain('hold-delivery');
  });

  it("an organization declaring Kyverno's namespaced Policy safe is refused where it declares it", () => {
    const declare = () =>
      smallOrg({
        safeCustomResources: [{ group: 'kyverno.io', resources: ['policies'], reason: 'our policies only validate' }],
      }).org.toModel();
    expect(declare).toThrow(/policies\.kyverno\.io can never be declared safe: Kyverno \(kyverno\.io\)/);
  });

  it('a non-admin given them is refused (forbidden-grant), an admin is not', () => {
    const { org, web, alice } = smallOrg();
    web.grantRules(org.user('bob@acme.io'), [write('kyverno.io', 'policies')]);
    web.grantRules(alice, [write('policies.kyverno.io', 'namespacedvalidatingpolicies')]);
    const r = synth(org);
    expect(r.findings.filter((f) => f.severity === 'error').map((f) => `${f.rule} ${f.subject}`)).toEqual([
      'forbidden-grant users/bob@acme.io → web',
    ]);
  });
});

describe('R60 leftovers judged not holes: the facts they rest on', () => {
  const rule = (group: string, resources: string[], verbs: string[]) => ({ apiGroups: [group], resources, verbs });

  it('every Kubernetes route to act as appliedBy, or through Argo CD, holds an admin-only class in a namespace', () => {
    expect(
      classesOfRule(rule('argoproj.io', ['applications', 'applicationsets', 'appprojects'], ['patch']), 'namespace'),
    ).toContain('run-pods');
    expect(classesOfRule(rule('', ['serviceaccounts/token'], ['create']), 'namespace')).toContain('identity');
    expect(classesOfRule(rule('', ['serviceaccounts'], ['impersonate']), 'namespace')).toContain('identity');
    expect(classesOfRule(rule('', ['pods'], ['create']), 'namespace')).toContain('run-pods');
  });

  it("Kubernetes' own webhooks and admission policies are cluster-scoped: a RoleBinding reaches none", () => {
    const every = rule('admissionregistration.k8s.io', ['*'], ['*']);
    expect(classesOfRule(every, 'namespace')).toEqual([]);
    expect(classesOfRule(every, 'cluster')).toEqual(['webhooks']);
  });
});
