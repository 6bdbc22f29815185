import { adminApprovers, isBaseAdmin, type ChangeRule } from './context.ts';

/** The seed: only administrators manage the organization. */
export const actorNotAdmin: ChangeRule = {
  id: 'actor-not-admin',
  check(input) {
    const outsiders = input.actors.filter((a) => !isBaseAdmin(input, a));
    if (!outsiders.length) return [{ rule: this.id, ok: true, message: 'every actor is an active admin in base' }];
    const approvers = adminApprovers(input);
    return [
      {
        rule: this.id,
        ok: approvers.length > 0,
        message: approvers.length
          ? `${outsiders.join(', ')} ${outsiders.length === 1 ? 'is' : 'are'} not an admin in base; approved by admin ${approvers.join(', ')}`
          : `${outsiders.join(', ')} ${outsiders.length === 1 ? 'is' : 'are'} not an admin in base: an admin who is not an author must approve the head commit`,
      },
    ];
  },
};
