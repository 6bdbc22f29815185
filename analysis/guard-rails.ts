/**
 * What changes in each namespace's guard rails between two outputs (Pod Security, ResourceQuota,
 * LimitRange, NetworkPolicy, labels, annotations) and in the organization's namespace protection,
 * each change marked when it weakens them. Read from the membership data, which the review has
 * proved to be exactly what the output renders; who gains writes of a guard rail's kind where it
 * is declared, from the access the output's RBAC gives.
 */
import {
  effectivePodSecurity,
  appliersChange,
  appliersText,
  GUARD_RAIL_NAMES,
  LIMIT_FIELDS,
  POD_SECURITY_LEVELS,
  POD_SECURITY_VERSION,
  compareQuantities,
  type LimitsModel,
  type NamespaceDefaults,
  type NamespaceProtection,
  type NamespaceSettings,
  type PodSecurityModel,
  type Quantities,
} from '../model/guard-rails.ts';
import { WRITE_VERBS, type PolicyRule } from '../model/catalog.ts';
import { ownValue } from '../model/own-keys.ts';
import { NETWORKING_GROUP } from '../synth/kinds.ts';
import type { Change } from './change.ts';
import { apiGroupMatches, resourceMatches, verbMatches } from './rules.ts';
import { namespacesOf, roleRulesOf, tokenSubject, whereHeld, type LazyCell, type Snapshot } from './snapshot.ts';

export interface GuardRailChange extends Change {
  /** The namespace, or undefined for the organization's namespace protection. */
  readonly namespace?: string;
  /** Lowers a guard rail, or may: the change rule `guard-rails` asks for a second admin. */
  readonly weakens: boolean;
  /** A label or annotation: what it does is up to tools orgctl does not know, so it may weaken. */
  readonly unjudged?: true;
}

const rank = (level: string | undefined) => (level === undefined ? 0 : POD_SECURITY_LEVELS.indexOf(level as never));

/** Pod Security from `b` to `h`; `weaker` is what a weakening change's text ends with. */
function podSecurityChanges(
  ns: string,
  b?: PodSecurityModel,
  h?: PodSecurityModel,
  weaker = ' (weaker)',
): GuardRailChange[] {
  const out: GuardRailChange[] = [];
  const modes = ['enforce', 'warn', 'audit'] as const;
  const of = (ps: PodSecurityModel | undefined, mode: (typeof modes)[number]) =>
    ps ? (ps[mode] ?? ps.enforce) : undefined;
  // Every mode moving alike is said once: `Pod Security restricted → baseline`.
  const alike = modes.every((m) => of(b, m) === of(b, 'enforce') && of(h, m) === of(h, 'enforce'));
  for (const mode of alike ? (['enforce'] as const) : modes) {
    const from = of(b, mode);
    const to = of(h, mode);
    if (from === to) continue;
    const weakens = rank(to) < rank(from);
    out.push({
      kind: 'guard-rail',
      namespace: ns,
      weakens,
      from,
      to,
      text: `Pod Security ${alike ? '' : `${mode} `}${from ?? '(none)'} → ${to ?? '(none)'}${weakens ? weaker : ''}`,
    });
  }
  if (b?.version !== h?.version && b && h) {
    // The levels as an older release judged them: v1.0's restricted lacks every check added since
    // (seccomp, dropping ALL capabilities), so pinning an older version weakens them.
    const weakens = versionRank(h.version) < versionRank(b.version);
    out.push({
      kind: 'guard-rail',
      namespace: ns,
      weakens,
      text: `Pod Security version ${b.version ?? 'latest'} → ${h.version ?? 'latest'}${weakens ? weaker : ''}`,
    });
  }
  return out;
}

/**
 * A Pod Security policy version's order: `v1.N` by N, `latest` (or none) after every release;
 * anything else (an output orgctl did not write) before every release, so moving to it weakens.
 */
function versionRank(version: string | undefined): number {
  if (version === undefined || version === 'latest') return Number.POSITIVE_INFINITY;
  return POD_SECURITY_VERSION.test(version) ? Number(version.slice('v1.'.length)) : Number.NEGATIVE_INFINITY;
}

/**
 * Quantities compared key by key: `larger` says which way weakens (a larger quota or max weakens,
 * a smaller min weakens); a key removed weakens as much as one raised without bound.
 */
