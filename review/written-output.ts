/**
 * Head dist/ as written, judged by this engine when a head proof (an orgctl upgrade's, review/
 * head-proof.ts) vouches for its bytes instead of this engine's re-rendering. The head's engine may
 * lie or be wrong, so two things hold whatever it says. Everything written is something the
 * organization recovered from head's own membership data accounts for, and no more: its members and
 * its tokens' ServiceAccounts as the only subjects, roles named as orgctl names them and gathering
 * nothing from the cluster's own, identities only for its tokens, ConfigMaps only its membership
 * data, guard rails only where declared, objects only in its clusters and namespaces (where each is
 * placed) and only of the kinds orgctl writes, each object one thing wherever it is written. And
 * it is what this engine renders for that organization: the same membership data (and
 * members.json), the same bindings (who, to which role, where), bindings only to roles written
 * beside them, the same objects in the same shards, field for field. Then the RBAC judgement (a
 * non-admin holding what admins alone may is forbidden-grant). What the head engine alone vouches
 * for: orgctl's own informational labels and annotations (which the API server must accept), the
 * order of documents, and a role nobody binds that holds no privilege (a level of a newer catalog).
 */
import {
  type BindingObject,
  isObj,
  type ManifestDoc,
  type RbacSet,
  readRbac,
  type RoleObject,
  type SubjectObject,
} from '../analysis/objects.ts';
import { gatheredLabel } from '../analysis/bootstrap.ts';
import { classesOf } from '../analysis/classes.ts';
import { metadataRefused, rulesRefused, sizeRefused } from '../policies/org/kubernetes-names.ts';
import type { PolicyRule } from '../model/catalog.ts';
import { type Finding, sourceText } from '../model/findings.ts';
import { levelRoleName, systemNamespaceOf, type OrgModel } from '../model/model.ts';
import { judgeManifests } from '../policies/output/judge.ts';
import { groupOf, isKind, WRITTEN_KINDS } from '../synth/kinds.ts';
import { guardRailObjects } from '../synth/guard-rails.ts';
import { ARGOCD_FILES, ARGOCD_FOLDER, outputClusters } from '../synth/render.ts';
import { CLUSTER_LABEL } from '../synth/argocd.ts';
import { ORGANIZATION_LABEL } from '../synth/manifest.ts';
import { ARGOCD_SKIP_MARKER, readCanonicalYaml } from '../synth/yaml.ts';
import type { OutputFile } from '../synth/files.ts';
import { MEMBERS_FILE } from '../model/membership.ts';
import { SHARD_LIMITS } from '../model/rules.ts';
import { type Membership, readMembership } from '../analysis/membership.ts';
import { ownValue } from '../model/own-keys.ts';
import { byteLength, clipShown, withThousands } from '../model/text.ts';
import { OUTPUT_PROOF } from './output-proof.ts';

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
    clusters: new Set(outputClusters(model)),
    placed: new Map(model.namespaces.filter((n) => n.clusters.length).map((n) => [n.name, new Set(n.clusters)])),
    guardRails: new Map(model.namespaces.map((n) => [n.name, new Set(guardRailObjects(model, n).map((o) => o.kind))])),
  };
}

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
  const label = gatheredLabel(Object.keys(r.labels));
  if (label)
    return `label ${label}, which no orgctl writes: the cluster would add its rules to its own roles, bound outside dist/`;
  return undefined;
}

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
 * The same object (kind, namespace, name) written differently in two clusters: the judgement reads
 * one organization, so each object must be one thing wherever it is written. (Written twice in one
 * cluster, it is refused before: parseOutput, red team R83-2.)
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
    for (const d of list)
      if (d !== first && JSON.stringify(d.object) !== JSON.stringify(first!.object))
        out.push({ doc: d, message: `written differently in ${at(first!)} and ${at(d)}` });
  }
  return out;
}

/** Where a finding points: a document, or a file as a whole (index -1). */
interface At {
  readonly file: string;
  readonly index: number;
}
interface Problem {
  readonly at: At;
  readonly message: string;
}

