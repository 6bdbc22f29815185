/**
 * Self-proving output: every output orgctl writes is proved (recovered, re-rendered, byte for byte
 * equal), so the privileged review never fails an honest pull request; and random forgeries of a
 * canonical dist/ (a document inserted, duplicated, re-keyed, aliased, retagged) never pass.
 * ORGCTL_PROPERTY_RUNS raises the number of cases; a failure prints its seed.
 */
import { Construct } from 'constructs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseOutput, type OutputText } from '../../cli/output-read.ts';
import { generateSpec } from '../../constructs/generate.ts';
import { Organization } from '../../constructs/index.ts';
import type { OrgSpec } from '../../constructs/spec.ts';
import { synthesize } from '../../constructs/synthesize.ts';
import { proveOutput } from '../../review/proof.ts';

const RUNS = Number(process.env.ORGCTL_PROPERTY_RUNS ?? 150);
const TODAY = '2026-11-26';

/** The generator's organization, with every feature the membership data must carry. */
function organization(seed: number, users: number, namespaces: number, grants: number, tokens: number): OrgSpec {
  const spec = generateSpec({
    users,
    namespaces,
    grants,
    tokens,
    seed,
    admins: 1 + (seed % 2),
    clusters: seed % 3 ? ['lga1', 'ord1'] : ['lga1'],
  }) as unknown as {
    spec: Record<string, unknown> & {
      users: Record<string, unknown>[];
      grants: Record<string, unknown>[];
      tokens: Record<string, unknown>[];
      invites: Record<string, unknown>[];
    };
  };
  const s = spec.spec;
  s.grants.forEach((g, i) => {
    if ((i + seed) % 9 === 0) g.expires = '2020-01-01';
    if ((i + seed) % 7 === 0) g.expires = '2031-01-01';
  });
  s.users.forEach((u, i) => {
    if (i > 2 && (i + seed) % 11 === 0) u.access = 'all';
    else if (i > 2 && (i + seed) % 13 === 0) u.access = 'none';
  });
  s.customRoles = [
    { name: 'cm-reader', rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }] },
  ];
  const nonAdmin = s.users.find((u) => !u.admin && u.status !== 'deactivated');
  if (nonAdmin && seed % 2) {
    s.grants.push({ user: nonAdmin.email, namespace: 'ns-0', customRole: 'cm-reader' });
    s.grants.push({
      user: nonAdmin.email,
      namespace: `ns-${(namespaces - 1) % namespaces}`,
      rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] }],
    });
  }
  // An admin keeps grants of their own (made admin after them, or declared on purpose): rendered
  // beside the admin's w:full, so the proof must carry them over.
  const admin = s.users.find((u) => u.admin && u.email !== s.owner);
  if (admin && seed % 3 !== 1) {
    s.grants.push({ user: admin.email, namespace: 'ns-0', levels: ['r:pods', seed % 2 ? 'w:full' : 'w:services'] });
    if (seed % 2) s.grants.push({ user: admin.email, namespace: 'ns-0', customRole: 'cm-reader' });
    else
      s.grants.push({
        user: admin.email,
        namespace: `ns-${(namespaces - 1) % namespaces}`,
        rules: [{ apiGroups: ['batch'], resources: ['jobs'], verbs: ['get'] }],
      });
  }
  s.tokens.forEach((t, i) => {
    if ((i + seed) % 4 === 1) t.rotation = 1 + (seed % 3);
    if ((i + seed) % 5 === 2) t.expires = '2031-06-30';
    if ((i + seed) % 6 === 3) t.note = 'deploys: "web" & more';
  });
  if (tokens && seed % 4 === 0)
    s.tokens.push({
      id: 'blank-two',
      namespaces: [],
      rbac: [
        { namespace: `ns-${namespaces - 1}`, customRole: 'cm-reader' },
        { namespace: 'ns-0', rules: [{ apiGroups: [''], resources: ['services'], verbs: ['list'] }] },
      ],
    });
  s.invites.push({
    email: 'with-role@acme.io',
    sso: seed % 2 === 0 || seed % 7 === 0,
    grants: [
      { namespace: 'ns-0', role: 'developer' },
      { namespace: `ns-${namespaces - 1}`, levels: ['r:pods'], role: 'developer' },
    ],
  });
  if (seed % 5 === 0) s.identity = { usernamePrefix: 'oidc:' };
  if (seed % 7 === 0) s.sso = { enforced: true };
  if (seed % 3 === 1)
    s.delivery = {
      shards: 1 + (seed % 40),
      ...(seed % 2 ? { argocd: { repoURL: 'https://github.com/acme/org.git', revision: 'refs/heads/main' } } : {}),
    };
  if (seed % 11 === 0) s.review = { massRemovalThreshold: 0.5 };
  // Namespace guard rails: the membership data carries them, so the proof re-renders them.
  const levels = ['privileged', 'baseline', 'restricted'] as const;
  if (seed % 4 === 1) s.namespaceDefaults = { podSecurity: levels[seed % 3] };
  if (seed % 5 === 1)
    s.namespaceProtection = {
      appliedBy:
        seed % 2
          ? 'system:serviceaccount:argocd:argocd-application-controller'
          : [
              'system:serviceaccount:kube-system:argocd-manager',
              'system:serviceaccount:argocd:argocd-application-controller',
            ],
    };
  (s.namespaces as Record<string, unknown>[]).forEach((n, i) => {
    const k = (i + seed) % 6;
    if (k === 0) n.podSecurity = levels[(i + seed) % 3];
    if (k === 1) n.podSecurity = { enforce: 'baseline', warn: 'restricted', version: 'v1.30' };
    if (k === 1 || k === 2) n.quota = { 'requests.cpu': `${1 + (i % 4)}`, 'limits.memory': '8Gi', pods: '50' };
    if (k === 2 || k === 3) n.limits = { defaultRequest: { cpu: '100m' }, max: { memory: `${1 + (i % 3)}Gi` } };
    if (k === 3 || k === 4) n.networkPolicy = 'same-namespace';
    if (k === 4) {
      n.labels = { team: `t${i}`, 'acme.io/tier': 'gold' };
      n.annotations = { 'acme.io/contact': 'ops@acme.io: "quoted" & more' };
    }
  });
  return spec as unknown as OrgSpec;
}

