/**
 * can-i --cluster X --as U, U bound in another cluster only: not a typo, and said so (R140-5). The
 * warning asked whether U was a typo and offered the nearest name bound in X (bob@acme.io).
 */
import { describe, expect, it } from 'vitest';
import { appendDocument, ERIN_FULL_IN_WEB, exampleDistCopy, run } from './helpers.ts';

/** The example's dist/ with zoe (no member) given acme:r:full in web by a RoleBinding of lga1 alone. */
const zoeInLga1 = () =>
  exampleDistCopy('orgctl-cluster-unknown-', (d) =>
    appendDocument(
      d,
      'shard-17',
      ERIN_FULL_IN_WEB.map((l) => l.replace('erin@acme.io', 'zoe@acme.io')),
    ),
  );

/** can-i get pods -n web as zoe, of `cluster` of `dir`. */
const zoeAsks = (dir: string, cluster: string) =>
  run(['can-i', 'get', 'pods', '-n', 'web', '--as', 'zoe@acme.io'].concat(['--dir', dir, '--cluster', cluster]));

describe('R140-5: a user bound in another cluster only', () => {
  it('can-i --cluster ord1 says zoe is bound in lga1, not that the name may be a typo', async () => {
    const dir = zoeInLga1();
    const r = await zoeAsks(dir, 'ord1');
    expect([r.code, r.stdout]).toEqual([1, 'no']);
    expect(r.stderr).toContain(`zoe@acme.io is named in no binding of cluster ord1 of ${dir}, only in cluster lga1's`);
    expect(r.stderr).not.toMatch(/did you mean|a typo/);
    const lga1 = await zoeAsks(dir, 'lga1');
    expect([lga1.code, lga1.stdout, lga1.stderr]).toEqual([0, 'yes', '']);
  });
});