/** This engine's rendering as documents (members.json and Argo CD's files aside). */
function renderedDocs(rendered: readonly OutputFile[]): ManifestDoc[] {
  return rendered.flatMap((f) => {
    if (f.path === MEMBERS_FILE) return [];
    const read = readCanonicalYaml(f.content);
    return 'documents' in read ? read.documents.map((object, index) => ({ file: f.path, index, object })) : [];
  });
}

/** Every (cluster, namespace, role, subject) these bindings bind, as text, and where: binding names are format, these are power. */
function bindingsOf(bindings: readonly BindingObject[]): Map<string, At> {
  const out = new Map<string, At>();
  for (const b of bindings)
    for (const s of b.subjects) {
      const who = s.kind === 'ServiceAccount' ? `ServiceAccount ${s.namespace}/${s.name}` : `${s.kind} ${s.name}`;
      const where = b.kind === 'RoleBinding' ? `in ${b.namespace}` : 'cluster-wide';
      out.set(`${who} to ${b.roleRef.kind} ${b.roleRef.name} ${where} in cluster ${clusterOf(b.from.file)}`, b.from);
    }
  return out;
}

/**
 * Who is bound to what, where, as head dist/ is written, against this engine's rendering of the
 * organization it describes: a binding either has and the other does not is power the head engine
 * alone vouches for (what a role's rules say may change with the engine; the base-to-head diff
 * shows that to the reviewers, and forbidden-grant judges it).
 */
function bindingProblems(mine: RbacSet, theirRbac: RbacSet): Problem[] {
  const [theirs, ours] = [bindingsOf(theirRbac.bindings), bindingsOf(mine.bindings)];
  return [
    ...[...theirs]
      .filter(([k]) => !ours.has(k))
      .map(([k, at]) => ({
        at,
        message: `binds ${k}, which this orgctl's rendering of the organization head dist/ describes does not`,
      })),
    ...[...ours]
      .filter(([k]) => !theirs.has(k))
      .map(([k]) => ({
        at: { file: 'dist/', index: -1 },
        message: `does not bind ${k}, which this orgctl's rendering of the organization head dist/ describes does`,
      })),
  ];
}

/** JSON with every object's keys sorted: data compared as data, whatever order an engine writes keys in. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null)
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** Whether two values hold the same data, whatever order their keys are in (canonical's equality, without its text). */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b))
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameData(x, b[i]));
  const [ka, kb] = [Object.keys(a), Object.keys(b)];
  return (
    ka.length === kb.length &&
    ka.every(
      (k) => Object.hasOwn(b, k) && sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    )
  );
}

/**
 * The membership data head dist/ writes (its ConfigMaps) against this engine's rendering of it: the
 * organization recovered from head takes some facts from its bindings (an admin bound to w:full),
 * so a binding the data contradicts shows here as a person whose record differs.
 */
function membershipProblems(mine: readonly ManifestDoc[], theirs: Membership): Problem[] {
  const ours = readMembership(mine, "this orgctl's rendering");
  const at = { file: 'dist/', index: -1 };
  const out: Problem[] = [];
  const compare = <T>(what: string, a: ReadonlyMap<string, T>, b: ReadonlyMap<string, T>) => {
    for (const k of [...new Set([...a.keys(), ...b.keys()])].sort())
      if (!sameData(a.get(k), b.get(k)))
        out.push({
          at,
          message: `${what} ${k}: head dist/'s membership data says ${JSON.stringify(a.get(k) ?? null)}, this orgctl's rendering of the organization it describes ${JSON.stringify(b.get(k) ?? null)}`,
        });
  };
  compare('user', theirs.users, ours.users);
  compare('invite', theirs.invites, ours.invites);
  compare('token', theirs.tokens, ours.tokens);
  compare('namespace', theirs.namespaceSettings, ours.namespaceSettings);
  if (!sameData(theirs.org, ours.org))
    out.push({
      at,
      message: "the organization's settings in head dist/'s membership data are not this orgctl's rendering of them",
    });
  return out;
}

