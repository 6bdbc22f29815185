/**
 * A namespace's guard rails: its Pod Security admission level, ResourceQuota, LimitRange, default
 * NetworkPolicy, and its own labels and annotations; and the organization's namespace protection
 * (a ValidatingAdmissionPolicy). Plain data, declared once here: the model, the membership data,
 * synthesis, the diff and the review read these types.
 */

/** Pod Security Standards levels, weakest first (`pod-security.kubernetes.io/<mode>`). */
export const POD_SECURITY_LEVELS = ['privileged', 'baseline', 'restricted'] as const;
export type PodSecurityLevel = (typeof POD_SECURITY_LEVELS)[number];

/** The label prefix of Pod Security admission: `pod-security.kubernetes.io/enforce` etc. */
export const POD_SECURITY_PREFIX = 'pod-security.kubernetes.io/';

/**
 * The key domains of labels and annotations that others act on, each with who acts: a namespace
 * may not declare keys of these domains or their subdomains. Kubernetes reserves its own for its
 * components (Pod Security, the scheduler's PodNodeSelector and PodTolerationRestriction admission
 * read namespace annotations); Argo CD reads argoproj.io's (hooks, sync options, tracking; the
 * operator's `managed-by` gives a namespace to an instance) and runs any object with a Helm hook
 * annotation as a hook, deleting it once done (gitops-engine pkg/sync/hook: IsHook falls back to
 * Helm's); orgctl writes its own.
 */
const RESERVED_KEY_DOMAINS: Readonly<Record<string, string>> = {
  'kubernetes.io': "Kubernetes' to act on",
  'k8s.io': "Kubernetes' to act on",
  'x-k8s.io': "Kubernetes' to act on",
  'argoproj.io': "Argo CD's to act on",
  'helm.sh':
    "Helm's to act on, and Argo CD's (it runs an object with a Helm hook annotation as a hook, and deletes it)",
  'orgctl.io': "orgctl's to write",
};

/** Who acts on a label or annotation key (its prefix is a reserved domain or below one); undefined when nobody known does. */
export function reservedKeyOwner(key: string): string | undefined {
  const slash = key.indexOf('/');
  if (slash < 0) return undefined;
  const prefix = key.slice(0, slash);
  for (const [domain, owner] of Object.entries(RESERVED_KEY_DOMAINS))
    if (prefix === domain || prefix.endsWith(`.${domain}`)) return owner;
  return undefined;
}

/** A Pod Security policy version as declared: `latest`, or `v1.N`. */
export const POD_SECURITY_VERSION = /^(latest|v1\.\d{1,3})$/;

/** Pod Security admission for a namespace; `warn` and `audit` default to `enforce`. */
export interface PodSecurityModel {
  readonly enforce: PodSecurityLevel;
  readonly warn?: PodSecurityLevel;
  readonly audit?: PodSecurityLevel;
  /** The policy version the levels are judged by (`v1.30`, `latest`); absent: the server's latest. */
  readonly version?: string;
}

/** Resource name → Kubernetes quantity (`cpu: '500m'`, `memory: 1Gi`). */
export type Quantities = Readonly<Record<string, string>>;

/** A LimitRange for Containers: each field a map of resource → quantity. */
export interface LimitsModel {
  /** Limits a container gets when it declares none. */
  readonly default?: Quantities;
  /** Requests a container gets when it declares none. */
  readonly defaultRequest?: Quantities;
  /** The largest limit a container may declare. */
  readonly max?: Quantities;
  /** The smallest request a container may declare. */
  readonly min?: Quantities;
}
export const LIMIT_FIELDS = ['default', 'defaultRequest', 'max', 'min'] as const;

/** The one default NetworkPolicy orgctl writes: ingress only from pods of the same namespace. */
export const NETWORK_POLICIES = ['same-namespace'] as const;
export type NetworkPolicyKind = (typeof NETWORK_POLICIES)[number];

