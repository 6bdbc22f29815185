import type { Membership } from '../../analysis/membership.ts';
import { appliersOf } from '../../model/guard-rails.ts';
import { usernameOf } from '../../model/model.ts';
import {
  declaredAppliedBy,
  NAME_ONLY_ARGOCD,
  organizationIdentity,
  type OrgIdentities,
} from '../org/argocd-identity.ts';
import { earlierSides, type ChangeRule, type RuleResult } from './context.ts';

/** The identities an output's membership gives access to. */
const identitiesOfOutput = (side: Membership): OrgIdentities => ({
  systemNamespace: side.org.systemNamespace,
  namespaces: side.org.namespaces,
  users: [...side.users.values()].map((u) => u.username),
  invitees: [...side.invites.values()].map((i) => usernameOf(side.org, i.email)),
});

/**
 * argocd-identity over what the change leaves behind: head's `appliedBy` naming an identity base
 * gives access to (or the rolling window's older output), which head renames or removes while the
 * cluster keeps it: the token accounts of the system namespace of an organization renamed (their
 * Secrets live until pruned), the accounts of a namespace removed (the Namespace stays,
 * Prune=false), a person removed or under another username prefix (they still log in as it). What
 * head still gives access to is argocd-identity's, said by head-policies.
 */
export const argocdIdentityBase: ChangeRule = {
  id: 'argocd-identity-base',
  check(input) {
    const declared = declaredAppliedBy(input.head.org);
    if (!declared) return [{ rule: this.id, ok: true, message: 'no appliedBy is declared' }];
    const head = identitiesOfOutput(input.head);
    const earlier = earlierSides(input).map(({ label, side }) => ({ label, identities: identitiesOfOutput(side) }));
    const out: RuleResult[] = [];
    for (const username of appliersOf(declared.appliedBy)) {
      if (organizationIdentity(head, username)) continue;
      for (const { label, identities } of earlier) {
        const identity = organizationIdentity(identities, username);
        if (!identity) continue;
        out.push({
          rule: this.id,
          ok: false,
          message: `${declared.field} names ${username}, in ${label} ${identity.why}; head no longer declares it, yet the cluster keeps it: ${identity.stays}; ${declared.effect}; ${NAME_ONLY_ARGOCD}`,
        });
        break;
      }
    }
    return out.length
      ? out
      : [
          {
            rule: this.id,
            ok: true,
            message: `${declared.field} names no identity base gives access to that head no longer declares`,
          },
        ];
  },
};
