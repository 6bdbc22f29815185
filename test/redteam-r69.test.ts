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
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLASS_BY_ID, classesOf, classesOfRule, unsafeDeclaration } from '../analysis/classes.ts';
import { reservedReason } from '../analysis/explain.ts';
import { CATALOG } from '../model/catalog.ts';
import { runPolicies } from '../policies/org/index.ts';
import { forbiddenGrantsOfBob, ROOT, smallOrg, synth, TODAY } from './helpers.ts';

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

/**
 * R69-4 (medium): Crossplane's provider-kubernetes Object could be declared safe. In Crossplane v2 its
 * managed resources are namespaced: `objects.kubernetes.m.crossplane.io` (scope: Namespaced) holds
 * `spec.forProvider.manifest`, the "Raw JSON representation of the kubernetes object to be created",
 * which the provider creates with the credentials of its `providerConfigRef` (default: the
 * ClusterProviderConfig `default`, the cluster admin's): a Pod, a Deployment or a RoleBinding naming
 * the writer, as the provider (crossplane-contrib/provider-kubernetes
 * package/crds/kubernetes.m.crossplane.io_objects.yaml; README: "deployment and management of
 * arbitrary Kubernetes objects"). Argo CD's Application in another costume: never safe, `run-pods`.
 */
describe("R69-4: Crossplane provider-kubernetes' namespaced Object makes any object as the provider", () => {
  it('writing one holds run-pods, and it can never be declared safe', () => {
    expect(classesOfRule(write('kubernetes.m.crossplane.io', 'objects'), 'namespace')).toContain('run-pods');
    expect(declaring('kubernetes.m.crossplane.io', 'objects')).toThrow(
      /objects\.kubernetes\.m\.crossplane\.io can never be declared safe/,
    );
  });
});

/**
 * R69-5 (low): External Secrets' PushSecret, declared safe, was granted with no finding. A PushSecret
 * (external-secrets.io `pushsecrets`, namespaced) "reads a local kind=Secret and pushes its content
 * to a secret provider" (https://external-secrets.io/latest/guides/pushsecrets/): its
 * `selector.secret.name` is any Secret of its namespace, its `remoteRef` where it lands in a store the
 * writer names (a ClusterSecretStore of the cluster admin's included), `updatePolicy: Replace`
 * overwriting what is there. Reading Secrets is `read-secrets`, a warning a reviewer sees (`r:secrets`
 * is grantable): so is pushing them. Not refused: the class is a warning, as reading them is.
 */
describe("R69-5: External Secrets' PushSecret reads any Secret of its namespace", () => {
  it('writing one holds read-secrets', () => {
    expect(classesOfRule(write('external-secrets.io', 'pushsecrets'), 'namespace')).toEqual(['read-secrets']);
  });

  it('declared safe and granted to a non-admin, it is a risky-grant warning, not silence', () => {
    const { org, web } = smallOrg({
      safeCustomResources: [
        { group: 'external-secrets.io', resources: ['pushsecrets'], reason: 'pushes to our own Vault' },
      ],
    });
    web.grantRules(org.user('bob@acme.io'), [write('external-secrets.io', 'pushsecrets')]);
    const r = synth(org);
    expect(r.ok).toBe(true);
    expect(r.findings.map((f) => `${f.severity} ${f.rule}`)).toEqual(['warning risky-grant']);
    expect(r.findings[0]!.message).toContain('read Secrets');
  });
});

/**
 * Judged not holes (pinned here, with why).
 *
 * OPA kube-mgmt's policy ConfigMaps. kube-mgmt loads every ConfigMap labelled
 * `openpolicyagent.org/policy=rego` "Created in a namespace listed in the `--namespaces` option. If
 * you specify `--namespaces=*` then `kube-mgmt` will look for policies in ALL namespaces"
 * (open-policy-agent/kube-mgmt README, Policies and Data loading); its chart passes
 * `--namespaces={{ coalesce .Values.mgmt.namespaces (list .Release.Namespace) }}`, its own namespace
 * by default (charts/opa-kube-mgmt/templates/deployment.yaml), and OPA's webhook (chart default rules:
 * every operation on every resource) enforces what those policies say on the whole cluster. So with
 * an organization's namespace in that list, `w:configmaps` there writes cluster admission policy
 * (`webhooks`). Not a hole in orgctl's classification: RBAC cannot tell a labelled ConfigMap from
 * another, and which namespaces a controller reads code from is the cluster's configuration, which
 * orgctl cannot see, as it cannot see other controllers' RBAC (README, Threat model: out of scope).
 * Refusing `w:configmaps` to every non-admin would refuse the common case to cover a flag. The
 * proportionate fix is the README's note under Privilege classes (keep such a namespace out of the
 * organization, or declare it `adminsOnly`, which refuses every grant there to a non-admin).
 *
 * Kyverno's CleanupPolicy (kyverno.io `cleanuppolicies`). A namespaced cleanup policy deletes, on its
 * schedule, what its match selects in its own namespace ("a ClusterCleanupPolicy being cluster scoped
 * and a CleanupPolicy being Namespaced": https://kyverno.io/docs/policy-types/cleanup-policy), as
 * Kyverno's cleanup controller, which may delete only what the cluster admin let it: its chart's
 * ClusterRole gives it its own policies and CronJobs, plus `cleanupController.rbac.clusterRole.
 * extraResources` (delete, list), none by default (kyverno/kyverno
 * charts/kyverno/templates/cleanup-controller/clusterrole.yaml). Deleting is not what orgctl reserves,
 * but for Secrets (`identity`) and the Namespace itself (`hold-delivery`, cluster-scoped: out of a
 * namespaced policy's reach); a deleted RoleBinding of the organization is access taken away, which
 * Argo CD applies again, never a gain. So it stays an undeclared write (forbidden-grant for a
 * non-admin) that an admin may declare safe with a reason; a cluster whose cleanup controller may
 * delete Secrets is that controller's RBAC, out of scope. Its CEL successor DeletingPolicy
 * (policies.kyverno.io `deletingpolicies`) is cluster-scoped (its CRD: `scope: Cluster`): no
 * RoleBinding reaches it.
 */
