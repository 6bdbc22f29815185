import type { Finding } from '../../model/findings.ts';
import { at } from '../../model/findings.ts';
import type { OrgRule } from './context.ts';

/** The seed: an invite from the console lets the invitee log in without SSO. */
export const inviteWithoutSso: OrgRule = {
  id: 'invite-without-sso',
  check(model) {
    return model.invites
      .filter((i) => i.state === 'pending' && !i.sso)
      .map(
        (i): Finding => ({
          severity: model.ssoEnforced ? 'error' : 'warning',
          rule: this.id,
          subject: `invites/${i.email}`,
          message: model.ssoEnforced
            ? 'the organization enforces SSO: send the invite through the identity provider (sso: true)'
            : 'the invitee can log in without SSO (set sso: true to invite through the identity provider)',
          source: at(i.source, '.sso'),
        }),
      );
  },
};
