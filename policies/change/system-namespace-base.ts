import { earlierSides, type ChangeRule, type RuleResult } from './context.ts';

/**
 * system-namespace over what the change leaves behind: head declaring, as an ordinary namespace,
 * the system namespace of base (or of the rolling window's older output) under an organization
 * renamed. The Namespace stays (Prune=false), and in it the old tokens' ServiceAccounts and their
 * Secrets until an admin deletes them (the old Applications prune nothing): whoever head grants
 * there reaches them.
 */
export const systemNamespaceBase: ChangeRule = {
  id: 'system-namespace-base',
  check(input) {
    const head = input.head.org;
    const out: RuleResult[] = [];
    const said = new Set<string>();
    for (const { label, side } of earlierSides(input)) {
      const old = side.org.systemNamespace;
      if (old === head.systemNamespace || said.has(old) || !head.namespaces.includes(old)) continue;
      said.add(old);
      out.push({
        rule: this.id,
        ok: false,
        message: `namespace ${old} is ${label}'s system namespace, which head (organization ${head.name}) declares as an ordinary namespace: the Namespace stays in the cluster (Prune=false), and in it ${label}'s token ServiceAccounts and their Secrets until an admin deletes them (a renamed organization's old Applications prune nothing), which whoever head grants there reaches; choose another name`,
      });
    }
    return out.length
      ? out
      : [{ rule: this.id, ok: true, message: 'head declares no earlier system namespace as its own namespace' }];
  },
};
