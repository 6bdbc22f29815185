/**
 * Red team G: how `orgctl review --github` reads a pull request from GitHub's REST API, against
 * GitHub's documented behaviour and limits. Each finding's test failed on the code it was written
 * against (f42852e, with the fixes of the findings before it). The last suite is a check that held
 * (a renamed file's old path), kept as a test that fails if the adapter drops it.
 *
 * G1: a run reads the pull request again just before posting, and posts nothing when what may change
 *     without a commit changed while it judged (supersededBy). It compared the override labels' names
 *     only, while what counts is who last applied each (red team Q): an admin who took their
 *     override off, and a non-admin who put the same label back while the run judged, left the names
 *     as they were, and the run posted the admin's override (a `success`) over the newer run's
 *     verdict on the non-admin's label.
 * G2: the pull request's author stands behind it (is the first of the two admins an admin-grade
 *     change needs) when its head commit is their own verified commit (red teams L, Y2). But whoever
 *     may push to the head branch can make the head another commit the author once signed (a WIP
 *     built on it, a pull request of theirs closed unmerged): pushed, or force-pushed, by someone
 *     else, the author never proposed it here. One admin's approval then passed what needs two.
 *     GitHub's repository activity says who pushed each commit to a branch: the author proposes
 *     the head only when they pushed it there last, and a run posts nothing when who pushed its
 *     head changed while it judged (pushed away and back by another).
 * G3: G2's class where the organization has one admin (or two, the change concerning one): the
 *     admin "makes the change with nobody else" when every actor is them, which counted commits
 *     only, never who pushed them. bob pushing the only admin's own signed WIP as the head of her
 *     pull request made it hers alone, with nobody's approval. The admin makes a change only when
 *     they propose it (their head, pushed by them).
 * G4: G2's class for any change: an actor was the pull request's author or a commit's signer, never
 *     who pushed the head, though pushing chooses what the head is. bob pushing alice's signed WIP
 *     (erin gains w:configmaps) over alice's pull request was "made by admins only"
 *     (actor-not-admin) and passed with no approval. Who pushed the head is an actor (GitHub's own
 *     rule: the last pusher's approval does not count either), and nobody GitHub names when its
 *     activity does not say.
 * G5: who last applied an override label was read from the issue events in the order GitHub listed
 *     them, taken as oldest first; GitHub documents no order for GET issues/{number}/events (and
 *     its staff advise sorting events on one's side). Listed newest first, an admin's `labeled`
 *     event from before a non-admin took the label off and put it back read as the last one. The
 *     events are put in the order they happened (created_at, then id) before they are read.
 *
 * R11 (a read-only review of G2-G4): R11-1 a run posted nothing when GitHub named nobody as the
 * pusher at both readings, for different reasons (a 403, then no push listed): nobody named is one
 * reading. R11-2 the rules advised signing commits for an unnamed pusher; the remedy now has one
 * home (remedyFor). R11-6 a head in a private fork said only "404" when asked who pushed it; it now
 * says the activity was the fork's. R11-3, R11-4 and R11-5 are in test/github/adapter.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { reviewOnGitHub } from '../cli/github.ts';
import { overrideAppliers } from '../review/approvals.ts';
import { ROOT } from './helpers.ts';
import { danMadeAdmin, distOf, erinGainsConfigMaps, withoutWebGrants } from './review/scenarios.ts';
import {
  actionsEnv,
  capture,
  defaultState,
  fakeSha,
  pullRequestEvent,
  startStandin,
  reviewsOnStandin,
  type Standin,
  type StandinState,
  verdicts,
} from './github/standin.ts';

const ACME = readFileSync(join(ROOT, 'test/fixtures/specs/acme.yaml'), 'utf8');
let base = '';
let massRemoval = '';
let eventPath = '';
beforeAll(async () => {
  base = await distOf(ACME);
  massRemoval = await distOf(withoutWebGrants(ACME));
  eventPath = pullRequestEvent();
});

let standin: Standin | undefined;
afterEach(async () => {
  if (standin) expect(standin.schemaErrors).toEqual([]);
  await standin?.close();
  standin = undefined;
});

/** alice's pull request, its head a commit alice signed, approved by frank. */
const alicesHeadFrankApproves = (): Partial<StandinState> => ({
  pull: { ...defaultState().pull, author: 'alice' },
  commits: [{ sha: fakeSha('head'), authorLogin: 'alice', verified: true }],
  reviews: [{ user: 'frank', state: 'APPROVED', commitId: fakeSha('head') }],
});

