/**
 * Guard-rail props of a Namespace and an Organization, checked where they are given (cdk8s-plus
 * style: an early DeclarationError naming the construct or spec path) and normalized into the
 * model's plain, sorted data (model/guard-rails.ts).
 */
import {
  APPLIED_BY_PATTERN,
  appliersText,
  LIMIT_FIELDS,
  NETWORK_POLICIES,
  POD_SECURITY_LEVELS,
  POD_SECURITY_PREFIX,
  POD_SECURITY_VERSION,
  CONTAINER_RESOURCES,
  isContainerResource,
  isCountedResource,
  isOvercommitAllowed,
  isQuotaResource,
  LIMIT_ORDER,
  compareQuantities,
  parseQuantity,
  QUOTA_COUNTS_OF_ORGCTLS_OWN,
  STANDARD_QUOTA_RESOURCES,
  sortedRecord,
  type LimitsModel,
  type AppliedBy,
  type NamespaceProtection,
  type NamespaceSettings,
  type NetworkPolicyKind,
  type PodSecurityLevel,
  type PodSecurityModel,
  type Quantities,
  reservedKeyOwner,
} from '../model/guard-rails.ts';
import { SA_PREFIX, serviceAccountOf } from '../analysis/authorizer.ts';
import type { ArgoCdBoundary } from '../model/model.ts';
import { labelValueProblem, NAME_RULE, qualifiedNameProblem } from '../policies/org/kubernetes-names.ts';
import { codePoint } from '../model/text.ts';
import { isRecord } from '../model/data.ts';
import { DeclarationError, show } from './props.ts';
import { INSTANCE_LABEL } from '../synth/tracking.ts';

/** Pod Security admission as declared: a level for every mode, or each mode and a version. */
export type PodSecurity =
  | PodSecurityLevel
  | {
      /** The level pods are refused below. */
      readonly enforce: PodSecurityLevel;
      /** The level `kubectl` warns below. @default enforce */
      readonly warn?: PodSecurityLevel;
      /** The level audit events are annotated below. @default enforce */
      readonly audit?: PodSecurityLevel;
      /** Policy version, `latest` or `v1.N`. @default the API server's latest */
      readonly version?: string;
    };

/** A namespace's guard rails, as `org.namespace('web', { ... })` and the spec declare them. */
export interface NamespaceGuardRailProps {
  /**
   * Pod Security admission level: `'restricted'` sets enforce, warn and audit (labels
   * `pod-security.kubernetes.io/*`). @default the organization's `namespaceDefaults.podSecurity`, else none
   */
  readonly podSecurity?: PodSecurity;
  /** A ResourceQuota `orgctl-quota`: resource → quantity, e.g. `{ 'requests.cpu': '4', pods: '50' }`. @default none */
  readonly quota?: Quantities;
  /** A LimitRange `orgctl-limits` for containers, e.g. `{ defaultRequest: { cpu: '100m' }, max: { memory: '2Gi' } }`. @default none */
  readonly limits?: LimitsModel;
  /** `'same-namespace'`: a NetworkPolicy admitting ingress only from pods of the same namespace. @default none */
  readonly networkPolicy?: NetworkPolicyKind;
  /** More labels on the Namespace (not orgctl's own, nor Pod Security's: use podSecurity). @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Annotations on the Namespace (not Argo CD's nor orgctl's). @default none */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * For admins only: a privileged controller's namespace (istio-system, ingress-nginx,
   * cert-manager), where writing a ConfigMap or reading a Secret is power over the cluster. Nobody
   * but an admin may be granted anything there, Add All binds nobody there, a token there needs an
   * admin owner (or none) and two admins' approval, and turning it off is a guard rail weakened.
   * @default false
   */
  readonly adminsOnly?: boolean;
}

/** Organization-wide defaults for namespaces. */
export interface NamespaceDefaultsProps {
  /** Pod Security admission of every namespace that declares none, the system namespace included. @default none */
  readonly podSecurity?: PodSecurity;
}

// Characters that would read as something else in a review, or that Go's YAML refuses.
const UNPRINTABLE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ufeff\ud800-\udfff]/;

function fail(where: string, prop: string, message: string): never {
  throw new DeclarationError(`${where} (${prop})`, message);
}

