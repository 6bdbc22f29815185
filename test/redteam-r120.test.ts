/**
 * Red team R120: explain's index (cli/explain-cache.ts, analysis/explain-index.ts), and the
 * verdicts can-i and who-can keep outside dist/.
 *
 * R120-1 (low): explain stamped and hashed the spec file by its real path, taken once, then loaded
 * the declaration by the path it was given: a link on that path re-pointed while it loaded (or a
 * folder on it renamed away, another put there, then put back) had the index of another file's
 * organization kept as this file's, answered by every later question until the file changes.
 */
import { mkdirSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { explainIndexOf } from '../cli/explain-cache.ts';
import { bobHolds, bobInIndex } from './explain-index-bob.ts';
import { run, TODAY, tempDir } from './helpers.ts';

// The file's env stubs end with it.
afterAll(() => {
  vi.unstubAllEnvs();
});

/** Called before each file system call the code under test makes by path (armed by a test, then disarmed). */
const seam = vi.hoisted(() => ({ before: undefined as ((path: string) => void) | undefined }));

vi.mock('node:fs', async (original) => (await import('./fs-seam.ts')).seamedFs(await original(), seam));

const ENGINE = 'abcdef0123456789';

// orgctl run in this process runs its sources, which no bundle names (nothing would be indexed):
// indexed here as if by the bundle ENGINE.
vi.mock('../cli/explain-cache.ts', async (original) => {
  const real = await original<typeof import('../cli/explain-cache.ts')>();
  return {
    ...real,
    explainIndexOf: (file: string, today: string, engine: string | undefined = ENGINE) =>
      real.explainIndexOf(file, today, engine),
  };
});

/** A way to have the spec path name another file for a while: `away` does it, `back` undoes it. */
interface Swap {
  /** The path explain is given. */
  readonly spec: string;
  readonly away: () => void;
  readonly back: () => void;
}

const SWAPS: Record<string, (dir: string) => Swap> = {
  'the spec file a link, re-pointed to another file and back (ln -sfn)': (dir) => {
    writeFileSync(join(dir, 'a.json'), bobHolds('r:pods'));
    writeFileSync(join(dir, 'b.json'), bobHolds('r:full'));
    const spec = join(dir, 'org.json');
    const point = (to: string) => {
      unlinkSync(spec);
      symlinkSync(to, spec);
    };
    symlinkSync('a.json', spec);
    return { spec, away: () => point('b.json'), back: () => point('a.json') };
  },
  'a folder on its path renamed away, another put there, then renamed back': (dir) => {
    const org = join(dir, 'org');
    mkdirSync(org);
    writeFileSync(join(org, 'org.json'), bobHolds('r:pods'));
    return {
      spec: join(org, 'org.json'),
      away: () => {
        renameSync(org, `${org}-aside`);
        mkdirSync(org);
        writeFileSync(join(org, 'org.json'), bobHolds('r:full'));
      },
      back: () => {
        rmSync(org, { recursive: true });
        renameSync(`${org}-aside`, org);
      },
    };
  },
};

/**
 * R120-1: the first question about a spec file (`explain USER -n NS`) writes its index
 * (cli/explain.ts: explainIndexOf takes the file's real path, declarationBefore stamps and hashes
 * it there, the declaration is loaded, writeExplainIndex checks the real path's stamp again). The
 * load read the path as given: what it named meanwhile was loaded, and the real path's stamp,
 * untouched, vouched for it. Driven through the command in this process: at each pair of its file
 * system calls into the spec's folder, the path is swapped at the first and put back at the second.
 */
describe('R120-1: the spec path naming another file while the first question loads it', () => {
  for (const [name, swapIn] of Object.entries(SWAPS))
    it(`${name}: the index kept is of what the file says (bob: r:pods), or none`, async () => {
      vi.stubEnv('ORGCTL_CACHE_DIR', tempDir('orgctl-r120-1-cache-'));
      const dir = tempDir('orgctl-r120-1-');
      const swap = swapIn(dir);
      const ask = () => run(['explain', 'bob@acme.io', '-n', 'web', '--spec', swap.spec, '--no-bootstrap']);
      const index = explainIndexOf(swap.spec, TODAY)!;
      // The calls into the folder of a question left alone, counted; and its index answers (a guard).
      let calls = 0;
      seam.before = (path) => {
        if (path.startsWith(dir)) calls++;
      };
      const alone = await ask();
      seam.before = undefined;
      expect([alone.code, alone.stdout]).toEqual([0, expect.stringContaining('r:pods')]);
      expect(bobInIndex(index)).toEqual(['acme:r:pods']);
      expect(calls).toBeGreaterThan(1);
      const kept: Record<string, string[] | undefined> = {};
      for (let first = 1; first <= calls; first++)
        for (let last = first + 1; last <= calls + 1; last++) {
          rmSync(index.dir, { recursive: true, force: true });
          let call = 0;
          let away = false;
          seam.before = (path) => {
            if (!path.startsWith(dir)) return;
            call++;
            if (call === first) {
              swap.away();
              away = true;
            } else if (call === last && away) {
              swap.back();
              away = false;
            }
          };
          await ask();
          seam.before = undefined;
          if (away) swap.back();
          kept[`${first}-${last}`] = bobInIndex(index);
        }
      for (const [steps, held] of Object.entries(kept))
        if (held !== undefined) expect([steps, held]).toEqual([steps, ['acme:r:pods']]);
    });
});