/** What a namespace declares about itself; every field optional, absent = not managed by orgctl. */
export interface NamespaceSettings {
  readonly podSecurity?: PodSecurityModel;
  /** ResourceQuota `spec.hard`: resource → quantity (`requests.cpu`, `pods`, `count/services`). */
  readonly quota?: Quantities;
  readonly limits?: LimitsModel;
  readonly networkPolicy?: NetworkPolicyKind;
  /** Labels on the Namespace, sorted by key. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Annotations on the Namespace, sorted by key. */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * For admins only: nobody else is granted anything there (forbidden-grant), Add All binds nobody
   * there, and a token there is admin-grade. Present only when declared.
   */
  readonly adminsOnly?: true;
}

/** Organization-wide defaults for every namespace (the system namespace included). */
export interface NamespaceDefaults {
  readonly podSecurity?: PodSecurityModel;
}

/**
 * The identity Argo CD applies with, a Kubernetes username
 * (`system:serviceaccount:argocd:argocd-application-controller`), or the identities when it reaches
 * its clusters as different ones: its application controller in the cluster it runs in,
 * `system:serviceaccount:kube-system:argocd-manager` in one `argocd cluster add` registered. Several
 * are a sorted list of at least two and one is a string, so an output naming one stays as it was.
 */
export type AppliedBy = string | readonly string[];

/**
 * A Kubernetes username Argo CD applies with, as `appliedBy` takes it: printable ASCII but space,
 * quote and backslash (it is written into CEL string literals; a letter that reads as another would
 * have the review name an identity it does not). The schema says it too (test/spec.test.ts).
 */
export const APPLIED_BY_PATTERN = '^[!#-&(-[\\]-~]{1,253}$';

/**
 * Each identity `appliedBy` names: one, or a list's. Read from an output, it may be anything: what
 * is not a string names nobody.
 */
export const appliersOf = (appliedBy: AppliedBy | undefined): readonly string[] =>
  typeof appliedBy === 'string'
    ? [appliedBy]
    : Array.isArray(appliedBy)
      ? appliedBy.filter((a): a is string => typeof a === 'string')
      : [];

/** The identities `head` names that `base` does not (added), and those it no longer names (dropped). */
export function appliersChange(
  base: AppliedBy | undefined,
  head: AppliedBy | undefined,
): { readonly added: readonly string[]; readonly dropped: readonly string[] } {
  const [b, h] = [appliersOf(base), appliersOf(head)];
  return { added: h.filter((x) => !b.includes(x)), dropped: b.filter((x) => !h.includes(x)) };
}

/** Between two identities of an `appliedBy` as a sentence names them (appliersText, or a list of them). */
export const APPLIERS_SEPARATOR = ' or ';
/** The identities `appliedBy` names, for a sentence: `a`, or `a or b` (`no identity` for none, as a forged output may say). */
export const appliersText = (appliedBy: AppliedBy | undefined): string =>
  appliersOf(appliedBy).join(APPLIERS_SEPARATOR) || 'no identity';

/**
 * A ValidatingAdmissionPolicy refusing to delete or relabel the organization's Namespaces except by
 * `appliedBy`, the identity (or identities) Argo CD applies with.
 */
export interface NamespaceProtection {
  readonly appliedBy: AppliedBy;
}

/** Names of the objects guard rails render. */
export const GUARD_RAIL_NAMES = {
  quota: 'orgctl-quota',
  limits: 'orgctl-limits',
  networkPolicy: 'orgctl-same-namespace',
  protection: (org: string) => `${org}-namespace-protection`,
  /** The policy refusing others the guard rails' names in the organization's namespaces (red team R49-3). */
  railNamesProtection: (org: string) => `${org}-guard-rail-names`,
} as const;

/** The guard rails orgctl writes in a namespace: the setting that declares each, its kind and its object's name. */
export const GUARD_RAIL_OBJECTS = [
  { setting: 'quota', kind: 'ResourceQuota', name: GUARD_RAIL_NAMES.quota },
  { setting: 'limits', kind: 'LimitRange', name: GUARD_RAIL_NAMES.limits },
  { setting: 'networkPolicy', kind: 'NetworkPolicy', name: GUARD_RAIL_NAMES.networkPolicy },
] as const;