type LabelEvents = NonNullable<StandinState['pull']['labelEvents']>;

/**
 * grace's mass removal, both admins (alice, frank) approving its head, the override label on it;
 * its label events are `first` when the run first reads them and `then` afterwards (what happened
 * while the run judged).
 */
async function massRemovalWhileRelabelled(first: LabelEvents, then: LabelEvents) {
  standin = await startStandin(
    defaultState({
      pull: { ...defaultState().pull, author: 'grace', labels: ['orgctl/override-mass-removal'] },
      commits: [{ sha: fakeSha('head'), authorLogin: 'grace', verified: true }],
      reviews: [
        { user: 'alice', state: 'APPROVED', commitId: fakeSha('head') },
        { user: 'frank', state: 'APPROVED', commitId: fakeSha('head') },
      ],
    }),
  );
  let readings = 0;
  Object.defineProperty(standin.state.pull, 'labelEvents', { get: () => (readings++ === 0 ? first : then) });
  const io = capture(actionsEnv(standin, eventPath));
  const code = await reviewOnGitHub({ base, head: massRemoval }, io, { retryAfterBaseValue: 1, throttle: false });
  return { code, io };
}

describe('G1: an override label taken off by its admin and put back by another while a run judged', () => {
  const byFrank: LabelEvents = [{ event: 'labeled', label: 'orgctl/override-mass-removal', actor: 'frank' }];

  it('the run posts nothing: the label is grace’s now, not frank’s override (the newer run decides)', async () => {
    const r = await massRemovalWhileRelabelled(byFrank, [
      ...byFrank,
      { event: 'unlabeled', label: 'orgctl/override-mass-removal', actor: 'frank' },
      { event: 'labeled', label: 'orgctl/override-mass-removal', actor: 'grace' },
    ]);
    expect(verdicts(standin!.state)).toEqual([]);
    expect(standin!.state.comments).toEqual([]);
    expect(r.io.errs.join('\n')).toMatch(/changed while it was judged \(who applied its override labels changed\)/);
    expect(r.code).toBe(0);
  });

  it('control: the same label events at both readings, the run posts frank’s override', async () => {
    const r = await massRemovalWhileRelabelled(byFrank, byFrank);
    expect(r.code, r.io.errs.join('\n')).toBe(0);
    expect(verdicts(standin!.state).at(-1)?.conclusion).toBe('success');
  });
});

