import { type Finding, sourceText } from '../../model/findings.ts';
import type { OrgRule } from './context.ts';
import { indexOf } from '../../model/model-index.ts';

/** The seed: the owner is the first admin, and only support can change that. */
export const ownerAdmin: OrgRule = {
  id: 'owner-admin',
  check(model) {
    const owner = indexOf(model).users.get(model.owner);
    const problem = !owner
      ? `owner ${model.owner} is not a declared user (declare them with admin: true)`
      : !owner.admin
        ? `owner ${owner.email} must be an admin (set admin: true; only support can change the owner)`
        : owner.status !== 'active'
          ? `owner ${owner.email} cannot be deactivated (only support can change the owner)`
          : undefined;
    const out: Finding[] = [];
    if (problem)
      out.push({
        severity: 'error',
        rule: this.id,
        subject: `organization/${model.name}`,
        message: problem,
        source: sourceText(owner?.source ?? model.source),
      });
    return out;
  },
};
