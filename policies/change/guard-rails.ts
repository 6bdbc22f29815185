import { secondAdmin, type ChangeRule } from './context.ts';

/**
 * Weakening a namespace's guard rails (a lower Pod Security level, a larger quota or limit, the
 * quota, limits or network policy removed, namespace protection off or exempting another identity)
 * lets whoever works in the namespace do more than the platform team allowed, and none of it shows
 * in a person's access lines: it needs an admin who is not an author. So does a change of a
 * namespace's labels or annotations, which tools outside orgctl act on. Strengthening passes.
 */
export const guardRails: ChangeRule = {
  id: 'guard-rails',
  check(input) {
    const weaker = input.diff.guardRails.filter((c) => c.weakens);
    if (!weaker.length)
      return [
        {
          rule: this.id,
          ok: true,
          message: input.diff.guardRails.length
            ? 'no namespace guard rail is weakened'
            : "the namespaces' guard rails do not change",
        },
      ];
    const second = secondAdmin(input);
    const what = weaker.map((c) => (c.namespace !== undefined ? `${c.namespace}: ${c.text}` : c.text)).join('; ');
    const weakens = weaker.every((c) => c.unjudged) ? 'may weaken guard rails' : 'weakens guard rails';
    return [
      {
        rule: this.id,
        ok: second.ok,
        message: second.ok
          ? `${weakens} (${what}); ${second.approved}`
          : `${weakens} (${what}): an admin who is not an author must approve the head commit${second.note}`,
      },
    ];
  },
};
