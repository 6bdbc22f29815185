import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import {
  freezeWritten,
  WRITTEN_TEXTS,
  writtenTexts,
  parseBlockYaml,
  parseCanonicalYaml,
  readCanonicalYaml,
  scalar,
  toYamlDocument,
  toYamlStream,
  DocumentCache,
} from '../synth/yaml.ts';
import { generateSpec } from '../constructs/generate.ts';

const TRICKY = [
  '',
  'yes',
  'No',
  'on',
  'OFF',
  'y',
  'n',
  'true',
  'null',
  '~',
  '123',
  '0x1F',
  '1e3',
  '2027-03-31',
  '1:20',
  '.inf',
  '-',
  '- a',
  'a: b',
  'a #b',
  '#c',
  '@x',
  '`x',
  '*alias',
  '&anchor',
  '!tag',
  '%x',
  '|',
  '>',
  "'q'",
  '"dq"',
  '[a]',
  '{a}',
  ' lead',
  'trail ',
  'acme:r:pods',
  'bob@acme.io',
  'kubernetes.io/service-account-token',
  'argocd.argoproj.io/sync-wave',
  'ends:',
  'tab\there',
  'ends-longer:',
  'a-long-plain/value@x.io',
  '12345678',
  '-12345678',
  '1.5e10x',
  'TRUE_LONG',
  'apiVersion',
  'User',
  'ClusterRoleBinding',
  'line\nbreak',
  'multi\nline\n',
  'trailing\n\n',
  ' indented\nfirst',
  'unicode é ü 東京',
  '\u2028sep',
  'ctrl\u0001',
  '\\back',
  'Prune=false',
];

