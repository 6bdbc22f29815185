/**
 * Red team R76 (base 05a5c45): privilege classes of custom resources a non-admin may write once an
 * admin declares them safe (`safeCustomResources`). Each hole below held no class, so a declaration
 * was accepted, and the grant it let through drew no finding, while the controller behind it reads
 * Secrets, takes identities or runs code for its writer.
 *
 * R76-1 (low, R69-5's class): cert-manager's Issuer (cert-manager.io `issuers`, namespaced; a
 * ClusterIssuer the same with Secrets of cert-manager's own namespace) has cert-manager read a Secret
 * of its namespace and send it to the server the Issuer names, any URL: a Vault issuer's
 * `auth.tokenSecretRef` is sent as its Vault token, `auth.appRole.secretRef` and
 * `auth.kubernetes.secretRef` in its login (cert-manager internal/vault/vault.go: New → setToken reads
 * the Secret key, any key, and logs in at `spec.vault.server`; the issuer's setup then calls
 * /v1/sys/health with it, so no Certificate is needed); a Venafi issuer's `credentialsRef` goes to its
 * `url`. Any key of any Secret of the namespace reaches the writer's server: reading Secrets, a
 * `read-secrets` warning as PushSecret's (R69-5). Declared safe, the grant drew no finding.
 *
 * R76-2 (medium, R69-3's class): External Secrets' QuayAccessToken and CloudsmithAccessToken
 * generators (generators.external-secrets.io `quayaccesstokens`, `cloudsmithaccesstokens`, namespaced)
 * request a token for the ServiceAccount `serviceAccountRef` names, any of the namespace, with the
 * audiences it lists (none: the API server's own), with ESO's cluster-wide `serviceaccounts/token`
 * create, and send it to the URL the resource names (`url`, `apiUrl`): external-secrets
 * pkg/generator/quay/quay.go (fetchServiceAccountToken, getQuayRobotToken: basic auth to
 * https://<url>/oauth2/federation/robot/token) and pkg/generator/cloudsmith/cloudsmith.go
 * (exchangeTokenWithCloudsmith: POST to <apiUrl>/openid/<org>/), run whenever an ExternalSecret
 * references one (R75-2's VaultDynamicSecret). The writer's server receives a token the API server
 * accepts, of any ServiceAccount of the namespace: `identity`. Declarable before.
 *
 * R76-3 (medium): ESO's ECRAuthorizationToken, STSSessionToken, GCRAccessToken and ACRAccessToken
 * generators exchange a token of the ServiceAccount their workload-identity auth names (any of the
 * namespace) at the cloud's token service, or with no auth use the controller's own cloud identity
 * (STS: "if none is specified the controller will load credentials using the aws sdk defaults";
 * GetSessionToken answers with an access key, secret key and session token), optionally assuming
 * `role`, and ESO writes the result into the Secret of every ExternalSecret referencing the
 * generator: re-pointing one an admin's ExternalSecret references hands that Secret's readers another
 * workload's, or the controller's, cloud identity (ACR's token goes to the `registry` host the writer
 * names, too). Acting as another: `identity`. Declarable before.
 *
 * R76-4 (low, R76-1's class): ESO's GithubAccessToken generator signs a GitHub App JWT with the
 * private key `auth.privatKey.secretRef` names (any Secret of the namespace) and sends it to `url`;
 * its Grafana generator sends the token `auth.token` names to `url`. A credential of the namespace at
 * the writer's server: `read-secrets` (a warning). Declared safe, the grant drew no finding.
 *
 * R76-5 (medium, R69-4's class under another group): Crossplane provider-terraform's Workspace
 * (tf.m.upbound.io `workspaces`, scope Namespaced in its CRD; the cluster-scoped tf.upbound.io one the
 * same) runs `terraform init/plan/apply` of any module, written inline or fetched from any address, in
 * the provider's pod with its providerConfigRef's credentials (by default the ClusterProviderConfig
 * `default`): Terraform's `external` data source and `local-exec` provisioner run any program there,
 * and its kubernetes or helm providers deploy anything as the provider. Declarable before.
 *
 * R76-6 (medium): Crossplane provider-http's namespaced Request and DisposableRequest
 * (http.m.crossplane.io `requests`, `disposablerequests`) send an HTTP request the resource writes to
 * any URL, with `{{ name:namespace:key }}` placeholders filled from Secrets, and write the response
 * into the Secrets `secretInjectionConfigs` names; with a ClusterProviderConfig "the
 * ClusterProviderConfig allows cross-namespace operations while the resource itself remains
 * namespaced" (provider-http examples/namespaced/README.md, Cross-namespace Access). Every Secret of
 * the cluster read and written, service-account token Secrets included: `identity`. The cluster-scoped
 * http.crossplane.io ones the same. Declarable before.
 *
 * R76-7 (medium, the class of R69-4 and R75-5): pod-making operators no list held. Apache Flink's
 * operator (flink.apache.org `flinkdeployments`: spec.image, serviceAccount and podTemplate become
 * the JobManager and TaskManager pods; `flinksessionjobs`: any jar, from any URI, run in a session
 * cluster's pods; `flinkbluegreendeployments` hold a FlinkDeployment's spec) and OpenKruise
 * (apps.kruise.io `clonesets`, `statefulsets`, `daemonsets`, `broadcastjobs`, `advancedcronjobs`,
 * `uniteddeployments`: pod templates; `ephemeraljobs`: ephemeral containers injected into the pods
 * it selects; `workloadspreads`: a patch of the pod template applied to the pods of the workload it
 * targets; the cluster-scoped `sidecarsets`: containers injected into every pod they select). Each
 * could be declared safe. Already held, and pinned: Argo Workflows' Workflow and CronWorkflow,
 * Tekton's TaskRun and PipelineRun, Knative Service, KEDA ScaledJob, the Spark operator.
 *
 * R76-8 (medium, R76-7's class): GitHub's Actions Runner Controller (actions.summerwind.dev
 * `runnerdeployments`, `runnerreplicasets`, `runners`, `runnersets`; its scale-set mode,
 * actions.github.com `autoscalingrunnersets`, `ephemeralrunnersets`, `ephemeralrunners`,
 * `autoscalinglisteners`) makes runner pods of the image and pod template the resource says, and the
 * project's own tests used a RunnerDeployment as their example of a resource an admin may declare
 * safe (test/policies/safe-custom-resources.test.ts: "a RunnerDeployment makes runner pods of the
 * image it names"). Declarable before.
 *
 * R76-9 (low, R76-1's whole class: a controller reads a Secret the resource names and sends it where
 * the resource says): the Prometheus Operator's monitoring objects (monitoring.coreos.com
 * `servicemonitors`, `podmonitors`, `probes`, `scrapeconfigs`: `basicAuth`, `authorization`,
 * `bearerTokenSecret`, `oauth2` name Secrets of their namespace, which Prometheus sends to the targets
 * they choose, a Probe's `prober.url` and static targets and a ScrapeConfig's static configs any host;
 * `alertmanagerconfigs`: a receiver's webhook URL and HTTP credentials from Secrets, sent there) and
 * Flux's notification Provider (notification.toolkit.fluxcd.io `providers`: `secretRef`'s token,
 * address and headers sent to its `address`). Commonly declared safe; the grant drew no finding.
 *
 * R76-10 (low, R69-4's and R75-3's kinds before Crossplane v2): provider-kubernetes' Object
 * (kubernetes.crossplane.io `objects`) and provider-helm's Release (helm.crossplane.io `releases`)
 * are cluster-scoped (their CRDs: scope Cluster) and do what the namespaced ones do. Only a
 * ClusterRoleBinding reaches them, which orgctl never writes, so this is the judgement of RBAC it
 * reads (`access`, `who-can`): they held no class there.
 *
 * Judged out of scope (README, under Privilege classes): Grafana's chart sidecar loads ConfigMaps and
 * Secrets labelled `grafana_datasource` or `grafana_dashboard` from its `searchNamespace` (the
 * release's own namespace unless set; `ALL` is every namespace) as datasources and dashboards. Their
 * writers configure Grafana (where it sends queries, with credentials they write themselves), which
 * is power in Grafana, not in the cluster: no Secret of anyone else's is read, no pod runs. As with
 * R69's kube-mgmt, RBAC cannot tell a labelled ConfigMap from another and which namespaces the sidecar
 * watches is the chart's configuration, which orgctl cannot see; refusing `w:configmaps` would refuse
 * the common case. The README names the pattern and the advice (keep the namespace out, or
 * `adminsOnly`).
 */
