/**
 * Red team R96 (base bd1eed2): answers that differ from what is applied, fourth pass (R89's
 * leftovers). Argo CD applies dist/ (a directory source per shard, kubectl semantics, an API server
 * of v1.32); orgctl answers from the strict full read (access, diff, review, who-can) and the partial
 * read of one namespace's shard (can-i).
 *
 * R96-1 (medium, closed): a document without a kind was read past by both readers; kubectl and Argo
 * CD refuse its file, so its Application applies nothing (revocations included). parseOutput refuses it.
 * R96-2 (medium, closed): R89-3's search for web's objects in other files missed `"namespace": web`
 * and `namespace: |-` (read alike by Go): can-i said no where the cluster binds and the full read refuses.
 * R96-3 (medium, closed): a second ClusterRole of a name in a namespace's shard or a members-NN
 * (applied by that Application too) was never read by can-i. Both close in cli/partial-read.ts.
 * R96-4 (held): RoleBindings in members-NN are refused by both; a ClusterRole there is R96-3's.
 * R96-5 (medium, closed): fields the API server refuses in an RBAC object (undeclared: strict field
 * validation; subjects as a mapping: no decode) were read past; objectRefused refuses them.
 * R96-6 (pinned): explain explains the declaration, not dist/; synth --check and the review bind them.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { shardFile, shardOf } from '../synth/render.ts';
import { run, appendDocument, ERIN_FULL_IN_WEB, exampleDistCopy, withDocumentIn } from './helpers.ts';
import { bothReads, expectPartialRefusesAsFull } from './partial-read-switch.ts';

// The full read on demand: readForQuestion answering "cannot bound" is what can-i and who-can do then.
vi.mock('../cli/partial-read.ts', async (original) =>
  (await import('./partial-read-switch.ts')).fullReadOnDemand(await original()),
);

/** The example's shard count (its organization ConfigMap's). */
const SHARDS = 32;
const CLUSTERS = ['lga1', 'ord1'] as const;

const WEB = shardOf('web', SHARDS);
const DATA = shardOf('data', SHARDS);

const ERIN_PODS = ['can-i', 'get', 'pods', '-n', 'web', '--as', 'erin@acme.io'];

/**
 * R96-1: a document without a kind. kubectl refuses the file ("unable to decode: Object 'Kind' is
 * missing", measured with kubectl 1.32 here) and Argo CD's repo-server does too (its manifests are
 * decoded as apimachinery's Unstructured, which refuses an object without a kind): the shard's
 * Application applies nothing, revocations included. Both readers skipped the document and answered.
 */
describe('R96-1: a document without a kind', () => {
  const kindless = () => withDocumentIn(WEB, ['metadata:', '  name: x', '  namespace: web']);

  it('access refuses the output, naming the document', async () => {
    const r = await run(['access', '--dir', kindless()]);
    expect(r.code, r.stdout).toBe(2);
    expect(r.stderr).toMatch(/without a kind/);
  });

  it('can-i in the namespace whose shard holds it: both reads refuse (its Application applies none of the shard)', async () => {
    await expectPartialRefusesAsFull(() => run([...ERIN_PODS, '--dir', kindless()]));
  });

  // Held: what the readers already refuse where kubectl refuses or applies otherwise.
  const held: Record<string, string[]> = {
    'a kind without apiVersion': ['kind: RoleBinding', ...ERIN_FULL_IN_WEB.slice(2)],
    'an empty document (kubectl skips it; the strict reader refuses it)': [],
    'a null document': ['null'],
    'a v1 List with items': ['apiVersion: v1', 'kind: List', 'items:', '- apiVersion: v1', '  kind: ConfigMap'],
  };
  for (const [what, doc] of Object.entries(held)) {
    it(`held: ${what} is refused by both reads`, async () => {
      await expectPartialRefusesAsFull(() => run([...ERIN_PODS, '--dir', withDocumentIn(WEB, doc)]));
    });
  }
});

/**
 * R96-2: R89-3's byte search (a file that may hold one of web's objects is parsed) looked for
 * `namespace: web` and `namespace: "web"` only: a key written in double quotes (`"namespace": web`,
 * which the strict reader and Go read as the same key) in data's shard hid web's RoleBinding from
 * the partial read, which said no where the cluster binds erin (the full read refuses it).
 */
