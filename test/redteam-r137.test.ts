/**
 * Red team R137: the last session's shortcuts in what is judged, refused and answered, attacked.
 *
 * - The proof against base's walk of head's subjects beside base's (review/base-proof.ts
 *   walkedChange: a head subject that is base's object at its place is base's): random forgeries of
 *   one level binding's subject list, several edits at once (people added in or out of order, dropped,
 *   duplicated, moved to either end or between, swapped, respelled, of another kind), never proved
 *   against base when the full proof (re-render, compare, every policy) refuses them.
 * - The diff pair (analysis/snapshot.ts affectedSubjects, namedByOneOnly, namesKept; analysis/diff.ts's
 *   untouched people), read as `orgctl diff` reads two outputs (one DocumentCache: a text both sides
 *   hold is one object), against the full snapshots' diff in one cluster and, in two (where copies
 *   that differ are read cluster by cluster), against each side read alone (nothing shared): base's
 *   documents moved or copied to another file or cluster, dropped, made cluster-wide or moved to
 *   another namespace, a binding's subjects edited (moved from the middle to an end, duplicated, a
 *   Group, a stranger), in every cluster alike or in one.
 * - The strict reader's shared mappings and first reading (synth/yaml.ts, r178b): a document's text
 *   around a mapping found again (lines added at any indentation, dropped, repeated, CRLF, tabs, a
 *   document cut short, text after the last), read first or after the canonical text through one
 *   cache, is read as it is alone and as the yaml package reads it, or refused; and the text a
 *   reading keeps for its documents (what the proof against base compares) is all of the text.
 *
 * R137_RUNS sets the number of cases of each property (300 by default; the proof's, a full proof
 * each, a third as many; the diff's, half as many); a failure prints its seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseOutput, type OutputText } from '../cli/output-read.ts';
import { InputError } from '../model/errors.ts';
import { files, organization, TODAY } from './properties/pull-requests.ts';
import { proofsUnlessRefused } from './review/scenarios.ts';
import { DocumentCache, readCanonicalYaml, toYamlStream } from '../synth/yaml.ts';
import { parseAllDocuments } from 'yaml';
import { readMembership } from '../analysis/membership.ts';
import { readSnapshot, readSnapshotPair } from '../analysis/snapshot.ts';
import { diffSnapshots } from '../analysis/diff.ts';

const RUNS = Number(process.env.R137_RUNS ?? 300);
/** Each case of the proof's property runs both proofs, the full one re-rendering head. */
const PROOF_RUNS = Math.max(1, Math.floor(RUNS / 3));
/** Each case of the diff's reads both outputs twice, each side's access in full once. */
const DIFF_RUNS = Math.max(1, Math.floor(RUNS / 2));
const SEED = Number(process.env.ORGCTL_PROPERTY_SEED ?? Date.now() % 2 ** 31);

/** Both proofs of head against base; undefined when the strict reader refuses head outright. */
const proofs = (base: OutputText[], head: OutputText[]) => proofsUnlessRefused(base, head, TODAY);

const userEntry = (name: string) => `- apiGroup: rbac.authorization.k8s.io\n  kind: User\n  name: ${name}\n`;

/** One edit of a subject list's entries (each `- ...` item's text), as a forger would make it. */
type SubjectEdit = (items: string[], n: number, names: readonly string[]) => void;
const SUBJECT_EDITS: readonly [string, SubjectEdit][] = [
  ['insert anywhere', (it, n, names) => it.splice(n % (it.length + 1), 0, userEntry(names[n % names.length]!))],
  [
    'insert in order',
    (it, n, names) => {
      const name = names[n % names.length]!;
      const after = it.findIndex((i) => /^ {2}kind: User$/m.test(i) && /^ {2}name: (.*)$/m.exec(i)![1]! > name);
      const users = it.filter((i) => /^ {2}kind: User$/m.test(i)).length;
      it.splice(after >= 0 ? after : users, 0, userEntry(name));
    },
  ],
  ['drop', (it, n) => it.length && it.splice(n % it.length, 1)],
  ['duplicate', (it, n) => it.length && it.splice((n >> 3) % (it.length + 1), 0, it[n % it.length]!)],
  ['duplicate at the end', (it, n) => it.length && it.push(it[n % it.length]!)],
  ['move to the end', (it, n) => it.length && it.push(...it.splice(n % it.length, 1))],
  ['move to the start', (it, n) => it.length && it.unshift(...it.splice(n % it.length, 1))],
  [
    'move',
    (it, n) => {
      if (!it.length) return;
      const [x] = it.splice(n % it.length, 1);
      it.splice((n >> 3) % (it.length + 1), 0, x!);
    },
  ],
  [
    'swap',
    (it, n) => {
      if (it.length < 2) return;
      const i = n % (it.length - 1);
      [it[i], it[i + 1]] = [it[i + 1]!, it[i]!];
    },
  ],
  [
    'respell quoted',
    (it, n) => it.length && (it[n % it.length] = it[n % it.length]!.replace(/name: (.*)$/m, 'name: "$1"')),
  ],
  ['a Group', (it, n) => it.length && (it[n % it.length] = it[n % it.length]!.replace('kind: User', 'kind: Group'))],
  [
    'no apiGroup',
    (it, n) => it.length && (it[n % it.length] = it[n % it.length]!.replace(/^- apiGroup: .*\n {2}/, '- ')),
  ],
  // A token's account named by its username: the same subject to the authorizer, another kind to orgctl.
  [
    'a token as a User',
    (it, n) => it.splice(n % (it.length + 1), 0, userEntry('system:serviceaccount:acme-system:token-tok-1')),
  ],
];