import { describe, expect, it } from 'vitest';
import { classesOfRule, unsafeDeclaration } from '../analysis/classes.ts';
import { declaredAndGrantedToBob, writeRule } from './helpers.ts';

/** One test a kind: writing it in a namespace holds run-pods, and it can never be declared safe. */
function itRunsPods(kinds: readonly [string, readonly string[]][]): void {
  for (const [group, resources] of kinds)
    for (const resource of resources)
      it(`${resource}.${group}: run-pods, never declarable`, () => {
        expect(classesOfRule(writeRule(group, resource), 'namespace')).toContain('run-pods');
        expect(unsafeDeclaration(group, resource)).toMatch(/^can never be declared safe: /);
      });
}

describe("R76-1: cert-manager's Issuer sends a Secret of its namespace to the server it names", () => {
  it('writing an Issuer holds read-secrets, a ClusterIssuer cluster-wide too', () => {
    expect(classesOfRule(writeRule('cert-manager.io', 'issuers'), 'namespace')).toEqual(['read-secrets']);
    expect(classesOfRule(writeRule('cert-manager.io', 'clusterissuers'), 'cluster')).toEqual(['read-secrets']);
  });

  it('declared safe and granted to a non-admin, it is a risky-grant warning, not silence', () => {
    const found = declaredAndGrantedToBob('cert-manager.io', 'issuers');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^warning risky-grant: .*read Secrets/);
  });

  // Certificates held no class here; R84 holds them as identity (test/redteam-r84.test.ts).
});

