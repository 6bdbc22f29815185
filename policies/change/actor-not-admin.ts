import {
  adminApprovers,
  beneficiaries,
  heldByOthers,
  isBaseAdmin,
  uncountedApprovals,
  type ChangeRule,
} from './context.ts';

/**
 * The seed: only administrators manage the organization. A change an actor who is no admin makes
 * needs an admin's approval, and an approver the change gives something (their own access, a
 * token they own or are handed) does not count: that is deciding their own privileges.
 */
export const actorNotAdmin: ChangeRule = {
  id: 'actor-not-admin',
  check(input) {
    const outsiders = input.actors.filter((a) => !isBaseAdmin(input, a));
    if (!outsiders.length) return [{ rule: this.id, ok: true, message: 'every actor is an active admin in base' }];
    const gaining = beneficiaries(input);
    const approvers = adminApprovers(input, [...gaining]);
    const self = adminApprovers(input).filter((a) => !approvers.includes(a));
    const who = `${outsiders.join(', ')} ${outsiders.length === 1 ? 'is' : 'are'} not an admin in base${heldByOthers(input, outsiders)}`;
    return [
      {
        rule: this.id,
        ok: approvers.length > 0,
        message: approvers.length
          ? `${who}; approved by admin ${approvers.join(', ')}`
          : `${who}: an admin who is not an author must approve the head commit${self.length ? ` (${self.join(', ')} approved, but the change gives them something: another admin)` : ''}${uncountedApprovals(input)}`,
      },
    ];
  },
};
