/**
 * Red team R35 (base 09bc08b): partial reads and explain's index, import, kubeconfig and githubId.
 * Each test asserts the safe behaviour and fails on 09bc08b.
 *
 * R35-1 (low-medium; anyone asking explain, no attacker needed): a request on Namespace object X
 *     is evaluated in namespace X (the API server's RequestInfo; requestNamespace), and can-i and
 *     who-can read X's shard for it. explain places only the namespace `-n` names (placeChecked-
 *     Declaration with { namespace }, cli/explain.ts; from its index, namespaceViewOf reads only that
 *     namespace's part), so `explain ci-deploy -n web delete namespaces/data` answers "no: … it needs
 *     w:full; w:full is reserved for admins" where can-i on the same organization's dist/ says yes
 *     (ci-deploy holds w:full in data, which lets it delete and relabel Namespace data). With the
 *     bundle, the first run (which writes the index, placing every namespace) says yes and every later
 *     one, read from the index, says no: the index answers otherwise than the declaration it indexes.
 *     An admin checking whether a token can delete a namespace is told a reassuring, wrong no.
 *     Safe: the namespace a request is evaluated in is the one explain places (or read in full).
 *
 * R35-2 (low; L4's class, a path L4's fix did not reach): the partial read (cli/partial-read.ts)
 *     splits a shard at `\n---\n` and skips, unparsed, every document its head says is of another
 *     namespace (in the asked namespace's shard) and every ConfigMap but the organization's (in the
 *     cluster shard, always read). Kubernetes' YAMLReader (kubectl, Argo CD) also starts a document
 *     at `--- # comment`, which orgctl's strict reader refuses. A forged dist/ appending, after such a
 *     skipped document, `--- # x` and a RoleBinding of Group system:authenticated to acme:w:full in
 *     web (or in acme-system, the system namespace whose Secrets are every token's credentials) gets
 *     `can-i … --as erin@acme.io` answering "no" (exit 1) where the full read refuses the output
 *     (exit 2) and the cluster would grant it. Safe: the answer of the full read (refusal).
 *
 * R35-3 (medium; whoever can leave a RoleBinding in the organization's system namespace that Argo CD
 *     does not track: an admin, a cluster admin, an admin before being demoted, since Argo CD prunes
 *     only what it applied): `orgctl import` of orgctl's own output (a cluster dump holding its
 *     membership) makes every User bound to w:full in the system namespace an admin of the
 *     organization (userAccessOf: users.set(email, true); peopleOf keeps it over the membership's
 *     `admin: false`), and says nothing. The imported spec declares bob `admin: true`: w:full in every
 *     namespace (his binding gave him the system namespace only), and an admin's standing in every
 *     review from then on (his approval counts as an admin's). Safe: the membership says who is an
 *     admin; a binding that says otherwise is reported, not turned into admin standing.
 *
 * R35-4 (low; a forged or hand-edited dist/, e.g. a pull request's head checked out): the partial
 *     read takes the shard count from the organization's ConfigMap and never checks it against the
 *     files: with `"shards":16` written where synthesis wrote 32, web's shard is computed as shard-01
 *     (no such file), so only the cluster shards are read. `who-can get pods -n web` then names only
 *     the bootstrap cluster-admin group and `can-i delete pods -n web --as alice@acme.io` (an admin,
 *     named in the cluster shard, so nothing else is searched) says no, while the full read of the
 *     same folder (and the cluster) says bob, dan... and yes. The module promises that what the
 *     layout cannot bound (a file outside it) is read in full: shard-17 is outside a 16-shard layout.
 *     Safe: answers equal the full read's.
 *
 * Held (no test): kubeconfig (Secret of another namespace or type or ServiceAccount refused; YAML of
 * --cluster/--server quoted by the canonical writer; file written 0600 by exclusive create and
 * rename, never through a link; token never in an error); githubId (two users declaring one id gain
 * nothing: logins are matched first and the id only vetoes; actorEmails matches by login on both sides).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { cli, ROOT, run, shardHolding, tempDir, exampleDistCopy } from './helpers.ts';
import { bothReads, expectPartialRefusesAsFull } from './partial-read-switch.ts';

// The full read on demand: readForQuestion answering "cannot bound" is what can-i and who-can do then.
vi.mock('../cli/partial-read.ts', async (original) =>
  (await import('./partial-read-switch.ts')).fullReadOnDemand(await original()),
);

const ACME_SPEC = join(ROOT, 'test/fixtures/specs/acme.yaml');
const CLUSTER_SHARDS = ['lga1/cluster/resources.yaml', 'ord1/cluster/resources.yaml'];

/** The example's dist/ (test/fixtures/specs/acme.yaml synthesized), copied, with `edit` applied to the files `files` names. */
function editedDist(files: (dir: string) => readonly string[], edit: (text: string) => string): string {
  const dir = exampleDistCopy('orgctl-r35-');
  for (const file of files(dir)) {
    const path = join(dir, file);
    const before = readFileSync(path, 'utf8');
    const after = edit(before);
    expect(after).not.toBe(before);
    writeFileSync(path, after);
  }
  return dir;
}

