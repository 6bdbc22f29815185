/**
 * Red team R77: leftovers of earlier red teams on what orgctl reads from disk (R73, R71).
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { declarationBefore, explainIndexOf, writeExplainIndex, type ExplainIndex } from '../cli/explain-cache.ts';
import { loadDeclaration } from '../cli/load.ts';
import { placeCheckedDeclaration } from '../constructs/analyze.ts';
import { bobHolds, bobInIndex } from './explain-index-bob.ts';
import { TODAY, tempDir } from './helpers.ts';

/** Called before each file system call the code under test makes by path (armed by a test, then disarmed). */
const seam = vi.hoisted(() => ({ before: undefined as ((path: string) => void) | undefined }));

// Every call by path of the readers here goes through the seam first: a test puts another writer's
// step between any two of them.
vi.mock('node:fs', async (original) => {
  const real = await original<typeof import('node:fs')>();
  const seen =
    <F extends (...a: any[]) => any>(f: F) =>
    (...a: Parameters<F>): ReturnType<F> => {
      if (typeof a[0] === 'string') seam.before?.(a[0]);
      return f(...a);
    };
  return {
    ...real,
    readFileSync: seen(real.readFileSync),
    openSync: seen(real.openSync),
    statSync: seen(real.statSync),
    lstatSync: seen(real.lstatSync),
  };
});

const ENGINE = 'abcdef0123456789';

/** explain's index of a spec file holding `text` (explain's steps, cli/explain.ts). */
async function indexed(text: string): Promise<ExplainIndex> {
  const file = join(tempDir('orgctl-r77-1-'), 'org.json');
  writeFileSync(file, text);
  const index = explainIndexOf(file, TODAY, ENGINE)!;
  const before = declarationBefore(index)!;
  const placed = placeCheckedDeclaration((await loadDeclaration(file, TODAY)).root, { today: TODAY });
  expect(placed.ok).toBe(true);
  writeExplainIndex(index, before, placed.model!, placed.objects!);
  return index;
}

/**
 * R77-1 (R73's leftover): readExplainIndex checked the index's record (declaration.json: the spec
 * file it was made from, and the stamp of each file of answers), then opened the answers by path.
 * A writer replacing the folder in between (writeExplainIndex removes the folder and renames its
 * own into place; a branch's checkout, F5) hands the reader answers the record never vouched for,
 * alone or mixed with the head it already read. Driven here step by step: before each of the
 * reader's calls by path into the folder in turn, the folder is swapped for an index of another
 * declaration (bob holding r:full where the spec file says r:pods).
 */
describe("R77-1: explain's index replaced between the reader's check and its reads", () => {
  it("answers from the index the record vouches for, or from none: never the other's answers", async () => {
    vi.stubEnv('ORGCTL_CACHE_DIR', tempDir('orgctl-r77-1-cache-'));
    const index = await indexed(bobHolds('r:pods'));
    const other = await indexed(bobHolds('r:full'));
    expect(bobInIndex(index)).toEqual(['acme:r:pods']);
    expect(bobInIndex(other)).toEqual(['acme:r:full']);
    const aside = `${index.dir}-aside`;
    // The reader's calls into the folder, counted on a read left alone.
    let calls = 0;
    seam.before = (path) => {
      if (path.startsWith(`${index.dir}/`)) calls++;
    };
    bobInIndex(index);
    seam.before = undefined;
    expect(calls).toBeGreaterThan(3);
    const answers: Record<number, string[] | undefined> = {};
    for (let step = 1; step <= calls; step++) {
      let call = 0;
      seam.before = (path) => {
        if (!path.startsWith(`${index.dir}/`) || ++call !== step) return;
        seam.before = undefined;
        // Another writer's rename: the other index in this one's place.
        renameSync(index.dir, aside);
        renameSync(other.dir, index.dir);
      };
      answers[step] = bobInIndex(index);
      seam.before = undefined;
      // Put back as they were (renaming a folder leaves its files' stamps as they are).
      renameSync(index.dir, other.dir);
      renameSync(aside, index.dir);
    }
    // No index, or the one made from what the file says (r:pods), at every step.
    for (const [step, held] of Object.entries(answers))
      if (held !== undefined) expect([step, held]).toEqual([step, ['acme:r:pods']]);
    // And left alone, the index still answers (it is not refused whole).
    expect(bobInIndex(index)).toEqual(['acme:r:pods']);
  });
});
