import { at, type Finding } from '../../model/findings.ts';
import { TOKEN_EXPIRY_NOTICE_DAYS } from '../../model/rules.ts';
import type { OrgRule } from './context.ts';
import { daysBetween } from '../../model/model.ts';

/** Tokens that expire soon, or have expired and are left out of the output (their token is dead). */
export const tokenExpiry: OrgRule = {
  id: 'token-expiry',
  check(model, { today }) {
    const out: Finding[] = [];
    for (const t of model.tokens) {
      if (t.expires === undefined) continue;
      const left = daysBetween(today, t.expires);
      const source = at(t.source, '.expires');
      if (left < 0) {
        out.push({
          severity: 'warning',
          rule: this.id,
          subject: `tokens/${t.id}`,
          source,
          message: `expired on ${t.expires}: its ServiceAccount is left out, so the token no longer works; remove it from the declaration`,
        });
      } else if (left <= TOKEN_EXPIRY_NOTICE_DAYS && t.status === 'active') {
        out.push({
          severity: 'warning',
          rule: this.id,
          subject: `tokens/${t.id}`,
          source,
          message: `expires on ${t.expires}, in ${left} day${left === 1 ? '' : 's'}: extend expires or hand over a replacement`,
        });
      }
    }
    return out;
  },
};