/** A RoleBinding of `namespace` giving `subject` (`kind`, `name` lines) acme:w:full, written as orgctl writes one. */
const wFullBinding = (name: string, namespace: string, kind: string, subject: string) =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: acme:w:full\nsubjects:\n- apiGroup: rbac.authorization.k8s.io\n  kind: ${kind}\n  name: ${subject}\n`;

describe('R35-1: explain -n NS on a Namespace object of another namespace', () => {
  const ask = (spec: string) => ['explain', 'ci-deploy', '-n', 'web', 'delete', 'namespaces/data', '--spec', spec];

  it('guard: can-i on the same organization’s dist/ says ci-deploy may delete Namespace data (its w:full in data)', async () => {
    const sa = 'system:serviceaccount:acme-system:token-ci-deploy';
    const r = await run(['can-i', 'delete', 'namespaces/data', '--as', sa, '--dir', join(ROOT, 'dist')]);
    expect([r.stdout, r.code]).toEqual(['yes', 0]);
  });

  it('explain ci-deploy -n web delete namespaces/data answers yes, as can-i and the API server do', async () => {
    const r = await run(ask(ACME_SPEC));
    expect(r.stdout, r.stderr).toMatch(/^yes: tokens\/ci-deploy may delete namespaces data/);
    expect(r.code).toBe(0);
  });

  it('the bundle: the answer from explain’s index is the answer of the run that wrote it', () => {
    // A spec file of its own: its index is written by the first run, and read by the second.
    const folder = join(tempDir('orgctl-r35-explain-'), 'org');
    mkdirSync(join(folder, 'node_modules'), { recursive: true });
    const spec = join(folder, 'org.yaml');
    writeFileSync(spec, readFileSync(ACME_SPEC, 'utf8'));
    const first = cli(ask(spec));
    const second = cli(ask(spec));
    expect(first.stdout, first.stderr).toMatch(/^yes/);
    expect(second.stdout, 'read from the index').toBe(first.stdout);
    expect(second.code).toBe(first.code);
  }, 60_000);
});

describe('R35-2: a document the partial read skips unparsed, holding a second one behind `--- # comment`', () => {
  /** `--- # x` starts a document for Kubernetes' YAMLReader (k8s.io/apimachinery util/yaml): it allows a comment after the marker. */
  const hidden = (decoy: string, binding: string) => (text: string) => `${text}---\n${decoy}--- # x\n${binding}`;

  it('in web’s shard, after a document of another namespace: can-i answers as the full read (which refuses the output)', async () => {
    const decoy = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: decoy\n  namespace: acme-system\n';
    const dir = editedDist(
      (d) => [shardHolding(d, 'web')],
      hidden(decoy, wFullBinding('everyone', 'web', 'Group', 'system:authenticated')),
    );
    const ask = ['can-i', 'delete', 'secrets', '-n', 'web', '--as', 'erin@acme.io', '--dir', dir];
    const { full, partial } = await bothReads(() => run(ask));
    expect(full.code, full.stdout + full.stderr).toBe(2);
    expect(full.stderr).toContain('"--- # x"');
    expect([partial.code, partial.stdout], 'the partial read said no where the cluster says yes').toEqual([
      full.code,
      full.stdout,
    ]);
  });

  it('in the cluster shard, after a ConfigMap: can-i on the system namespace’s Secrets answers as the full read', async () => {
    const decoy =
      'apiVersion: v1\ndata:\n  note: "1"\nkind: ConfigMap\nmetadata:\n  name: orgctl-notes\n  namespace: acme-system\n';
    const dir = editedDist(
      () => CLUSTER_SHARDS,
      hidden(decoy, wFullBinding('everyone', 'acme-system', 'Group', 'system:authenticated')),
    );
    const ask = ['can-i', 'get', 'secrets', '-n', 'acme-system', '--as', 'erin@acme.io', '--dir', dir];
    await expectPartialRefusesAsFull(() => run(ask));
  });
});