/** The roles written in each cluster: `cluster\0Kind\0namespace\0name`. */
const roleKey = (cluster: string, kind: string, namespace: string, name: string) =>
  [cluster, kind, namespace, name].join('\u0000');

/**
 * Every binding refers to a role head dist/ writes in its cluster: a role it does not write is one
 * the cluster may have (its built-in roles, whatever the organization is named) and the judgement
 * cannot see.
 */
function rolesReferred(rbac: RbacSet, written: readonly ManifestDoc[]): Problem[] {
  const roles = new Set<string>();
  for (const d of written) {
    const o = d.object as Record<string, unknown>;
    if (o.kind !== 'Role' && o.kind !== 'ClusterRole') continue;
    const meta = (o.metadata ?? {}) as Record<string, unknown>;
    roles.add(
      roleKey(clusterOf(d.file), String(o.kind), o.kind === 'Role' ? String(meta.namespace) : '', String(meta.name)),
    );
  }
  return rbac.bindings.flatMap((b) => {
    const cluster = clusterOf(b.from.file);
    const ns = b.roleRef.kind === 'Role' ? b.namespace : '';
    return roles.has(roleKey(cluster, b.roleRef.kind, ns, b.roleRef.name))
      ? []
      : [
          {
            at: b.from,
            message: `${b.kind} ${b.namespace ? `${b.namespace}/` : ''}${b.name} refers to ${b.roleRef.kind} ${b.roleRef.name}, which head dist/ does not write in cluster ${cluster}`,
          },
        ];
  });
}

/**
 * Keys of orgctl's own informational metadata, which nothing but orgctl reads: not the
 * organization's label (namespace protection selects by it), nor an Application's cluster label
 * (the commands orgctl prints select by both: a removed cluster's Applications are deleted by them,
 * red team R65-4).
 */
const isOwnInformation = (key: string) =>
  key.startsWith('orgctl.io/') && key !== ORGANIZATION_LABEL && key !== CLUSTER_LABEL;

type MetadataField = 'labels' | 'annotations';
const METADATA_FIELDS: readonly MetadataField[] = ['labels', 'annotations'];

/**
 * The metadata fields of a `kind` whose orgctl.io/ entries are information nothing but orgctl
 * reads. With the boundary declared (`boundary`), its policy, the base's (compared field for
 * field), admits the organization's Namespaces only with the labels and annotations this engine
 * declares, and its ClusterRoles only with the labels it writes: one entry more and the API server
 * refuses the object, so its Application (the cluster shard's, for a ClusterRole) syncs and prunes
 * nothing, every revocation in it held (red team R65-1).
 */
function informationFields(kind: unknown, boundary: boolean): readonly MetadataField[] {
  if (!boundary) return METADATA_FIELDS;
  if (kind === 'Namespace') return [];
  return kind === 'ClusterRole' ? ['annotations'] : METADATA_FIELDS;
}

/**
 * Where an object is written, for finding its counterpart: its cluster and shard folder, which name
 * the Argo CD Application that applies it and prunes it (an object moved to another Application is
 * left to one that may never sync again), or Argo CD's own files.
 */
const placeOf = (file: string) =>
  isArgoCdFile(file) ? `${ARGOCD_FOLDER}/` : `${file.split('/').slice(-3, -1).join('/')}/`;

const isRole = (o: Record<string, unknown>) => o.kind === 'Role' || o.kind === 'ClusterRole';

/** Metadata with orgctl's own informational entries of `fields` left out. */
function withoutOwnInformation(
  meta: unknown,
  fields: readonly MetadataField[] = METADATA_FIELDS,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...((meta ?? {}) as Record<string, unknown>) };
  for (const f of fields) {
    // A field that is no mapping (`annotations: 5`, `[]`) is compared as written: it has no entries
    // to leave out, and the API server refuses it (red team R71-2).
    const field = out[f] ?? {};
    if (!isObj(field)) continue;
    const kept = Object.entries(field).filter(([k]) => !isOwnInformation(k));
    if (kept.length) out[f] = Object.fromEntries(kept);
    else delete out[f];
  }
  return out;
}

