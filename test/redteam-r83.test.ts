/**
 * Red team R83 (base 9bd5cfd): answers that differ from what is applied. Argo CD applies dist/
 * (Go's YAML, the API server); orgctl answers from several readers of it: the strict full read
 * (access, diff, review), the partial read of one namespace's shard (can-i, who-can), explain's
 * index, the membership shards. Each hole has its test, then its fix, in separate commits.
 *
 * R83-1 (medium, closed; R77's leftover): the partial read skipped unparsed, by their heads, the
 * other namespaces' documents of the shard it reads: YAML the strict reader refuses below a head (a
 * line indented too deep, a duplicate key, an anchor, a merge key, a tag, 0777, yes, a comment)
 * was answered by can-i and who-can where the full read refuses and Go refuses the whole file (its
 * Application applies none of it). Every file the partial read reads is now parsed whole, strictly.
 * R83-2 (medium, closed): an object written twice in one cluster's files (the same kind, namespace
 * and name) was read twice by every reader, and bindings answered as the union of the copies, while
 * kubectl and Argo CD leave the last copy alone in the cluster: a subject only the first copy names
 * was answered yes. parseOutput refuses the second copy (within a file for the partial read, which
 * reads a file where orgctl places the object; across the files of a cluster for the full read).
 * R83-3 (low, closed): can-i's partial read looked for a subject's bindings elsewhere, and for the
 * subject in the membership lists, by the bytes of its name: a name spelled through a JSON escape
 * (read as the same name by the strict reader and Go) was missed, and can-i warned "named in no
 * binding" where the full read does not (the answer itself alike). A file holding a backslash is
 * now read as one that may name them (none does at size L).
 *
 * What held. The differential test below (two generated organizations, 20 mutations of one shard:
 * key order, double quotes, \u escapes, single quotes, comments, CRLF, a BOM, `--- # x`, `---` and
 * a tab, `...`, no last line break, a flow subject, `yes`, `0777`, copies, names and namespaces in
 * capitals; can-i --list, can-i and who-can) finds the partial read answering as the full read, or
 * refusing as it does, after R83-1 and R83-2. Key order and double quotes are read alike by both
 * and by Go; everything else the strict reader refuses is refused by both.
 *
 * Not done.
 * - A binding naming a deactivated or unknown user, forged into another namespace's shard: can-i's
 *   partial read trusts the membership lists ("bound to nothing until reactivated") and does not
 *   look; the full read finds the binding and does not warn. The answer is alike; only the warning
 *   differs (prove and review refuse such a dist/).
 * - An object the API server refuses (a namespace `NS-1`, in capitals) is read by both readers as
 *   if applied; Argo CD's sync of its Application fails at it.
 * - A copy of an object in a file the partial read does not read (another shard) is not seen by it:
 *   it trusts orgctl's placement there, as before (prove and review check placement).
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { listFiles } from '../cli/output.ts';
import {
  generatedOutput,
  ROOT,
  run,
  shardHolding,
  tempDir,
  W_FULL_FOR_BOB,
  withNeighbourBinding,
  exampleDistCopy,
} from './helpers.ts';
import { bothReads, expectPartialRefusesAsFull } from './partial-read-switch.ts';

// The full read on demand: readForQuestion answering "cannot bound" is what can-i and who-can do then.
vi.mock('../cli/partial-read.ts', async (original) =>
  (await import('./partial-read-switch.ts')).fullReadOnDemand(await original()),
);

/** The example's dist/ with a RoleBinding of ns-22 appended to web's shard, `below` after its roleRef. */
const withNeighbourLines = (below: readonly string[]): string => withNeighbourBinding([], below);

/**
 * R83-1 (R77's leftover): the partial read skips unparsed the documents of other namespaces in the
 * shard it reads, reading only their heads. YAML the strict reader refuses below a head (and Go
 * refuses, or reads as another value) was answered by can-i and who-can where access, diff and review
 * refuse the output and kubectl refuses the file (Argo CD applies none of it: a binding of web
 * revoked in dist/ stays in the cluster).
 */
