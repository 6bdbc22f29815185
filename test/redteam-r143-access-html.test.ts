/**
 * Red team R143, the access page per cluster (report/access-html.ts, cli/access.ts) and the other
 * views that name clusters in a list (access's and who-can's CLUSTERS column, can-i's `CLUSTER: yes`
 * lines), held against each cluster's folder read alone.
 *
 * R143-2 (hole): a folder of other manifests laid out by cluster (a dump: no orgctl header) may
 * name its cluster folders anything a file system takes, and the views wrote each name as it is
 * inside their list syntax: `r:full (lga1, ord1)` a cell's clusters, `; ` between a cell's parts,
 * `lga1,ord1` the text column, `lga1: yes` can-i's line. A folder named `lga1, ord1` beside ord1
 * made its cell read as held in lga1 and ord1, and the page's list of clusters `(lga1, ord1, ord1)`;
 * one named `lga1); w:full (ord1` forged a second part of the cell, `w:full (ord1)`, that no cluster
 * holds. A name that holds list syntax is now shown quoted as a JSON string (model/text.ts
 * shownName), its hidden characters as `\u` escapes: it reads back as exactly that name.
 *
 * Guards: no script but the page's own whatever a subject, namespace or cluster folder is named
 * (`</script>`, quotes, `<`, U+00AD, U+200B, RTL marks); every cluster named on the page; and a
 * property (R143_RUNS / 30 cases): dumps whose two cluster folders are given names of list syntax,
 * hidden text and look-alikes, the page cell by cell is each cluster's folder read alone.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alone, asDump, clusterFolders } from './cluster-dump.ts';
import { showHidden } from '../model/text.ts';
import { cacheFolderOfItsOwn, CLUSTERS_DIFFER, exampleDistCopy, run } from './helpers.ts';

/** Each case reads its output 1 + 1 per cluster times. */
const PROPERTY_RUNS = Math.max(1, Math.floor(Number(process.env.R143_RUNS ?? 300) / 30));
const SEED = Number(process.env.ORGCTL_PROPERTY_SEED ?? Date.now() % 2 ** 31);

cacheFolderOfItsOwn('orgctl-r143-cache-');

/** The example's dist/ made to differ by cluster (mallory in web in lga1 only), as a dump whose folders are named `lga1` and `ord1`. */
function dumpNamed(lga1: string, ord1: string, change: (dir: string) => void = () => {}): string {
  return exampleDistCopy('orgctl-r143-', (d) => {
    for (const f of Object.values(CLUSTERS_DIFFER)) f(d);
    change(d);
    asDump(d);
    // By a name neither takes: `ord1` may be named `lga1`.
    renameSync(join(d, 'lga1'), join(d, 'lga1-r143'));
    renameSync(join(d, 'ord1'), join(d, ord1));
    renameSync(join(d, 'lga1-r143'), join(d, lga1));
  });
}

const access = async (dir: string, args: readonly string[] = []): Promise<string> => {
  const r = await run(['access', '--dir', dir, ...args]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
};

const ENTITIES: Readonly<Record<string, string>> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};
const unescapeHtml = (s: string) => s.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]!);

/**
 * A list of names as a view writes it, read back: each name plain (shown through showHidden) or a
 * JSON string, separated by `separator`. `shown`: a plain name's shown text → the names it may be.
 */
