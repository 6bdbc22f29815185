/**
 * orgctl on every Node release line it declares (test/engines/nodes.ts fetches one build of each):
 * the example synthesizes byte for byte to its dist/, the launcher keeps V8's code for that Node's
 * V8 and runs from it, and the commands that read dist/ answer as they do on the Node running the
 * tests. .ci/run fetches the builds and sets ORGCTL_REQUIRE_NODES=1; elsewhere a line whose build
 * was not fetched is skipped.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, cli, engineCopy, ROOT, runWithPrinted, tempDir } from './helpers.ts';
import { nodeBinary, PINNED_NODES } from './engines/nodes.ts';
import { satisfies, type Version } from './semver.ts';

const declared: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).engines.node;
const versionOf = (v: string): Version => v.split('.').map(Number) as unknown as Version;

const missing = PINNED_NODES.filter((v) => !existsSync(nodeBinary(v)));
if (process.env.ORGCTL_REQUIRE_NODES && missing.length)
  throw new Error(
    `ORGCTL_REQUIRE_NODES is set but Node ${missing.join(', ')} was not fetched (npx tsx test/engines/nodes.ts)`,
  );

// The engine and the example (org/org.ts, dist/) in a copy whose bundle and kept code no other test writes.
const { dir: copy, cache } = engineCopy(['dist']);

/** orgctl under `node`, in the copy. */
const orgctl = (node: string, args: readonly string[]) => cli(args, { engine: copy, node });

/** Every file under `dir`, by its path inside it. */
function filesUnder(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

/** Commands that read the example's dist/ (and `check`, its declaration), each answered the same on every line. */
const QUESTIONS: readonly (readonly string[])[] = [
  ['check'],
  ['levels'],
  ['can-i', 'get', 'pods', '-n', 'web', '--as', 'bob@acme.io', '--dir', 'dist'],
  ['who-can', 'get', 'secrets', '-n', 'data', '--dir', 'dist'],
  ['access', '--format', 'json', '--dir', 'dist'],
  ['diff', '--base', 'dist', '--head', 'dist', '--format', 'json'],
  ['prove'],
];

describe('the Node lines orgctl declares', () => {
  it('each pinned build is a release line package.json admits, one per even line from 22 to the newest', () => {
    for (const v of PINNED_NODES) expect(satisfies(versionOf(v), declared), v).toBe(true);
    const majors = PINNED_NODES.map((v) => versionOf(v)[0]);
    expect(majors).toEqual(majors.map((_, i) => 22 + 2 * i));
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(`on Node ${majors.slice(0, -1).join(', ')} and ${majors.at(-1)} as well`);
  });

  // What orgctl answers on the Node running the tests: main() in this process, in the repository the
  // copy was made of (the same org/ and dist/), its output as the CLI's process writes it (the
  // launcher's bundle of the same sources answered the same, byte for byte, on stdout and stderr).
  const reference = new Map<string, CliResult>();
  beforeAll(async () => {
    if (missing.length === PINNED_NODES.length) return;
    for (const q of QUESTIONS) reference.set(q.join(' '), await runWithPrinted(q));
  });

  describe.each(PINNED_NODES)('Node %s', (version) => {
    const node = nodeBinary(version);
    const here = existsSync(node);

    it.skipIf(!here)('synthesizes the example to its dist/ byte for byte, then again from the code it kept', () => {
      const v8 = spawnSync(node, ['-p', 'process.versions.v8'], { encoding: 'utf8' }).stdout.trim();
      // The code V8 compiled for synth, kept beside the copy's one bundle: when, if it is there.
      const keptCode = () => {
        const bundles = readdirSync(cache).filter((n) => /^[0-9a-f]{16}$/.test(n));
        expect(bundles).toHaveLength(1);
        const file = join(cache, bundles[0]!, `synth.orgctl.${v8}.v8`);
        return existsSync(file) ? statSync(file).mtimeMs : undefined;
      };
      const expected = filesUnder(join(copy, 'dist'));
      const kept: (number | undefined)[] = [];
      for (const round of ['first', 'second']) {
        const out = join(tempDir('orgctl-engines-'), 'dist');
        const r = orgctl(node, ['synth', '--out', out]);
        expect(r.code, `${round} run: ${r.stderr}`).toBe(0);
        expect(r.stderr).not.toMatch(/Error|warning: .*flag|Unknown/i);
        expect(filesUnder(out), `${round} run`).toEqual(expected);
        kept.push(keptCode());
      }
      expect(kept[0], `the code V8 ${v8} compiled is kept`).toBeDefined();
      // Made again only when V8 refuses it: the second run ran from it.
      expect(kept[1], `the second run takes the code V8 ${v8} kept`).toBe(kept[0]);
    });

    it.skipIf(!here).each(QUESTIONS.map((q) => [q.join(' '), q] as const))(
      'orgctl %s answers as on the Node running the tests',
      (key, q) => {
        const r = orgctl(node, q);
        const want = reference.get(key)!;
        expect({ code: r.code, stdout: r.stdout }).toEqual({ code: want.code, stdout: want.stdout });
        expect(r.stderr).toBe(want.stderr);
      },
    );
  });
});
