/** What every org rule receives, and the helpers rules share (lookups over the model: model/model-index.ts). */
import type { GrantModel, OrgModel } from '../../model/model.ts';
import type { Finding } from '../../model/findings.ts';
import { indexOf } from '../../model/model-index.ts';
import type { RuleId } from '../../model/rules.ts';

export interface PolicyContext {
  /** Today, YYYY-MM-DD: grants whose `expires` is before it have expired. */
  readonly today: string;
}

/**
 * A rule over the model: its id, severity and docs are in the registry (model/rules.ts). A rule
 * that judges each grant says so with `grant`; runPolicies runs every rule's whole judgement
 * (`grant` for each grant, then `check`), so a rule is whole only through runPolicies.
 */
export interface OrgRule {
  readonly id: RuleId;
  /**
   * The rule's judgement of everything but the grants one by one (of everything, without `grant`).
   * @default nothing more (a rule of grants only)
   */
  readonly check?: (model: OrgModel, ctx: PolicyContext) => Finding[];
  /**
   * The rule's judge of one grant, for this model, adding findings to `out`. runPolicies walks the
   * grants once and hands each to every rule's judge: nine rules read every grant, and nine walks
   * over 100,000 grants cost twice what one walk calling nine judges does (118 against 56 ms at
   * size L, measured on the rules' lookups alone). `i` is the grant's place in
   * grantsInMemoryOrder(model), the order of the walk (byGrantUser reads the grant's user by it).
   */
  readonly grant?: (model: OrgModel, ctx: PolicyContext, out: Finding[]) => (g: GrantModel, i: number) => void;
  /**
   * The only grants `grant`'s judge can find something in, where not every grant: those with inline
   * rules, an expiry date, or a role or custom role (GRANTS_WITH). runPolicies hands it no other:
   * at size L, 100,000 grants, 15,000 name a role, 3,000 an expiry and none inline rules.
   * @default every grant
   */
  readonly grantsWith?: keyof typeof GRANTS_WITH;
}

/** What a rule's `grantsWith` names: whether a grant has it. */
export const GRANTS_WITH = {
  rules: (g: GrantModel) => g.rules.length > 0,
  expires: (g: GrantModel) => g.expires !== undefined,
  roles: (g: GrantModel) => g.roles.length > 0 || g.customRoles.length > 0,
} as const;

export const isAdmin = (model: OrgModel, userKey: string): boolean => indexOf(model).users.get(userKey)?.admin ?? false;

/** A grant's subject as findings name it. */
export const grantSubject = (user: string, namespace: string): string => `users/${user} → ${namespace}`;

/**
 * What an address that is no user of the organization is told, the user meant first when one is
 * near (nearestNameAmong): `is not a user of acme (did you mean frank@acme.io? else <otherwise>)`.
 */
export const notAUser = (model: OrgModel, meant: string | undefined, otherwise: string): string =>
  `is not a user of ${model.name} (${meant ? `did you mean ${meant}? else ` : ''}${otherwise})`;
