import { actorEmails, changeList, editsOf, type ChangeRule, type RuleResult } from './context.ts';

/** The seed: administrators may not edit their own privileges; another administrator must. */
export const selfEdit: ChangeRule = {
  id: 'self-edit',
  check(input) {
    const mine = actorEmails(input);
    const out: RuleResult[] = [];
    // Implied changes are not edits: an admin adding a namespace gains w:full there as every admin does.
    for (const p of input.diff.people.map(editsOf).filter((d) => d !== undefined)) {
      if (mine.has(p.id))
        out.push({
          rule: this.id,
          ok: false,
          message: `${p.id} is an author of this change and changes their own privileges: ${changeList(p)}. Another admin must make this change.`,
        });
    }
    for (const t of input.diff.tokens.map(editsOf).filter((d) => d !== undefined)) {
      const owners = [input.base.tokens.get(t.id)?.owner, input.head.tokens.get(t.id)?.owner].filter(
        (o): o is string => !!o && mine.has(o),
      );
      if (owners.length)
        out.push({
          rule: this.id,
          ok: false,
          message: `token ${t.id} belongs to ${owners[0]}, an author of this change: ${changeList(t)}. Another admin must make this change.`,
        });
    }
    return out.length ? out : [{ rule: this.id, ok: true, message: "no author's own privileges change" }];
  },
};
