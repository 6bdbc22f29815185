/**
 * A token is the credential its holder has: who holds it changes only when it is rotated (a red
 * team). Declaring another token under the id `<id>-r<N>` wrote the very ServiceAccount and Secret
 * of `<id>` at rotation N, so removing one and adding the other handed the old holder's token the
 * new access while the review said it was deleted; and a token taken from a member without a
 * rotation stays in that member's hands whatever its owner field says.
 */
import { describe, expect, it } from 'vitest';
import { baseSpec, diffOf, judge, pinnedToOneCluster, snapshotOf, type Spec } from './scenarios.ts';

type Token = { id: string; owner?: string; levels?: string[]; rotation?: number; namespaces?: string[] };
const bots = (s: Spec) => (s.spec.tokens as Token[]).find((t) => t.id === 'bots')!;

describe('one ServiceAccount, one token id', () => {
  it.each(['deploy7-r7', 'ci-r1', 'ci-r12'])('refuses the token id %s: it is a rotation of another id', (id) => {
    const s = baseSpec();
    s.spec.tokens.push({ id, name: 'Org deploy', namespaces: ['data'] });
    expect(() => snapshotOf(s)).toThrow(new RegExp(`invalid-name: .*${id}.* ends in -r<number>`));
  });

  it('says it once per stage: a token ci at rotation 1 and a token ci-r1 are one invalid-name, not a duplicate-name too', () => {
    const s = baseSpec();
    (s.spec.tokens as Token[]).find((t) => t.id === 'ci')!.rotation = 1;
    s.spec.tokens.push({ id: 'ci-r1', name: 'Other', namespaces: ['data'], levels: ['r:pods'] });
    let message = '';
    try {
      snapshotOf(s);
    } catch (e) {
      message = (e as Error).message;
    }
    // (duplicate-object is the output's own wall, judging the objects synthesis would write.)
    expect(message.split('\n').map((l) => l.split(':')[0])).toEqual(['duplicate-object', 'invalid-name']);
  });

  it('refuses an id too long for its rotated ServiceAccount, and says why the limit is what it is', () => {
    const id = 'a'.repeat(55);
    const s = baseSpec();
    s.spec.tokens.push({ id, name: 'Long', namespaces: ['data'], levels: ['r:pods'], rotation: 12 });
    expect(() => snapshotOf(s)).toThrow(
      `"${id}" is 55 characters long (at most 53): its ServiceAccount token-${id}-r12 is a DNS label too`,
    );
  });

  it('accepts ids that only look alike (-rc1, -r, r7, -r0: rotation 0 has no suffix)', () => {
    const s = baseSpec();
    for (const id of ['deploy-rc1', 'deploy-r', 'r7', 'deploy-r7x', 'x-r0', 'x-r01'])
      s.spec.tokens.push({ id, name: id, namespaces: ['data'], levels: ['r:pods'] });
    expect(() => snapshotOf(s)).not.toThrow();
  });
});