describe('YAML writer', () => {
  it.each(TRICKY.map((s) => [JSON.stringify(s), s]))('round-trips %s in YAML 1.2 and 1.1', (_n, s) => {
    const text = toYamlDocument({ key: s, list: [s], [s || 'k']: 1 });
    expect(parse(text)).toEqual({ key: s, list: [s], [s || 'k']: 1 });
    expect(parse(text, { version: '1.1' })).toEqual({ key: s, list: [s], [s || 'k']: 1 });
  });

  it('writes plain scalars where they are unambiguous and quotes the rest', () => {
    expect(scalar('acme:r:pods')).toBe('acme:r:pods');
    expect(scalar('yes')).toBe('"yes"');
    expect(scalar('4')).toBe('"4"');
    expect(scalar(4)).toBe('4');
    expect(scalar(true)).toBe('true');
    expect(() => scalar(Number.NaN)).toThrow();
  });

  it('nests mappings and sequences kubectl-style, with empty collections inline', () => {
    const obj = { a: { b: [1, { c: 'd', e: [] }], f: {} }, g: [[1, 2], []] };
    const text = toYamlDocument(obj);
    expect(text).toBe('a:\n  b:\n  - 1\n  - c: d\n    e: []\n  f: {}\ng:\n-\n  - 1\n  - 2\n- []\n');
    expect(parse(text)).toEqual(obj);
  });

  it('writes multi-line text as block scalars that keep every byte', () => {
    const data = { 'users.jsonl': '{"a":1}\n{"b":2}\n' };
    const text = toYamlDocument({ data });
    expect(text).toBe('data:\n  users.jsonl: |\n    {"a":1}\n    {"b":2}\n');
    expect(parse(text)).toEqual({ data });
  });

  it('indents each line of a block scalar, an empty line left empty, and quotes text with a line ending in whitespace', () => {
    // Each line indented as its own, at two depths: with and without empty lines between them.
    const byLine = (s: string, pad: string) =>
      `${s.endsWith('\n') ? '|' : '|-'}\n${(s.endsWith('\n') ? s.slice(0, -1) : s)
        .split('\n')
        .map((l) => (l === '' ? '' : pad + l))
        .join('\n')}`;
    for (const s of ['a\nb', 'a\nb\n', 'a\n\nb', 'a\n\n\nb\n', 'x y\nz\n', '{"a":1}\n{"b":2}\n\n{"c":3}'])
      for (const [doc, text] of [
        [{ k: s }, `k: ${byLine(s, '  ')}\n`],
        [{ m: { k: s } }, `m:\n  k: ${byLine(s, '    ')}\n`],
      ] as const) {
        expect(toYamlDocument(doc)).toBe(text);
        expect(parse(text)).toEqual(doc);
      }
    // A line ending in whitespace (what trimEnd removes), first, inner or last: quoted, every byte kept.
    for (const s of ['a \nb', 'a\nb\t\nc', 'a\nb\u3000', 'a\u00a0\n\nb\n', 'a\r\nb', 'a\n \nb'])
      expect(toYamlDocument({ k: s })).toBe(`k: ${JSON.stringify(s)}\n`);
  });

  it('writes a frozen item shared by many sequences the same everywhere, at any depth', () => {
    const person = Object.freeze({ kind: 'User', name: 'bob@acme.io', note: 'two\nlines' });
    const open = { kind: 'User', name: 'dan@acme.io' };
    const doc = { a: [person, open], b: { c: [person] }, d: [person] };
    const text = toYamlDocument(doc);
    expect(parse(text)).toEqual(doc);
    open.name = 'erin@acme.io'; // not frozen: written as it is now
    expect(parse(toYamlDocument(doc))).toEqual(doc);
    expect(toYamlDocument({ x: [person] })).toBe(`x:\n${toYamlDocument({ a: [person] }).slice(3)}`);
  });

  it('writes a frozen mapping shared by many objects as an unshared copy is written, at any depth', () => {
    const labels = Object.freeze({ 'app.kubernetes.io/managed-by': 'orgctl', 'orgctl.io/organization': 'acme' });
    const nested = Object.freeze({ inner: { changing: 'a' } }); // not all scalars: never kept
    const doc = { metadata: { labels }, spec: { template: { metadata: { labels } } }, other: labels, nested };
    const copy = JSON.parse(JSON.stringify(doc));
    expect(toYamlDocument(doc)).toBe(toYamlDocument(copy));
    expect(toYamlDocument(doc)).toBe(toYamlDocument(copy)); // written again from what was kept
    (nested.inner as { changing: string }).changing = 'b';
    expect(parse(toYamlDocument(doc))).toEqual(JSON.parse(JSON.stringify(doc)));
  });

  it('writes a mapping frozen by freezeWritten as an unshared copy, its texts kept on it and seen by nothing else', () => {
    const texts = { [WRITTEN_TEXTS]: writtenTexts() };
    const person = freezeWritten({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'User',
      name: 'bob@acme.io',
      ...texts,
    });
    const labels = freezeWritten({
      'app.kubernetes.io/managed-by': 'orgctl',
      'orgctl.io/organization': 'acme',
      [WRITTEN_TEXTS]: writtenTexts(),
    });
    const nested = freezeWritten({ inner: { changing: 'a' }, [WRITTEN_TEXTS]: writtenTexts() }); // not all scalars: never kept
    const doc = { subjects: [person, person], a: { b: [person], labels }, c: [{ d: [person] }], labels, nested };
    const copy = JSON.parse(JSON.stringify(doc));
    for (let i = 0; i < 3; i++) expect(toYamlDocument(doc)).toBe(toYamlDocument(copy)); // each time from what was kept
    (nested.inner as { changing: string }).changing = 'b';
    expect(toYamlDocument(doc)).toBe(toYamlDocument(JSON.parse(JSON.stringify(doc))));
    expect(Object.isFrozen(person)).toBe(true);
    expect(Object.keys(person)).toEqual(['apiGroup', 'kind', 'name']);
    expect(JSON.stringify(person)).toBe('{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"bob@acme.io"}');
    expect({ ...person }).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob@acme.io' });
    expect(person).toStrictEqual(Object.freeze({ ...person }));
  });

  it('joins documents with --- under a comment header', () => {
    const text = toYamlStream([{ a: 1 }, { b: 2 }], 'Generated.\nDo not edit.');
    expect(text).toBe('# Generated.\n# Do not edit.\n---\na: 1\n---\nb: 2\n');
    expect(parseAllDocuments(text).map((d) => d.toJS())).toEqual([{ a: 1 }, { b: 2 }]);
  });
});

/** Randomly shaped objects of `tokens`, numbers, booleans and nulls, the same for the same seed. */
function randomShapes(seed: number, tokens: readonly string[]) {
  const rand = (n: number) => {
    seed = (seed * 48271) % 2147483647; // Park–Miller: exact in doubles (a larger multiplier loses bits past 2^53)
    return seed % n;
  };
  const value = (depth: number): unknown => {
    const k = rand(depth > 3 ? 4 : 7);
    if (k === 0) return tokens[rand(tokens.length)];
    if (k === 1) return rand(1000) - 500;
    if (k === 2) return rand(2) === 0;
    if (k === 3) return null;
    if (k === 4) return Array.from({ length: rand(4) }, () => value(depth + 1));
    return Object.fromEntries(
      Array.from({ length: rand(4) }, (_, i) => [`${tokens[rand(tokens.length)]}${i}`, value(depth + 1)]),
    );
  };
  return { rand, value };
}

