/**
 * R107: what R101 and R103 left. Node's own output under GitHub Actions, checks of a path before
 * its use, and the file stamps' clock tick.
 *
 * - R107-1: R103-2 pinned that Node prints an uncaught error itself (C++, straight to descriptor 2,
 *   past cli/workflow-log.ts's guard) and that nothing of an author's reaches one. The class is one
 *   throw away from an author's workflow command in the log: an error whose message holds a spec
 *   value, a file name or a namespace, thrown where main does not catch it (a callback, a promise
 *   nobody awaits, main's own catch). Now the launcher prints whatever nothing caught through the
 *   process's guarded standard error, and exits 1 as Node would.
 * - R107-2 (low: a verdict on a file never looked at, a hang, memory): paths checked, then read by
 *   their path again. --head-proof's file (lstat: a regular file, small enough) was read by path:
 *   a link or another file put there between was judged; a spec's size was a stat of its path, 0
 *   for a pipe or a device, so a spec that is a link to /dev/zero (a branch may commit the link,
 *   or name /dev/zero in package.json's orgctl.spec) was read without end; `orgctl workflows` read
 *   by path what its listing saw as files. Nothing of a pull request runs beside the privileged
 *   job's reads, so the swaps need a local writer; the device needs none. Now each is one open
 *   (cli/file-stamp.ts readAtMost): the descriptor's fstat judged, read up to the limit;
 *   O_NOFOLLOW and O_NONBLOCK where only a regular file may be read.
 *   Held: kubeconfig's --out checked with existsSync then renamed over (replaceFile): a link put
 *   there between is replaced, never written through, and the token goes to a new file of mode
 *   0600 created exclusively; a file put there between without --force is replaced, by a rename
 *   its writer could have undone anyway (it may write the folder).
 * - R107-3 (coarse change times): a same-size edit in place within one clock tick of the last
 *   change keeps the whole stamp. Held where it counts: what a pull request's author controls is
 *   bytes, never when they are written or the stamp a checkout gives them (a new inode, the job's
 *   time), so a content hash is not needed against the author; a cache's own race is git's
 *   "racily clean": explain's index and can-i's verdicts (holdsRecordedBytes) hash a file whose
 *   change time is within 2 s of the record's writing, and written-from keeps no hash for a file
 *   whose times are after the synthesis began. The hole (low, local): the declaration's bundle kept
 *   its record when every input's modification time was a second old, whatever the change time
 *   said: a file saved while esbuild read it with its modification time put back (rsync -t, cp -p)
 *   was bound, by its new stamp, to the bundle of its old bytes until its next change. Now by the
 *   change time, racy.mjs's window, as the other caches.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { bundleDeclaration } from '../cli/declaration.ts';
import { holdsRecordedBytes, stampOf } from '../cli/file-stamp.ts';
import { readHeadProof } from '../cli/head-proof.ts';
import { reachOf, type Reach } from '../cli/isolated-declaration.ts';
import { packageRoot } from '../cli/workflows.ts';
import { loadSpec } from '../cli/load.ts';
import { cli, ROOT, TODAY, tempDir } from './helpers.ts';

/** What to do right after the first look (lstat, stat, open) at a path: once. */
let afterFirstLook: { readonly path: string; readonly act: () => void } | undefined;
vi.mock('node:fs', async (original) => {
  const fs = await original<typeof import('node:fs')>();
  const looking =
    (look: (...args: unknown[]) => unknown) =>
    (...args: unknown[]): unknown => {
      const seen = look(...args);
      const hook = afterFirstLook;
      if (hook && String(args[0]) === hook.path) {
        afterFirstLook = undefined;
        hook.act();
      }
      return seen;
    };
  const hooked = {
    lstatSync: looking(fs.lstatSync as (...args: unknown[]) => unknown),
    statSync: looking(fs.statSync as (...args: unknown[]) => unknown),
    openSync: looking(fs.openSync as (...args: unknown[]) => unknown),
  };
  return { ...fs, ...hooked, default: { ...fs, ...hooked } };
});

