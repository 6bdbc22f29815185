import type { MemberUser } from '../../model/membership.ts';
import type { Snapshot } from '../../analysis/snapshot.ts';
import { isLiveToken } from '../../model/model.ts';
import {
  changeList,
  earlierSides,
  editsOf,
  givesNothing,
  mailboxIn,
  oneMailboxIn,
  ownersGains,
  sharingMailbox,
  type ChangeRule,
  type ReviewInput,
  type RuleResult,
} from './context.ts';

/** A person's changes that only take away: all else gives an address something (an invite too). */
const TAKES_ONLY: ReadonlySet<string> = new Set(['leaves', 'invite-withdrawn', 'invite-revoked']);

/** How a user's standing is lowered by this change, short of leaving: they stay, not as an admin. */
const DEMOTED = 'no longer admin';

/**
 * The users whose standing this change lowers, each to how: gone (active in base; deactivated in
 * head, or no longer declared), or no longer admin (R102-3). The change that takes a person's access
 * is the one to read what their mailbox keeps.
 */
function loweredByChange(input: ReviewInput): Map<string, string> {
  const out = new Map<string, string>();
  for (const u of input.base.users.values()) {
    if (u.status === 'deactivated') continue;
    const h = input.head.users.get(u.email);
    if (!h) out.set(u.email, 'removed');
    else if (h.status === 'deactivated') out.set(u.email, 'deactivated');
    else if (u.admin && !h.admin) out.set(u.email, DEMOTED);
  }
  return out;
}

/**
 * Whether an active user of `side` holds anything: access its bindings give, admin, billing, Add All,
 * a token it owns that is live on the review's date. One holding nothing is left as R95 pinned it
 * (its access taken in the change); a dead token is no access, and its renewal or reactivation a
 * gain this rule judges then (R108-3).
 */
const holdsSomething = (side: Snapshot, u: MemberUser, today: string): boolean =>
  u.admin ||
  u.billing ||
  u.access === 'all' ||
  Object.keys(side.access.get(u.username) ?? {}).length > 0 ||
  [...side.tokens.values()].some((t) => t.owner === u.email && isLiveToken(t, today));

/**
 * R102-1: another address of a user's mailbox declared while they were active (an active user holding
 * something, a pending invitation) is theirs, and harmless then; the change deactivating or removing
 * them leaves it to them, while the comment reads that they leave. R102-3: one no longer admin keeps
 * being one through such an address that is an admin, or invited as one. One this change gives
 * something is already found (`seen`); a deactivated user at such an address is dormant, and its
 * reactivation is judged.
 */
function keptByMailbox(input: ReviewInput, seen: ReadonlySet<string>): string[] {
  const lowered = loweredByChange(input);
  const personOf = sharingMailbox(input, [...lowered.keys()]);
  const out: string[] = [];
  /** `email`'s person, how they are lowered, and why the address is theirs; undefined when it is no other address of such a person. */
  const loweredOf = (email: string) => {
    const person = personOf.get(email);
    if (person === undefined || person === email || seen.has(email)) return undefined;
    const how = lowered.get(person)!;
    return { person, how, why: `${person}, ${how} by this change (${oneMailboxIn(input, email, person)})` };
  };
  for (const u of input.head.users.values()) {
    const g = u.status === 'deactivated' ? undefined : loweredOf(u.email);
    if (!g) continue;
    if (g.how === DEMOTED) {
      // Made admin here, it is judged as such (two admins): an admin moved to another address of theirs.
      if (u.admin && input.base.users.get(u.email)?.admin)
        out.push(
          `${u.email} stays an admin, and reaches the mailbox of ${g.why}: every admin privilege stays with ${g.person}: make ${u.email} no admin in this change too, or keep ${g.person} an admin`,
        );
    } else if (holdsSomething(input.head, u, input.today))
      out.push(
        `${u.email} stays an active user, and reaches the mailbox of ${g.why}: whatever it holds stays with ${g.person}: deactivate or remove ${u.email} in this change too (its tokens with it), or keep ${g.person} active`,
      );
  }
  for (const i of input.head.invites.values()) {
    const g = i.state === 'pending' ? loweredOf(i.email) : undefined;
    if (g && (g.how !== DEMOTED || (i.admin && input.base.invites.get(i.email)?.admin)))
      out.push(
        `the invitation to ${i.email}${i.admin ? ' as admin' : ''} stays pending, and it reaches the mailbox of ${g.why}: whoever reads that mail accepts it: withdraw or revoke the invitation in this change too, or keep ${g.person} ${g.how === DEMOTED ? 'an admin' : 'active'}`,
      );
  }
  return out;
}

/**
 * A user deactivated in base (and not reactivated in head), or by the change, is meant to hold nothing, and
 * so is one removed, by the change or since the rolling window's older output (the seed removes a user
 * "completely": deactivated, then deleted), yet an invitation, a user or a token's owner at another
 * address of their mailbox (`bob+new@acme.io`) is read by them: given access, it gives their access
 * back, while the comment reads a newcomer. The mailbox is read as self-edit reads an author's
 * (sharingMailbox, base's mail domains); the person may be no author the review can name (a second
 * GitHub account, a colleague's pull request). What such an address keeps when its person leaves or
 * is no longer admin is read too (keptByMailbox).
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
    /**
     * The user gone (deactivated or removed) whose mailbox `email` reaches, when it is another address
     * and the mailbox is not an active user's own address: `frank+ops@` deactivated is delivered to
     * `frank@`'s mailbox, so what `frank@` (active) or another address of it gains stays with frank,
     * no one gone (R108 item 4: every gain of frank's own failed, no approval lifting it).
     */
    const theirs = (email: string): string | undefined => {
      const person = personOf.get(email);
      if (person === undefined || person === email) return undefined;
      return head.users.get(mailboxIn(input, email))?.status === 'active' ? undefined : person;
    };
    const found: { email: string; what: string }[] = [];
    for (const d of input.diff.people.map(editsOf))
      if (d && theirs(d.id) && d.changes.some((c) => !givesNothing(c) && !TAKES_ONLY.has(c.kind)))
        found.push({ email: d.id, what: changeList(d) });
    for (const { owner, edits, gained } of ownersGains(input))
      if (theirs(owner)) found.push({ email: owner, what: `token ${edits.id} they own: ${changeList(gained)}` });
    const gains = found.map(({ email, what }): RuleResult => {
      const person = theirs(email)!;
      const how = gone.get(person)!;
      const back = how === 'deactivated' ? `reactivate ${person}` : `declare ${person} again`;
      return {
        rule: this.id,
        ok: false,
        message: `${email} reaches the mailbox of ${person}, ${how} (${oneMailboxIn(input, email, person)}), and gains: ${what}. What it is given goes back to ${person}: ${back} in this change (the review then says so), or give the access to an address that is not theirs`,
      };
    });
    const kept = keptByMailbox(input, new Set(found.map((f) => f.email))).map(
      (message): RuleResult => ({ rule: this.id, ok: false, message }),
    );
    if (!gains.length && !kept.length)
      return [
        {
          rule: this.id,
          ok: true,
          message: "nothing is given to, or left with, another address of a deactivated or removed user's mailbox",
        },
      ];
    return [...gains, ...kept];
  },
};
