/**
 * can-i's verdicts keep where each document of a judged file is, with its head (cli/verdict-cache.ts,
 * format 3), and mark each binding whose subjects their names decide (format 4): a question parses
 * only the documents it keeps, and not a marked binding whose JSON does not hold the name asked
 * about. The documents read so are the file's as parsed; a record without that line, or whose lines
 * are not the lengths its first says, is read whole; and a record of the format before (its
 * documents one line, no places) is no verdict.
 */
import { readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateSpec } from '../constructs/generate.ts';
import { headOf, parseOutput } from '../cli/output-read.ts';
import { readForQuestion, type Question } from '../cli/partial-read.ts';
import { sha256Hex } from '../cli/file-stamp.ts';
import { verdictCacheOf } from '../cli/verdict-cache.ts';
import { CLUSTER_SHARD, shardFile } from '../synth/render.ts';
import { cacheFolderOfItsOwn, run, tempDir, withEveryKindOfBinding } from './helpers.ts';
import { answerOf, cached, uncached } from './verdict-questions.ts';

const ENGINE = '0123456789abcdef';
const cache = cacheFolderOfItsOwn('orgctl-verdict-places-cache-');

const QUESTIONS: readonly Question[] = ['ns-0', 'ns-3', 'ns-7', ''].flatMap((ns) => [
  { namespace: ns, subject: { kind: 'User', name: 'user0@acme.io', namespace: '' } },
  { namespace: ns, subject: { kind: 'User', name: 'user21@acme.io', namespace: '' } },
  { namespace: ns, subject: { kind: 'User', name: 'nobody@acme.io', namespace: '' } },
  { namespace: ns },
]);

/** The records of `dir` by ENGINE in this file's cache folder, by the path of the file each judges. */
function records(dir: string): Map<string, string> {
  const root = join(cache(), 'can-i');
  const found = new Map<string, string>();
  for (const f of readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((n) => n.endsWith('.json'))) {
    const text = readFileSync(join(root, f), 'utf8');
    const head = JSON.parse(text.slice(0, text.indexOf('\n')));
    if (head.key === keyOf(dir, head.format)) found.set(join(root, f), head.path);
  }
  return found;
}

/** The verdicts' key of `dir` in format `format`, as verdictCacheOf makes it. */
const keyOf = (dir: string, format: number) =>
  sha256Hex(`orgctl can-i verdicts\0${format}\0${ENGINE}\0${realpathSync(dir)}`).slice(0, 32);

const later = () => vi.setSystemTime(Date.now() + 5_000);
beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterEach(() => later());

describe("a judged file's documents, read one by one from their places", () => {
  let dir: string;
  beforeAll(async () => {
    const spec = generateSpec({ users: 40, namespaces: 12, grants: 120, tokens: 12, seed: 4 }) as unknown as {
      spec: Record<string, any>;
    };
    spec.spec.delivery = { shards: 4 };
    withEveryKindOfBinding(spec.spec, 30);
    const work = tempDir('orgctl-verdict-places-');
    writeFileSync(join(work, 'org.json'), JSON.stringify(spec));
    dir = join(work, 'dist');
    const r = await run(['synth', '--spec', join(work, 'org.json'), '--out', dir]);
    if (r.code !== 0) throw new Error(r.stderr);
    later();
    for (const q of QUESTIONS) cached(dir, q);
  });

  it('are the documents the file parses to, with their heads', () => {
    const kept = records(dir);
    expect(kept.size).toBeGreaterThan(2);
    const verdicts = verdictCacheOf(dir, ENGINE)!;
    for (const path of kept.values()) {
      const label = join(dir, path);
      const docs = verdicts.judged(path)!.docs(label);
      const parsed = parseOutput([{ path, content: readFileSync(label, 'utf8'), label }]);
      expect(docs.map((d) => d.doc())).toEqual(parsed);
      expect(docs.map((d) => d.head)).toEqual(parsed.map((d) => headOf(d.object)));
    }
    verdicts.keep();
  });

  it('mark the bindings whose subjects are each a User or ServiceAccount: their names are found in their JSON unparsed', () => {
    const verdicts = verdictCacheOf(dir, ENGINE)!;
    const json = (name: string) => Buffer.from(JSON.stringify(name));
    let marked = 0;
    for (const path of records(dir).values()) {
      for (const d of verdicts.judged(path)!.docs(join(dir, path))) {
        const { subjects } = d.doc().object as { subjects?: { kind?: string; name: string }[] };
        const named = subjects?.every((s) => s.kind === 'User' || s.kind === 'ServiceAccount') === true;
        // Of a document not marked: undefined, whatever is asked.
        expect(d.holdsAny?.([]) !== undefined, JSON.stringify(d.head)).toBe(named);
        if (!named) continue;
        marked++;
        for (const s of subjects!) expect(d.holdsAny?.([json('nobody@acme.io'), json(s.name)])).toBe(true);
        expect(d.holdsAny?.([json('nobody@acme.io')])).toBe(false);
      }
    }
    expect(marked).toBeGreaterThan(10);
    verdicts.keep();
  });

  it('answer as the partial read without verdicts, every question', () => {
    for (const q of QUESTIONS) expect(cached(dir, q), JSON.stringify(q)).toEqual(uncached(dir, q));
  });

  it('a record without its places, or with lines of other lengths, is read whole and answers alike', () => {
    const saved = [...records(dir).keys()].map((f) => [f, readFileSync(f, 'utf8')] as const);
    try {
      for (const cut of [(t: string) => t.slice(0, t.lastIndexOf('\n')), (t: string) => `${t} `]) {
        for (const [f, text] of saved) writeFileSync(f, cut(text));
        for (const q of QUESTIONS) {
          const verdicts = verdictCacheOf(dir, ENGINE)!;
          expect(verdicts.judged(shardFile('lga1', CLUSTER_SHARD))).toBeDefined();
          expect(answerOf(readForQuestion(dir, q, undefined, verdicts)), JSON.stringify(q)).toEqual(uncached(dir, q));
        }
      }
    } finally {
      for (const [f, text] of saved) writeFileSync(f, text);
    }
  });

  it('a record of the format before (format 2: no places, its own key) is no verdict, where it was kept or in place of one', () => {
    const saved = [...records(dir).keys()].map((f) => [f, readFileSync(f, 'utf8')] as const);
    try {
      for (const [f, text] of saved) {
        const [head, more, docs] = text.split('\n');
        const { docsBytes, placesBytes, ...rest } = JSON.parse(head!);
        expect([docsBytes, placesBytes].every(Number.isInteger)).toBe(true);
        // As format 2 wrote it: under its own key, its documents the last line.
        writeFileSync(f, `${JSON.stringify({ ...rest, format: 2, key: keyOf(dir, 2) })}\n${more}\n${docs}`);
      }
      const verdicts = verdictCacheOf(dir, ENGINE)!;
      for (const path of new Set(records(dir).values())) expect(verdicts.judged(path)).toBeUndefined();
      for (const q of QUESTIONS) {
        const fresh = verdictCacheOf(dir, ENGINE)!;
        expect(answerOf(readForQuestion(dir, q, undefined, fresh)), JSON.stringify(q)).toEqual(uncached(dir, q));
      }
    } finally {
      for (const [f, text] of saved) writeFileSync(f, text);
    }
  });
});