/** A binding document's text with its subjects' entries edited by `edits`, in order. */
function forgeSubjects(doc: string, edits: readonly (readonly [number, number])[], names: readonly string[]): string {
  const at = doc.indexOf('\nsubjects:\n');
  if (at < 0) return doc;
  const head = doc.slice(0, at + '\nsubjects:\n'.length);
  const items = doc
    .slice(head.length)
    .split(/^(?=- )/m)
    .filter(Boolean);
  for (const [k, n] of edits) SUBJECT_EDITS[k % SUBJECT_EDITS.length]![1](items, n, names);
  return head + items.join('');
}

describe('R137: the proof against base walks head subjects beside base (walkedChange)', () => {
  it(`never proves a forged level binding the full proof refuses (${PROOF_RUNS} forgeries, 1-4 subject edits each)`, () => {
    let proved = 0;
    let refusedInFull = 0;
    const bases = new Map<number, OutputText[]>();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }),
        fc.nat(2 ** 30),
        fc.array(fc.tuple(fc.nat(SUBJECT_EDITS.length - 1), fc.nat(2 ** 20)), { minLength: 1, maxLength: 4 }),
        (seed, pick, edits) => {
          let bf = bases.get(seed);
          if (!bf) bases.set(seed, (bf = files(organization(seed))!));
          const s = organization(seed).spec;
          const names = [
            ...s.users.map((u: { email: string }) => u.email as string),
            ...['aa@else.io', 'zz@else.io', 'm@else.io'],
          ];
          // A level's binding in a shard, alike in every cluster's copy.
          const shards = bf.filter((f) => /\/shard-\d+\//.test(f.path));
          const target = shards[pick % shards.length]!;
          const docs = target.content.split(/^(?=---\n)/m);
          const levelBindings = docs
            .map((d, i) => [d, i] as const)
            .filter(([d]) => d.includes('\nkind: RoleBinding\n') && /\n {2}name: acme:[rw]:[a-z]+\n/.test(d));
          fc.pre(levelBindings.length > 0);
          const [doc, at] = levelBindings[(pick >> 4) % levelBindings.length]!;
          const forged = forgeSubjects(doc, edits, names);
          fc.pre(forged !== doc);
          const shardPath = target.path.slice(target.path.indexOf('/'));
          const head = bf.map((f) => {
            if (!f.path.endsWith(shardPath)) return f;
            const parts = f.content.split(/^(?=---\n)/m);
            if (parts[at] !== doc) return f; // this cluster's copy differs there: left as base's
            parts[at] = forged;
            return { ...f, content: parts.join('') };
          });
          const result = proofs(bf, head);
          if (!result) return;
          if (!result.full) refusedInFull++;
          if (result.againstBase.proved) {
            proved++;
            expect(result.full, `proved against base but refused in full: ${JSON.stringify(edits)}`).toBe(true);
          }
        },
      ),
      { numRuns: PROOF_RUNS, seed: SEED },
    );
    expect(refusedInFull).toBeGreaterThan(PROOF_RUNS / 4);
    expect(proved).toBeGreaterThan(0); // people added in order, dropped: what the walk is for
  });
});

// --- The strict reader: shared mappings found again, and the text a reading keeps for each document ---

const subjectOf = (name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name });
const bindingDoc = (ns: string, role: string, names: readonly string[]) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: {
    labels: { 'app.kubernetes.io/managed-by': 'orgctl', 'orgctl.io/organization': 'acme' },
    name: `acme:${role}`,
    namespace: ns,
  },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `acme:${role}` },
  subjects: names.map(subjectOf),
});
const STREAM = toYamlStream(
  [
    bindingDoc('web', 'r:pods', ['ann@acme.io', 'bob@acme.io', 'cid@acme.io']),
    bindingDoc('web', 'w:full', ['alice@acme.io', 'bob@acme.io']),
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'm', namespace: 'web' }, data: { k: 'line\n' } },
    bindingDoc('data', 'r:pods', ['bob@acme.io', 'cid@acme.io']),
  ],
  'header',
);

