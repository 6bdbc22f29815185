import { Construct } from 'constructs';
import { errorsOf, runPolicies } from '../policies/org/index.ts';
import { DEFAULT_ARGOCD_NAMESPACE } from '../policies/org/undeployable-namespace.ts';
import { DEFAULT_ARGOCD_REVISION } from '../policies/org/argocd-source.ts';
import { AccessRole, CustomRole } from './access-role.ts';
import { AccessToken, type AccessTokenProps } from './access-token.ts';
import type { Level, PolicyRule } from '../model/catalog.ts';
import { Grant, grantModelOf, specGrantModel, type GrantProps, type SpecGrant } from './grant.ts';
import { Invite, type InviteProps } from './invite.ts';
import {
  finalizeModel,
  resolveToday,
  systemNamespaceOf,
  type ArgoCdBoundary,
  type ArgoCdSource,
  type GrantModel,
  type UserModel,
  type NamespaceModel,
  type OrgModel,
  type SafeCustomResource,
} from '../model/model.ts';
import { ORG_DEFAULTS } from '../model/defaults.ts';
import { Namespace, namespaceModel, type NamespaceProps } from './namespace.ts';
import { assertBoolean, assertList, assertText, DeclarationError, freeId, declaredSource, RecordIds } from './props.ts';
import { ORG_SCOPE, type OrgScope } from './org-scope.ts';
import { sourceText, specSource, type Source } from '../model/findings.ts';
import { declareFromSpec, parseSpec, type OrgSpec, type SpecWhere } from './spec.ts';
import { specUserModel, User, userModelOf, type SpecUser, type UserOptions } from './user.ts';
import {
  argocdBoundaryOf,
  instanceLabelKeyOf,
  namespaceDefaultsOf,
  namespaceProtectionOf,
  type NamespaceDefaultsProps,
} from './guard-rails.ts';
import type { NamespaceDefaults, NamespaceProtection } from '../model/guard-rails.ts';
import { safeCustomResourcesOf, type SafeCustomResourceProps } from './safe-custom-resources.ts';
import { mailDomainsOf, type MailDomainProps } from './mail-domains.ts';
import type { MailDomain } from '../model/mailbox.ts';
import type { OrganizationChart } from './chart.ts';
import type { Manifest } from '../synth/manifest.ts';

type ChartFactory = (org: Organization, today: () => string) => ReadonlyMap<string, OrganizationChart>;
/**
 * Makes an organization's charts, one per cluster: set by chart.ts, which the public API
 * (constructs/index.ts) loads. The CLI reads declarations without it, so that the commands that
 * write no YAML load neither cdk8s nor the synthesis.
 */
let chartFactory: ChartFactory | undefined;
/** @internal chart.ts gives its factory. */
export function provideCharts(factory: ChartFactory): void {
  chartFactory = factory;
}

