/**
 * Red team P: dated access (MemberUser.expiring) in the diff, the proof against base and synthesis.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { distPair, reviewPair, baseSpec, type Spec } from './review/scenarios.ts';

type Grant = { user: string; namespace: string; levels?: string[]; expires?: string };
const grantsOf = (s: Spec) => s.spec.grants as Grant[];

describe('red team P: the proof against base and members.json', () => {
  it('P1: users ConfigMaps changing dated access while members.json stays base’s is not proved against base', async () => {
    const s = baseSpec();
    grantsOf(s).push({ user: 'bob@acme.io', namespace: 'web', levels: ['r:events'], expires: '2027-06-01' });
    const sides = await distPair(s, (h) => {
      grantsOf(h).find((g) => g.expires === '2027-06-01')!.expires = '2099-12-31';
    });
    // head's members.json left as base wrote it: no longer the data its ConfigMaps hold.
    copyFileSync(join(sides.base, 'members.json'), join(sides.head, 'members.json'));
    const full = await reviewPair(sides, '--actor', 'alice', '--approved-by', 'frank', '--full-proof');
    expect(full.stdout).toMatch(/`output-proof` \| ❌/);
    const r = await reviewPair(sides, '--actor', 'alice', '--approved-by', 'frank');
    expect(r.stdout).not.toContain("head dist/ is base's but for");
    expect(r.code).toBe(1);
  });
});
