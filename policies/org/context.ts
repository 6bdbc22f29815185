/** What every org rule receives, and the helpers rules share (lookups over the model: model/model-index.ts). */
import type { OrgModel } from '../../model/model.ts';
import type { Finding } from '../../model/findings.ts';
import { indexOf } from '../../model/model-index.ts';
import type { RuleId } from '../../model/rules.ts';

export interface PolicyContext {
  /** Today, YYYY-MM-DD: grants whose `expires` is before it have expired. */
  readonly today: string;
}

/** A rule over the model: its id, severity and docs are in the registry (model/rules.ts). */
export interface OrgRule {
  readonly id: RuleId;
  readonly check: (model: OrgModel, ctx: PolicyContext) => Finding[];
}

export const isAdmin = (model: OrgModel, userKey: string): boolean => indexOf(model).users.get(userKey)?.admin ?? false;

/** A grant's subject as findings name it. */
export const grantSubject = (user: string, namespace: string): string => `users/${user} → ${namespace}`;

/** `expires` is the last day the grant holds. */
export const isExpired = (expires: string | undefined, today: string): boolean =>
  expires !== undefined && expires < today;
