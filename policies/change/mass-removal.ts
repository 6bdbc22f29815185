import { MINIMUM_REMOVALS, SMALL_SET } from '../../model/rules.ts';
import { heldByOthers, isBaseAdmin, secondAdmin, type ChangeRule } from './context.ts';

/**
 * Over the limit: more than the threshold's share and at least MINIMUM_REMOVALS, or more than
 * half of a set of at least SMALL_SET (a share threshold alone misses 2 of 3: under the minimum).
 */
function overLimit(removed: number, of: number, threshold: number): boolean {
  if (of <= 0 || removed <= 0) return false;
  return (removed >= MINIMUM_REMOVALS && removed / of > threshold) || (of >= SMALL_SET && removed / of > 0.5);
}

export const massRemoval: ChangeRule = {
  id: 'mass-removal',
  check(input) {
    // The threshold comes from base: a pull request cannot raise its own limit.
    const limit = input.base.org.massRemovalThreshold;
    const { users, grants, tokens } = input.diff.stats;
    const overIn = (stats: typeof input.diff.stats, since = '') =>
      (
        [
          ['users', stats.users.losing, stats.users.base],
          ['grants', stats.grants.lost, stats.grants.base],
          ['tokens', stats.tokens.losing, stats.tokens.base],
        ] as const
      )
        .filter(([, n, of]) => overLimit(n, of, limit))
        .map(([k, n, of]) => [since ? `${k} since ${since}` : k, n, of] as const);
    // This change alone, else the window it closes: removals split across pull requests add up.
    const alone = overIn(input.diff.stats);
    const over = alone.length || !input.window ? alone : overIn(input.window.diff.stats, input.window.label);
    const pct = (n: number, of: number) => `${Math.round((100 * n) / of)}%`;
    const byShare = over.every(([, n, of]) => n >= MINIMUM_REMOVALS && n / of > limit);
    const limitText = byShare
      ? `${pct(limit * 100, 100)} limit`
      : `${pct(limit * 100, 100)} limit or more than half of a small set`;
    if (!over.length)
      return [
        {
          rule: this.id,
          ok: true,
          message: `removes access from ${users.losing}/${users.base} users, ${grants.lost}/${grants.base} grants, ${tokens.losing}/${tokens.base} tokens (limit ${pct(limit * 100, 100)})`,
        },
      ];
    const what = over.map(([k, n, of]) => `${n} of ${of} ${k} (${pct(n, of)})`).join(', ');
    // The label is anyone's who may triage: only an admin's makes the override theirs.
    const by = input.overriddenBy?.[this.id];
    const labelled = input.overrides.includes(this.id);
    const overridden = labelled && (by === undefined || isBaseAdmin(input, by));
    const second = secondAdmin(input);
    const ok = overridden && second.ok;
    if (labelled && !overridden)
      return [
        {
          rule: this.id,
          ok: false,
          message: `removes access from ${what}, over the ${limitText}: the label orgctl/override-mass-removal was applied by ${by}, who is not an admin in base${heldByOthers(input, by === undefined ? [] : [by])}: an admin applies the override (remove the label and have an admin add it)`,
        },
      ];
    return [
      {
        rule: this.id,
        ok,
        message: ok
          ? `removes access from ${what}, over the ${limitText}; override ${second.approved}`
          : `removes access from ${what}, over the ${limitText}: ${overridden ? 'the override' : 'an explicit override (label orgctl/override-mass-removal, or --override mass-removal)'} needs an approval of the head commit from an admin who is not an author${overridden ? second.note : ''}`,
      },
    ];
  },
};