function podSecurityOf(where: string, prop: string, value: unknown): PodSecurityModel | undefined {
  if (value === undefined) return undefined;
  const level = (v: unknown, p: string): PodSecurityLevel => {
    if (typeof v !== 'string' || !(POD_SECURITY_LEVELS as readonly string[]).includes(v))
      fail(where, p, `${show(v)} is not a Pod Security level (expected one of ${POD_SECURITY_LEVELS.join(', ')})`);
    return v as PodSecurityLevel;
  };
  if (typeof value === 'string') return { enforce: level(value, prop) };
  if (!isRecord(value))
    fail(where, prop, `${show(value)} is not a level or { enforce, warn?, audit?, version? }: give e.g. 'restricted'`);
  for (const k of Object.keys(value))
    if (!['enforce', 'warn', 'audit', 'version'].includes(k))
      fail(where, `${prop}.${k}`, 'is not a field of podSecurity (allowed: enforce, warn, audit, version)');
  const out: { -readonly [K in keyof PodSecurityModel]: PodSecurityModel[K] } = {
    enforce: level(value.enforce, `${prop}.enforce`),
  };
  if (value.warn !== undefined) out.warn = level(value.warn, `${prop}.warn`);
  if (value.audit !== undefined) out.audit = level(value.audit, `${prop}.audit`);
  if (value.version !== undefined) {
    if (typeof value.version !== 'string' || !POD_SECURITY_VERSION.test(value.version))
      fail(where, `${prop}.version`, `${show(value.version)} is not a policy version (expected latest or v1.N)`);
    out.version = value.version;
  }
  return out;
}

/** What the API server accepts of a resource name where a guard rail names one: why not, else undefined. */
type ResourceNameCheck = (name: string) => string | undefined;

function quantitiesOf(
  where: string,
  prop: string,
  value: unknown,
  resource: ResourceNameCheck,
  counted: (name: string) => boolean = () => false,
): Quantities {
  if (!isRecord(value) || !Object.keys(value).length)
    fail(where, prop, `${show(value)} is not a map of resource → quantity: give e.g. { cpu: '500m', memory: '1Gi' }`);
  for (const [k, v] of Object.entries(value)) {
    const badName = qualifiedNameProblem(k);
    if (badName) fail(where, prop, `resource name ${show(k)} ${badName}`);
    const bad = resource(k);
    if (bad) fail(where, prop, `resource ${show(k)} ${bad}`);
    const parsed = typeof v === 'string' ? parseQuantity(v, counted(k)) : undefined;
    if (!parsed || 'problem' in parsed)
      fail(
        where,
        `${prop}.${k}`,
        `${show(v)} ${parsed?.problem ?? "is not a Kubernetes quantity (e.g. '2', '500m', '1Gi'; give it as text)"}${counted(k) ? ` (${k} is counted in whole units)` : ''}`,
      );
  }
  return sortedRecord(value as Record<string, string>);
}

// What the API server refuses of a ResourceQuota and a LimitRange (pkg/apis/core/validation):
// refused at the declaration, since a refused guard rail stops its shard's Application, revocations
// included.
const quotaResource: ResourceNameCheck = (name) => {
  if (!isQuotaResource(name))
    return `is not one Kubernetes tracks (${STANDARD_QUOTA_RESOURCES.join(', ')}, hugepages-<size>, or a name with a /: count/deployments.apps, requests.nvidia.com/gpu)`;
  const own = QUOTA_COUNTS_OF_ORGCTLS_OWN.get(name);
  return own === undefined
    ? undefined
    : `counts the ${own} orgctl writes in the namespace: past the count the API server refuses the next one, and its shard's Application stops syncing, pruning nothing (revocations included) until the quota is raised; leave ${name} out of the quota`;
};
const containerResource: ResourceNameCheck = (name) =>
  isContainerResource(name)
    ? undefined
    : `is not one a container asks for (${CONTAINER_RESOURCES.join(', ')}, hugepages-<size>, a kubernetes.io/ one, or an extended resource: a prefix of at most 244 characters, not requests.)`;

function quotaOf(where: string, value: unknown): Quantities {
  return quantitiesOf(where, 'quota', value, quotaResource, isCountedResource);
}