export interface OrganizationProps {
  /** Owner's email: the first admin; only support can change it. */
  readonly owner: string;
  /** Organization name, a DNS label; prefixes cluster-scoped names. @default the construct id */
  readonly name?: string;
  /** Kubernetes username = prefix + lower-cased email. @default '' */
  readonly usernamePrefix?: string;
  /**
   * The organization's own mail domains: which reach one set of mailboxes (domain aliases), and how
   * its mail server splits a subaddress. The review reads one person per mailbox (an invitation is
   * accepted by whoever reads it), by base's declaration; changing it needs another admin's approval.
   * @default none (only `+` subaddresses and the built-in providers' readings)
   */
  readonly mailDomains?: readonly MailDomainProps[];
  /** Invites must go through the identity provider: a non-SSO invite is an error. @default false */
  readonly ssoEnforced?: boolean;
  /** Clusters (regions) the organization spans. @default [] (one, unnamed) */
  readonly clusters?: readonly string[];
  /**
   * Share (0-1) of users, grants or tokens a pull request may remove before the review's
   * `mass-removal` rule asks for an approved override.
   * @default 0.25
   */
  readonly massRemovalThreshold?: number;
  /**
   * Shards per cluster: each becomes one Argo CD Application and must hold at most 1,500
   * objects and 4 MB. Changing it moves objects between Applications: see the README.
   * @default 32
   */
  readonly shards?: number;
  /** Argo CD: generate dist/argocd/ (an AppProject and an ApplicationSet) for this repository. @default none */
  readonly argocd?: ArgoCdSource;
  /** Guard rails every namespace gets unless it declares its own (Pod Security). @default none */
  readonly namespaceDefaults?: NamespaceDefaultsProps;
  /**
   * Refuse deleting or relabelling the organization's Namespaces except by `appliedBy`, the identity
   * Argo CD applies with (a ValidatingAdmissionPolicy: Kubernetes 1.30 or later). @default none
   */
  readonly namespaceProtection?: NamespaceProtection;
  /**
   * Custom resources people who are not admins may be granted writes to. Writes in any API group
   * Kubernetes does not serve itself are reserved for admins (a controller may make pods from a
   * custom resource): declaring resources here is an admin's word that no controller makes pods,
   * reads Secrets or takes identities from them, and changing it needs another admin's approval.
   * @default none (every such write is reserved for admins)
   */
  readonly safeCustomResources?: readonly SafeCustomResourceProps[];
  /**
   * Today's date, YYYY-MM-DD, for grant expiry in `node.addValidation`.
   * @default ORGCTL_TODAY from the environment, else the current UTC date
   */
  readonly today?: string;
  /** @internal spec path. */
  readonly source?: string;
}

interface OrganizationLike {
  toModel(): OrgModel;
}

/**
 * A cloud organization: its people, namespaces, access and tokens, as code.
 *
 * ```ts
 * const org = new Organization(app, 'acme', { owner: 'alice@acme.io' });
 * const alice = org.user('alice@acme.io', { github: 'alice', admin: true });
 * const web = org.namespace('web');
 * web.grant(org.user('bob@acme.io'), 'r:pods', 'w:services');
 * ```
 *
 * Every policy in `policies/org` runs as this construct's validation: `app.synth()`,
 * `Testing.synth()` and `orgctl synth` fail on errors.
 *
 * Its objects are cdk8s charts, one per cluster (`chartFor`): `Testing.synth(org.chartFor('lga1'))`
 * is what `orgctl synth` writes into `dist/lga1/`, and `app.synth()` writes each cluster's objects
 * into the app's outdir, one `.k8s.yaml` file per cluster.
 */
export class Organization extends Construct implements OrganizationLike {
  /**
   * Declares an organization from a spec (already parsed YAML/JSON). The spec is checked
   * against `schema/org.schema.json` first: a SpecError lists every problem with its spec path.
   */
  public static fromSpec(
    scope: Construct,
    spec: unknown,
    options: {
      today?: string;
      where?: SpecWhere;
      /**
       * Check the spec against the JSON Schema first. The proof passes false: its spec is built by
       * orgctl's importer (typed), and a declaration in TypeScript never meets the schema either;
       * the constructs and the policies judge every value all the same.
       * @default true
       */
      schema?: boolean;
      /**
       * Give each part its spec path as its source (`spec.grants[3]`), where findings and
       * declaration errors place it. The proof passes false: its spec is recovered from an output,
       * written by nobody, so its paths name no line of any file (not org/org.ts, and in a spec
       * file another entry than that index); each part then has its construct path, as a
       * declaration in TypeScript does (`acme/grants/bob@acme.io → web`).
       * @default true
       */
      specPaths?: boolean;
      /**
       * @internal Keep the spec's users and namespaces as the model's records, with no User or
       * Namespace construct in the tree (10,000 users' constructs cost `check` at size L a seventh
       * of its CPU): for callers whose organization no other code sees (the CLI's loader, the proof).
       * @default false: each user a User construct and each namespace a Namespace, which code may
       * find in the tree and grant to
       */
      userRecords?: boolean;
    } = {},
  ): Organization {
    const valid: OrgSpec = options.schema === false ? (spec as OrgSpec) : parseSpec(spec, options.where);
    const s = valid.spec;
    const specPaths = options.specPaths !== false;
    const org = new Organization(scope, valid.metadata.name, {
      name: valid.metadata.name,
      owner: s.owner,
      usernamePrefix: s.identity?.usernamePrefix,
      mailDomains: s.identity?.mailDomains,
      ssoEnforced: s.sso?.enforced,
      clusters: s.clusters,
      massRemovalThreshold: s.review?.massRemovalThreshold,
      shards: s.delivery?.shards,
      argocd: s.delivery?.argocd,
      namespaceDefaults: s.namespaceDefaults,
      namespaceProtection: s.namespaceProtection,
      safeCustomResources: s.safeCustomResources,
      today: options.today,
      ...(specPaths ? { source: 'metadata.name' } : {}),
    });
    declareFromSpec(org, valid, options.where, specPaths, options.userRecords === true);
    return org;
  }

