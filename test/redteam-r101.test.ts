/**
 * R101: the file system under orgctl, concurrency and the state orgctl keeps. CI failed once on
 * writeAtomically's stat of dist/ before its lock (another writer's swap removed dist/ between two
 * calls); this round attacks the class: every look at a path another process may change meanwhile.
 *
 * - R101-1 (medium: a verdict on an output that never existed): the readers of dist/ (synth
 *   --check, can-i, who-can, access, diff, review, check, explain) list the folder, then read each
 *   file by its path. A synthesis swapping dist/ in meanwhile gave them the file list of one output
 *   and the contents of the other, or of both: `synth --check` said "up to date" of a mix that no
 *   synthesis wrote, and between the swap's two renames a reader found files gone (ENOENT: an
 *   internal error, "set ORGCTL_DEBUG=1").
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareWithDisk, isUpToDate } from '../cli/output.ts';
import { kindOf } from '../model/errors.ts';
import { generateSpec } from '../constructs/generate.ts';
import { ROOT, run, tempDir } from './helpers.ts';

/** The swapper (test/fixtures/output-swapper.ts) on `dir` and `other` for `ms`: resolves once it holds the lock. */
function swapping(dir: string, other: string, ms: number): Promise<{ readonly done: Promise<number> }> {
  const p = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'test/fixtures/output-swapper.ts'), dir, other, String(ms)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let text = '';
  const done = new Promise<number>((resolve) => p.on('exit', () => resolve(Number(text.split('\n')[1]))));
  return new Promise((ready) =>
    p.stdout.on('data', (d) => {
      text += d;
      if (text.startsWith('ready\n')) ready({ done });
    }),
  );
}

/** Runs `look` over and over until `swapper` ends. */
async function whileSwapping<T>(swapper: { readonly done: Promise<number> }, look: () => Promise<T> | T): Promise<T[]> {
  let ended = false;
  void swapper.done.then(() => (ended = true));
  const seen: T[] = [];
  while (!ended) {
    seen.push(await look());
    await new Promise((r) => setImmediate(r)); // let the swapper's exit be heard
  }
  return seen;
}

/** An output folder holding `files`. */
function folder(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

describe('R101-1: readers of dist/ while a synthesis swaps it in', () => {
  it('synth --check never finds up to date an output no synthesis wrote, nor fails with an internal error', async () => {
    const parent = tempDir();
    const [dist, other] = [join(parent, 'dist'), join(parent, 'other')];
    // Two outputs of two files each; a reader listing one and reading the files in turn across one
    // swap (or two) reads a mix of them.
    const a = { 'lga1/a/resources.yaml': 'a of A\n', 'lga1/b/resources.yaml': 'b of A\n' };
    const b = { 'lga1/a/resources.yaml': 'a of B\n', 'lga1/b/resources.yaml': 'b of B\n' };
    folder(dist, a);
    folder(other, b);
    const expecting = (files: Record<string, string>) =>
      Object.entries(files).map(([path, content]) => ({ path, content }));
    const mixes = [
      expecting({ 'lga1/a/resources.yaml': 'a of A\n', 'lga1/b/resources.yaml': 'b of B\n' }),
      expecting({ 'lga1/a/resources.yaml': 'a of B\n', 'lga1/b/resources.yaml': 'b of A\n' }),
    ];
    const swapper = await swapping(dist, other, 2_500);
    const seen = await whileSwapping(swapper, () =>
      mixes.map((mix) => {
        try {
          return isUpToDate(compareWithDisk(dist, mix)) ? 'mix up to date' : 'stale';
        } catch (e) {
          return kindOf(e) ? 'refused' : `internal: ${(e as Error).message}`;
        }
      }),
    );
    expect(await swapper.done).toBeGreaterThan(1000);
    const count = (what: string) => seen.flat().filter((s) => s.startsWith(what)).length;
    const internal = seen.flat().filter((s) => s.startsWith('internal'));
    expect({ mixes: count('mix'), internal: internal.length }, `${seen.length * 2} reads; ${internal[0]}`).toEqual({
      mixes: 0,
      internal: 0,
    });
  }, 30_000);

  it('can-i, who-can, access and synth --check give an answer of one output or refuse, in words', async () => {
    const parent = tempDir();
    const [dist, other] = [join(parent, 'dist'), join(parent, 'other')];
    const spec = (seed: number) => {
      const file = join(parent, `org-${seed}.json`);
      writeFileSync(file, JSON.stringify(generateSpec({ users: 40, namespaces: 12, grants: 200, tokens: 4, seed })));
      return file;
    };
    const [specA, specB] = [spec(1), spec(2)];
    expect((await run(['synth', '--spec', specA, '--out', dist])).code).toBe(0);
    expect((await run(['synth', '--spec', specB, '--out', other])).code).toBe(0);
    const questions = [
      ['can-i', '--list', '--as', 'user3@acme.io', '-A', '--format', 'json'],
      ['who-can', 'get', 'secrets', '--format', 'json'],
      ['access', '--format', 'json'],
    ];
    // The answers on each output, read still (copies: the swapper recycles both folders).
    const still = (from: string) => {
      const copy = join(tempDir(), 'dist');
      cpSync(from, copy, { recursive: true });
      return copy;
    };
    const [stillA, stillB] = [still(dist), still(other)];
    const answers = async (dir: string) =>
      Promise.all(questions.map(async (q) => JSON.stringify(await run([...q, '--dir', dir]))));
    const [onA, onB] = [await answers(stillA), await answers(stillB)];
    expect(onA).not.toEqual(onB);
    const swapper = await swapping(dist, other, 4_000);
    const seen = await whileSwapping(swapper, async () => {
      const got = await answers(dist);
      const check = await run(['synth', '--check', '--spec', specA, '--out', dist]);
      return { got, check };
    });
    const refused = (r: string) => {
      const { code, stderr } = JSON.parse(r) as { code: number; stderr: string };
      return code === 2 && !stderr.includes('ORGCTL_DEBUG');
    };
    for (const { got, check } of seen) {
      got.forEach((r, i) =>
        expect([onA[i], onB[i]].includes(r) || refused(r), `${questions[i]!.join(' ')}: ${r.slice(0, 600)}`).toBe(true),
      );
      expect(check.stderr).not.toContain('ORGCTL_DEBUG');
      expect([0, 1, 2]).toContain(check.code);
    }
  }, 60_000);
});
