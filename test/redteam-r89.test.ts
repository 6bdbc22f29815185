/**
 * Red team R89 (base 32474ce): answers that differ from what is applied, third pass (R83's
 * leftovers). Argo CD applies dist/ (kubectl semantics, an API server of v1.32); orgctl answers
 * from the strict full read (access, diff, review) and the partial read of one namespace's shard
 * (can-i, who-can). Each hole has its test, then its fix, in separate commits.
 *
 * R89-1 (medium, closed): objects the API server refuses (an RBAC name with `/` or `%`, a namespace
 * in capitals or of 64 characters, a Namespace in capitals, a ServiceAccount name of 254, a subject
 * kind or apiGroup it refuses, a roleRef's apiGroup, kind or name it refuses, a kind it does not
 * know, a rule without apiGroups, a ConfigMap over 1 MiB) were read by both readers as applied:
 * can-i said yes through a binding the cluster never holds, and the refused object stops its whole
 * Application (revocations included). parseOutput refuses them (exit 2, naming the object and the
 * rule), by the server's rules' one home, policies/org/kubernetes-names.ts (objectRefused).
 * R89-2 (low, closed): a binding forged for a deactivated or unknown user in another namespace's
 * shard: can-i's partial read trusted the membership lists and warned "bound to nothing" where the
 * full read finds the binding. The partial read now looks for the subject whatever the lists say.
 * R89-3 (medium, closed): a RoleBinding of web written into data's shard (kubectl applies it there)
 * was answered yes by the full read and no by can-i. The full read refuses an object outside the
 * shard orgctl places it in; the partial read searches the other files' bytes for the namespace's
 * metadata line and parses those that may hold one, so it refuses too. Cost at size L (pair.ts):
 * can-i for a member 1.25x (R89-1 1.04x), for an unknown user 1.12x.
 *
 * What held: an object as the server defaults it (a User subject without apiGroup) is answered by
 * both; the example's and size L's outputs are read as before; R83's differential test passes.
 *
 * Not done.
 * - A document without a kind is still no object to the readers (kubectl refuses it: "Object 'Kind'
 *   is missing"); R38-2's cost test uses such documents.
 * - A RoleBinding of another namespace written into a members-NN shard (only at sizes with
 *   membership shards): the full read refuses it as misplaced; the partial read reads members-NN
 *   for the organization's settings only and may answer.
 * - Fields the API server's strict field validation refuses (an unknown top-level key, a subject's
 *   unknown key) are not judged by the readers (R83's guard reads `extra:` as applied); not checked
 *   against a server here.
 * - An integrity record written with the output (per file, the namespaces it holds) would make
 *   R89-3's search a lookup; not done (it changes dist/).
 */
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { shardOf } from '../synth/render.ts';
import { ROOT, run, withDocumentIn } from './helpers.ts';
import { bothReads, expectPartialRefusesAsFull } from './partial-read-switch.ts';

// The full read on demand: readForQuestion answering "cannot bound" is what can-i and who-can do then.
vi.mock('../cli/partial-read.ts', async (original) =>
  (await import('./partial-read-switch.ts')).fullReadOnDemand(await original()),
);

/** The example's shard count (its organization ConfigMap's). */
const SHARDS = 32;

/** `doc` appended where orgctl places the objects of namespace `ns`. */
const withDocumentOf = (ns: string, doc: readonly string[]): string => withDocumentIn(shardOf(ns, SHARDS), doc);

/** A RoleBinding giving erin (bound to nothing in web) acme:r:full, with its parts given. */
function binding(
  parts: {
    name?: string;
    namespace?: string;
    refGroup?: string;
    refKind?: string;
    refName?: string;
    subject?: readonly string[];
  } = {},
): string[] {
  return [
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: RoleBinding',
    'metadata:',
    `  name: ${parts.name ?? 'acme:r:full-extra'}`,
    `  namespace: ${parts.namespace ?? 'web'}`,
    'roleRef:',
    `  apiGroup: ${parts.refGroup ?? 'rbac.authorization.k8s.io'}`,
    `  kind: ${parts.refKind ?? 'ClusterRole'}`,
    `  name: ${parts.refName ?? 'acme:r:full'}`,
    'subjects:',
    ...(parts.subject ?? ['- apiGroup: rbac.authorization.k8s.io', '  kind: User', '  name: erin@acme.io']),
  ];
}