const GENERATORS = 'generators.external-secrets.io';

describe("R76-2: ESO's Quay and Cloudsmith generators send a token of any ServiceAccount to the URL they name", () => {
  for (const resource of ['quayaccesstokens', 'cloudsmithaccesstokens'])
    it(`writing ${resource} holds identity, and it can never be declared safe`, () => {
      expect(classesOfRule(writeRule(GENERATORS, resource), 'namespace')).toContain('identity');
      expect(unsafeDeclaration(GENERATORS, resource)).toMatch(/^can never be declared safe: /);
    });
});

describe("R76-3: ESO's cloud generators hand out another workload's, or the controller's, cloud identity", () => {
  for (const resource of ['ecrauthorizationtokens', 'stssessiontokens', 'gcraccesstokens', 'acraccesstokens'])
    it(`writing ${resource} holds identity, and it can never be declared safe`, () => {
      expect(classesOfRule(writeRule(GENERATORS, resource), 'namespace')).toContain('identity');
      expect(unsafeDeclaration(GENERATORS, resource)).toMatch(/^can never be declared safe: /);
    });
});

describe("R76-4: ESO's GitHub and Grafana generators send a credential of the namespace to the URL they name", () => {
  for (const resource of ['githubaccesstokens', 'grafanas'])
    it(`${resource}: read-secrets; declared safe and granted, a risky-grant warning`, () => {
      expect(classesOfRule(writeRule(GENERATORS, resource), 'namespace')).toEqual(['read-secrets']);
      const found = declaredAndGrantedToBob(GENERATORS, resource);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(/^warning risky-grant: .*read Secrets/);
    });

  it('held: the generators that make values (Password, UUID, SSHKey, MFA, Fake) hold no class', () => {
    for (const resource of ['passwords', 'uuids', 'sshkeys', 'mfas', 'fakes'])
      expect(classesOfRule(writeRule(GENERATORS, resource), 'namespace'), resource).toEqual([]);
  });
});

describe("R76-5: Crossplane provider-terraform's Workspace runs any Terraform in the provider's pod", () => {
  it('writing one holds run-pods (the cluster-scoped one cluster-wide), and neither can be declared safe', () => {
    expect(classesOfRule(writeRule('tf.m.upbound.io', 'workspaces'), 'namespace')).toContain('run-pods');
    expect(classesOfRule(writeRule('tf.upbound.io', 'workspaces'), 'cluster')).toContain('run-pods');
    for (const group of ['tf.m.upbound.io', 'tf.upbound.io'])
      expect(unsafeDeclaration(group, 'workspaces'), group).toMatch(/^can never be declared safe: /);
  });
});