function limitsOf(where: string, value: unknown): LimitsModel {
  if (!isRecord(value) || !Object.keys(value).length)
    fail(where, 'limits', `${show(value)} is not a LimitRange: give e.g. { defaultRequest: { cpu: '100m' } }`);
  const out: Record<string, Quantities> = {};
  for (const k of Object.keys(value)) {
    if (!(LIMIT_FIELDS as readonly string[]).includes(k))
      fail(where, `limits.${k}`, `is not a field of limits (allowed: ${LIMIT_FIELDS.join(', ')})`);
  }
  for (const f of LIMIT_FIELDS)
    if (value[f] !== undefined) out[f] = quantitiesOf(where, `limits.${f}`, value[f], containerResource);
  for (const [lower, higher] of LIMIT_ORDER)
    for (const [resource, low] of Object.entries(out[lower] ?? {})) {
      const high = out[higher]?.[resource];
      if (high !== undefined && compareQuantities(low, high) > 0)
        fail(
          where,
          'limits',
          `${lower} ${resource} ${low} is more than ${higher} ${resource} ${high}, which the API server refuses`,
        );
    }
  // What the API server validates is the LimitRange defaulted (SetDefaults_LimitRangeItem): default
  // from max; defaultRequest from default, then from min, so only one given can differ from it.
  for (const [resource, request] of Object.entries(out.defaultRequest ?? {})) {
    const [limit, from] =
      out.default?.[resource] !== undefined ? [out.default[resource], 'default'] : [out.max?.[resource], 'max'];
    if (limit !== undefined && !isOvercommitAllowed(resource) && compareQuantities(request, limit) !== 0)
      fail(
        where,
        'limits',
        `defaultRequest ${resource} ${request} is not default ${resource} ${limit}${from === 'max' ? ` (the API server's default is max when none is given)` : ''}: a container may not ask for less ${resource} than its limit (it cannot be overcommitted), so the API server refuses the LimitRange; give them equal, or leave out defaultRequest`,
      );
  }
  return out;
}

function metadataOf(where: string, prop: 'labels' | 'annotations', value: unknown): Record<string, string> {
  if (!isRecord(value)) fail(where, prop, `${show(value)} is not a map of key → text`);
  for (const [k, v] of Object.entries(value)) {
    const bad = qualifiedNameProblem(k);
    if (bad) fail(where, prop, `key ${show(k)} ${bad}, which the API server refuses`);
    if (typeof v !== 'string') fail(where, `${prop}.${k}`, `${show(v)} is not text`);
    if (prop === 'labels' && k.startsWith(POD_SECURITY_PREFIX))
      fail(where, prop, `label ${k} is orgctl's to write: declare podSecurity instead`);
    const owner = reservedKeyOwner(k);
    if (owner)
      fail(
        where,
        prop,
        `${k}: ${owner}, not a namespace's to declare; use a domain of your own (acme.io/${k.slice(k.indexOf('/') + 1)})`,
      );
    if (prop === 'labels') {
      const badValue = labelValueProblem(v);
      if (badValue) fail(where, `${prop}.${k}`, `${show(v)} ${badValue}`);
    } else {
      if (UNPRINTABLE.test(v))
        fail(where, `${prop}.${k}`, 'holds a control, invisible or bidirectional formatting character: remove it');
    }
  }
  return sortedRecord(value as Record<string, string>);
}

/** A namespace's guard-rail props, checked and normalized; undefined when it declares none. */
export function namespaceSettingsOf(where: string, props: NamespaceGuardRailProps): NamespaceSettings | undefined {
  const out: { -readonly [K in keyof NamespaceSettings]: NamespaceSettings[K] } = {};
  const ps = podSecurityOf(where, 'podSecurity', props.podSecurity);
  if (ps) out.podSecurity = ps;
  if (props.quota !== undefined) out.quota = quotaOf(where, props.quota);
  if (props.limits !== undefined) out.limits = limitsOf(where, props.limits);
  if (props.networkPolicy !== undefined) {
    if (!(NETWORK_POLICIES as readonly string[]).includes(props.networkPolicy))
      fail(
        where,
        'networkPolicy',
        `${show(props.networkPolicy)} is not allowed (expected ${NETWORK_POLICIES.join(', ')})`,
      );
    out.networkPolicy = props.networkPolicy;
  }
  if (props.labels !== undefined) out.labels = metadataOf(where, 'labels', props.labels);
  if (props.annotations !== undefined) out.annotations = metadataOf(where, 'annotations', props.annotations);
  if (props.adminsOnly !== undefined) {
    if (typeof props.adminsOnly !== 'boolean')
      fail(where, 'adminsOnly', `${show(props.adminsOnly)} is not true or false`);
    if (props.adminsOnly) out.adminsOnly = true;
  }
  return Object.keys(out).length ? out : undefined;
}

/** The organization's namespace defaults, checked; undefined when none. */
export function namespaceDefaultsOf(where: string, value: unknown): { podSecurity?: PodSecurityModel } | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) fail(where, 'namespaceDefaults', `${show(value)} is not { podSecurity }`);
  for (const k of Object.keys(value))
    if (k !== 'podSecurity')
      fail(where, `namespaceDefaults.${k}`, 'is not a field of namespaceDefaults (allowed: podSecurity)');
  const podSecurity = podSecurityOf(where, 'namespaceDefaults.podSecurity', value.podSecurity);
  return podSecurity ? { podSecurity } : undefined;
}

