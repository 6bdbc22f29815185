/**
 * Red team R77 (base 05a5c45): leftovers of earlier red teams on what orgctl reads from disk (R73,
 * R71). Each hole has its test, then its fix, in separate commits.
 *
 * R77-1 (low, closed): explain's index reader checked the record, then opened the answers by path:
 * a writer renaming another index into the folder between the two had it answer from that index
 * (driven step by step through a node:fs seam). It now opens all four files first and checks each
 * answer's fstat against the record, reading through the descriptors only.
 * R77-2 (low, closed): the racy window was 100 ms in the launcher and 2,000 ms in explain's index;
 * on a file system keeping times to 1 s or 2 s the launcher kept a bundle built while a package
 * file changed. One window, 2,000 ms, in cli/racy.mjs (plain JavaScript: the launcher cannot load
 * TypeScript), imported by both.
 * R77-3 (low, closed): the partial read (can-i, who-can) skipped unparsed another namespace's
 * document of the shard it reads holding a key over 1,024 characters, which makes Go refuse the
 * whole file (its Application applies none of it): it answered where the full read refuses. A
 * document holding a line that long is now parsed (0.04-0.15 ms a file at size L; can-i unchanged
 * within noise).
 * R77-4 (low, closed): an upgrade's head files were held to 4 MB, not to 1,500 objects: unbound roles
 * without privilege could grow a shard past what this engine renders (shard-limit). Now both.
 *
 * What held. After R77-1, an index replaced at any of the reader's calls answers as the record's
 * index or not at all (one pruned while read stays readable through its open descriptors, as POSIX
 * keeps a removed file: not tested). The review job's memory and time against many objects:
 * linear, about 50-65 us and 1 KB of heap an object (50,000 in one 4 MB file: 3.2 s), so the bytes
 * bound them.
 *
 * Not done.
 * - R77-3's class is wider: any YAML Go refuses below a skipped document's head (a line indented
 *   deeper than its mapping's keys: "mapping values are not allowed in this context") makes Go
 *   refuse the whole file, and the partial read still answers where the full read refuses (tried:
 *   can-i says yes, exit 0; access exits 2; kubectl refuses the file). Closing it takes a check of
 *   every skipped line's indentation against its mapping's, a parse in all but name; left, as a
 *   dist/ review's output-proof never merges (cli/partial-read.ts's header says so).
 * - A head dist/ read from git (readRefOutput) is read whole before any limit: its files' 4 MB is a
 *   finding after the read, for an upgrade only. The bytes a review reads are bounded by what git
 *   and GitHub accept in a push, not by orgctl.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { declarationBefore, explainIndexOf, writeExplainIndex, type ExplainIndex } from '../cli/explain-cache.ts';
import { loadDeclaration } from '../cli/load.ts';
import { MAX_SPEC_BYTES } from '../constructs/spec.ts';
import { mayHaveChangedSince } from '../cli/racy.mjs';
import { placeCheckedDeclaration } from '../constructs/analyze.ts';
import { bobHolds, bobInIndex } from './explain-index-bob.ts';
import { ROOT, run, TODAY, tempDir, withNeighbourBinding, exampleDistCopy } from './helpers.ts';
import { bothReads, expectPartialRefusesAsFull } from './partial-read-switch.ts';
import { refusedUpgrade } from './upgrade-judgement.ts';

/** Called before each file system call the code under test makes by path (armed by a test, then disarmed). */
const seam = vi.hoisted(() => ({ before: undefined as ((path: string) => void) | undefined }));

// Every call by path of the readers here goes through the seam first: a test puts another writer's
// step between any two of them.
vi.mock('node:fs', async (original) => (await import('./fs-seam.ts')).seamedFs(await original(), seam));

// The full read on demand: readForQuestion answering "cannot bound" is what can-i and who-can do then.
vi.mock('../cli/partial-read.ts', async (original) =>
  (await import('./partial-read-switch.ts')).fullReadOnDemand(await original()),
);

const ENGINE = 'abcdef0123456789';