describe("R76-6: Crossplane provider-http's requests read and write Secrets of any namespace", () => {
  for (const resource of ['requests', 'disposablerequests'])
    it(`writing ${resource} holds identity (the cluster-scoped ones cluster-wide), and it can never be declared safe`, () => {
      expect(classesOfRule(writeRule('http.m.crossplane.io', resource), 'namespace')).toContain('identity');
      expect(classesOfRule(writeRule('http.crossplane.io', resource), 'cluster')).toContain('identity');
      for (const group of ['http.m.crossplane.io', 'http.crossplane.io'])
        expect(unsafeDeclaration(group, resource), group).toMatch(/^can never be declared safe: /);
    });
});

describe('R76-7: pod-making operators: Apache Flink and OpenKruise', () => {
  const namespaced: [string, string[]][] = [
    ['flink.apache.org', ['flinkdeployments', 'flinksessionjobs', 'flinkbluegreendeployments']],
    [
      'apps.kruise.io',
      'clonesets statefulsets daemonsets broadcastjobs advancedcronjobs uniteddeployments ephemeraljobs workloadspreads'.split(
        ' ',
      ),
    ],
  ];
  itRunsPods(namespaced);

  it("OpenKruise's SidecarSet (cluster-scoped) holds run-pods cluster-wide", () => {
    expect(classesOfRule(writeRule('apps.kruise.io', 'sidecarsets'), 'cluster')).toContain('run-pods');
  });

  it('held: the operators the brief names are already run-pods', () => {
    for (const [group, resource] of [
      ['argoproj.io', 'workflows'],
      ['argoproj.io', 'cronworkflows'],
      ['tekton.dev', 'taskruns'],
      ['tekton.dev', 'pipelineruns'],
      ['serving.knative.dev', 'services'],
      ['keda.sh', 'scaledjobs'],
      ['sparkoperator.k8s.io', 'sparkapplications'],
    ] as const)
      expect(classesOfRule(writeRule(group, resource), 'namespace'), `${resource}.${group}`).toContain('run-pods');
  });
});

describe("R76-8: GitHub's Actions Runner Controller runs runner pods of the image it is given", () => {
  const kinds: [string, string[]][] = [
    ['actions.summerwind.dev', ['runnerdeployments', 'runnerreplicasets', 'runners', 'runnersets']],
    [
      'actions.github.com',
      ['autoscalingrunnersets', 'ephemeralrunnersets', 'ephemeralrunners', 'autoscalinglisteners'],
    ],
  ];
  itRunsPods(kinds);
});

describe('R76-9: monitoring and notification objects send a Secret of their namespace to the host they choose', () => {
  const kinds: [string, string][] = [
    ['monitoring.coreos.com', 'servicemonitors'],
    ['monitoring.coreos.com', 'podmonitors'],
    ['monitoring.coreos.com', 'probes'],
    ['monitoring.coreos.com', 'scrapeconfigs'],
    ['monitoring.coreos.com', 'alertmanagerconfigs'],
    ['notification.toolkit.fluxcd.io', 'providers'],
  ];
  for (const [group, resource] of kinds)
    it(`${resource}.${group}: read-secrets, a warning once declared and granted`, () => {
      expect(classesOfRule(writeRule(group, resource), 'namespace')).toEqual(['read-secrets']);
      expect(declaredAndGrantedToBob(group, resource)).toEqual([
        expect.stringMatching(/^warning risky-grant: .*read Secrets/),
      ]);
    });

  it('held: PrometheusRules (alerting and recording rules, no Secret) hold no class', () => {
    expect(classesOfRule(writeRule('monitoring.coreos.com', 'prometheusrules'), 'namespace')).toEqual([]);
  });
});

