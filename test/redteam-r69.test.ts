/**
 * Red team R69 (base 46eeeaf): how orgctl classifies what a granted resource can do
 * (analysis/classes.ts, analysis/custom-resource-classes.ts, constructs/safe-custom-resources.ts).
 *
 * R69-1 (low): the `webhooks` class was a warning for a non-admin. It holds only through a
 * ClusterRoleBinding, which orgctl never writes, so it is judged where orgctl reads RBAC it did not
 * write (`access`, `explain`, `who-can` over a cluster's dump) and in the class table a reviewer
 * reads. But whoever writes a MutatingAdmissionPolicy and its binding (admissionregistration.k8s.io,
 * alpha in 1.32, beta in 1.34) has the API server itself rewrite every object written in the cluster:
 * a JSONPatch adding the writer to `subjects` of every RoleBinding Argo CD applies (escalate), the
 * writer's image into every pod template (run-pods). A MutatingWebhookConfiguration does the same
 * through the writer's Service; a ValidatingAdmissionPolicy or webhook refuses Argo CD's writes
 * (hold-delivery) or, deleted or re-bound, switches namespace protection off; an APIService answers
 * a whole API group; a CRD's conversion webhook rewrites every stored object of its kind (Argo CD's
 * Applications included). Each is an admin-only class in disguise: `webhooks` is an error.
 * Sources: https://kubernetes.io/docs/reference/access-authn-authz/mutating-admission-policy/ (beta in
 * 1.34: CEL mutations "defined either with an apply configuration ... or a JSON patch", applied to
 * the object coming into the admission chain) and the API reference
 * https://kubernetes.io/docs/reference/kubernetes-api/admissionregistration/mutating-admission-policy-v1/
 * (cluster-scoped, as k8s-openapi's ClusterResourceScope for it says).
 */
import { describe, expect, it } from 'vitest';
import { CLASS_BY_ID, classesOfRule, unsafeDeclaration } from '../analysis/classes.ts';
import { reservedReason } from '../analysis/explain.ts';
import { forbiddenGrantsOfBob, smallOrg } from './helpers.ts';

/** An organization declaring one custom resource safe, as a function: it throws where the declaration is refused. */
const declaring = (group: string, resource: string) => () =>
  smallOrg({
    safeCustomResources: [{ group, resources: [resource], reason: 'no controller makes pods from it' }],
  }).org.toModel();

const write = (group: string, resource: string) => ({
  apiGroups: [group],
  resources: [resource],
  verbs: ['create', 'update', 'patch'],
});

const ADMISSION = 'admissionregistration.k8s.io';

describe('R69-1: writing admission policies, webhooks, APIServices or CRDs cluster-wide is reserved for admins', () => {
  it('a MutatingAdmissionPolicy and its binding, written cluster-wide, are reserved (explain says why)', () => {
    for (const resource of ['mutatingadmissionpolicies', 'mutatingadmissionpolicybindings'])
      expect(reservedReason({ verb: 'create', namespace: '', apiGroup: ADMISSION, resource })?.text, resource).toMatch(
        /^reserved for admins/,
      );
  });

  it('every request of the class is, the webhooks and validating policies included', () => {
    expect(CLASS_BY_ID.get('webhooks')!.severity).toBe('error');
    for (const [group, resource] of [
      [ADMISSION, 'mutatingwebhookconfigurations'],
      [ADMISSION, 'validatingwebhookconfigurations'],
      [ADMISSION, 'validatingadmissionpolicies'],
      [ADMISSION, 'validatingadmissionpolicybindings'],
      ['apiregistration.k8s.io', 'apiservices'],
      ['apiextensions.k8s.io', 'customresourcedefinitions'],
    ])
      expect(
        reservedReason({ verb: 'patch', namespace: '', apiGroup: group!, resource: resource! }),
        resource,
      ).toBeDefined();
  });
});

