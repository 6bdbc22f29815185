import type { SubjectDiff } from '../../analysis/diff.ts';
import { tokenCells } from '../../analysis/snapshot.ts';
import {
  actorEmails,
  changeList,
  clusterReach,
  gainsOf,
  givesNothing,
  personReach,
  reachedIn,
  reachText,
  editsOf,
  oneMailboxIn,
  sharingMailbox,
  remedyFor,
  unattributed,
  type ChangeRule,
  type RuleResult,
} from './context.ts';

/**
 * The seed: administrators may not edit their own privileges; another administrator must. A
 * token an author owns counts when the change gives it (so its owner) something.
 */
export const selfEdit: ChangeRule = {
  id: 'self-edit',
  check(input) {
    // An author's own addresses, and every address sharing an author's mailbox (R62-1).
    const authorOf = actorEmails(input);
    const mine: ReadonlySet<string> = new Set(authorOf.keys());
    /** Why an address of an author's mailbox that is not the author's own is theirs; undefined for their own. */
    const sharesWithAuthor = (email: string): string | undefined => {
      const author = authorOf.get(email)!;
      return author === email
        ? undefined
        : `shares a mailbox with ${author}, an author of this change (${oneMailboxIn(input, email, author)})`;
    };
    const authorText = (email: string): string => {
      const shares = sharesWithAuthor(email);
      return shares ? `${email} ${shares}, and` : `${email} is an author of this change and`;
    };
    const ownerText = (email: string): string => {
      const shares = sharesWithAuthor(email);
      return shares ? `${email}, who ${shares}` : `${email}, an author of this change`;
    };
    const out: RuleResult[] = [];
    // Implied changes are not edits: an admin adding a namespace gains w:full there as every admin does.
    const people = input.diff.people.map(editsOf).filter((d) => d !== undefined);
    const tokens = input.diff.tokens.map(editsOf).filter((d) => d !== undefined);
    const ownersOf = (id: string) =>
      [input.base.tokens.get(id)?.owner, input.head.tokens.get(id)?.owner].filter((o): o is string => !!o);
    for (const p of people) {
      if (mine.has(p.id))
        out.push({
          rule: this.id,
          ok: false,
          message: `${authorText(p.id)} changes their own privileges: ${changeList(p)}. An admin who is not an author of it must make this change.`,
        });
    }
    for (const t of tokens.map((d) => gainsOf(d, mine)).filter((d) => d !== undefined)) {
      const owner = ownersOf(t.id).find((o) => mine.has(o));
      if (owner)
        out.push({
          rule: this.id,
          ok: false,
          message: `token ${t.id} belongs to ${ownerText(owner)}: ${changeList(t)}. An admin who is not an author of it must make this change.`,
        });
    }
    // Access reaching another cluster (a namespace joining one, a cluster added): an author's own
    // grants, and their tokens', go with it. An admin's w:full follows every namespace, as every
    // admin's does: implied, not an edit; what they are granted beside it is theirs (red team Y1).
    const reach = clusterReach(input);
    if (reach.length) {
      for (const email of mine) {
        const u = input.head.users.get(email);
        const where = u ? reachText(personReach(input, reach, u)) : '';
        if (where)
          out.push({
            rule: this.id,
            ok: false,
            message: `${authorText(email)} changes their own privileges: access now also in ${where}. An admin who is not an author of it must make this change.`,
          });
      }
      for (const t of input.head.tokens.values()) {
        if (!t.owner || !mine.has(t.owner)) continue;
        const where = reachText(reachedIn(reach, tokenCells(input.head, t)));
        if (where)
          out.push({
            rule: this.id,
            ok: false,
            message: `token ${t.id} belongs to ${ownerText(t.owner)}: its access now also in ${where}. An admin who is not an author of it must make this change.`,
          });
      }
    }
    // A commit nobody can attribute may be anyone's: an admin it gives something (or a token an
    // admin owns) may have made it. Whoever else gains is judged by the admin approving them.
    const unknown = unattributed(input);
    if (unknown) {
      // An admin on either side (one made admin here may have made it too), and whoever shares their mailbox.
      const adminOf = sharingMailbox(
        input,
        [...input.base.users.values(), ...input.head.users.values()].filter((u) => u.admin).map((u) => u.email),
      );
      const adminInEither: ReadonlySet<string> = new Set(adminOf.keys());
      const adminText = (email: string) =>
        adminOf.get(email) === email
          ? `admin ${email}`
          : `${email}, sharing a mailbox with admin ${adminOf.get(email)}`;
      const unknownMaker = (who: string, gains: SubjectDiff) =>
        `${who}: ${changeList(gains)}; the maker of ${unknown} is unknown and may be them. An admin's privileges change only by a change another admin makes: ${remedyFor(input)}.`;
      for (const p of people) {
        const gains = p.changes.filter((c) => !givesNothing(c));
        if (!mine.has(p.id) && gains.length && adminInEither.has(p.id))
          out.push({ rule: this.id, ok: false, message: unknownMaker(adminText(p.id), { ...p, changes: gains }) });
      }
      // A token handed to an admin is that admin's gain (the maker may be them): as if they were an author.
      const mayBeMine = new Set([...mine, ...adminInEither]);
      for (const t of tokens.map((d) => gainsOf(d, mayBeMine)).filter((d) => d !== undefined)) {
        const owner = ownersOf(t.id).find((o) => !mine.has(o) && adminInEither.has(o));
        if (owner)
          out.push({ rule: this.id, ok: false, message: unknownMaker(`token ${t.id} of ${adminText(owner)}`, t) });
      }
    }
    return out.length ? out : [{ rule: this.id, ok: true, message: "no author's own privileges change" }];
  },
};