describe("R83-1: what the strict reader refuses below the head of another namespace's document", () => {
  const refused: Record<string, readonly string[]> = {
    'a line indented deeper than its mapping (Go: mapping values are not allowed)': ['extra:', '  a: x', '    b: y'],
    'a key written twice': ['extra:', '  a: x', '  a: y'],
    'an anchor and an alias': ['extra:', '  a: &x y', '  b: *x'],
    'a merge key': ['extra:', '  <<: x'],
    'a tag': ['extra:', '  a: !!str y'],
    'a YAML 1.1 octal (Go reads 0777 as 511)': ['extra:', '  a: 0777'],
    'a YAML 1.1 boolean (Go reads yes as true)': ['extra:', '  a: yes'],
    'a \\/ escape (Go has none)': ['extra:', '  a: "\\/"'],
    'a surrogate escape': ['extra:', '  a: "\\ud800"'],
    'a comment after a value': ['extra:', '  a: x # y'],
    'a nested block of three spaces': ['extra:', '   a: x'],
    'a plain scalar folded over two lines': ['extra:', '  a: x', '   y'],
  };
  for (const [what, below] of Object.entries(refused)) {
    it(`can-i and who-can refuse ${what}, as the full read does`, async () => {
      const dir = withNeighbourLines(below);
      await expectPartialRefusesAsFull(() =>
        run(['can-i', 'get', 'pods', '-n', 'web', '--as', 'bob@acme.io', '--dir', dir]),
      );
      await expectPartialRefusesAsFull(() => run(['who-can', 'get', 'pods', '-n', 'web', '--dir', dir]));
    });
  }

  // Without `extra:`, a field no RoleBinding declares, which the server's strict field validation
  // refuses and the readers refuse since R96-5 (the cases above are refused for their YAML first).
  it('a guard: the same document written as orgctl writes it is answered by both', async () => {
    const dir = withNeighbourLines([]);
    const ask = ['can-i', 'get', 'pods', '-n', 'web', '--as', 'bob@acme.io', '--dir', dir];
    const { full, partial } = await bothReads(() => run(ask));
    expect(full.code, full.stderr).toBe(0);
    expect([partial.code, partial.stdout]).toEqual([full.code, full.stdout]);
  });
});

/**
 * R83-2: an object written twice in one cluster's files (the same kind, namespace and name). kubectl
 * applies the copies in turn and Argo CD keeps the last (gitops-engine's DeduplicateTargetObjects,
 * with a RepeatedResourceWarning): the cluster holds the last copy alone. Every reader of orgctl
 * read both and answered with the union: a subject only the first copy names was answered yes.
 */
