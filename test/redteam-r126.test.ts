/**
 * Red team R126: the shortcuts the last session added to what declares the organization and what
 * answers a question.
 * 1. The spec's block-YAML fast reader (parseBlockYaml) against the `yaml` package: held. Every
 *    scalar the core schema types (yes/no/on/off/~/null/0x1F/0o17/1e3/.inf/.nan/010/+1/1_000,
 *    dates), `key:value`, `#` with and without a space, quoted keys and values with and without
 *    JSON's escapes (YAML's own, \x41 \N \L, and '' quotes, are left to the yaml package),
 *    continuation lines, block scalars and their indicators and whitespace-only lines, anchors,
 *    tags, `? ` keys, flow collections, tabs, CR, NEL, U+2028/2029, a BOM, `---`/`...`, several
 *    documents, trailing spaces, duplicate keys at every depth (also spelled by an escape), odd
 *    indentation of `- ` items, empty values, a 100,000-character value, `__proto__` and
 *    `constructor` keys: read as the yaml package reads them, or left to it. A whole spec with one
 *    to three lines duplicated, re-indented, commented out or split declares the same organization
 *    (the model, not only the value) with the fast reader as without it (the identical grant items
 *    a shared frozen mapping makes one object of included). Only a message differs: a quoted key
 *    of 600 emoji (1,200 UTF-16 units, 602 code points) is read by the fast reader, which counts
 *    Go's code points, and refused by the yaml package, which counts units; no field takes such a key.
 * 2. The questions asked again. Found: can-i's dated access (whose access ended, what it warns of
 *    and says as "ended") was read from the membership lists' bytes by the person's username field
 *    as JSON.stringify writes it, in any line of the file, where the full read decodes the users
 *    lists alone: a users line spelling the username with an escape (\u0064an@acme.io) was missed
 *    (no warning, R126-1), and a users-shaped line put in the invites or tokens list was taken as
 *    the person's (another end, the real one gone: R126-2); so was a line under a second data key
 *    `users.jsonl` of the invites ConfigMap, which the full read does not read as a users list (R126-3).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { parse, stringify } from 'yaml';
import type { Question } from '../cli/partial-read.ts';
import type { Io } from '../model/io.ts';
import { cacheFolderOfItsOwn, exampleClusterShardsEdited, exampleDistCopy, ROOT, tempDir } from './helpers.ts';
import { fastReader } from './fast-reader-switch.ts';

// The spec loader with and without its fast reader (as test/spec-yaml-fast.test.ts switches it).
vi.mock('../synth/yaml.ts', async (original) =>
  (await import('./fast-reader-switch.ts')).switchableFastReader(await original()),
);
const fast = fastReader;
const { loadRbacRead } = await import('../cli/rbac.ts');
const { readForQuestion } = await import('../cli/partial-read.ts');
const { loadSpec } = await import('../cli/load.ts');
const { cached } = await import('./verdict-questions.ts');

cacheFolderOfItsOwn('orgctl-r126-cache-');

const DAN = 'dan@acme.io';
const aboutDan: Question = { namespace: 'data', subject: { kind: 'User', name: DAN, namespace: '' } };
const quiet: Io = { out: () => {}, err: () => {}, env: {} };

/** The example's dist/ copied, each cluster shard's text passed through `edit` (asserted to change it; none: as written). */
function editedOutput(edit?: (text: string) => string): string {
  return edit ? exampleClusterShardsEdited('orgctl-r126-', edit) : exampleDistCopy('orgctl-r126-');
}

/** Dan's dated access as the full read records it (every file read, the users lists decoded). */
async function fullRead(dir: string) {
  const read = await loadRbacRead(dir, quiet);
  return read.dated?.byUsername.get(DAN);
}

/**
 * Dan's dated access as can-i reads it: the partial read, without verdicts and asked again with them
 * (a read that answers nothing leaves the question to the full read: `full`).
 */
function partialReads(dir: string, full: unknown) {
  const fresh = readForQuestion(dir, aboutDan);
  cached(dir, aboutDan);
  const again = cached(dir, aboutDan);
  return [fresh, again].map((read) => (read ? read.dated.byUsername.get(DAN) : full));
}

/** Dan's line of the users list as orgctl writes it (he holds r:full and r:secrets in data until 2027-06-30). */
const DAN_LINE = '{"email":"dan@acme.io","username":"dan@acme.io",';

/** A users-shaped line for Dan recording another dated grant. */
const FORGED_LINE = JSON.stringify({
  email: DAN,
  username: DAN,
  github: 'dan',
  admin: false,
  billing: false,
  status: 'active',
  expiring: [{ namespace: 'web', role: 'acme:r:pods', until: '2026-01-01' }],
});

