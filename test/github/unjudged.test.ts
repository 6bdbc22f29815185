/**
 * A run that cannot judge its pull request fails visibly. The check run that counts is the last one
 * of its name on the head commit: a run that stopped without posting (an error of orgctl's own, a
 * base it could not read) left the one before in force, a success when an earlier run passed, after
 * an approval was dismissed or an override label taken off. It now posts a failing check run and a
 * comment saying why, then exits as before; unless the pull request moved meanwhile, when the run
 * that change started judges it.
 */
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { ROOT } from '../helpers.ts';
import { distOf, erinGainsConfigMaps } from '../review/scenarios.ts';
import {
  actionsEnv,
  capture,
  defaultState,
  fakeSha,
  pullRequestEvent,
  startStandin,
  type Standin,
  verdicts,
} from './standin.ts';

// What judges the change: real, unless a test makes it fail as orgctl's own bug would.
const judge = vi.hoisted(() => ({ fail: undefined as Error | undefined }));
vi.mock('../../cli/judge.ts', async (original) => {
  const real = await original<typeof import('../../cli/judge.ts')>();
  return {
    ...real,
    judgeChange: (...args: Parameters<typeof real.judgeChange>) => {
      if (judge.fail) throw judge.fail;
      return real.judgeChange(...args);
    },
  };
});
// The comment's renderer: real, unless a test makes it fail after the judging (R12: a RangeError there, as Q5's was, posted nothing).
const render = vi.hoisted(() => ({ fail: undefined as Error | undefined }));
vi.mock('../../report/markdown.ts', async (original) => {
  const real = await original<typeof import('../../report/markdown.ts')>();
  return {
    ...real,
    renderMarkdown: (...args: Parameters<typeof real.renderMarkdown>) => {
      if (render.fail) throw render.fail;
      return real.renderMarkdown(...args);
    },
  };
});
// The reading of the pull request: real, unless a test makes it fail as orgctl's own bug would (R13-F1).
// `afterwards`: what happens on GitHub once a pull request (by number) was read for judging.
const read = vi.hoisted(() => ({
  fail: undefined as Error | undefined,
  afterwards: undefined as ((number: number) => void) | undefined,
}));
vi.mock('../../github/adapter.ts', async (original) => {
  const real = await original<typeof import('../../github/adapter.ts')>();
  return {
    ...real,
    fetchPullRequest: async (...args: Parameters<typeof real.fetchPullRequest>) => {
      if (read.fail) throw read.fail;
      const facts = await real.fetchPullRequest(...args);
      read.afterwards?.(args[2]);
      return facts;
    },
  };
});
const { reviewOnGitHub } = await import('../../cli/github.ts');

const ACME = readFileSync(join(ROOT, 'test/fixtures/specs/acme.yaml'), 'utf8');
let base = '';
let head = '';
let eventPath = '';
beforeAll(async () => {
  base = await distOf(ACME);
  head = await distOf(erinGainsConfigMaps(ACME));
  eventPath = pullRequestEvent();
});

let standin: Standin | undefined;
afterEach(async () => {
  judge.fail = undefined;
  render.fail = undefined;
  read.fail = undefined;
  read.afterwards = undefined;
  if (standin) expect(standin.schemaErrors).toEqual([]);
  await standin?.close();
  standin = undefined;
});

/** alice's pull request, approved by frank: it passes. */
const approved = {
  pull: { ...defaultState().pull, author: 'alice' },
  commits: [{ sha: fakeSha('head'), authorLogin: 'alice', verified: true }],
  reviews: [{ user: 'frank', state: 'APPROVED' as const, commitId: fakeSha('head') }],
};

async function review(flags: { base: string; head: string; pull?: string }) {
  const io = capture(actionsEnv(standin!, eventPath));
  let code: number | undefined;
  let thrown: unknown;
  try {
    code = await reviewOnGitHub(flags, io, { retryAfterBaseValue: 1, throttle: false });
  } catch (e) {
    thrown = e;
  }
  return { code, thrown, io };
}

