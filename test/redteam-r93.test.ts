/**
 * Red team R93 (base 4628e81): the check-only mode of the strict reader (R91; reverted on main in
 * 5195c97, as R89-1's server checks need each document built: the cases below hold on the partial
 * read that builds every document it reads, and R93-1 was older than R91). can-i and who-can
 * build only the documents that can answer: another namespace's documents and the membership lists
 * are checked, not built, and of the namespace's RoleBindings after its first (and of the bindings
 * searched elsewhere for the subject) those whose text shows users only, none written as the subject
 * (usersOnlyNotNaming), are checked only. A forged dist/ might make a document the skip path accepts
 * and the full read refuses, or one the text test judges unable to name the subject while the
 * strict reader (and Go) read it as naming them.
 *
 * R93-1 (high, closed): a RoleBinding of the namespace, after its first, naming a token's ServiceAccount as
 * Kubernetes authenticates it (a User `system:serviceaccount:<ns>:<name>`, which the API server's
 * authorizer and orgctl's full read match to that ServiceAccount) was left out by can-i's partial
 * read (mayNameSubject: a User subject names the subject only by the subject's own name): can-i
 * --list -n ns --as system:serviceaccount:... answered less than the cluster grants. Older than
 * R91 (the same test on its objects). mayNameSubject now keeps a User subject named as the asked
 * ServiceAccount authenticates (serviceAccountUser).
 *
 * What held.
 * - (R91's check-only mode, reverted) the strict reader alike with any choice of documents to build:
 *   6,036 texts of a shard, 38,978 of its cluster shard, each refused or read alike; the test went
 *   with the mode.
 * - The namespace's own RoleBindings after its first, and the bindings searched elsewhere: the
 *   subject written in any spelling the strict reader accepts (double quotes, an escape, a group, a
 *   service account, an extra key, `kind: "User"`, a block scalar, a flow subject, a trailing space)
 *   is answered as the full read answers, or refused as it refuses (below).
 *
 * Not done (left).
 * - A malformed RBAC object among the documents not built (a RoleBinding of the namespace after its
 *   first, naming users only, none the subject, with no roleRef, a roleRef of kind Foo or no name,
 *   or a subject named "", null, 12, [] or {}): the full read warns "warning manifests ... roleRef
 *   is missing" (and leaves the binding out), the partial read neither warns nor reads it. The answer
 *   and exit code are alike; only the warning differs. It is older than R91 (aboutNamespace and
 *   namingSubject dropped such a binding, built, before readRbac; another namespace's documents were
 *   never given to readRbac), and the partial read never warns of files it does not read.
 * - Not tried: a ServiceAccount bound only in another namespace, by its username as a User: the
 *   search for it elsewhere (names, namesSubject) matches ServiceAccount subjects only, so can-i's
 *   "named in no binding" warning may differ from the full read's (the answer is the namespace's).
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { listFiles } from '../cli/output.ts';
import { generatedOutput, run, tempDir } from './helpers.ts';
import { bothReads } from './partial-read-switch.ts';

// The full read on demand: readForQuestion answering "cannot bound" is what can-i and who-can do then.
vi.mock('../cli/partial-read.ts', async (original) =>
  (await import('./partial-read-switch.ts')).fullReadOnDemand(await original()),
);

const documentsOf = (text: string): string[] => text.split(/(?=^---$)/m);
const namespaceOf = (doc: string): string => /^ {2}namespace: (.*)$/m.exec(doc)![1]!;

/**
 * A shard of `dist` whose first namespace has three RoleBindings or more (the last is one
 * usersOnlyNotNaming judges): its path, text, RoleBindings, that namespace and its last binding.
 */
function namespaceShard(dist: string) {
  const ofText = (text: string) => {
    const bindings = documentsOf(text).filter((d) => /^kind: RoleBinding$/m.test(d));
    const ns = bindings.length ? namespaceOf(bindings[0]!) : '';
    return { text, bindings, ns, own: bindings.filter((d) => namespaceOf(d) === ns) };
  };
  const shard = listFiles(dist)
    .filter((f) => f.includes('/shard-'))
    .map((path) => ({ path, ...ofText(readFileSync(join(dist, path), 'utf8')) }))
    .find((s) => s.own.length >= 3)!;
  return { ...shard, later: shard.own.at(-1)! };
}

/**
 * Spellings of a binding's first subject as `name` (the asked user), each read by the strict reader
 * as naming them, as another subject, or refused: never skipped as naming users only, none of them.
 */
