/**
 * A repository as a hostile branch leaves it checked out (red teams C and F): main commits acme's
 * dist/; the branch `theirs`, checked out, commits a dist/ giving bob r:full in web.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { gitIn, ROOT, run, tempDir } from './helpers.ts';

const ACME = readFileSync(join(ROOT, 'test/fixtures/specs/acme.yaml'), 'utf8');
const BOB = '{ user: bob@acme.io, namespace: web, levels: ["r:pods", "w:services"] }';

/** acme's spec, or with bob given r:full in web. */
export const acmeSpec = (bobFull = false) => (bobFull ? ACME.replace(BOB, BOB.replace('"r:pods"', '"r:full"')) : ACME);

/** Synthesizes `spec` into `out`. */
export async function synthOf(spec: string, out: string): Promise<void> {
  const file = join(tempDir('branch-repo-spec-'), 'org.yaml');
  writeFileSync(file, spec);
  expect((await run(['synth', '--spec', file, '--out', out])).code).toBe(0);
}

/** The repository (in a folder named from `prefix`) on branch theirs, and git in it. */
export async function onBranchGivingBobFull(prefix: string) {
  expect(ACME).toContain(BOB);
  const repo = tempDir(prefix);
  const git = gitIn(repo);
  git('init', '-q', '-b', 'main');
  await synthOf(acmeSpec(), join(repo, 'dist'));
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  git('checkout', '-q', '-b', 'theirs');
  await synthOf(acmeSpec(true), join(repo, 'dist'));
  git('add', '-A');
  git('commit', '-q', '-m', 'theirs');
  return { repo, git };
}