const APPLIED_BY_EXAMPLE = "{ appliedBy: 'system:serviceaccount:argocd:argocd-application-controller' }";

const APPLIED_BY = new RegExp(APPLIED_BY_PATTERN);

/** How many identities `appliedBy` may list: one per way Argo CD's clusters are registered. */
const MAX_APPLIERS = 16;

/**
 * An `{ appliedBy }` prop (`prop`: where it is declared), checked: the identity Argo CD applies with,
 * or a list of the identities it reaches its clusters as. Each is a Kubernetes username with no
 * quote or backslash (it is written into CEL string literals). A list is sorted and a list of one
 * is its identity (model/guard-rails.ts AppliedBy), so neither the order nor the brackets change
 * the output.
 */
function appliedByOf(where: string, prop: string, value: unknown): { appliedBy: AppliedBy } {
  if (!isRecord(value)) fail(where, prop, `${show(value)} is not ${APPLIED_BY_EXAMPLE}`);
  const field = prop.split('.').pop();
  for (const k of Object.keys(value))
    if (k !== 'appliedBy') fail(where, `${prop}.${k}`, `is not a field of ${field} (allowed: appliedBy)`);
  const a = value.appliedBy;
  if (!Array.isArray(a)) return { appliedBy: applierOf(where, `${prop}.appliedBy`, a) };
  if (a.length === 0 || a.length > MAX_APPLIERS)
    fail(
      where,
      `${prop}.appliedBy`,
      `${show(a)} is not a list of at least one and at most ${MAX_APPLIERS} Kubernetes usernames (the identities Argo CD applies with, one per way its clusters are registered)`,
    );
  const appliers = a.map((x, i) => applierOf(where, `${prop}.appliedBy[${i}]`, x)).sort();
  const twice = appliers.find((x, i) => appliers[i + 1] === x);
  if (twice !== undefined) fail(where, `${prop}.appliedBy`, `${show(a)} names ${twice} twice`);
  return { appliedBy: appliers.length === 1 ? appliers[0]! : appliers };
}

/** One identity Argo CD applies with (`prop`: where it is declared), checked. */
function applierOf(where: string, prop: string, a: unknown): string {
  const problem = applierProblem(a);
  if (problem !== undefined) fail(where, prop, problem);
  return a as string;
}

/**
 * Why `a` is not an identity Argo CD may apply with (`init --boundary` asks too), or undefined: a
 * Kubernetes username with no quote or backslash, printable ASCII, and a ServiceAccount's split
 * as the API server splits it.
 */