describe('G2: another’s push makes an admin’s signed commit the head of the admin’s own pull request', () => {
  const reviewOn = reviewsOnStandin(
    () => base,
    () => eventPath,
  );
  // dan becomes admin: admin-grade, and it concerns neither alice nor frank: two admins behind it.
  const danAdmin = () => distOf(danMadeAdmin(ACME));
  /** alice's pull request, its head a commit alice signed (her WIP), approved by frank; `pushes` moved its branch. */
  const alicesHead = async (pushes: StandinState['pushes']) =>
    reviewOn(await danAdmin(), {
      pull: { ...defaultState().pull, author: 'alice', headRef: 'alice-typo' },
      commits: [{ sha: fakeSha('head'), authorLogin: 'alice', verified: true }],
      reviews: [{ user: 'frank', state: 'APPROVED', commitId: fakeSha('head') }],
      pushes,
    });

  it('control: alice pushed her commit herself, frank approves: two admins, it passes', async () => {
    const r = await alicesHead([{ after: fakeSha('head'), actor: 'alice', type: 'branch_creation' }]);
    expect(r.conclusion, r.comment).toBe('success');
  });

  it.each([
    ['force-pushed', 'force_push'],
    ['pushed (a fast-forward onto her own commit)', 'push'],
  ] as const)('bob %s it over alice’s pull request: frank alone is behind it, it fails', async (_, type) => {
    const r = await alicesHead([
      { after: fakeSha('typo-fix'), actor: 'alice', type: 'branch_creation' },
      { after: fakeSha('head'), actor: 'bob', type },
    ]);
    expect(r.conclusion, r.comment).toBe('failure');
    expect(r.comment).toMatch(/alice made commits of it yet does not propose it/);
    expect(r.code).toBe(1);
  });

  it('bob pushing another commit and alice’s back while a run judged her pull request: the run posts nothing (the newer run decides)', async () => {
    standin = await startStandin(
      defaultState({
        ...alicesHeadFrankApproves(),
      }),
    );
    const alice = [{ after: fakeSha('head'), actor: 'alice', type: 'branch_creation' as const }];
    const then = [
      ...alice,
      { after: fakeSha('bob'), actor: 'bob', type: 'push' as const },
      { after: fakeSha('head'), actor: 'bob', type: 'force_push' as const },
    ];
    let readings = 0;
    Object.defineProperty(standin.state, 'pushes', { get: () => (readings++ === 0 ? alice : then) });
    const io = capture(actionsEnv(standin, eventPath));
    const code = await reviewOnGitHub({ base, head: await danAdmin() }, io, {
      retryAfterBaseValue: 1,
      throttle: false,
    });
    expect(verdicts(standin.state)).toEqual([]);
    expect(io.errs.join('\n')).toMatch(/changed while it was judged \(who pushed its head changed\)/);
    expect(code).toBe(0);
  });

  it('GitHub’s activity not saying who pushed the head (none listed, an account deleted, a refusal) proposes nobody', async () => {
    expect((await alicesHead([])).conclusion).toBe('failure');
    const deleted = await alicesHead([{ after: fakeSha('head'), actor: null }]);
    expect(deleted.conclusion).toBe('failure');
    expect(deleted.comment).toMatch(
      /the push GitHub lists of refs\/heads\/alice-typo that made it the head names no account/,
    );
    const refused = await reviewOn(await danAdmin(), {
      ...alicesHeadFrankApproves(),
      faults: [{ method: 'GET', path: /\/activity$/, status: 403, times: 2 }], // both readings
    });
    expect(refused.conclusion, refused.comment).toBe('failure');
    expect(refused.comment).toMatch(/GitHub answered 403 \(Forbidden\) when asked who pushed it/);
  });
});

describe('R11-1: GitHub naming nobody as the pusher at both readings, for different reasons', () => {
  it('the run posts its verdict: nobody named is nobody named (a 403 at the first reading, no push listed at the second)', async () => {
    standin = await startStandin(
      defaultState({
        ...alicesHeadFrankApproves(),
        pushes: [],
        faults: [{ method: 'GET', path: /\/activity$/, status: 403, times: 1 }], // the first reading only
      }),
    );
    const io = capture(actionsEnv(standin, eventPath));
    const code = await reviewOnGitHub({ base, head: base }, io, { retryAfterBaseValue: 1, throttle: false });
    expect(io.errs.join('\n')).not.toMatch(/changed while it was judged/);
    expect(verdicts(standin.state)).toHaveLength(1);
    expect(standin.state.comments[0]?.body).toMatch(/GitHub answered 403 \(Forbidden\) when asked who pushed it/);
    expect(code).toBe(0);
  });
});