/** How the runner splits a step's output into lines, and what TrimStart() takes before `::`. */
const RUNNER_LINE_BREAK = /\r\n|\r|\n/;
const commandLines = (text: string): string[] =>
  text.split(RUNNER_LINE_BREAK).filter((l) => /^[\s\u0085\u180e\ufeff]*::/.test(l) || l.includes('##['));

/** An author's text, as an error message might quote it (a spec value, a file name). */
const AUTHORED = 'web\n::add-mask::orgctl\n::error file=org/org.yaml,line=1::forged ##[warning]w\n::stop-commands::x';

/**
 * bin/orgctl.mjs run under Actions with a module loaded first (NODE_OPTIONS --import) that makes
 * the launcher's last step, after the command ran, end in an error nothing catches: thrown there,
 * a promise rejected that nobody awaits, or thrown from a timer.
 */
function crashingLauncher(how: 'throw' | 'reject' | 'timer') {
  const preload = join(tempDir('orgctl-r107-crash-'), 'crash.mjs');
  const error = `new Error(${JSON.stringify(AUTHORED)})`;
  const crash = {
    throw: `throw ${error};`,
    reject: `Promise.reject(${error}); setTimeout(() => {}, 1000);`,
    timer: `setTimeout(() => { throw ${error}; }, 1); setTimeout(() => {}, 1000);`,
  }[how];
  writeFileSync(preload, `const exit = process.exit;\nprocess.exit = (...a) => { process.exit = exit; ${crash} };\n`);
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/orgctl.mjs'), '--version'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {
      ...process.env,
      ORGCTL_TODAY: TODAY,
      GITHUB_ACTIONS: 'true',
      NODE_OPTIONS: `--import ${pathToFileURL(preload).href}`,
    },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('R107-1: an error nothing catches, under GitHub Actions', () => {
  for (const how of ['throw', 'reject', 'timer'] as const) {
    it(`${how}: its message is printed through the guard (no line of it a workflow command), exit 1`, () => {
      const r = crashingLauncher(how);
      expect(r.stdout).toMatch(/^\d+\.\d+\.\d+/);
      expect(commandLines(r.stderr), r.stderr).toEqual([]);
      // Still said, broken as orgctl's own lines are.
      expect(r.stderr).toContain(': :add-mask::orgctl');
      expect(r.stderr).toContain('## [warning]w');
      expect(r.code).toBe(1);
    });
  }
});

describe('R107-2: a path checked, then read by its path again', () => {
  it('--head-proof: the file judged is the one first looked at, never one put at its path after the look', () => {
    const dir = tempDir('orgctl-r107-proof-');
    const [proof, other] = ['proof.json', 'other.json'].map((f) => join(dir, f));
    const looked = '{"not":"a proof"}\n';
    writeFileSync(other, 'not JSON at all');
    writeFileSync(proof, looked);
    const ofLooked = readHeadProof(proof);
    const ofOther = readHeadProof(other);
    expect(ofLooked).not.toEqual(ofOther);
    // A link to another file, put at the path right after orgctl's first look at it (lstat, stat or open).
    for (const put of [() => symlinkSync(other, proof), () => writeFileSync(proof, readFileSync(other))]) {
      writeFileSync(proof, looked);
      afterFirstLook = {
        path: proof,
        act: () => {
          rmSync(proof);
          put();
        },
      };
      let answer: unknown;
      try {
        answer = readHeadProof(proof);
      } catch (e) {
        answer = `refused: ${(e as Error).message}`;
      }
      expect(answer).toEqual(ofLooked);
      rmSync(proof);
    }
  });

  it('a spec that is a pipe (or a device: a link to /dev/zero) is read up to the limit, not whole', async () => {
    const dir = tempDir('orgctl-r107-spec-');
    const fifo = join(dir, 'org.yaml');
    spawnSync('mkfifo', [fifo]);
    // 130 MB, 2 more than a spec may be: the size a stat gives a pipe is 0.
    const writer = spawn('bash', ['-c', `head -c ${130 * 2 ** 20} /dev/zero > '${fifo}'`], { stdio: 'ignore' });
    const ended = new Promise<number | null>((r) => writer.on('exit', (code) => r(code)));
    let said: string;
    try {
      loadSpec(fifo);
      said = 'loaded';
    } catch (e) {
      said = (e as Error & { problems?: string[] }).problems?.join('\n') ?? String(e);
    }
    // Read no further than the limit: the writer's last 2 MB are never read (it ends by SIGPIPE, 141).
    expect({ said, writer: await ended }).toEqual({
      said: expect.stringMatching(/larger than a spec may be \(128 MB\)/),
      writer: 141,
    });
  }, 30_000);

  it('a spec that is a link to /dev/zero (a branch may commit one, or name /dev/zero in package.json) is refused at the limit', () => {
    const dir = tempDir('orgctl-r107-zero-');
    symlinkSync('/dev/zero', join(dir, 'org.yaml'));
    const r = cli(['check', '--spec', join(dir, 'org.yaml')]);
    expect(r.stderr).toMatch(/org\.yaml: larger than a spec may be \(128 MB\)/);
    expect(r.code).toBe(2);
  }, 30_000);
});

