/**
 * RBAC objects read from any manifests: ours or hand-written. Objects that are not RBAC are
 * ignored; malformed RBAC objects are reported with their file and document index and left
 * out, never crashing the evaluation.
 */
import { POLICY_RULE_FIELDS, type PolicyRule } from '../model/catalog.ts';
import { RBAC_GROUP } from '../synth/kinds.ts';
import { DEFAULT_NAMESPACE } from '../model/model.ts';

export interface SourceRef {
  readonly file: string;
  /** 0-based document index in the file. */
  readonly index: number;
}

export interface RoleObject {
  readonly kind: 'Role' | 'ClusterRole';
  readonly name: string;
  /** '' for ClusterRoles. */
  readonly namespace: string;
  readonly rules: readonly PolicyRule[];
  readonly labels: Readonly<Record<string, string>>;
  /** ClusterRole aggregation: label selectors of the roles whose rules it takes. */
  readonly aggregation?: readonly LabelSelector[];
  readonly from: SourceRef;
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { key: string; operator: string; values?: readonly string[] }[];
}

export interface SubjectObject {
  readonly kind: 'User' | 'Group' | 'ServiceAccount';
  readonly name: string;
  /** ServiceAccounts only; '' when not given. */
  readonly namespace: string;
}

export interface BindingObject {
  readonly kind: 'RoleBinding' | 'ClusterRoleBinding';
  readonly name: string;
  /** '' for ClusterRoleBindings. */
  readonly namespace: string;
  readonly roleRef: { readonly kind: 'Role' | 'ClusterRole'; readonly name: string };
  readonly subjects: readonly SubjectObject[];
  readonly from: SourceRef;
}

export interface RbacSet {
  readonly roles: readonly RoleObject[];
  readonly bindings: readonly BindingObject[];
  /** ServiceAccounts declared, as `namespace/name`. */
  readonly serviceAccounts: readonly string[];
  readonly namespaces: readonly string[];
  /** One line each: `file#index: what is wrong`. */
  readonly problems: readonly string[];
}

export interface ManifestDoc {
  readonly file: string;
  readonly index: number;
  readonly object: unknown;
}

const RBAC_API = `${RBAC_GROUP}/`;
/** A YAML or JSON mapping (not a list, not null). */
export const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
/** An object's metadata.namespace when it names one, else undefined (a file for `kubectl apply -n`). */
export const namespaceOfObject = (o: Record<string, unknown>): string | undefined => {
  const ns = isObj(o.metadata) ? o.metadata.namespace : undefined;
  return typeof ns === 'string' ? ns : undefined;
};
/** An object of the RBAC API (a role or a binding): what the authorizer reads of a manifest. */
export const isRbacObject = (o: unknown): boolean =>
  isObj(o) && typeof o.apiVersion === 'string' && o.apiVersion.startsWith(RBAC_API);
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const strMap = (v: unknown): Record<string, string> =>
  isObj(v)
    ? (Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'string')) as Record<string, string>)
    : {};

class Invalid extends Error {}

function rule(v: unknown, at: string): PolicyRule {
  if (!isObj(v)) throw new Invalid(`${at} is not a mapping`);
  for (const key of POLICY_RULE_FIELDS) {
    if (v[key] !== undefined && !isStrings(v[key])) throw new Invalid(`${at}.${key} is not a list of strings`);
  }
  if (v.verbs === undefined) throw new Invalid(`${at}.verbs is missing`);
  return {
    verbs: v.verbs as string[],
    ...(v.apiGroups !== undefined ? { apiGroups: v.apiGroups as string[] } : {}),
    ...(v.resources !== undefined ? { resources: v.resources as string[] } : {}),
    ...(v.resourceNames !== undefined ? { resourceNames: v.resourceNames as string[] } : {}),
    ...(v.nonResourceURLs !== undefined ? { nonResourceURLs: v.nonResourceURLs as string[] } : {}),
  };
}

function rules(v: unknown): PolicyRule[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Invalid('rules is not a list');
  return v.map((x, i) => rule(x, `rules[${i}]`));
}

/**
 * Why a role's `rules` are not PolicyRules the API server decodes as written, or undefined: not a
 * list, a rule not a mapping, a field not a list of strings (what readRbac refuses too), or a field
 * no PolicyRule has, which strict field validation refuses and which is otherwise dropped unseen
 * (red team R71-4).
 */
