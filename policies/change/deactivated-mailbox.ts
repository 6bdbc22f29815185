import {
  changeList,
  earlierSides,
  editsOf,
  givesNothing,
  oneMailboxIn,
  ownersGains,
  sharingMailbox,
  type ChangeRule,
  type RuleResult,
} from './context.ts';

/** A person's changes that only take away: all else gives an address something (an invite too). */
const TAKES_ONLY: ReadonlySet<string> = new Set(['leaves', 'invite-withdrawn', 'invite-revoked']);

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
    const found: { email: string; what: string }[] = [];
    for (const d of input.diff.people.map(editsOf))
      if (d && theirs(d.id) && d.changes.some((c) => !givesNothing(c) && !TAKES_ONLY.has(c.kind)))
        found.push({ email: d.id, what: changeList(d) });
    for (const { owner, edits, gained } of ownersGains(input))
      if (theirs(owner)) found.push({ email: owner, what: `token ${edits.id} they own: ${changeList(gained)}` });
    if (!found.length)
      return [
        {
          rule: this.id,
          ok: true,
          message: "nothing is given to another address of a deactivated or removed user's mailbox",
        },
      ];
    return found.map(({ email, what }): RuleResult => {
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
