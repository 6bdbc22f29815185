import { nearPairs } from '../org/near-duplicates.ts';
import { skeletonOf } from '../org/lookalikes.ts';
import type { ChangeRule, RuleResult } from './context.ts';

/**
 * A user or pending invitee new in head one slip from a user of base that head keeps:
 * `org.user('pet@exmaple.com').grant(...)` beside pet@example.com declares another person (invited,
 * given the grant) and leaves pet as he was, and the diff reads as an ordinary newcomer. A
 * warning: a new person one letter from another is often real (`ann`, `anne`). What reads as one
 * (the same skeleton) is lookalike-identity's error, not said twice.
 */
export const nearDuplicateUser: ChangeRule = {
  id: 'near-duplicate-user',
  check(input) {
    const { base, head } = input;
    const isNew = (email: string) => !base.users.has(email) && !base.invites.has(email);
    const added = [
      ...[...head.users.keys()].filter(isNew),
      ...[...head.invites].filter(([e, i]) => i.state === 'pending' && !head.users.has(e) && isNew(e)).map(([e]) => e),
    ];
    // Most changes bring no one in: then base's users are not read.
    const kept = added.length ? [...base.users.keys()].filter((e) => head.users.has(e)) : [];
    const slips = nearPairs(kept, added).filter((p) => skeletonOf(p.given) !== skeletonOf(p.meant));
    if (!slips.length)
      return [{ rule: this.id, ok: true, message: 'no user or invitee new in head is one slip from a user of base' }];
    return slips.map(({ given, meant, part }): RuleResult => {
      const [kind, declared] = head.users.has(given)
        ? ['users', '`org.user(...)`, or `spec.users`']
        : ['invites', '`org.invite(...)`, or `spec.invites`'];
      return {
        rule: this.id,
        ok: true,
        warning: true,
        message: `${kind}/${given} (new in head) is one slip of the ${part} from user ${meant} (in base and head): did you mean ${meant}? As declared, ${given} is another person, invited and given what was declared for them, and ${meant} is unchanged. If you meant ${meant}, correct the email where ${given} is declared (${declared}), then its grants go to ${meant}; if ${given} is another person, nothing to do`,
      };
    });
  },
};