/** Line-level edits a forger makes to a text around its shared mappings. */
const LINE_EDITS: readonly ((lines: string[], n: number) => void)[] = [
  (l, n) => l.splice(n % l.length, 0, `${' '.repeat(n % 5)}extra: 1`), // a line at any indentation
  (l, n) => l.splice(n % l.length, 1), // a line dropped
  (l, n) => l.splice(n % l.length, 0, l[(n >> 4) % l.length]!), // a line repeated elsewhere
  (l, n) => (l[n % l.length] = ` ${l[n % l.length]}`), // indented one more
  (l, n) => (l[n % l.length] = l[n % l.length]!.replace(/^ {2}/, '')), // indented two less
  (l, n) => (l[n % l.length] = `${l[n % l.length]}\r`), // CRLF
  (l, n) => (l[n % l.length] = l[n % l.length]!.replace(/^( *)/, '$1\t')), // a tab
  (l, n) => l.splice(n % l.length, 0, ''), // an empty line
  (l, n) => l.splice(n % l.length, 0, '---'), // a document cut short
  (l, n) => l.splice(n % l.length, 0, '# note'), // a comment line
  (l) => l.push('trailing'), // text after the last document
  (l, n) => (l[n % l.length] = `${l[n % l.length]} `), // a trailing space
  (l, n) => l.splice(n % l.length, 0, '  name: eve@acme.io'), // a continuation of a subject
  (l, n) => l.splice(n % l.length, 0, '- kind: Group'), // an item of another kind
];

function edited(text: string, edits: readonly (readonly [number, number])[]): string {
  const lines = text.split('\n');
  for (const [k, n] of edits) LINE_EDITS[k % LINE_EDITS.length]!(lines, n);
  return lines.join('\n');
}

/** The text a reading kept for its documents, joined as they were read (each after its `---` line, the first's when it has one). */
const keptText = (docs: DocumentCache, file: string, firstMarked: boolean) =>
  docs
    .readings(file)
    .at(-1)!
    .bodies.map((b, i) => (i || firstMarked ? `---\n${b}` : b))
    .join('');

