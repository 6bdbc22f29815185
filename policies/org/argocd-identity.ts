import { serviceAccountOf } from '../../analysis/authorizer.ts';
import type { Finding } from '../../model/findings.ts';
import { sourceText } from '../../model/findings.ts';
import { appliersOf } from '../../model/guard-rails.ts';
import { usernameOf, type OrgModel } from '../../model/model.ts';
import type { OrgRule } from './context.ts';

/**
 * Why `username` is someone the organization gives access to, or undefined: a person (a user or
 * an invite), a ServiceAccount of its system namespace (every token's) or of a namespace it
 * declares (whoever may run pods as it, or ask a token for it, there acts as it).
 */
function organizationIdentity(model: OrgModel, username: string): string | undefined {
  const sa = serviceAccountOf(username);
  if (sa?.namespace === model.systemNamespace)
    return `a ServiceAccount of the organization's system namespace ${model.systemNamespace} (its tokens'): whoever holds its token acts as it`;
  if (sa && model.namespaces.some((n) => n.name === sa.namespace))
    return `a ServiceAccount of ${sa.namespace}, a namespace of the organization: whoever may run pods as it or ask a token for it there acts as it`;
  const user = model.users.find((u) => sameLetters(usernameOf(model, u.key), username));
  if (user) return `a user of the organization${caseOf(usernameOf(model, user.key), username)}`;
  const invite = model.invites.find((i) => sameLetters(usernameOf(model, i.key), username));
  if (invite) return `an invitee of the organization${caseOf(usernameOf(model, invite.key), username)}`;
  return undefined;
}

/**
 * Whether two usernames are the same but for letter case: orgctl binds a person's lower-cased
 * email, while an identity provider that keeps the case an address was registered in logs them in
 * as that, which namespace protection compares exactly.
 */
const sameLetters = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** How `username` differs from the person's `bound` one, for the finding: only ever in case. */
const caseOf = (bound: string, username: string): string =>
  bound === username ? '' : ` (${bound}, in another letter case)`;

/**
 * `appliedBy` names only Argo CD. Namespace protection refuses deleting or relabelling the
 * organization's namespaces to everyone but whom it names, so a person or an account of the
 * organization named there holds what only orgctl should; the boundary, naming them, would judge
 * their writes as Argo CD's. The boundary's own list is checked when there is no protection (with
 * both, constructs/guard-rails.ts makes them the same).
 */
export const argocdIdentity: OrgRule = {
  id: 'argocd-identity',
  check(model) {
    const declared = model.namespaceProtection
      ? {
          field: 'namespaceProtection.appliedBy',
          spec: 'spec.namespaceProtection.appliedBy',
          appliedBy: model.namespaceProtection.appliedBy,
          effect: `namespace protection lets whoever appliedBy names delete or relabel every namespace of ${model.name}`,
        }
      : model.argocd?.boundary
        ? {
            field: 'delivery.argocd.boundary.appliedBy',
            spec: 'spec.delivery.argocd.boundary.appliedBy',
            appliedBy: model.argocd.boundary.appliedBy,
            effect: `the boundary judges the writes of whom appliedBy names as Argo CD's, and namespace protection, once declared, must name the same and lets them delete or relabel every namespace of ${model.name}`,
          }
        : undefined;
    if (!declared) return [];
    const out: Finding[] = [];
    for (const username of appliersOf(declared.appliedBy)) {
      const why = organizationIdentity(model, username);
      if (why)
        out.push({
          severity: 'error',
          rule: this.id,
          subject: `organization/${model.name}`,
          source: 'spec' in model.source ? declared.spec : sourceText(model.source),
          message: `${declared.field} names ${username}, ${why}; ${declared.effect}; name only the identities Argo CD applies with`,
        });
    }
    return out;
  },
};
