/**
 * R84: privilege classes for the custom resources R76 left unclassified (its summary's "Not done").
 * Each held no class, so an admin could declare it safe and its grant to a non-admin drew no finding
 * (or, for the warning classes, no warning), while its controller runs code, takes identities or
 * hands out another's data for its writer. Each kind's semantics were read in its project's CRD or
 * reference (the source named in analysis/custom-resource-classes.ts).
 *
 * - cert-manager's Certificate and CertificateRequest (cert-manager.io): a certificate for whatever
 *   names, organizations and usages they list, from any Issuer of the namespace or any ClusterIssuer
 *   (`issuerRef`), which cert-manager's default approver approves ("In a default installation,
 *   cert-manager automatically approves all CertificateRequests ... that use any of its built-in
 *   issuers"). A client certificate from a ClusterIssuer whose CA the API server trusts (a CA issuer
 *   holding the cluster CA) authenticates as any user, `O=system:masters` included; from a mesh's or
 *   an internal CA, it is any workload's or host's TLS identity. A CertificateRequest's writer holds
 *   the key and reads the certificate from its status; a Certificate's key lands in a Secret of the
 *   namespace. The certificates.k8s.io approval it stands for is `identity`: so are they. Stricter
 *   than R76 left them (README's own example declared Certificates safe): orgctl cannot see which
 *   issuers a cluster has nor what trusts their CAs, and an ACME-only cluster's admins grant them
 *   themselves. Checked and kept: an Issuer's Vault `auth.kubernetes.serviceAccountRef` (its
 *   `audiences` may add the API server's, so its server receives a token the API server accepts)
 *   reaches only ServiceAccounts an admin let cert-manager mint tokens for, and the same Issuer's
 *   `secretRef` already sends any Secret of the namespace, token Secrets included, as `r:secrets`
 *   reads them: `read-secrets`, a warning, as R76 judged.
 * - External Secrets' CodeArtifactAuthorizationToken generator: AWSAuth (a ServiceAccount of the
 *   namespace through auth.jwt, or with none the controller's own AWS SDK defaults) and `role`, as
 *   the STS generator of R76-3: `identity`. Its GitlabDeployToken generator sends the access token
 *   `auth.token.secretRef` names (any Secret of the namespace) to `url`, any GitLab; its
 *   BeyondtrustWorkloadCredentialsDynamicSecret sends the API key its provider's auth names to
 *   `server.apiUrl`: `read-secrets`, as R76-4's GitHub and Grafana generators.
 * - Upbound's official providers, Crossplane v2's namespaced managed resources (every API group under
 *   `m.upbound.io`: `iam.aws.m.upbound.io`, `eks.aws.m.upbound.io`...): each acts in the cloud with the
 *   credentials of the provider config it names, by default the ClusterProviderConfig `default`, the
 *   cluster's: IAM users, roles and access keys (written into a Secret of the namespace), EKS access
 *   entries (cluster-admin on an EKS cluster, this one included). The writer acts as the cluster's
 *   cloud identity: `identity`, for every resource of every such group (the families are hundreds of
 *   groups; a namespaced ProviderConfig there names the provider's own pod identity too). Before v2
 *   the same resources are cluster-scoped (`*.aws.upbound.io`, `*.gcp.upbound.io`...).
 * - Crossplane provider-ansible's AnsibleRun: `playbookInline` or any playbook or role from any
 *   source, run in the provider's pod: `run-pods`.
 * - Crossplane provider-sql's namespaced Role, User, Grant and DefaultPrivileges (postgresql, mysql and
 *   mssql groups under `sql.m.crossplane.io`): made with the ClusterProviderConfig `default`'s login,
 *   the database server's admin; a Role may be SUPERUSER (a PostgreSQL superuser runs programs on
 *   the server: COPY ... FROM PROGRAM), a Grant any role's membership, and the login's password is
 *   written into a Secret of the namespace: `identity`. The cluster-scoped ones of before v2 too.
 * - Strimzi: Kafka, KafkaNodePool, KafkaConnect (any image, connector plugins from any URL),
 *   KafkaConnector (connector code and configuration run in the Connect pods), KafkaMirrorMaker(2),
 *   KafkaBridge and StrimziPodSet (core.strimzi.io: pods as written) make or run in pods: `run-pods`.
 *   KafkaUser has the User Operator make a Kafka user of the ACLs it lists (any topic, group, the
 *   cluster) and write its credentials into a Secret of the namespace: `identity`.
 * - CloudNativePG: Cluster (`imageName`, any image), Pooler (a pod template), ImageCatalog and
 *   ClusterImageCatalog (re-pointed, every Cluster referencing it rolls onto the image it names):
 *   `run-pods`. Backup and ScheduledBackup copy a whole database of the namespace (its roles' password
 *   hashes and whatever credentials apps keep there) to its object store or into VolumeSnapshots of
 *   the namespace: `read-secrets`. The Barman Cloud plugin's ObjectStore (barmancloud.cnpg.io) sends the
 *   Secrets its s3Credentials name to `endpointURL`, any host, and every Cluster archiving to it sends
 *   its WAL and base backups there: `read-secrets`.
 * - Airflow: the Apache operator's AirflowBase and AirflowCluster (airflow.apache.org) and Stackable's
 *   AirflowCluster (airflow.stackable.tech): Airflow pods whose DAGs, Python from any git repository,
 *   run in the scheduler and workers: `run-pods`.
 * - Dapr: a Component of type `middleware.http.wasm` or `bindings.wasm` runs a Wasm program fetched
 *   from any http(s) URL inside the Dapr sidecar of every app it is scoped to (all of the namespace's
 *   by default), seeing their requests; its metadata's secretKeyRef values go to the hosts it names:
 *   `run-pods` (code in others' pods, as an OpenKruise SidecarSet). An HTTPEndpoint sends the headers
 *   it takes from Secrets to its `baseUrl`, any host: `read-secrets`. A Subscription routes a topic's
 *   messages to the apps it scopes: `network`.
 */