  public readonly orgName: string;
  public readonly owner: string;
  public readonly usernamePrefix: string;
  public readonly mailDomains?: readonly MailDomain[];
  public readonly ssoEnforced: boolean;
  public readonly clusters: readonly string[];
  public readonly massRemovalThreshold: number;
  public readonly shards: number;
  public readonly argocd?: OrganizationProps['argocd'];
  public readonly namespaceDefaults?: NamespaceDefaults;
  public readonly namespaceProtection?: NamespaceProtection;
  /** The boundary of what Argo CD writes for the organization (argocd.boundary), checked. */
  private readonly boundary?: ArgoCdBoundary;
  /** Argo CD's instance label key (argocd.instanceLabelKey), checked; undefined for its default. */
  private readonly instanceLabelKey?: string;
  public readonly safeCustomResources?: readonly SafeCustomResource[];
  public readonly source: Source;
  private readonly today?: string;
  private readonly users: Construct;
  /** The users a spec declares, as the model's records (specUserModel), before any declared in code. */
  private readonly specUsers: UserModel[] = [];
  /** Their construct ids under `users`, as a User of each would have been given. */
  private readonly specUserIds: RecordIds;
  private readonly namespaces: Construct;
  /** The namespaces a spec declares, as the model's records (namespaceModel), before any declared in code. */
  private readonly specNamespaces: NamespaceModel[] = [];
  /** Their construct ids under `namespaces`, as a Namespace of each would have been given. */
  private readonly specNamespaceIds: RecordIds;
  private readonly roles: Construct;
  private readonly customRoles: Construct;
  /**
   * Every grant in declaration order: a Grant when declared in code, the model's record when loaded
   * from a spec (a Grant of it is made when `grants` is read).
   */
  private grantList: (Grant | GrantModel)[] = [];
  /** Whether `grantList` may hold a Grant (one declared in code, or made by `grants`). */
  private grantsMade = false;
  /** A spec grant's user as declared, where it is not the model's lower-cased email. */
  private readonly declaredUsers = new Map<number, string>();
  /**
   * Which of its user's grants in its namespace each grant is (1, 2, ...), for the first
   * `grantOrdinals.length` grants: counted only when a path is read (a spec's grants are known by
   * their spec paths, and counting 100,000 of them cost 30 ms of `orgctl check` at size L).
   */
  private readonly grantOrdinals: number[] = [];
  /** Grants counted into `grantOrdinals`, by user and namespace. */
  private readonly grantCounts = new Map<string, Map<string, number>>();
  private readonly tokens: Construct;
  private readonly invites: Construct;
  private readonly charts?: ReadonlyMap<string, OrganizationChart>;

