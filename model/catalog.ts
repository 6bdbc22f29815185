/**
 * The access-level catalog: every level a grant may name, as data.
 *
 * Each level becomes one ClusterRole (`<org>:<level>`) with exactly these rules,
 * bound per namespace by a RoleBinding. `w:X` is built from `r:X` plus writes, so
 * a write level always includes its read level. Rules name resources explicitly
 * (never `*` for resources in a read level): `*` would also cover subresources such
 * as `pods/exec`, which is code execution, not reading.
 */

import { byText } from './text.ts';

/** One Kubernetes RBAC PolicyRule, as it appears in a Role or ClusterRole. */
export interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

/** A PolicyRule's fields, each a list of strings: no other field is one (the API server's strict decoding refuses it). */
export const POLICY_RULE_FIELDS = [
  'verbs',
  'apiGroups',
  'resources',
  'resourceNames',
  'nonResourceURLs',
] as const satisfies readonly (keyof PolicyRule)[];

/**
 * A rule with its fields in the order people write them (and a copy of each list): the one form a
 * rule is recorded in as data (a dormant grant's rules in the membership data), so a rule read back
 * and written again is the same bytes.
 */
export const orderedRule = (r: PolicyRule): PolicyRule => ({
  ...(r.apiGroups ? { apiGroups: [...r.apiGroups] } : {}),
  ...(r.resources ? { resources: [...r.resources] } : {}),
  ...(r.resourceNames ? { resourceNames: [...r.resourceNames] } : {}),
  ...(r.nonResourceURLs ? { nonResourceURLs: [...r.nonResourceURLs] } : {}),
  verbs: [...r.verbs],
});

/** A rule as a string, its fields in one order (orderedRule): two rules alike have one key. */
export const ruleKey = (r: PolicyRule): string => JSON.stringify(orderedRule(r));

export interface AccessLevel {
  /** `r:<family>` or `w:<family>`. */
  readonly id: string;
  readonly family: string;
  readonly access: 'read' | 'write';
  /** Reserved for organization admins: granting it to anyone else is `forbidden-grant`. */
  readonly adminOnly: boolean;
  /** One line for the README and for findings. */
  readonly description: string;
  /** Why an admin-only level is reserved. */
  readonly reservedBecause?: string;
  readonly rules: readonly PolicyRule[];
}

const READ = ['get', 'list', 'watch'] as const;
/** The verbs that write an object, as a write level grants them (and as a guard rail's kind is written). */
export const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'] as const;

/**
 * Constrained impersonation's kinds of identity (KEP-5284, Kubernetes 1.35+): the verb
 * `impersonate:<mode>` lets a subject become one, `impersonate-on:<mode>:<verb>` act as it.
 */
const IMPERSONATION_MODES = ['serviceaccount', 'user-info', 'arbitrary-node', 'associated-node'] as const;
type ImpersonationMode = (typeof IMPERSONATION_MODES)[number];
/** The verb that lets a subject take an identity of `mode`. */
export const impersonationVerb = (mode: ImpersonationMode): string => `impersonate:${mode}`;
/** Whether `verb` is one of constrained impersonation's (`impersonate:<mode>`, `impersonate-on:<mode>:<verb>`). */
export function isConstrainedImpersonationVerb(verb: string): boolean {
  const [kind, mode, acted, ...rest] = verb.split(':');
  if (rest.length || !(IMPERSONATION_MODES as readonly string[]).includes(mode ?? '')) return false;
  return kind === 'impersonate' ? acted === undefined : kind === 'impersonate-on' && !!acted;
}

interface Family {
  readonly family: string;
  readonly what: string;
  /** Rules of the read level. */
  readonly read: readonly PolicyRule[];
  /** Extra rules of the write level (the read rules are always included). */
  readonly write?: readonly PolicyRule[];
  readonly writeReservedBecause?: string;
  /** What the write level adds, when "read and write <what>" says too little. */
  readonly writeWhat?: string;
  /** Reading is risky enough to say so (the level stays grantable). */
  readonly readNote?: string;
}

const read = (apiGroup: string, ...resources: string[]): PolicyRule => ({
  apiGroups: [apiGroup],
  resources,
  verbs: [...READ],
});
const write = (apiGroup: string, ...resources: string[]): PolicyRule => ({
  apiGroups: [apiGroup],
  resources,
  verbs: [...WRITE_VERBS],
});

