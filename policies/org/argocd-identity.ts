import { serviceAccountOf } from '../../analysis/authorizer.ts';
import type { Finding } from '../../model/findings.ts';
import { sourceText } from '../../model/findings.ts';
import { appliersOf } from '../../model/guard-rails.ts';
import type { AppliedBy } from '../../model/guard-rails.ts';
import { usernameOf, type OrgModel } from '../../model/model.ts';
import type { OrgRule } from './context.ts';

/**
 * Whom an organization gives access to by name, as `appliedBy` is judged against: read from the
 * model (argocd-identity), or from an output's membership (argocd-identity-base, over base's).
 */
export interface OrgIdentities {
  readonly systemNamespace: string;
  readonly namespaces: readonly string[];
  /** Each user's Kubernetes username. */
  readonly users: readonly string[];
  /** Each invitee's Kubernetes username. */
  readonly invitees: readonly string[];
}

/** What `appliedBy` names is: why it is the organization's, and why it outlives a change that removes it. */
interface OrgIdentity {
  readonly why: string;
  /** What stays in the cluster, or with the person, once the organization no longer declares it. */
  readonly stays: string;
}

/**
 * Why `username` is someone the organization gives access to, or undefined: a person (a user or
 * an invite), a ServiceAccount of its system namespace (every token's) or of a namespace it
 * declares (whoever may run pods as it, or ask a token for it, there acts as it).
 */
export function organizationIdentity(org: OrgIdentities, username: string): OrgIdentity | undefined {
  const sa = serviceAccountOf(username);
  if (sa?.namespace === org.systemNamespace)
    return {
      why: `a ServiceAccount of the organization's system namespace ${org.systemNamespace} (its tokens'): whoever holds its token acts as it`,
      stays: `${org.systemNamespace}'s token ServiceAccounts, their Secrets and bindings work until an admin deletes them (a renamed organization's old Applications prune nothing), and the Namespace stays (Prune=false; namespace protection may keep it from being deleted)`,
    };
  if (sa && org.namespaces.includes(sa.namespace))
    return {
      why: `a ServiceAccount of ${sa.namespace}, a namespace of the organization: whoever may run pods as it or ask a token for it there acts as it`,
      stays: `the Namespace ${sa.namespace} and what runs in it stay (Prune=false)`,
    };
  const person = (who: string, bound: string): OrgIdentity => ({
    why: `${who} of the organization${caseOf(bound, username)}`,
    stays: 'the identity provider, not orgctl, says who logs in as it',
  });
  const user = org.users.find((u) => sameLetters(u, username));
  if (user !== undefined) return person('a user', user);
  const invitee = org.invitees.find((i) => sameLetters(i, username));
  return invitee === undefined ? undefined : person('an invitee', invitee);
}

/** A model's identities (head's, as argocd-identity judges it). */
const identitiesOfModel = (model: OrgModel): OrgIdentities => ({
  systemNamespace: model.systemNamespace,
  namespaces: model.namespaces.map((n) => n.name),
  users: model.users.map((u) => usernameOf(model, u.key)),
  invitees: model.invites.map((i) => usernameOf(model, i.key)),
});

/**
 * Whether two usernames are the same but for letter case: orgctl binds a person's lower-cased
 * email, while an identity provider that keeps the case an address was registered in logs them in
 * as that, which namespace protection compares exactly.
 */
const sameLetters = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** How `username` differs from the person's `bound` one, for the finding: only ever in case. */
const caseOf = (bound: string, username: string): string =>
  bound === username ? '' : ` (${bound}, in another letter case)`;

/** The `appliedBy` an organization declares, where, and what it gives whom it names. */
interface DeclaredAppliedBy {
  readonly field: string;
  readonly spec: string;
  readonly appliedBy: AppliedBy;
  readonly effect: string;
}

/**
 * The `appliedBy` judged: namespace protection's, or the boundary's when there is no protection
 * (with both, constructs/guard-rails.ts makes them the same); undefined when neither is declared.
 */
export function declaredAppliedBy(
  org: Pick<OrgModel, 'name' | 'namespaceProtection' | 'argocd'>,
): DeclaredAppliedBy | undefined {
  if (org.namespaceProtection)
    return {
      field: 'namespaceProtection.appliedBy',
      spec: 'spec.namespaceProtection.appliedBy',
      appliedBy: org.namespaceProtection.appliedBy,
      effect: `namespace protection lets whoever appliedBy names delete or relabel every namespace of ${org.name}`,
    };
  if (org.argocd?.boundary)
    return {
      field: 'delivery.argocd.boundary.appliedBy',
      spec: 'spec.delivery.argocd.boundary.appliedBy',
      appliedBy: org.argocd.boundary.appliedBy,
      effect: `the boundary judges the writes of whom appliedBy names as Argo CD's, and namespace protection, once declared, must name the same and lets them delete or relabel every namespace of ${org.name}`,
    };
  return undefined;
}

/** What every finding of `appliedBy` ends with: what to do. */
export const NAME_ONLY_ARGOCD = 'name only the identities Argo CD applies with';

/**
 * `appliedBy` names only Argo CD. Namespace protection refuses deleting or relabelling the
 * organization's namespaces to everyone but whom it names, so a person or an account of the
 * organization named there holds what only orgctl should; the boundary, naming them, would judge
 * their writes as Argo CD's.
 */
export const argocdIdentity: OrgRule = {
  id: 'argocd-identity',
  check(model) {
    const declared = declaredAppliedBy(model);
    if (!declared) return [];
    const identities = identitiesOfModel(model);
    const out: Finding[] = [];
    for (const username of appliersOf(declared.appliedBy)) {
      const identity = organizationIdentity(identities, username);
      if (identity)
        out.push({
          severity: 'error',
          rule: this.id,
          subject: `organization/${model.name}`,
          source: 'spec' in model.source ? declared.spec : sourceText(model.source),
          message: `${declared.field} names ${username}, ${identity.why}; ${declared.effect}; ${NAME_ONLY_ARGOCD}`,
        });
    }
    return out;
  },
};
