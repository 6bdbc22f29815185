import { type Finding, sourceText } from '../../model/findings.ts';
import { grantUsers, type UserModel } from '../../model/model.ts';
import { indexOf } from '../../model/model-index.ts';
import type { OrgRule } from './context.ts';
import { nearPairs } from './near-duplicates.ts';

/**
 * A pending invite, or a user holding nothing, one slip from another user: the invitation goes to
 * the slip, or the slip was left behind. Two users who both hold something are the review's
 * near-duplicate-user (it knows which is new): said on every check they would be noise.
 */
export const nearDuplicateIdle: OrgRule = {
  id: 'near-duplicate-idle',
  check(model) {
    const { users, pendingInvites: invites } = indexOf(model);
    // The users the grants name, as the finalized model counted them: 10,000 at size L, not 100,000 grants (30 ms).
    const holding = new Set(grantUsers(model)?.keys ?? model.grants.map((g) => g.user));
    for (const t of model.tokens) if (t.owner) holding.add(t.owner.toLowerCase());
    const holds = (u: UserModel) => u.admin || u.billing || u.addAll || holding.has(u.key);
    const idle = model.users.filter((u) => !holds(u)).map((u) => u.key);
    const out: Finding[] = [];
    for (const { given, meant, part } of nearPairs([...users.keys()], [...invites.keys(), ...idle])) {
      const to = users.get(meant)!;
      const invite = invites.get(given);
      // Two idle users: neither holds what a slip would have taken from the other.
      if (!invite && !holds(to)) continue;
      const where = `one slip of the ${part} from user ${to.email} (at ${sourceText(to.source)}): did you mean ${to.email}?`;
      if (invite)
        out.push({
          severity: 'warning',
          rule: this.id,
          subject: `invites/${invite.email}`,
          message: `pending invite ${invite.email} is ${where} The invitation goes to ${invite.email} as declared; if you meant ${to.email}, a member already, put the invite's access on them and remove the invite; if it is another person, nothing to do`,
          source: sourceText(invite.source),
        });
      else {
        const u = users.get(given)!;
        out.push({
          severity: 'warning',
          rule: this.id,
          subject: `users/${u.email}`,
          message: `user ${u.email} holds nothing (no grant, not admin, no billing) and is ${where} If so, remove ${u.email} (a grant meant for ${to.email} may name it); if it is another person, nothing to do`,
          source: sourceText(u.source),
        });
      }
    }
    return out;
  },
};