/** explain's index of a spec file holding `text` (explain's steps, cli/explain.ts). */
async function indexed(text: string): Promise<ExplainIndex> {
  const file = join(tempDir('orgctl-r77-1-'), 'org.json');
  writeFileSync(file, text);
  const index = explainIndexOf(file, TODAY, ENGINE)!;
  const before = declarationBefore(index, MAX_SPEC_BYTES.json)!;
  const placed = placeCheckedDeclaration((await loadDeclaration(file, TODAY)).declared, { today: TODAY });
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

/**
 * R77-3 (R71's leftover): the partial read (cli/partial-read.ts: can-i, who-can) skips unparsed the
 * documents of other namespaces in the shard it reads, trusting that Kubernetes reads them as those
 * namespaces' objects. Not so for a key written over the 1,024 characters Go's YAML reads before its
 * `:` (R71-1): Go refuses the whole file, so the shard's Application applies none of it (it keeps its
 * last state: a binding of web revoked in dist/ stays in the cluster). The full read refuses the
 * output; the partial read answered from web's documents as if the file were applied.
 */
describe("R77-3: a key Go refuses in another namespace's document of the shard read", () => {
  /** The example's dist/ with a RoleBinding of ns-22 (placed in web's shard) appended, a label key of `length` characters. */
  const withNeighbourKey = (length: number): string =>
    withNeighbourBinding(['  labels:', `    ${'a'.repeat(length)}: x`]);

  it('can-i get pods -n web --as bob@acme.io refuses the output, as the full read does', async () => {
    const dir = withNeighbourKey(1100);
    const ask = ['can-i', 'get', 'pods', '-n', 'web', '--as', 'bob@acme.io', '--dir', dir];
    const { full } = await bothReads(() => run(ask));
    expect(full.stderr).toMatch(/a key written in 1,100 characters/);
    await expectPartialRefusesAsFull(() => run(ask));
  });

  it('who-can get pods -n web refuses it too', async () => {
    const dir = withNeighbourKey(1100);
    const ask = ['who-can', 'get', 'pods', '-n', 'web', '--dir', dir, '--format', 'json'];
    const { full, partial } = await bothReads(() => run(ask));
    expect(full.code, full.stdout + full.stderr).toBe(2);
    expect([partial.code, partial.stdout]).toEqual([full.code, full.stdout]);
  });

  // Since R89-1 the label is refused by both as the API server refuses it (a label's name is at most
  // 63 characters, and no key of an object orgctl writes may be longer): read as YAML, then refused.
  it('a guard: a key of 1,024 characters there is read by both as YAML (then refused as the API server refuses it)', async () => {
    const dir = withNeighbourKey(1024);
    const ask = ['can-i', 'get', 'pods', '-n', 'web', '--as', 'bob@acme.io', '--dir', dir];
    const { full, partial } = await bothReads(() => run(ask));
    expect(full.code, full.stderr).toBe(2);
    expect(full.stderr).toMatch(/has a name of 1024 characters \(at most 63\)/);
    expect([partial.code, partial.stdout]).toEqual([full.code, full.stdout]);
  });
});

/**
 * R77-4 (R71's leftover): the judgement of an upgrade's head dist/ as written (review/
 * written-output.ts) held each file to the bytes one Argo CD Application takes (orgctl's shard
 * limit, 4 MB), not to its objects (1,500): a head engine may add ClusterRoles nobody binds that
 * hold no privilege (a level of a newer catalog), and it passed a cluster shard of 1,600 more.
 * This engine refuses to render such a shard (shard-limit): an Application that large is reported
 * to stall its syncs (Argo CD #14224), revocations included. The review job itself is not at risk:
 * measured, the judgement's time and memory grow with the objects (about 50-65 us and 1 KB of heap
 * each), which the bytes bound (an object is some 80 bytes at least: 50,000 in 4 MB, 3 s).
 */
describe("R77-4: an upgrade's head shard past the objects one Argo CD Application takes", () => {
  /** The example's dist/ with `count` unbound ClusterRoles of acme:r:pods's shape (no rules) appended to lga1's cluster shard. */
  function withUnboundRoles(count: number): string {
    const head = exampleDistCopy('orgctl-r77-4-');
    const file = join(head, 'lga1/cluster/resources.yaml');
    const text = readFileSync(file, 'utf8');
    const role = text
      .split(/^---\n/m)
      .find((d) => d.startsWith('apiVersion: rbac') && d.includes('  name: acme:r:pods\n'))!;
    const shape = role.slice(0, role.indexOf('rules:\n'));
    const added = Array.from(
      { length: count },
      (_, i) => `---\n${shape.replace('  name: acme:r:pods\n', `  name: acme:r:zz${i}\n`)}rules: []\n`,
    );
    writeFileSync(file, text + added.join(''));
    return head;
  }

  it('refuses a shard of more objects than that, naming the file and its count', () => {
    expect(refusedUpgrade(withUnboundRoles(1600)).join('\n')).toMatch(
      /lga1\/cluster\/resources\.yaml: [\d,]+ objects, over the 1,500/,
    );
  });

  it('a guard: a few unbound roles without privilege (a newer catalog) are still taken', () => {
    expect(refusedUpgrade(withUnboundRoles(3))).toEqual([]);
  });
});

/**
 * R77-2 (R73's leftover): a file whose stat is taken within a clock tick of its change may change
 * again without its stat changing (git's "racily clean"). The launcher (bin/orgctl.mjs) runs a
 * bundle once without keeping it when a package file it bundled changed less than 100 ms before
 * the build began; explain's index (cli/explain-cache.ts) reads the spec file again when it changed
 * less than 2,000 ms before the index was written. One idea, two windows: on a file system keeping
 * times to the second (ext3, HFS+) or two (FAT), a package file patched during a build shows a change
 * time up to a tick earlier than the change, before the build's start, so the launcher kept a
 * bundle of what it read under the stat of what is there now (R73-3's patch never ran).
 */
describe('R77-2: the racy window covers file systems keeping times to 1 s or 2 s', () => {
  it('the launcher and explain take it from one home, cli/racy.mjs, and declare none of their own', () => {
    // explain's check (and can-i's verdicts') is file-stamp.ts's holdsRecordedBytes.
    for (const file of ['bin/orgctl.mjs', 'cli/file-stamp.ts']) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      expect(text, file).not.toMatch(/RACY_MS =/);
      expect(text, file).toMatch(/mayHaveChangedSince\(/);
    }
  });

  it('a change at or after a moment, its time truncated to 1 s or 2 s, may have changed since', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1_000, 2_000),
        fc.integer({ min: 10_000, max: 2 ** 40 }),
        fc.integer({ min: 0, max: 5_000 }),
        (tick, since, after) => mayHaveChangedSince(Math.floor((since + after) / tick) * tick, since),
      ),
    );
  });

  it('a guard: a file changed a tick or more before it is taken as it is (caches still answer)', () => {
    expect(mayHaveChangedSince(1_000_000, 1_002_000)).toBe(false);
    expect(mayHaveChangedSince(1_000_001, 1_002_000)).toBe(true);
  });
});