describe('R11-2: what to do when GitHub does not name who pushed the head', () => {
  const reviewOn = reviewsOnStandin(
    () => base,
    () => eventPath,
  );
  it('the rules advise letting GitHub name the pusher, not signing commits that are signed already', async () => {
    const danAdmin = await distOf(danMadeAdmin(ACME));
    const refused = await reviewOn(danAdmin, {
      ...alicesHeadFrankApproves(),
      faults: [{ method: 'GET', path: /\/activity$/, status: 403, times: 2 }], // both readings
    });
    expect(refused.conclusion, refused.comment).toBe('failure');
    expect(refused.comment).not.toMatch(/push every commit signed by its maker/);
    // Said by the rules that need it (admin-change-approval, self-edit), from one home.
    expect(
      refused.comment.match(
        /give the review's token read access to the contents of the repository holding the head branch/g,
      ),
    ).toHaveLength(2);
  });
});

describe('R11-6: a head branch in a private fork', () => {
  const reviewOn = reviewsOnStandin(
    () => base,
    () => eventPath,
  );
  it('the verdict says the activity was read from the fork, which refuses it', async () => {
    const r = await reviewOn(await distOf(erinGainsConfigMaps(ACME)), {
      pull: { ...defaultState().pull, author: 'alice', headOwner: 'alice' },
      commits: [{ sha: fakeSha('head'), authorLogin: 'alice', verified: true }],
    });
    expect(r.conclusion, r.comment).toBe('failure');
    expect(r.comment).toMatch(
      /GitHub answered 404 \(Not Found\) when asked who pushed it \(GET \/repos\/alice\/org\/activity\): the head branch is in the fork alice\/org, whose activity was read: GitHub gives it only to a token that may read that fork \(a private fork refuses the review's\)/,
    );
  });
});

describe('G3: the only admin’s signed WIP pushed by another as the head of her pull request', () => {
  const reviewOn = reviewsOnStandin(
    () => oneAdminBase,
    () => eventPath,
  );
  // frank is no admin: alice is the organization's only admin, and decides alone what concerns others.
  const ONE_ADMIN = ACME.replace(
    '{ email: frank@acme.io, github: frank, githubId: 1742619, admin: true }',
    '{ email: frank@acme.io, github: frank, githubId: 1742619 }',
  );
  let oneAdminBase = '';
  let danAdmin = '';
  beforeAll(async () => {
    oneAdminBase = await distOf(ONE_ADMIN);
    danAdmin = await distOf(danMadeAdmin(ONE_ADMIN));
  });
  const alicesHead = (pushes: StandinState['pushes']) =>
    reviewOn(danAdmin, {
      pull: { ...defaultState().pull, author: 'alice' },
      commits: [{ sha: fakeSha('head'), authorLogin: 'alice', verified: true }],
      pushes,
    });

  it('control: alice made it and pushed it herself: the only admin decides alone, it passes', async () => {
    const r = await alicesHead([{ after: fakeSha('head'), actor: 'alice', type: 'branch_creation' }]);
    expect(r.conclusion, r.comment).toBe('success');
  });

  it('bob pushed it: not alice’s act, and nobody approved it: it fails', async () => {
    const r = await alicesHead([
      { after: fakeSha('typo-fix'), actor: 'alice', type: 'branch_creation' },
      { after: fakeSha('head'), actor: 'bob', type: 'force_push' },
    ]);
    expect(r.conclusion, r.comment).toBe('failure');
    expect(r.comment).toMatch(
      /\(with one admin, alice@<!-- -->acme\.io, there is none to ask: instead that admin decides alone, making the change with nobody else or approving it\)/,
    );
  });
});

describe('G4: who pushed the head is an actor', () => {
  const reviewOn = reviewsOnStandin(
    () => base,
    () => eventPath,
  );
  // erin gains w:configmaps in web: no admin-grade change, which an admin may make alone.
  let erinGains = '';
  beforeAll(async () => {
    erinGains = await distOf(erinGainsConfigMaps(ACME));
  });
  const alicesWip = (pushes: StandinState['pushes'], reviews: StandinState['reviews'] = []) =>
    reviewOn(erinGains, {
      pull: { ...defaultState().pull, author: 'alice' },
      commits: [{ sha: fakeSha('head'), authorLogin: 'alice', verified: true }],
      reviews,
      pushes,
    });
  const bobPushed: StandinState['pushes'] = [
    { after: fakeSha('typo-fix'), actor: 'alice', type: 'branch_creation' },
    { after: fakeSha('head'), actor: 'bob', type: 'force_push' },
  ];

  it('control: alice pushed her own commit: an admin makes it alone, it passes', async () => {
    const r = await alicesWip([{ after: fakeSha('head'), actor: 'alice', type: 'branch_creation' }]);
    expect(r.conclusion, r.comment).toBe('success');
  });

  it('bob pushed it: bob is an actor and no admin, so an admin must approve it', async () => {
    const r = await alicesWip(bobPushed);
    expect(r.conclusion, r.comment).toBe('failure');
    expect(r.comment).toMatch(/`actor-not-admin` \| ❌ \| bob is not an admin in base/);
    expect(
      (await alicesWip(bobPushed, [{ user: 'frank', state: 'APPROVED', commitId: fakeSha('head') }])).conclusion,
    ).toBe('success');
  });

  it('nobody GitHub names pushed it: an actor nobody can match to an admin', async () => {
    const r = await alicesWip([]);
    expect(r.conclusion, r.comment).toBe('failure');
    expect(r.comment).toMatch(/the newest push GitHub lists of refs\/heads\/bob-web did not make it the head/);
  });
});

describe('held: what GitHub lists of a renamed file', () => {
  const reviewOn = reviewsOnStandin(
    () => base,
    () => eventPath,
  );
  it('moving engine code into org/ (a rename: GitHub lists the new path, the old one in previous_filename) is an engine change', async () => {
    const r = await reviewOn(base, {
      pull: { ...defaultState().pull, author: 'alice' },
      commits: [{ sha: fakeSha('head'), authorLogin: 'alice', verified: true }],
      pushes: [{ after: fakeSha('head'), actor: 'alice' }],
      files: [{ filename: 'org/self-edit.ts', status: 'renamed', previousFilename: 'policies/change/self-edit.ts' }],
    });
    expect(r.conclusion, r.comment).toBe('failure');
    expect(r.comment).toMatch(/`engine-change` \| ❌ \| changes policies\/change\/self-edit\.ts/);
  });
});

describe('G5: label events in whatever order GitHub lists them', () => {
  const at = (minute: number) => `2026-01-05T09:${String(minute).padStart(2, '0')}:00Z`;
  const events = [
    {
      id: 1,
      created_at: at(1),
      event: 'labeled',
      label: { name: 'orgctl/override-mass-removal' },
      actor: { login: 'frank' },
    },
    {
      id: 2,
      created_at: at(2),
      event: 'unlabeled',
      label: { name: 'orgctl/override-mass-removal' },
      actor: { login: 'grace' },
    },
    {
      id: 3,
      created_at: at(2),
      event: 'labeled',
      label: { name: 'orgctl/override-mass-removal' },
      actor: { login: 'grace' },
    },
  ];

  it('the last to apply the label is grace, whichever order the events come in', () => {
    expect(overrideAppliers(events)).toEqual({ 'mass-removal': 'grace' });
    expect(overrideAppliers([...events].reverse())).toEqual({ 'mass-removal': 'grace' });
    expect(overrideAppliers([events[2]!, events[0]!, events[1]!])).toEqual({ 'mass-removal': 'grace' });
  });

  it('frank’s label put back after grace took hers off is frank’s, listed newest first too', () => {
    const back = [
      ...events.slice(0, 2),
      {
        id: 4,
        created_at: at(3),
        event: 'labeled',
        label: { name: 'orgctl/override-mass-removal' },
        actor: { login: 'frank' },
      },
    ];
    expect(overrideAppliers([...back].reverse())).toEqual({ 'mass-removal': 'frank' });
  });
});