describe("R96-2: a binding of web in data's shard, its namespace key quoted", () => {
  const quoted = ERIN_FULL_IN_WEB.map((l) => (l === '  namespace: web' ? '  "namespace": web' : l));

  it('can-i get pods -n web --as erin@acme.io: both reads refuse', async () => {
    await expectPartialRefusesAsFull(() => run([...ERIN_PODS, '--dir', withDocumentIn(DATA, quoted)]));
  });

  it('the same with the namespace a block scalar (|-): both reads refuse', async () => {
    const block = ERIN_FULL_IN_WEB.flatMap((l) => (l === '  namespace: web' ? ['  namespace: |-', '    web'] : [l]));
    await expectPartialRefusesAsFull(() => run([...ERIN_PODS, '--dir', withDocumentIn(DATA, block)]));
  });

  it("a guard: the same binding in web's own shard is answered yes by both (the quoted key is read)", async () => {
    const { full, partial } = await bothReads(() =>
      run([...ERIN_PODS, '--dir', withDocumentIn(WEB, quoted), '--cluster', 'lga1']),
    );
    expect([full.code, full.stdout]).toEqual([0, 'yes']);
    expect(partial).toEqual(full);
  });
});

/**
 * R96-3: a ClusterRole written into a namespace's shard (a second acme:r:pods, every verb on pods).
 * Argo CD applies it with that shard's Application (the AppProject allows ClusterRoles), the two
 * Applications taking turns at the one object; the full read refuses it (written twice, misplaced).
 * The partial read looked in other files only for the namespace's metadata line and, when the
 * subject was bound nowhere it read, for the subject: a ClusterRole holds neither, so can-i answered
 * from the cluster shard's acme:r:pods alone, no where the cluster may say yes.
 */
const EVERY_VERB_ON_PODS = [
  'apiVersion: rbac.authorization.k8s.io/v1',
  'kind: ClusterRole',
  'metadata:',
  '  name: acme:r:pods',
  'rules:',
  '- apiGroups:',
  '  - ""',
  '  resources:',
  '  - pods',
  '  verbs:',
  '  - "*"',
];
const BOB_DELETES_PODS = ['can-i', 'delete', 'pods', '-n', 'web', '--as', 'bob@acme.io'];