  constructor(scope: Construct, id: string, props: OrganizationProps) {
    super(scope, id);
    // Called from JavaScript without props: the owner check below says what to give.
    props ??= {} as OrganizationProps;
    assertList(this, 'clusters', props.clusters, "the clusters' names, e.g. { clusters: ['eu', 'us'] }");
    assertBoolean(this, 'ssoEnforced', props.ssoEnforced);
    this.orgName = props.name ?? id;
    this.source = declaredSource(this.node.path, props.source);
    assertText(this, 'owner', props?.owner, "the owner's email, e.g. { owner: 'alice@acme.io' }");
    this.owner = props.owner;
    this.usernamePrefix = props.usernamePrefix ?? '';
    this.ssoEnforced = props.ssoEnforced ?? false;
    this.clusters = [...(props.clusters ?? [])];
    this.massRemovalThreshold = props.massRemovalThreshold ?? ORG_DEFAULTS.massRemovalThreshold;
    if (!(this.massRemovalThreshold >= 0 && this.massRemovalThreshold <= 1)) {
      throw new DeclarationError(
        sourceText(this.source),
        `massRemovalThreshold ${this.massRemovalThreshold} is not a share between 0 and 1`,
      );
    }
    this.shards = props.shards ?? ORG_DEFAULTS.shards;
    if (!Number.isInteger(this.shards) || this.shards < 1) {
      throw new DeclarationError(
        sourceText(this.source),
        `shards ${this.shards} is not allowed (expected a whole number of 1 or more)`,
      );
    }
    this.argocd = props.argocd;
    const at = sourceText(this.source);
    this.namespaceDefaults = namespaceDefaultsOf(at, props.namespaceDefaults);
    this.namespaceProtection = namespaceProtectionOf(at, props.namespaceProtection);
    this.boundary = argocdBoundaryOf(at, props.argocd, this.namespaceProtection);
    this.instanceLabelKey = instanceLabelKeyOf(at, props.argocd?.instanceLabelKey);
    this.safeCustomResources = safeCustomResourcesOf(at, props.safeCustomResources);
    this.mailDomains = mailDomainsOf(at, props.mailDomains);
    this.today = props.today;
    this.users = new Construct(this, 'users');
    this.specUserIds = new RecordIds(this.users);
    this.namespaces = new Construct(this, 'namespaces');
    this.specNamespaceIds = new RecordIds(this.namespaces);
    this.roles = new Construct(this, 'roles');
    this.customRoles = new Construct(this, 'custom-roles');
    this.tokens = new Construct(this, 'tokens');
    this.invites = new Construct(this, 'invites');
    const scopeApi: OrgScope = {
      orgName: this.orgName,
      addGrant: (p) => this.addGrant(p),
      addSpecGrants: (grants, path) => this.addSpecGrants(grants, path),
      addSpecUser: (user, path) => this.addSpecUser(user, path),
      addSpecNamespace: (namespace, path) => this.addSpecNamespace(namespace, path),
      addRole: (name, levels, source) => this.addRole(name, levels, source),
      addCustomRole: (name, rules, source) => this.addCustomRole(name, rules, source),
    };
    Object.defineProperty(this, ORG_SCOPE, { value: scopeApi });
    this.node.addValidation({
      validate: () => errorsOf(runPolicies(this.toModel(), { today: resolveToday(this.today) })),
    });
    this.charts = chartFactory?.(this, () => resolveToday(this.today));
  }