const ERIN_PODS = (ns: string) => ['can-i', 'get', 'pods', '-n', ns, '--as', 'erin@acme.io'];

/**
 * R89-1: objects the API server refuses. Argo CD's sync of their Application fails at the first
 * (server-side apply: the whole Application, revocations included, stays as it was); both readers
 * read them as applied, and answered yes through a binding the cluster never holds.
 */
describe('R89-1: an object the API server refuses', () => {
  const long = (n: number) => 'a'.repeat(n);
  // What each case's object is, the namespace asked about, and the server's rule the refusal names.
  const refused: Record<string, { ns: string; doc: string[]; rule: RegExp }> = {
    "a RoleBinding's name holding '/' (RBAC names are path segments)": {
      ns: 'web',
      doc: binding({ name: 'acme:r:full/extra' }),
      rule: /may not contain '\/'/,
    },
    "a RoleBinding's name holding '%'": { ns: 'web', doc: binding({ name: '"acme:r:full%extra"' }), rule: /'%'/ },
    'a RoleBinding in a namespace in capitals': {
      ns: 'WEB',
      doc: binding({ namespace: 'WEB' }),
      rule: /DNS-1123 label/,
    },
    'a RoleBinding in a namespace of 64 characters': {
      ns: long(64),
      doc: binding({ namespace: long(64) }),
      rule: /64 characters long \(at most 63\)/,
    },
    'a Namespace named in capitals': {
      ns: 'web',
      doc: ['apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: Web2'],
      rule: /DNS-1123 label/,
    },
    'a ServiceAccount named with 254 characters': {
      ns: 'web',
      doc: ['apiVersion: v1', 'kind: ServiceAccount', 'metadata:', `  name: ${long(254)}`, '  namespace: web'],
      rule: /254 characters long \(at most 253\)/,
    },
    'a subject of a kind the server does not know': {
      ns: 'web',
      doc: [
        ...binding({ name: 'acme:r:full-x' }),
        '- apiGroup: rbac.authorization.k8s.io',
        '  kind: Users',
        '  name: x',
      ],
      rule: /subjects\[1\]\.kind.*ServiceAccount, User, Group|kind "Users"/,
    },
    "a User subject's apiGroup misspelt": {
      ns: 'web',
      doc: binding({
        subject: ['- apiGroup: rbac.authorizaton.k8s.io', '  kind: User', '  name: erin@acme.io'],
      }),
      rule: /subjects\[0\]\.apiGroup/,
    },
    "a ServiceAccount subject with the RBAC API group (a ServiceAccount's is '')": {
      ns: 'web',
      doc: binding({
        subject: [
          '- apiGroup: rbac.authorization.k8s.io',
          '  kind: ServiceAccount',
          '  name: token-x',
          '  namespace: acme-system',
        ],
      }),
      rule: /subjects\[0\]\.apiGroup/,
    },
    "the roleRef's apiGroup misspelt": {
      ns: 'web',
      doc: binding({ refGroup: 'rbac.authorizaton.k8s.io' }),
      rule: /roleRef\.apiGroup/,
    },
    'a roleRef to a kind that does not exist': {
      ns: 'web',
      doc: binding({ refKind: 'ClusterRol' }),
      rule: /roleRef\.kind/,
    },
    "a roleRef's name holding '/'": { ns: 'web', doc: binding({ refName: 'acme:r/full' }), rule: /roleRef\.name/ },
    'a kind misspelt (the API server knows no such kind; the AppProject allows none)': {
      ns: 'web',
      doc: binding().map((l) => (l === 'kind: RoleBinding' ? 'kind: RoleBindng' : l)),
      rule: /RoleBindng/,
    },
    'a Role whose rule names no apiGroups': {
      ns: 'web',
      doc: [
        'apiVersion: rbac.authorization.k8s.io/v1',
        'kind: Role',
        'metadata:',
        '  name: acme:custom-x',
        '  namespace: web',
        'rules:',
        '- resources:',
        '  - pods',
        '  verbs:',
        '  - get',
      ],
      rule: /rule 0 names no API group/,
    },
    'a ConfigMap over 1 MiB of data': {
      ns: 'web',
      doc: [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: big',
        '  namespace: web',
        'data:',
        `  a: ${long(1024 * 1024)}`,
      ],
      rule: /1048576 bytes/,
    },
  };
  for (const [what, { ns, doc, rule }] of Object.entries(refused)) {
    it(`${what}: can-i is refused by both reads, as access refuses it, naming the object and the rule`, async () => {
      const dir = withDocumentOf(ns, doc);
      await expectPartialRefusesAsFull(() => run([...ERIN_PODS(ns), '--dir', dir]));
      const access = await run(['access', '--dir', dir]);
      expect(access.code, access.stderr).toBe(2);
      expect(access.stderr).toMatch(rule);
      expect(access.stderr).toMatch(/API server refuses|AppProject/);
    });
  }

  it('a guard: the same binding as the server accepts it (a User subject without apiGroup: defaulted) is answered yes by both', async () => {
    const dir = withDocumentOf('web', binding({ subject: ['- kind: User', '  name: erin@acme.io'] }));
    const { full, partial } = await bothReads(() => run([...ERIN_PODS('web'), '--dir', dir, '--cluster', 'lga1']));
    expect([full.code, full.stdout]).toEqual([0, 'yes']);
    expect(partial).toEqual(full);
  });

  it("a guard: the example's dist/ is read by access as before", async () => {
    const r = await run(['access', '--dir', join(ROOT, 'dist')]);
    expect(r.code, r.stderr).toBe(0);
  });
});