/**
 * An object as compared with the rendering: orgctl's own informational labels and annotations aside
 * (its metadata's as informationFields says with the boundary declared or not, `boundary`, and an
 * ApplicationSet's Application template's), and `without` fields (`name`: metadata's).
 */
function comparable(
  o: Record<string, unknown>,
  boundary: boolean,
  without: readonly string[] = [],
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ...o,
    metadata: withoutOwnInformation(o.metadata, informationFields(o.kind, boundary)),
  };
  const spec = o.spec as { template?: { metadata?: unknown } } | undefined;
  if (o.kind === 'ApplicationSet' && spec?.template)
    out.spec = { ...spec, template: { ...spec.template, metadata: withoutOwnInformation(spec.template.metadata) } };
  for (const f of without) delete out[f];
  if (without.includes('name')) delete (out.metadata as Record<string, unknown>).name;
  return out;
}

/**
 * What the API server refuses in the metadata comparison leaves out (orgctl's own labels and
 * annotations) or in an object's size: one object it refuses stops its whole Application, and the
 * revocations with it.
 */
function refusedByApiServer(o: Record<string, unknown>): string | undefined {
  const problem = metadataRefused(o.metadata, '') ?? sizeRefused(o);
  if (problem) return problem;
  // An ApplicationSet's Application template is rendered (goTemplate) and each Application applied.
  const template =
    o.kind === 'ApplicationSet' ? (o.spec as { template?: { metadata?: unknown } })?.template : undefined;
  // Its Go templates are rendered before the API server sees them: templateProblem judges those.
  return (
    template &&
    metadataRefused(template.metadata, ' of its Application template', (k, v) => `${k}${String(v)}`.includes('{{'))
  );
}

/** An ApplicationSet's own-information template metadata holding a Go template this engine does not write there (the controller renders it). */
function templateProblem(o: Record<string, unknown>, mine: Record<string, unknown>): string | undefined {
  type Meta = { labels?: Record<string, unknown>; annotations?: Record<string, unknown> };
  const metaOf = (x: Record<string, unknown>) =>
    ((x.spec as { template?: { metadata?: Meta } })?.template?.metadata ?? {}) as Meta;
  const [theirs, ours] = [metaOf(o), metaOf(mine)];
  for (const [what, field] of [
    ['label', 'labels'],
    ['annotation', 'annotations'],
  ] as const)
    for (const [k, v] of Object.entries(theirs[field] ?? {}))
      if (isOwnInformation(k) && `${k}${String(v)}`.includes('{{') && ours[field]?.[k] !== v)
        return `${what} ${k} holds a Go template of its Application template, which the ApplicationSet controller would render: this orgctl writes none there`;
  return undefined;
}

/** Where `o` differs from `mine`, for a person: up to three paths, each with head's value (`none` when head has none). */
function differences(o: unknown, mine: unknown): string {
  const paths: string[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (paths.length >= 3 || sameData(a, b)) return;
    if (isObj(a) && isObj(b)) {
      for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort())
        walk(ownValue(a, k), ownValue(b, k), path ? `${path}.${k}` : k);
      return;
    }
    const value = a === undefined ? 'none' : canonical(a);
    paths.push(`${path} ${clipShown(value)}`);
  };
  walk(o, mine, '');
  return paths.join(', ');
}

/**
 * Head dist/ as written is this engine's rendering of the organization it describes, object for
 * object, in every cluster's every shard and in Argo CD's files: the same objects in the same places
 * (none left out, none added, none moved to another shard's Application), each the same in every
 * field, rules included, orgctl's own informational labels and annotations aside (the API server
 * must still accept them). A role no binding refers to may be added if it holds no privilege class
 * and has the shape of a role this engine writes there (a level of a newer catalog); every role's
 * rules must be ones the API server accepts.
 */