describe("R96-3: a ClusterRole in a namespace's shard", () => {
  it("a second acme:r:pods in data's shard: can-i delete pods -n web --as bob (r:pods in web) refuses as the full read", async () => {
    await expectPartialRefusesAsFull(() =>
      run([...BOB_DELETES_PODS, '--dir', withDocumentIn(DATA, EVERY_VERB_ON_PODS)]),
    );
  });

  it('the same with its kind written another way Go reads alike (a block scalar, a quoted key, a quoted value)', async () => {
    const spelt = (from: string, to: string) => EVERY_VERB_ON_PODS.map((l) => (l === from ? to : l));
    for (const doc of [
      EVERY_VERB_ON_PODS.flatMap((l) => (l === 'kind: ClusterRole' ? ['kind: |-', '  ClusterRole'] : [l])),
      spelt('kind: ClusterRole', '"kind": ClusterRole'),
      spelt('kind: ClusterRole', 'kind: "ClusterRole"'),
    ])
      await expectPartialRefusesAsFull(() => run([...BOB_DELETES_PODS, '--dir', withDocumentIn(DATA, doc)]));
  });

  it('held: a ClusterRoleBinding anywhere is refused by the full read (orgctl writes none; the AppProject refuses it)', async () => {
    const r = await run([
      'access',
      '--dir',
      withDocumentIn('cluster', [
        'apiVersion: rbac.authorization.k8s.io/v1',
        'kind: ClusterRoleBinding',
        ...ERIN_FULL_IN_WEB.slice(2),
      ]),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ClusterRoleBinding is not a kind orgctl writes/);
  });
});

/**
 * R96-4 (R89's leftover): RBAC written into a members-NN shard (membership ConfigMaps' own shards,
 * written past tens of thousands of people; made here by moving the example's ConfigMaps there).
 * Argo CD applies members-NN/resources.yaml as any shard; the full read refuses an RBAC object
 * there (misplaced). The partial read parses members-00 for the organization's settings (a
 * misplaced object in that file is refused with it) and searches the others for the namespace's
 * metadata line only: a ClusterRole there was never read.
 */
describe('R96-4: RBAC in a members-NN shard', () => {
  /** The example's dist/ with each cluster's ConfigMaps moved from its cluster shard into members-00. */
  const withMembersShard = (change: (dir: string) => void) =>
    exampleDistCopy('orgctl-r96-', (dir) => {
      for (const cluster of CLUSTERS) {
        const path = join(dir, shardFile(cluster, 'cluster'));
        const [header, ...docs] = readFileSync(path, 'utf8').split(/^---\n/m);
        const isConfigMap = (d: string) => /^kind: ConfigMap$/m.test(d);
        writeFileSync(path, [header, ...docs.filter((d) => !isConfigMap(d))].join('---\n'));
        const members = join(dir, shardFile(cluster, 'members-00'));
        mkdirSync(dirname(members), { recursive: true });
        writeFileSync(members, [header, ...docs.filter(isConfigMap)].join('---\n'));
      }
      change(dir);
    });

  it('a guard: the output so laid out is answered as before, by both reads', async () => {
    const dir = withMembersShard(() => {});
    expect((await run(['access', '--dir', dir])).code).toBe(0);
    const { full, partial } = await bothReads(() => run([...ERIN_PODS, '--dir', dir]));
    expect([full.code, full.stdout], full.stderr).toEqual([1, 'no']);
    expect(partial).toEqual(full);
  });

  it("held: a RoleBinding of web in ord1's members-00 (searched for web's metadata line, then parsed): both reads refuse", async () => {
    const dir = withMembersShard((d) => appendDocument(d, 'members-00', ERIN_FULL_IN_WEB, 'ord1'));
    await expectPartialRefusesAsFull(() => run([...ERIN_PODS, '--dir', dir]));
  });

  it("held: a RoleBinding of web in lga1's members-00 (parsed for the settings, with the organization's ConfigMap: misplaced): both reads refuse", async () => {
    const dir = withMembersShard((d) => appendDocument(d, 'members-00', ERIN_FULL_IN_WEB, 'lga1'));
    await expectPartialRefusesAsFull(() => run([...ERIN_PODS, '--dir', dir]));
  });

  it('a second acme:r:pods in a members-01 (a shard the partial read never parses): both reads refuse', async () => {
    const dir = withMembersShard((d) => appendDocument(d, 'members-01', EVERY_VERB_ON_PODS));
    await expectPartialRefusesAsFull(() => run([...BOB_DELETES_PODS, '--dir', dir]));
  });
});

/**
 * R96-5: fields the API server refuses in an RBAC object. kubectl validates strictly by default since
 * 1.27 (`--validate=strict`: the server's fieldValidation=Strict refuses a field its schema does not
 * declare), and a field of the wrong type (subjects as a mapping) fails to decode whatever the
 * validation: the object is refused, and with it its Application's sync. The readers read past an
 * unknown field (answering yes through the binding) and warned of a mapping of subjects (answering no).
 */
describe('R96-5: an RBAC object with a field the API server refuses', () => {
  const at = (after: string, lines: readonly string[]) =>
    ERIN_FULL_IN_WEB.flatMap((l) => (l === after ? [l, ...lines] : [l]));
  const refused: Record<string, string[]> = {
    'an unknown top-level field': [...ERIN_FULL_IN_WEB, 'extra: x'],
    'an unknown field in metadata': at('  namespace: web', ['  extra: x']),
    'an unknown field in roleRef': at('  name: acme:r:full', ['  extra: x']),
    'an unknown field in a subject': [...ERIN_FULL_IN_WEB, '  namespaces: web'],
    'subjects written as a mapping, not a list': ERIN_FULL_IN_WEB.map((l) =>
      l.replace(/^(- | {2})(apiGroup|kind|name): (rbac|User|erin)/, '  $2: $3'),
    ),
  };
  for (const [what, doc] of Object.entries(refused)) {
    it(`${what}: both reads refuse, and access names the field`, async () => {
      const dir = withDocumentIn(WEB, doc);
      await expectPartialRefusesAsFull(() => run([...ERIN_PODS, '--dir', dir]));
      const r = await run(['access', '--dir', dir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/not declared|is not a list/);
    });
  }
});

/**
 * R96-6 (pinned, not changed): explain answers from the declaration (and its index, bound to the
 * declaration's bytes, inode and change time: R7, F5, R73-2, R77-1), never from dist/. A dist/
 * forged with a binding the full read accepts (can-i says yes, as the cluster would) is not what
 * explain explains; what makes them one is that dist/ is proven to be the declaration's synthesis
 * (`synth --check` here, the review's proof on a pull request), which refuses the forged dist/.
 */
describe('R96-6 (pinned): explain reads the declaration, not dist/', () => {
  it('a forged dist/: can-i says yes, explain lists only what the declaration grants, synth --check refuses the dist/', async () => {
    const dir = withDocumentIn(WEB, ERIN_FULL_IN_WEB);
    expect((await run([...ERIN_PODS, '--dir', dir, '--cluster', 'lga1'])).stdout).toBe('yes');
    const explained = await run(['explain', 'erin@acme.io', '-n', 'web']);
    expect(explained.code, explained.stderr).toBe(0);
    expect(explained.stdout).not.toMatch(/acme:r:full/);
    const check = await run(['synth', '--check', '--out', dir]);
    expect(check.code).not.toBe(0);
    expect(check.stdout + check.stderr).toMatch(/stale/);
  }, 60_000);
});
