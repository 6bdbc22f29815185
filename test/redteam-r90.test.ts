/**
 * R90: privilege classes for the custom resources R84 left unclassified (its summary's "Left"). Each
 * held no class, so an admin could declare it safe and its grant to a non-admin drew no finding (or,
 * for the warning classes, no warning), while its controller acts with another's credentials, holds
 * up revocations, copies databases or routes others' traffic for its writer. Each kind's semantics
 * were read in its project's CRD, API types or reference (the source named in
 * analysis/custom-resource-classes.ts).
 *
 * - Crossplane v2's namespaced managed resources of every other provider (every API group under
 *   `m.crossplane.io`: crossplane-contrib's provider-sql, provider-keycloak, and Upjet providers whose
 *   root group is `<name>.m.crossplane.io`, such as harbor's and databricks'): each acts in the
 *   system its provider manages with the credentials of the provider config it names, by default
 *   the ClusterProviderConfig `default` (provider-sql's CRDs: `providerConfigRef` default
 *   `{kind: ClusterProviderConfig, name: default}`). provider-sql's Database clones any database of
 *   the server (`template`: "only superusers or the owner of the database can clone it", and the
 *   provider's login is the server's admin) and hands it to any role (`owner`); its Schema hands a
 *   schema to any role (`role`); its Extension runs an extension's install script, as that admin, in
 *   any database and schema (`database`, `schema`); its namespaced ProviderConfig names the
 *   credentials the rest act with. `identity`, for every resource of every such group, as R84 judged
 *   Upbound's `m.upbound.io`. Before v2 the same providers' resources are cluster-scoped, in groups
 *   ending `.crossplane.io` (provider-sql's `*.sql.crossplane.io`, HANA's included), beside
 *   Crossplane's own cluster-scoped groups: `identity` cluster-wide for every group ending
 *   `.crossplane.io`.
 * - Crossplane's own packages and compositions (cluster-scoped): a Provider or Function
 *   (pkg.crossplane.io) runs its package's image as a Deployment (a DeploymentRuntimeConfig chooses
 *   its image and pod template); a Composition (apiextensions.crossplane.io) makes whatever it says
 *   for every composite of its type; an Operation, CronOperation or WatchOperation (ops.crossplane.io)
 *   runs a function pipeline that makes any object: `run-pods`, cluster-wide.
 * - Crossplane's Usage (protection.crossplane.io `usages`, namespaced in v2; ClusterUsage and the
 *   legacy apiextensions.crossplane.io Usage cluster-scoped): Crossplane labels the object its `of`
 *   names, in any namespace ("specify the namespace in the of resourceRef"), and its webhook
 *   nousages.protection.crossplane.io (rules `*`/`*`, DELETE) refuses that object's deletion while the
 *   Usage exists. Naming the RoleBinding of a grant being revoked (where Crossplane may label
 *   RoleBindings, as it must to compose them), Argo CD's prune of it is refused and the revocation
 *   stays: `hold-delivery`.
 * - Upbound's cluster-scoped providers beyond aws, gcp, azure and azuread (provider-vault's
 *   `*.vault.upbound.io`: Vault policies and Kubernetes auth roles; the beta families such as
 *   `*.gcp-beta.upbound.io`): `identity` cluster-wide for every group ending `.upbound.io`.
 * - Crossplane v2's composite resources: their groups are the organization's own (an XRD's `group`),
 *   and what one makes is what its Composition makes, which its writer may choose among those of its
 *   type (`spec.crossplane.compositionRef`, `compositionSelector`): no group pattern names them. They
 *   stay refused to non-admins until an admin declares them (pinned below), and the README says what
 *   such a declaration claims.
 * - CloudNativePG's Database: the instance manager runs its statements as the postgres superuser
 *   ("Every SQL statement described on this page is issued by the instance manager running on the
 *   primary, as the postgres superuser"): a database of the Cluster, an existing one included, handed
 *   to any role (`owner`), extensions and foreign data wrappers made as that superuser, schemas and
 *   wrappers owned by any role: `identity`, as provider-sql's Grant. Its Publication publishes a
 *   database's tables (`target.allTables`) to logical-replication subscribers, and its Subscription
 *   copies another cluster's published tables into the namespace's (the external cluster and its
 *   credentials as the Cluster names them): a database copied out of, or into, the namespace:
 *   `read-secrets`, as its Backup. The Subscription's `parameters` go into CREATE SUBSCRIPTION's WITH
 *   clause, run by that superuser: `run_as_owner = true` has the changes applied as the subscription's
 *   owner, and "any user who owns a table into which replication is happening can execute arbitrary
 *   code with the privileges of the subscription owner" (PostgreSQL's logical replication security):
 *   a database role owning a table there runs code as the superuser (COPY ... TO PROGRAM, in the
 *   instance pod): `identity` as well.
 * - External Secrets' main-branch generators: ArtifactoryAccessToken (`auth.oidc.serviceAccountRef`:
 *   a token of any ServiceAccount of the namespace, exchanged at `url`, any host) and DexTokenExchange
 *   (`serviceAccountRef`, at `dexUrl`): `identity`, as Quay's and Cloudsmith's (R76-2). AWSIAMKey
 *   (CreateAccessKey for the IAM user `iamRef.username` names, with AWSAuth: the controller's own AWS
 *   identity when it names none) and STSAssumeRoleToken (AssumeRole of any `role`, likewise):
 *   `identity`, as STSSessionToken (R76-3). DexUsernamePassword (username, password and client secret
 *   from Secrets of the namespace, sent to `dexUrl`) and BeyondtrustSecretsDynamicSecret (the API key
 *   `provider.auth.apikey.token` names, sent to `provider.server.apiUrl`): `read-secrets`, as
 *   GitlabDeployToken (R84).
 * - Dapr's Configuration: the sidecars of the apps it configures (`dapr.io/config`) resolve other
 *   apps through the name-resolution component it names and configures (`nameResolution`), pass their
 *   requests through the middleware it lists (`httpPipeline`: dropping one drops the authentication
 *   it does), and send their traces to `tracing.otel.endpointAddress`, any host: `network`, as its
 *   Subscription.
 * - Held (pinned below): Strimzi's KafkaRebalance (Cruise Control moves partition replicas between
 *   the cluster's brokers: load, not access) and Dapr's Resiliency (timeouts, retries and circuit
 *   breakers of the calls of the apps it scopes) hold no class.
 */
