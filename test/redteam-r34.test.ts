/**
 * Red team R34: attacks on the commits-of-head check (c08fb4e) and githubId (1a3475a, 0e1976f).
 * Each test fails until its hole is closed.
 */
import { describe, expect, it } from 'vitest';
import { commitsOfHead } from '../github/adapter.ts';
import { fakeSha } from './github/standin.ts';

const c = (sha: string, ...parents: string[]) => ({ sha, parents: parents.map((p) => ({ sha: p })) });

describe('R34-1 (medium): a commit list read across two pushes passes commitsOfHead', () => {
  it('attack: pages of two heads repeat a commit where the shift is, leaving out an actor’s commit, and pass', () => {
    // The head S merges a chain a1..a199 from the base with bob's commit C, dated so that GitHub
    // lists it 50th: a1..a49, C, a50..a199, S (201 commits, pulls.get's count). Between the pages the
    // branch is force-pushed to a199 and back to S: page 1 (100 of a199's history: a1..a100), page 2
    // (S's 101st to 200th: a100..a199), page 3 (S). 201 listed, the head last, every commit but the
    // head a parent of another listed: yet C (and bob, an actor whose approval then counts) is gone,
    // and a100 is listed twice.
    const base = fakeSha('r34-base');
    const a = Array.from({ length: 199 }, (_, i) => fakeSha(`r34-a${i + 1}`));
    const bobs = fakeSha('r34-bob');
    const head = fakeSha('r34-head');
    const chain = a.map((sha, i) => c(sha, i === 0 ? base : a[i - 1]!));
    const truth = [...chain.slice(0, 49), c(bobs, base), ...chain.slice(49), c(head, a[198]!, bobs)];
    expect(truth).toHaveLength(201);
    expect(commitsOfHead(truth, head)).toEqual([]);
    const mixed = [...chain.slice(0, 100), ...truth.slice(100, 200), truth[200]!];
    expect(mixed).toHaveLength(truth.length);
    expect(mixed.at(-1)!.sha).toBe(head);
    expect(mixed.some((m) => m.sha === bobs)).toBe(false);
    const results = commitsOfHead(mixed, head);
    expect(results.map((r) => [r.rule, r.ok])).toEqual([['complete-pull-request', false]]);
  });
});