describe('R69 judged not holes: the facts they rest on', () => {
  it("w:configmaps holds no class and is not reserved; README says when a namespace's ConfigMaps are policy", () => {
    const level = CATALOG.find((l) => l.id === 'w:configmaps')!;
    expect(classesOf(level.rules, 'namespace')).toEqual([]);
    expect(level.adminOnly).toBe(false);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('`openpolicyagent.org/policy=rego`');
    expect(readme).toMatch(/keep such a namespace out of the organization, or declare it\s+`adminsOnly`/);
  });

  it("a namespace declared adminsOnly refuses a non-admin's w:configmaps there", () => {
    const { org } = smallOrg();
    const opa = org.namespace('opa', { adminsOnly: true });
    opa.grant(org.user('bob@acme.io'), 'w:configmaps');
    expect(runPolicies(org.toModel(), { today: TODAY }).map((f) => f.rule)).toContain('forbidden-grant');
  });

  it("Kyverno's CleanupPolicy holds no class: undeclared it is refused to a non-admin, and an admin may declare it", () => {
    expect(classesOfRule(write('kyverno.io', 'cleanuppolicies'), 'namespace')).toEqual([]);
    expect(forbiddenGrantsOfBob([write('kyverno.io', 'cleanuppolicies')])).toHaveLength(1);
    expect(unsafeDeclaration('kyverno.io', 'cleanuppolicies')).toBeUndefined();
  });
});

/*
 * R69 summary (red team R69, base 46eeeaf).
 *
 * Closed: R69-1 (low) `webhooks` is an error class; R69-2 (medium) Kyverno's PolicyException holds
 * `webhooks` in a namespace and is never declarable; R69-3 (medium-high) External Secrets' SecretStore
 * and ClusterSecretStore hold `identity` (a token of any ServiceAccount sent to the store's server);
 * R69-4 (medium) Crossplane provider-kubernetes' namespaced Object holds `run-pods`; R69-5 (low)
 * External Secrets' PushSecret holds `read-secrets` (a warning, as reading Secrets is).
 *
 * What held:
 * - Kubernetes' own admission objects (webhook configurations, Validating/MutatingAdmissionPolicy and
 *   bindings), APIServices and CRDs are cluster-scoped: no RoleBinding, so no grant orgctl writes,
 *   reaches them (redteam-r60's pin), and the proof refuses a ClusterRoleBinding in dist/.
 * - Kyverno's and Kubewarden's namespaced policies (R60), Argo Workflows, Tekton (and Triggers),
 *   Argo CD/Events/Rollouts, Flux, KEDA ScaledJobs, Knative, KubeVirt: already never declarable.
 * - Every write of named resources in a group Kubernetes does not serve stays forbidden-grant for a
 *   non-admin until an admin declares it (another admin approves, the reason shown): each new case
 *   above was reachable only through such a declaration, whose claim the admin could read as true.
 * - Cluster-scoped custom resources (Gatekeeper's constraints, templates and mutations, Kyverno's
 *   ClusterPolicy, ClusterCleanupPolicy and DeletingPolicy, Crossplane's Compositions and Providers)
 *   are out of every RoleBinding's reach.
 * - Judged not holes, pinned above: OPA kube-mgmt's policy ConfigMaps (documented in README), Kyverno's
 *   CleanupPolicy (deletes only what the cluster admin let its controller delete).
 *
 * Not done (time):
 * - cert-manager's namespaced Issuer: a Vault issuer's `auth.tokenSecretRef` (or AppRole `secretRef`)
 *   names a Secret of the namespace that cert-manager sends to the issuer's `server`; its
 *   `serviceAccountRef` needs a Role the cluster admin grants per ServiceAccount. Probably
 *   `read-secrets` (a warning) when declared; when cert-manager sends the token was not read in its
 *   source, so it is not classified here.
 * - External Secrets' generators (generators.external-secrets.io, e.g. VaultDynamicSecret with the same
 *   Vault login as a SecretStore) are run when an ExternalSecret or PushSecret references them; a
 *   writer rewriting one another's ExternalSecret references may get the same token sending as R69-3.
 * - Crossplane provider-helm's namespaced Release (helm.m.crossplane.io) and other `.m.crossplane.io`
 *   managed resources that make Kubernetes objects: group and scope not checked against their CRDs.
 * - Kyverno's namespaced CEL deleting policy (if a NamespacedDeletingPolicy ships; only the
 *   cluster-scoped DeletingPolicy was found) and Kyverno's `cleanup.kyverno.io/ttl` label (needs write
 *   on the object labelled, which in orgctl's levels comes with delete).
 * - Other label-driven controllers like kube-mgmt (Grafana's sidecar loading labelled ConfigMaps as
 *   datasources, Prometheus rule loaders): the README note covers the pattern, not each tool.
 */
