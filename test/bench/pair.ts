/**
 * Two revisions of orgctl timed on the same command, both at once: one process per core, started
 * together, the side started first swapped every pair. This project's VM changes speed by 10–100%
 * within minutes, so runs taken in turn differ by more than a change worth keeping (the same code
 * 20% apart in medians of 15 rounds); both halves of a pair meet the same minute, and the median
 * of the pairs' ratios tells 2–3% apart (a revision against itself: ratios 0.93–1.05, median 0.99).
 *
 *   npx tsx test/bench/pair.ts [--pairs N] [--keep] REV_A REV_B -- ORGCTL_ARGS...
 *
 * Each revision is checked out in a worktree beside this one (sharing its node_modules, so both
 * must have the same package-lock.json) and run once first to build its bundle. `{side}` in the
 * arguments is replaced by `a` or `b`: two `synth` runs must not write one folder.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { answered, median } from './measure.ts';

const ROOT = resolve(import.meta.dirname, '../..');

interface Options {
  readonly pairs: number;
  readonly keep: boolean;
  readonly revisions: readonly [string, string];
  readonly args: readonly string[];
}

/** The command line, or why it cannot be used. */
export function pairOptions(argv: readonly string[]): Options | string {
  const dash = argv.indexOf('--');
  if (dash < 0) return 'give the orgctl command after --';
  const own = argv.slice(0, dash);
  const args = argv.slice(dash + 1);
  let pairs = 10;
  let keep = false;
  const revisions: string[] = [];
  for (let i = 0; i < own.length; i++) {
    if (own[i] === '--keep') keep = true;
    else if (own[i] === '--pairs') {
      pairs = Number(own[++i]);
      if (!Number.isInteger(pairs) || pairs < 1) return `--pairs ${own[i]}: give a whole number, at least 1`;
    } else revisions.push(own[i]!);
  }
  if (revisions.length !== 2) return `give two revisions (got ${revisions.length})`;
  if (!args.length) return 'give the orgctl command after --';
  return { pairs, keep, revisions: [revisions[0]!, revisions[1]!], args };
}

/** What a set of pairs says: each side's median, and the median and spread of B/A per pair. */
export function pairSummary(pairs: readonly (readonly [number, number])[]): {
  readonly a: number;
  readonly b: number;
  readonly ratio: number;
  readonly low: number;
  readonly high: number;
  readonly bFaster: number;
} {
  const ratios = pairs.map(([a, b]) => b / a);
  return {
    a: median(pairs.map(([a]) => a)),
    b: median(pairs.map(([, b]) => b)),
    ratio: median(ratios),
    low: Math.min(...ratios),
    high: Math.max(...ratios),
    bFaster: pairs.filter(([a, b]) => b < a).length,
  };
}

function git(...args: string[]): string {
  const r = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/** A worktree of `rev` with this checkout's node_modules. */
function worktree(rev: string, side: string): string {
  const commit = git('rev-parse', '--verify', `${rev}^{commit}`);
  const dir = join(tmpdir(), `orgctl-pair-${side}-${commit.slice(0, 12)}`);
  if (!existsSync(dir)) git('worktree', 'add', '--detach', dir, commit);
  const lock = (root: string) => readFileSync(join(root, 'package-lock.json'), 'utf8');
  if (lock(dir) !== lock(ROOT)) throw new Error(`${rev}: its package-lock.json is not this checkout's`);
  if (!existsSync(join(dir, 'node_modules'))) symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** One run of `args` with the orgctl in `dir`: its wall time in ms. */
function timed(dir: string, args: readonly string[]): Promise<number> {
  const start = performance.now();
  const child = spawn(process.execPath, [join(dir, 'bin/orgctl.mjs'), ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  return new Promise((done, fail) =>
    child.on('close', (code) => {
      const ms = performance.now() - start;
      if (answered(args, code)) done(ms);
      else fail(new Error(`${dir}: orgctl ${args.join(' ')} exited ${code}: ${stderr.slice(0, 500)}`));
    }),
  );
}

async function main(argv: readonly string[]): Promise<number> {
  const options = pairOptions(argv);
  if (typeof options === 'string') {
    process.stderr.write(
      `pair: ${options}\nusage: npx tsx test/bench/pair.ts [--pairs N] [--keep] REV_A REV_B -- ORGCTL_ARGS...\n`,
    );
    return 2;
  }
  const made: string[] = [];
  try {
    const side = (i: 0 | 1, name: 'a' | 'b') => {
      const dir = worktree(options.revisions[i], name);
      made.push(dir);
      return { dir, args: options.args.map((a) => a.replaceAll('{side}', name)) };
    };
    const sides = [side(0, 'a'), side(1, 'b')] as const;
    for (const s of sides) await timed(s.dir, s.args); // builds each bundle and its code cache
    const pairs: [number, number][] = [];
    for (let i = 0; i < options.pairs; i++) {
      const [first, second] = i % 2 ? [sides[1], sides[0]] : [sides[0], sides[1]];
      const [x, y] = await Promise.all([timed(first.dir, first.args), timed(second.dir, second.args)]);
      pairs.push(i % 2 ? [y, x] : [x, y]);
    }
    const s = pairSummary(pairs);
    const ms = (n: number) => `${n.toFixed(0)} ms`;
    process.stdout.write(
      `A ${options.revisions[0]}: ${ms(s.a)}  B ${options.revisions[1]}: ${ms(s.b)}  (medians of ${pairs.length}, run in pairs)\n` +
        `B/A per pair: median ${s.ratio.toFixed(3)}, ${s.low.toFixed(2)}–${s.high.toFixed(2)}; B faster in ${s.bFaster} of ${pairs.length}\n`,
    );
    return 0;
  } finally {
    // A worktree made before a failure is removed too (rm does not follow the node_modules link).
    if (!options.keep) {
      for (const dir of made) rmSync(dir, { recursive: true, force: true });
      git('worktree', 'prune');
    }
  }
}

if (import.meta.filename === process.argv[1]) {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (e) {
    // A revision git does not know, another package-lock, a run that failed: said, not a stack.
    process.stderr.write(`pair: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