import { describe, expect, it } from 'vitest';
import { classesOfRule, unsafeDeclaration } from '../analysis/classes.ts';
import { forbiddenGrantsOfBob, itHoldsReserved, itWarns, writeRule } from './helpers.ts';

describe("Crossplane v2's other providers act with their provider config's credentials", () => {
  itHoldsReserved('identity', [
    ['postgresql.sql.m.crossplane.io', ['databases', 'schemas', 'extensions', 'providerconfigs']],
    ['mysql.sql.m.crossplane.io', ['databases']],
    ['mssql.sql.m.crossplane.io', ['databases']],
    ['usergroup.harbor.m.crossplane.io', ['usergroups']],
    ['postgresql.sql.crossplane.io', ['databases', 'schemas', 'extensions'], 'cluster'],
    ['hana.sql.crossplane.io', ['users', 'roles'], 'cluster'],
  ]);

  it('every resource of such a group, by any name; a cluster-scoped group only cluster-wide', () => {
    expect(classesOfRule(writeRule('anything.m.crossplane.io', 'widgets'), 'namespace')).toEqual(['identity']);
    expect(classesOfRule(writeRule('anything.crossplane.io', 'widgets'), 'cluster')).toEqual(['identity']);
    expect(classesOfRule(writeRule('anything.crossplane.io', 'widgets'), 'namespace')).toEqual([]);
    expect(classesOfRule(writeRule('crossplane.io.example.com', 'widgets'), 'cluster')).toEqual([]);
  });
});

describe("Crossplane's packages, compositions and operations run code cluster-wide", () => {
  itHoldsReserved('run-pods', [
    ['pkg.crossplane.io', ['providers', 'functions', 'configurations', 'deploymentruntimeconfigs'], 'cluster'],
    ['apiextensions.crossplane.io', ['compositions'], 'cluster'],
    ['ops.crossplane.io', ['operations', 'cronoperations', 'watchoperations'], 'cluster'],
  ]);
});

