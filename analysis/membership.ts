/**
 * orgctl's membership data read back from synthesized output (its ConfigMaps): what the review,
 * import and `orgctl can-i`'s partial read share. A module of its own, light to load: can-i
 * reads the organization's settings without loading the access analysis.
 */
import { SnapshotError } from '../model/errors.ts';
import {
  MEMBERSHIP_LISTS,
  membershipListPattern,
  ORGANIZATION_CONFIGMAP,
  ORGANIZATION_KEY,
  type MemberGrantExpiry,
  type MemberInvite,
  type MemberNamespace,
  type MembershipList,
  type MemberOrganization,
  type MemberRole,
  type MemberToken,
  type MemberUser,
  type MembershipData,
} from '../model/membership.ts';
import { ORG_DEFAULTS } from '../model/defaults.ts';
import { ownValue } from '../model/own-keys.ts';
import { describeValue, nestedDeeperThan } from '../model/data.ts';
import { codePoint, firstHidden, jsonMayHoldHidden, showHidden } from '../model/text.ts';
import {
  isLiveToken,
  memberState,
  reservedOrgNameProblem,
  systemNamespaceOf,
  usernameOf,
  type SafeCustomResource,
} from '../model/model.ts';
import { serviceAccountUser } from './authorizer.ts';
import { isObj, namespaceOfObject, type ManifestDoc } from './objects.ts';

/**
 * The organization as the review reads it: `organization.json` (the one declaration of the format,
 * model/membership.ts) with its defaults filled in, and the namespace its ConfigMap is in.
 */
export interface OrgInfo extends Omit<MemberOrganization, 'roles'> {
  /** The namespace of the `orgctl-organization` ConfigMap. */
  readonly systemNamespace: string;
  /** Named bundles of levels, as declared; empty when none is. */
  readonly roles: readonly MemberRole[];
}

type Obj = Record<string, unknown>;

/**
 * The deepest nesting of lists and objects read from JSON inside head dist/'s ConfigMaps (orgctl
 * writes a few levels): past it, comparing or saying a value (JSON.stringify, a recursive walk)
 * overflowed the stack, an internal error where this is input (R13-F3).
 */
const MAX_NESTING = 16;

/**
 * Records read from membership lists' lines, by list and by the line's text, for a later reading
 * to take: a diff's head repeats almost every line of base's lists (a 1% change at size L edits
 * about 30 of 10,000 users' lines), and the same text of the same list is the same record, already
 * checked (jsonLines). One per diff: the records are read-only, and shared by both sides.
 */
export class MembershipLines {
  private readonly lists = new Map<MembershipList, Map<string, unknown>>();

  /** The records read from `list`'s lines so far, by line. */
  of(list: MembershipList): Map<string, unknown> {
    let lines = this.lists.get(list);
    if (!lines) this.lists.set(list, (lines = new Map()));
    return lines;
  }
}

/**
 * The records of a membership list's text, each of `fields`' shape, and no other field unless
 * `open` (a namespace's guard rails are judged where read); a SnapshotError naming the first that is not.
 * A line in `known` is its record there (read and checked as this list's before); each line read is kept in it.
 */
function jsonLines<T>(
  text: unknown,
  what: string,
  fields: Fields,
  free: FreeText,
  open = false,
  known?: Map<string, unknown>,
): T[] {
  if (text === undefined) return [];
  if (typeof text !== 'string') throw new SnapshotError(`${what} is not text`);
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      const read = known?.get(l);
      if (read !== undefined) return read as T;
      let record: unknown;
      try {
        record = JSON.parse(l);
      } catch {
        throw new SnapshotError(`${what} line ${i + 1} is not JSON`);
      }
      const problem = recordProblem(record, fields, open ? 'open' : 'closed');
      if (problem) throw new SnapshotError(`${what} line ${i + 1} is not a record orgctl writes: ${problem}`);
      // Walked only when the line may hold any (hiddenTextMayBeIn), as members.json's text is.
      const hidden = hiddenTextMayBeIn(l) ? hiddenTextProblem(record, free) : undefined;
      if (hidden) throw new SnapshotError(`${what} line ${i + 1} holds text orgctl never writes: ${hidden}`);
      known?.set(l, record);
      return record as T;
    });
}