describe('canonical YAML reader', () => {
  const same = (obj: Record<string, unknown>[]) => {
    const text = toYamlStream(obj, 'header');
    expect(parseCanonicalYaml(text)).toEqual(parseAllDocuments(text).map((d) => d.toJS()));
  };

  it('reads back every tricky scalar as the yaml package does', () => {
    same(TRICKY.map((s) => ({ key: s, list: [s, { inner: s }], [s || 'k']: [[s]] })));
  });

  it('reads nested collections, empty ones and numbers', () => {
    same([{ a: { b: [1, -2.5, 1e21, { c: 'd', e: [] }], f: {} }, g: [[1, 2], [], [{ x: true, y: null }]], h: false }]);
  });

  it('reads randomly shaped objects as the yaml package does', () => {
    const { value } = randomShapes(7, TRICKY);
    for (let n = 0; n < 300; n++) same([{ root: value(0) }, { other: value(0) }]);
  });

  it('reads a binding changed on any one line, in any of eleven ways, either as the yaml package does or not at all (the shared reads included)', () => {
    const subject = (name: string, kind = 'User') => ({ apiGroup: 'rbac.authorization.k8s.io', kind, name });
    const binding = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: {
        annotations: { 'argocd.argoproj.io/sync-wave': '4' },
        labels: { 'app.kubernetes.io/managed-by': 'orgctl', 'orgctl.io/organization': 'acme' },
        name: 'acme:r:pods',
        namespace: 'web',
      },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'acme:r:pods' },
      subjects: [subject('ann@acme.io'), subject('bob@acme.io'), subject('devs', 'Group'), subject('carol@acme.io')],
    };
    // Read once as written, so that the shared subjects and mappings are known when the changed ones come.
    const written = toYamlStream([binding, binding], 'header');
    expect(parseCanonicalYaml(written)).toEqual([binding, binding]);
    const lines = written.split('\n');
    const changes: ((line: string) => string[])[] = [
      (l) => [` ${l}`],
      (l) => [l.replace(/^ /, '')],
      (l) => [`${l} `],
      (l) => [l, l],
      (l) => [l, '  namespace: web'],
      (l) => [l, '    extra: 1'],
      (l) => [l.replace('User', 'user')],
      (l) => [l.replace(': ', ':  ')],
      (l) => [l.replace('@', ' @')],
      (l) => [l.replace(/"4"/, '4')],
      () => [],
    ];
    let read = 0;
    // Every change on every line but the header's, each text read after all those before it.
    for (let at = 1; at < lines.length - 1; at++)
      for (const change of changes) {
        const text = [...lines.slice(0, at), ...change(lines[at]!), ...lines.slice(at + 1)].join('\n');
        const got = parseCanonicalYaml(text);
        if (got === undefined) continue; // refused: the full parser decides
        read++;
        const docs = parseAllDocuments(text);
        expect(docs.every((d) => !d.errors.length)).toBe(true);
        expect(got).toEqual(docs.map((d) => d.toJS()));
      }
    expect(read).toBeGreaterThan(100); // the fast paths were exercised, not only refusals
  });

  it('reads a first document without its ---, as the yaml package does', () => {
    const text = `# a spec\n${toYamlDocument({ apiVersion: 'orgctl/v1', spec: { users: [{ email: 'bob@acme.io', admin: true }] } })}---\nsecond: 2\n`;
    expect(parseCanonicalYaml(text)).toEqual(parseAllDocuments(text).map((d) => d.toJS()));
    expect(parseCanonicalYaml(text)).toHaveLength(2);
  });

  it('parses again only the documents a later reading of the same file changes', () => {
    const documents = new DocumentCache();
    const docs = [
      { kind: 'A', list: [1, 'x'] },
      { kind: 'B', data: { 'k.json': 'one\ntwo\n' } },
      { kind: 'C' },
      { kind: 'D' },
      { kind: 'A', list: [1, 'x'] },
    ];
    const file = { documents, file: 'lga1/shard-00/resources.yaml' };
    const first = parseCanonicalYaml(toYamlStream(docs, 'header'), file)!;
    expect(first).toEqual(docs);
    expect(first[4]).not.toBe(first[0]); // each place of the first reading is its own
    // B changed, C removed, E inserted: those parsed; A, D and the last A the first reading's.
    const changed = [docs[0]!, { kind: 'B2' }, { kind: 'E' }, docs[3]!, docs[4]!];
    const second = parseCanonicalYaml(toYamlStream(changed, 'header'), file)!;
    expect(second).toEqual(changed);
    expect([second[0], second[3], second[4]]).toEqual([first[0], first[3], first[4]]);
    expect(second[0]).toBe(first[0]);
    expect(second[3]).toBe(first[3]);
    expect(second[4]).toBe(first[4]);
    // A third reading is matched against the first, not the second.
    const third = parseCanonicalYaml(toYamlStream(docs, 'header'), file)!;
    third.forEach((d, i) => expect(d).toBe(first[i]));
    // Another file's documents are its own, whatever their text.
    const other = parseCanonicalYaml(toYamlStream(docs, 'header'), {
      documents,
      file: 'lga1/shard-01/resources.yaml',
    })!;
    expect(other).toEqual(docs);
    other.forEach((d, i) => expect(d).not.toBe(first[i]));
    // Past the lookahead, a document is parsed again (the same content, another object).
    const many = Array.from({ length: 20 }, (_, i) => ({ kind: 'K', n: i }));
    const wide = { documents, file: 'lga1/shard-02/resources.yaml' };
    const before = parseCanonicalYaml(toYamlStream(many, 'header'), wide)!;
    const after = parseCanonicalYaml(toYamlStream(many.slice(15), 'header'), wide)!;
    expect(after).toEqual(many.slice(15));
    expect(after[0]).not.toBe(before[15]);
    expect(parseCanonicalYaml(toYamlStream(many.slice(5), 'header'), wide)![0]).toBe(before[5]);
    // Past a run of changed documents longer than the lookahead, the unchanged rest is still taken
    // (the tokens ConfigMap after a namespace's changed bindings); one inserted or removed near there too.
    const run = { documents, file: 'lga1/shard-03/resources.yaml' };
    const many2 = Array.from({ length: 40 }, (_, i) => ({ kind: 'K', n: i }));
    const first2 = parseCanonicalYaml(toYamlStream(many2, 'header'), run)!;
    const edited = many2.map((d, i) => (i >= 5 && i < 20 ? { ...d, changed: true } : d));
    for (const later of [
      edited,
      [...edited.slice(0, 20), { kind: 'New' }, ...edited.slice(20)],
      edited.filter((_, i) => i !== 21),
    ]) {
      const read = parseCanonicalYaml(toYamlStream(later, 'header'), run)!;
      expect(read).toEqual(later);
      read.forEach((d, i) =>
        expect(d === first2[(many2 as object[]).indexOf(later[i]!)], `${i}`).toBe(!('changed' in d) && d.kind === 'K'),
      );
    }
  });

  it('refuses a raw character at any place of an output, inserted or in place of any character, alone or in a later reading', () => {
    const user = (name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name });
    const meta = { labels: { 'app.kubernetes.io/managed-by': 'orgctl' }, annotations: { 'a/wave': '4' } };
    const docs = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { ...meta, name: 'web' } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { ...meta, name: 'acme:r:pods', namespace: 'web' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'acme:r:pods' },
        subjects: [user('ann@acme.io'), user('bob@acme.io'), { kind: 'Group', name: 'é "q"' }],
      },
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'm', namespace: 'web' },
        data: { 'a key': 'line one\n\n  "two" \\\n', '1': 'x' },
        list: [['a'], [], {}, null, 2],
      },
    ];
    const text = toYamlStream(docs, 'header');
    // Its shared mappings (subjects, labels) known, as from every file read before.
    expect(parseCanonicalYaml(toYamlStream([docs[1]!, docs[0]!]))).toEqual([docs[1], docs[0]]);
    expect(text).toContain('|'); // a block scalar
    const lineOf = (t: string, at: number) => t.slice(0, at).split('\n').length;
    for (const raw of ['\r', '\t', '\u0000', '\u007f', '\u0085', '\u2028', '\ufeff', '\uffff', '\ud800', '\udc00'])
      for (let at = 0; at <= text.length; at++)
        for (const later of [text.slice(0, at) + raw + text.slice(at), text.slice(0, at) + raw + text.slice(at + 1)]) {
          if (later === text) continue;
          const alone = readCanonicalYaml(later);
          const cache = { documents: new DocumentCache(), file: 'lga1/shard-00/resources.yaml' };
          readCanonicalYaml(text, cache);
          const said = `${at} ${JSON.stringify(raw)}`;
          expect(alone, said).toEqual({
            error: { line: lineOf(later, at), found: expect.stringMatching(/^a raw .*which orgctl never writes/) },
          });
          expect(readCanonicalYaml(later, cache), said).toEqual(alone);
        }
  });

  it('refuses in a later reading of a file every raw character a reading of the whole text refuses, with the same error', () => {
    const docs = [{ kind: 'A', data: { x: 'one' } }, { kind: 'B', list: ['y'] }, { kind: 'C' }];
    const text = toYamlStream(docs, 'header');
    const raws = ['\r', '\u2028', '\ufeff', '\u0085', '\ud800', '\udc00', '\u0000'];
    // Where a character may go: the header, a changed document (a value, its own line), after the
    // last document, and (parsing fails there too) inside a separator's line.
    const places = (raw: string) => [
      text.replace('header', `head${raw}er`),
      text.replace('y', `y${raw}`),
      text.replace('kind: B', `kind: B\n# ${raw}`),
      `${text}${raw}`,
      text.replace('---\nkind: C', `---${raw}\nkind: C`),
      // A change before a raw character the whole reading finds first: the same error either way.
      text
        .replace('kind: A', 'kind: [')
        .replace('y', `y${raw}`),
    ];
    for (const raw of raws)
      for (const [i, later] of places(raw).entries()) {
        const cache = { documents: new DocumentCache(), file: 'lga1/shard-00/resources.yaml' };
        expect(readCanonicalYaml(text, cache)).toEqual(expect.objectContaining({ documents: docs }));
        const whole = readCanonicalYaml(later);
        expect('error' in whole, `${i} ${JSON.stringify(raw)}`).toBe(true);
        expect(readCanonicalYaml(later, cache), `${i} ${JSON.stringify(raw)}`).toEqual(whole);
      }
    // A surrogate pair is no raw character, taken or not.
    const cache = { documents: new DocumentCache(), file: 'lga1/shard-00/resources.yaml' };
    readCanonicalYaml(text, cache);
    const paired = text.replace('y', 'y\ud83d\ude00');
    expect(readCanonicalYaml(paired, cache)).toEqual(readCanonicalYaml(paired));
    expect('documents' in readCanonicalYaml(paired)).toBe(true);
  });

  it('reads a later text differing from the first reading in any one character (a raw one, a separator, a newline) as a reading of that text alone does', () => {
    // What a later reading takes from the first is keyed by the exact text of each document: one
    // character changed anywhere (a document taken before and after it, its own `---` line, the
    // header) is read and refused as that text is by itself, with the same error.
    const docs = [
      { kind: 'A', data: { x: 'one\ntwo\n' } },
      { kind: 'B', list: ['y', { k: 'v' }] },
      { kind: 'C', metadata: { name: 'c' } },
      { kind: 'D' },
    ];
    const text = toYamlStream(docs, 'header');
    const swaps = ['x', '\u2028', '\ud800', '\udc00', '\r', '\u0000', ' ', '\n', ':', '-', '#'];
    for (let i = 0; i < text.length; i++)
      for (const swap of swaps) {
        if (text[i] === swap) continue;
        const later = text.slice(0, i) + swap + text.slice(i + 1);
        const cache = { documents: new DocumentCache(), file: 'lga1/shard-00/resources.yaml' };
        readCanonicalYaml(text, cache);
        expect(readCanonicalYaml(later, cache), `${i} ${JSON.stringify(swap)}`).toEqual(readCanonicalYaml(later));
      }
  });

  it('reads a subject as orgctl writes one as one frozen object wherever the same lines name it, and every other item as before', () => {
    const subject = (name: unknown, extra: Record<string, unknown> = {}) => ({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'User',
      name,
      ...extra,
    });
    const bindings = [
      { kind: 'RoleBinding', subjects: [subject('bob@acme.io'), subject('ann@acme.io')] },
      { kind: 'RoleBinding', subjects: [subject('ann@acme.io'), { ...subject('devs'), kind: 'Group' }] },
      {
        kind: 'RoleBinding',
        subjects: [subject('bob@acme.io', { namespace: 'web' }), subject('true'), subject('1234')],
      },
      {
        kind: 'RoleBinding',
        subjects: [subject('x'), subject('unicode-é@acme.io'), { ...subject('sa'), kind: 'ServiceAccount' }],
      },
      { kind: 'Nested', deeper: { list: [subject('ann@acme.io')] }, last: [subject('bob@acme.io')] },
    ];
    const text = toYamlStream(bindings, 'header');
    const read = parseCanonicalYaml(text)!;
    expect(read).toEqual(parseAllDocuments(text).map((d) => d.toJS()));
    const [first, second, third, , nested] = read as {
      subjects: object[];
      deeper: { list: object[] };
      last: object[];
    }[];
    expect(second!.subjects[0]).toBe(first!.subjects[1]); // ann, named twice: one object
    expect(nested!.deeper.list[0]).not.toBe(first!.subjects[1]); // another indentation, another text
    expect(nested!.deeper.list[0]).toEqual(first!.subjects[1]);
    expect(nested!.last[0]).toBe(first!.subjects[0]);
    expect(Object.isFrozen(first!.subjects[0])).toBe(true);
    expect(third!.subjects[0]).not.toBe(first!.subjects[0]); // a namespace more: not the same subject
    expect(Object.isFrozen(third!.subjects[0])).toBe(true); // a small mapping of scalars all the same
  });

  it('reads a small mapping of scalars written again (labels, a roleRef) as one frozen object, any other as before', () => {
    const labels = { 'app.kubernetes.io/managed-by': 'orgctl', 'orgctl.io/organization': 'acme' };
    const docs = [
      { metadata: { labels, name: 'a' }, roleRef: { kind: 'ClusterRole', name: 'acme:r:pods' } },
      { metadata: { labels, name: 'b' }, roleRef: { kind: 'ClusterRole', name: 'acme:r:pods' } },
      { metadata: { labels: { ...labels, extra: 'x' } }, roleRef: { kind: 'ClusterRole', name: 'acme:w:pods' } },
      { deeper: { nested: { labels } }, empty: { list: [], map: {} }, other: { list: [], map: {} } },
      { big: { a: 1, b: 2, c: 3, d: 4, e: 5 }, again: { a: 1, b: 2, c: 3, d: 4, e: 5 } },
    ];
    const text = toYamlStream(docs, 'header');
    const read = parseCanonicalYaml(text)! as Record<string, any>[];
    expect(read).toEqual(parseAllDocuments(text).map((d) => d.toJS()));
    expect(read[1]!.metadata.labels).toBe(read[0]!.metadata.labels);
    expect(read[1]!.roleRef).toBe(read[0]!.roleRef);
    expect(Object.isFrozen(read[0]!.roleRef)).toBe(true);
    expect(read[2]!.roleRef).not.toBe(read[0]!.roleRef);
    expect(read[3]!.deeper.nested.labels).not.toBe(read[0]!.metadata.labels); // another indentation, another text
    expect(read[3]!.empty).not.toBe(read[3]!.other); // a list or mapping in it: never shared
    expect(Object.isFrozen(read[3]!.empty)).toBe(false);
    expect(read[4]!.big).not.toBe(read[4]!.again); // more lines than a small mapping has
  });

  it.each([
    ['a key of the mapping around it', '  after: 1\n', true],
    ['a key of the document', 'after: 1\n', true],
    ['a sequence item of the document', 'list:\n- 1\n', true],
    // Text orgctl's writer never writes: refused the first time, and found again refused the same.
    ['an empty line', '\nafter: 1\n', false],
    ['a line of spaces', ' \nafter: 1\n', false],
    ['a line at an odd indentation', ' after: 1\n', false],
    ['a line at the same indentation as its keys', '    more: 1\n', true],
    ['the end of the text', '', true],
  ])('reads a small mapping found again (followed by %s) as one read the first time, from the same place', (_what, tail, read) => {
    const doc = (name: string) => `---\nname: ${name}\nmeta:\n  shared:\n    k: v\n    l: w\n${tail}`;
    const once = parseCanonicalYaml(`# header\n${doc('a')}`);
    const twice = parseCanonicalYaml(`# header\n${doc('a')}${doc('b')}`);
    expect(once !== undefined).toBe(read);
    // Found again (the second document, and the first on a later reading): read to the same place.
    expect(twice === undefined).toBe(once === undefined);
    if (twice) expect(twice).toEqual(parseAllDocuments(`${doc('a')}${doc('b')}`).map((d) => d.toJS()));
    const end = parseCanonicalYaml(`# header\n${doc('c')}`.replace(/\n$/, ''));
    expect(end !== undefined).toBe(read);
    if (end) expect(end).toEqual(parseAllDocuments(doc('c').replace(/\n$/, '')).map((d) => d.toJS()));
  });

  it('reads a token it knows by heart (a kind, v1, type) only where the text is exactly it, as the yaml package does', () => {
    // Near each known token: a letter more, one less, another case, quoted, a colon after.
    const near = ['v1', 'v10', 'v', 'V1', 'v1:', 'Namespace', 'Namespaces', 'Namespac', 'namespace', 'NameSpace'];
    near.push('ConfigMap', 'ConfigMaps', 'configMap', 'Secret', 'Secrets', 'Secre', 'secret', 'type', 'types', 'typ');
    near.push('Type', 'type:', '"type"', '"Secret"', 'Secret ', ' v1');
    same(near.map((t) => ({ [t]: t, kind: t, list: [t, { [t]: t }] })));
    // Read as a key, each is a key like any other: written twice in a mapping, refused.
    for (const key of ['type', 'kind', 'apiVersion'])
      expect(readCanonicalYaml(`# h\n---\nname: Secret\n${key}: v1\n${key}: Namespace\n`)).toEqual({
        error: { line: 5, found: `a duplicate key "${key}"` },
      });
  });

  it.each([
    [
      'a subject with a deeper line after its name',
      '---\nsubjects:\n- apiGroup: rbac.authorization.k8s.io\n  kind: User\n  name: bob@acme.io\n    extra: 1\n',
    ],
    [
      'a subject with a line at an odd indentation after it',
      '---\nsubjects:\n- apiGroup: rbac.authorization.k8s.io\n  kind: User\n  name: bob@acme.io\n   extra: 1\n',
    ],
  ])('leaves %s to the general reader, which refuses it', (_what, text) => {
    expect(parseCanonicalYaml(text)).toBeUndefined();
  });

  it.each([
    ['a plain value ending in a colon', '---\nkey: abcdefgh:\n'],
    ['a plain value with a comment', '---\nkey: abcdefgh # note\n'],
    ['a long plain value with a space', '---\nkey: abcdefgh ijk\n'],
    ['flow collections', 'a: [1, 2]\n'],
    ['anchors', '---\na: &x 1\nb: *x\n'],
    ['comments inside', '---\na: 1 # note\n'],
    ['tabs', '---\na:\t1\n'],
    ['yes as a boolean in YAML 1.1', '---\na: yes\n'],
    // Go's YAML 1.1 reads each spelling as a boolean (resolve.go: y, Y, yes, Yes, YES, on, On, ON, ...).
    ['Yes as a boolean in YAML 1.1', '---\na: Yes\n'],
    ['ON as a boolean in YAML 1.1', '---\na: ON\n'],
    ['True as a boolean', '---\na: True\n'],
    // Go's YAML 1.1 reads a leading zero as octal: 010 is 8, not 10.
    ['a number with a leading zero (octal to Go)', '---\na: 010\n'],
    // Go refuses a \u escape of a lone surrogate ("invalid Unicode character escape code").
    ['a \\u escape of a lone surrogate', '---\na: "\\ud800"\n'],
    // A block scalar's indentation is its first line's: Go reads "x\n", a fixed indentation " x\n".
    ['a block scalar whose first line is indented further', '---\na: |\n    x\n'],
    ['two spaces after a key', '---\na:  "x"\n'],
    ['another indentation', '---\na:\n    b: 1\n'],
    ['duplicate keys', '---\na: 1\na: 2\n'],
    ['a __proto__ key', '---\n__proto__: 1\n'],
  ])('leaves %s to the full parser', (_what, text) => {
    expect(parseCanonicalYaml(text)).toBeUndefined();
  });
});

