import { at } from '../../model/findings.ts';
import { isExpired } from '../../model/model.ts';
import { grantSubject, type OrgRule } from './context.ts';

/** Expired grants are not synthesized; the warning asks for the line to be removed. */
export const expiredGrant: OrgRule = {
  id: 'expired-grant',
  grant(_model, { today }, out) {
    return (g) => {
      if (isExpired(g.expires, today))
        out.push({
          severity: 'warning',
          rule: this.id,
          subject: grantSubject(g.user, g.namespace),
          message: `expired on ${g.expires} (today is ${today}): not synthesized; remove it`,
          source: at(g.source, '.expires'),
        });
    };
  },
};