/** A field of a membership record as orgctl writes it: its type, `?` when it may be absent, or a list of records. */
type Scalar = 'text' | 'flag' | 'count' | 'texts';
type Shape = Scalar | `${Scalar}?` | { readonly records: Fields; readonly optional?: true };
type Fields = Readonly<Record<string, Shape>>;

/**
 * The Fields of a record type, tied to it at compile time: exactly its keys (one the type gains,
 * and the reader does not check, fails tsc, and so does one the reader checks that the type lacks),
 * each of the Shape its type is, `?` (or `optional`) exactly when the key is optional.
 */
type FieldsOf<T> = {
  readonly [K in keyof T]-?: ShapeOf<NonNullable<T[K]>, Partial<Pick<T, K>> extends Pick<T, K> ? true : false>;
};
/** The Shape of a field of type `V` (never for a type no Shape reads). */
type ShapeOf<V, Optional extends boolean> = [V] extends [readonly (infer E)[]]
  ? [E] extends [string]
    ? Maybe<'texts', Optional>
    : Optional extends true
      ? { readonly records: FieldsOf<E>; readonly optional: true }
      : { readonly records: FieldsOf<E>; readonly optional?: never }
  : Maybe<
      [V] extends [string] ? 'text' : [V] extends [boolean] ? 'flag' : [V] extends [number] ? 'count' : never,
      Optional
    >;
type Maybe<S extends Scalar, Optional extends boolean> = Optional extends true ? `${S}?` : S;

