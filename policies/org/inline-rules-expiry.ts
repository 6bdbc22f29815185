import { at } from '../../model/findings.ts';
import { isExpired } from '../../model/model.ts';
import { grantSubject, type OrgRule } from './context.ts';

/**
 * A person's inline rules in one namespace are one Role (named after them), bound while any grant
 * of them holds, and the output records one end for it (MemberUser.expiring): rules ending on
 * different days (or some never) would be recorded as all ending on the last, so one made to last
 * longer, or for good, would change no byte and no review would see it. Refused: one end for all.
 */
export const inlineRulesExpiry: OrgRule = {
  id: 'inline-rules-expiry',
  grantsWith: 'rules',
  grant(_model, { today }, out) {
    // `user\0namespace` → the end of the first grant with rules there ('' for good).
    const ends = new Map<string, string>();
    return (g) => {
      if (!g.rules.length || isExpired(g.expires, today)) return;
      const key = `${g.user}\u0000${g.namespace}`;
      const end = g.expires ?? '';
      const first = ends.get(key);
      if (first === undefined) ends.set(key, end);
      else if (first !== end)
        out.push({
          severity: 'error',
          rule: this.id,
          subject: grantSubject(g.user, g.namespace),
          message: `inline rules ending ${end || 'never'}, where other inline rules of theirs end ${first || 'never'}: orgctl binds them as one Role and records one end for it; give them one end (or none), or make the shorter-lived rules a custom role`,
          source: at(g.source, g.expires === undefined ? '.rules' : '.expires'),
        });
    };
  },
};