describe('a run that cannot judge the pull request', () => {
  it('an error of orgctl’s own after a run that passed: the last check run fails, and says why', async () => {
    standin = await startStandin(defaultState(approved));
    expect((await review({ base, head })).code).toBe(0);
    expect(verdicts(standin.state).at(-1)!.conclusion).toBe('success');
    judge.fail = new TypeError("Cannot read properties of undefined (reading 'scope')");
    const { thrown } = await review({ base, head });
    expect(thrown).toBe(judge.fail);
    const last = verdicts(standin.state).at(-1)!;
    expect(last.conclusion).toBe('failure');
    expect(last.title).toBe('could not be judged');
    expect(standin.state.comments.at(-1)!.body).toMatch(
      /could not be judged[\s\S]*Cannot read properties of undefined \(reading 'scope'\)/,
    );
  });

  it('an error of orgctl’s own after the judging, rendering the comment: the last check run fails', async () => {
    standin = await startStandin(defaultState(approved));
    expect((await review({ base, head })).code).toBe(0);
    render.fail = new RangeError('Maximum call stack size exceeded');
    const { thrown } = await review({ base, head });
    expect(thrown).toBe(render.fail);
    expect(verdicts(standin.state).at(-1)!.conclusion).toBe('failure');
  });

  // R13-F1: reading the pull request (fetchPullRequest) ran outside the region that fails visibly, and
  // an override label named after an Object property made it throw: appliers['__proto__'] was
  // Object's prototype (a plain object ignores that key), appliers.constructor Object's constructor
  // when no event names the label's applier. Anyone who may label (the author, with triage) pinned
  // the success before.
  for (const [rule, labelEvents] of [
    ['__proto__', undefined],
    ['constructor', []],
  ] as const) {
    it(`a label orgctl/override-${rule}, then the approval dismissed: the last check run fails`, async () => {
      // bob (no admin) proposes; frank's approval is what passes it.
      standin = await startStandin(
        defaultState({ reviews: [{ user: 'frank', state: 'APPROVED', commitId: fakeSha('head') }] }),
      );
      expect((await review({ base, head })).code).toBe(0);
      expect(verdicts(standin.state).at(-1)!.conclusion).toBe('success');
      standin.state.pull = {
        ...standin.state.pull,
        labels: [`orgctl/override-${rule}`],
        labelEvents: labelEvents && [...labelEvents],
      };
      standin.state.reviews = [{ user: 'frank', state: 'DISMISSED', commitId: fakeSha('head') }];
      const { code } = await review({ base, head });
      expect(code).toBe(1);
      expect(verdicts(standin.state).at(-1)!.conclusion).toBe('failure');
    });
  }

  it('an error reading the pull request itself: a failing check run on its head, and the error', async () => {
    standin = await startStandin(defaultState(approved));
    expect((await review({ base, head })).code).toBe(0);
    read.fail = new TypeError('login.toLowerCase is not a function');
    const { thrown } = await review({ base, head });
    expect(thrown).toBe(read.fail);
    const last = verdicts(standin.state).at(-1)!;
    expect(last.conclusion).toBe('failure');
    expect(last.title).toBe('could not be judged');
    expect(last.headSha).toBe(fakeSha('head'));
  });

  // R14-F1: with no earlier reading, failUnjudged read the head through the same calls that had
  // failed (the activity among them), so it failed again and posted nothing.
  it('GitHub failing on one endpoint for good, after a run that passed and a dismissed approval: the check fails', async () => {
    standin = await startStandin(
      defaultState({ reviews: [{ user: 'frank', state: 'APPROVED', commitId: fakeSha('head') }] }),
    );
    expect((await review({ base, head })).code).toBe(0);
    standin.state.reviews = [{ user: 'frank', state: 'DISMISSED', commitId: fakeSha('head') }];
    standin.state.faults = [{ path: /\/activity$/, status: 502, times: 1000 }];
    const { thrown } = await review({ base, head });
    expect(thrown).toBeDefined();
    expect(standin.state.checkRuns.at(-1)!.conclusion).toBe('failure');
  });

  it('a run that ends without a verdict leaves its check run in progress, never the success before', async () => {
    standin = await startStandin(defaultState(approved));
    expect((await review({ base, head })).code).toBe(0);
    // The run stops once its check is marked (as a cancelled or timed-out run does): GitHub refuses
    // every later post, so neither the verdict nor the failure reaches it.
    judge.fail = new Error('the runner went away');
    standin.state.faults = [{ method: 'POST', path: /check-runs|comments/, status: 403, times: 1000, after: 1 }];
    await review({ base, head });
    const last = standin.state.checkRuns.at(-1)!;
    expect([last.status, last.conclusion]).toEqual(['in_progress', null]);
  });

  it('a base it cannot read: a failing check run and a comment saying why, exit 2', async () => {
    standin = await startStandin(defaultState(approved));
    const { code, thrown } = await review({ base: join(ROOT, 'test/fixtures/manifests'), head });
    expect(thrown).toBeUndefined();
    expect(code).toBe(2);
    expect(verdicts(standin.state).at(-1)!.conclusion).toBe('failure');
    expect(standin.state.comments.at(-1)!.body).toMatch(/no orgctl-organization ConfigMap/);
  });
});

describe('R17-1: a run that judged another pull request with the same head reads it again before posting', () => {
  /** alice's #42 passes on its own; bob's #43, the same head, fails on its own. */
  const twins = () =>
    defaultState({
      ...approved,
      reviews: [],
      otherPulls: [
        defaultState({
          pull: { ...defaultState().pull, number: 43, headRef: 'bob-copy' },
          commits: approved.commits,
        }),
      ],
    });

  it('#42 closed while #43’s run judged it (its head is still the commit): no verdict; the closing’s run posts', async () => {
    standin = await startStandin(twins());
    read.afterwards = (number) => {
      if (number === 42) standin!.state.pull = { ...standin!.state.pull, state: 'closed' };
    };
    const { code, io } = await review({ base, head, pull: '43' });
    expect(code).toBe(0);
    expect(io.errs.join('\n')).toMatch(
      /pull request #42, of the same head commit, changed while it was judged \(it is closed now\): no verdict posted/,
    );
    expect(standin.state.checkRuns.map((c) => c.status)).toEqual(['in_progress']);
  });

  it('#42 pushed to another head while #43’s run judged it: it lends nothing, #43’s own failure is posted', async () => {
    standin = await startStandin(twins());
    read.afterwards = (number) => {
      if (number === 42) standin!.state.pull = { ...standin!.state.pull, headSha: fakeSha('moved') };
    };
    expect((await review({ base, head, pull: '43' })).code).toBe(1);
    expect(verdicts(standin.state).map((c) => [c.headSha, c.conclusion])).toEqual([[fakeSha('head'), 'failure']]);
  });
});
