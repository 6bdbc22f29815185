/**
 * The spec loader's fast reader for block YAML (parseBlockYaml) against the loader without it: for
 * every text, hostile forms included, parseSpecText returns the same value, or refuses it with the
 * same messages, whether or not the fast reader is tried first. The fast reader leaving a text to
 * the `yaml` package is always allowed; reading it as another value, or accepting what the loader
 * refuses (a duplicate key), is what this guards against.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { fastReader } from './fast-reader-switch.ts';

vi.mock('../synth/yaml.ts', async (original) =>
  (await import('./fast-reader-switch.ts')).switchableFastReader(await original()),
);
const fast = fastReader;

const { parseSpecText } = await import('../constructs/spec.ts');
const { generateSpec } = await import('../constructs/generate.ts');

/** What the loader gives for a text: its value (as JSON, types kept) or its messages. */
function load(text: string, on: boolean): string {
  fast.on = on;
  try {
    return `value ${JSON.stringify(parseSpecText(text, 'spec.yaml'), (_k, v) => (Object.is(v, -0) ? '-0' : v))}`;
  } catch (e) {
    return `refused ${(e as Error).message}`;
  } finally {
    fast.on = true;
  }
}

/** The same with and without the fast reader; twice, since its caches keep what it read. */
function same(text: string): void {
  const slow = load(text, false);
  expect(load(text, true), JSON.stringify(text)).toBe(slow);
  expect(load(text, true), JSON.stringify(text)).toBe(slow);
}

// Scalars a reviewer may read as one value and a reader as another.
const SCALARS = [
  ...[
    'x',
    'team a',
    'a b ',
    'a#b',
    'a #b',
    'a: b',
    'a:b',
    'a:',
    ' a',
    'a  b',
    '- a',
    'a -',
    '? a',
    '"a"',
    "'a'",
    '"a" #c',
  ],
  ...['0x1F', '1e3', '.inf', '-.Inf', '.NaN', '0o17', '0o8', '017', '+1', '-0', '1_000', '1.', '.5', '1e400', '12e03'],
  ...[
    'true',
    'True',
    'TRUE',
    'tRue',
    'yes',
    'No',
    'on',
    'null',
    'Null',
    'NULL',
    '~',
    '',
    '2025-01-01',
    '2025-01-01 10:00',
  ],
  ...[
    '12:30',
    '1:2',
    'x.y@z.com',
    '/a/b',
    '@a',
    '&a',
    '*a',
    '!a',
    '!!str a',
    '[]',
    '{}',
    '[a]',
    '{a: 1}',
    '|',
    '|-',
    '>',
  ],
  ...['|+', '|2', '>-', '%a', '`a', ',a', 'a,b', 'a\\b', '"a\\/b"', '"\\u00e9"', '"a\\tb"', 'é', '---', '...', '<<'],
];
const KEYS = [
  'a',
  'name',
  'a b',
  '"a"',
  '"a b"',
  'true',
  '1',
  'null',
  '~',
  'a:b',
  '? a',
  '<<',
  '"x": y',
  'a#b',
  '2025-01-01',
];
// Lines a reviewer does not read as part of a value, and lines that end or change a document.
const INSERTS = [
  '',
  ' ',
  '   ',
  '#c',
  '  # c',
  '   #c: d',
  '---',
  '...',
  '--- a',
  '  ',
  '\t',
  'x',
  '  x',
  '- x',
  '? x',
  ': x',
];
// Characters and pieces put anywhere in a text.
const PIECES = [
  ' ',
  '  ',
  '\t',
  '\r',
  '#',
  ' #',
  ':',
  ': ',
  '-',
  '- ',
  '"',
  "'",
  '|',
  '|-',
  '|+',
  '|2',
  '>',
  '\n',
  '\n  ',
].concat(['\ufeff', '---\n', '...\n', '? ', '&a ', '*a', '!!str ', '\n\n', '\r\n', ',', '[', '{', '%', '@', '`']);

type Node = string | Node[] | { m: [string, Node][] };
// Mostly what people write, so that most texts reach the fast reader's paths.
const PLAIN = ['alice', 'team a', 'a.b@c.com', 'view', '2025-01-01', '1', 'true', 'x-1', '/a/b', 'Token 2'];
const scalar = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...PLAIN) }, fc.constantFrom(...SCALARS));
const key = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('name', 'email', 'levels', 'ns') },
  fc.constantFrom(...KEYS),
);
const { node } = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'n' },
    scalar,
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }),
    fc
      .uniqueArray(fc.tuple(key, tie('node')), { minLength: 1, maxLength: 3, selector: (e) => e[0] })
      .map((m) => ({ m })),
  ),
}));
const isMapping = (n: Node): n is { m: [string, Node][] } => typeof n === 'object' && 'm' in n;

