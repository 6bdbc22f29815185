/** A base project whose lock installs orgctl from a given source, and a review of it by one admin (red teams R47, R50). */
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, gitIn, relabelledCopy, ROOT, run, tempDir } from './helpers.ts';

/**
 * A base project as a repository holds it (package.json, its lock, the example's dist/): orgctl
 * a dependency at `dependency`, the lock's packages `lockPackages` beside the root's: its dist/ folder.
 */
export function lockedProject(dependency: string, lockPackages: Record<string, unknown>): string {
  const dir = tempDir('orgctl-lock-base-');
  const root = { name: 'acme-org', version: '1.0.0', dependencies: { orgctl: dependency } };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(root, null, 2));
  writeFileSync(
    join(dir, 'package-lock.json'),
    JSON.stringify({ ...root, lockfileVersion: 3, requires: true, packages: { '': root, ...lockPackages } }, null, 2),
  );
  mkdirSync(join(dir, 'dist'));
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  return join(dir, 'dist');
}

/** A base project whose lock installs orgctl from `spec` (its lock entry's `integrity` when given): its dist/ folder. */
export const baseProject = (spec: string, integrity?: string): string =>
  lockedProject(spec, {
    'node_modules/orgctl': { version: '0.1.0', resolved: spec, ...(integrity ? { integrity } : {}) },
  });

/** alice (an admin) alone changes `paths`, head dist/ base's: the review's result. */
export const reviewByAliceAlone = (base: string, paths: readonly string[]) =>
  run(['review', '--base', base, '--head', base, '--actor', 'alice', ...paths.flatMap((p) => ['--changed-path', p])]);

/** alice (an admin) alone changes `path`, head dist/ base's: the exit code and engine-change's row. */
export async function aliceAlone(base: string, path: string) {
  const r = await reviewByAliceAlone(base, [path]);
  return { code: r.code, row: r.stdout.match(/\| `engine-change` \|[^\n]*/)?.[0] };
}

/** A project depending on orgctl from org/vendor (red teams R58-7, R59). */
export const vendorRoot = { name: 'acme-org', version: '1.0.0', dependencies: { orgctl: 'file:org/vendor' } };
/** vendorRoot's lock, as npm writes it: node_modules/orgctl linked to org/vendor. */
export const vendorLinkingLock = JSON.stringify({
  ...vendorRoot,
  lockfileVersion: 3,
  requires: true,
  packages: {
    '': vendorRoot,
    'node_modules/orgctl': { resolved: 'org/vendor', link: true },
    'org/vendor': { name: 'orgctl', version: '0.1.0' },
  },
});

/** A review's result, with the row of `output-proof` and of `engine-change` (empty when absent). */
export interface UpgradeJudged {
  readonly code: number;
  readonly proof: string;
  readonly engine: string;
}

/**
 * An upgrade to `version` judged from git (red teams R54, R61): the base commit holds the example's
 * dist/ and `base`'s files, the head commit the dist/ `version` writes and `head`'s; alice opens it,
 * frank approves, the paths `changed` change, and a head proof by `version` says ok.
 */
export function judgeUpgradeCommits(
  version: string,
  base: Record<string, string>,
  head: Record<string, string>,
  changed: readonly string[],
): UpgradeJudged {
  const repo = tempDir('orgctl-upgrade-commits-');
  const git = gitIn(repo);
  git('init', '-q');
  /** Commits `dist` as the output and `files` beside it: the commit's name. */
  const commit = (dist: string, files: Record<string, string>) => {
    rmSync(join(repo, 'dist'), { recursive: true, force: true });
    cpSync(dist, join(repo, 'dist'), { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(repo, name), text);
    git('add', '-A');
    git('commit', '-qm', `output ${dist}`);
    return git('rev-parse', 'HEAD');
  };
  const baseSha = commit(join(ROOT, 'dist'), base);
  const headSha = commit(relabelledCopy(join(ROOT, 'dist'), version), head);
  const proof = join(repo, '..', `proof-${version}.json`);
  writeFileSync(
    proof,
    JSON.stringify({ engine: { name: 'orgctl', version }, ok: true, differences: [], findings: [] }),
  );
  const r = cli(
    [
      ...['review', '--base', baseSha, '--head', headSha, '--actor', 'alice', '--approved-by', 'frank'],
      ...changed.flatMap((p) => ['--changed-path', p]),
      ...['--head-proof', proof],
    ],
    { cwd: repo },
  );
  const row = (rule: string) => r.stdout.split('\n').find((l) => l.startsWith(`| \`${rule}\` |`)) ?? '';
  return { code: r.code, proof: row('output-proof'), engine: row('engine-change') };
}

/**
 * An upgrade to `version` changing package-lock.json alone (red teams R61-1, R73-1): package.json
 * is `manifest` on both sides, base's lock `baseLock`, head's `headLock` (judgeUpgradeCommits).
 */
export const judgeLockChange = (version: string, manifest: string, baseLock: string, headLock: string): UpgradeJudged =>
  judgeUpgradeCommits(
    version,
    { 'package.json': manifest, 'package-lock.json': baseLock },
    { 'package.json': manifest, 'package-lock.json': headLock },
    ['package-lock.json'],
  );