import { describe, expect, it } from 'vitest';
import { classesOfRule } from '../analysis/classes.ts';
import { declaredAndGrantedToBob, itHoldsReserved, itWarns, writeRule } from './helpers.ts';

describe("cert-manager's Certificates and CertificateRequests: a certificate for any name from any issuer", () => {
  itHoldsReserved('identity', [['cert-manager.io', ['certificates', 'certificaterequests']]]);

  it('checked and kept: an Issuer holds read-secrets, a warning once declared and granted', () => {
    expect(classesOfRule(writeRule('cert-manager.io', 'issuers'), 'namespace')).toEqual(['read-secrets']);
    expect(declaredAndGrantedToBob('cert-manager.io', 'issuers')).toEqual([
      expect.stringMatching(/^warning risky-grant: .*read Secrets/),
    ]);
  });
});

const GENERATORS = 'generators.external-secrets.io';

describe("External Secrets' generators R76 did not read", () => {
  itHoldsReserved('identity', [[GENERATORS, ['codeartifactauthorizationtokens']]]);
  itWarns('read-secrets', /read Secrets/, [
    [GENERATORS, ['gitlabdeploytokens', 'beyondtrustworkloadcredentialsdynamicsecrets']],
  ]);
});

describe("Upbound's providers act as the cluster's cloud identity", () => {
  itHoldsReserved('identity', [
    ['iam.aws.m.upbound.io', ['users', 'accesskeys', 'roles', 'rolepolicyattachments']],
    ['eks.aws.m.upbound.io', ['accessentries', 'accesspolicyassociations', 'clusters']],
    ['s3.aws.m.upbound.io', ['buckets']],
    ['aws.m.upbound.io', ['providerconfigs']],
    ['container.gcp.m.upbound.io', ['clusters']],
    ['authorization.azure.m.upbound.io', ['roleassignments']],
    ['iam.aws.upbound.io', ['users', 'accesskeys'], 'cluster'],
    ['cloudplatform.gcp.upbound.io', ['serviceaccountkeys'], 'cluster'],
  ]);

  it('every resource of such a group, by any name, and none of a group that only ends alike', () => {
    expect(classesOfRule(writeRule('anything.m.upbound.io', 'widgets'), 'namespace')).toEqual(['identity']);
    expect(classesOfRule(writeRule('iam.aws.upbound.io', 'users'), 'namespace')).toEqual([]);
    expect(classesOfRule(writeRule('notm.upbound.io', 'widgets'), 'namespace')).toEqual([]);
    expect(classesOfRule(writeRule('example.com', 'users'), 'namespace')).toEqual([]);
    // Reading is not judged, as for every custom resource.
    const read = { apiGroups: ['iam.aws.m.upbound.io'], resources: ['users'], verbs: ['get', 'list'] };
    expect(classesOfRule(read, 'namespace')).toEqual([]);
  });
});

