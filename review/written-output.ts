/**
 * Head dist/ as written, judged by this engine when a head proof (an orgctl upgrade's, review/
 * head-proof.ts) vouches for its bytes instead of this engine's re-rendering. The head's engine may
 * lie or be wrong, so everything written must be something the organization recovered from head's
 * own membership data accounts for, and no more: its members and its tokens' ServiceAccounts as the
 * only subjects, roles named as orgctl names them and gathering nothing from the cluster's own,
 * identities only for its tokens, ConfigMaps only its membership data, guard rails only where declared, objects only in its clusters and namespaces (where each is
 * placed) and only of the kinds orgctl writes, each object one thing wherever it is written, bindings only to roles orgctl writes. Then
 * the RBAC judgement (a non-admin holding what admins alone may is forbidden-grant).
 */
import type { ManifestDoc, RbacSet, RoleObject, SubjectObject } from '../analysis/objects.ts';
import { type Finding, sourceText } from '../model/findings.ts';
import type { Membership } from '../analysis/membership.ts';
import { levelRoleName, systemNamespaceOf, type OrgModel } from '../model/model.ts';
import { judgeManifests } from '../policies/output/judge.ts';
import { type KindRef, WRITTEN_KINDS } from '../synth/argocd.ts';
import { guardRailObjects } from '../synth/guard-rails.ts';
import { ARGOCD_FILES, DEFAULT_CLUSTER } from '../synth/render.ts';
import { OUTPUT_PROOF } from './proof.ts';

/** What the recovered organization accounts for. */
interface Accounted {
  readonly org: string;
  readonly system: string;
  /** Its members' Kubernetes usernames. */
  readonly users: ReadonlySet<string>;
  /** Its tokens' ServiceAccounts (and their Secrets), in the system namespace. */
  readonly accounts: ReadonlySet<string>;
  /** Its namespaces, the system namespace included. */
  readonly namespaces: ReadonlySet<string>;
  /** Its clusters, and where each namespace is placed (absent: in every cluster, as the system namespace). */
  readonly clusters: ReadonlySet<string>;
  readonly placed: ReadonlyMap<string, ReadonlySet<string>>;
  /** The guard rails' kinds each namespace declares (ResourceQuota, LimitRange, NetworkPolicy). */
  readonly guardRails: ReadonlyMap<string, ReadonlySet<string>>;
}

/** What head's own membership data declares: the data the organization wrote, not what its bindings name. */
function accountedFor(model: OrgModel, membership: Membership): Accounted {
  const system = systemNamespaceOf(model.name);
  return {
    org: model.name,
    system,
    users: new Set([...membership.users.values()].map((u) => u.username)),
    accounts: new Set([...membership.tokens.values()].map((t) => t.serviceAccount)),
    namespaces: new Set([...membership.org.namespaces, system]),
    clusters: new Set(model.clusters.length ? model.clusters : [DEFAULT_CLUSTER]),
    placed: new Map(model.namespaces.filter((n) => n.clusters.length).map((n) => [n.name, new Set(n.clusters)])),
    guardRails: new Map(model.namespaces.map((n) => [n.name, new Set(guardRailObjects(model, n).map((o) => o.kind))])),
  };
}

/** Labels whose owner the cluster's aggregation controller adds to its own roles (view, edit, admin). */
const AGGREGATE_LABEL = 'rbac.authorization.k8s.io/aggregate-to-';

/** Why a binding's subject is not one orgctl binds for this organization, or undefined. */
function subjectProblem(s: SubjectObject, a: Accounted): string | undefined {
  if (s.kind === 'User' && a.users.has(s.name)) return undefined;
  if (s.kind === 'ServiceAccount' && s.namespace === a.system && a.accounts.has(s.name)) return undefined;
  const named = s.kind === 'ServiceAccount' ? `${s.namespace}/${s.name}` : s.name;
  return `binds ${s.kind} ${named}: orgctl binds the organization's members and its tokens' ServiceAccounts (in ${a.system}) only`;
}