function renderingProblems(
  mine: readonly ManifestDoc[],
  written: readonly ManifestDoc[],
  rbac: RbacSet,
  boundary: boolean,
): Problem[] {
  const objectOf = (d: ManifestDoc) => d.object as Record<string, unknown>;
  const keyOf = (d: ManifestDoc) => {
    const o = objectOf(d);
    const meta = (o.metadata ?? {}) as Record<string, unknown>;
    return [placeOf(d.file), groupOf(String(o.apiVersion)), o.kind, meta.namespace ?? '', meta.name].join('\u0000');
  };
  const ours = new Map(mine.map((d) => [keyOf(d), d]));
  const theirs = new Set(written.map(keyOf));
  const roleShapes = new Set(
    mine
      .filter((d) => isRole(objectOf(d)))
      .map((d) => `${placeOf(d.file)}\u0000${canonical(comparable(objectOf(d), boundary, ['rules', 'name']))}`),
  );
  const referred = new Set(
    rbac.bindings.map(
      (b) => `${b.roleRef.kind}\u0000${b.roleRef.kind === 'Role' ? b.namespace : ''}\u0000${b.roleRef.name}`,
    ),
  );
  const out: Problem[] = [];
  for (const d of written) {
    const o = objectOf(d);
    const refused = (isRole(o) ? rulesRefused(o) : undefined) ?? refusedByApiServer(o);
    if (refused) out.push({ at: d, message: `${describe(d)}: ${refused}` });
    const counterpart = ours.get(keyOf(d));
    if (counterpart) {
      const templated = o.kind === 'ApplicationSet' ? templateProblem(o, objectOf(counterpart)) : undefined;
      if (templated) out.push({ at: d, message: `${describe(d)}: ${templated}` });
      const [a, b] = [comparable(o, boundary), comparable(objectOf(counterpart), boundary)];
      if (!sameData(a, b))
        out.push({
          at: d,
          message: `${describe(d)}: ${differences(a, b)} is not what this orgctl writes (${placeOf(d.file)})`,
        });
      continue;
    }
    const meta = (o.metadata ?? {}) as Record<string, unknown>;
    // A level of a newer catalog, say: harmless while nothing binds it, so long as it holds no privilege.
    const rules = (Array.isArray(o.rules) ? o.rules : []) as PolicyRule[];
    const unboundRole =
      isRole(o) &&
      !referred.has(`${String(o.kind)}\u0000${String(meta.namespace ?? '')}\u0000${String(meta.name)}`) &&
      roleShapes.has(`${placeOf(d.file)}\u0000${canonical(comparable(o, boundary, ['rules', 'name']))}`) &&
      !classesOf(rules, 'namespace').length &&
      !classesOf(rules, 'cluster').length;
    if (!unboundRole)
      out.push({
        at: d,
        message: `${describe(d)}: written in ${placeOf(d.file)}, where this orgctl writes no such object for the organization`,
      });
  }
  for (const [k, d] of ours)
    if (!theirs.has(k))
      out.push({
        at: { file: 'dist/', index: -1 },
        message: `${describe(d)}: this orgctl writes it in ${placeOf(d.file)}; head dist/ does not`,
      });
  return out;
}

/**
 * members.json is what other systems read (`orgctl members`, `kubeconfig`, a billing portal): this
 * engine's, byte for byte (as data it would pass with a duplicate key that a reader keeping the first
 * value reads as another owner).
 */
function membersFileProblems(files: readonly OutputFile[], rendered: readonly OutputFile[]): Problem[] {
  const [theirs, mine] = [files, rendered].map((fs) => fs.find((f) => f.path === MEMBERS_FILE)?.content);
  return theirs === mine
    ? []
    : [
        {
          at: { file: MEMBERS_FILE, index: -1 },
          message: `${MEMBERS_FILE}: not the membership data this orgctl writes for the organization head dist/ describes (its ConfigMaps), byte for byte`,
        },
      ];
}

/**
 * Every output file within what one Argo CD Application takes (orgctl's shard limit): orgctl's own
 * metadata may not grow a shard past its bytes, nor roles nobody binds past its objects, which this
 * engine never renders either (shard-limit; red team R77-4). `objects`: head's documents read.
 */