  /**
   * The cdk8s Chart of one cluster's objects: `Testing.synth(org.chartFor('lga1'))` returns
   * exactly the objects `orgctl synth` writes into `dist/lga1/`, and throws naming the findings
   * when synthesis would fail. The cluster may be left out when the organization has one.
   */
  public chartFor(cluster?: string): OrganizationChart {
    const charts = this.charts;
    if (!charts) throw new Error(`${this.node.path}: charts come with orgctl's public API (constructs/index.ts)`);
    const names = [...charts.keys()];
    if (cluster === undefined) {
      if (names.length === 1) return charts.get(names[0]!)!;
      throw new DeclarationError(
        this.node.path,
        `chartFor(cluster): the organization spans ${names.length} clusters (${names.join(', ')}): name one, e.g. Testing.synth(org.chartFor('${names[0]}'))`,
      );
    }
    const chart = charts.get(cluster);
    if (!chart)
      throw new DeclarationError(
        this.node.path,
        `chartFor(${JSON.stringify(cluster)}): not one of the organization's clusters (${names.join(', ')})`,
      );
    return chart;
  }

  /**
   * What `Testing.synth(org)` calls: the objects of the organization's one cluster (see
   * `chartFor`); an organization of several clusters says to name one.
   */
  public toJson(): Manifest[] {
    return this.chartFor().toJson();
  }

  /** Declares a user. */
  public user(email: string, options: UserOptions = {}): User {
    this.assertUserEmail(email);
    return new User(this.users, this.specUserIds.free(email), { ...options, email });
  }

  private assertUserEmail(email: unknown): asserts email is string {
    assertText(this, 'user(email)', email, "the user's email, e.g. org.user('bob@acme.io')");
  }

  /** A spec's user (spec loading reaches this through OrgScope): checked, and kept as the model's record. */
  private addSpecUser(user: SpecUser, path: string | undefined): void {
    this.assertUserEmail(user.email);
    this.specUsers.push(specUserModel(user, this.specUserIds.source(user.email, path)));
  }

  /** Declares a namespace. */
  public namespace(name: string, props: Omit<NamespaceProps, 'name'> = {}): Namespace {
    this.assertNamespaceName(name);
    return new Namespace(this.namespaces, this.specNamespaceIds.free(name), { ...props, name });
  }

  private assertNamespaceName(name: unknown): asserts name is string {
    assertText(this, 'namespace(name)', name, "the namespace's name, e.g. org.namespace('web')");
  }

  /**
   * A spec's namespace (spec loading reaches this through OrgScope): checked as a Namespace checks
   * its props, and kept as the model's record (2,000 constructs at size L cost `check` 15-30 ms).
   */
  private addSpecNamespace(props: NamespaceProps, path: string | undefined): void {
    this.assertNamespaceName(props.name);
    this.specNamespaces.push(namespaceModel(this.specNamespaceIds.source(props.name, path), props));
  }

  /** Declares a named bundle of levels, e.g. `org.role('developer', 'r:full', 'w:services')`. */
  public role(name: string, ...levels: Level[]): AccessRole {
    assertText(this, 'role(name)', name, "the role's name, e.g. org.role('developer', 'r:full')");
    return new AccessRole(this.roles, freeId(this.roles, name), { name, levels });
  }

  /** Declares custom RBAC rules with a name, bindable to users and tokens. */
  public customRole(name: string, rules: readonly PolicyRule[]): CustomRole {
    assertText(this, 'customRole(name)', name, "the custom role's name, e.g. org.customRole('cm-reader', [...])");
    return new CustomRole(this.customRoles, freeId(this.customRoles, name), { name, rules });
  }

  /** Declares an API access token. */
  public token(id: string, props: Omit<AccessTokenProps, 'id'> = {}): AccessToken {
    assertText(this, 'token(id)', id, "the token's id, e.g. org.token('ci-deploy')");
    return new AccessToken(this.tokens, freeId(this.tokens, id), { ...props, id });
  }

  /** Declares an invitation. */
  public invite(email: string, props: Omit<InviteProps, 'email'> = {}): Invite {
    assertText(this, 'invite(email)', email, "the invitee's email, e.g. org.invite('carol@acme.io')");
    return new Invite(this.invites, freeId(this.invites, email), { ...props, email });
  }

