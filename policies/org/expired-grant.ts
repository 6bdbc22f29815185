import { at } from '../../model/findings.ts';
import { isExpired } from '../../model/model.ts';
import { grantSubject, type OrgRule } from './context.ts';

/**
 * Expired grants are not synthesized; the warning asks for the line to be removed, or its date
 * fixed when the change adds it. A warning, not an error: the declaration alone cannot tell a
 * grant added with a past date from one that ended with time, which the expiry workflow's
 * `orgctl check` and `synth` must pass with (its pull request takes the binding out of dist/),
 * and which no later pull request should fail for.
 */
export const expiredGrant: OrgRule = {
  id: 'expired-grant',
  grantsWith: 'expires',
  grant(_model, { today }, out) {
    return (g) => {
      if (isExpired(g.expires, today))
        out.push({
          severity: 'warning',
          rule: this.id,
          subject: grantSubject(g.user, g.namespace),
          message: `expired on ${g.expires} (today is ${today}): binds nothing, so it is not synthesized; remove it, or, if this change adds it, give it the date it should end on`,
          source: at(g.source, '.expires'),
        });
    };
  },
};