/** A node's lines at `indent`, each level its own extra indentation, lists at or deeper than their key, blocks with any body. */
function lines(n: Node, indent: number, pick: () => number): string[] {
  const pad = ' '.repeat(indent);
  const under = (v: Node, lead: string): string[] => {
    if (typeof v === 'string') {
      if (v.startsWith('|') || v === '>') {
        const body = ['x', '', 'y', '  z', ' '.repeat(pick()), '# c'].slice(0, 1 + pick());
        return [`${lead} ${v}`, ...body.map((l) => (l === '' ? '' : ' '.repeat(indent + 1 + pick()) + l))];
      }
      return [v === '' ? lead : `${lead} ${v}`];
    }
    const deeper = indent + (Array.isArray(v) && pick() === 0 ? 0 : 1 + pick());
    return [lead, ...lines(v, deeper, pick)];
  };
  if (typeof n === 'string') return [`${pad}${n}`];
  if (isMapping(n)) return n.m.flatMap(([k, v]) => under(v, `${pad}${k}:`));
  return n.flatMap((v) => {
    if (typeof v !== 'string' && isMapping(v) && pick() < 3) {
      const [first, ...rest] = lines(v, indent + 2, pick);
      return [`${pad}- ${first!.trimStart()}`, ...rest];
    }
    return under(v, `${pad}-`).map((l, i) => (i === 0 ? l.replace(/^(\s*-)$/, '$1') : l));
  });
}

/** A spec-like document: a mapping at the top, lines inserted and pieces put in at places chosen by `seed`. */
const text = fc
  .tuple(
    fc.uniqueArray(fc.tuple(key, node), { minLength: 1, maxLength: 4, selector: (e) => e[0] }),
    fc.array(fc.nat(3), { minLength: 64, maxLength: 64 }),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom(...INSERTS)), { maxLength: 2 }),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom(...PIECES)), { maxLength: 1 }),
    fc.boolean(),
  )
  .map(([top, picks, inserts, pieces, newline]) => {
    let p = 0;
    const pick = () => picks[p++ % picks.length]!;
    const out = lines({ m: top }, 0, pick);
    for (const [at, line] of inserts) out.splice(at % (out.length + 1), 0, line);
    let t = out.join('\n') + (newline ? '\n' : '');
    for (const [at, piece] of pieces) {
      const i = at % (t.length + 1);
      t = t.slice(0, i) + piece + t.slice(i);
    }
    return t;
  });

describe('spec YAML fast reader (parseBlockYaml) against the loader without it', () => {
  // The yaml package warns of keys that are collections (`? [a]`): noise here, the same either way.
  vi.spyOn(process, 'emitWarning').mockImplementation(() => {});

  it('reads every generated hostile text as the loader without it does, or refuses it with the same messages', () => {
    fast.took = 0;
    fc.assert(fc.property(text, same), { numRuns: 3000, seed: 147 });
    // The texts reached the fast reader's paths, not only the yaml package's.
    expect(fast.took).toBeGreaterThan(500);
  });

  it('reads the repository spec fixtures and a generated spec, each with one hostile piece put in, the same', () => {
    // The fixtures as written (comments after values: the yaml package's) and as the yaml package writes them (the fast reader's).
    const fixtures = ['acme', 'guard-rails'].map((f) => readFileSync(`test/fixtures/specs/${f}.yaml`, 'utf8'));
    const base = [
      ...fixtures,
      ...fixtures.map((t) => stringify(parse(t))),
      stringify(generateSpec({ users: 40, namespaces: 12, grants: 200, tokens: 8, seed: 7 })),
    ];
    fast.took = 0;
    for (const t of base) same(t);
    // The three the yaml package wrote are read by the fast reader (twice each in same), not left to the yaml package.
    expect(fast.took).toBe(2 * 3);
    fc.assert(
      fc.property(
        fc.constantFrom(...base),
        fc.nat(),
        fc.constantFrom(...PIECES, ...SCALARS.map((s) => ` ${s}`)),
        (t, at, piece) => {
          const i = at % (t.length + 1);
          same(t.slice(0, i) + piece + t.slice(i));
        },
      ),
      { numRuns: 250, seed: 147 },
    );
  });
});
