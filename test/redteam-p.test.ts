/**
 * Red team P: dated access (MemberUser.expiring) in the diff, the proof against base and synthesis.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseSpec, diffOf, distPair, grantsOf, reviewPair, type Spec } from './review/scenarios.ts';

describe('red team P: the proof against base and members.json', () => {
  it('P1: users ConfigMaps changing dated access while members.json stays base’s is not proved against base', async () => {
    const s = baseSpec();
    grantsOf(s).push({
      user: 'bob@acme.io',
      namespace: 'web',
      levels: ['r:events'],
      expires: '2027-06-01',
    });
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

describe('red team P: inline rules of one person in one namespace are one Role, with one end', () => {
  const rule = (resource: string) => [{ apiGroups: [''], resources: [resource], verbs: ['get'] }];
  /** bob's own rules in data: configmaps until `first`, services until `second` (none: for good). */
  const mixed = (first: string, second?: string): Spec => {
    const s = baseSpec();
    grantsOf(s).push(
      {
        user: 'bob@acme.io',
        namespace: 'data',
        rules: rule('configmaps'),
        expires: first,
      },
      {
        user: 'bob@acme.io',
        namespace: 'data',
        rules: rule('services'),
        ...(second ? { expires: second } : {}),
      },
    );
    return s;
  };
  // Both are bound as one Role (acme:custom:bob@acme.io), recorded with one end: dropping the
  // first grant's end, or moving it up to the second's, changes no byte, so no review sees the
  // configmaps rule made to last longer. Synthesis refuses what it cannot record.
  it.each([
    [
      'one for good, one dated: the dated one made permanent',
      mixed('2027-06-01'),
      (h: Spec) => delete grantsOf(h)[6]!.expires,
    ],
    [
      'two dates: the earlier moved to the later',
      mixed('2027-06-01', '2027-09-01'),
      (h: Spec) => void (grantsOf(h)[6]!.expires = '2027-09-01'),
    ],
  ])('P2: %s is never a change nobody sees', (_n, s, edit) => {
    let changes: readonly unknown[];
    try {
      changes = diffOf(s, edit).people.find((p) => p.id === 'bob@acme.io')?.changes ?? [];
    } catch (e) {
      expect(String(e)).toContain('inline-rules-expiry');
      return;
    }
    expect(changes).not.toEqual([]);
  });
});