/** The names of the guard rails orgctl writes in a namespace: nobody else's to create there. */
export const RAIL_OBJECT_NAMES: readonly string[] = GUARD_RAIL_OBJECTS.map((r) => r.name);

/** The namespaces declared for admins only (`adminsOnly`), by name: one lookup for every judge and renderer. */
export const adminsOnlyNamespaces = (
  namespaces: readonly { readonly name: string; readonly settings?: NamespaceSettings }[],
): ReadonlySet<string> => new Set(namespaces.filter((n) => n.settings?.adminsOnly).map((n) => n.name));

/** True when `settings` declares nothing. */
export const isEmptySettings = (s: NamespaceSettings | undefined): boolean =>
  !s || Object.values(s).every((v) => v === undefined);

/** The Pod Security admission a namespace gets: its own, else the organization's default. */
export function effectivePodSecurity(
  settings: NamespaceSettings | undefined,
  defaults: NamespaceDefaults | undefined,
): PodSecurityModel | undefined {
  return settings?.podSecurity ?? defaults?.podSecurity;
}

/** The Namespace labels Pod Security admission reads, in a fixed order. */
export function podSecurityLabels(ps: PodSecurityModel | undefined): Record<string, string> {
  if (!ps) return {};
  const out: Record<string, string> = {};
  for (const mode of ['audit', 'enforce', 'warn'] as const) {
    out[`${POD_SECURITY_PREFIX}${mode}`] = ps[mode] ?? ps.enforce;
    if (ps.version !== undefined) out[`${POD_SECURITY_PREFIX}${mode}-version`] = ps.version;
  }
  return out;
}

/** `{ b: 1, a: 2 }` → `{ a: 2, b: 1 }`: declaration order never changes output. */
export function sortedRecord<T>(r: Readonly<Record<string, T>>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k]!;
  return out;
}

/**
 * A Kubernetes quantity (`resource.Quantity`: apimachinery `pkg/api/resource/quantity.go`), not
 * negative: digits, an optional fraction, then a binary (Ki..Ei) or decimal (n, u, m, k, M..E)
 * suffix or an exponent; its parts: whole, fraction, binary suffix, decimal suffix, exponent.
 */
const QUANTITY_PARTS = /^\+?([0-9]*)(?:\.([0-9]*))?(?:([KMGTPE]i)|([numkMGTPE])|[eE]([+-]?[0-9]+))?$/;

/** Quota resources counted in whole numbers (IsIntegerResourceName): objects (extended resources too, below). */
const COUNTED_QUOTA_RESOURCES = [
  'pods',
  'resourcequotas',
  'services',
  'replicationcontrollers',
  'secrets',
  'persistentvolumeclaims',
  'configmaps',
  'services.nodeports',
  'services.loadbalancers',
];

/**
 * What a ResourceQuota may limit by a name without `/` (IsStandardQuotaResourceName in
 * pkg/apis/core/helper/helpers.go; `hugepages-<size>` and `requests.hugepages-<size>` too); a name
 * with `/` (`count/deployments.apps`, `requests.nvidia.com/gpu`) is any qualified name.
 */
export const STANDARD_QUOTA_RESOURCES: readonly string[] = [
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.storage',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  ...COUNTED_QUOTA_RESOURCES,
];

/**
 * Quota resources counting the objects orgctl writes into a namespace, and the kind each counts
 * (R48-1). The quota admission refuses a create past the count, and one object refused fails its
 * shard's whole sync, where `PruneLast` prunes nothing: every revocation in that shard stays in the
 * cluster. RoleBindings and Roles grow with the grants (a level, a custom role, a person's inline
 * rules, a numbered binding past the size limit); a NetworkPolicy or LimitRange declared later meets
 * a count whoever may write that kind there filled first. (orgctl's ResourceQuota is the one that
 * counts: it is created while none does.)
 */
