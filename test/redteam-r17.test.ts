/**
 * Red team R17 (read-only review of abd1b62, 5d0354e, ff8244b, and of two pull requests sharing a
 * head commit). Each test asserts the safe behaviour and fails on the code it was written against.
 *
 * R17-1: a check run belongs to a commit, not to a pull request: two open pull requests into the
 *     default branch with the same head share one `orgctl/review`, and the last run of either
 *     decides it for both. Anyone who can open a pull request (a fork will do: the head commit of
 *     any pull request is public) opens a twin of an approved one; every run of the twin (each
 *     edit of its title starts one) marks the shared check in progress, then fails it. The
 *     approved pull request cannot merge while the twin is open; its own run puts the success
 *     back only until the twin's next run.
 * R17-2: a run judges its pull request whatever its state: a closed (unmerged) or draft pull
 *     request's author still "proposes" its head (red team G2's class: an admin's commit they never
 *     proposed for merging). Its success lands on the head commit, which a twin open pull request
 *     shares: alice's withdrawn change (she closed it) passes in mallory's twin after any run of
 *     alice's closed pull request (a label on it, a dispatch, or the number written by the
 *     untrusted trigger workflow of mallory's own pull request).
 * R17-3 (low): clipLine says the `[cut here, among them …]` note was cut when it has fewer UTF-16
 *     units than before; a long code span cut inside and fenced again (abd1b62) may keep as many
 *     (a pad of two spaces where a 4-byte character was dropped), and the note's `…` is left off.
 *     Fixed and tested in test/markdown-cut.test.ts (heldNote: a note is cut when it is not whole).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { reviewOnGitHub } from '../cli/github.ts';
import { remedyFor, unnamedReopener } from '../policies/change/context.ts';
import { proposingActors } from '../review/approvals.ts';
import { ROOT } from './helpers.ts';
import { distOf, erinGainsConfigMaps } from './review/scenarios.ts';
import * as standin from './github/standin.ts';
import type { Standin, StandinCheckRun, StandinState } from './github/standin.ts';

/** acme's dist/ (base), and erin gaining w:configmaps in web (head): an admin's proposal passes it. */
const sides = { base: '', head: '', eventPath: '' };
beforeAll(async () => {
  const acme = readFileSync(join(ROOT, 'test/fixtures/specs/acme.yaml'), 'utf8');
  [sides.base, sides.head] = await Promise.all([distOf(acme), distOf(erinGainsConfigMaps(acme))]);
  sides.eventPath = standin.pullRequestEvent();
});

const standins: Standin[] = [];
afterEach(async () => {
  for (const s of standins.splice(0)) {
    expect(s.schemaErrors).toEqual([]);
    await s.close();
  }
});

/** The head commit both pull requests share: alice's own, signed. */
const H = standin.fakeSha('head');

/** alice's pull request #42 (an admin's, her signed head, pushed by her): it passes with nobody's approval. */
const alices = (pull: Partial<StandinState['pull']> = {}): Partial<StandinState> => ({
  pull: { ...standin.defaultState().pull, author: 'alice', headRef: 'alice-web', ...pull },
  commits: [{ sha: H, authorLogin: 'alice', verified: true }],
});

/** mallory's twin #43 from her fork: the same head commit, nobody's approval. */
const mallorys: Partial<StandinState> = {
  pull: {
    ...standin.defaultState().pull,
    number: 43,
    title: 'Give erin configmaps (a copy)',
    author: 'mallory',
    authorAssociation: 'NONE',
    headRef: 'copy',
    headOwner: 'mallory',
  },
  commits: [{ sha: H, authorLogin: 'alice', verified: true }],
};

/**
 * One stand-in serving both pull requests (`a` first; the R17 review had two stand-ins sharing
 * the check runs, GitHub keeping them per commit: a run now lists the other open pull requests of
 * the repository, so both must be its).
 */
async function twins(a: Partial<StandinState>, b: Partial<StandinState>) {
  const other = standin.defaultState(b);
  const state = standin.defaultState({ ...a, otherPulls: [other] });
  const one = await standin.startStandin(state);
  standins.push(one);
  const review = async (number: number) => {
    const io = standin.capture(standin.actionsEnv(one, sides.eventPath));
    const { base, head } = sides;
    const code = await reviewOnGitHub({ base, head, pull: String(number) }, io, {
      retryAfterBaseValue: 1,
      throttle: false,
    });
    return { code, io };
  };
  return {
    checkRuns: state.checkRuns,
    standin: one,
    reviewA: () => review(state.pull.number),
    reviewB: () => review(other.pull.number),
  };
}