function synthesized(spec: OrgSpec): OutputText[] {
  const root = new Construct(undefined as never, '');
  Organization.fromSpec(root, spec, { today: TODAY });
  const r = synthesize(root, { today: TODAY, declaredIn: 'org/org.ts' });
  if (!r.ok)
    throw new Error(
      r.findings
        .filter((f) => f.severity === 'error')
        .map((f) => `${f.rule}: ${f.message}`)
        .join('\n'),
    );
  return r.files.map((f) => ({ ...f, label: `dist/${f.path}` }));
}

const prove = (files: readonly OutputText[]) => proveOutput(files, parseOutput(files), TODAY);

describe('self-proving output', () => {
  it(`every output orgctl writes proves itself (${RUNS} generated organizations)`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.integer({ min: 3, max: 20 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 6 }),
        (seed, users, namespaces, grants, tokens) => {
          const proof = prove(synthesized(organization(seed, users, namespaces, grants, tokens)));
          expect(proof.differences).toEqual([]);
          expect(proof.findings.filter((f) => f.severity === 'error')).toEqual([]);
          expect(proof.ok).toBe(true);
        },
      ),
      { numRuns: RUNS, seed: Number(process.env.ORGCTL_PROPERTY_SEED ?? Date.now() % 2 ** 31), verbose: 1 },
    );
  });
});

