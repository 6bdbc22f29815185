import { earlierSides, type ChangeRule, type RuleResult } from './context.ts';

/**
 * system-namespace over what the change leaves behind, when the organization is renamed: a system
 * namespace of base (or of the rolling window's older output) and an ordinary one of the other side
 * are one namespace. Either way the Namespace stays (Prune=false), and the old Applications prune
 * nothing: head declaring base's system namespace as its own reaches base's token ServiceAccounts
 * and Secrets there (whoever head grants there); head's system namespace being an ordinary
 * namespace of base keeps base's RoleBindings there (until an admin deletes them, after head's
 * Applications synced), which then reach every token Secret head writes there (R32b-1).
 */
export const systemNamespaceBase: ChangeRule = {
  id: 'system-namespace-base',
  check(input) {
    const head = input.head.org;
    const out: RuleResult[] = [];
    const said = new Set<string>();
    for (const { label, side } of earlierSides(input)) {
      const old = side.org.systemNamespace;
      const mine = head.systemNamespace;
      if (mine !== old && !said.has(mine) && side.org.namespaces.includes(mine)) {
        said.add(mine);
        out.push({
          rule: this.id,
          ok: false,
          message: `namespace ${mine}, head's system namespace (organization ${head.name}), is an ordinary namespace of ${label}: the Namespace stays in the cluster (Prune=false), and in it ${label}'s RoleBindings until an admin deletes them (a renamed organization's old Applications prune nothing), which then reach every token ServiceAccount and Secret head writes there; choose another name for the organization, or remove namespace ${mine} in a change of its own first (Argo CD prunes its RoleBindings)`,
        });
      }
      if (old === mine || said.has(old) || !head.namespaces.includes(old)) continue;
      said.add(old);
      out.push({
        rule: this.id,
        ok: false,
        message: `namespace ${old} is ${label}'s system namespace, which head (organization ${head.name}) declares as an ordinary namespace: the Namespace stays in the cluster (Prune=false), and in it ${label}'s token ServiceAccounts and their Secrets until an admin deletes them (a renamed organization's old Applications prune nothing), which whoever head grants there reaches; choose another name`,
      });
    }
    return out.length
      ? out
      : [
          {
            rule: this.id,
            ok: true,
            message:
              'head declares no earlier system namespace as its own namespace, and its own was no earlier ordinary namespace',
          },
        ];
  },
};
