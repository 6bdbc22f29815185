/**
 * Red team L: bypassing the day's fixes (delivery-source, author_association, engine-change's
 * dist/-only gains, can-i's partial read). Each test failed on the code it was written against.
 *
 * L1: a verified commit is held to its signer, and an admin signer counts as an admin *behind* the
 *     change (the second of the two admins an admin-grade change needs). A non-admin can put an
 *     admin's signed commit in their own pull request (branch from the admin's open branch: the
 *     commit keeps its signature), so one real approval passes what needs two admins.
 * L2: delivery-source checks the branch and the folder Argo CD reads, not the repository: head's
 *     `repoURL` pointing at a fork (whose default branch nobody reviews) passes with settings-change's
 *     approval, while a branch of the reviewed repository fails whatever the approvals.
 * L3: engine-change's "a change of dist/ alone that gains fails" is escaped by one more file under
 *     org/ that declares nothing.
 * L4: can-i's partial read skips a binding written in a form the strict reader refuses (and Go
 *     reads): it answers `no` where the full read refuses the output.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ROOT, run } from './helpers.ts';
import { bothReads } from './partial-read-switch.ts';
import { baseDistWithWebBinding, danMadeAdmin, distOf } from './review/scenarios.ts';
import { defaultState, fakeSha, pullRequestEvent, reviewsOnStandin } from './github/standin.ts';

vi.mock('../cli/partial-read.ts', async (original) =>
  (await import('./partial-read-switch.ts')).fullReadOnDemand(await original()),
);

const ACME = readFileSync(join(ROOT, 'test/fixtures/specs/acme.yaml'), 'utf8');

let base = '';
let eventPath = '';
beforeAll(async () => {
  base = await distOf(ACME);
  eventPath = pullRequestEvent();
});

const reviewOn = reviewsOnStandin(
  () => base,
  () => eventPath,
);

describe('L1: an admin’s signed commit carried in a non-admin’s pull request', () => {
  // bob (a member, no admin) makes dan an admin: admin-grade, two admins must stand behind it.
  const danAdmin = () => distOf(danMadeAdmin(ACME));
  const approvedByAlice = [{ user: 'alice', state: 'APPROVED' as const, commitId: fakeSha('head') }];

  it('control: bob alone, approved by alice alone, fails (one admin behind an admin-grade change)', async () => {
    const r = await reviewOn(await danAdmin(), {
      pull: { ...defaultState().pull, author: 'bob' },
      commits: [{ sha: fakeSha('head'), authorLogin: 'bob', verified: true }],
      reviews: approvedByAlice,
    });
    expect(r.conclusion, r.io.errs.join('\n')).toBe('failure');
  });

  it('bob’s branch, started from frank’s open branch (frank’s signed commit below bob’s), approved by alice alone, still fails: frank never proposed it', async () => {
    const r = await reviewOn(await danAdmin(), {
      pull: { ...defaultState().pull, author: 'bob' },
      commits: [
        { sha: fakeSha('frank-wip'), authorLogin: 'frank', verified: true },
        { sha: fakeSha('head'), authorLogin: 'bob', verified: true },
      ],
      reviews: approvedByAlice,
    });
    expect(r.comment).toMatch(/dan@<!-- -->acme\.io[\s\S]*becomes admin/);
    expect(r.conclusion, r.io.errs.join('\n')).toBe('failure');
    expect(r.code).toBe(1);
  });

  it('frank’s own pull request with bob’s commit, approved by alice, still passes (frank proposes it)', async () => {
    const r = await reviewOn(await danAdmin(), {
      pull: { ...defaultState().pull, author: 'frank' },
      commits: [
        { sha: fakeSha('bob-1'), authorLogin: 'bob', verified: true },
        { sha: fakeSha('head'), authorLogin: 'frank', verified: true },
      ],
      reviews: approvedByAlice,
    });
    expect(r.conclusion, r.io.errs.join('\n')).toBe('success');
  });
});

describe('L2: delivery-source and the repository Argo CD reads', () => {
  it('head pointing Argo CD at a fork fails delivery-source whatever the approvals, as another branch does', async () => {
    const head = await distOf(
      ACME.replace('repoURL: "https://github.com/acme/org.git"', 'repoURL: "https://github.com/mallory/org.git"'),
    );
    const r = await reviewOn(head, {
      pull: { ...defaultState().pull, author: 'alice' },
      commits: [{ sha: fakeSha('head'), authorLogin: 'alice', verified: true }],
      reviews: [{ user: 'frank', state: 'APPROVED', commitId: fakeSha('head') }],
    });
    expect(r.comment).toMatch(/repoURL/);
    expect(r.io.errs.join('\n')).toMatch(/delivery-source/);
    expect(r.conclusion).toBe('failure');
    expect(r.code).toBe(1);
  });

  it('the repository under another spelling (no .git, other case) still passes', async () => {
    const head = await distOf(
      ACME.replace('repoURL: "https://github.com/acme/org.git"', 'repoURL: "https://github.com/Acme/org"'),
    );
    const r = await reviewOn(head, {
      pull: { ...defaultState().pull, author: 'alice' },
      commits: [{ sha: fakeSha('head'), authorLogin: 'alice', verified: true }],
      reviews: [{ user: 'frank', state: 'APPROVED', commitId: fakeSha('head') }],
    });
    expect(r.io.errs.join('\n')).not.toMatch(/delivery-source/);
    expect(r.conclusion, r.io.errs.join('\n')).toBe('success');
  });
});

describe('L3: a change of dist/ that gains, plus a file of org/ that declares nothing', () => {
  it('bob gains w:services in data through a dist/ change carried with org/README.md: fails engine-change as dist/ alone does', async () => {
    const gain = ACME.replace(
      '- { user: bob@acme.io, namespace: web, levels: ["r:pods", "w:services"] }',
      '- { user: bob@acme.io, namespace: web, levels: ["r:pods", "w:services"] }\n    - { user: bob@acme.io, namespace: data, levels: ["w:services"] }',
    );
    const head = await distOf(gain);
    const args = (...paths: string[]) => [
      'review',
      '--base',
      base,
      '--head',
      head,
      '--actor',
      'github-actions[bot]',
      '--approved-by',
      'alice',
      ...paths.flatMap((p) => ['--changed-path', p]),
    ];
    const alone = await run(args('dist/lga1/cluster/resources.yaml'));
    expect(alone.stdout).toMatch(/engine-change/);
    expect(alone.code, alone.stdout).toBe(1);
    const withReadme = await run(args('dist/lga1/cluster/resources.yaml', 'org/README.md'));
    expect(withReadme.stdout).toMatch(/gains w:services in data/);
    expect(withReadme.code, withReadme.stdout).toBe(1);
  });
});

describe('L4: can-i’s partial read and a binding the strict reader refuses', () => {
  it.each([
    ['kind:  Group', 'two spaces (Go: Group)'],
    ['kind: !!str Group', 'a tag (Go: Group)'],
    ['kind: Group # everyone', 'a comment (Go: Group)'],
  ])('a Group subject written `%s` (%s): the partial read answers as the full read does', async (kind) => {
    const dir = await baseDistWithWebBinding('everyone', `  ${kind}\n  name: system:authenticated\n`);
    const ask = ['can-i', 'delete', 'secrets', '-n', 'web', '--as', 'erin@acme.io', '--dir', dir];
    const { full, partial } = await bothReads(() => run(ask));
    // The full read refuses the output (Go would read: every authenticated user holds w:full in web).
    expect(full.code, full.stdout + full.stderr).toBe(2);
    expect(partial.code, partial.stdout + partial.stderr).toBe(full.code);
  });
});
