/**
 * Red team R143, a side (`--base`/`--head`) that is a folder orgctl may not list (cli/git.ts
 * refuseUnlessOutputFolder, cli/partial-read.ts clustersOfFolder).
 *
 * As root every folder can be listed, and a folder swapped for a file or a link between two looks
 * is read again (readWhole: its stamp changed), never judged by the first look: so the folder is
 * made unlistable for another user, and orgctl run as nobody (cli's `unprivileged`).
 *
 * R143-4 (hole): clustersOfFolder reads a folder it cannot list as one holding no cluster. A folder
 * of mode 711 (others may enter it, not list it) holding a cluster's folder and a dist/ beside it was
 * refused as no output orgctl synthesized, `did you mean p/dist?`: the folder was never looked at.
 * Without a dist/ inside, holdsOlderLayout's own listing happened to say why (permission denied).
 * The folder is now listed before it is refused: it says that orgctl may not list it.
 */
import { chmodSync, cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, repoScratch, ROOT } from './helpers.ts';

const scratch = repoScratch('r143-'); // inside the repository: nobody (the unprivileged run) must reach it

/** A folder nobody may enter, with a readable output `a` and `p` of `mode` (filled by `fill`), and nobody's temporary folder. */
function sides(mode: number, fill: (p: string) => void): { home: string; tmp: string } {
  const home = scratch();
  chmodSync(home, 0o755);
  cpSync(join(ROOT, 'dist'), join(home, 'a'), { recursive: true });
  const p = join(home, 'p');
  mkdirSync(p);
  fill(p);
  chmodSync(p, mode);
  const tmp = join(home, 'tmp');
  mkdirSync(tmp);
  chmodSync(tmp, 0o777);
  return { home, tmp };
}

const diffAsNobody = ({ home, tmp }: { home: string; tmp: string }) =>
  cli(['diff', '--base', './a', '--head', './p'], { cwd: home, unprivileged: true, env: { TMPDIR: tmp } });

const CANNOT_LIST = /\.\/p: permission denied: orgctl may not list this folder/;
const NOT_OUTPUT = /not a dist\/ synthesized by orgctl/;

describe('R143-4: a side orgctl may not list', () => {
  // The first the hole (refused as no output, `did you mean p/dist?`); the others guards.
  it.each([
    ['711', 'a cluster folder and a dist/'],
    ['711', 'a cluster folder'],
    ['700', 'a cluster folder'],
    ['700', 'a cluster folder and a dist/'],
  ])('mode %s, holding %s: said to be unlistable, not to hold no output', (mode, what) => {
    const fill = (p: string) => {
      if (what.includes('dist/')) cpSync(join(ROOT, 'dist'), join(p, 'dist'), { recursive: true });
      cpSync(join(ROOT, 'dist/lga1'), join(p, 'lga1'), { recursive: true });
    };
    const r = diffAsNobody(sides(Number.parseInt(mode, 8), fill));
    expect([r.code, CANNOT_LIST.test(r.stderr), NOT_OUTPUT.test(r.stderr)], r.stderr).toEqual([2, true, false]);
  });
});
