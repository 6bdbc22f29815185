/**
 * Access whose end has passed while the output still binds it. orgctl binds only what holds on the
 * day it synthesizes, and records when each dated role ends (MemberUser.expiring): until dist/ is
 * synthesized again and Argo CD syncs, the cluster keeps a binding whose grant has ended. can-i and
 * who-can answer as the cluster does, and say so from these records.
 */
import {
  requestNamespace,
  resourceRequestOf,
  type Authorizer,
  type Decision,
  type ResourceAttributes,
  type UserInfo,
} from './authorizer.ts';
import { DATED_ACCESS_MARK, datedAccessOfLine, organizationNamedBy, type DatedAccessLine } from './membership.ts';
import { isObj, type BindingObject, type ManifestDoc } from './objects.ts';
import { orgRoleOf } from './org-roles.ts';
import { ruleAllows } from './rules.ts';
import {
  MEMBERSHIP_LISTS,
  membershipListPattern,
  ORGANIZATION_CONFIGMAP,
  type MemberGrantExpiry,
} from '../model/membership.ts';
import { isExpired } from '../model/model.ts';
import { PROJECT_SYNTH } from '../model/text.ts';

/** What an output records of dated access: its organization (whose roles the records name) and each person's records. */
export interface DatedAccess {
  readonly org: string;
  readonly byUsername: ReadonlyMap<string, readonly MemberGrantExpiry[]>;
}

/** The dated access of the lines read (each read alone: datedAccessOfLine), for organization `org`. */
export function datedAccessOfLines(lines: Iterable<string>, org: string): DatedAccess {
  const byUsername = new Map<string, readonly MemberGrantExpiry[]>();
  for (const line of lines) {
    const read: DatedAccessLine | undefined = datedAccessOfLine(line);
    if (read) byUsername.set(read.username, read.expiring);
  }
  return { org, byUsername };
}

/** The lines of a users list's `text` holding DATED_ACCESS_MARK, without their indentation. */
function* markedLines(text: string): Generator<string> {
  for (let at = text.indexOf(DATED_ACCESS_MARK); at >= 0; at = text.indexOf(DATED_ACCESS_MARK, at + 1)) {
    const start = text.lastIndexOf('\n', at) + 1;
    const end = text.indexOf('\n', at);
    yield text.slice(start, end < 0 ? text.length : end).trim();
    if (end < 0) return;
    at = end;
  }
}

/** The dated access the users ConfigMaps of documents read whole record; undefined when they name no organization. */
export function datedAccessOfDocs(docs: readonly ManifestDoc[]): DatedAccess | undefined {
  const users = membershipListPattern('users');
  let org: string | undefined;
  const texts: string[] = [];
  for (const d of docs) {
    const o = d.object;
    if (!isObj(o) || o.kind !== 'ConfigMap' || !isObj(o.metadata) || !isObj(o.data)) continue;
    const name = o.metadata.name;
    if (name === ORGANIZATION_CONFIGMAP) org ??= organizationNamedBy(o);
    else if (typeof name === 'string' && users.test(name) && typeof o.data[MEMBERSHIP_LISTS.users] === 'string')
      texts.push(o.data[MEMBERSHIP_LISTS.users] as string);
  }
  return org === undefined
    ? undefined
    : datedAccessOfLines(
        texts.flatMap((t) => [...markedLines(t)]),
        org,
      );
}

/** The record by which `binding` holds `username`'s access, when that access ended before `today`. */
function endedRecord(
  dated: DatedAccess,
  binding: BindingObject,
  username: string,
  today: string,
): MemberGrantExpiry | undefined {
  if (binding.kind !== 'RoleBinding' || !binding.subjects.some((s) => s.kind === 'User' && s.name === username))
    return undefined;
  const record = dated.byUsername
    .get(username)
    ?.find((r) => r.namespace === binding.namespace && r.role === binding.roleRef.name);
  return record && isExpired(record.until, today) ? record : undefined;
}

/**
 * A dated role as a person knows it: what it is (`level`, `custom role`, `own rules`, else `role`)
 * and its name (the level, the custom role's name, else the role as bound). `orgctl members` says
 * the name; a warning says both.
 */
export function datedRole(role: string, org: string): { readonly what: string; readonly name: string } {
  const r = orgRoleOf(org, role);
  if (r.kind === 'level') return { what: 'level', name: r.level };
  if (r.kind === 'custom') return { what: 'custom role', name: r.name };
  return { what: r.kind === 'user-rules' ? 'own rules' : 'role', name: role };
}

/** What a record's role is to a person: `level r:full`, `custom role reader`, `own rules (acme:custom:bob@acme.io)`. */
function accessLabel(role: string, org: string): string {
  const { what, name } = datedRole(role, org);
  return what === 'own rules' ? `own rules (${name})` : `${what} ${name}`;
}

export interface EndedAccess extends MemberGrantExpiry {
  readonly username: string;
  /** The day asked about: after `until`. */
  readonly today: string;
  /** The binding that still grants it: `RoleBinding data/acme:r:full`. */
  readonly binding: string;
  /** What to tell a person: whose access, what, where, when it ended, and what removes it. */
  readonly warning: string;
}

/** The output folder asked about, as a person named it (`dist/`), and the command that writes it again. */
export interface AskedOutput {
  readonly dir: string;
  readonly synth: string;
}

/** The fix, in one place: what removes a binding whose end has passed (the expiry pull request is the repository's). */
const endedAccessFix = (synth: string): string =>
  `run \`${synth}\`${synth === PROJECT_SYNTH ? ' (or merge the expiry pull request)' : ''} so Argo CD removes it`;

function ended(
  record: MemberGrantExpiry,
  binding: BindingObject,
  username: string,
  dated: DatedAccess,
  today: string,
  output: AskedOutput,
): EndedAccess {
  const name = `RoleBinding ${binding.namespace}/${binding.name}`;
  return {
    ...record,
    username,
    today,
    binding: name,
    warning: `${username}'s ${accessLabel(record.role, dated.org)} in namespace ${record.namespace} ended on ${record.until} (its last day), but ${name} in ${output.dir} still grants it, and so does the cluster until it is synthesized again and Argo CD syncs: ${endedAccessFix(output.synth)}`,
  };
}

/**
 * Whether a yes holds only because the output still binds access that has ended: every rule that
 * allows it comes through a binding of `user`'s whose record ended before `today` (another binding,
 * a standing one or one held for good, keeps the answer). The first such binding, the deciding one, is said.
 */
export function endedAnswer(
  authz: Authorizer,
  user: UserInfo,
  attrs: ResourceAttributes,
  decision: Decision,
  dated: DatedAccess | undefined,
  today: string,
  output: AskedOutput,
): EndedAccess | undefined {
  if (!dated?.byUsername.has(user.name) || !decision.by) return undefined;
  const record = endedRecord(dated, decision.by.binding, user.name, today);
  if (!record) return undefined;
  const req = resourceRequestOf(attrs);
  for (const e of authz.rulesFor(user, requestNamespace(attrs)))
    if (ruleAllows(e.rule, req) && !endedRecord(dated, e.binding, user.name, today)) return undefined;
  return ended(record, decision.by.binding, user.name, dated, today, output);
}

/** The access of `username` that `binding` still grants though it ended before `today` (who-can's rows). */
export function endedBinding(
  binding: BindingObject,
  username: string,
  dated: DatedAccess | undefined,
  today: string,
  output: AskedOutput,
): EndedAccess | undefined {
  const record = dated && endedRecord(dated, binding, username, today);
  return record && ended(record, binding, username, dated, today, output);
}
