/**
 * What the R18 red-team files share (redteam-r18.test.ts, redteam-r18-races.test.ts): acme's dist/
 * as base, erin gaining w:configmaps in web as head (an admin's own proposal passes it), and a
 * stand-in repository holding alice's #42 (that proposal, her signed head H, pushed by her) beside
 * other pull requests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, expect } from 'vitest';
import type { reviewOnGitHub } from '../cli/github.ts';
import { ROOT } from './helpers.ts';
import { distOf, erinGainsConfigMaps } from './review/scenarios.ts';
import * as standin from './github/standin.ts';
import type { Standin, StandinCheckRun, StandinState } from './github/standin.ts';

/** The head commit the pull requests share: alice's own, signed. */
export const H = standin.fakeSha('head');

/** alice's next commit, pushed onto her branch after H. */
export const H2 = standin.fakeSha('head, amended');

/** GitHub's synchronize event of alice's push of #42 from H to H2. */
export const pushedH2 = { action: 'synchronize', before: H, after: H2, pull_request: { number: 42 } };

/** alice pushes H2 onto her branch of #42 (`state`): its head is no longer H. */
export function pushH2(state: StandinState): void {
  state.pull = { ...state.pull, headSha: H2 };
  state.commits = [H, H2].map((sha) => ({ sha, authorLogin: 'alice', verified: true }));
  state.pushes = [
    { after: H, actor: 'alice', type: 'branch_creation' },
    { after: H2, actor: 'alice' },
  ];
}

/** A pull request with head H by `author` (associated as MEMBER unless said), number `number`, from their fork. */
export const copyOfH = (number: number, author: string, association: 'MEMBER' | 'NONE' = 'MEMBER'): StandinState =>
  standin.defaultState({
    pull: {
      ...standin.defaultState().pull,
      number,
      title: `copy ${number}`,
      author,
      authorAssociation: association,
      headRef: `copy-${number}`,
      headOwner: author,
    },
    commits: [{ sha: H, authorLogin: 'alice', verified: true }],
  });

/** What branch protection reads for a commit: the last `orgctl/review` check run on it. */
export const inForce = (runs: readonly StandinCheckRun[], sha: string): StandinCheckRun | undefined =>
  runs.filter((r) => r.headSha === sha && r.name === 'orgctl/review').at(-1);

/**
 * A newer run's `pull` job marks H in progress: its script's one POST check-runs, through the
 * stand-in's API at `url` (the check run is the last of its name on H until another is posted).
 */
export async function newerRunMarks(url: string): Promise<void> {
  const r = await fetch(`${url}/repos/acme/org/check-runs`, {
    method: 'POST',
    headers: { authorization: 'token ghs_test', 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'orgctl/review',
      head_sha: H,
      status: 'in_progress',
      output: { title: 'judging', summary: 'orgctl is judging this change: the verdict before it no longer counts.' },
    }),
  });
  expect(r.status).toBe(201);
}

/** A passing run of another check on H, in check suite `suite` of its own: a pull_request workflow run of a copy. */
export const otherCheckOnH = (suite: number): StandinCheckRun => ({
  id: 31_000_000 + suite,
  name: 'check',
  headSha: H,
  status: 'completed',
  conclusion: 'success',
  title: 'orgctl check',
  summary: 'orgctl check passed',
  suite,
});

/**
 * Call at a test file's top level with the file's reviewOnGitHub (a mocked adapter's, where the
 * file mocks it): opens a repository of alice's #42 and `others`, each stand-in checked against
 * GitHub's schema and closed after its test; `review(n)` runs the review of #n on it.
 */
export function repositories(review: typeof reviewOnGitHub) {
  const sides = { base: '', head: '', eventPath: '' };
  const started: Standin[] = [];
  beforeAll(async () => {
    const acme = readFileSync(join(ROOT, 'test/fixtures/specs/acme.yaml'), 'utf8');
    Object.assign(sides, {
      base: await distOf(acme),
      head: await distOf(erinGainsConfigMaps(acme)),
      eventPath: standin.pullRequestEvent(),
    });
  });
  afterEach(async () => {
    const done = started.splice(0);
    for (const s of done) expect(s.schemaErrors).toEqual([]);
    await Promise.all(done.map((s) => s.close()));
  });
  return async (others: StandinState[]) => {
    const state = standin.defaultState({
      pull: { ...standin.defaultState().pull, author: 'alice', headRef: 'alice-web' },
      commits: [{ sha: H, authorLogin: 'alice', verified: true }],
      otherPulls: others,
    });
    const one = await standin.startStandin(state);
    started.push(one);
    /** The review of #n, on the event `event` when given (a push's synchronize, say), else a synchronize of #42 with no `before`. */
    const reviewOf = async (number: number, event?: Record<string, unknown>) => {
      const io = standin.capture(standin.actionsEnv(one, event ? standin.pullRequestEvent(event) : sides.eventPath));
      const flags = { base: sides.base, head: sides.head, pull: String(number) };
      const code = await review(flags, io, { retryAfterBaseValue: 1, throttle: false });
      return { code, io };
    };
    /** The push workflow's run of alice's push H -> H2 (`review --github --left-head`), to the end, exiting `code`. */
    const leftHead = async (code = 0) => {
      const io = standin.capture(standin.actionsEnv(one, standin.pullRequestEvent(pushedH2)));
      expect(await review({ 'left-head': true }, io, { retryAfterBaseValue: 1, throttle: false })).toBe(code);
      return io;
    };
    return { state, standin: one, review: reviewOf, leftHead };
  };
}