function shardLimitProblems(files: readonly OutputFile[], objects: readonly ManifestDoc[]): Problem[] {
  // A document's file is named as it was read (the folder's path, or the ref's), ending in the file's path.
  const counts = new Map<string, number>();
  for (const d of objects) counts.set(d.file, (counts.get(d.file) ?? 0) + 1);
  const countOf = (path: string) =>
    [...counts].reduce((n, [file, c]) => (file === path || file.endsWith(`/${path}`) ? n + c : n), 0);
  const over = (file: string, what: string, limit: string): Problem => ({
    at: { file, index: -1 },
    message: `${what}, over the ${limit} one Argo CD Application takes (orgctl's shard limit)`,
  });
  return files.flatMap((f) => {
    if (f.path === MEMBERS_FILE) return [];
    const bytes = byteLength(f.content);
    const count = countOf(f.path);
    return [
      ...(bytes > SHARD_LIMITS.bytes ? [over(f.path, `${bytes} bytes`, String(SHARD_LIMITS.bytes))] : []),
      ...(count > SHARD_LIMITS.objects
        ? [over(f.path, `${withThousands(count)} objects`, withThousands(SHARD_LIMITS.objects))]
        : []),
    ];
  });
}

/**
 * No output file holds Argo CD's skip marker raw: its repo-server would skip the whole file, and
 * the Application reading it would sync to empty and prune (R36-3). orgctl never writes it raw
 * (synth/yaml.ts), and an informational annotation the head engine alone vouches for may not
 * either: in any file, wherever it stands.
 */
function skipMarkerProblems(files: readonly OutputFile[]): Problem[] {
  return files
    .filter((f) => f.content.includes(ARGOCD_SKIP_MARKER))
    .map((f) => ({
      at: { file: f.path, index: -1 },
      message: `holds ${ARGOCD_SKIP_MARKER} raw, which makes Argo CD skip the whole file (its Application then syncs to empty and prunes); orgctl writes its + as \\u002b`,
    }));
}

/**
 * This engine's findings against head dist/ as written (`head`: its documents, membership data,
 * RBAC and files), for the organization recovered from it, which this engine rendered as `rendered`.
 */
export function judgeWrittenOutput(
  model: OrgModel,
  head: {
    readonly docs: readonly ManifestDoc[];
    readonly membership: Membership;
    readonly rbac: RbacSet;
    readonly files: readonly OutputFile[];
  },
  rendered: readonly OutputFile[],
): Finding[] {
  const { docs, membership, rbac } = head;
  const a = accountedFor(model, membership);
  const source = sourceText(model.source);
  const refused = (from: { readonly file: string; readonly index: number }, message: string): Finding => ({
    severity: 'error',
    rule: OUTPUT_PROOF,
    subject: from.index < 0 ? from.file : `${from.file}#${from.index}`,
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
  const objects = docs.filter((d) => typeof d.object === 'object' && d.object !== null);
  const written = objects.filter((d) => !isArgoCdFile(d.file));
  for (const { doc, message } of identityProblems(written)) out.push(refused(doc, `${describe(doc)}: ${message}`));
  for (const d of written) {
    const o = d.object as Record<string, unknown>;
    if (o.kind === 'ClusterRoleBinding') continue; // refused with the bindings
    const problem = objectProblem(o, clusterOf(d.file), a);
    if (problem) out.push(refused(d, `${describe(d)}: ${problem}`));
  }
  const mine = renderedDocs(rendered);
  for (const { at, message } of [
    ...membershipProblems(mine, membership),
    ...rolesReferred(rbac, written),
    ...bindingProblems(readRbac(mine), rbac),
    ...renderingProblems(mine, objects, rbac, model.argocd?.boundary !== undefined),
    ...membersFileProblems(head.files, rendered),
    ...shardLimitProblems(head.files, objects),
    ...skipMarkerProblems(head.files),
  ])
    out.push(refused(at, message));
  return [
    ...out,
    ...judgeManifests(
      model,
      docs.map((d) => d.object),
    ),
  ];
}