const SPELLINGS: Record<string, (doc: string, name: string) => string> = {
  'as orgctl writes it': (d, n) => d.replace(/\n {2}name: user.*\n/, `\n  name: ${n}\n`),
  'double-quoted': (d, n) => d.replace(/\n {2}name: user.*\n/, `\n  name: "${n}"\n`),
  '\\u-escaped': (d, n) =>
    d.replace(/\n {2}name: user.*\n/, `\n  name: "\\u${n.charCodeAt(0).toString(16).padStart(4, '0')}${n.slice(1)}"\n`),
  'single-quoted': (d, n) => d.replace(/\n {2}name: user.*\n/, `\n  name: '${n}'\n`),
  'a block scalar': (d, n) => d.replace(/\n {2}name: user.*\n/, `\n  name: |-\n    ${n}\n`),
  'split over two lines': (d, n) =>
    d.replace(/\n {2}name: user.*\n/, `\n  name: "${n.slice(0, 3)}\n    ${n.slice(3)}"\n`),
  'a trailing space': (d, n) => d.replace(/\n {2}name: user.*\n/, `\n  name: ${n} \n`),
  'its kind quoted': (d, n) => d.replace(/\n {2}kind: User\n {2}name: user.*\n/, `\n  kind: "User"\n  name: ${n}\n`),
  'a group': (d, n) => d.replace(/\n {2}kind: User\n {2}name: user.*\n/, `\n  kind: Group\n  name: ${n}\n`),
  'a service account': (d, n) =>
    d.replace(
      /\n- apiGroup: .*\n {2}kind: User\n {2}name: user.*\n/,
      `\n- kind: ServiceAccount\n  name: ${n}\n  namespace: x\n`,
    ),
  'a flow subject': (d, n) =>
    d.replace(/\n- apiGroup: (.*)\n {2}kind: User\n {2}name: user.*\n/, `\n- {apiGroup: $1, kind: User, name: ${n}}\n`),
  'a flow sequence': (d, n) =>
    d.replace(/\nsubjects:\n[\s\S]*$/, `\nsubjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: ${n}}]\n`),
  'keys reordered': (d, n) =>
    d.replace(
      /\n- apiGroup: (.*)\n {2}kind: User\n {2}name: user.*\n/,
      `\n- name: ${n}\n  kind: User\n  apiGroup: $1\n`,
    ),
  'an extra key': (d, n) => d.replace(/\n {2}name: user.*\n/, `\n  name: ${n}\n  namespace: x\n`),
  'the subjects first': (d, n) =>
    SPELLINGS['as orgctl writes it']!(d, n).replace(/^(---\n)([\s\S]*?\n)(subjects:\n[\s\S]*)$/, '$1$3$2'),
};

describe('R93: the subject written in a binding the partial read may check only', () => {
  it('every spelling is answered as the full read answers, or refused alike', async () => {
    const dist = await generatedOutput(3);
    const { path: shard, text, bindings, ns, own, later } = namespaceShard(dist);
    const other = bindings.find((d) => namespaceOf(d) !== ns && /^ {2}name: user/m.test(d))!;
    // Users named in no binding of the namespace: what a later binding says of them decides.
    const named = new Set(own.flatMap((d) => [...d.matchAll(/^ {2}name: (user.*)$/gm)].map((m) => m[1]!)));
    const unbound = Array.from({ length: 16 }, (_, i) => `user${i}@acme.io`).filter((u) => !named.has(u));
    expect(unbound.length).toBeGreaterThan(0);
    const asked = unbound[0]!;
    const differ: string[] = [];
    const seen: string[] = [];
    const listed = (dir: string) => run(['can-i', '--list', '-n', ns, '--as', asked, '--dir', dir]);
    const before = await listed(dist);
    for (const [where, target] of [
      ["the namespace's last binding", later],
      ["another namespace's binding", other],
    ] as const) {
      for (const [what, spell] of Object.entries(SPELLINGS)) {
        const doc = spell(target, asked);
        expect(doc, `${where}: ${what}`).not.toBe(target);
        const dir = join(tempDir('orgctl-r93-mut-'), 'dist');
        cpSync(dist, dir, { recursive: true });
        writeFileSync(join(dir, shard), text.replace(target, doc));
        for (const ask of [
          ['can-i', 'list', 'pods', '-n', ns, '--as', asked],
          ['can-i', '--list', '-n', ns, '--as', asked],
          ['can-i', 'get', 'pods', '-n', namespaceOf(other), '--as', asked],
          ['who-can', 'get', 'pods', '-n', ns],
        ]) {
          const { full, partial } = await bothReads(() => run([...ask, '--dir', dir]));
          if (ask[1] === '--list')
            seen.push(
              `${where}: ${what}: ${full.code === 2 ? 'refused' : full.stdout === before.stdout ? 'as before' : 'grants more'}`,
            );
          if (JSON.stringify(full) !== JSON.stringify(partial))
            differ.push(
              `${where}: ${what}: ${ask.join(' ')}: full ${JSON.stringify(full).slice(0, 200)} / partial ${JSON.stringify(partial).slice(0, 200)}`,
            );
        }
      }
    }
    expect(differ).toEqual([]);
    // Not vacuous: the binding the partial read may check only, naming them as orgctl writes it, grants them more.
    expect(seen).toContain("the namespace's last binding: as orgctl writes it: grants more");
    expect(seen).toContain("the namespace's last binding: \\u-escaped: grants more");
  }, 300_000);
});

/**
 * R93-1: the namespace's last RoleBinding names a token's ServiceAccount as the User Kubernetes
 * authenticates it as: the full read (and the API server) grant it what that binding grants.
 */
describe("R93-1: a ServiceAccount named by its username in one of the namespace's later bindings", () => {
  it('can-i --list --as system:serviceaccount:... answers as the full read', async () => {
    const dist = await generatedOutput(3);
    const token = listFiles(dist)
      .map((f) => readFileSync(join(dist, f), 'utf8'))
      .flatMap((t) => documentsOf(t))
      .find((d) => /^kind: ServiceAccount$/m.test(d))!;
    const sa = `system:serviceaccount:${namespaceOf(token)}:${/^ {2}name: (.*)$/m.exec(token)![1]!}`;
    const { path: shard, text, ns, later } = namespaceShard(dist);
    for (const name of [sa, `"${sa}"`]) {
      const dir = join(tempDir('orgctl-r93-1-'), 'dist');
      cpSync(dist, dir, { recursive: true });
      writeFileSync(
        join(dir, shard),
        text.replace(later, later.replace(/\n {2}name: user.*\n/, `\n  name: ${name}\n`)),
      );
      const { full, partial } = await bothReads(() => run(['can-i', '--list', '-n', ns, '--as', sa, '--dir', dir]));
      const before = await run(['can-i', '--list', '-n', ns, '--as', sa, '--dir', dist]);
      expect(full.stdout, 'the binding grants the ServiceAccount more').not.toBe(before.stdout);
      expect(partial, name).toEqual(full);
    }
  }, 120_000);
});