export function applierProblem(a: unknown): string | undefined {
  if (typeof a !== 'string' || !APPLIED_BY.test(a)) {
    // Argo CD's identities are ServiceAccounts, IAM roles, certificates' names: ASCII. A letter that
    // reads as another (a Cyrillic ѕ) would have the review show an admin approving it an identity
    // it does not name.
    const foreign = typeof a === 'string' ? [...a].find((c) => c > '~') : undefined;
    return foreign !== undefined
      ? `${show(a)} holds ${foreign} (${codePoint(foreign)}), not printable ASCII: a Kubernetes username Argo CD applies with is ASCII (e.g. ${APPLIED_BY_EXAMPLE}), and a letter that reads as another would have the review name an identity it does not`
      : `${show(a)} is not a Kubernetes username (the identity Argo CD applies with, e.g. ${APPLIED_BY_EXAMPLE})`;
  }
  if (a.startsWith(SA_PREFIX) && !isServiceAccountUsername(a))
    return `${show(a)} is not a ServiceAccount's username (system:serviceaccount:NAMESPACE:NAME, e.g. ${APPLIED_BY_EXAMPLE}): a policy for nobody's requests would judge none`;
  return undefined;
}

/** `system:serviceaccount:NAMESPACE:NAME` (serviceAccountOf: the API server's split), each part a name the API server allows (NAME_RULE). */
function isServiceAccountUsername(username: string): boolean {
  const sa = serviceAccountOf(username);
  return (
    sa !== undefined &&
    NAME_RULE.Namespace!(sa.namespace) === undefined &&
    NAME_RULE.ServiceAccount!(sa.name) === undefined
  );
}

/** The organization's namespace protection, checked; undefined when off. */
export function namespaceProtectionOf(where: string, value: unknown): NamespaceProtection | undefined {
  return value === undefined ? undefined : appliedByOf(where, 'namespaceProtection', value);
}

/**
 * Argo CD's `application.instanceLabelKey` as declared (`argocd.instanceLabelKey`), checked: a
 * label key; undefined when not declared or Argo CD's default, so the organization's data stays as
 * it was.
 */
export function instanceLabelKeyOf(where: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const bad = typeof value === 'string' && value ? qualifiedNameProblem(value) : 'is not a text';
  if (bad !== undefined)
    fail(
      where,
      'argocd.instanceLabelKey',
      `${show(value)} is not a label key (${bad}): give the application.instanceLabelKey of Argo CD's argocd-cm, e.g. 'argocd.argoproj.io/instance' (default ${INSTANCE_LABEL})`,
    );
  const key = value as string;
  if (key.startsWith('orgctl.io/') || key === 'kubernetes.io/metadata.name' || key.startsWith(POD_SECURITY_PREFIX))
    fail(
      where,
      'argocd.instanceLabelKey',
      `${show(value)} is a label orgctl or the API server writes on the organization's objects (the organization's label, which namespace protection selects by; a Pod Security level): under label tracking Argo CD would write an Application's name over it; give the application.instanceLabelKey of Argo CD's argocd-cm`,
    );
  return key === INSTANCE_LABEL ? undefined : key;
}

/**
 * The boundary of what Argo CD writes for the organization (`argocd.boundary`), checked against
 * namespace protection; undefined when off.
 */
export function argocdBoundaryOf(
  where: string,
  argocd: { readonly boundary?: unknown; readonly namedClusterResources?: boolean } | undefined,
  protection: NamespaceProtection | undefined,
): ArgoCdBoundary | undefined {
  if (argocd?.boundary === undefined) return undefined;
  const boundary = appliedByOf(where, 'argocd.boundary', argocd.boundary);
  if (protection && appliersText(protection.appliedBy) !== appliersText(boundary.appliedBy))
    fail(
      where,
      'argocd.boundary.appliedBy',
      `${show(boundary.appliedBy)} differs from namespaceProtection.appliedBy ${show(protection.appliedBy)}: Argo CD applies dist/ as the same identities for both, name the same in both`,
    );
  // A forced sync (Force=true) deletes the live object a manifest names before admission: the
  // boundary refuses it for an object nothing tracks, but not for one another Application tracks.
  if (!argocd.namedClusterResources)
    fail(
      where,
      'argocd.boundary',
      "needs argocd.namedClusterResources: true. Otherwise the AppProject allows any Namespace or ClusterRole by name, and a forged manifest with the sync option Force=true makes Argo CD delete one before admission: another team's Namespace, or a ClusterRole others hold, which the boundary cannot tell from that team's own prune",
    );
  return boundary;
}
