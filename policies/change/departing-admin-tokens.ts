import type { ChangeRule, RuleResult } from './context.ts';

/**
 * An admin who leaves (deactivated, removed, no longer admin) could read every token's Secret in
 * the system namespace, and a value read once works until its ServiceAccount goes: the diff names
 * the tokens head keeps (analysis/diff.ts tokenValuesKept). A warning, as the seed has it ("API
 * Tokens must be removed manually"): whether they read any is not in git, and rotating every token
 * at each departure is the organization's call.
 */
export const departingAdminTokens: ChangeRule = {
  id: 'departing-admin-tokens',
  check(input) {
    const kept = input.diff.people.flatMap((p) =>
      p.changes.filter((c) => c.kind === 'token-values-kept').map((c) => ({ email: p.id, text: c.text })),
    );
    if (!kept.length)
      return [{ rule: this.id, ok: true, message: 'no admin who leaves keeps a token value head still accepts' }];
    return kept.map(
      ({ email, text }): RuleResult => ({
        rule: this.id,
        ok: true,
        warning: true,
        message: `admin ${email} leaves (as admin) and ${text}: raise each token's rotation in this change (or deactivate or remove it), then hand the new tokens over`,
      }),
    );
  },
};
