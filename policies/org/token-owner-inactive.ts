import type { Finding } from '../../model/findings.ts';
import { at } from '../../model/findings.ts';
import type { OrgRule } from './context.ts';
import { indexOf } from '../../model/model-index.ts';

/** The seed: removing a user does not remove their tokens. We refuse to leave them silently. */
export const tokenOwnerInactive: OrgRule = {
  id: 'token-owner-inactive',
  check(model) {
    const users = indexOf(model).users;
    const out: Finding[] = [];
    for (const t of model.tokens) {
      if (t.owner === undefined) continue;
      const owner = users.get(t.owner);
      const state = !owner ? 'is no longer a user' : owner.status !== 'active' ? 'is deactivated' : undefined;
      if (state) {
        out.push({
          severity: 'error',
          rule: this.id,
          subject: `tokens/${t.id}`,
          source: at(t.source, '.owner'),
          message: `owner ${t.owner} ${state}, but tokens outlive their user: remove the token or set another owner`,
        });
      }
    }
    return out;
  },
};