function quantityChanges(
  ns: string,
  what: string,
  b: Quantities | undefined,
  h: Quantities | undefined,
  largerWeakens: boolean,
): GuardRailChange[] {
  if (!b && !h) return [];
  if (!h)
    return [
      {
        kind: 'guard-rail',
        namespace: ns,
        weakens: true,
        text: `${what} removed (weaker)`,
      },
    ];
  if (!b)
    return [
      {
        kind: 'guard-rail',
        namespace: ns,
        weakens: false,
        text: `${what} added: ${Object.entries(h)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      },
    ];
  const out: GuardRailChange[] = [];
  for (const k of [...new Set([...Object.keys(b), ...Object.keys(h)])].sort()) {
    const [from, to] = [ownValue(b, k), ownValue(h, k)];
    if (from === to) continue;
    let weakens: boolean;
    if (to === undefined) weakens = true;
    else if (from === undefined) weakens = false;
    else {
      // One orgctl cannot read as the API server would (an output of an earlier orgctl) may be anything: weaker.
      const order = compareQuantities(to, from);
      weakens = Number.isNaN(order) || (largerWeakens ? order > 0 : order < 0);
    }
    out.push({
      kind: 'guard-rail',
      namespace: ns,
      weakens,
      text: `${what} ${k} ${from ?? '(none)'} → ${to ?? '(none)'}${weakens ? ' (weaker)' : ''}`,
    });
  }
  return out;
}

function limitChanges(ns: string, b?: LimitsModel, h?: LimitsModel): GuardRailChange[] {
  if (b && !h)
    return [
      {
        kind: 'guard-rail',
        namespace: ns,
        weakens: true,
        text: 'LimitRange removed (weaker)',
      },
    ];
  if (!b && !h) return [];
  return LIMIT_FIELDS.flatMap((f) => quantityChanges(ns, `LimitRange ${f}`, b?.[f], h?.[f], f !== 'min'));
}

/**
 * Labels or annotations, key by key. Each change may weaken: tools orgctl does not know act on a
 * namespace's metadata (OpenShift's SCC takes a namespace's UID range from an annotation, a mesh
 * injects sidecars by a label, admission policies select namespaces by label), and the keys those
 * orgctl knows act are refused at declaration (model/guard-rails.ts RESERVED_KEY_DOMAINS).
 */
function textMapChanges(
  ns: string,
  what: string,
  b: Readonly<Record<string, string>> = {},
  h: Readonly<Record<string, string>> = {},
): GuardRailChange[] {
  const out: GuardRailChange[] = [];
  for (const k of [...new Set([...Object.keys(b), ...Object.keys(h)])].sort()) {
    const [was, is] = [ownValue(b, k), ownValue(h, k)];
    if (was === is) continue;
    const text =
      is === undefined
        ? `${what} ${k} removed`
        : was === undefined
          ? `${what} ${k}=${is} added`
          : `${what} ${k} ${was} → ${is}`;
    out.push({ kind: 'guard-rail', namespace: ns, weakens: true, unjudged: true, text: `${text} (${UNJUDGED})` });
  }
  return out;
}

const UNJUDGED = 'may weaken: read by tools orgctl does not judge';

/** One namespace's guard rails from `b` to `h` (each with the organization's default Pod Security applied). */
function namespaceChanges(
  ns: string,
  b: NamespaceSettings | undefined,
  h: NamespaceSettings | undefined,
  bps: PodSecurityModel | undefined,
  hps: PodSecurityModel | undefined,
): GuardRailChange[] {
  return [
    ...podSecurityChanges(ns, bps, hps),
    ...quantityChanges(ns, 'ResourceQuota', b?.quota, h?.quota, true),
    ...limitChanges(ns, b?.limits, h?.limits),
    ...(b?.networkPolicy && !h?.networkPolicy
      ? [
          {
            kind: 'guard-rail',
            namespace: ns,
            weakens: true,
            text: 'NetworkPolicy same-namespace removed (weaker)',
          },
        ]
      : []),
    ...(!b?.networkPolicy && h?.networkPolicy
      ? [
          {
            kind: 'guard-rail',
            namespace: ns,
            weakens: false,
            text: 'NetworkPolicy same-namespace added',
          },
        ]
      : []),
    ...textMapChanges(ns, 'label', b?.labels, h?.labels),
    ...textMapChanges(ns, 'annotation', b?.annotations, h?.annotations),
    ...(!!b?.adminsOnly === !!h?.adminsOnly
      ? []
      : [
          {
            kind: 'guard-rail',
            namespace: ns,
            weakens: !h?.adminsOnly,
            text: h?.adminsOnly ? 'open to grants → for admins only' : 'for admins only → open to grants (weaker)',
          },
        ]),
  ];
}

/**
 * What a writer of an object Argo CD prunes can hold (red team R49-3): a finalizer nobody removes
 * keeps the object, with a deletionTimestamp, and gitops-engine's sync waits for its deletion
 * (prunedTasksPendingDelete), so no later sync of the shard starts. Background propagation does
 * not help: the finalizer is on the object itself. Namespace protection, where declared, refuses
 * adding one to the organization's objects (synth/guard-rails.ts); an object of that name made before
 * orgctl writes its own is adopted by Argo CD with its finalizers. A Namespace is never pruned (Prune=false).
 */
const PRUNE_HOLD =
  "; and a finalizer of theirs keeps it when Argo CD prunes it (the guard rail or the namespace dropped from the declaration): the shard's sync then waits for its deletion forever, holding every later revocation in that shard, other namespaces' included";

/**
 * Each guard rail orgctl writes in its namespace, and what writing its kind there undoes (its group,
 * and its resources as `resource` or `resource/subresource`, as synth/guard-rails.ts writes them).
 */
export const RAIL_KINDS = [
  {
    setting: 'networkPolicy',
    group: NETWORKING_GROUP,
    resources: ['networkpolicies'],
    what: 'NetworkPolicies',
    undoes: `one more NetworkPolicy admits what same-namespace denies, and Argo CD never prunes it${PRUNE_HOLD}`,
  },
  // The quota admission plugin enforces a ResourceQuota's status (status.hard, status.used: CheckRequest
  // in k8s.io/apiserver pkg/admission/plugin/resourcequota/controller.go), and the ResourceQuota
  // controller ignores a status-only update until its resync (NewController in
  // pkg/controller/resourcequota/resource_quota_controller.go): writing the status raises the quota (red team R45).
  {
    setting: 'quota',
    group: '',
    resources: ['resourcequotas', 'resourcequotas/status'],
    what: 'ResourceQuotas',
    undoes: `${GUARD_RAIL_NAMES.quota} raised or deleted admits what it refuses until Argo CD re-applies it${PRUNE_HOLD}`,
  },
  {
    setting: 'limits',
    group: '',
    resources: ['limitranges'],
    what: 'LimitRanges',
    undoes: `${GUARD_RAIL_NAMES.limits} raised or deleted admits what it refuses until Argo CD re-applies it${PRUNE_HOLD}`,
  },
  // Pod Security levels are the Namespace's labels, and tools act on its labels and annotations: an
  // update of the Namespace, or of its status or finalize subresource (red team R1), writes those it is sent.
  {
    setting: 'namespace',
    group: '',
    resources: ['namespaces', 'namespaces/status', 'namespaces/finalize'],
    what: 'the Namespace itself',
    undoes:
      'its labels (the Pod Security level among them) or annotations rewritten hold until Argo CD re-applies it (namespace protection refuses label changes only)',
  },
] as const;

type RailKind = (typeof RAIL_KINDS)[number];

/** Whether rules allow a write of the guard rail's kind (any name: a rule naming others still creates). */
export const writesKind = (rules: readonly PolicyRule[], rail: RailKind) =>
  rules.some(
    (r) =>
      WRITE_VERBS.some((v) => verbMatches(r, v)) &&
      apiGroupMatches(r, rail.group) &&
      rail.resources.some((res) => {
        const [resource, subresource] = res.split('/');
        return resourceMatches(r, resource!, subresource);
      }),
  );

/**
 * What a namespace with `settings` declares that a write of the guard rail's kind undoes (`quota`;
 * `podSecurity, labels`), or undefined. The Namespace's own: Pod Security where it applies (the
 * organization's default too) and allows less than everything, and its labels, unless namespace
 * protection refuses every label change but Argo CD's; its annotations, which protection does not cover.
 */
export function railDeclared(
  rail: RailKind,
  settings: NamespaceSettings | undefined,
  org: { readonly namespaceDefaults?: NamespaceDefaults; readonly namespaceProtection?: NamespaceProtection },
): string | undefined {
  if (rail.setting !== 'namespace') return settings?.[rail.setting] !== undefined ? rail.setting : undefined;
  const level = effectivePodSecurity(settings, org.namespaceDefaults)?.enforce;
  // Namespace protection refuses every label change but Argo CD's: the labels are then no one else's to write.
  const labelsWritable = !org.namespaceProtection;
  const declared = [
    labelsWritable && level !== undefined && level !== 'privileged' ? 'podSecurity' : '',
    labelsWritable && settings?.labels ? 'labels' : '',
    settings?.annotations ? 'annotations' : '',
  ].filter(Boolean);
  return declared.length ? declared.join(', ') : undefined;
}

/**
 * Whether one side's cell writes a guard rail's kind, worked out once per rail and cell key: the
 * same roles give the same access, and people share a few keys. No cell writes nothing.
 */
function railWrites(side: Snapshot): (cell: LazyCell | undefined, rail: RailKind) => boolean {
  const known = new Map<string, boolean>();
  return (cell, rail) => {
    if (cell === undefined) return false;
    const key = `${rail.setting}\u0000${cell.key}`;
    let found = known.get(key);
    if (found === undefined) known.set(key, (found = writesKind(roleRulesOf(side, cell), rail)));
    return found;
  };
}

/**
 * Who gains a write of a guard rail's kind in a namespace that declares it (admins aside: they
 * hold w:full by being one): such a write undoes the guard rail, so it weakens it as removing it
 * would. Read from head's access; a subject either snapshot leaves out holds the same on both sides.
 */
function railWriterChanges(base: Snapshot, head: Snapshot): GuardRailChange[] {
  // The guard rails each namespace declares: a namespace without settings declares what the
  // organization's defaults give every such namespace (most namespaces, all of them at size L).
  const declaredIn = (settings: NamespaceSettings | undefined) =>
    RAIL_KINDS.flatMap((rail) => {
      const declared = railDeclared(rail, settings, head.org);
      return declared ? [{ rail, declared }] : [];
    });
  const bare = declaredIn(undefined);
  const railed = new Map<string, typeof bare>();
  for (const ns of head.org.namespaces) {
    const settings = head.namespaceSettings.get(ns);
    const rails = settings === undefined ? bare : declaredIn(settings);
    if (rails.length) railed.set(ns, rails);
  }
  // No namespace declares one: no write undoes any.
  if (!railed.size) return [];
  const [baseWrites, headWrites] = [railWrites(base), railWrites(head)];
  const admins = new Set([...head.users.values()].filter((u) => u.admin).map((u) => u.username));
  // Who a line names, made for the first line (most diffs say none).
  let names: Map<string, string> | undefined;
  const nameOf = (subject: string) =>
    (names ??= new Map<string, string>([
      ...[...head.users.values()].map((u) => [u.username, u.email] as const),
      ...[...head.tokens.values()].map((t) => [tokenSubject(head.org, t), `token ${t.id}`] as const),
    ])).get(subject) ?? subject;
  // Users and ServiceAccounts by username, then Groups (another kind of name: Snapshot.groupAccess).
  const subjects = [
    ...[...head.access].map(([s, cells]) => [() => nameOf(s), cells, base.access.get(s), admins.has(s)] as const),
    ...[...head.groupAccess].map(([g, cells]) => [() => `Group ${g}`, cells, base.groupAccess.get(g), false] as const),
  ];
  const out: GuardRailChange[] = [];
  for (const [who, cells, before, admin] of subjects) {
    if (admin) continue;
    // A cell's scope is a namespace, or every namespace (namespacesOf).
    for (const [key, cell] of Object.entries(cells))
      for (const ns of namespacesOf(cell.scope, head.org))
        for (const { rail, declared } of railed.get(ns) ?? []) {
          if (!headWrites(cell, rail) || baseWrites(before?.[key], rail)) continue;
          out.push({
            kind: 'guard-rail',
            namespace: ns,
            weakens: true,
            text: `${who()} may write ${rail.what} in ${whereHeld(cell.scope, ns)}, which declares ${declared}: ${rail.undoes} (weaker)`,
          });
        }
  }
  // In namespace order, as every other guard-rail change is said.
  return out.sort((a, b) => (a.namespace! < b.namespace! ? -1 : a.namespace! > b.namespace! ? 1 : 0));
}

/**
 * A namespace left out of the declaration keeps running, workloads and all (Prune=false), with its
 * labels, while Argo CD prunes its quota, limit range and NetworkPolicy: each is removed, as from a
 * namespace kept. Its adminsOnly goes too: declared again in a later change, it is a new namespace
 * open to grants.
 */
function removedNamespaceChanges(ns: string, b: NamespaceSettings | undefined): GuardRailChange[] {
  const removed = (what: string): GuardRailChange => ({
    kind: 'guard-rail',
    namespace: ns,
    weakens: true,
    text: `${what} removed with the namespace, which keeps running (Prune=false) (weaker)`,
  });
  return [
    ...(b?.quota ? [removed('ResourceQuota')] : []),
    ...(b?.limits ? [removed('LimitRange')] : []),
    ...(b?.networkPolicy ? [removed('NetworkPolicy same-namespace')] : []),
    ...(b?.adminsOnly
      ? [{ kind: 'guard-rail' as const, namespace: ns, weakens: true, text: 'for admins only → removed (weaker)' }]
      : []),
  ];
}

/**
 * Every change of guard rails, by namespace (those in both outputs, the system namespace included:
 * a namespace added is judged as such, one removed by what Argo CD prunes of it, but for the labels and annotations a namespace
 * comes with, which may weaken as any change of them), then the organization's namespace protection.
 */
export function guardRailChanges(base: Snapshot, head: Snapshot): GuardRailChange[] {
  const out: GuardRailChange[] = [];
  const baseNamespaces = new Set(base.org.namespaces);
  const headNamespaces = new Set(head.org.namespaces);
  const system = base.org.systemNamespace === head.org.systemNamespace ? [base.org.systemNamespace] : [];
  for (const ns of [...system, ...base.org.namespaces.filter((n) => headNamespaces.has(n)).sort()]) {
    const b = base.namespaceSettings.get(ns);
    const h = head.namespaceSettings.get(ns);
    const bps = effectivePodSecurity(b, base.org.namespaceDefaults);
    const hps = effectivePodSecurity(h, head.org.namespaceDefaults);
    // The same settings on both sides (none, at size L) compare equal throughout: nothing to say.
    if (b !== h || bps !== hps) out.push(...namespaceChanges(ns, b, h, bps, hps));
  }
  for (const ns of base.org.namespaces.filter((n) => !headNamespaces.has(n)).sort())
    out.push(...removedNamespaceChanges(ns, base.namespaceSettings.get(ns)));
  const added = head.org.namespaces.filter((n) => !baseNamespaces.has(n) && n !== head.org.systemNamespace);
  const orgDefault = effectivePodSecurity(undefined, head.org.namespaceDefaults);
  for (const ns of [...(system.length ? [] : [head.org.systemNamespace]), ...added.sort()]) {
    const h = head.namespaceSettings.get(ns);
    // A new namespace opting out of the organization's default Pod Security weakens it as a
    // namespace lowered from that default would.
    const own = effectivePodSecurity(h, head.org.namespaceDefaults);
    out.push(
      ...podSecurityChanges(ns, orgDefault, own, ": below the organization's default (weaker)").filter(
        (c) => c.weakens,
      ),
      ...textMapChanges(ns, 'label', {}, h?.labels),
      ...textMapChanges(ns, 'annotation', {}, h?.annotations),
    );
  }
  out.push(...railWriterChanges(base, head));
  const [bp, hp] = [base.org.namespaceProtection, head.org.namespaceProtection];
  if (bp && !hp)
    out.push({
      kind: 'guard-rail',
      weakens: true,
      text: 'namespace protection turned off: anyone holding w:full in a namespace can delete or relabel it (weaker)',
    });
  else if (!bp && hp)
    out.push({
      kind: 'guard-rail',
      weakens: false,
      text: `namespace protection turned on (applied by ${appliersText(hp.appliedBy)})`,
    });
  else if (bp && hp) {
    const { added, dropped } = appliersChange(bp.appliedBy, hp.appliedBy);
    if (added.length)
      out.push({
        kind: 'guard-rail',
        weakens: true,
        text: `namespace protection exempts ${appliersText(added)} ${dropped.length ? `instead of ${appliersText(dropped)}` : 'too'}: another identity may delete or relabel namespaces (weaker)`,
      });
    else if (dropped.length)
      out.push({
        kind: 'guard-rail',
        weakens: false,
        text: `namespace protection no longer exempts ${appliersText(dropped)}: only ${appliersText(hp.appliedBy)} may delete or relabel namespaces`,
      });
  }
  return out;
}
