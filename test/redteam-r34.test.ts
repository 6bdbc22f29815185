/**
 * Red team R34: attacks on the commits-of-head check (c08fb4e) and githubId (1a3475a, 0e1976f).
 * Each test fails until its hole is closed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reviewOnGitHub } from '../cli/github.ts';
import { commitsOfHead } from '../github/adapter.ts';
import { ROOT } from './helpers.ts';
import { distOf, erinGainsConfigMaps } from './review/scenarios.ts';
import * as standin from './github/standin.ts';
import { copyOfH, H, inForce } from './redteam-r18-repository.ts';

const { fakeSha } = standin;

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

describe('R34-2 (low, DoS): a login squatted from a renamed admin still ranks as an admin among the copies judged', () => {
  const started: standin.Standin[] = [];
  afterEach(async () => {
    const done = started.splice(0);
    for (const s of done) expect(s.schemaErrors).toEqual([]);
    await Promise.all(done.map((s) => s.close()));
  });
  it('attack: whoever holds frank’s freed login opens #31..#35 with alice’s head H: a run of #30 judges them first, never alice’s #42', async () => {
    // Base declares frank's account id; the stand-in's account with the login frank is another.
    const acme = readFileSync(join(ROOT, 'test/fixtures/specs/acme.yaml'), 'utf8').replace(
      '{ email: frank@acme.io, github: frank, githubId: 1742619, admin: true }',
      '{ email: frank@acme.io, github: frank, githubId: 271828, admin: true }',
    );
    expect(acme).toContain('githubId: 271828');
    const [base, head] = [await distOf(acme), await distOf(erinGainsConfigMaps(acme))];
    const state = standin.defaultState({
      pull: { ...standin.defaultState().pull, author: 'alice', headRef: 'alice-web' },
      commits: [{ sha: H, authorLogin: 'alice', verified: true }],
      otherPulls: [30, 31, 32, 33, 34, 35].map((n) => copyOfH(n, 'frank')),
    });
    const one = await standin.startStandin(state);
    started.push(one);
    const review = async (number: number) => {
      const io = standin.capture(standin.actionsEnv(one, standin.pullRequestEvent()));
      const code = await reviewOnGitHub({ base, head, pull: String(number) }, io, {
        retryAfterBaseValue: 1,
        throttle: false,
      });
      return code;
    };
    expect(await review(42)).toBe(0);
    expect(inForce(state.checkRuns, H)?.conclusion).toBe('success');
    const before = one.requests.length;
    expect(await review(30)).toBe(0);
    const read = one.requests.slice(before).map((r) => r.path.split('?')[0]!.replace('/repos/acme/org/', ''));
    expect(read, 'the admin’s own pull request was never judged').toContain('pulls/42');
    expect(inForce(state.checkRuns, H)?.conclusion).toBe('success');
  });
});
