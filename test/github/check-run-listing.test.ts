/**
 * How a push reads the `orgctl/review` run in force on the commit it left (successCarries,
 * github/adapter.ts): GitHub documents neither the order of GET commits/{ref}/check-runs nor what
 * `filter=latest` keeps per check suite, and the runs a workflow's token posts land in that
 * commit's workflow-run suites. Reading one page of 100 could miss the newest run: the push left a
 * success that carried its own verdict standing (fail open). Every page is read, newest by id.
 */
import { describe, expect, it } from 'vitest';
import { reviewOnGitHub } from '../../cli/github.ts';
import { copyOfH, H, inForce, pushH2, repositories } from '../redteam-r18-repository.ts';
import * as standin from './standin.ts';
import type { StandinCheckRun } from './standin.ts';

const repository = repositories(reviewOnGitHub);

/** `count` failures of bob's copy #43 on H (a comment review starts a run), each in a suite of its own when `ownSuites`. */
const earlierFailures = (count: number, ownSuites = true): StandinCheckRun[] =>
  Array.from({ length: count }, (_, i) => ({
    id: 20_000_000 + i,
    name: 'orgctl/review',
    headSha: H,
    status: 'completed',
    conclusion: 'failure',
    title: 'orgctl: 1 failing',
    summary: 'copy 43 fails on its own',
    ...(ownSuites && { suite: 1_000 + i }),
  }));

/** alice's #42 passes at H after `earlier` failures there, then she pushes it to H2 and the push workflow runs. */
async function pushAway(earlier: number, listing: { suitePerRun?: boolean; oldestFirst?: boolean }) {
  const { state, standin: one, review, leftHead } = await repository([copyOfH(43, 'bob')]);
  state.checkRunListing = listing;
  state.checkRuns.push(...earlierFailures(earlier, listing.suitePerRun ?? false));
  expect((await review(42)).code).toBe(0);
  expect(inForce(state.checkRuns, H)).toMatchObject({ conclusion: 'success', externalId: 'orgctl-pull-request:42' });
  pushH2(state);
  // The push's own listings (the review lists H's runs too, after its success: R86-2).
  const before = one.requests.length;
  const io = await leftHead();
  const listings = one.requests.slice(before).filter((r) => /\/commits\/\w+\/check-runs/.test(r.path));
  return { outs: io.outs.join('\n'), runs: state.checkRuns, listings };
}

describe("a push reads every page of the commit's orgctl/review runs before leaving a success standing", () => {
  it('120 earlier runs in suites of their own, listed oldest first: the newest, #42’s success, is on the second page', async () => {
    const { outs, runs, listings } = await pushAway(120, { suitePerRun: true, oldestFirst: true });
    expect(outs).toMatch(/its success there carried this pull request's verdict, now failed/);
    // bob's #43 is the only open pull request left with head H, and it fails on its own.
    expect(inForce(runs, H)?.conclusion).toBe('failure');
    expect(listings.map((r) => r.path)).toEqual([
      expect.stringMatching(/check_name=orgctl%2Freview.*per_page=100/),
      expect.stringMatching(/page=2/),
    ]);
  });

  it('one suite, newest first (the default listing): one page, and the same answer', async () => {
    const { outs, runs, listings } = await pushAway(120, {});
    expect(listings).toHaveLength(1);
    expect(outs).toMatch(/its success there carried this pull request's verdict, now failed/);
    expect(inForce(runs, H)?.conclusion).toBe('failure');
  });

  it('the newest run is another pull request’s failure: nothing to fail, whatever the order', async () => {
    const { state, leftHead } = await repository([copyOfH(43, 'bob')]);
    state.checkRunListing = { suitePerRun: true, oldestFirst: true };
    pushH2(state);
    state.checkRuns.push(...earlierFailures(120).map((r) => ({ ...r, id: r.id + 50_000_000 })));
    state.checkRuns.unshift({
      ...earlierFailures(1)[0]!,
      id: 1,
      conclusion: 'success',
      externalId: 'orgctl-pull-request:42',
    });
    const io = await leftHead();
    expect(io.outs.join('\n')).toMatch(/nothing there rests on it/);
    expect(inForce(state.checkRuns, H)?.conclusion).toBe('failure');
  });

  it('the listing fails (GitHub answers 502 every time): whose verdict H carries is unknown, and H fails, saying to re-run', async () => {
    const { state, review, leftHead } = await repository([copyOfH(43, 'bob')]);
    expect((await review(42)).code).toBe(0);
    pushH2(state);
    state.faults.push({ method: 'GET', path: /\/check-runs/, status: 502, times: 20 });
    const io = await leftHead(1);
    expect(io.errs.join('\n')).toMatch(
      /whether the success here carried its verdict could not be read \(GitHub answered 502.*re-run the review of any open pull request with this commit as head/s,
    );
    // Left standing, alice's withdrawn change would merge through bob's #43, which fails on its own.
    expect(inForce(state.checkRuns, H)?.conclusion).toBe('failure');
  });

  it("past GitHub's 1000 suites on the commit, each suite holding an orgctl/review run is read on its own", async () => {
    const { state, standin: one, review, leftHead } = await repository([copyOfH(43, 'bob')]);
    state.checkRunListing = { suitePerRun: true };
    expect((await review(42)).code).toBe(0); // its mark and its success: two suites
    // 1000 later workflow runs on H (another check): the commit's listing no longer reaches #42's runs.
    const later = standin.LISTED_SUITES;
    state.checkRuns.push(
      ...Array.from({ length: later }, (_, i) => ({
        ...earlierFailures(1)[0]!,
        id: 40_000_000 + i,
        name: 'check',
        suite: 5_000 + i,
      })),
    );
    pushH2(state);
    const before = one.requests.length;
    const io = await leftHead();
    expect(io.outs.join('\n')).toMatch(/its success there carried this pull request's verdict, now failed/);
    expect(inForce(state.checkRuns, H)?.conclusion).toBe('failure');
    const read = one.requests
      .slice(before)
      .filter((r) => r.method === 'GET')
      .map((r) => r.path.replace(/^\/repos\/acme\/org\//, '').replace(/\b[0-9a-f]{40}\b/, 'H'));
    expect(read.filter((p) => /check-(suites|runs)/.test(p))).toEqual([
      'commits/H/check-suites?per_page=1',
      'commits/H/check-suites?check_name=orgctl%2Freview&per_page=100',
      expect.stringMatching(/^check-suites\/\d+\/check-runs\?check_name=orgctl%2Freview&filter=latest&per_page=100$/),
      expect.stringMatching(/^check-suites\/\d+\/check-runs\?check_name=orgctl%2Freview&filter=latest&per_page=100$/),
    ]);
  });
});