/** A dangerous document a forger appends: each gives a non-admin what admins alone may, or writes where orgctl never does. */
const DANGEROUS: readonly ((ns: string, user: string) => string)[] = [
  (ns, user) =>
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: acme:w:full\n  namespace: ${ns}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: acme:w:full\nsubjects:\n- apiGroup: rbac.authorization.k8s.io\n  kind: User\n  name: ${user}\n`,
  (ns, user) =>
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: admin\n  namespace: ${ns}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cluster-admin\nsubjects:\n- apiGroup: rbac.authorization.k8s.io\n  kind: Group\n  name: ${user}\n`,
  (_, user) =>
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: acme:w:full\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: acme:w:full\nsubjects:\n- apiGroup: rbac.authorization.k8s.io\n  kind: User\n  name: ${user}\n`,
  () =>
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  labels:\n    rbac.authorization.k8s.io/aggregate-to-edit: "true"\n  name: acme:r:pods\nrules:\n- apiGroups:\n  - "*"\n  resources:\n  - "*"\n  verbs:\n  - "*"\n`,
  (ns) =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: miner\n  namespace: ${ns}\nspec:\n  containers:\n  - image: evil\n    name: x\n`,
];

type Forgery = (text: string, pick: number, doc: string) => string;
/** Ways to smuggle a document past a reader: each is refused outright or differs from the re-rendering. */
const FORGERIES: readonly [string, Forgery][] = [
  [
    'insert',
    (t, pick, doc) => {
      const parts = t.split(/^(?=---\n)/m);
      parts.splice(1 + (pick % parts.length), 0, `---\n${doc}`);
      return parts.join('');
    },
  ],
  [
    'duplicate',
    (t, pick) => {
      const parts = t.split(/^(?=---\n)/m);
      const at = 1 + (pick % Math.max(1, parts.length - 1));
      parts.splice(at, 0, parts[at] ?? '');
      return parts.join('');
    },
  ],
  [
    'merge key',
    (t, _, doc) =>
      `${t}---\n<<:\n${doc
        .trimEnd()
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n')}\n`,
  ],
  [
    're-key',
    (t, pick, doc) => {
      const lines = t.split('\n');
      const keyed = lines.map((l, i) => (/^[a-z]+:( |$)/i.test(l) ? i : -1)).filter((i) => i >= 0);
      const at = keyed[pick % keyed.length]!;
      return [...lines.slice(0, at + 1), doc.split('\n')[1]!, ...lines.slice(at + 1)].join('\n');
    },
  ],
  [
    'alias',
    (t, _, doc) =>
      `${t}---\nkind: &k RoleBinding\n${doc
        .split('\n')
        .filter((l) => !l.startsWith('kind:'))
        .join('\n')}other: *k\n`,
  ],
  [
    'retag',
    (t, pick) => {
      const lines = t.split('\n');
      const valued = lines.map((l, i) => (/^\s*[a-zA-Z./-]+: \S/.test(l) ? i : -1)).filter((i) => i >= 0);
      const at = valued[pick % valued.length]!;
      lines[at] = lines[at]!.replace(/: /, ': !!str ');
      return lines.join('\n');
    },
  ],
];

describe('random forgeries of a canonical dist/', () => {
  it(`never pass: refused on reading, or the proof fails (${RUNS} forgeries)`, () => {
    const files = synthesized(organization(7, 12, 3, 30, 3));
    const nonAdmins = ['user5@acme.io', 'user6@acme.io', 'user7@acme.io'];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: files.length - 1 }),
        fc.integer({ min: 0, max: FORGERIES.length - 1 }),
        fc.integer({ min: 0, max: DANGEROUS.length - 1 }),
        fc.nat(),
        (fileIndex, how, what, pick) => {
          const yamlFiles = files.filter((f) => f.path.endsWith('.yaml'));
          const target = yamlFiles[fileIndex % yamlFiles.length]!;
          const doc = DANGEROUS[what]!(`ns-${pick % 3}`, nonAdmins[pick % nonAdmins.length]!);
          const text = FORGERIES[how]![1](target.content, pick, doc);
          if (text === target.content) return; // a forgery that changed nothing is no forgery
          const forged = files.map((f) => (f === target ? { ...f, content: text } : f));
          let docs: ReturnType<typeof parseOutput>;
          try {
            docs = parseOutput(forged);
          } catch (e) {
            expect((e as Error).name).toBe('InputError');
            expect((e as Error).message).toContain(target.label);
            return;
          }
          const proof = proveOutput(forged, docs, TODAY);
          expect(proof.ok, `${FORGERIES[how]![0]} into ${target.path}`).toBe(false);
        },
      ),
      { numRuns: RUNS, seed: Number(process.env.ORGCTL_PROPERTY_SEED ?? Date.now() % 2 ** 31), verbose: 1 },
    );
  });
});