describe('R83-2: an object written twice', () => {
  /** The example's dist/ with web's RoleBinding acme:r:pods (naming bob) written again after it, naming dan only. */
  function withBindingAgain(): string {
    const dir = exampleDistCopy('orgctl-r83-2-');
    const path = join(dir, shardHolding(dir, 'web'));
    const again = [
      ...W_FULL_FOR_BOB.slice(0, 3),
      ...R_PODS_IN_WEB,
      ...W_FULL_FOR_BOB.slice(9, 12),
      '  name: dan@acme.io',
    ];
    writeFileSync(path, `${readFileSync(path, 'utf8')}---\n${again.join('\n')}\n`);
    return dir;
  }
  const R_PODS_IN_WEB = [
    '  name: acme:r:pods',
    '  namespace: web',
    'roleRef:',
    '  apiGroup: rbac.authorization.k8s.io',
    '  kind: ClusterRole',
    '  name: acme:r:pods',
  ];

  it('can-i get pods -n web --as bob@acme.io is refused by both reads, not answered yes', async () => {
    const dir = withBindingAgain();
    await expectPartialRefusesAsFull(() =>
      run(['can-i', 'get', 'pods', '-n', 'web', '--as', 'bob@acme.io', '--dir', dir]),
    );
  });

  it('access refuses it, naming both copies', async () => {
    const r = await run(['access', '--dir', withBindingAgain()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/RoleBinding web\/acme:r:pods.*twice|written twice/);
  });

  it('a guard: the same objects in two clusters are read, one copy in each', async () => {
    const r = await run(['can-i', 'get', 'pods', '-n', 'web', '--as', 'bob@acme.io', '--dir', join(ROOT, 'dist')]);
    expect([r.code, r.stdout]).toEqual([0, 'yes']);
  });
});

/**
 * R83-3: can-i's partial read looks for a subject bound elsewhere (for its "named in no binding"
 * warning) only in the files holding the bytes of the subject's name. The strict reader also reads
 * a name from a JSON escape (`"\u0065rin@acme.io"` is erin@acme.io to it and to Go), whose bytes
 * are not the name's: the partial read warned where the full read finds erin bound.
 */
describe('R83-3: a subject named elsewhere only through an escape', () => {
  it('can-i -n data --as erin@acme.io warns as the full read does (not at all)', async () => {
    const dir = exampleDistCopy('orgctl-r83-3-');
    for (const f of listFiles(dir).filter((f) => f.includes('/shard-'))) {
      const path = join(dir, f);
      const text = readFileSync(path, 'utf8');
      writeFileSync(path, text.replaceAll('  name: erin@acme.io\n', '  name: "\\u0065rin@acme.io"\n'));
    }
    const { full, partial } = await bothReads(() =>
      run(['can-i', 'get', 'pods', '-n', 'data', '--as', 'erin@acme.io', '--dir', dir]),
    );
    expect(full).toEqual({ code: 1, stdout: 'no', stderr: '' });
    expect(partial).toEqual(full);
  });

  it('the same when the membership lists spell her name so (her bindings as orgctl writes them)', async () => {
    const dir = exampleDistCopy('orgctl-r83-3-');
    for (const f of listFiles(dir).filter((f) => f.endsWith('/cluster/resources.yaml'))) {
      const path = join(dir, f);
      writeFileSync(path, readFileSync(path, 'utf8').replaceAll('"erin@acme.io"', '"\\u0065rin@acme.io"'));
    }
    const { full, partial } = await bothReads(() =>
      run(['can-i', 'get', 'pods', '-n', 'data', '--as', 'erin@acme.io', '--dir', dir]),
    );
    expect(full).toEqual({ code: 1, stdout: 'no', stderr: '' });
    expect(partial).toEqual(full);
  });
});

/** A RoleBinding document of a shard's text (its `---` line first), its namespace and its subjects' names. */
function firstBinding(text: string): { doc: string; namespace: string; names: string[] } {
  const docs = text.split(/(?=^---$)/m).filter((d) => /^kind: RoleBinding$/m.test(d));
  const doc = docs.find((d) => (d.match(/^ {2}name: user/gm) ?? []).length >= 2) ?? docs[0]!;
  return {
    doc,
    namespace: /^ {2}namespace: (.*)$/m.exec(doc)![1]!,
    names: [...doc.matchAll(/^ {2}name: (user.*)$/gm)].map((m) => m[1]!),
  };
}

/** A RoleBinding document of a shard's text of a namespace other than `namespace`, naming a user. */
function otherBinding(text: string, namespace: string): string {
  const docs = text.split(/(?=^---$)/m).filter((d) => /^kind: RoleBinding$/m.test(d) && /^ {2}name: user/m.test(d));
  return docs.find((d) => !d.includes(`\n  namespace: ${namespace}\n`))!;
}

/** `other` (a document of the text) changed by `change`. */
const inOther = (change: (doc: string) => string) => (t: string, _b: string, other: string) =>
  t.replace(other, change(other));

/**
 * Mutations of a shard file's text: each is refused by the strict reader, or read by it as the same
 * objects (key order, quoting), or is a document Kubernetes reads otherwise (written twice). Those
 * of another namespace's binding are in a document can-i and who-can read for nothing (written for
 * R91's check-only mode, reverted in 5195c97; kept, as the partial read must still refuse them).
 */
const MUTATIONS: Record<string, (text: string, binding: string, other: string) => string> = {
  'keys reordered': (t) => t.replace(/^ {2}name: (.*)\n {2}namespace: (.*)$/gm, '  namespace: $2\n  name: $1'),
  'names double-quoted': (t) => t.replace(/^( {2}name: )(user.*)$/gm, '$1"$2"'),
  'names \\u-escaped': (t) => t.replace(/^( {2}name: )u(ser.*)$/gm, '$1"\\u0075$2"'),
  'names single-quoted': (t) => t.replace(/^( {2}name: )(user.*)$/gm, "$1'$2'"),
  'a comment line': (t) => t.replace('\n---\n', '\n---\n# c\n'),
  'a comment after a value': (t) => t.replace(/^kind: RoleBinding$/m, 'kind: RoleBinding # c'),
  CRLF: (t) => t.replaceAll('\n', '\r\n'),
  BOM: (t) => `\ufeff${t}`,
  '--- # x': (t) => t.replaceAll('\n---\n', '\n--- # x\n'),
  '--- and a tab': (t) => t.replaceAll('\n---\n', '\n---\t\n'),
  '... document end': (t) => t.replaceAll('\n---\n', '\n...\n---\n'),
  'no last line break': (t) => t.slice(0, -1),
  'a flow subject': (t) =>
    t.replace(/^- apiGroup: (.*)\n {2}kind: (.*)\n {2}name: (.*)$/m, '- {apiGroup: $1, kind: $2, name: $3}'),
  'a YAML 1.1 boolean': (t) => t.replace(/^( {4})app\.kubernetes\.io\/managed-by: orgctl$/m, '$&\n$1orgctl.io/x: yes'),
  'a YAML 1.1 octal': (t) => t.replace(/^( {4})app\.kubernetes\.io\/managed-by: orgctl$/m, '$&\n$1orgctl.io/x: 0777'),
  'the binding twice': (t, b) => t + b,
  'the binding twice, the second naming one subject': (t, b) =>
    t + b.replace(/(\n- apiGroup[\s\S]*?)(\n- apiGroup[\s\S]*)$/, '$1\n'),
  'the binding twice, the first naming one subject': (t, b) =>
    t.replace(b, b.replace(/(\n- apiGroup[\s\S]*?)(\n- apiGroup[\s\S]*)$/, '$1\n')) + b,
  'the binding again, its name in capitals': (t, b) =>
    t + b.replace(/^( {2}name: )(acme:.*)$/m, (_, k, v) => k + v.toUpperCase()),
  'the binding again, its namespace in capitals': (t, b) =>
    t + b.replace(/^( {2}namespace: )(.*)$/m, (_, k, v) => k + v.toUpperCase()),
  "another namespace's binding: a subject's key twice": inOther((d) =>
    d.replace('\n  kind: User\n', '\n  kind: User\n  kind: User\n'),
  ),
  "another namespace's binding: a subject's name indented deeper": inOther((d) =>
    d.replace(/\n {2}name: (user.*)\n/, '\n   name: $1\n'),
  ),
  "another namespace's binding: a subject named yes": inOther((d) =>
    d.replace(/\n {2}name: user.*\n/, '\n  name: yes\n'),
  ),
  "another namespace's binding: a subject named 0777": inOther((d) =>
    d.replace(/\n {2}name: user.*\n/, '\n  name: 0777\n'),
  ),
  "another namespace's binding: a tag on a subject's name": inOther((d) =>
    d.replace(/\n( {2}name: )(user.*)\n/, '\n$1!!str $2\n'),
  ),
  "another namespace's binding: a flow subject": inOther((d) =>
    d.replace(/\n- apiGroup: (.*)\n {2}kind: (.*)\n {2}name: (.*)\n/, '\n- {apiGroup: $1, kind: $2, name: $3}\n'),
  ),
  "another namespace's binding: a subject's extra key": inOther((d) =>
    d.replace(/\n( {2}name: user.*)\n/, '\n$1\n  x: y\n'),
  ),
  "another namespace's binding: a subject's line a space longer": inOther((d) =>
    d.replace(/\n( {2}name: user.*)\n/, '\n$1 \n'),
  ),
  "another namespace's binding: a group": inOther((d) => d.replace('\n  kind: User\n', '\n  kind: Group\n')),
  "another namespace's binding: a comment among its subjects": inOther((d) =>
    d.replace('\n- apiGroup', '\n# c\n- apiGroup'),
  ),
  "another namespace's binding: an empty line among its subjects": inOther((d) =>
    d.replace('\n- apiGroup', '\n\n- apiGroup'),
  ),
  "another namespace's binding: items": inOther((d) => `${d}items: []\n`),
  "another namespace's binding: no namespace": inOther((d) => d.replace(/\n {2}namespace: .*\n/, '\n')),
  "another namespace's binding twice": (t, _b, o) => t + o,
  "another namespace's binding: its kind a list": inOther((d) =>
    d.replace('kind: RoleBinding', 'kind: RoleBindingList'),
  ),
  "another namespace's binding: subjects before its metadata": inOther((d) =>
    d.replace(/\n(metadata:\n(?: {2}.*\n)+)([\s\S]*)$/, '\n$2$1'),
  ),
};

/**
 * Mutations of the cluster shard's membership lists (users.jsonl, a block scalar of a ConfigMap can-i
 * and who-can read for nothing; written for R91, reverted): each refused by the strict reader, or
 * read as the same.
 */
const CLUSTER_MUTATIONS: Record<string, (text: string) => string> = {
  'a users line indented less': (t) => t.replace(/(users\.jsonl: \|\n(?: {4}.*\n){2}) {4}/, '$1   '),
  'a users line indented deeper': (t) => t.replace(/(users\.jsonl: \|\n(?: {4}.*\n){2}) {4}/, '$1      '),
  'the users list first line empty': (t) => t.replace('users.jsonl: |\n', 'users.jsonl: |\n\n'),
  'the users list first line deeper': (t) => t.replace(/users\.jsonl: \|\n {4}/, 'users.jsonl: |\n      '),
  'an empty line in the users list': (t) => t.replace(/(users\.jsonl: \|\n(?: {4}.*\n){2})/, '$1\n'),
  'a tab in a users line': (t) => t.replace(/(users\.jsonl: \|\n {4}\{)/, '$1\t'),
  'the users list kept (|+)': (t) => t.replace('users.jsonl: |\n', 'users.jsonl: |+\n'),
  'a tag on the users list': (t) => t.replace('users.jsonl: |\n', 'users.jsonl: !!str |\n'),
  'the users key twice': (t) => t.replace(/(users\.jsonl: \|\n(?: {4}.*\n)+)/, '$1  users.jsonl: x\n'),
  'the users ConfigMap with items': (t) => t.replace(/(users\.jsonl: \|\n(?: {4}.*\n)+)/, '$1items: []\n'),
  'the users ConfigMap twice': (t) => {
    const doc = t.split(/(?=^---$)/m).find((d) => d.includes('users.jsonl: |'))!;
    return t + doc;
  },
};

/**
 * R83-2: differential. Generated organizations' outputs, each shard holding a few namespaces, with
 * one shard's text mutated: every answer of the partial read (can-i, who-can) is the full read's
 * (answer, warnings and exit code), whether the full read answers or refuses the output.
 */
describe('R83-2: mutated outputs of generated organizations, the partial read against the full read', () => {
  for (const seed of [3, 11]) {
    it(`seed ${seed}: every mutation answers alike or is refused alike`, async () => {
      const dist = await generatedOutput(seed);
      const shard = listFiles(dist).find(
        (f) => f.includes('/shard-') && /^kind: RoleBinding$/m.test(readFileSync(join(dist, f), 'utf8')),
      )!;
      const text = readFileSync(join(dist, shard), 'utf8');
      const binding = firstBinding(text);
      const [first, second] = binding.names;
      const ns = binding.namespace;
      const other = otherBinding(text, ns);
      const cluster = listFiles(dist).find((f) => f.endsWith('/cluster/resources.yaml'))!;
      const clusterText = readFileSync(join(dist, cluster), 'utf8');
      const differ: string[] = [];
      const mutations: [string, string, string][] = [
        ...Object.entries(MUTATIONS).map(([what, m]): [string, string, string] => [
          what,
          shard,
          m(text, binding.doc, other),
        ]),
        ...Object.entries(CLUSTER_MUTATIONS).map(([what, m]): [string, string, string] => [
          what,
          cluster,
          m(clusterText),
        ]),
      ];
      for (const [what, file, mutated] of mutations) {
        const dir = join(tempDir('orgctl-r83-mut-'), 'dist');
        cpSync(dist, dir, { recursive: true });
        expect(mutated, what).not.toBe(file === shard ? text : clusterText);
        writeFileSync(join(dir, file), mutated);
        const asks = [
          ['can-i', '--list', '-n', ns, '--as', first!],
          ['can-i', '--list', '-n', ns, '--as', second ?? 'user0@acme.io'],
          ['can-i', 'get', 'pods', '-n', ns, '--as', second ?? 'user0@acme.io'],
          ['who-can', 'get', 'pods', '-n', ns],
          ['who-can', 'list', 'configmaps', '-n', ns],
        ];
        for (const ask of asks) {
          const { full, partial } = await bothReads(() => run([...ask, '--dir', dir]));
          if (JSON.stringify(full) !== JSON.stringify(partial))
            differ.push(
              `${what}: ${ask.join(' ')}: full ${full.code} ${full.stdout.slice(0, 80)} / partial ${partial.code} ${partial.stdout.slice(0, 80)}`,
            );
        }
      }
      expect(differ).toEqual([]);
    }, 300_000);
  }
});
