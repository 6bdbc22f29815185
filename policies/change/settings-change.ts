import { secondAdmin, type ChangeRule } from './context.ts';

/**
 * The organization's settings decide everything else: whose identity a binding names
 * (usernamePrefix), who may be invited without SSO, which clusters and Applications carry access,
 * how much one change may remove, and where Argo CD reads the truth from. None of that shows in a
 * person's access lines, so any change to them needs an admin who is not an author. No override.
 */
export const settingsChange: ChangeRule = {
  id: 'settings-change',
  check(input) {
    const changes = input.diff.settings;
    if (!changes.length) return [{ rule: this.id, ok: true, message: "the organization's settings do not change" }];
    const second = secondAdmin(input);
    const what = changes.map((c) => `${c.key} ${show(c.from)} → ${show(c.to)}`).join('; ');
    return [
      {
        rule: this.id,
        ok: second.ok,
        message: second.ok
          ? `settings change (${what}); ${second.approved}`
          : `settings change (${what}): an admin who is not an author must approve the head commit${second.note}`,
      },
    ];
  },
};

function show(v: unknown): string {
  if (v === undefined) return '(none)';
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `[${v.join(', ')}]`;
  if (typeof v === 'object' && v !== null) return Object.values(v).join(' ');
  return String(v);
}
