import { adminApprovers, changeList, type ChangeRule, type RuleResult } from './context.ts';

/** The seed: changes to an administrator's privileges must be applied by another administrator. */
export const adminChangeApproval: ChangeRule = {
  id: 'admin-change-approval',
  description: "a change to an admin's privileges, or making someone admin, needs approval from an admin who is neither an actor nor that person",
  check(input) {
    const out: RuleResult[] = [];
    for (const p of input.diff.people) {
      const b = input.base.users.get(p.id);
      const h = input.head.users.get(p.id);
      const invitedAdmin = input.head.invites.get(p.id)?.admin && input.head.invites.get(p.id)?.state === 'pending';
      if (!b?.admin && !h?.admin && !invitedAdmin) continue;
      const approvers = adminApprovers(input, [p.id]);
      const who = b?.admin ? `admin ${p.id}` : `${p.id} (made admin)`;
      out.push({
        rule: this.id,
        ok: approvers.length > 0,
        message: approvers.length
          ? `${who}: ${changeList(p)}; approved by ${approvers.join(', ')}`
          : `${who}: ${changeList(p)}: needs an approval of the head commit from an admin who is neither an author nor ${p.id}`,
      });
    }
    return out.length ? out : [{ rule: this.id, ok: true, message: "no admin's privileges change" }];
  },
};
