import { findLevel } from '../../constructs/catalog.ts';
import { at, type Finding } from '../findings.ts';
import { grantSubject, indexOf, type OrgRule } from './context.ts';

const reserved = (levelId: string): string => {
  const level = findLevel(levelId)!;
  return `${level.id} is reserved for admins: ${level.reservedBecause} (make the user an admin, or ask support)`;
};

/** Admin-only levels (w:pods, w:full and every level that runs code) held by anyone but an admin. */
export const forbiddenGrant: OrgRule = {
  id: 'forbidden-grant',
  description: 'an admin-only level (w:pods, w:full, or any level that lets a subject run code) granted to a non-admin',
  check(model) {
    const ix = indexOf(model);
    const out: Finding[] = [];
    const judge = (subject: () => string, source: string, levels: readonly string[], roles: readonly string[]) => {
      levels.forEach((l, i) => {
        if (findLevel(l)?.adminOnly) out.push({ severity: 'error', rule: this.id, subject: subject(), message: reserved(l), source: at(source, `.levels[${i}]`) });
      });
      for (const r of roles) {
        for (const l of ix.roles.get(r)?.levels ?? []) {
          if (findLevel(l)?.adminOnly) {
            out.push({ severity: 'error', rule: this.id, subject: subject(), message: `role ${r} includes ${reserved(l)}`, source });
          }
        }
      }
    };
    for (const g of model.grants) {
      const user = ix.users.get(g.user);
      if (user && !user.admin) judge(() => grantSubject(g.user, g.namespace), g.source, g.levels, g.roles);
    }
    for (const inv of model.invites) {
      if (inv.admin || inv.state !== 'pending') continue;
      for (const g of inv.grants) judge(() => `invites/${inv.key} → ${g.namespace}`, g.source, g.levels, g.roles);
    }
    return out;
  },
};