describe('R107-3: a stamp kept for a file that may have changed while it was read', () => {
  it("held: explain's index and can-i's verdicts hash a file whose stamp is racily clean (a same-size edit in the same clock tick keeps it)", () => {
    const file = join(tempDir('orgctl-r107-racy-'), 'resources.yaml');
    writeFileSync(file, 'kind: A\n');
    const stamp = stampOf(file);
    // A record of other bytes under the very stamp the file has: what a same-size edit in place
    // within one tick of the change time leaves (ext4 before 6.13 keeps a jiffy's time).
    const other = { ...stamp, sha256: '0'.repeat(64) };
    // Written within the window of its change time: the stamp is not trusted, the bytes are hashed.
    expect(holdsRecordedBytes(file, { ...other, writtenMs: stamp.ctimeMs + 1_000 })).toBe(false);
    // Written later: an edit after it gets a later change time (a tick is far less than the window),
    // and a checkout's, a new inode: the stamp answers. A branch cannot choose either.
    expect(holdsRecordedBytes(file, { ...other, writtenMs: stamp.ctimeMs + 2_500 })).toBe(true);
  });

  it("the declaration's bundle: no record binds an input whose change time is within the racy window of the build, whatever its modification time says", async () => {
    const project = tempDir('orgctl-r107-bundle-');
    writeFileSync(join(project, 'package.json'), '{"name":"p"}');
    mkdirSync(join(project, 'org'));
    const file = join(project, 'org', 'org.ts');
    // Written now (its change time), its modification time put back an hour (touch -r, cp -p, rsync -t):
    // a file saved while esbuild read it, whose stamp then is not of what was bundled.
    writeFileSync(file, "export default 'aaaa';\n");
    const old = new Date(Date.now() - 3_600_000);
    for (const p of [file, join(project, 'org'), join(project, 'package.json'), project]) utimesSync(p, old, old);
    const cache = tempDir('orgctl-r107-cache-');
    const was = process.env.ORGCTL_CACHE_DIR;
    process.env.ORGCTL_CACHE_DIR = cache;
    try {
      const built = await bundleDeclaration(file, reachOf(file) as Reach, packageRoot());
      expect(built).toHaveProperty('bundle');
      // The bundle is run, but no record says it answers for the file's stamp (the next run builds again).
      expect(readdirSync(join(cache, 'declarations')).filter((f) => f.endsWith('.json'))).toEqual([]);
    } finally {
      if (was === undefined) delete process.env.ORGCTL_CACHE_DIR;
      else process.env.ORGCTL_CACHE_DIR = was;
    }
  });
});
