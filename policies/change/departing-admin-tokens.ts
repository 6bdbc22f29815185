import type { AccessDiff } from '../../analysis/diff.ts';
import type { ChangeRule, RuleResult } from './context.ts';

/**
 * Each admin who leaves in `diff`, with their token-values-kept line (the tokens head keeps under
 * the same ServiceAccounts) and `when` they left, as a finding says it.
 */
const keptIn = (diff: AccessDiff, when: string) =>
  diff.people.flatMap((p) =>
    p.changes.filter((c) => c.kind === 'token-values-kept').map((c) => ({ email: p.id, text: c.text, when })),
  );

/**
 * An admin who leaves (deactivated, removed, no longer admin) could read every token's Secret in
 * the system namespace, and a value read once works until its ServiceAccount goes: the diff names
 * the tokens head keeps (analysis/diff.ts tokenValuesKept). A warning, as the seed has it ("API
 * Tokens must be removed manually"): whether they read any is not in git, and rotating every token
 * at each departure is the organization's call. Over the rolling window, the window's diff too:
 * an admin who left in an earlier pull request, with the tokens deactivated there and reactivated
 * unrotated here (the same ServiceAccount, whose old value works if Argo CD did not delete it in
 * between), keeps them as much as one who leaves here (R95-2).
 */
export const departingAdminTokens: ChangeRule = {
  id: 'departing-admin-tokens',
  check(input) {
    const here = keptIn(input.diff, '');
    const window = input.window;
    const since = window
      ? keptIn(window.diff, ` since ${window.label}`).filter((k) => !here.some((h) => h.email === k.email))
      : [];
    const kept = [...here, ...since];
    if (!kept.length)
      return [{ rule: this.id, ok: true, message: 'no admin who leaves keeps a token value head still accepts' }];
    return kept.map(
      ({ email, text, when }): RuleResult => ({
        rule: this.id,
        ok: true,
        warning: true,
        message: `admin ${email} leaves (as admin)${when} and ${text}: raise each token's rotation in this change (or deactivate or remove it), then hand the new tokens over`,
      }),
    );
  },
};