/** What branch protection reads for the commit: the last `orgctl/review` check run on it. */
const inForce = (runs: readonly StandinCheckRun[], sha: string) =>
  runs.filter((r) => r.headSha === sha && r.name === 'orgctl/review').at(-1);

describe('R17-1: a twin pull request (same head commit) fails the approved one', () => {
  it("alice's pull request passes; mallory's twin from a fork, judged after it, leaves the commit failing", async () => {
    const { checkRuns, reviewA, reviewB, standin: one } = await twins(alices(), mallorys);
    expect((await reviewA()).code).toBe(0);
    expect(inForce(checkRuns, H)).toMatchObject({ status: 'completed', conclusion: 'success' });
    // mallory's run judges her pull request: she proposes nothing, nobody approved. The commit's
    // check passes as alice's #42 (open, into main, passing on its own): the run's exit is the check's.
    const b = await reviewB();
    expect(b.code, b.io.errs.join('\n')).toBe(0);
    expect(b.io.outs.join('\n')).toMatch(
      /check run orgctl\/review \d+ success on \w+ \(as #42's change; #43 fails on its own\)/,
    );
    expect(b.io.errs.join('\n')).toMatch(/error actor-not-admin/);
    // Her comment says her own verdict, and what the commit's check rests on.
    const comment = one.state.otherPulls![0]!.comments[0]!.body;
    expect(comment).toMatch(/❌ the change breaks a rule/);
    expect(comment).toMatch(
      /\| `open-pull-request` \| ✅ \| the check run of head commit `\w+` rests on #(<!-- -->)?42,/,
    );
    // escapeMarkdown keeps GitHub from linking `#42` in what a pull request's text may hold.
    expect(inForce(checkRuns, H)?.summary).toMatch(/passes as #(<!-- -->)?42's change/);
    // alice's pull request, open into main and passing on its own, is still mergeable.
    expect(inForce(checkRuns, H), JSON.stringify(standin.verdicts({ checkRuns } as StandinState))).toMatchObject({
      status: 'completed',
      conclusion: 'success',
    });
  });
});

describe('R17-1: the check run of a commit passes when one open pull request with it as head passes on its own', () => {
  /** bob's copy #43 of alice's head, a member's from a branch of the repository, in `pull`'s state. */
  const bobs = (pull: Partial<StandinState['pull']> = {}): Partial<StandinState> => ({
    ...mallorys,
    pull: { ...mallorys.pull!, author: 'bob', authorAssociation: 'MEMBER', headOwner: undefined, ...pull },
  });

  it("a run of bob's closed copy posts success as alice's open #42: its comment fails it and says so", async () => {
    const { checkRuns, reviewB, standin: one } = await twins(alices(), bobs({ state: 'closed' }));
    const b = await reviewB();
    expect(b.code).toBe(0);
    expect(inForce(checkRuns, H)).toMatchObject({ conclusion: 'success' });
    const comment = one.state.otherPulls![0]!.comments[0]!.body;
    expect(comment).toMatch(/\| `open-pull-request` \| ❌ \| pull request #(<!-- -->)?43 is closed/);
    expect(comment).toMatch(/rests on #(<!-- -->)?42,/);
    // What it cost: #43's run read #42 as it reads #43, once more just before posting and once
    // after (R18-3: a change of #42 meanwhile fails the success at once), and listed the open ones.
    const asked = one.requests.map((r) => `${r.method} ${r.path.split('?')[0]!.replace('/repos/acme/org/', '')}`);
    expect(asked.filter((r) => r === 'GET pulls')).toHaveLength(1);
    expect(asked.filter((r) => r === 'GET pulls/42')).toHaveLength(3);
  });

  it("alice's closed #42 and bob's draft copy: no open pull request ready for review proposes the commit, which fails, saying so", async () => {
    const { checkRuns, reviewA, standin: one } = await twins(alices({ state: 'closed' }), bobs({ draft: true }));
    expect((await reviewA()).code).toBe(1);
    expect(inForce(checkRuns, H)).toMatchObject({ conclusion: 'failure', title: 'fails: open-pull-request' });
    expect(one.state.comments[0]!.body).toMatch(
      /no other open pull request into main with head commit `\w+`, ready for review.* passes on its own \(there is none\)/,
    );
    // The draft was not read: the listing said it is one.
    expect(one.requests.some((r) => r.path.startsWith('/repos/acme/org/pulls/43'))).toBe(false);
  });

  it('a copy that fails on its own lends nothing: the comment names it', async () => {
    const { checkRuns, reviewA, standin: one } = await twins(alices({ state: 'closed' }), bobs());
    expect((await reviewA()).code).toBe(1);
    expect(inForce(checkRuns, H)).toMatchObject({ conclusion: 'failure' });
    expect(one.state.comments[0]!.body).toMatch(/\(#(<!-- -->)?43 fail on their own\)/);
  });
});

describe('R17-2: a closed or draft pull request still proposes its head, which a twin shares', () => {
  it.each([
    ['closed unmerged', { state: 'closed' as const }],
    ['a draft', { draft: true }],
  ])('alice’s pull request %s posts no success on its head', async (_, pull) => {
    const { checkRuns, reviewA } = await twins(alices(pull), mallorys);
    await reviewA();
    expect(standin.verdicts({ checkRuns } as StandinState).map((r) => r.conclusion)).not.toContain('success');
    // Said as the rule that fails it, on the check run and in the comment.
    expect(inForce(checkRuns, H)).toMatchObject({ conclusion: 'failure', title: 'fails: open-pull-request' });
  });

  it("mallory's twin fails; a run of alice's closed pull request then leaves her commit passing for mallory's", async () => {
    const { checkRuns, reviewA, reviewB } = await twins(alices({ state: 'closed' }), mallorys);
    expect((await reviewB()).code).toBe(1);
    expect(inForce(checkRuns, H)).toMatchObject({ conclusion: 'failure' });
    // Anything that starts a run of #42: a label, a dispatch, #43's own trigger writing "42".
    await reviewA();
    // The only open pull request with head H (mallory's) fails on its own: H must not pass.
    expect(inForce(checkRuns, H)?.conclusion).not.toBe('success');
  });
});

describe('R17-2: whoever reopened a pull request, or marked it ready for review, puts it up for merging: an actor', () => {
  type StateEvents = NonNullable<StandinState['pull']['stateEvents']>;
  /** alice's #42 with these close/reopen/ready events, approved by `approvers`: its verdict, the reviewing run's errors. */
  const reviewAlices = async (stateEvents: StateEvents, approvers: string[] = []) => {
    const { checkRuns, reviewA } = await twins(
      { ...alices({ stateEvents }), reviews: approvers.map((user) => ({ user, state: 'APPROVED', commitId: H })) },
      mallorys,
    );
    const { code, io } = await reviewA();
    return { code, conclusion: inForce(checkRuns, H)?.conclusion, errs: io.errs.join('\n') };
  };
  const closedThenReopenedBy = (who: string): StateEvents => [
    { event: 'closed', actor: 'alice' },
    { event: 'reopened', actor: who },
  ];

  it('alice closed her pull request and reopened it herself: she proposes it, as before', async () => {
    expect(await reviewAlices(closedThenReopenedBy('alice'))).toMatchObject({ code: 0, conclusion: 'success' });
  });

  it('bob (a writer, no admin) reopened it and approved it: alice withdrew it, nobody who may pass it stands behind it', async () => {
    const r = await reviewAlices(closedThenReopenedBy('bob'), ['bob']);
    expect(r).toMatchObject({ code: 1, conclusion: 'failure' });
    expect(r.errs).toMatch(/error actor-not-admin .*bob/);
  });

  it('an event naming no account (GitHub names a deleted one ghost; a reading without its actor) is an actor nobody can name', () => {
    const at = '2026-01-05T09:00:00Z';
    const events = [
      { id: 2, created_at: at, event: 'reopened', actor: null },
      { id: 1, created_at: at, event: 'reopened', actor: { login: 'alice' } },
      { id: 3, created_at: at, event: 'labeled', actor: { login: 'bob' }, label: { name: 'x' } },
    ];
    expect(proposingActors(events, (event) => `(nobody ${event})`)).toEqual(['(nobody reopened)']);
    expect(unnamedReopener(42, 'ready_for_review')).toMatch(/^\(whoever last marked ready for review pull request #42/);
    const input = { actors: [unnamedReopener(42, 'reopened')] } as unknown as Parameters<typeof remedyFor>[0];
    expect(remedyFor(input)).toMatch(/have its author close and reopen it/);
  });

  it('marked ready for review by bob: alice opened a draft, bob put it up for merging', async () => {
    const events: StateEvents = [{ event: 'ready_for_review', actor: 'bob' }];
    expect(await reviewAlices(events, ['bob'])).toMatchObject({ code: 1, conclusion: 'failure' });
    const own: StateEvents = [
      ...events,
      { event: 'convert_to_draft', actor: 'alice' },
      { event: 'ready_for_review', actor: 'alice' },
    ];
    expect(await reviewAlices(own)).toMatchObject({ code: 0, conclusion: 'success' });
  });

  it('reopened by bob, then closed and reopened by alice: the last reopening is hers', async () => {
    const events: StateEvents = [...closedThenReopenedBy('bob'), ...closedThenReopenedBy('alice')];
    expect(await reviewAlices(events)).toMatchObject({ code: 0, conclusion: 'success' });
  });
});
