/**
 * Token custody over the rolling window (a red team): a handover split from what makes it matter
 * (hand the token over unrotated while its access is not reserved, or while its old owner is an
 * admin; raise its access, or deactivate that owner, in a later pull request) is judged as the
 * single pull request is, over the window's diff (what mass-removal reads): the old holder keeps
 * the token value.
 */
import { describe, expect, it } from 'vitest';
import { diffSnapshots } from '../../analysis/diff.ts';
import { review } from '../../review/review.ts';
import { TODAY } from '../helpers.ts';
import { baseSpec, distOf, reviewPair, snapshotOf, type Spec } from './scenarios.ts';

type Token = { id: string; owner?: string; levels?: string[]; rotation?: number; namespaces?: string[] };
const tok = (s: Spec, id: string) => (s.spec.tokens as Token[]).find((t) => t.id === id)!;

/** frank's w:full token ops (s0); handed to dan unrotated while frank is an active admin (s1); frank deactivated (s2). */
function frankLeaves(): [Spec, Spec, Spec] {
  const s0 = baseSpec();
  (s0.spec.tokens as Token[]).push({ id: 'ops', namespaces: ['web'], owner: 'frank@acme.io' });
  const s1 = structuredClone(s0);
  tok(s1, 'ops').owner = 'dan@acme.io';
  const s2 = structuredClone(s1);
  s2.spec.users.find((u: { email: string }) => u.email === 'frank@acme.io').status = 'deactivated';
  return [s0, s1, s2];
}

function judgeWithWindow(old: Spec, base: Spec, head: Spec, who: { actors: string[]; approvals: string[] }) {
  const [o, b, h] = [snapshotOf(old), snapshotOf(base), snapshotOf(head)];
  const v = review({
    base: b,
    head: h,
    diff: diffSnapshots(b, h, TODAY),
    today: TODAY,
    actors: who.actors,
    approvals: who.approvals,
    changedPaths: ['org/org.ts'],
    overrides: [],
    window: { label: 'origin/main~1', diff: diffSnapshots(o, h, TODAY), head: h },
  });
  return [...new Set(v.results.filter((r) => !r.ok).map((r) => r.rule))];
}

// Every handover here is refused on its own now (a token changes hands only rotated); the window
// still judges one merged before that rule, or outside the change: it is the case these tests take.
describe('token custody split over two pull requests', () => {
  it('bob’s token handed to frank unrotated, then given w:full: bob holds w:full', () => {
    const s0 = baseSpec();
    const s1 = structuredClone(s0);
    tok(s1, 'bots').owner = 'frank@acme.io'; // PR 1: the diff notes bob still holds the value
    const s2 = structuredClone(s1);
    delete tok(s2, 'bots').levels; // PR 2: default levels: w:full in data
    // In one pull request, the rule holds whatever the approvals:
    expect(judgeWithWindow(s0, s0, s2, { actors: ['alice'], approvals: ['dan', 'frank'] })).toContain(
      'admin-change-approval',
    );
    // PR 1 alone fails: an unrotated handover, whatever it allows.
    expect(judgeWithWindow(s0, s0, s1, { actors: ['alice'], approvals: [] })).toEqual(['admin-change-approval']);
    // PR 2, with the window that shows the handover unrotated: should fail as the single PR does.
    expect(judgeWithWindow(s0, s1, s2, { actors: ['alice'], approvals: ['dan'] })).toContain('admin-change-approval');
  });

  it('admin frank hands his w:full token to dan unrotated, then frank is deactivated: frank holds it', () => {
    const [s0, s1, s2] = frankLeaves();
    // In one pull request: refused whatever the approvals (token-custody.test.ts).
    expect(judgeWithWindow(s0, s0, s2, { actors: ['alice'], approvals: ['dan'] })).toContain('admin-change-approval');
    // PR 1 alone fails too, whoever approves: frank keeps the value.
    expect(judgeWithWindow(s0, s0, s1, { actors: ['alice'], approvals: ['frank', 'dan'] })).toEqual([
      'admin-change-approval',
    ]);
    // PR 2, with the window: frank leaves holding a w:full token value.
    expect(judgeWithWindow(s0, s1, s2, { actors: ['alice'], approvals: ['dan'] })).toContain('admin-change-approval');
  });

  it('bob’s token deactivated and handed to frank with w:full, then reactivated: the same ServiceAccount', () => {
    const s0 = baseSpec();
    const s1 = structuredClone(s0);
    const b1 = tok(s1, 'bots') as Token & { status?: string };
    b1.owner = 'frank@acme.io';
    delete b1.levels;
    b1.status = 'deactivated';
    const s2 = structuredClone(s1);
    delete (tok(s2, 'bots') as Token & { status?: string }).status;
    // In one pull request: refused whatever the approvals.
    expect(judgeWithWindow(s0, s0, s2, { actors: ['alice'], approvals: ['dan'] })).toContain('admin-change-approval');
    // PR 1 alone fails too: deactivated, the token is still handed over unrotated (its value comes back with it).
    expect(judgeWithWindow(s0, s0, s1, { actors: ['alice'], approvals: ['dan'] })).toContain('admin-change-approval');
    // PR 2 (reactivation, token-bots again: bob's token works again if the deactivation never synced).
    expect(judgeWithWindow(s0, s1, s2, { actors: ['alice'], approvals: ['dan'] })).toContain('admin-change-approval');
  });
});

describe('over the window, a rotation counts only in this change (a code review)', () => {
  it('frank rotates his w:full token, hands it to dan unrotated, is deactivated: frank keeps the rotated value', () => {
    const s0 = baseSpec();
    (s0.spec.tokens as Token[]).push({ id: 'ops', namespaces: ['web'], owner: 'frank@acme.io' });
    const s1 = structuredClone(s0);
    tok(s1, 'ops').rotation = 1; // PR 1: frank receives the new value
    const s2 = structuredClone(s1);
    tok(s2, 'ops').owner = 'dan@acme.io'; // PR 2: handed over unrotated while frank is an active admin
    const s3 = structuredClone(s2);
    s3.spec.users.find((u: { email: string }) => u.email === 'frank@acme.io').status = 'deactivated';
    const who = { actors: ['alice'], approvals: ['dan'] };
    expect(judgeWithWindow(s1, s2, s3, who)).toContain('admin-change-approval');
    // A longer window shows the rotation too, but cannot say it came before the handover.
    expect(judgeWithWindow(s0, s2, s3, who)).toContain('admin-change-approval');
  });
});

describe('over the window, through `orgctl review --window` (a code review: the pair reads access partially)', () => {
  it('admin frank hands his w:full token to dan unrotated, then frank is deactivated: fails as in memory', async () => {
    const [s0, s1, s2] = frankLeaves();
    const [d0, d1, d2] = [await distOf(s0), await distOf(s1), await distOf(s2)];
    const args = ['--actor', 'alice', '--approved-by', 'dan', '--format', 'json'];
    const failed = async (...more: string[]) =>
      (
        JSON.parse((await reviewPair({ base: d1, head: d2 }, ...more, ...args)).stdout).results as {
          rule: string;
          ok: boolean;
          message: string;
        }[]
      ).filter((x) => !x.ok);
    expect((await failed('--window', d0)).map((x) => x.message)).toContain(
      'token ops: owner frank@acme.io → dan@acme.io without a rotation since ' +
        d0 +
        ' while frank@acme.io is deactivated: they keep the token value and its access in web; rotate it in the same change (`rotation`), whatever the approvals',
    );
    expect((await failed()).map((x) => x.rule)).not.toContain('admin-change-approval');
  }, 60_000);
});
