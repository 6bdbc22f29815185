import { secondAdmin, type ChangeRule } from './context.ts';

/**
 * Access per cluster is not in the per-person diff: a cluster removed leaves its objects
 * unmanaged, a namespace leaving a cluster prunes every grant there. Either takes access from
 * many people at once, so it needs an admin who is not an author to approve the head commit.
 */
export const clusterRemoval: ChangeRule = {
  id: 'cluster-removal',
  check(input) {
    const removals = input.diff.clusters.filter((c) => c.removes);
    if (!removals.length) return [{ rule: this.id, ok: true, message: 'no cluster loses a namespace' }];
    const second = secondAdmin(input, []);
    const what = removals.map((c) => c.text.split(':')[0]).join('; ');
    return [
      {
        rule: this.id,
        ok: second.ok,
        message: second.ok
          ? `${what}; ${second.approved}`
          : `${what}: needs an approval of the head commit from an admin who is not an author${second.note}`,
      },
    ];
  },
};