/** Why a Role or ClusterRole is not one orgctl writes, or undefined (its namespace is judged with every object's). */
function roleProblem(r: RoleObject, a: Accounted): string | undefined {
  if (!r.name.startsWith(levelRoleName(a.org, '')))
    return `orgctl names every role it writes ${levelRoleName(a.org, '...')}; another name can be a role the cluster has and binds (its built-in roles are bound to everyone)`;
  if (r.aggregation) return 'an aggregationRule, which no orgctl writes: it gathers the rules of roles outside dist/';
  const label = Object.keys(r.labels).find((k) => k.startsWith(AGGREGATE_LABEL));
  if (label)
    return `label ${label}, which no orgctl writes: the cluster would add its rules to its own roles, bound outside dist/`;
  return undefined;
}

const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');
const isKind = (kinds: readonly KindRef[], group: string, kind: string) =>
  kinds.some((k) => k.group === group && k.kind === kind);
const isArgoCdFile = (file: string) => Object.values(ARGOCD_FILES).some((f) => file === f || file.endsWith(`/${f}`));

/** Why namespace `ns` may not hold objects in `cluster`, or undefined. */
function placementProblem(ns: string, cluster: string, a: Accounted): string | undefined {
  if (!a.namespaces.has(ns)) return `namespace ${ns} is not one the organization declares`;
  const placed = a.placed.get(ns);
  return placed && !placed.has(cluster) ? `namespace ${ns} is not placed in cluster ${cluster}` : undefined;
}

/** Why an object is not of a kind, in a place, or an identity orgctl writes for this organization, or undefined. */
function objectProblem(o: Record<string, unknown>, cluster: string, a: Accounted): string | undefined {
  const meta = (typeof o.metadata === 'object' && o.metadata !== null ? o.metadata : {}) as Record<string, unknown>;
  const [kind, name, namespace] = [String(o.kind), String(meta.name), meta.namespace];
  const group = groupOf(String(o.apiVersion));
  if (!a.clusters.has(cluster)) return `cluster ${cluster} is not one the organization declares`;
  if (isKind(WRITTEN_KINDS.cluster, group, kind)) {
    if (namespace !== undefined) return `a ${kind} has no namespace`;
    return kind === 'Namespace' ? placementProblem(name, cluster, a) : undefined;
  }
  if (!isKind(WRITTEN_KINDS.namespaced, group, kind))
    return `no orgctl writes a ${kind}${group ? ` (${group})` : ''} into a cluster`;
  if (typeof namespace !== 'string')
    return 'has no namespace (it would land in whichever namespace its Application names)';
  const misplaced = placementProblem(namespace, cluster, a);
  if (misplaced) return misplaced;
  if (kind === 'ConfigMap')
    return namespace === a.system ? undefined : `orgctl writes ConfigMaps only in ${a.system} (the membership data)`;
  if (kind === 'ResourceQuota' || kind === 'LimitRange' || kind === 'NetworkPolicy')
    return a.guardRails.get(namespace)?.has(kind) ? undefined : `namespace ${namespace} declares no ${kind}`;
  if (kind !== 'ServiceAccount' && kind !== 'Secret') return undefined;
  const annotations = (typeof meta.annotations === 'object' && meta.annotations ? meta.annotations : {}) as Record<
    string,
    unknown
  >;
  const forToken =
    namespace === a.system &&
    a.accounts.has(name) &&
    (kind === 'ServiceAccount' ||
      (o.type === 'kubernetes.io/service-account-token' && annotations['kubernetes.io/service-account.name'] === name));
  return forToken
    ? undefined
    : `orgctl writes Secrets and ServiceAccounts only for the organization's tokens (token-ID in ${a.system}), each Secret a kubernetes.io/service-account-token of its own ServiceAccount`;
}