describe('Crossplane provider-ansible runs playbooks, provider-sql makes database logins', () => {
  itHoldsReserved('run-pods', [['ansible.crossplane.io', ['ansibleruns']]]);
  itHoldsReserved('identity', [
    ['postgresql.sql.m.crossplane.io', ['roles', 'grants', 'defaultprivileges']],
    ['mysql.sql.m.crossplane.io', ['users', 'grants']],
    ['mssql.sql.m.crossplane.io', ['users', 'grants']],
    ['postgresql.sql.crossplane.io', ['roles', 'grants'], 'cluster'],
    ['mysql.sql.crossplane.io', ['users', 'grants'], 'cluster'],
  ]);
});

describe('Strimzi runs Kafka pods and connector code, and makes Kafka users', () => {
  itHoldsReserved('run-pods', [
    [
      'kafka.strimzi.io',
      'kafkas kafkanodepools kafkaconnects kafkaconnectors kafkamirrormakers kafkamirrormaker2s kafkabridges'.split(
        ' ',
      ),
    ],
    ['core.strimzi.io', ['strimzipodsets']],
  ]);
  itHoldsReserved('identity', [['kafka.strimzi.io', ['kafkausers']]]);

  it('held: a KafkaTopic holds no class', () => {
    expect(classesOfRule(writeRule('kafka.strimzi.io', 'kafkatopics'), 'namespace')).toEqual([]);
  });
});

describe("CloudNativePG's clusters run pods; its backups copy a database", () => {
  itHoldsReserved('run-pods', [
    ['postgresql.cnpg.io', ['clusters', 'poolers', 'imagecatalogs']],
    ['postgresql.cnpg.io', ['clusterimagecatalogs'], 'cluster'],
  ]);
  itWarns('read-secrets', /read Secrets/, [
    ['postgresql.cnpg.io', ['backups', 'scheduledbackups']],
    ['barmancloud.cnpg.io', ['objectstores']],
  ]);
});

describe("Airflow's DAGs run code", () => {
  itHoldsReserved('run-pods', [
    ['airflow.apache.org', ['airflowbases', 'airflowclusters']],
    ['airflow.stackable.tech', ['airflowclusters']],
  ]);
});

describe("Dapr's components run code in others' sidecars", () => {
  itHoldsReserved('run-pods', [['dapr.io', ['components']]]);
  itWarns('read-secrets', /read Secrets/, [['dapr.io', ['httpendpoints']]]);
  itWarns('network', /intercept network traffic/, [['dapr.io', ['subscriptions']]]);
});

/*
 * R84 summary. Closed: every kind above holds the class its header says (custom-resource-classes.ts,
 * each entry with its source); the example organization now declares PrometheusRules safe instead of
 * Certificates.
 *
 * Left (not classified; each stays refused for non-admins until an admin declares it, and a
 * declaration of one draws no finding; R90, test/redteam-r90.test.ts, took up this list):
 * - Crossplane v2's namespaced composite resources: their groups are the organization's own (an
 *   XRD's), and what one does is what its Composition makes; no list can know them. Declaring one
 *   safe claims its Compositions make nothing a class holds.
 * - provider-sql's databases, schemas and extensions (made with the same admin login; an extension
 *   such as an untrusted language is code on the server, a database with deletionPolicy Delete drops
 *   data) and its namespaced ProviderConfigs; CloudNativePG's Database, Publication and Subscription
 *   (logical replication between clusters); Strimzi's KafkaRebalance; Dapr's Configuration (tracing
 *   sent to any endpoint, the HTTP pipeline of the apps using it) and Resiliency.
 * - ESO generators of its main branch only (artifactory, awsiam, federation, oidc, dex, database) and
 *   the BeyondTrust secrets generator types_beyondtrustsecrets.go describes: not read.
 * - Upbound's cluster-scoped families beyond aws, gcp, azure and azuread (other providers name their
 *   own groups), and crossplane-contrib's other `*.m.crossplane.io` providers.
 */