const SCALARS: Readonly<Record<Scalar, { readonly is: (v: unknown) => boolean; readonly words: string }>> = {
  text: { is: (v) => typeof v === 'string', words: 'text' },
  flag: { is: (v) => typeof v === 'boolean', words: 'true or false' },
  count: { is: (v) => typeof v === 'number' && Number.isFinite(v), words: 'a number' },
  texts: { is: (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'), words: 'a list of texts' },
};

/** A list of PolicyRule records, as a dormant grant's rules are written (orderedRule). */
const RULE_RECORDS = {
  records: {
    apiGroups: 'texts?',
    resources: 'texts?',
    verbs: 'texts',
    resourceNames: 'texts?',
    nonResourceURLs: 'texts?',
  },
} as const;

/**
 * The records of each membership list as model/membership.ts declares them (MemberUser,
 * MemberInvite, MemberToken, MemberNamespace; FieldsOf ties each to its type): what the readers take for granted. A line of
 * another shape threw a TypeError deep in the diff (red team Q6), an internal error where a head
 * that cannot be read is input (review --github posts a failing check for it).
 */
const RECORD_FIELDS: {
  readonly [L in MembershipList]: FieldsOf<
    {
      users: MemberUser;
      invites: MemberInvite;
      tokens: MemberToken;
      // Its guard rails are judged where they are read (namespaceSettings): only the name is taken for granted here.
      namespaces: Pick<MemberNamespace, 'name'>;
    }[L]
  >;
} = {
  users: {
    email: 'text',
    username: 'text',
    github: 'text?',
    githubId: 'count?',
    admin: 'flag',
    billing: 'flag',
    status: 'text',
    access: 'text?',
    expiring: { records: { namespace: 'text', role: 'text', until: 'text' }, optional: true },
    dormant: {
      records: { namespace: 'text', levels: 'texts?', rules: { ...RULE_RECORDS, optional: true }, until: 'text?' },
      optional: true,
    },
  },
  invites: {
    email: 'text',
    admin: 'flag',
    billing: 'flag',
    sso: 'flag',
    state: 'text',
    grants: { records: { namespace: 'text', levels: 'texts?', roles: 'texts?' } },
  },
  tokens: {
    id: 'text',
    serviceAccount: 'text',
    rotation: 'count?',
    note: 'text?',
    expires: 'text?',
    status: 'text?',
    name: 'text?',
    owner: 'text?',
    namespaces: 'texts',
    levels: 'texts?',
    customRbac: 'texts?',
    dormantRbac: { records: { namespace: 'text', rules: RULE_RECORDS }, optional: true },
  },
  namespaces: { name: 'text' },
};

/** organization.json's lists, as MemberOrganization declares them (the rest are read with their defaults). */
const ORGANIZATION_FIELDS: FieldsOf<
  Partial<Pick<MemberOrganization, 'usernamePrefix' | 'mailDomains' | 'clusters' | 'namespaces' | 'roles'>>
> = {
  usernamePrefix: 'text?',
  mailDomains: {
    records: { domains: 'texts', subaddressSeparators: 'texts?', subdomainAddressing: 'flag?' },
    optional: true,
  },
  clusters: 'texts?',
  namespaces: 'texts?',
  roles: { records: { name: 'text', levels: 'texts' }, optional: true },
};

/** A field of Fields as it is checked: worked out once per Fields (fieldsOf), not per record read. */
interface Field {
  readonly key: string;
  readonly optional: boolean;
  /** A list of records of these fields, or else a scalar of this check. */
  readonly records?: Fields;
  readonly scalar?: (typeof SCALARS)[Scalar];
}

/** `fields`' Fields in their order, each read once a process: 10,000 records a side at size L each asked them. */
function fieldsOf(fields: Fields): readonly Field[] {
  let read = FIELDS_READ.get(fields);
  if (!read)
    FIELDS_READ.set(
      fields,
      (read = Object.entries(fields).map(([key, shape]): Field => {
        if (typeof shape === 'object') return { key, optional: shape.optional === true, records: shape.records };
        const optional = shape.endsWith('?');
        return { key, optional, scalar: SCALARS[(optional ? shape.slice(0, -1) : shape) as Scalar] };
      })),
    );
  return read;
}
const FIELDS_READ = new WeakMap<Fields, readonly Field[]>();

/** A field's path as said: `key` of a line's record, `path.key` of a record within it. */
const fieldPath = (path: string | undefined, key: string): string => (path === undefined ? key : `${path}.${key}`);

/**
 * Why `value` (`field` of the record at `path`) is not of its shape, what it is and what is
 * allowed, or undefined. The path is made only to be said.
 */
function shapeProblem(value: unknown, field: Field, path: string | undefined): string | undefined {
  if (value === undefined) return field.optional ? undefined : `${fieldPath(path, field.key)} is missing`;
  if (field.records) {
    if (!Array.isArray(value)) return `${fieldPath(path, field.key)} is ${describeValue(value)}, not a list of records`;
    for (let i = 0; i < value.length; i++) {
      const problem = recordProblem(value[i], field.records, 'closed', `${fieldPath(path, field.key)}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  const scalar = field.scalar!;
  return scalar.is(value) ? undefined : `${fieldPath(path, field.key)} is ${describeValue(value)}, not ${scalar.words}`;
}

/**
 * Why a record (at `path`, none for a line's own) is not written as `fields` say, or undefined: its
 * first field that is not, or (`closed`) a field orgctl never writes, which no reader checks.
 */
function recordProblem(record: unknown, fields: Fields, others: 'open' | 'closed', path?: string): string | undefined {
  if (!isObj(record)) return `${path ?? 'it'} is ${describeValue(record)}, not a JSON object`;
  for (const field of fieldsOf(fields)) {
    const problem = shapeProblem(ownValue(record, field.key), field, path);
    if (problem) return problem;
  }
  if (others === 'open') {
    // Read where used, each with its own checks: only bounded here, before anything compares or says it.
    const deep = Object.keys(record).find((k) => nestedDeeperThan(record[k], MAX_NESTING));
    return deep === undefined
      ? undefined
      : `field ${describeValue(deep)} is ${describeValue(record[deep])} nested more than ${MAX_NESTING} levels deep, which orgctl never writes`;
  }
  for (const other of Object.keys(record))
    if (!Object.hasOwn(fields, other))
      return `${path ?? 'it'} has field ${describeValue(other)}, which orgctl never writes (a record holds ${Object.keys(fields).join(', ')})`;
  return undefined;
}

/**
 * What a record's field may hold that no other text of the membership data may: a token's note
 * may span lines (`line breaks`), and a namespace's annotation values are any text Kubernetes takes
 * (`any values`: its keys are names). Every other text orgctl writes there comes from a declared
 * one that invalid-text or invalid-name refuses with a control, format or separator character in
 * it (model/text.ts's hidden ones).
 */
type FreeText = Readonly<Record<string, 'line breaks' | 'any values'>>;
const FREE_TEXT: { readonly [L in MembershipList]: FreeText } = {
  users: {},
  invites: {},
  tokens: { note: 'line breaks' },
  namespaces: { annotations: 'any values' },
};

/**
 * Where `value` (a record's, or a field's at `path`) holds text orgctl never writes: a hidden
 * character (a line break, an escape, a direction override) in a text or a key, each shown as its
 * code point. Read from a forged output, such text reached every place that shows or runs it
 * (R28-R30 each found another): refused once, where it is read. Nesting past MAX_NESTING is
 * refused too, so that the walk is bounded (members.json is parsed whole).
 */
function hiddenTextProblem(value: unknown, free: FreeText = {}, path?: string, depth = 0): string | undefined {
  if (typeof value === 'string') {
    const hidden = firstHidden(value, path !== undefined && free[path] === 'line breaks');
    return hidden && `${path ?? 'it'} holds ${codePoint(hidden.char)} at position ${hidden.index + 1}`;
  }
  if (depth > MAX_NESTING) return `${path ?? 'it'} is nested more than ${MAX_NESTING} levels deep`;
  const within = (key: string | number) =>
    typeof key === 'number' ? `${path ?? ''}[${key}]` : path === undefined ? key : `${path}.${key}`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = hiddenTextProblem(value[i], free, within(i), depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  if (!isObj(value)) return undefined;
  for (const [key, field] of Object.entries(value)) {
    const hidden = firstHidden(key);
    if (hidden)
      return `${path ?? 'it'} has a field ${showHidden(JSON.stringify(key))}, holding ${codePoint(hidden.char)} at position ${hidden.index + 1}`;
    if (path !== undefined && free[path] === 'any values') continue;
    const problem = hiddenTextProblem(field, free, within(key), depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

export interface Membership {
  readonly org: OrgInfo;
  readonly users: ReadonlyMap<string, MemberUser>;
  readonly invites: ReadonlyMap<string, MemberInvite>;
  readonly tokens: ReadonlyMap<string, MemberToken>;
  /** Guard rails of the namespaces that declare some, by name (model/guard-rails.ts). */
  readonly namespaceSettings: ReadonlyMap<string, MemberNamespace>;
}

/**
 * The custom resources an output declares safe, in the shape orgctl writes (the constructs judge the
 * values when the organization is recovered): they lift a policy, so anything else is refused.
 */
function readSafeCustomResources(value: unknown, label: string): readonly SafeCustomResource[] {
  const texts = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
  const valid =
    Array.isArray(value) &&
    value.every(
      (e) =>
        isObj(e) &&
        Object.keys(e).every((k) => k === 'group' || k === 'resources' || k === 'reason') &&
        typeof e.group === 'string' &&
        typeof e.reason === 'string' &&
        texts(e.resources),
    );
  if (!valid)
    throw new SnapshotError(
      `${label}: ${ORGANIZATION_KEY} has a safeCustomResources that is not a list of { group, resources, reason }`,
    );
  return value as SafeCustomResource[];
}

/** The organization an `orgctl-organization` ConfigMap names, or undefined when it cannot be read. */
export function organizationNamedBy(c: Obj): string | undefined {
  try {
    const name = (JSON.parse(String((c.data as Obj)[ORGANIZATION_KEY])) as Obj).name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether an `orgctl-organization` ConfigMap is where orgctl writes it: in the system namespace of
 * the organization it names (or with no namespace, as written before). One that cannot be read
 * stays, so that reading it says what is wrong with it.
 */
function inItsSystemNamespace(c: Obj): boolean {
  const ns = namespaceOfObject(c);
  if (ns === undefined) return true;
  const name = organizationNamedBy(c);
  return name === undefined || ns === systemNamespaceOf(name);
}

/**
 * The organization an organization ConfigMap records, read once per object: a diff reads it on
 * each side, and the strict reader first for its layout (cli/output-read.ts' misplaced), and head
 * takes base's object when its text is unchanged (the document cache). Only an organization read is
 * kept: a ConfigMap refused is read, and refused, again, under the label of that reading.
 */
const ORGANIZATIONS = new WeakMap<Obj, OrgInfo>();

function organizationOf(configMap: Obj, label: string): OrgInfo {
  const known = ORGANIZATIONS.get(configMap);
  if (known) return known;
  const data = configMap.data as Obj;
  let info: Obj;
  try {
    info = JSON.parse(String(data[ORGANIZATION_KEY])) as Obj;
  } catch {
    throw new SnapshotError(`${label}: ${ORGANIZATION_CONFIGMAP} has no valid ${ORGANIZATION_KEY}`);
  }
  if (typeof info.name !== 'string' || typeof info.owner !== 'string')
    throw new SnapshotError(`${label}: ${ORGANIZATION_KEY} names no organization or owner`);
  // Its other settings are read with their defaults, each where it is used.
  const problem = recordProblem(info, ORGANIZATION_FIELDS, 'open');
  if (problem) throw new SnapshotError(`${label}: ${ORGANIZATION_KEY} is not what orgctl writes: ${problem}`);
  const hidden = hiddenTextProblem(info);
  if (hidden) throw new SnapshotError(`${label}: ${ORGANIZATION_KEY} holds text orgctl never writes: ${hidden}`);
  // No orgctl synthesizes such an organization (invalid-name): its `system:` roles would pass for
  // its own with every reader that takes `<org>:` as orgctl's (red team R128-2).
  const reserved = reservedOrgNameProblem(info.name);
  if (reserved)
    throw new SnapshotError(
      `${label}: ${ORGANIZATION_KEY} names the organization ${JSON.stringify(info.name)}, which ${reserved}: no orgctl synthesizes it (invalid-name)`,
    );
  const systemNamespace = namespaceOfObject(configMap) ?? systemNamespaceOf(info.name);
  const org: OrgInfo = {
    name: info.name,
    owner: info.owner,
    usernamePrefix: typeof info.usernamePrefix === 'string' ? info.usernamePrefix : '',
    ...(Array.isArray(info.mailDomains)
      ? { mailDomains: info.mailDomains as NonNullable<OrgInfo['mailDomains']> }
      : {}),
    ssoEnforced: info.ssoEnforced === true,
    clusters: Array.isArray(info.clusters) ? (info.clusters as string[]) : [],
    namespaces: Array.isArray(info.namespaces) ? (info.namespaces as string[]) : [],
    massRemovalThreshold:
      typeof info.massRemovalThreshold === 'number' ? info.massRemovalThreshold : ORG_DEFAULTS.massRemovalThreshold,
    systemNamespace,
    shards: typeof info.shards === 'number' ? info.shards : ORG_DEFAULTS.shards,
    roles: Array.isArray(info.roles) ? (info.roles as OrgInfo['roles']) : [],
    ...(isObj(info.argocd) ? { argocd: info.argocd as unknown as NonNullable<OrgInfo['argocd']> } : {}),
    ...(isObj(info.namespaceDefaults)
      ? { namespaceDefaults: info.namespaceDefaults as NonNullable<OrgInfo['namespaceDefaults']> }
      : {}),
    ...(isObj(info.namespaceProtection)
      ? { namespaceProtection: info.namespaceProtection as unknown as NonNullable<OrgInfo['namespaceProtection']> }
      : {}),
    ...(info.safeCustomResources !== undefined
      ? { safeCustomResources: readSafeCustomResources(info.safeCustomResources, label) }
      : {}),
    ...(info.recordsDormant === true ? { recordsDormant: true } : {}),
  };
  ORGANIZATIONS.set(configMap, org);
  return org;
}

/** orgctl's membership data (its ConfigMaps) in synthesized output; a SnapshotError when there is none. */
export function readMembership(docs: readonly ManifestDoc[], label: string, lines?: MembershipLines): Membership {
  const configMaps = docs
    .map((d) => d.object)
    .filter((o): o is Obj => isObj(o) && o.kind === 'ConfigMap' && isObj(o.metadata) && isObj(o.data));
  const named = (name: string) => configMaps.filter((c) => (c.metadata as Obj).name === name);
  // Every cluster of the output carries the same membership: one copy is enough. orgctl writes it
  // in its organization's system namespace, which only admins reach: a ConfigMap of that name in
  // any other namespace is anyone's (a namespace admin's), not the organization's membership.
  // Copies are told apart by their data only when there are several: one (a single cluster's, the
  // strict reader's for its layout) is not written out again.
  const candidates = named(ORGANIZATION_CONFIGMAP).filter(inItsSystemNamespace);
  const orgMap =
    candidates.length < 2 ? candidates : [...new Map(candidates.map((c) => [JSON.stringify(c.data), c])).values()];
  if (orgMap.length !== 1) {
    throw new SnapshotError(
      `${label} has ${orgMap.length ? 'more than one' : 'no'} ${ORGANIZATION_CONFIGMAP} ConfigMap: it is not a dist/ synthesized by orgctl, so membership (who is admin) is unknown`,
    );
  }
  const org = organizationOf(orgMap[0]!, label);
  const namespaced = namespaceOfObject(orgMap[0]!) !== undefined;
  const { systemNamespace } = org;
  // Each list is spread over numbered ConfigMaps (`orgctl-invites`, `orgctl-invites-2`, ...) so that
  // none passes the API server's limits; outputs of older orgctl kept invites and tokens in
  // orgctl-organization itself, which is read too.
  const list = <T>(name: MembershipList, keyOf: (t: T) => string): Map<string, T> => {
    const pattern = membershipListPattern(name);
    const file = MEMBERSHIP_LISTS[name];
    const out = new Map<string, T>();
    const part = (c: Obj) => Number(pattern.exec(String((c.metadata as Obj).name))?.[1]?.slice(1) ?? 1);
    // Only the system namespace's: a list elsewhere (`orgctl-users-7` in a team's namespace) is not
    // the organization's, and would make whoever wrote it an admin, or undo a deactivation. One with
    // no namespace only beside an organization with none (an older orgctl's output, whole): beside
    // one in the system namespace it is a loose file of the folder read (R10).
    const ours = (c: Obj) => (namespaceOfObject(c) ?? (namespaced ? undefined : systemNamespace)) === systemNamespace;
    const sources = [
      orgMap[0]!,
      ...configMaps
        .filter((c) => pattern.test(String((c.metadata as Obj).name)) && ours(c))
        .sort((a, b) => part(a) - part(b)),
    ];
    for (const cm of sources)
      for (const r of jsonLines<T>(
        (cm.data as Obj)[file],
        `${label} ${file}`,
        RECORD_FIELDS[name],
        FREE_TEXT[name],
        name === 'namespaces',
        lines?.of(name),
      ))
        out.set(keyOf(r), r);
    return out;
  };
  const users = list<MemberUser>('users', (u) => u.email);
  const invites = list<MemberInvite>('invites', (i) => i.email);
  const tokens = list<MemberToken>('tokens', (t) => t.id);
  const namespaceSettings = list<MemberNamespace>('namespaces', (n) => n.name);
  return { org, users, invites, tokens, namespaceSettings };
}

/** Why the membership data binds a Kubernetes username to nothing. */
interface Unbound {
  /** `is deactivated: bound to nothing until reactivated`, `is token ci, expired on ...`. */
  readonly reason: string;
  /** A dead token: it authenticates as nobody, so no binding applies to it, its groups' neither. */
  readonly nobody: boolean;
}

/**
 * Why the membership data binds a Kubernetes username to nothing, if it says: a deactivated
 * member, a member with Remove All, an invitee not yet a member, a deactivated or expired token. What `can-i` says instead
 * of "a typo?" when no binding names someone.
 */
export function unboundReason(members: MembershipData, username: string, today: string): Unbound | undefined {
  const user = members.users.find((u) => u.username === username);
  const person = (reason: string): Unbound => ({ reason: `is ${reason}`, nobody: false });
  if (user) {
    const why = unboundUser(memberState(user));
    return why ? person(why) : undefined;
  }
  const names = usernamesIn(members);
  const invite = members.invites.find((i) => names.invite(i) === username);
  if (invite) return person(invite.state === 'pending' ? UNBOUND.pendingInvite : UNBOUND.revokedInvite);
  const token = members.tokens.find((t) => names.token(t) === username);
  if (token && !isLiveToken(token, today))
    return { reason: `is token ${token.id}, ${UNBOUND.deadToken(token, today)}`, nobody: true };
  return undefined;
}

/** The Kubernetes username of an invitee and of a token's ServiceAccount, as the membership data names them. */
function usernamesIn(members: MembershipData) {
  const prefix = members.organization.usernamePrefix;
  const systemNamespace = systemNamespaceOf(members.organization.name);
  return {
    invite: (i: MemberInvite) => usernameOf({ usernamePrefix: prefix }, i.email),
    token: (t: MemberToken) => serviceAccountUser(systemNamespace, t.serviceAccount),
  };
}

/** Every Kubernetes username the membership data names: its members', its invitees', its tokens' ServiceAccounts'. */
export function usernamesOf(members: MembershipData): string[] {
  const names = usernamesIn(members);
  return [
    ...members.users.map((u) => u.username),
    ...members.invites.map(names.invite),
    ...members.tokens.map(names.token),
  ];
}

/**
 * How a line of a users list that records dated access writes the field (JSON.stringify): what a
 * reader of the lines' bytes looks for (no other text of a line holds it unescaped).
 */
export const DATED_ACCESS_MARK = `"expiring":[`;

/** One person's dated access, as a users list records it (MemberUser.expiring), by Kubernetes username. */
export interface DatedAccessLine {
  readonly username: string;
  readonly expiring: readonly MemberGrantExpiry[];
}

/**
 * The dated access one line of a users list records, when it is a user's record as orgctl writes
 * it (readMembership's checks, on this line alone); else undefined. can-i reads these lines from
 * the bytes it has read, without parsing the lists.
 */
export function datedAccessOfLine(line: string): DatedAccessLine | undefined {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (recordProblem(record, RECORD_FIELDS.users, 'closed') || (hiddenTextMayBeIn(line) && hiddenTextProblem(record)))
    return undefined;
  const { username, expiring } = record as MemberUser;
  return expiring?.length ? { username, expiring } : undefined;
}

/** members.json's text as orgctl writes it (every list a list of records), else undefined: a file edited by hand. */
export function membershipDataOf(text: string): MembershipData | undefined {
  let m: Partial<MembershipData>;
  try {
    m = JSON.parse(text) as Partial<MembershipData>;
  } catch {
    return undefined;
  }
  const lists = [m.users, m.invites, m.tokens].every((l) => Array.isArray(l) && l.every(isObj));
  if (!lists || !isObj(m.organization) || typeof m.organization.name !== 'string') return undefined;
  // Text orgctl never writes, as readMembership refuses it: a name with a line break or an escape.
  // Walked only when the text may hold any (hiddenTextMayBeIn): at size L the walk of its 2.7 MB
  // cost more than parsing it, for text orgctl never writes.
  const holdsHidden =
    hiddenTextMayBeIn(text) &&
    (hiddenTextProblem(m.organization) !== undefined ||
      (Object.keys(FREE_TEXT) as MembershipList[]).some((name) =>
        ((m[name] ?? []) as readonly unknown[]).some(
          (record) => hiddenTextProblem(record, FREE_TEXT[name]) !== undefined,
        ),
      ));
  return holdsHidden ? undefined : (m as MembershipData);
}

/**
 * Whether hiddenTextProblem may find anything in what a JSON text parses to: text it may hold
 * (jsonMayHoldHidden), or lists and objects nested more than MAX_NESTING deep (a value the walk
 * reaches at depth d, from a record or members.json's organization, lies within d brackets at
 * least). Without a backslash, a string is what lies between two quotes, so brackets are counted
 * outside them.
 */
function hiddenTextMayBeIn(json: string): boolean {
  if (jsonMayHoldHidden(json)) return true;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === QUOTE) inString = !inString;
    else if (inString) continue;
    else if (c === OPEN_LIST || c === OPEN_OBJECT) {
      if (++depth > MAX_NESTING) return true;
    } else if (c === CLOSE_LIST || c === CLOSE_OBJECT) depth--;
  }
  return false;
}

const [QUOTE, OPEN_LIST, OPEN_OBJECT, CLOSE_LIST, CLOSE_OBJECT] = [...'"[{]}'].map((c) => c.charCodeAt(0));

/** What Remove All does to a member: `diff` says it of one who joins with it, `explain` and `can-i` of one under it. */
export const REMOVE_ALL = 'Remove All: bound to no namespace, whatever their grants say, until it is lifted';

/** Why someone is bound to nothing, as `explain` and `can-i` say it (one text each). */
export const UNBOUND = {
  deactivatedUser: 'deactivated: bound to nothing until reactivated',
  removeAll: `under ${REMOVE_ALL}`,
  pendingInvite: 'invited, not yet a member: bound to nothing until they accept',
  revokedInvite: 'invited, but the invitation is revoked: bound to nothing',
  /** A token that is not live (isLiveToken): deactivated, else expired. */
  deadToken: (t: { readonly status?: string; readonly expires?: string }, today: string): string =>
    t.status === 'deactivated'
      ? 'deactivated: its ServiceAccount is left out until reactivated'
      : `expired on ${t.expires ?? today}: its ServiceAccount is left out`,
  /** What a dead token is, whatever it asks. */
  nobody: 'its token authenticates as nobody',
} as const;

/** Why a member is bound to nothing, from their standing (the model's or the membership data's), or undefined. */
export const unboundUser = (u: { readonly status: string; readonly removeAll: boolean }): string | undefined =>
  u.status !== 'active' ? UNBOUND.deactivatedUser : u.removeAll ? UNBOUND.removeAll : undefined;
