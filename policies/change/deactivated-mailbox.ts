import type { MemberUser } from '../../model/membership.ts';
import type { Snapshot } from '../../analysis/snapshot.ts';
import {
  changeList,
  earlierSides,
  editsOf,
  givesNothing,
  oneMailboxIn,
  ownersGains,
  sharingMailbox,
  type ChangeRule,
  type ReviewInput,
  type RuleResult,
} from './context.ts';

/** A person's changes that only take away: all else gives an address something (an invite too). */
const TAKES_ONLY: ReadonlySet<string> = new Set(['leaves', 'invite-withdrawn', 'invite-revoked']);

/** An address found reaching a gone user's mailbox: what it gains, or (kept) the whole message of what it keeps. */
interface Found {
  readonly email: string;
  readonly what: string;
  readonly kept?: string;
}

/**
 * The users this change makes gone (active in base; deactivated in head, or no longer declared), each
 * to how: the change that takes a person's access is the one to read what their mailbox keeps.
 */
function goneByChange(input: ReviewInput): Map<string, string> {
  const out = new Map<string, string>();
  for (const u of input.base.users.values()) {
    if (u.status === 'deactivated') continue;
    const h = input.head.users.get(u.email);
    if (!h) out.set(u.email, 'removed');
    else if (h.status === 'deactivated') out.set(u.email, 'deactivated');
  }
  return out;
}

/**
 * Whether an active user of `side` holds anything: access its bindings give, admin, billing, Add All,
 * a live token it owns. One holding nothing is left as R95 pinned it (its access taken in the change).
 */
const holdsSomething = (side: Snapshot, u: MemberUser): boolean =>
  u.admin ||
  u.billing ||
  u.access === 'all' ||
  Object.keys(side.access.get(u.username) ?? {}).length > 0 ||
  [...side.tokens.values()].some((t) => t.owner === u.email && t.status !== 'deactivated');

/**
 * R102-1: another address of a user's mailbox declared while they were active (an active user holding something, a
 * pending invitation) is theirs, and harmless then; the change deactivating or removing them leaves
 * it to them, while the comment reads that they leave. One this change gives something is already
 * found (`already`); a deactivated user at such an address is dormant, and its reactivation is judged.
 */
function keptByMailbox(input: ReviewInput, already: readonly Found[]): Found[] {
  const gone = goneByChange(input);
  const personOf = sharingMailbox(input, [...gone.keys()]);
  const seen = new Set(already.map((f) => f.email));
  const out: Found[] = [];
  const keep = (email: string, kept: (person: string, why: string) => string) => {
    const person = personOf.get(email);
    if (person === undefined || person === email || seen.has(email)) return;
    const why = `${person}, ${gone.get(person)!} by this change (${oneMailboxIn(input, email, person)})`;
    out.push({ email, what: '', kept: kept(person, why) });
  };
  for (const u of input.head.users.values())
    if (u.status !== 'deactivated' && holdsSomething(input.head, u))
      keep(
        u.email,
        (person, why) =>
          `${u.email} stays an active user, and reaches the mailbox of ${why}: whatever it holds stays with ${person}: deactivate or remove ${u.email} in this change too (its tokens with it), or keep ${person} active`,
      );
  for (const i of input.head.invites.values())
    if (i.state === 'pending')
      keep(
        i.email,
        (person, why) =>
          `the invitation to ${i.email} stays pending, and it reaches the mailbox of ${why}: whoever reads that mail accepts it: withdraw or revoke the invitation in this change too, or keep ${person} active`,
      );
  return out;
}

/**
 * A user deactivated in base (and not reactivated in head), or by the change, is meant to hold nothing, and
 * so is one removed, by the change or since the rolling window's older output (the seed removes a user
 * "completely": deactivated, then deleted), yet an invitation, a user or a token's owner at another
 * address of their mailbox (`bob+new@acme.io`) is read by them: given access, it gives their access
 * back, while the comment reads a newcomer. The mailbox is read as self-edit reads an author's
 * (sharingMailbox, base's mail domains); the person may be no author the review can name (a second
 * GitHub account, a colleague's pull request).
 */
export const deactivatedMailbox: ChangeRule = {
  id: 'deactivated-mailbox',
  check(input) {
    const { head } = input;
    /** Each user meant to hold nothing, to how they left: `deactivated`, `removed`, `removed since <label>`. */
    const gone = new Map<string, string>();
    for (const u of head.users.values()) if (u.status === 'deactivated') gone.set(u.email, 'deactivated');
    // Removed: in an earlier side, not in head (named by base first, by this change). One still in head is
    // active there (reactivated, then: it holds its own again) or deactivated, and so already gone.
    for (const { label, side } of earlierSides(input))
      for (const u of side.users.values())
        if (!head.users.has(u.email) && !gone.has(u.email))
          gone.set(u.email, label === 'base' ? 'removed' : `removed since ${label}`);
    const personOf = sharingMailbox(input, [...gone.keys()]);
    /** The user gone (deactivated or removed) whose mailbox `email` reaches, when it is another address. */
    const theirs = (email: string): string | undefined => {
      const person = personOf.get(email);
      return person !== undefined && person !== email ? person : undefined;
    };
    const found: Found[] = [];
    for (const d of input.diff.people.map(editsOf))
      if (d && theirs(d.id) && d.changes.some((c) => !givesNothing(c) && !TAKES_ONLY.has(c.kind)))
        found.push({ email: d.id, what: changeList(d) });
    for (const { owner, edits, gained } of ownersGains(input))
      if (theirs(owner)) found.push({ email: owner, what: `token ${edits.id} they own: ${changeList(gained)}` });
    found.push(...keptByMailbox(input, found));
    if (!found.length)
      return [
        {
          rule: this.id,
          ok: true,
          message: "nothing is given to, or left with, another address of a deactivated or removed user's mailbox",
        },
      ];
    return found.map(({ email, what, kept }): RuleResult => {
      if (kept) return { rule: this.id, ok: false, message: kept };
      const person = theirs(email)!;
      const how = gone.get(person)!;
      const back = how === 'deactivated' ? `reactivate ${person}` : `declare ${person} again`;
      return {
        rule: this.id,
        ok: false,
        message: `${email} reaches the mailbox of ${person}, ${how} (${oneMailboxIn(input, email, person)}), and gains: ${what}. What it is given goes back to ${person}: ${back} in this change (the review then says so), or give the access to an address that is not theirs`,
      };
    });
  },
};
