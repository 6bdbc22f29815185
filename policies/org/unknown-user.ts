import { at } from '../../model/findings.ts';
import { grantSubject, notAUser, type OrgRule } from './context.ts';
import { indexOf } from '../../model/model-index.ts';
import { byGrantUser } from '../../model/model.ts';
import { nearestNameAmong } from '../../model/text.ts';

/** Grants are for declared users; an invitee's access goes on the invite until it is accepted. */
export const unknownUser: OrgRule = {
  id: 'unknown-user',
  grant(model, _ctx, out) {
    const ix = indexOf(model);
    const declared = byGrantUser(model, (user) => ix.users.has(user), 'memory');
    const meantOf = nearestNameAmong(ix.users.keys());
    return (g, i) => {
      if (declared(g, i)) return;
      // A typo of a declared email is the likelier mistake in a spec: name the one meant.
      const meant = ix.pendingInvites.has(g.user) ? undefined : meantOf(g.user);
      const otherwise = ix.pendingInvites.has(g.user)
        ? 'it is a pending invite: put the access on the invite until it is accepted'
        : 'declare the user first';
      out.push({
        severity: 'error',
        rule: this.id,
        subject: grantSubject(g.user, g.namespace),
        message: `${g.user} ${notAUser(model, meant, otherwise)}`,
        source: at(g.source, '.user'),
      });
    };
  },
};
