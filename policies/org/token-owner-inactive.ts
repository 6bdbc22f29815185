import type { Finding } from '../../model/findings.ts';
import { at } from '../../model/findings.ts';
import { notAUser, type OrgRule } from './context.ts';
import { indexOf } from '../../model/model-index.ts';
import { nearestNameAmong } from '../../model/text.ts';

/**
 * The seed: removing a user does not remove their tokens ("deactivate the user's account and any
 * Access Tokens associated to that user"). We refuse to leave them silently: a token whose owner is
 * gone or deactivated is deactivated too, removed, or given another owner.
 */
export const tokenOwnerInactive: OrgRule = {
  id: 'token-owner-inactive',
  check(model) {
    const users = indexOf(model).users;
    const meantOf = nearestNameAmong(users.keys());
    const out: Finding[] = [];
    for (const t of model.tokens) {
      if (t.owner === undefined || t.status === 'deactivated') continue;
      const owner = users.get(t.owner);
      // Without a base, a check cannot tell a removed owner from one never declared (a login, a slip).
      const meant = owner ? undefined : meantOf(t.owner);
      const state = !owner
        ? notAUser(model, meant, 'removed, or never declared')
        : owner.status !== 'active'
          ? 'is deactivated'
          : undefined;
      if (state) {
        out.push({
          severity: 'error',
          rule: this.id,
          subject: `tokens/${t.id}`,
          source: at(t.source, '.owner'),
          message: `owner ${t.owner} ${state}, but tokens outlive their user: deactivate the token (token.deactivate(), or status: deactivated), remove it, or set another owner and raise its rotation in the same change (the old owner holds the token value)`,
        });
      }
    }
    return out;
  },
};
