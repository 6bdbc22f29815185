/**
 * The second side of a diff takes the first's objects where a document's text is unchanged
 * (DocumentCache), and those objects are not judged again (cli/output-read.ts refusalOnce): an
 * edited document is parsed and judged anew, whatever the file's size and times say.
 */
import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSnapshots } from '../cli/diff.ts';
import { DocumentCache, parseOutput, readOutputFolder } from '../cli/output-read.ts';
import { exampleDistCopy } from './helpers.ts';

const SHARD = 'lga1/shard-05/resources.yaml';
const io = { out: () => {}, err: () => {}, env: {} };
/** The first RoleBinding's role named with a `/` (the API server refuses it): the same number of bytes. */
const refusedRoleRef = (text: string) => text.replace('  name: acme:r:full\n', '  name: acme/r:full\n');
/** One file's text, as parseOutput reads it, at `path`. */
const file = (content: string, path = SHARD) => [{ path, content, label: path }];

describe('documents read again from the first reading are judged as read', () => {
  it('a head whose one document is edited, same size and times, is refused; unchanged, accepted', () => {
    const base = exampleDistCopy();
    const head = exampleDistCopy(undefined, (dir) => {
      const file = join(dir, SHARD);
      const before = statSync(file);
      const edited = refusedRoleRef(readFileSync(file, 'utf8'));
      expect(edited.length).toBe(before.size);
      writeFileSync(file, edited);
      utimesSync(file, before.atime, before.mtime);
    });
    expect(statSync(join(head, SHARD)).size).toBe(statSync(join(base, SHARD)).size);
    expect(() => loadSnapshots(base, head, io)).toThrow(/acme\/r:full/);
    // Base read first and head unchanged: every head document is base's object, accepted.
    expect(() => loadSnapshots(base, exampleDistCopy(), io)).not.toThrow();
  });

  it('a later reading whose organization ConfigMap says another layout places every document by that layout', () => {
    // The layout is read once per ConfigMap object (output-read.ts layoutOf): an edited one is another object.
    const files = readOutputFolder(exampleDistCopy());
    const cache = new DocumentCache();
    expect(parseOutput(files, cache).length).toBeGreaterThan(0);
    const edited = files.map((f) => ({ ...f, content: f.content.replace('"shards":32', '"shards":31') }));
    expect(edited.filter((f, i) => f.content !== files[i]!.content).length).toBeGreaterThan(0);
    expect(() => parseOutput(edited, cache)).toThrow(/where orgctl writes none of it: it places it in shard-/);
    expect(() => parseOutput(files, cache)).not.toThrow();
  });

  it('a later reading of the same file (parseOutput with one DocumentCache) judges what changed', () => {
    const text = readFileSync(join(exampleDistCopy(), SHARD), 'utf8');
    const cache = new DocumentCache();
    const first = parseOutput(file(text), cache);
    const again = parseOutput(file(text), cache);
    expect(again.map((d) => d.object)).toEqual(first.map((d) => d.object));
    expect(again[0]!.object).toBe(first[0]!.object); // the first reading's object, not parsed again
    expect(() => parseOutput(file(refusedRoleRef(text)), cache)).toThrow(/acme\/r:full/);
    // The refused reading's other documents are the first's; read once more, the edit is still refused.
    expect(() => parseOutput(file(refusedRoleRef(text)), cache)).toThrow(/acme\/r:full/);
  });
});

describe('a file read again with the first reading’s very text is taken whole, and only such a file', () => {
  const text = readFileSync(join(exampleDistCopy(), SHARD), 'utf8');

  it('takes the first reading’s documents and texts: the same objects, a reading the proof reads alike', () => {
    const cache = new DocumentCache();
    const first = parseOutput(file(text), cache);
    const again = parseOutput(file(`${text} `.slice(0, -1)), cache); // an equal text, not the same string
    expect(again.map((d) => d.object)).toHaveLength(first.length);
    again.forEach((d, i) => expect(d.object).toBe(first[i]!.object));
    const [base, head] = cache.readings(SHARD);
    expect(head!.docs).toEqual(base!.docs);
    expect(head!.bodies).toEqual(base!.bodies);
  });

  it('a text that differs by one raw control character is read and refused', () => {
    const cache = new DocumentCache();
    parseOutput(file(text), cache);
    for (const raw of ['\u0007', '\u0085', '\u2028', '\ufeff', '\ud800']) {
      const forged = text.replace('  name: acme:r:full\n', `  name: acme:r:full${raw}\n`);
      expect(forged).not.toBe(text);
      expect(() => parseOutput(file(forged), cache)).toThrow(/a raw /);
    }
    // Read whole again after them: still the first reading's.
    expect(parseOutput(file(text), cache)[0]!.object).toBe(cache.readings(SHARD)[0]!.docs[0]);
  });

  it('a first reading that was refused is refused again when its text is read again', () => {
    const cache = new DocumentCache();
    const refused = refusedRoleRef(text);
    expect(() => parseOutput(file(refused), cache)).toThrow(/acme\/r:full/);
    expect(() => parseOutput(file(refused), cache)).toThrow(/acme\/r:full/);
    const raw = `${text}\u0007`;
    expect(() => parseOutput(file(raw), cache)).toThrow(/a raw /);
    expect(() => parseOutput(file(raw), cache)).toThrow(/a raw /);
  });

  it('a document taken from another place of the first reading keeps the verdict it had there', () => {
    const refused = refusedRoleRef(text);
    const [header, ...bodies] = refused.split('\n---\n');
    const r = bodies.findIndex((b) => b.includes('acme/r:full'));
    expect(r).toBeGreaterThan(0);
    // The refused document swapped with the one before it: taken from the first reading's next place.
    const swapped = [...bodies];
    [swapped[r - 1], swapped[r]] = [swapped[r]!, swapped[r - 1]!];
    const cache = new DocumentCache();
    expect(() => parseOutput(file(refused), cache)).toThrow(`${SHARD}#${r}: `);
    expect(() => parseOutput(file([header, ...swapped].join('\n---\n')), cache)).toThrow(`${SHARD}#${r - 1}: `);
    // The first reading of the text without it: every document accepted, the refused one inserted anew.
    const clean = new DocumentCache();
    parseOutput(file(text), clean);
    expect(() => parseOutput(file(refused), clean)).toThrow(`${SHARD}#${r}: `);
  });

  it('a file of base’s text at another path (another shard, another cluster) is read and judged at its place', () => {
    const other = 'lga1/shard-04/resources.yaml';
    const base = exampleDistCopy();
    // Head's shard-04 holds shard-05's text: each object is then written twice, and placed where orgctl writes none.
    const head = exampleDistCopy(undefined, (dir) => writeFileSync(join(dir, other), readFileSync(join(dir, SHARD))));
    expect(() => loadSnapshots(base, head, io)).toThrow(/written twice/);
    // Read alone with a cache whose first reading is shard-05's: shard-04's path has none, so it is read anew.
    const cache = new DocumentCache();
    const first = parseOutput(file(text), cache);
    const moved = parseOutput(file(text, 'ord1/shard-05/resources.yaml'), cache);
    expect(moved[0]!.object).not.toBe(first[0]!.object);
    expect(moved[0]!.object).toEqual(first[0]!.object);
  });
});