  /** Grants are declared through `Namespace.grant`; spec loading reaches this through OrgScope. */
  private addGrant(props: GrantProps): Grant {
    const grant = new Grant(this.grantPath(this.grantList.length, props.user, props.namespace), props);
    this.grantsMade = true;
    this.grantList.push(grant);
    return grant;
  }

  /**
   * A spec's grants (spec loading reaches this through OrgScope): each checked, and kept as the
   * model's record (specGrant). The first grants declared are made into a list at its length:
   * 100,000 pushed grow it into five larger objects one after another (a list that large is never
   * moved, so each is memory not touched before: 470 pages more at size L).
   */
  private addSpecGrants(grants: readonly SpecGrant[], path?: (i: number) => string): void {
    // At a construct path, each grant's ordinal counts the grants listed before it: one by one.
    if (path && this.grantList.length === 0) this.grantList = grants.map((g, i) => this.specGrant(g, i, path(i)));
    else
      for (let i = 0; i < grants.length; i++)
        this.grantList.push(this.specGrant(grants[i]!, this.grantList.length, path?.(i)));
  }

  /** The model's record of a spec's grant declared as the grant at `index`. */
  private specGrant(declared: SpecGrant, index: number, path: string | undefined): GrantModel {
    // The construct path's closure only where it is the source (100,000 made and dropped at size L).
    const source =
      path !== undefined
        ? specSource(path)
        : declaredSource(this.grantPath(index, declared.user, declared.namespace), path);
    const grant = specGrantModel(declared, source);
    if (grant.user !== declared.user) this.declaredUsers.set(index, declared.user);
    return grant;
  }