/** A document's object as findings name it: `Kind namespace/name`, or `Kind name` when cluster-wide. */
function describe(d: ManifestDoc): string {
  const o = d.object as Record<string, unknown>;
  const meta = (o.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  const name = typeof meta.namespace === 'string' ? `${meta.namespace}/${String(meta.name)}` : String(meta.name);
  return `${String(o.kind)} ${name}`;
}

/** A document's cluster: output files are `<cluster>/<folder>/resources.yaml`. */
const clusterOf = (file: string): string => file.split('/').at(-3) ?? '';

/**
 * The same object (kind, namespace, name) written twice in one cluster (two Argo CD Applications
 * would own it and apply each in turn), or differently in two clusters: the judgement reads one
 * organization, so each object must be one thing wherever it is written.
 */
function identityProblems(docs: readonly ManifestDoc[]): { doc: ManifestDoc; message: string }[] {
  const seen = new Map<string, ManifestDoc[]>();
  for (const d of docs) {
    const o = d.object as Record<string, unknown>;
    const meta = (o.metadata ?? {}) as Record<string, unknown>;
    const key = JSON.stringify([groupOf(String(o.apiVersion)), o.kind, meta.namespace ?? '', meta.name]);
    const list = seen.get(key);
    if (list) list.push(d);
    else seen.set(key, [d]);
  }
  const out: { doc: ManifestDoc; message: string }[] = [];
  const at = (d: ManifestDoc) => `${d.file}#${d.index}`;
  for (const list of seen.values()) {
    if (list.length < 2) continue;
    const [first] = list;
    const byCluster = new Map<string, ManifestDoc>();
    for (const d of list) {
      const cluster = clusterOf(d.file);
      const before = byCluster.get(cluster);
      if (before) out.push({ doc: d, message: `written twice in cluster ${cluster} (${at(before)}, ${at(d)})` });
      else byCluster.set(cluster, d);
      if (d !== first && JSON.stringify(d.object) !== JSON.stringify(first!.object))
        out.push({ doc: d, message: `written differently in ${at(first!)} and ${at(d)}` });
    }
  }
  return out;
}

/** This engine's findings against head dist/ as written, for the organization recovered from it and its membership data. */
export function judgeWrittenOutput(
  model: OrgModel,
  membership: Membership,
  docs: readonly ManifestDoc[],
  rbac: RbacSet,
): Finding[] {
  const a = accountedFor(model, membership);
  const source = sourceText(model.source);
  const refused = (from: { readonly file: string; readonly index: number }, message: string): Finding => ({
    severity: 'error',
    rule: OUTPUT_PROOF,
    subject: `${from.file}#${from.index}`,
    message,
    source,
  });
  const out: Finding[] = [];
  for (const b of rbac.bindings) {
    if (b.kind === 'ClusterRoleBinding') {
      out.push(
        refused(b.from, `ClusterRoleBinding ${b.name}: no orgctl writes one (cluster-wide power for its subjects)`),
      );
      continue;
    }
    const groups = b.subjects.filter((x) => x.kind === 'Group').map((x) => x.name);
    if (groups.length)
      out.push(
        refused(
          b.from,
          `RoleBinding ${b.namespace}/${b.name} binds Group ${groups.join(', ')}: orgctl binds people and tokens only`,
        ),
      );
    // A role the cluster has and dist/ does not write (edit, admin, cluster-admin) is unseen here and real there.
    if (!b.roleRef.name.startsWith(levelRoleName(a.org, '')))
      out.push(
        refused(
          b.from,
          `RoleBinding ${b.namespace}/${b.name} refers to ${b.roleRef.kind} ${b.roleRef.name}: orgctl binds only the roles it writes (${levelRoleName(a.org, '...')})`,
        ),
      );
    for (const s of b.subjects) {
      const problem = s.kind === 'Group' ? undefined : subjectProblem(s, a);
      if (problem) out.push(refused(b.from, `RoleBinding ${b.namespace}/${b.name} ${problem}`));
    }
  }
  for (const r of rbac.roles) {
    const problem = roleProblem(r, a);
    const named = r.kind === 'Role' ? `${r.namespace}/${r.name}` : r.name;
    if (problem) out.push(refused(r.from, `${r.kind} ${named}: ${problem}`));
  }
  const written = docs.filter((d) => !isArgoCdFile(d.file) && typeof d.object === 'object' && d.object !== null);
  for (const { doc, message } of identityProblems(written)) out.push(refused(doc, `${describe(doc)}: ${message}`));
  for (const d of written) {
    const o = d.object as Record<string, unknown>;
    if (o.kind === 'ClusterRoleBinding') continue; // refused with the bindings
    const problem = objectProblem(o, clusterOf(d.file), a);
    if (problem) out.push(refused(d, `${describe(d)}: ${problem}`));
  }
  return [
    ...out,
    ...judgeManifests(
      model,
      docs.map((d) => d.object),
    ),
  ];
}
