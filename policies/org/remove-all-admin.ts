import { at, type Finding } from '../../model/findings.ts';
import type { OrgRule } from './context.ts';

/**
 * The seed's "Remove All" takes away what a person was granted; an admin holds `w:full` in every
 * namespace by being an admin (standingOf), which Remove All does not touch. Declared together,
 * the intent (this person loses access) and the effect (nothing changes) disagree: refused.
 */
export const removeAllAdmin: OrgRule = {
  id: 'remove-all-admin',
  check(model) {
    const out: Finding[] = [];
    for (const u of model.users) {
      if (!u.admin || !u.removeAll) continue;
      out.push({
        severity: 'error',
        rule: this.id,
        subject: `users/${u.email}`,
        source: at(u.source, '.access'),
        message: `${u.email} is an admin, and Remove All takes nothing from an admin (admins hold w:full in every namespace by being admins): remove admin (another admin approves) or deactivate the user; or drop Remove All`,
      });
    }
    return out;
  },
};