export const QUOTA_COUNTS_OF_ORGCTLS_OWN: ReadonlyMap<string, string> = new Map([
  ['count/rolebindings.rbac.authorization.k8s.io', 'RoleBindings'],
  ['count/roles.rbac.authorization.k8s.io', 'Roles'],
  ['count/networkpolicies.networking.k8s.io', 'NetworkPolicies'],
  ['count/limitranges', 'LimitRanges'],
]);

/** Whether a quota resource is known to Kubernetes' quota system (validateResourceQuotaResourceName). */
export const isQuotaResource = (name: string): boolean =>
  name.includes('/') ||
  STANDARD_QUOTA_RESOURCES.includes(name) ||
  name.startsWith('hugepages-') ||
  name.startsWith('requests.hugepages-');

/** Whether a resource is Kubernetes' own (IsNativeResource): no `/`, or under `kubernetes.io/`. */
const isNativeResource = (name: string): boolean => !name.includes('/') || name.includes('kubernetes.io/');

/**
 * Whether a resource name is an extended resource (IsExtendedResourceName, pkg/apis/core/helper):
 * one with a `/`, outside `kubernetes.io/` (IsNativeResource), not a `requests.` name, and
 * `requests.<name>` still a qualified name, so a prefix of at most 244 characters (`name` is a
 * qualified name already).
 */
const isExtendedResource = (name: string): boolean =>
  !isNativeResource(name) && !name.startsWith('requests.') && name.indexOf('/') <= 253 - 'requests.'.length;

/** Whether a quota resource is counted in whole numbers (IsIntegerResourceName): an object count, or an extended resource (`nvidia.com/gpu`, `count/deployments.apps`). */
export const isCountedResource = (name: string): boolean =>
  COUNTED_QUOTA_RESOURCES.includes(name) || isExtendedResource(name);

/**
 * What a container may ask for, so what a LimitRange of type Container limits
 * (validateContainerResourceName): a standard one, hugepages, or, with a `/`, a native one (under
 * `kubernetes.io/`) or an extended one.
 */
export const CONTAINER_RESOURCES = ['cpu', 'memory', 'ephemeral-storage'] as const;
export const isContainerResource = (name: string): boolean =>
  (CONTAINER_RESOURCES as readonly string[]).includes(name) ||
  name.startsWith('hugepages-') ||
  name.includes('kubernetes.io/') ||
  isExtendedResource(name);

/**
 * Whether a container may ask for more of a resource than it is limited to (IsOvercommitAllowed:
 * a native resource, not hugepages). For the rest (hugepages-<size>, an extended resource) a
 * LimitRange's default and defaultRequest must be equal (ValidateLimitRange).
 */
export const isOvercommitAllowed = (name: string): boolean => isNativeResource(name) && !name.startsWith('hugepages-');

/**
 * The order a LimitRange's values keep per resource (ValidateLimitRange): each pair is
 * `[lower, higher]`, and the API server refuses a lower above its higher.
 */
export const LIMIT_ORDER = [
  ['min', 'max'],
  ['min', 'defaultRequest'],
  ['min', 'default'],
  ['defaultRequest', 'max'],
  ['default', 'max'],
  ['defaultRequest', 'default'],
] as const;

/** The largest quantity Kubernetes holds (apimachinery's maxAllowed, 2^63-1): past it a binary one is capped. */
const MAX_QUANTITY = 2n ** 63n - 1n;
/** Quantities are held in billionths (1n): ParseQuantity rounds anything finer up. */
const NANOS = 10n ** 9n;
/**
 * The largest count ValidateResourceQuantityValue reads right: it checks `MilliValue() % 1000` in
 * an int64, which overflows past this (and, for a count held as an inf.Dec, wraps: 10^18 pods is
 * refused as not a whole number).
 */