/**
 * R69-2 (medium): Kyverno's PolicyException could be declared safe. A PolicyException (kyverno.io
 * `policyexceptions`; its CEL form policies.kyverno.io `policyexceptions`) is namespaced, but lets
 * whatever resources its `match` names, in any namespace, past the policy rules it names: "It can be
 * used to exempt any resource from any Kyverno rule type" (https://kyverno.io/docs/exceptions). Before
 * Kyverno 1.13 one was honoured in every namespace by default (GO-2024-3230, "Kyverno's PolicyException
 * objects can be created in any namespace by default"); since, wherever `exceptionNamespace` allows.
 * The claim a declaration makes ("no controller makes pods, reads Secrets or takes identities from
 * it") is true of an exception as an admin reads it, so a declared PolicyException passed for a
 * non-admin with no finding, while it switches off the cluster's Kyverno policies (pod security,
 * disallowed Service externalIPs, ingress-nginx snippets) for anyone's requests: the `webhooks`
 * class's "switch policy off", held in a namespace.
 */
const EXEMPTING: readonly [string, string][] = [
  ['kyverno.io', 'policyexceptions'],
  ['policies.kyverno.io', 'policyexceptions'],
];

describe("R69-2: a policy engine's exceptions switch its cluster-wide policies off", () => {
  it('writing one in a namespace holds webhooks, and it can never be declared safe', () => {
    for (const [group, resource] of EXEMPTING) {
      expect(classesOfRule(write(group, resource), 'namespace'), `${resource}.${group}`).toContain('webhooks');
      expect(unsafeDeclaration(group, resource), `${resource}.${group}`).toMatch(/^can never be declared safe: /);
    }
  });

  it('an organization declaring them safe is refused where it declares them', () => {
    expect(declaring('kyverno.io', 'policyexceptions')).toThrow(
      /policyexceptions\.kyverno\.io can never be declared safe/,
    );
  });

  it('a non-admin given them is refused (forbidden-grant)', () => {
    for (const [group, resource] of EXEMPTING)
      expect(forbiddenGrantsOfBob([write(group, resource)]), `${resource}.${group}`).toHaveLength(1);
  });
});

/**
 * R69-3 (medium-high): External Secrets' SecretStore could be declared safe, and mints a token for any
 * ServiceAccount of its namespace, sent to a server its writer names. A SecretStore (external-secrets.io
 * `secretstores`, namespaced) says where secrets come from and how ESO logs in there; it writes no
 * Secret, so an admin may well read it as safe (ExternalSecrets are refused: `identity`). But with
 * `provider.vault.auth.kubernetes.serviceAccountRef` ESO requests a token for that ServiceAccount
 * (getJwtString → createServiceAccountToken, the TokenRequest API, audiences as the store says) and
 * logs in with it (`c.auth.Login`) at `provider.vault.server`, any URL: external-secrets
 * pkg/provider/vault/auth_kubernetes.go. The store controller does so for every store it reconciles
 * (validateStore → GetFromStore → NewClient, then Validate: pkg/controllers/secretstore/common.go),
 * and ESO's controller may create serviceaccounts/token cluster-wide (its chart's ClusterRole
 * `external-secrets-controller`, deploy/charts/external-secrets/templates/rbac.yaml). So writing one
 * hands the writer's server a token of any ServiceAccount of the namespace: `create
 * serviceaccounts/token` in disguise. A ClusterSecretStore names a ServiceAccount of any namespace.
 */
describe("R69-3: External Secrets' SecretStore sends a token of any ServiceAccount to its writer's server", () => {
  it('writing one in a namespace holds identity (a ClusterSecretStore cluster-wide), and it can never be declared safe', () => {
    expect(classesOfRule(write('external-secrets.io', 'secretstores'), 'namespace')).toContain('identity');
    expect(classesOfRule(write('external-secrets.io', 'clustersecretstores'), 'cluster')).toContain('identity');
    for (const resource of ['secretstores', 'clustersecretstores'])
      expect(unsafeDeclaration('external-secrets.io', resource), resource).toMatch(/^can never be declared safe: /);
  });

  it('an organization declaring SecretStores safe is refused where it declares them', () => {
    expect(declaring('external-secrets.io', 'secretstores')).toThrow(
      /secretstores\.external-secrets\.io can never be declared safe/,
    );
  });
});