/** A text after its header's comment lines. */
const afterHeader = (text: string) => text.replace(/^(?:#.*\n)*/, '');

describe('R137: the strict reader (shared mappings found again, the text kept for each document)', () => {
  it(`reads a forged text first or later as it reads it alone, as the yaml package reads it, and keeps each document's exact text (${RUNS} texts)`, () => {
    const file = 'lga1/shard-00/resources.yaml';
    let read = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(LINE_EDITS.length - 1), fc.nat(2 ** 20)), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        (edits, laterOfBase) => {
          const text = edited(STREAM, edits);
          const alone = readCanonicalYaml(text);
          // Read first (its mappings found again within it), or after the canonical text.
          const cache = { documents: new DocumentCache(), file };
          if (laterOfBase) readCanonicalYaml(STREAM, cache);
          const later = readCanonicalYaml(text, cache);
          expect(later).toEqual(alone);
          if (!('documents' in later)) return;
          read++;
          expect(later.documents).toEqual(parseAllDocuments(text).map((d) => d.toJS()));
          // What the proof compares with base's: each document's text, all of the text after the header.
          const body = afterHeader(text);
          expect(keptText(cache.documents, file, body.startsWith('---\n'))).toBe(body);
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
    expect(read).toBeGreaterThan(RUNS / 60); // edits the reader takes: a line repeated, a key added
  });
});

// --- The diff pair, read through one cache, against the full snapshots ------------------------------

/**
 * What a forger does to one document of a file: moved or copied to another file, dropped, its
 * subjects edited, made cluster-wide, moved to another namespace.
 */
// Subjects thrice: the judge of the output refuses most of the rest (an object written twice, out of its shard, a kind orgctl never writes).
const DOC_EDITS = ['move', 'copy', 'drop', 'subjects', 'cluster-wide', 'namespace', 'subjects', 'subjects'] as const;

function forgeOutput(
  base: OutputText[],
  edits: readonly (readonly [number, number, number, readonly (readonly [number, number])[]])[],
  names: readonly string[],
  alike: boolean,
): OutputText[] {
  const head = base.map((f) => ({ ...f }));
  const yamlFiles = head.filter((f) => f.path.endsWith('.yaml') && !f.path.startsWith('argocd/'));
  const inCluster = (f: OutputText) => f.path.slice(f.path.indexOf('/'));
  for (const [kind, pick, to, subjectEdits] of edits) {
    const what = DOC_EDITS[kind % DOC_EDITS.length]!;
    const from = yamlFiles[pick % yamlFiles.length]!;
    // Every cluster's copy of the file alike (the pair's shortcuts), or the one copy alone (read apart).
    const copies = alike ? yamlFiles.filter((f) => inCluster(f) === inCluster(from)) : [from];
    const target = yamlFiles[to % yamlFiles.length]!;
    const targets = alike ? yamlFiles.filter((f) => inCluster(f) === inCluster(target)) : [target];
    // The document: a binding for an edit of its subjects or scope, any for the rest.
    const docsOf = (f: OutputText) => f.content.split(/^(?=---\n)/m);
    const wanted = (d: string) =>
      what === 'move' || what === 'copy' || what === 'drop' ? true : d.includes('\nsubjects:\n');
    const places = docsOf(from)
      .map((d, i) => [d, i] as const)
      .filter(([d, i]) => i > 0 && wanted(d));
    if (!places.length) continue;
    const [doc, at] = places[(pick >> 5) % places.length]!;
    for (const f of copies) {
      const parts = docsOf(f);
      if (parts[at] !== doc) continue; // this cluster's copy differs there
      if (what === 'move' || what === 'drop') parts.splice(at, 1);
      else if (what === 'subjects') parts[at] = forgeSubjects(doc, subjectEdits, names);
      else if (what === 'cluster-wide')
        parts[at] = doc
          .replace('\nkind: RoleBinding\n', '\nkind: ClusterRoleBinding\n')
          .replace(/^ {2}namespace: .*\n/m, '');
      else if (what === 'namespace')
        parts[at] = doc.replace(/^( {2}namespace: )(.*)$/m, (_, k, ns) => `${k}${ns === 'ns-1' ? 'ns-2' : 'ns-1'}`);
      f.content = parts.join('');
    }
    if (what === 'move' || what === 'copy')
      for (const t of targets) {
        const parts = docsOf(t);
        parts.splice(1 + ((to >> 5) % parts.length), 0, doc);
        t.content = parts.join('');
      }
  }
  return head;
}

describe('R137: the diff pair against the full snapshots, both sides read through one cache', () => {
  it(`says what the full snapshots say of forged outputs (${DIFF_RUNS} pairs, one cluster and two)`, () => {
    let compared = 0;
    const bases = new Map<number, OutputText[]>();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }),
        fc.array(
          fc.tuple(
            fc.nat(DOC_EDITS.length - 1),
            fc.nat(2 ** 20),
            fc.nat(2 ** 20),
            fc.array(fc.tuple(fc.nat(SUBJECT_EDITS.length - 1), fc.nat(2 ** 20)), { minLength: 1, maxLength: 3 }),
          ),
          { minLength: 1, maxLength: 3 },
        ),
        fc.boolean(),
        (seed, edits, alike) => {
          let bf = bases.get(seed);
          if (!bf) bases.set(seed, (bf = files(organization(seed))!));
          const names = [
            ...organization(seed).spec.users.map((u: { email: string }) => u.email as string),
            'zz@else.io',
          ];
          const hf = forgeOutput(bf, edits, names, alike);
          fc.pre(hf.some((f, i) => f.content !== bf![i]!.content));
          // As `orgctl diff` reads them: one cache, a text both sides hold one object, the pair's
          // shortcuts taken. Against the full snapshots in one cluster (whose copies never differ:
          // the judge refuses an object twice); in two, where a cluster's copies may differ and are
          // then read apart, against the pair of each side read alone (no object shared, every
          // binding and record compared: the identity shortcuts find nothing the same).
          const diffOf = (cache: DocumentCache | undefined, full: boolean) => {
            const [bd, hd] = [parseOutput(bf!, cache), parseOutput(hf, cache)];
            if (full) return diffSnapshots(readSnapshot(bd, 'base'), readSnapshot(hd, 'head'), TODAY);
            const pair = readSnapshotPair(
              { docs: bd, membership: readMembership(bd, 'base') },
              { docs: hd, membership: readMembership(hd, 'head') },
            );
            return diffSnapshots(pair.base, pair.head, TODAY);
          };
          let expected: ReturnType<typeof diffOf>;
          try {
            expected = diffOf(undefined, seed % 2 === 0);
          } catch (e) {
            if (e instanceof InputError) return; // the strict reader, the output's judge or the membership read refuses it
            throw e;
          }
          expect(diffOf(new DocumentCache(), false)).toEqual(expected);
          compared++;
        },
      ),
      { numRuns: DIFF_RUNS, seed: SEED },
    );
    expect(compared).toBeGreaterThan(DIFF_RUNS / 10);
  });
});