describe('R35-3: import of orgctl’s own output and a binding in the system namespace', () => {
  it('bob, bound to w:full in acme-system by a RoleBinding beside orgctl’s, is not made an admin without a word', async () => {
    // What Argo CD leaves in the cluster beside what it applied: a RoleBinding it never tracked.
    const dir = editedDist(
      () => CLUSTER_SHARDS,
      (text) => `${text}---\n${wFullBinding('bob-extra', 'acme-system', 'User', 'bob@acme.io')}`,
    );
    const plain = await run(['import', '--from', join(ROOT, 'dist')]);
    const r = await run(['import', '--from', dir]);
    expect([plain.code, r.code], r.stderr).toEqual([0, 0]);
    const bobOf = (yaml: string) =>
      (parse(yaml) as { spec: { users: { email: string; admin?: boolean }[] } }).spec.users.find(
        (u) => u.email === 'bob@acme.io',
      );
    // The membership (and the dump without the extra binding) says bob is no admin.
    expect(bobOf(plain.stdout)?.admin).toBeUndefined();
    const said = r.stderr.split('\n').filter((l) => l.includes('bob@acme.io') || l.includes('bob-extra'));
    // Safe: bob stays no admin, and the binding that says otherwise is reported.
    expect(bobOf(r.stdout)?.admin, `bob made an admin; said of him: ${JSON.stringify(said)}`).toBeUndefined();
    expect(said, 'the binding is reported').not.toEqual([]);
  });
});

describe('R35-4: a shard count in the organization’s ConfigMap that the files do not follow', () => {
  const forged = () =>
    editedDist(
      () => CLUSTER_SHARDS,
      (text) => text.replaceAll('"shards":32', '"shards":16'),
    );

  // Since R89-3 the full read refuses every object the recorded count places elsewhere (kubectl
  // applies them wherever written; a question about one namespace reads only its shard): both refuse.
  it('who-can get pods -n web answers as the full read (both refuse the output)', async () => {
    const dir = forged();
    const ask = ['who-can', 'get', 'pods', '-n', 'web', '--dir', dir, '--format', 'json'];
    const { full } = await bothReads(() => run(ask));
    expect(full.stderr).toMatch(/RoleBinding web\/.* is in shard-17, where orgctl writes none of it/);
    await expectPartialRefusesAsFull(() => run(ask));
  });

  it('can-i delete pods -n web --as alice@acme.io (an admin) answers as the full read (both refuse the output)', async () => {
    const dir = forged();
    await expectPartialRefusesAsFull(() =>
      run(['can-i', 'delete', 'pods', '-n', 'web', '--as', 'alice@acme.io', '--dir', dir]),
    );
  });
});