describe("Crossplane's Usages refuse the deletion of what they name, in any namespace", () => {
  itHoldsReserved('hold-delivery', [
    ['protection.crossplane.io', ['usages']],
    ['protection.crossplane.io', ['clusterusages'], 'cluster'],
    ['apiextensions.crossplane.io', ['usages'], 'cluster'],
  ]);

  it("declaring a (namespaced) Usage is refused with its own reason, not its group's cluster-scoped family's", () => {
    expect(unsafeDeclaration('protection.crossplane.io', 'usages')).toMatch(
      /^can never be declared safe: the usages, clusterusages of Crossplane \(protection\.crossplane\.io\) have its webhook refuse the deletion .*\(refuse deletions through Crossplane\)$/,
    );
  });
});

describe("Upbound's cluster-scoped providers beyond the four clouds", () => {
  itHoldsReserved('identity', [
    ['kubernetes.vault.upbound.io', ['authbackendroles'], 'cluster'],
    ['vault.vault.upbound.io', ['policies'], 'cluster'],
    ['cloudplatform.gcp-beta.upbound.io', ['serviceaccountkeys'], 'cluster'],
  ]);
});

describe("Crossplane's composite resources: the organization's own groups", () => {
  it('held: no class, and refused to a non-admin until an admin declares them', () => {
    const rule = writeRule('platform.acme.io', 'postgresinstances');
    expect(classesOfRule(rule, 'namespace')).toEqual([]);
    const found = forbiddenGrantsOfBob([rule]);
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain('postgresinstances.platform.acme.io, which orgctl does not know');
  });
});

describe("CloudNativePG's databases are made as the superuser; its logical replication copies them", () => {
  itHoldsReserved('identity', [['postgresql.cnpg.io', ['databases', 'subscriptions']]]);
  itWarns('read-secrets', /read Secrets/, [['postgresql.cnpg.io', ['publications']]]);

  it('a Subscription copies a database too', () => {
    expect(classesOfRule(writeRule('postgresql.cnpg.io', 'subscriptions'), 'namespace')).toEqual([
      'read-secrets',
      'identity',
    ]);
  });
});

const GENERATORS = 'generators.external-secrets.io';

describe("External Secrets' main-branch generators", () => {
  itHoldsReserved('identity', [
    [GENERATORS, ['artifactoryaccesstokens', 'dextokenexchanges', 'awsiamkeys', 'stsassumeroletokens']],
  ]);
  itWarns('read-secrets', /read Secrets/, [[GENERATORS, ['dexusernamepasswords', 'beyondtrustsecretsdynamicsecrets']]]);
});

describe("Dapr's Configuration routes its apps' calls and traces", () => {
  itWarns('network', /intercept network traffic/, [['dapr.io', ['configurations']]]);

  it('held: a Resiliency holds no class', () => {
    expect(classesOfRule(writeRule('dapr.io', 'resiliencies'), 'namespace')).toEqual([]);
  });
});

describe("Strimzi's KafkaRebalance", () => {
  it('held: it holds no class (Cruise Control moves replicas between brokers)', () => {
    expect(classesOfRule(writeRule('kafka.strimzi.io', 'kafkarebalances'), 'namespace')).toEqual([]);
  });
});

/*
 * R90 summary. Closed: every kind above holds the class its header says (custom-resource-classes.ts,
 * each entry with its source; the families of groups in CLOUD_PROVIDER_FAMILIES, each with its own
 * text of what its resources do). The example organization still declares only PrometheusRules safe,
 * whose class is unchanged, so dist/ did not change.
 *
 * Left (each stays refused for non-admins until an admin declares it, or is noted as judged):
 * - Crossplane's composite resources: no class can name them (the README says what declaring one
 *   claims); an admin's declaration stays an admin's judgement of every Composition of its type.
 * - A Usage's hold-delivery assumes Crossplane may label the object it names: it labels what its RBAC
 *   lets it patch (RoleBindings where it composes them, everything under a `*` ClusterRole); not tried
 *   in a live cluster.
 * - ESO: the OIDC and database generators R84 named were not found in the source read here; a
 *   Federation generator type (enterprise API types: tokenSecretRef sent to server.url, a generator
 *   of any namespace named) was seen, its API group not verified; OpenAI, Neo4j and Hex generator
 *   types were seen and not read.
 * - Namespaced groups ending `.upbound.io` but not `.m.upbound.io` (Upbound Spaces' own APIs) are not
 *   a family: refused until declared.
 */