describe('a token taken from a person without a rotation stays in that person’s hands', () => {
  /** bob's token bots (r:full in data) becomes the organization's, with w:full. */
  const takeToOrg = (rotate: boolean) => (s: Spec) => {
    const t = bots(s);
    delete t.owner;
    delete t.levels;
    if (rotate) t.rotation = 1;
  };

  it('fails when the access is reserved for admins, whatever the approvals', () => {
    const v = judge(baseSpec(), takeToOrg(false), { actors: ['alice'], approvals: ['frank', 'dan'] });
    expect(v.failed).toEqual(['admin-change-approval']);
    const r = v.results.find((x) => !x.ok)!;
    expect(r.message).toMatch(
      /token bots: owner bob@acme\.io → \(none\) without a rotation: bob@acme\.io keeps the token value and would hold access reserved for admins in data; rotate it in the same change/,
    );
  });

  it('passes once rotated in the same change (the old token stops working), with another admin', () => {
    const v = judge(baseSpec(), takeToOrg(true), { actors: ['alice'], approvals: ['frank'] });
    expect(v.failed).toEqual([]);
  });

  it('an admin leaving hands their w:full token over only rotated: they keep it otherwise', () => {
    const base = baseSpec();
    (base.spec.tokens as Token[]).push({ id: 'ops', namespaces: ['web'], owner: 'frank@acme.io' });
    const handOver = (rotate: boolean) => (s: Spec) => {
      const ops = (s.spec.tokens as Token[]).find((t) => t.id === 'ops')!;
      ops.owner = 'dan@acme.io';
      if (rotate) ops.rotation = 1;
      s.spec.users.find((u: { email: string }) => u.email === 'frank@acme.io').status = 'deactivated';
    };
    const kept = judge(base, handOver(false), { actors: ['alice'], approvals: ['dan'] });
    expect(kept.results.find((r) => !r.ok)?.message).toMatch(
      /token ops: owner frank@acme\.io → dan@acme\.io without a rotation while frank@acme\.io is deactivated: they keep the token value and its access in web/,
    );
    // Rotated, it is a custody change as any: both owners, old and new, approve what alice makes.
    const rotated = judge(base, handOver(true), { actors: ['alice'], approvals: ['dan', 'frank'] });
    expect(rotated.results.filter((r) => !r.ok && r.message.includes('token ops'))).toEqual([]);
  });

  it('says who still holds a token handed over without a rotation, where the access is not reserved', () => {
    const d = diffOf(baseSpec(), (s) => {
      bots(s).owner = 'erin@acme.io';
    });
    const text = d.tokens.find((t) => t.id === 'bots')!.changes.map((c) => c.text);
    expect(text).toContain('owner bob@acme.io → erin@acme.io (not rotated: bob@acme.io still holds the token value)');
    const rotated = diffOf(baseSpec(), (s) => {
      bots(s).owner = 'erin@acme.io';
      bots(s).rotation = 1;
    });
    expect(rotated.tokens.find((t) => t.id === 'bots')!.changes.map((c) => c.text)).toContain(
      'owner bob@acme.io → erin@acme.io',
    );
  });

  // A red team: the seed's "deactivate the user's account and any Access Tokens associated to that
  // user"; handing the token on without a rotation left the person who left a live credential.
  describe('a token taken from someone who leaves, whatever it allows', () => {
    /** bob's token bots: r:full and r:secrets in data, grantable, not reserved for admins. */
    const base = () => {
      const s = baseSpec();
      bots(s).levels = ['r:full', 'r:secrets'];
      return s;
    };
    const deactivateBob = (s: Spec) =>
      void (s.spec.users.find((u: { email: string }) => u.email === 'bob@acme.io').status = 'deactivated');
    /** bob deactivated, his token bots handed to erin (rotated or not). */
    const toErinAsBobLeaves = (rotate: boolean) => (s: Spec) => {
      deactivateBob(s);
      bots(s).owner = 'erin@acme.io';
      if (rotate) bots(s).rotation = 1;
    };
    const removeBob = (s: Spec) => {
      s.spec.users = s.spec.users.filter((u: { email: string }) => u.email !== 'bob@acme.io');
      s.spec.grants = s.spec.grants.filter((g: { user: string }) => g.user !== 'bob@acme.io');
    };

    it('fails when bob is deactivated and his token handed to erin unrotated, whatever the approvals', () => {
      const v = judge(base(), toErinAsBobLeaves(false), { actors: ['alice'], approvals: ['frank', 'dan'] });
      expect(v.failed).toEqual(['admin-change-approval']);
      expect(v.results.find((r) => !r.ok)!.message).toBe(
        'token bots: owner bob@acme.io → erin@acme.io without a rotation while bob@acme.io is deactivated: they keep the token value and its access in data; rotate it in the same change (`rotation`), whatever the approvals',
      );
    });

    it('fails when bob is removed and his token made the organization’s unrotated', () => {
      const v = judge(
        base(),
        (s) => {
          removeBob(s);
          delete bots(s).owner;
        },
        { actors: ['alice'] },
      );
      expect(v.results.find((r) => !r.ok)!.message).toMatch(
        /^token bots: owner bob@acme\.io → \(none\) without a rotation while bob@acme\.io leaves the organization/,
      );
    });

    it('passes rotated in the same change (the old value dies), by one admin', () => {
      const v = judge(base(), toErinAsBobLeaves(true), { actors: ['alice'] });
      expect(v.failed).toEqual([]);
    });
  });
});

// A red team: a handover split from what makes it matter (the access raised, the old owner gone,
// the namespace taken to another cluster, in the same or a later change) left the old owner a
// token value two outputs could not show. So a token changes hands only rotated.
describe('a token changes hands only rotated, whatever it allows and whatever the approvals', () => {
  const message = (from: string, to: string, access: string) =>
    `token bots: owner ${from} → ${to} without a rotation: ${from} keeps the token value${access}; rotate it in the same change (\`rotation\`), whatever the approvals`;

  it.each([
    ['to an admin', 'frank@acme.io'],
    ['to a member', 'erin@acme.io'],
    ['to the organization', undefined],
  ])('refuses bob’s read-only token handed %s unrotated; passes it rotated', (_, to) => {
    const handOver = (rotate: boolean) => (s: Spec) => {
      if (to) bots(s).owner = to;
      else delete bots(s).owner;
      if (rotate) bots(s).rotation = 1;
    };
    const v = judge(baseSpec(), handOver(false), { actors: ['alice'], approvals: ['frank', 'dan'] });
    expect(v.failed).toEqual(['admin-change-approval']);
    expect(v.results.find((r) => !r.ok)!.message).toBe(
      message('bob@acme.io', to ?? '(none)', ' and its access in data'),
    );
    expect(judge(baseSpec(), handOver(true), { actors: ['alice'], approvals: ['frank', 'dan'] }).failed).toEqual([]);
  });

  it('refuses a deactivated token handed over unrotated (its value comes back with it)', () => {
    const v = judge(
      baseSpec(),
      (s) => {
        (bots(s) as Token & { status?: string }).status = 'deactivated';
        bots(s).owner = 'frank@acme.io';
      },
      { actors: ['alice'], approvals: ['dan'] },
    );
    expect(v.results.find((r) => !r.ok)!.message).toBe(message('bob@acme.io', 'frank@acme.io', ''));
  });

  it('refuses a handover made alongside the namespace joining another cluster', () => {
    const v = judge(
      pinnedToOneCluster(),
      (h) => {
        (h.spec.tokens as Token[]).find((t) => t.id === 'reader')!.owner = 'bob@acme.io';
        h.spec.namespaces = [{ name: 'web', clusters: ['lga1'] }, { name: 'data' }];
      },
      { actors: ['alice'] },
    );
    expect(v.failed).toContain('admin-change-approval');
  });
});