const MAX_COUNT = MAX_QUANTITY / 1000n;
/** ParseQuantity's exponent of `1e5` is read in 64 bits and kept in 32 (`int32(parsed)`): 1e4294967296 is 1. */
const MAX_EXPONENT = 2n ** 31n - 1n;
const DECIMAL_SUFFIX: Readonly<Record<string, bigint>> = {
  n: -9n,
  u: -6n,
  m: -3n,
  k: 3n,
  M: 6n,
  G: 9n,
  T: 12n,
  P: 15n,
  E: 18n,
};
const BINARY_SUFFIX: Readonly<Record<string, bigint>> = { Ki: 10n, Mi: 20n, Gi: 30n, Ti: 40n, Pi: 50n, Ei: 60n };

/**
 * A quantity as the API server holds it, exactly, in billionths (`500m` is 500000000n); or why it
 * would hold another value or refuse it. orgctl refuses what Kubernetes would change
 * (apimachinery pkg/api/resource ParseQuantity): an exponent past 32 bits (kept as its low 32:
 * `5e-4294967290` is 5e6), a value finer than 1n (rounded up), one over 2^63-1 (a binary one is
 * capped there); with `counted`, a value that is not whole or that MilliValue overflows on.
 */
export function parseQuantity(q: string, counted = false): { readonly nanos: bigint } | { readonly problem: string } {
  const m = QUANTITY_PARTS.exec(q);
  if (!m || !/[0-9]/.test(`${m[1]}${m[2] ?? ''}`))
    return { problem: "is not a Kubernetes quantity (e.g. '2', '500m', '1Gi'; give it as text)" };
  const [, whole = '', fraction = '', binary, decimal, exponentText] = m;
  const exponent = exponentText !== undefined ? BigInt(exponentText) : decimal ? DECIMAL_SUFFIX[decimal]! : 0n;
  if (exponent > MAX_EXPONENT || exponent < -MAX_EXPONENT - 1n)
    return { problem: 'has an exponent the API server reads as another (it keeps 32 bits of it: 1e4294967296 is 1)' };
  const digits = `${whole}${fraction}`.replace(/^0+/, '');
  if (!digits) return { nanos: 0n };
  // digits × 10^shift billionths, times 2^bits: past 10^19 (digits.length - 1 + the decimal
  // exponent ≥ 19) it is over 2^63-1, and a value under 1n needs no digit computed either.
  const shift = exponent - BigInt(fraction.length) + 9n;
  const bits = binary ? BINARY_SUFFIX[binary]! : 0n;
  const tooLarge = { problem: `is over ${MAX_QUANTITY}, the largest quantity Kubernetes holds` };
  if (BigInt(digits.length) - 1n + shift - 9n >= 19n) return tooLarge;
  const finer = {
    problem: 'is finer than 1n (a billionth), which the API server rounds up: give it in whole billionths',
  };
  if (BigInt(digits.length) + shift + (bits ? 19n : 0n) <= 0n) return finer; // 2^60 < 10^19
  let nanos = BigInt(digits) << bits;
  if (shift >= 0n) nanos *= 10n ** shift;
  else {
    const d = 10n ** -shift;
    if (nanos % d) return finer;
    nanos /= d;
  }
  if (nanos > MAX_QUANTITY * NANOS) return tooLarge;
  if (counted && nanos % NANOS) return { problem: 'is not a whole number' };
  if (counted && nanos / NANOS > MAX_COUNT)
    return {
      problem: `is over ${MAX_COUNT}: the API server checks a count in thousandths in 64 bits (MilliValue), which overflow past it, and may refuse it as not a whole number`,
    };
  return { nanos };
}

/** Two quantities orgctl accepts, compared as the API server compares them (Quantity.Cmp: exactly); NaN when either is none. */
export function compareQuantities(a: string, b: string): number {
  const [x, y] = [parseQuantity(a), parseQuantity(b)];
  if (!('nanos' in x) || !('nanos' in y)) return Number.NaN;
  return x.nanos < y.nanos ? -1 : x.nanos > y.nanos ? 1 : 0;
}