describe('R126 part 1: a spec declares the same organization with the fast reader as without it', () => {
  const dir = tempDir('orgctl-r126-spec-');
  /** What a spec text declares (the model and the tree's findings, as JSON), or the loader's message. */
  function declared(text: string, on: boolean): string {
    fast.on = on;
    const file = join(dir, 'org.yaml');
    writeFileSync(file, text);
    try {
      return `declares ${JSON.stringify(loadSpec(file, '2026-12-01').declared)}`;
    } catch (e) {
      return `refused ${(e as Error).message}`;
    } finally {
      fast.on = true;
    }
  }

  // Lines duplicated (a grant twice: one frozen mapping), re-indented, commented out, split, items moved.
  const EDITS: ((lines: readonly string[], i: number) => readonly string[])[] = [
    (l, i) => [...l.slice(0, i), l[i]!, ...l.slice(i)],
    (l, i) => [...l.slice(0, i), ` ${l[i]}`, ...l.slice(i + 1)],
    (l, i) => [...l.slice(0, i), l[i]!.slice(1), ...l.slice(i + 1)],
    (l, i) => [...l.slice(0, i), '#x', ...l.slice(i)],
    (l, i) => [...l.slice(0, i), ' '.repeat(i % 9), ...l.slice(i)],
    (l, i) => [...l.slice(0, i), `${l[i]} `, ...l.slice(i + 1)],
    (l, i) => [...l.slice(0, i), l[i]!.replace(': ', ':'), ...l.slice(i + 1)],
    (l, i) => [...l.slice(0, i), l[i]!.replace('- ', '-   '), ...l.slice(i + 1)],
    (l, i) => [...l.slice(0, i), l[i]!.replace(/: (.*)$/, `: |\n${' '.repeat(20)}$1`), ...l.slice(i + 1)],
    (l, i) => [...l.slice(0, i), l[i]!.replace(/: (.*)$/, `:\n${' '.repeat(i % 12)}$1`), ...l.slice(i + 1)],
    (l, i) => {
      const indent = l[i]!.search(/\S/);
      const j = l.slice(i + 1).findIndex((x) => x.trimStart().startsWith('- ') && x.search(/\S/) === indent);
      return j < 0 ? l : [...l.slice(0, i + 1 + j), ...l.slice(i, i + 1 + j), ...l.slice(i + 1 + j)];
    },
  ];

  it('for the acme spec as the yaml package writes it, with one to three lines edited', () => {
    const lines = stringify(parse(readFileSync(join(ROOT, 'test/fixtures/specs/acme.yaml'), 'utf8'))).split('\n');
    fast.took = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(EDITS.length - 1), fc.nat()), { minLength: 1, maxLength: 3 }), (edits) => {
        let l: readonly string[] = lines;
        for (const [e, at] of edits) l = EDITS[e]!(l, at % l.length);
        const text = l.join('\n');
        const slow = declared(text, false);
        expect(declared(text, true), text).toBe(slow);
        expect(declared(text, true), text).toBe(slow); // its caches keep what it read
      }),
      { numRuns: 150, seed: 126 },
    );
    // The texts reached the fast reader, not only the yaml package.
    expect(fast.took).toBeGreaterThan(50);
  });
});

describe('R126 part 2: dated access asked again is the full read of the users lists', () => {
  it('the example records dated access for dan, read alike by every reader (control)', async () => {
    const out = editedOutput();
    const full = await fullRead(out);
    expect(full?.map((e) => e.role)).toEqual(['acme:r:full', 'acme:r:secrets']);
    for (const partial of partialReads(out, full)) expect(partial).toEqual(full);
  });

  it('R126-1: a users line spelling the username with an escape is the person line to the full read, and to can-i', async () => {
    const out = editedOutput((t) => t.replace(DAN_LINE, '{"email":"dan@acme.io","username":"\\u0064an@acme.io",'));
    const full = await fullRead(out);
    expect(full?.length).toBe(2);
    for (const partial of partialReads(out, full)) expect(partial).toEqual(full);
  });

  it.each([
    'invites',
    'tokens',
  ])('R126-2: a users-shaped line in the %s list is no users line to the full read, nor to can-i', async (list) => {
    const out = editedOutput((t) => t.replace(`  ${list}.jsonl: |\n`, `  ${list}.jsonl: |\n    ${FORGED_LINE}\n`));
    const full = await fullRead(out);
    expect(full?.map((e) => e.namespace)).toEqual(['data', 'data']);
    for (const partial of partialReads(out, full)) expect(partial).toEqual(full);
  });

  it('R126-3: a users.jsonl key in another membership ConfigMap is no users list to the full read, nor to can-i', async () => {
    const out = editedOutput((t) =>
      t.replace(/( {2}invites\.jsonl: \|\n(?: {4}.*\n)+)/, `$1  users.jsonl: |\n    ${FORGED_LINE}\n`),
    );
    const full = await fullRead(out);
    expect(full?.map((e) => e.namespace)).toEqual(['data', 'data']);
    for (const partial of partialReads(out, full)) expect(partial).toEqual(full);
  });
});
