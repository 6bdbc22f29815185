/** What every change rule reads: the trusted base, the diff, who acted and who approved. */
import type { AccessDiff, SubjectDiff } from '../../analysis/diff.ts';
import type { MemberUser } from '../../model/membership.ts';
import type { Snapshot } from '../../analysis/snapshot.ts';
import type { RuleId } from '../../model/rules.ts';

export interface ReviewInput {
  /** The trust anchor: membership (who is admin) is read from here only. */
  readonly base: Snapshot;
  readonly head: Snapshot;
  readonly diff: AccessDiff;
  /** GitHub logins of the pull request's author and of every commit's author. */
  readonly actors: readonly string[];
  /** Logins whose latest review is an approval of the head commit. */
  readonly approvals: readonly string[];
  /** Paths the pull request changes; undefined when unknown. */
  readonly changedPaths?: readonly string[];
  /** Rule ids an admin explicitly overrides (e.g. `mass-removal`). */
  readonly overrides: readonly string[];
  /**
   * A rolling window: the diff from an older commit of the base branch (`label`, e.g.
   * `origin/main~10`) to head, so that mass-removal adds up removals split across pull requests.
   */
  readonly window?: { readonly label: string; readonly diff: AccessDiff };
}

export interface RuleResult {
  readonly rule: RuleId;
  readonly ok: boolean;
  /** Why it passes or fails, for people. */
  readonly message: string;
}

/** A rule over a change: its docs, and whether an admin may override it, are in the registry (model/rules.ts). */
export interface ChangeRule {
  readonly id: RuleId;
  readonly check: (input: ReviewInput) => RuleResult[];
}

const lower = (s: string) => s.toLowerCase();

/** The base user behind a GitHub login; a login base does not know is nobody (never an admin). */
function baseUser(input: ReviewInput, login: string): MemberUser | undefined {
  for (const u of input.base.users.values()) if (u.github && lower(u.github) === lower(login)) return u;
  return undefined;
}

export function isBaseAdmin(input: ReviewInput, login: string): boolean {
  const u = baseUser(input, login);
  return !!u && u.admin && u.status === 'active';
}

const isActor = (input: ReviewInput, login: string) => input.actors.some((a) => lower(a) === lower(login));

/** Approvers who are active admins in base, are not actors and are not `except`. */
export function adminApprovers(input: ReviewInput, exceptEmails: readonly string[] = []): string[] {
  return input.approvals.filter((login) => {
    const u = baseUser(input, login);
    return isBaseAdmin(input, login) && !isActor(input, login) && !exceptEmails.includes(u!.email);
  });
}

/**
 * Approvers for an admin-grade change: admins who are not actors (nor `exceptEmails`), counted only
 * when the change has two admins behind it in all, authors included. An author who is no admin
 * (a second GitHub account, a bot, a commit nobody can verify) adds nobody: one admin approving
 * it alone would be one admin deciding what the rules give to two.
 */
export function secondAdminApprovers(input: ReviewInput, exceptEmails: readonly string[] = []): string[] {
  const approvers = adminApprovers(input, exceptEmails);
  if (!approvers.length) return [];
  // Admins behind the change: its admin authors and every admin approving it (the person it
  // concerns may consent, but an approver who is neither an author nor that person is required).
  const involved = new Set(
    [...input.actors, ...input.approvals].filter((l) => isBaseAdmin(input, l)).map((l) => baseUser(input, l)!.email),
  );
  return involved.size >= 2 ? approvers : [];
}

/** Why approvals did not count for an admin-grade change, when that is the reason ('' otherwise). */
export function secondAdminNote(input: ReviewInput, exceptEmails: readonly string[] = []): string {
  const approvers = adminApprovers(input, exceptEmails);
  if (!approvers.length || secondAdminApprovers(input, exceptEmails).length) return '';
  return ` (approved by ${approvers.join(', ')} alone, and no author is another admin: an admin-grade change needs two admins, so a second admin must approve)`;
}

/** Emails that belong to an actor, by GitHub login in base or head. */
export function actorEmails(input: ReviewInput): Set<string> {
  const out = new Set<string>();
  for (const s of [input.base, input.head]) {
    for (const u of s.users.values()) if (u.github && isActor(input, u.github)) out.add(u.email);
  }
  return out;
}

export const changeList = (d: SubjectDiff) => d.changes.map((c) => c.text).join('; ');

/**
 * What edits a subject's privileges: its changes but those implied by another change (an admin's
 * w:full in a namespace added or removed, a token losing a removed namespace); undefined when none.
 */
export function editsOf(d: SubjectDiff): SubjectDiff | undefined {
  const changes = d.changes.filter((c) => !c.implied);
  return changes.length ? (changes.length === d.changes.length ? d : { ...d, changes }) : undefined;
}