export function policyRulesProblem(v: unknown): string | undefined {
  try {
    rules(v);
  } catch (e) {
    if (e instanceof Invalid) return e.message;
    throw e;
  }
  for (const [i, r] of (Array.isArray(v) ? v : []).entries()) {
    const other = Object.keys(r as object).find((k) => !(POLICY_RULE_FIELDS as readonly string[]).includes(k));
    if (other !== undefined) return `rules[${i}].${other} is no field of a PolicyRule`;
  }
  return undefined;
}

/**
 * A binding's subjects as read, once per list: a document unchanged between the two sides of a
 * diff is one parsed object (the document cache), so both sides share what is read from it.
 */
const SUBJECTS_READ = new WeakMap<readonly unknown[], readonly SubjectObject[]>();

function subjectsOf(list: readonly unknown[] | undefined, keep: boolean): readonly SubjectObject[] {
  if (!list) return [];
  const known = SUBJECTS_READ.get(list);
  if (known) return known;
  const read = list.map(subject);
  if (keep) SUBJECTS_READ.set(list, read);
  return read;
}

/** How readRbac reads. */
interface ReadOptions {
  /**
   * Keep each binding's subjects read by its list (default), for a reader of the same documents
   * after it. Synthesis's objects are read once, each list new: kept, 110,000 lists at XL were
   * only more entries of a weak map for the collector to trace.
   */
  readonly keepLists?: boolean;
}

/**
 * Subjects read from the YAML reader's shared objects (synth/yaml.ts reads a person named in many
 * bindings as one frozen object): read once each, and one object too.
 */
const SUBJECT_READ = new WeakMap<object, SubjectObject>();

function subject(v: unknown, i: number): SubjectObject {
  // Looked up first: only a frozen mapping is kept, and it cannot change since (1.79M subjects at XL, 55,000 distinct).
  const known = typeof v === 'object' && v !== null ? SUBJECT_READ.get(v) : undefined;
  if (known) return known;
  if (isObj(v) && Object.isFrozen(v)) {
    const { kind, name, namespace } = subjectOf(v, i);
    const read = new NumberedSubject(kind, name, namespace);
    SUBJECT_READ.set(v, read);
    return read;
  }
  return subjectOf(v, i);
}

let subjectsNumbered = 0;

/** A subject with its number in a private field: its data (keys, JSON, equality) are those of any subject. */
class NumberedSubject implements SubjectObject {
  readonly #id = subjectsNumbered++;
  constructor(
    readonly kind: SubjectObject['kind'],
    readonly name: string,
    readonly namespace: string,
  ) {}
  static idOf(s: SubjectObject): number | undefined {
    return #id in s ? (s as NumberedSubject).#id : undefined;
  }
}

/**
 * The number of a subject read once for every binding naming it (from the YAML reader's shared
 * objects: one per person at size L, named 200,000 times), unique to that object: an index keeps
 * what it knows of each subject in an array by this number, where looking up 200,000 names in a
 * map cost tens of milliseconds. Undefined for a subject read otherwise (by name, then).
 */
export const subjectId = (s: SubjectObject): number | undefined => NumberedSubject.idOf(s);

/**
 * What `of` says of each subject of bindings read before, asked once per numbered subject (subjectId)
 * and kept in an array by its number; a subject without a number is asked about each time. As
 * byGrantUser does for the grants' users: an index over 200,000 (binding, subject) pairs at size L
 * works out each person's entry once instead of looking up their name in every binding. The array
 * spans every number given so far (a binding's subjects are numbered when it is read): 4 bytes per
 * subject read in the process, where finding these bindings' least and greatest number walked
 * every pair (200,000 at L, three times in a diff).
 */
export function bySubject<T>(of: (s: SubjectObject) => T): (s: SubjectObject) => T {
  const at = new Int32Array(subjectsNumbered); // the answer's place in `answers` plus one; 0: not asked yet
  const answers: T[] = [];
  return (s) => {
    const id = subjectId(s);
    // Numbered later (not these bindings'): asked each time, as one without a number.
    if (id === undefined || id >= at.length) return of(s);
    const k = at[id]!;
    if (k) return answers[k - 1]!;
    const answer = of(s);
    at[id] = answers.push(answer);
    return answer;
  };
}

function subjectOf(v: unknown, i: number): SubjectObject {
  if (!isObj(v)) throw new Invalid(`subjects[${i}] is not a mapping`);
  if (v.kind !== 'User' && v.kind !== 'Group' && v.kind !== 'ServiceAccount') {
    throw new Invalid(`subjects[${i}].kind ${JSON.stringify(v.kind)} is not User, Group or ServiceAccount`);
  }
  if (typeof v.name !== 'string' || !v.name) throw new Invalid(`subjects[${i}].name is missing`);
  return { kind: v.kind, name: v.name, namespace: typeof v.namespace === 'string' ? v.namespace : '' };
}

