/**
 * What the npm that runs here installs for a lock's `resolved`: arborist's consistentResolve,
 * then npm-package-arg as reify reads NAME@ it. The oracle sourceOf (review/head-proof.ts) is tested against.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { lockedRepositoryPaths } from '../review/head-proof.ts';
import { tempDir } from './helpers.ts';

interface NpmSpec {
  readonly type: string;
  readonly gitCommittish?: string | null;
}

const npmRoot = join(execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim(), 'npm');
const load = createRequire(join(npmRoot, 'package.json'));
const npa = load('npm-package-arg') as (arg: string, where?: string) => NpmSpec;
const consistentResolve = load('@npmcli/arborist/lib/consistent-resolve.js') as (r: string, from: string) => string;
const WHERE = '/work/acme-org';

/** What npm installs for a lock's `resolved` (pinned by a sha512): a path, kept (unpinned), or nothing. */
export function npmReads(resolved: string): 'path' | 'kept' | 'nothing' | 'refused' {
  let spec: NpmSpec;
  try {
    spec = npa(`orgctl@${consistentResolve(resolved, WHERE)}`, WHERE);
  } catch {
    return 'refused'; // npm ci fails: nothing is installed
  }
  if (spec.type === 'file' || spec.type === 'directory') return 'path';
  if (spec.type === 'git') return /^[0-9a-f]{40}$/i.test(spec.gitCommittish ?? '') ? 'nothing' : 'kept';
  return 'nothing'; // a registry's, or a tarball URL its sha512 pins
}

/**
 * Expects `ours` (lockedRepositoryPaths of a lock resolving `resolved`) to say what npm installs:
 * that path for a path, a git source no commit pins or a tarball URL no sha512 pins kept as
 * written, anything else nothing (nothing to say where npm ci fails).
 */
export function expectReadAsNpmReads(resolved: string, ours: readonly string[]): void {
  const npm = npmReads(resolved);
  if (npm === 'refused') return;
  if (npm === 'nothing') expect(ours).toEqual([]);
  else if (npm === 'kept') expect(ours).toEqual([expect.stringMatching(/^[a-z][a-z0-9+.-]*:/i)]);
  else expect(ours).toHaveLength(1);
}

/** Each spelling as written, with a NAME@ before it (a scope's too), and in capitals. */
export const spellingsOf = (bodies: readonly string[]): string[] => [
  ...new Set(bodies.flatMap((b) => [b, `orgctl@${b}`, `@acme/orgctl@${b}`, b.toUpperCase()])),
];

const SHA512 = `sha512-${'A'.repeat(86)}==`;

/** A lock whose orgctl is `resolved`, pinned by a sha512. */
export const lockResolving = (resolved: string): string =>
  JSON.stringify({ lockfileVersion: 3, packages: { '': {}, 'node_modules/orgctl': { resolved, integrity: SHA512 } } });

/** A case per spelling of `bodies` (spellingsOf): lockedRepositoryPaths reads each as npm does. */
export function itReadsEachAsNpm(bodies: readonly string[]): void {
  it.each(spellingsOf(bodies))('%s', (resolved) => {
    expectReadAsNpmReads(resolved, lockedRepositoryPaths(lockResolving(resolved)).paths);
  });
}

const Arborist = load('@npmcli/arborist') as new (options: {
  path: string;
}) => {
  loadVirtual(): Promise<{ inventory: Map<string, { inDepBundle: boolean }> }>;
};

/**
 * Whether the npm that runs here takes the lock entry at `path` from a dependency's tarball
 * (arborist's virtual tree from `lock`, as npm ci loads it: the node's inDepBundle).
 */
export async function npmTakesFromBundle(lock: string, path: string): Promise<boolean> {
  const dir = tempDir('orgctl-npm-bundle-');
  const { packages } = JSON.parse(lock) as { packages: Record<string, { dependencies?: unknown }> };
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'acme-org', dependencies: packages['']?.dependencies }),
  );
  writeFileSync(join(dir, 'package-lock.json'), lock);
  const tree = await new Arborist({ path: dir }).loadVirtual();
  return tree.inventory.get(path)?.inDepBundle === true;
}