describe('block YAML reader for specs (parseBlockYaml)', () => {
  /** Read as the yaml package reads it (YAML 1.2, its core schema), or left to it: never another value. */
  const sameOrLeft = (text: string) => {
    const read = parseBlockYaml(text);
    if (read !== undefined) expect(read).toEqual(parseAllDocuments(text).map((d) => d.toJS()));
    return read;
  };

  // Plain values YAML 1.2 reads as null, booleans or numbers, or that are not plain text at all.
  const PLAIN_TOKENS = [
    ...TRICKY.filter((t) => !t.includes('\n') && t !== ''),
    ...['True', 'TRUE', 'False', 'NULL', 'Null', 'nUll', 'tRue', '0o17', '0o8', '0x1f', '0xG', '+1', '-1', '1_000'],
    ...['1.', '.5', '+.5', '1.5e3', '1e+3', '-.inf', '.NaN', '.nan', '.Nan', '2099-12-31', '12:30:00', '1:2:3', 'a:b'],
    ...['Token 0', 'a  b', 'a b:', 'a: b c', 'a b #c', 'a b# c', '/root', './x', '_x', '@a b', 'x y z', 'v1.2.3', '+x'],
  ];

  it("reads every plain value, as a key's value, a list item and a key, as the yaml package does or leaves it", () => {
    for (const t of PLAIN_TOKENS) {
      sameOrLeft(`a: ${t}\n`);
      sameOrLeft(`a:\n  - ${t}\n  - x\nb: 1\n`);
      sameOrLeft(`${t}: 1\n`);
    }
    // Text YAML 1.2 reads as text, which the canonical subset refuses for Go: read fast for a spec.
    for (const t of ['2099-12-31', 'Token 0', 'yes', 'nUll', '1_000', '12:30:00'])
      expect(sameOrLeft(`a: ${t}\n`)).toEqual([{ a: t }]);
  });

  it('reads a spec as the yaml package writes it (lists indented under their key) as it reads it', () => {
    const spec = JSON.parse(
      JSON.stringify(generateSpec({ users: 40, namespaces: 12, grants: 200, tokens: 8, seed: 3 })),
    );
    for (const indentSeq of [true, false]) expect(sameOrLeft(stringify(spec, { indentSeq }))).toEqual([spec]);
    expect(sameOrLeft('a:\n      - 1\n      - - 2\n        - 3\n    b: 1\nc:\n    d:\n        - x\n')).toBeUndefined();
    expect(sameOrLeft('a:\n    b:\n        - x\n    c: 1\n')).toEqual([{ a: { b: ['x'], c: 1 } }]);
  });

  it('reads randomly shaped objects as the yaml package writes and reads them, or leaves them', () => {
    const { rand, value } = randomShapes(11, [...PLAIN_TOKENS, 'multi\nline\n', 'line\nbreak', 'trailing\n\n']);
    // Blank lines and lines of a comment alone, at any place and indentation (a block scalar's lines included).
    const passedOver = ['', '#', '# note: x', '  # c', '    ', ' '];
    const withLines = (text: string) =>
      text
        .split('\n')
        .flatMap((line) => (rand(4) === 0 ? [passedOver[rand(passedOver.length)]!, line] : [line]))
        .join('\n');
    let read = 0;
    for (let n = 0; n < 300; n++) {
      const text = stringify({ root: value(0), other: value(0) }, { indent: 2 + rand(3) });
      if (sameOrLeft(text)) read++;
      if (sameOrLeft(withLines(text))) read++;
    }
    expect(read).toBeGreaterThan(100);
  });

  it('leaves what the canonical reader leaves, but for indentation and YAML 1.2 text, to the full parser', () => {
    for (const text of ['a: [1, 2]\n', '---\na: &x 1\nb: *x\n', 'a: 1 # note\n', 'a:\t1\n', 'a: 1\na: 2\n'])
      expect(sameOrLeft(text)).toBeUndefined();
    for (const text of ['__proto__: 1\n', 'a: True\n', 'a: 010\n', "a: 'q'\n", 'a:  x\n', 'a: |\n    x\n'])
      expect(sameOrLeft(text)).toBeUndefined();
  });

  it('passes over blank lines and lines of a comment alone, as YAML does, but none in a block scalar', () => {
    const text = 'a: 1\n\n# c\n  # d\nb:\n  # e\n  - x\n\n  - y\nc: |\n  # kept\n\n  z\n# after\n\nd: 2\n# end\n';
    expect(sameOrLeft(text)).toEqual([{ a: 1, b: ['x', 'y'], c: '# kept\n\nz\n', d: 2 }]);
    expect(sameOrLeft('# schema\n\nm:\n  a: x\n\n  b: y\nn:\n  a: x\no: 1\n')).toEqual([
      { m: { a: 'x', b: 'y' }, n: { a: 'x' }, o: 1 },
    ]);
    // The same lines read before (a shared mapping), here followed by a blank or comment line: read the same.
    const items = 'items:\n  - a: x\n    b: y\n';
    expect(sameOrLeft(`${items}  - c: 1\n`)).toBeDefined();
    for (const after of ['\n  - c: 1\n', '  # c\n  - c: 1\n', '\n    d: z\n  - c: 1\n', '    # c\n    d: z\n'])
      expect(sameOrLeft(items + after)).toBeDefined();
    // A value that goes on over a blank line, a line of spaces in a block: read as the yaml package does, or left to it.
    for (const t of ['a: foo\n\n  bar\n', 'a: |\n  x\n \n  y\nb: 1\n', 'a:\n  - x\n   \n  - y\n', 'a: 1 # c\n'])
      sameOrLeft(t);
    expect(parseCanonicalYaml('---\na: 1\n\nb: 2\n')).toBeUndefined();
    expect(parseCanonicalYaml('---\na: 1\n# c\nb: 2\n')).toBeUndefined();
  });

  it('never lets output read later take what only a spec may hold (its shared mappings and texts are apart)', () => {
    // The same lines, read first as a spec: the output reader still refuses each.
    const texts = [
      '---\nitems:\n- a: 2099-12-31\n  b: x\n',
      '---\nitems:\n- a: Token 0\n',
      '---\na:\n  - x\n',
      '---\nlabels:\n    k: v\n',
      '---\na: yes\n',
      '---\nitems:\n- a: x\n\n  b: y\n',
      '---\nitems:\n- a: x\n  # c\n  b: y\n',
    ];
    for (const text of texts) {
      expect(sameOrLeft(text.slice(4))).toBeDefined();
      expect(parseCanonicalYaml(text)).toBeUndefined();
      expect(parseCanonicalYaml(text.slice(4))).toBeUndefined();
    }
  });
});