function readNames(text: string, separator: string, named: readonly string[]): string[] {
  const out: string[] = [];
  let at = 0;
  while (at < text.length) {
    if (text[at] === '"') {
      // A JSON string: up to its closing quote (a backslash escapes the next character).
      let end = at + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      out.push(JSON.parse(text.slice(at, end + 1)) as string);
      at = end + 1;
    } else {
      const end = text.indexOf(separator, at);
      const shown = text.slice(at, end < 0 ? text.length : end);
      // A plain name is its own shown text, a hidden character in it shown as its code point; a
      // name holding list syntax (`<` among it) is never shown plain.
      const matching = named.filter((n) => showHidden(n) === shown && !/[,;:()"'<>\\]/.test(n));
      out.push(matching.length === 1 ? matching[0]! : `<no one cluster shown as ${JSON.stringify(shown)}>`);
      at += shown.length;
    }
    if (at < text.length) {
      expect(text.slice(at, at + separator.length), `after a name in ${JSON.stringify(text)}`).toBe(separator);
      at += separator.length;
    }
  }
  return out;
}

/**
 * A cell's text on the page, read back as each cluster's: parts `LEVELS (CLUSTERS)` separated by
 * `; `, a part naming no clusters holding in all of `clusters`.
 */
function cellByCluster(text: string, clusters: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  while (at < text.length) {
    const open = text.indexOf(' (', at);
    const next = text.indexOf('; ', at);
    if (open < 0 || (next >= 0 && next < open)) {
      // A part of every cluster: the whole cell (a part naming none is alone).
      const levels = text.slice(at, next < 0 ? text.length : next);
      for (const c of clusters) out.set(c, levels);
      at = next < 0 ? text.length : next + 2;
      continue;
    }
    const levels = text.slice(at, open);
    // The clusters' list: up to the `)` outside a JSON string.
    let end = open + 2;
    let quoted = false;
    for (; end < text.length && (quoted || text[end] !== ')'); end++) {
      if (text[end] === '\\' && quoted) end++;
      else if (text[end] === '"') quoted = !quoted;
    }
    for (const c of readNames(text.slice(open + 2, end), ', ', clusters)) {
      expect(out.has(c), `${JSON.stringify(text)} names ${JSON.stringify(c)} twice`).toBe(false);
      out.set(c, levels);
    }
    at = end + 1;
    if (at < text.length) {
      expect(text.slice(at, at + 2), `after a part of ${JSON.stringify(text)}`).toBe('; ');
      at += 2;
    }
  }
  return out;
}

/** Of a page, each row's cell in each namespace (`*`: cluster-wide), by cluster: `table\0subject\0namespace` → cluster → levels. */
function pageCells(html: string, clusters: readonly string[]): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const table of html.matchAll(/<table id="(\w+)"[^>]*>([\s\S]*?)<\/table>/g)) {
    for (const row of table[2]!.matchAll(/<tr data-subject="([^"]*)">([\s\S]*?)<\/tr>/g)) {
      const subject = unescapeHtml(row[1]!);
      const wide = /<small class="cluster"[^>]*>cluster-wide: ([\s\S]*?)<\/small>/.exec(row[2]!);
      const cells: [string, string][] = [
        ...(wide ? [['*', wide[1]!] as [string, string]] : []),
        ...[...row[2]!.matchAll(/<td class="\w+" data-ns="([^"]*)"[^>]*>([^<]*)<\/td>/g)].map((m): [string, string] => [
          unescapeHtml(m[1]!),
          m[2]!,
        ]),
      ];
      for (const [ns, text] of cells)
        out.set(`${table[1]}\u0000${subject}\u0000${ns}`, cellByCluster(unescapeHtml(text), clusters));
    }
  }
  return out;
}

const TABLE_OF: Readonly<Record<string, string>> = { User: 'people', ServiceAccount: 'tokens', Group: 'groups' };
interface Entry {
  kind: string;
  name: string;
  cluster?: JsonCell;
  namespaces: Record<string, JsonCell>;
}
interface JsonCell {
  levels: string[];
  classes: string[];
  custom?: string[];
}
/** A cell's text as the page writes it (access-html's cellText). */
const cellText = (cell: JsonCell | undefined) =>
  cell?.levels.length ? cell.levels.join(' ') : cell?.custom || cell?.classes.length ? 'custom' : '';

