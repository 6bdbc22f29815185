/**
 * `orgctl workflows` takes the branch its check workflow runs on from dist/members.json
 * (delivery.argocd.revision), read by the one reader of that file (cli/members.ts): a regular file
 * only, read from one output whatever a synthesis swaps in meanwhile. A revision that is no branch
 * by its full name (a tag, a commit, `HEAD`, a short name), none at all where Argo CD is declared,
 * or a file that is not the membership data orgctl writes, is refused, saying why and what to set
 * instead: a guess would write a check workflow that runs on pushes to no branch Argo CD follows.
 * No delivery declared: the default branch, main. The one reader refuses what orgctl never writes
 * there for `members` too: a symbolic link (whatever it points at).
 */
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, run, tempDir } from './helpers.ts';

const EXAMPLE = JSON.parse(readFileSync(join(ROOT, 'dist/members.json'), 'utf8'));

/** A repository holding orgctl's workflows as `orgctl init` wrote them, and a dist/ whose members.json is `members`. */
function repoWith(members: unknown): string {
  const repo = tempDir();
  cpSync(join(ROOT, 'deploy/github'), join(repo, '.github/workflows'), { recursive: true });
  mkdirSync(join(repo, 'dist'));
  writeFileSync(join(repo, 'dist/members.json'), typeof members === 'string' ? members : JSON.stringify(members));
  return repo;
}

/** The example's membership data with `argocd` as given (undefined: no delivery declared). */
function withArgocd(argocd: Record<string, unknown> | undefined) {
  const { argocd: _, ...organization } = EXAMPLE.organization;
  return { ...EXAMPLE, organization: { ...organization, ...(argocd ? { argocd } : {}) } };
}

const revision = (value: unknown) =>
  withArgocd({ ...EXAMPLE.organization.argocd, ...(value === undefined ? {} : { revision: value }) });
const withoutRevision = () => {
  const { revision: _, ...argocd } = EXAMPLE.organization.argocd;
  return withArgocd(argocd);
};

describe('orgctl workflows: the branch Argo CD follows, from dist/members.json', () => {
  // A tag, a commit, HEAD and a short name: why each is refused, and the revision to set instead.
  const refused: Record<string, readonly [string, string]> = {
    'refs/tags/v1': ['is not a branch', 'refs/heads/main'],
    '0123456789abcdef0123456789abcdef01234567': ['is a commit', 'refs/heads/main'],
    HEAD: ['is a short name', 'refs/heads/main'],
    production: ['is a short name', 'refs/heads/production'],
  };
  it.each(Object.keys(refused))('a revision %s is refused, saying why and what to set', async (value) => {
    const [why, instead] = refused[value]!;
    const repo = repoWith(revision(value));
    const r = await run(['workflows', '--dir', repo, '--write']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `organization.argocd.revision ${JSON.stringify(value)} is not a branch by its full name`,
    );
    expect(r.stderr).toContain(`: it ${why}`);
    expect(r.stderr).toContain(`set delivery.argocd.revision to ${instead}`);
    expect(r.stderr).toContain('run orgctl synth, then orgctl workflows again');
  });

  // A branch by its full name whose text no branch may hold: what is wrong with the text, not that
  // it is no full name (it is one).
  const badText: Record<string, string> = {
    'refs/heads/a..b': 'holds `..` or `@{`',
    'refs/heads/x${{github.token}}': 'holds `${{`',
    'refs/heads/release.': 'ends with `.`',
  };
  it.each(
    Object.keys(badText),
  )('a revision %s is refused for its text, saying what is wrong with it', async (value) => {
    const r = await run(['workflows', '--dir', repoWith(revision(value)), '--write']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`organization.argocd.revision ${JSON.stringify(value)} ${badText[value]}`);
    expect(r.stderr).not.toContain('is not a branch by its full name');
    expect(r.stderr).toContain('set delivery.argocd.revision to refs/heads/main');
    expect(r.stderr).toContain('run orgctl synth, then orgctl workflows again');
  });

  it('Argo CD declared without a revision (orgctl always writes one) is refused, not taken for main', async () => {
    const r = await run(['workflows', '--dir', repoWith(withoutRevision())]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('organization.argocd has no revision');
    expect(r.stderr).toContain('run orgctl synth, then orgctl workflows again');
  });

  it('a members.json that is not the membership data orgctl writes is refused, not taken for main', async () => {
    for (const text of ['{}', '{"organization": {"argocd": {"revision": "refs/heads/main"}}}']) {
      const r = await run(['workflows', '--dir', repoWith(text)]);
      expect(r.code, text).toBe(2);
      expect(r.stderr, text).toContain('is not the membership data orgctl writes: run orgctl synth');
    }
  });

  it('no delivery declared, or no dist/ yet: main', async () => {
    const declared = await run(['workflows', '--dir', repoWith(withArgocd(undefined)), '--format', 'json']);
    expect([declared.code, JSON.parse(declared.stdout).branch]).toEqual([0, 'main']);
    const repo = tempDir();
    cpSync(join(ROOT, 'deploy/github'), join(repo, '.github/workflows'), { recursive: true });
    const none = await run(['workflows', '--dir', repo, '--format', 'json']);
    expect([none.code, JSON.parse(none.stdout).branch]).toEqual([0, 'main']);
  });

  it('a members.json that is a symbolic link is refused by workflows and members alike', async () => {
    const repo = tempDir();
    cpSync(join(ROOT, 'deploy/github'), join(repo, '.github/workflows'), { recursive: true });
    mkdirSync(join(repo, 'dist'));
    symlinkSync(join(ROOT, 'dist/members.json'), join(repo, 'dist/members.json'));
    const refusal = 'members.json is a symbolic link: orgctl reads and writes regular files only; remove it';
    const workflows = await run(['workflows', '--dir', repo]);
    expect([workflows.code, workflows.stderr]).toEqual([2, expect.stringContaining(refusal)]);
    const members = await run(['members', '--dir', join(repo, 'dist')]);
    expect([members.code, members.stderr]).toEqual([2, expect.stringContaining(refusal)]);
  });
});
