/** Who acted and who approved, from a pull request's commits and reviews (GitHub's rules). */
import { loginKey, unnamedActor } from '../policies/change/context.ts';
import { nameRecord } from '../model/own-keys.ts';

interface ReviewRecord {
  readonly login: string;
  /** APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED, PENDING. */
  readonly state: string;
  readonly commitId: string;
}

/**
 * Approvals that count: each reviewer's latest review that is not a plain comment, when it is
 * APPROVED and on the head commit. An approval of an older commit is stale; a later request
 * for changes or a dismissal withdraws it. Reviews come in chronological order.
 */
export function validApprovals(reviews: readonly ReviewRecord[], headSha: string): string[] {
  const latest = new Map<string, ReviewRecord>();
  for (const r of reviews) {
    if (r.state === 'COMMENTED' || r.state === 'PENDING') continue;
    latest.set(loginKey(r.login), r);
  }
  return [...latest.values()]
    .filter((r) => r.state === 'APPROVED' && r.commitId === headSha)
    .map((r) => r.login)
    .sort();
}

/**
 * The pull request's author and every commit author. A commit whose author has no GitHub
 * account still acted: it counts as an actor nobody can match to an admin.
 */
export function actorsOf(author: string, commitAuthors: readonly (string | null)[]): string[] {
  return distinctLogins([
    author,
    ...commitAuthors.map((login, i) => login ?? unnamedActor(`commit ${i + 1}: author without a GitHub account`)),
  ]);
}

/** Distinct logins in their order, the first spelling of each (GitHub compares logins case-insensitively). */
export function distinctLogins(logins: readonly string[]): string[] {
  const out = new Map<string, string>();
  for (const login of logins) if (!out.has(loginKey(login))) out.set(loginKey(login), login);
  return [...out.values()];
}

/** Overrides are pull-request labels `orgctl/override-<rule>`. */
const OVERRIDE_LABEL_PREFIX = 'orgctl/override-';
/** GitHub holds one label whatever its case: read in lower case, as its events are. */
export function overridesOf(labels: readonly string[]): string[] {
  return labels
    .map((l) => l.toLowerCase())
    .filter((l) => l.startsWith(OVERRIDE_LABEL_PREFIX))
    .map((l) => l.slice(OVERRIDE_LABEL_PREFIX.length));
}

/** One of a pull request's issue events (labels, reopening, readying), as far as the review is concerned. */
interface LabelEvent {
  readonly id: number;
  readonly created_at: string;
  readonly event: string;
  readonly label?: { readonly name?: string };
  readonly actor?: { readonly login?: string } | null;
}

/**
 * Events in the order they happened (GitHub documents no order for a list of issue events, so it is
 * not trusted: red team G5): by time, then by id, which GitHub gives events in turn.
 */
const inOrder = (events: readonly LabelEvent[]): LabelEvent[] =>
  [...events].sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || a.id - b.id);

/**
 * Who last applied each override label, by rule id, from the events in the order they happened: the one whose
 * act the label on the pull request now is (an earlier labeller's was removed with the label).
 * A label whose last event removed it, or names nobody, was applied by nobody the events name:
 * events keep a label's name as it was, so a label renamed at repository level into the override's
 * name is on the pull request with no event naming it, and an earlier labeller's act was undone.
 */
export function overrideAppliers(events: readonly LabelEvent[]): Record<string, string> {
  // Keyed by a name from a label: a plain object reads `__proto__` and `constructor` as Object's (R13-F1).
  const by = nameRecord<string>();
  for (const e of inOrder(events)) {
    // overridesOf reads a name whatever its case (a rename may change only that).
    const [rule] = e.event === 'labeled' || e.event === 'unlabeled' ? overridesOf([e.label?.name ?? '']) : [];
    if (rule === undefined) continue;
    if (e.event === 'labeled' && e.actor?.login) by[rule] = e.actor.login;
    else delete by[rule];
  }
  return by;
}

/** The issue events by which someone puts a pull request up for merging again. */
const PROPOSING_EVENTS = ['reopened', 'ready_for_review'] as const;

/**
 * Who last reopened the pull request and who last marked it ready for review, from its events in
 * the order they happened: each puts it up for merging as its author's did, so each acts (red team
 * R17-2: a writer reopened an admin's pull request the admin had withdrawn, and the admin still
 * "proposed" it). `unnamed`: the actor for an event naming no account (one since deleted).
 */
export function proposingActors(events: readonly LabelEvent[], unnamed: (event: string) => string): string[] {
  const last = new Map<string, string>();
  for (const e of inOrder(events))
    if ((PROPOSING_EVENTS as readonly string[]).includes(e.event))
      last.set(e.event, e.actor?.login || unnamed(e.event));
  return distinctLogins([...last.values()]);
}