/**
 * R89-2 (R83's leftover): a binding naming a deactivated or unknown user, forged into another
 * namespace's shard (kubectl applies it: the cluster binds them there). can-i's partial read trusts
 * the membership lists and does not look elsewhere, warning "bound to nothing"; the full read finds
 * the binding, and does not warn.
 */
describe('R89-2: a forged binding of a deactivated or unknown user in another shard', () => {
  /** A RoleBinding in data (not web's shard) giving `user` acme:r:pods. */
  const forged = (user: string) =>
    withDocumentOf(
      'data',
      binding({
        name: 'acme:r:pods-extra',
        namespace: 'data',
        refName: 'acme:r:pods',
        subject: ['- apiGroup: rbac.authorization.k8s.io', '  kind: User', `  name: ${user}`],
      }),
    );

  it('the two shards differ (else the partial read reads the binding)', () => {
    expect(shardOf('data', SHARDS)).not.toBe(shardOf('web', SHARDS));
  });

  for (const user of ['mallory@acme.io', 'nobody@acme.io']) {
    it(`can-i get pods -n web --as ${user}: the partial read answers and warns as the full read`, async () => {
      const dir = forged(user);
      const { full, partial } = await bothReads(() =>
        run([...ERIN_PODS('web').slice(0, 5), '--as', user, '--dir', dir]),
      );
      expect(full.code, full.stderr).toBe(1);
      expect(partial).toEqual(full);
    });
  }
});

/**
 * R89-3 (R83's leftover): a copy of an object in a shard file the partial read does not open. A
 * RoleBinding of web written into data's shard: kubectl applies it wherever it is written (its
 * Application's AppProject allows every namespace of the organization), so the cluster binds erin in
 * web; the full read read it and answered yes, the partial read (web's shard alone) no. orgctl
 * places every namespaced object in its namespace's shard (shardOf): one elsewhere is not its output.
 */
describe("R89-3: a binding of web in another namespace's shard", () => {
  const misplaced = () => withDocumentOf('data', binding());

  it('can-i get pods -n web --as erin@acme.io: both reads refuse, not one yes and one no', async () => {
    await expectPartialRefusesAsFull(() => run([...ERIN_PODS('web'), '--dir', misplaced()]));
  });

  it('who-can get pods -n web: both refuse', async () => {
    await expectPartialRefusesAsFull(() => run(['who-can', 'get', 'pods', '-n', 'web', '--dir', misplaced()]));
  });

  it('access refuses it, naming the object and where orgctl places it', async () => {
    const r = await run(['access', '--dir', misplaced()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/RoleBinding web\/acme:r:full-extra.*shard-/);
  });

  it("a guard: the same binding in web's own shard is answered yes by both", async () => {
    const dir = withDocumentOf('web', binding());
    const { full, partial } = await bothReads(() => run([...ERIN_PODS('web'), '--dir', dir, '--cluster', 'lga1']));
    expect([full.code, full.stdout]).toEqual([0, 'yes']);
    expect(partial).toEqual(full);
  });
});