  /** The nth grant of a user in a namespace is `<user> → <namespace>#n`; the path is written only when read. */
  private grantPath(index: number, user: string, namespace: string): () => string {
    return () => {
      const n = this.grantOrdinal(index, user, namespace);
      const id = `${user} → ${namespace}`.replace(/\//g, '∕');
      return `${this.node.path}/grants/${n === 1 ? id : `${id}#${n}`}`;
    };
  }

  /** The user of the grant at `index`, as declared. */
  private declaredUser(index: number): string {
    const g = this.grantList[index]!;
    return g instanceof Grant ? g.user : (this.declaredUsers.get(index) ?? g.user);
  }

  /** The ordinal of the grant at `index` (of `user` in `namespace`), counting the grants before it once. */
  private grantOrdinal(index: number, user: string, namespace: string): number {
    const ordinals = this.grantOrdinals;
    while (ordinals.length < Math.min(index, this.grantList.length)) {
      const i = ordinals.length;
      const u = this.declaredUser(i);
      const ns = this.grantList[i]!.namespace;
      let counts = this.grantCounts.get(u);
      if (!counts) this.grantCounts.set(u, (counts = new Map()));
      const n = (counts.get(ns) ?? 0) + 1;
      counts.set(ns, n);
      ordinals.push(n);
    }
    if (index < ordinals.length) return ordinals[index]!;
    // The grant being constructed (its path is read in its constructor): after every grant counted.
    return (this.grantCounts.get(user)?.get(namespace) ?? 0) + 1;
  }

  /** Every grant declared, in declaration order. */
  public get grants(): readonly Grant[] {
    this.grantsMade = true;
    return this.grantList.map((g, i) => {
      if (g instanceof Grant) return g;
      // A spec's grant, made a Grant for the code that asks (and kept as one: `until` may change it).
      const { namespace, levels, roles, customRoles, rules, expires, source } = g;
      const user = this.declaredUser(i);
      const grant = new Grant(this.grantPath(i, user, namespace), {
        user,
        namespace,
        levels,
        roles,
        customRoles,
        rules,
        expires,
        // A spec path is kept; a construct path (a recovered spec's) is the Grant's own.
        source: 'spec' in source ? source.spec : undefined,
      });
      this.grantList[i] = grant;
      return grant;
    });
  }

  private addRole(name: string, levels: readonly string[], source: string | undefined): AccessRole {
    return new AccessRole(this.roles, freeId(this.roles, name), { name, levels, source });
  }

  private addCustomRole(name: string, rules: readonly PolicyRule[], source: string | undefined): CustomRole {
    return new CustomRole(this.customRoles, freeId(this.customRoles, name), { name, rules, source });
  }

  /** The declaration as plain, sorted, frozen data: what policies and synthesis read. */
  public toModel(): OrgModel {
    const kids = <T>(scope: Construct, type: abstract new (...a: never[]) => T): T[] =>
      scope.node.children.filter((c): c is T & Construct => c instanceof type) as T[];
    return finalizeModel({
      name: this.orgName,
      owner: this.owner.toLowerCase(),
      usernamePrefix: this.usernamePrefix,
      ...(this.mailDomains ? { mailDomains: this.mailDomains } : {}),
      ssoEnforced: this.ssoEnforced,
      clusters: this.clusters,
      massRemovalThreshold: this.massRemovalThreshold,
      shards: this.shards,
      ...(this.argocd
        ? {
            argocd: {
              repoURL: this.argocd.repoURL,
              revision: this.argocd.revision ?? DEFAULT_ARGOCD_REVISION,
              path: this.argocd.path ?? 'dist',
              namespace: this.argocd.namespace ?? DEFAULT_ARGOCD_NAMESPACE,
              ...(this.argocd.namedClusterResources ? { namedClusterResources: true as const } : {}),
              ...(this.boundary ? { boundary: this.boundary } : {}),
              ...(this.instanceLabelKey ? { instanceLabelKey: this.instanceLabelKey } : {}),
            },
          }
        : {}),
      ...(this.namespaceDefaults ? { namespaceDefaults: this.namespaceDefaults } : {}),
      ...(this.namespaceProtection ? { namespaceProtection: this.namespaceProtection } : {}),
      ...(this.safeCustomResources ? { safeCustomResources: this.safeCustomResources } : {}),
      systemNamespace: systemNamespaceOf(this.orgName),
      source: this.source,
      users: this.specUsers.concat(kids(this.users, User).map(userModelOf)),
      namespaces: this.specNamespaces.concat(
        kids(this.namespaces, Namespace).map((n) => ({
          name: n.namespaceName,
          clusters: n.clusters,
          ...(n.settings ? { settings: n.settings } : {}),
          source: n.source,
        })),
      ),
      roles: kids(this.roles, AccessRole).map((r) => ({ name: r.roleName, levels: r.levels, source: r.source })),
      customRoles: kids(this.customRoles, CustomRole).map((r) => ({
        name: r.roleName,
        rules: r.rules,
        source: r.source,
      })),
      // A spec's grants are the model's records already: the list is given as it is when it holds no
      // Grant (finalizeModel makes the model's lists of it, and keeps none of it).
      grants: this.grantsMade ? this.grantList.map((g) => (g instanceof Grant ? grantModelOf(g) : g)) : this.grantList,
      tokens: kids(this.tokens, AccessToken).map((t) => ({
        id: t.tokenId,
        ...(t.displayName !== undefined ? { name: t.displayName } : {}),
        namespaces: t.namespaces,
        levels: t.levels,
        ...(t.owner !== undefined ? { owner: t.owner.toLowerCase() } : {}),
        rbac: t.rbac,
        rotation: t.rotation,
        ...(t.note !== undefined ? { note: t.note } : {}),
        ...(t.expires !== undefined ? { expires: t.expires } : {}),
        status: t.status,
        source: t.source,
      })),
      invites: kids(this.invites, Invite).map((i) => ({
        email: i.email,
        key: i.email.toLowerCase(),
        admin: i.admin,
        billing: i.billing,
        sso: i.sso,
        state: i.state,
        grants: i.grants,
        source: i.source,
      })),
    });
  }
}