describe("R76-10: Crossplane's cluster-scoped Object and Release, written cluster-wide, run pods", () => {
  it('each holds run-pods cluster-wide, and neither can be declared safe', () => {
    for (const [group, resource] of [
      ['kubernetes.crossplane.io', 'objects'],
      ['helm.crossplane.io', 'releases'],
    ] as const) {
      expect(classesOfRule(writeRule(group, resource), 'cluster'), group).toContain('run-pods');
      expect(unsafeDeclaration(group, resource), group).toMatch(/^can never be declared safe: /);
    }
  });
});

/*
 * R76 summary (red team R76, base 05a5c45).
 *
 * Closed: R76-1 (low) cert-manager's Issuer and ClusterIssuer hold read-secrets; R76-2 (medium) ESO's
 * Quay and Cloudsmith generators hold identity (TOKEN_SENDING_GROUPS); R76-3 (medium) ESO's ECR, STS,
 * GCR and ACR generators hold identity (CLOUD_IDENTITY_GROUPS); R76-4 (low) ESO's GitHub and Grafana
 * generators hold read-secrets; R76-5 (medium) provider-terraform's Workspace holds run-pods; R76-6
 * (medium) provider-http's Request and DisposableRequest hold identity (ANY_SECRET_GROUPS); R76-7
 * (medium) Apache Flink's operator and OpenKruise hold run-pods; R76-8 (medium) GitHub's Actions
 * Runner Controller holds run-pods (the project's own tests had declared it safe: they now use a
 * fictional group); R76-9 (low) the Prometheus Operator's monitoring objects and Flux's notification
 * Provider hold read-secrets; R76-10 (low) Crossplane's cluster-scoped Object and Release hold run-pods.
 *
 * What held (pinned above): Argo Workflows, Tekton runs, Knative Service, KEDA ScaledJob and the Spark
 * operator were already run-pods; cert-manager's Certificates (README's declaration then; R84 holds
 * them as identity), PrometheusRules and ESO's value generators (Password, UUID, SSHKey, MFA, Fake) hold no class. Grafana's sidecar is
 * out of scope (header; README).
 *
 * Not done (time, or not verified here; R84, test/redteam-r84.test.ts, took up this list):
 * - cert-manager's Vault `auth.kubernetes.serviceAccountRef` (checked after the fix, left as is):
 *   cert-manager mints a token for the ServiceAccount only where the cluster admin gave it a Role for
 *   that ServiceAccount (cert-manager.io/docs/configuration/vault, Secretless Authentication), and its
 *   `audiences` are "extra audiences to include in the token passed to Vault" (cert-manager's
 *   ServiceAccountRef type): a writer may add the API server's, so its server receives a token the API
 *   server accepts for that ServiceAccount. Kept at read-secrets: it reaches only ServiceAccounts of
 *   the namespace the admin chose, as reading their token Secrets (which the same Issuer already
 *   reaches through `secretRef`) does, and `r:secrets` is a warning too. If that is judged too mild,
 *   move cert-manager.io issuers to TOKEN_SENDING_GROUPS (Issuers then never declarable).
 * - cert-manager's Certificate and CertificateRequest: any certificate, any name, from any Issuer of
 *   the namespace or any ClusterIssuer (cert-manager's approver approves every request by default).
 *   Power where a ClusterIssuer's CA is trusted for authentication (mTLS, a mesh), not in the
 *   cluster's RBAC: README declares Certificates safe, which stays an admin's judgement.
 * - ESO generators not read here: CodeArtifactAuthorizationToken, GitlabDeployToken,
 *   BeyondtrustWorkloadCredentialsDynamicSecret, and those in ESO's main branch only (artifactory,
 *   awsiam, federation, oidc, dex, database ones); Webhook stays as R75 left it.
 * - Crossplane: Upbound's cloud providers' namespaced managed resources (`*.m.upbound.io`: IAM, EKS
 *   access entries) are cloud power, outside orgctl's classes; provider-ansible, provider-sql and v2's
 *   namespaced composite resources (user-defined groups: what their Composition makes) not checked.
 * - Other pod-making operators (Strimzi's KafkaConnect image, CloudNativePG's Cluster and Pooler,
 *   Airflow, Dapr): not checked one by one; each stays undeclared until an admin declares it.
 * - duplicates --change reports shape-only pairs between entries of the data lists in
 *   custom-resource-classes.ts (a new list's opening against an old one's) and test boilerplate.
 */