const FAMILIES: readonly Family[] = [
  {
    family: 'pods',
    what: 'Pods and their logs',
    read: [read('', 'pods', 'pods/log', 'pods/status')],
    write: [
      write('', 'pods'),
      { apiGroups: [''], resources: ['pods/exec', 'pods/attach', 'pods/portforward'], verbs: ['get', 'create'] },
      { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
      { apiGroups: [''], resources: ['pods/ephemeralcontainers'], verbs: ['update', 'patch'] },
    ],
    writeReservedBecause:
      'creating pods or exec into them runs arbitrary code with any ServiceAccount of the namespace',
    writeWhat: 'read, create, change and delete Pods; exec, attach, port-forward, evict',
  },
  {
    family: 'workloads',
    what: 'Deployments, ReplicaSets, StatefulSets, DaemonSets, ReplicationControllers',
    read: [
      read(
        'apps',
        'deployments',
        'deployments/scale',
        'deployments/status',
        'replicasets',
        'replicasets/scale',
        'replicasets/status',
        'statefulsets',
        'statefulsets/scale',
        'statefulsets/status',
        'daemonsets',
        'daemonsets/status',
        'controllerrevisions',
      ),
      read('', 'replicationcontrollers', 'replicationcontrollers/scale', 'replicationcontrollers/status'),
    ],
    write: [
      write(
        'apps',
        'deployments',
        'deployments/scale',
        'replicasets',
        'replicasets/scale',
        'statefulsets',
        'statefulsets/scale',
        'daemonsets',
      ),
      write('', 'replicationcontrollers', 'replicationcontrollers/scale'),
    ],
    writeReservedBecause: 'workload controllers create pods: writing them is w:pods in disguise',
  },
  {
    family: 'jobs',
    what: 'Jobs and CronJobs',
    read: [read('batch', 'jobs', 'jobs/status', 'cronjobs', 'cronjobs/status')],
    write: [write('batch', 'jobs', 'cronjobs')],
    writeReservedBecause: 'Jobs and CronJobs create pods: writing them is w:pods in disguise',
  },
  {
    family: 'services',
    what: 'Services (read also Endpoints and EndpointSlices)',
    read: [read('', 'services', 'services/status', 'endpoints'), read('discovery.k8s.io', 'endpointslices')],
    // Endpoints and services/status writes redirect other people's traffic: not granted. Writing a
    // Service redirects its own clients' traffic (ExternalName, selector), so the level holds `network`.
    write: [write('', 'services')],
  },
  {
    family: 'ingresses',
    what: 'Ingresses',
    read: [read('networking.k8s.io', 'ingresses', 'ingresses/status')],
    // An Ingress may claim a path under another team's host on a controller every namespace
    // shares: the level holds `network` (a warning), as w:services does.
    write: [write('networking.k8s.io', 'ingresses')],
  },
  {
    family: 'networkpolicies',
    what: 'NetworkPolicies',
    read: [read('networking.k8s.io', 'networkpolicies')],
    write: [write('networking.k8s.io', 'networkpolicies')],
  },
  {
    family: 'configmaps',
    what: 'ConfigMaps',
    read: [read('', 'configmaps')],
    write: [write('', 'configmaps')],
  },
  {
    family: 'secrets',
    what: 'Secrets',
    read: [read('', 'secrets')],
    readNote: 'reading Secrets reveals every credential stored in the namespace',
    write: [write('', 'secrets')],
    writeReservedBecause:
      'creating a Secret of type kubernetes.io/service-account-token mints a token for any ServiceAccount of the namespace',
  },
  {
    family: 'pvcs',
    what: 'PersistentVolumeClaims',
    read: [read('', 'persistentvolumeclaims', 'persistentvolumeclaims/status')],
    write: [write('', 'persistentvolumeclaims')],
  },
  {
    family: 'autoscalers',
    what: 'HorizontalPodAutoscalers',
    read: [read('autoscaling', 'horizontalpodautoscalers', 'horizontalpodautoscalers/status')],
    write: [write('autoscaling', 'horizontalpodautoscalers')],
  },
  {
    family: 'events',
    what: 'Events (read only)',
    read: [read('', 'events'), read('events.k8s.io', 'events')],
  },
];

/** What `r:full` reads beyond the families: everything a namespace user may look at, never Secrets. */
const FULL_READ_EXTRAS: readonly PolicyRule[] = [
  read('', 'serviceaccounts', 'limitranges', 'resourcequotas', 'resourcequotas/status'),
  read('policy', 'poddisruptionbudgets', 'poddisruptionbudgets/status'),
  read('rbac.authorization.k8s.io', 'roles', 'rolebindings'),
];

function familyLevels(f: Family): AccessLevel[] {
  const r: AccessLevel = {
    id: `r:${f.family}`,
    family: f.family,
    access: 'read',
    adminOnly: false,
    description: `read ${f.what}${f.readNote ? ` (${f.readNote})` : ''}`,
    rules: f.read,
  };
  if (!f.write) return [r];
  const w: AccessLevel = {
    id: `w:${f.family}`,
    family: f.family,
    access: 'write',
    adminOnly: f.writeReservedBecause !== undefined,
    description: f.writeWhat ?? `read and write ${f.what}`,
    ...(f.writeReservedBecause ? { reservedBecause: f.writeReservedBecause } : {}),
    rules: [...f.read, ...f.write],
  };
  return [r, w];
}

const FULL_LEVELS: readonly AccessLevel[] = [
  {
    id: 'r:full',
    family: 'full',
    access: 'read',
    adminOnly: false,
    description: 'read everything in the namespace except Secrets (like Kubernetes `view`)',
    rules: [...FAMILIES.filter((f) => f.family !== 'secrets').flatMap((f) => f.read), ...FULL_READ_EXTRAS],
  },
  {
    id: 'w:full',
    family: 'full',
    access: 'write',
    adminOnly: true,
    description: 'every verb on every resource in the namespace (what admins hold)',
    reservedBecause: "full write access runs code, reads every Secret and rewrites the namespace's RBAC",
    rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
  },
];

/** Every level, in catalog order (full first, then families; read before write). */
export const CATALOG: readonly AccessLevel[] = [...FULL_LEVELS, ...FAMILIES.flatMap(familyLevels)];

const BY_ID: ReadonlyMap<string, AccessLevel> = new Map(CATALOG.map((l) => [l.id, l]));

/** A catalog level id, for editors: `'r:pods' | 'w:pods' | ...`. */
export type Level =
  | 'r:full'
  | 'w:full'
  | 'r:pods'
  | 'w:pods'
  | 'r:workloads'
  | 'w:workloads'
  | 'r:jobs'
  | 'w:jobs'
  | 'r:services'
  | 'w:services'
  | 'r:ingresses'
  | 'w:ingresses'
  | 'r:networkpolicies'
  | 'w:networkpolicies'
  | 'r:configmaps'
  | 'w:configmaps'
  | 'r:secrets'
  | 'w:secrets'
  | 'r:pvcs'
  | 'w:pvcs'
  | 'r:autoscalers'
  | 'w:autoscalers'
  | 'r:events';

export function findLevel(id: string): AccessLevel | undefined {
  return BY_ID.get(id);
}

export function isAdminOnly(id: string): boolean {
  return BY_ID.get(id)?.adminOnly ?? false;
}

const RANK: ReadonlyMap<string, number> = new Map(CATALOG.map((l, i) => [l.id, i]));

/** Level ids in catalog order; unknown ids last, sorted. Used to keep output stable. */
export function compareLevels(a: string, b: string): number {
  const ra = RANK.get(a) ?? Infinity;
  const rb = RANK.get(b) ?? Infinity;
  if (ra !== rb) return ra - rb;
  return byText(a, b);
}

/**
 * What the seed's "Add All" gives a user who is not an admin: every level they may hold,
 * without levels another one already includes (`w:X` includes `r:X`; `r:full` includes
 * every family read but Secrets).
 */
export function grantableLevels(): string[] {
  const grantable = CATALOG.filter((l) => !l.adminOnly);
  const writable = new Set(grantable.filter((l) => l.access === 'write').map((l) => l.family));
  return grantable
    .filter((l) => l.access === 'write' || !writable.has(l.family))
    .filter((l) => l.access === 'write' || l.family === 'full' || l.family === 'secrets')
    .map((l) => l.id);
}
