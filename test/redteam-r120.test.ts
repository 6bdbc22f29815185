/**
 * Red team R120: explain's index (cli/explain-cache.ts, analysis/explain-index.ts), and the
 * verdicts can-i and who-can keep outside dist/.
 *
 * R120-1 (low): explain stamped and hashed the spec file by its real path, taken once, then loaded
 * the declaration by the path it was given: a link on that path re-pointed while it loaded (or a
 * folder on it renamed away, another put there, then put back) had the index of another file's
 * organization kept as this file's, answered by every later question until the file changes.
 * R120-2 (low): can-i's verdicts (cli/verdict-cache.ts keepOne) stamped a file of the output by
 * path, read it again by path and stamped it again: a folder of the output swapped for another's
 * while the file was parsed and while it was read again kept the other file's documents as this
 * file's verdict (the same class as R120-1: a stamp by path vouching for bytes read by path).
 * Both closed, with their class: file-stamp.ts readStamped reads a file by one open and stamps it
 * by fstat before and after the read; explain loads the text it read so (loadSpec's `text`), once
 * resolving which file (package.json's orgctl.spec was read twice), and keepOne records the stamp
 * of the file it read.
 *
 * What held (tried, not pinned beyond the above):
 * - The index answers as a fresh read: 240 questions by the CLI (20 subjects by email, capitals,
 *   Kubernetes username with an upper-case identity prefix and without it, a user whose email holds
 *   another's (jimbob, bob), Add All, deactivated, a pending invite, tokens by id, in capitals and
 *   by ServiceAccount (rotated), an unknown name; 4 namespaces: two declared, the system one, an
 *   undeclared one; a listing and two requests), each asked first (no index: loads, writes it) and
 *   again (from the index): the same output and exit code every time.
 * - Names cannot split the index's needles: a surrogate half (a prefix ending in one, an email
 *   beginning with the other) is refused by invalid-text, as control characters and line breaks
 *   are; look-alikes and case-folding characters are lowered alike by both reads (asked as
 *   "\u212Aate@acme.io", the Kelvin sign, both answer as kate@acme.io; "\u0130van" as nobody).
 * - The cache folder: ORGCTL_CACHE_DIR, node_modules/.cache/orgctl or tmp, each only when the
 *   user's own and writable by nobody else, no link below node_modules; the key holds the spec's
 *   real path, date, format and bundle, so two checkouts sharing one folder (or one node_modules)
 *   keep indexes of their own; a record names its key, the answers their fstat (R77-1, F5).
 * - A spec changed after the index was written, its size and modification time put back: its
 *   change time (or inode) differs, and within the racy window the bytes are hashed (R77-2, H2).
 * Noticed: test/verdict-cache.test.ts, verdict-cache-places.test.ts and redteam-r109 run in one
 * vitest failed a question or two, the partial read with verdicts giving up (NotAsPlaced): the
 * workers shared one ORGCTL_CACHE_DIR, where r109 tampered with other files' records and the
 * four-key pruning took each other's verdicts. Each now keeps a folder of its own (32b4dc9's
 * cacheFolderOfItsOwn); verdict-cache.ts was not at fault (giving up on a tampered record is right).
 * And explain's resolveWho (analysis/explain.ts) lowers a name with toLowerCase, so a Kelvin sign
 * for K names kate@acme.io, whose Kubernetes username it is not: outside this red team's files.
 */
import { cpSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { explainIndexOf } from '../cli/explain-cache.ts';
import { readBytesInto } from '../cli/output.ts';
import { readForQuestion, type PartialRead, type Question } from '../cli/partial-read.ts';
import { verdictCacheOf } from '../cli/verdict-cache.ts';
import { generateSpec } from '../constructs/generate.ts';
import { shardFile, shardOf } from '../synth/render.ts';
import type { Seam } from './fs-seam.ts';
import { bobHolds, bobInIndex } from './explain-index-bob.ts';
import { run, TODAY, tempDir } from './helpers.ts';

// The file's env stubs end with it.
afterAll(() => {
  vi.unstubAllEnvs();
});

/** Called before each file system call the code under test makes by path (armed by a test, then disarmed). */
const seam = vi.hoisted((): Seam => ({ before: undefined }));

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
      rmSync(spec);
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

/**
 * R120-2: can-i's verdicts (cli/verdict-cache.ts keepOne) bind a file's stamp to the bytes parsed by
 * taking the stamp by path, reading the file again by path, and taking the stamp again: a folder of
 * the output swapped for another while the file is parsed and while it is read again (renamed away,
 * another output's folder renamed in, then back: each read by path reads the other's file, each
 * stamp by path the first's) keeps the other file's documents as this one's verdict, answered by
 * every later question until the file changes.
 */
describe("R120-2: an output's folder swapped while can-i reads and keeps a file", () => {
  const ENGINE = '0123456789abcdef';
  const answerOf = (read: PartialRead | undefined) => read && { rbac: read.rbac, dated: read.dated };
  const later = () => vi.setSystemTime(Date.now() + 5_000);
  const QUESTIONS: readonly Question[] = ['ns-0', 'ns-1', 'ns-2', 'ns-3'].flatMap((namespace) => [
    { namespace },
    ...['user3', 'user4'].map((u) => ({
      namespace,
      subject: { kind: 'User' as const, name: `acme:${u}@acme.io`, namespace: '' },
    })),
  ]);
  afterAll(() => vi.useRealTimers());

  it('a later question answers as the output says, not as the other folder did', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.stubEnv('ORGCTL_CACHE_DIR', tempDir('orgctl-r120-2-cache-'));
    const spec = generateSpec({ users: 20, namespaces: 4, grants: 40, tokens: 2, seed: 120 }) as unknown as {
      spec: Record<string, any>;
    };
    spec.spec.delivery = { shards: 1 };
    const folder = tempDir('orgctl-r120-2-');
    writeFileSync(join(folder, 'org.json'), JSON.stringify(spec));
    const dir = join(folder, 'dist');
    const r = await run(['synth', '--spec', join(folder, 'org.json'), '--out', dir]);
    expect(r.code).toBe(0);
    // The other output: the same files, where user3's grants in the namespaces' shard are user4's (the same lengths).
    const other = join(folder, 'other');
    cpSync(dir, other, { recursive: true });
    const shard = join(dir, shardFile('lga1', shardOf('ns-1', 1)));
    const copy = join(other, shardFile('lga1', shardOf('ns-1', 1)));
    expect(readFileSync(shard, 'utf8')).toContain('user3@acme.io');
    writeFileSync(copy, readFileSync(shard, 'utf8').replaceAll('user3@acme.io', 'user4@acme.io'));
    later();
    const cluster = join(dir, 'lga1');
    let swapped = false;
    const away = () => {
      renameSync(cluster, `${cluster}-aside`);
      renameSync(join(other, 'lga1'), cluster);
      swapped = true;
    };
    const back = () => {
      renameSync(cluster, join(other, 'lga1'));
      renameSync(`${cluster}-aside`, cluster);
      swapped = false;
    };
    // The first question (every namespace is in the one shard): the shard parsed while swapped; its
    // verdict kept with each read of it by path (an open) swapped, put back before the next call.
    const verdicts = verdictCacheOf(dir, ENGINE)!;
    const swappedRead = (file: string) => {
      if (file !== shard) return readBytesInto(file);
      away();
      try {
        return readBytesInto(file);
      } finally {
        back();
      }
    };
    readForQuestion(dir, { namespace: 'ns-1' }, swappedRead, verdicts);
    seam.before = (path, call) => {
      if (swapped) back();
      else if (path === shard && call === 'openSync') away();
    };
    try {
      verdicts.keep();
    } finally {
      seam.before = undefined;
      if (swapped) back();
    }
    later();
    // Later questions, each with the verdicts kept: as without them.
    for (const question of QUESTIONS) {
      const again = verdictCacheOf(dir, ENGINE)!;
      expect(answerOf(readForQuestion(dir, question, undefined, again)), JSON.stringify(question)).toEqual(
        answerOf(readForQuestion(dir, question)),
      );
    }
  });
});