/** The page of `dir`, cell by cell and cluster by cluster, against each cluster's folder read alone. */
async function expectPageAsAlone(dir: string, label: string): Promise<void> {
  const clusters = clusterFolders(dir);
  const html = await access(dir, ['--format', 'html']);
  // One script, the page's own, whatever the names hold.
  expect(html.match(/<script/gi)?.length, label).toBe(1);
  const page = pageCells(html, clusters);
  const named = /<p id="clusters">The clusters of this output \(([^)]*(?:"[^"]*"[^)]*)*)\) do not all give/.exec(html);
  if (named)
    expect(readNames(unescapeHtml(named[1]!), ', ', clusters), `${label}: the clusters named`).toEqual(clusters);
  for (const c of clusters) {
    const entries = JSON.parse(await access(alone(dir, c, 'orgctl-r143-alone-'), ['--format', 'json'])) as Entry[];
    for (const e of entries) {
      const scopes: [string, JsonCell | undefined][] = [
        ...(e.cluster ? [['*', e.cluster] as [string, JsonCell]] : []),
        ...Object.entries(e.namespaces),
      ];
      for (const [ns, cell] of scopes) {
        const key = `${TABLE_OF[e.kind]}\u0000${showHidden(e.name)}\u0000${showHidden(ns)}`;
        const shown = page.get(key);
        // A namespace this cluster alone gives nothing in may have no column when no one holds anything there.
        if (shown === undefined && cellText(cell) === '') continue;
        expect(shown?.get(c) ?? '', `${label}: ${key.replaceAll('\u0000', ' ')} in cluster ${JSON.stringify(c)}`).toBe(
          cellText(cell),
        );
      }
    }
  }
}

/** Names whose list syntax made a cell or the list of clusters read otherwise. */
const LIST_SYNTAX_NAMES: readonly (readonly [string, string])[] = [
  ['lga1, ord1', 'ord1'],
  ['lga1); w:full (ord1', 'ord1'],
  ['lga1', 'lga1 '],
  ['"lga1"', 'lga1'],
  ['lga1<U+200B>', 'lga1\u200b'],
  ['lga1: no', 'ord1'],
];

describe('R143-2: a cluster folder named with the list syntax of a view', () => {
  it.each(LIST_SYNTAX_NAMES)('folders %j and %j: the page names each cell by its own clusters', async (lga1, ord1) => {
    await expectPageAsAlone(dumpNamed(lga1, ord1), `${lga1} / ${ord1}`);
  });

  it("access's text column and who-can's name a folder `lga1, ord1` as one cluster, not two", async () => {
    const dir = dumpNamed('lga1, ord1', 'ord1');
    const text = await access(dir);
    const mallory = text.split('\n').find((l) => l.includes('mallory@acme.io'))!;
    expect(mallory.startsWith('"lga1, ord1"  '), mallory).toBe(true);
    const who = await run(['who-can', 'get', 'pods', '-n', 'web', '--dir', dir]);
    expect(who.code, who.stderr).toBe(0);
    const line = who.stdout.split('\n').find((l) => l.includes('mallory@acme.io'))!;
    expect(line.startsWith('"lga1, ord1"  '), line).toBe(true);
  });

  it("can-i's line of a folder named `lga1: no` reads as that folder's answer", async () => {
    const dir = dumpNamed('lga1: no', 'ord1');
    const r = await run(['can-i', 'get', 'pods', '-n', 'web', '--as', 'mallory@acme.io', '--dir', dir]);
    expect(r.stdout.split('\n')).toEqual(['no', '"lga1: no": yes', 'ord1: no']);
  });
});

describe('R143 guards: the page of odd names', () => {
  it('no script but its own, and every name escaped, whatever subjects and namespaces are named', async () => {
    const odd = '</script><script>alert(1)</script>\u00ad\u200b\u202e"<x>';
    const dir = dumpNamed('lga1', 'ord1', (d) => {
      for (const c of ['lga1', 'ord1'])
        for (const s of readdirSync(join(d, c))) {
          const file = join(d, c, s, 'resources.yaml');
          const text = readFileSync(file, 'utf8');
          writeFileSync(file, text.replaceAll('mallory@acme.io', JSON.stringify(odd).slice(1, -1)));
        }
    });
    const html = await access(dir, ['--format', 'html']);
    expect(html.match(/<script/gi)?.length).toBe(1);
    expect(html).not.toContain('alert(1)</script>');
    await expectPageAsAlone(dir, 'odd subject');
  });

  it('dumps of cluster folders named with list syntax, hidden text and look-alikes: each cell is each cluster alone', async () => {
    const piece = fc.constantFrom(
      ...['lga1', 'ord1', ', ', ',', '; ', ')', ' (', '(', '"', "'", ':', ' ', '<U+200B>', '<', '>', '\\'],
      ...['\u00ad', '\u200b', '\u200f', '\u202e', '\t', 'ﬀ', 'w:full', 'x'],
    );
    const name = fc.array(piece, { minLength: 1, maxLength: 4 }).map((p) => p.join(''));
    await fc.assert(
      fc.asyncProperty(
        name.filter((n) => n !== '.' && n !== '..'),
        name.filter((n) => n !== '.' && n !== '..'),
        async (a, b) => {
          fc.pre(a !== b);
          await expectPageAsAlone(dumpNamed(a, b), `${JSON.stringify(a)} / ${JSON.stringify(b)}`);
        },
      ),
      { numRuns: PROPERTY_RUNS, seed: SEED },
    );
  }, 120_000);
});