function readOne(
  doc: ManifestDoc,
  keep: boolean,
): RoleObject | BindingObject | { sa: string } | { ns: string } | undefined {
  const o = doc.object;
  if (!isObj(o) || typeof o.kind !== 'string') return undefined;
  const meta = isObj(o.metadata) ? o.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : '';
  const namespace = typeof meta.namespace === 'string' ? meta.namespace : '';
  const from = { file: doc.file, index: doc.index };
  const api = typeof o.apiVersion === 'string' ? o.apiVersion : '';
  if (o.kind === 'ServiceAccount' && api === 'v1') return { sa: `${namespace || DEFAULT_NAMESPACE}/${name}` };
  if (o.kind === 'Namespace' && api === 'v1') return { ns: name };
  if (!isRbacObject(o)) return undefined;
  if (!name) throw new Invalid(`${o.kind} has no metadata.name`);
  switch (o.kind) {
    case 'Role':
    case 'ClusterRole': {
      // An aggregationRule without selectors (`{}`, or a null list: Go's nil) still aggregates: the
      // controller gives the role the rules of the roles none selects, nothing (R132-3).
      const agg = isObj(o.aggregationRule) ? (o.aggregationRule.clusterRoleSelectors ?? []) : undefined;
      if (agg !== undefined && !Array.isArray(agg))
        throw new Invalid('aggregationRule.clusterRoleSelectors is not a list');
      return {
        kind: o.kind,
        name,
        namespace: o.kind === 'Role' ? namespace || DEFAULT_NAMESPACE : '',
        rules: rules(o.rules),
        labels: strMap(meta.labels),
        from,
        ...(o.kind === 'ClusterRole' && Array.isArray(agg)
          ? { aggregation: agg.filter(isObj) as LabelSelector[] }
          : {}),
      };
    }
    case 'RoleBinding':
    case 'ClusterRoleBinding': {
      const ref = o.roleRef;
      if (!isObj(ref)) throw new Invalid('roleRef is missing');
      if (ref.kind !== 'Role' && ref.kind !== 'ClusterRole')
        throw new Invalid(`roleRef.kind ${JSON.stringify(ref.kind)} is not Role or ClusterRole`);
      if (o.kind === 'ClusterRoleBinding' && ref.kind === 'Role')
        throw new Invalid('a ClusterRoleBinding cannot refer to a Role');
      if (typeof ref.name !== 'string' || !ref.name) throw new Invalid('roleRef.name is missing');
      if (o.subjects !== undefined && o.subjects !== null && !Array.isArray(o.subjects))
        throw new Invalid('subjects is not a list');
      return {
        kind: o.kind,
        name,
        namespace: o.kind === 'RoleBinding' ? namespace || DEFAULT_NAMESPACE : '',
        roleRef: { kind: ref.kind, name: ref.name },
        subjects: subjectsOf(o.subjects as unknown[] | undefined, keep),
        from,
      };
    }
    default:
      return undefined;
  }
}

/** RBAC sets read in turn, as one: each list in their order (as readRbac of all their documents at once). */
export const joinedRbac = (sets: readonly RbacSet[]): RbacSet => ({
  roles: sets.flatMap((s) => s.roles),
  bindings: sets.flatMap((s) => s.bindings),
  serviceAccounts: sets.flatMap((s) => s.serviceAccounts),
  namespaces: sets.flatMap((s) => s.namespaces),
  problems: sets.flatMap((s) => s.problems),
});

/** The RBAC content of a list of documents. */
export function readRbac(docs: Iterable<ManifestDoc>, options: ReadOptions = {}): RbacSet {
  const keep = options.keepLists ?? true;
  const roles: RoleObject[] = [];
  const bindings: BindingObject[] = [];
  const serviceAccounts: string[] = [];
  const namespaces: string[] = [];
  const problems: string[] = [];
  for (const doc of docs) {
    try {
      const got = readOne(doc, keep);
      if (!got) continue;
      if ('sa' in got) serviceAccounts.push(got.sa);
      else if ('ns' in got) namespaces.push(got.ns);
      else if ('roleRef' in got) bindings.push(got);
      else roles.push(got);
    } catch (e) {
      if (!(e instanceof Invalid)) throw e;
      const o = doc.object as { kind?: unknown; metadata?: { name?: unknown } };
      problems.push(
        `${doc.file}#${doc.index}: ${String(o.kind)} ${JSON.stringify(o.metadata?.name ?? '')}: ${e.message}`,
      );
    }
  }
  return { roles, bindings, serviceAccounts, namespaces, problems };
}
