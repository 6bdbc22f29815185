/** orgctl import: existing RBAC into a spec, and a round trip that keeps effective access. */
import { Construct } from 'constructs';
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSpec } from '../../constructs/generate.ts';
import { Organization } from '../../constructs/index.ts';
import type { OrgSpec } from '../../constructs/spec.ts';
import { synthesize } from '../../constructs/synthesize.ts';
import { exactLevel, importRbac } from '../../review/import.ts';
import type { ManifestDoc } from '../../analysis/objects.ts';
import { accessOf, synthDocs } from './import-access.ts';
import { findLevel } from '../../model/catalog.ts';
import { ROOT, run, tempDir, TODAY } from '../helpers.ts';

/** subject → namespace → covered levels and classes, as text: what a round trip keeps. */
const access = (docs: readonly ManifestDoc[]) =>
  Object.fromEntries(
    Object.entries(accessOf(docs)).map(([name, byNs]) => [
      name,
      Object.fromEntries(Object.entries(byNs).map(([ns, c]) => [ns, `${c.covers.join(',')} | ${c.classes.join(',')}`])),
    ]),
  );

describe('orgctl import', () => {
  it('recognizes a catalog level only when the rules are exactly that level', () => {
    expect(exactLevel(findLevel('r:pods')!.rules)).toBe('r:pods');
    expect(exactLevel(findLevel('w:full')!.rules)).toBe('w:full');
    expect(exactLevel([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }])).toBeUndefined();
    expect(
      exactLevel([...findLevel('r:pods')!.rules, { apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]),
    ).toBeUndefined();
  });

  it('round trip: importing the output of an organization and synthesizing it gives the same effective access', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.integer({ min: 3, max: 20 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 5 }),
        (seed, users, namespaces, grants, tokens) => {
          const docs = synthDocs(generateSpec({ users, namespaces, grants, tokens, seed }));
          const { spec } = importRbac(docs);
          expect(access(synthDocs(spec))).toEqual(access(docs));
        },
      ),
      {
        numRuns: Number(process.env.ORGCTL_PROPERTY_RUNS ?? 100),
        seed: Number(process.env.ORGCTL_PROPERTY_SEED ?? Date.now() % 2 ** 31),
      },
    );
  });

  it('maps hand-written RBAC and reports what it cannot map', async () => {
    const r = await run([
      'import',
      '--from',
      join(ROOT, 'test/fixtures/manifests'),
      '--org',
      'shop',
      '--owner',
      'admin@shop.io',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const spec = JSON.parse(r.stdout);
    expect(spec.spec.owner).toBe('admin@shop.io');
    expect(spec.spec.grants).toEqual([{ user: 'dave@shop.io', namespace: 'shop', customRole: 'viewer' }]);
    expect(spec.spec.tokens).toEqual([
      {
        id: 'shop-ci',
        namespaces: [],
        rbac: [
          {
            namespace: 'shop',
            rules: [
              { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'create', 'update', 'patch'] },
            ],
          },
        ],
      },
    ]);
    expect(r.stderr).toContain(
      'not imported: RoleBinding shop/viewers: Group support cannot be a user; declare its members',
    );
    expect(r.stderr).toContain(
      'not imported: ClusterRoleBinding monitoring: cluster-wide bindings are not part of an organization (subjects: ServiceAccount prometheus)',
    );
    expect(r.stderr).toContain('not imported: malformed: ');
    // the imported spec is valid: it checks
    const file = join((await import('../helpers.ts')).tempDir(), 'shop.json');
    (await import('node:fs')).writeFileSync(file, r.stdout);
    expect((await run(['check', '--spec', file])).code).toBe(0);
  });

  it('imports a hand-written cluster (10 namespaces, users, a group, a ServiceAccount with a custom role, a cluster-wide binding): the spec checks, the unmapped are named', async () => {
    const { tempDir } = await import('../helpers.ts');
    const { writeFileSync } = await import('node:fs');
    const r = await run([
      'import',
      '--from',
      join(ROOT, 'test/fixtures/cluster/cluster.json'),
      '--org',
      'corp',
      '--owner',
      'root@corp.io',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const spec = JSON.parse(r.stdout);
    expect(spec.spec.namespaces).toHaveLength(10);
    expect(spec.spec.users.length).toBeGreaterThanOrEqual(10);
    expect(spec.spec.grants).toContainEqual({
      user: 'ana@corp.io',
      namespace: 'team-a',
      levels: ['r:pods', 'w:configmaps'],
    });
    expect(spec.spec.tokens).toEqual([
      {
        id: 'team-a-ci',
        namespaces: [],
        rbac: [
          {
            namespace: 'team-a',
            rules: [
              { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'create', 'update', 'patch'] },
            ],
          },
        ],
      },
    ]);
    expect(r.stderr).toContain(
      'not imported: RoleBinding team-a/config: Group sre cannot be a user; declare its members',
    );
    expect(r.stderr).toContain(
      'not imported: ClusterRoleBinding platform-admins: cluster-wide bindings are not part of an organization (subjects: User root@corp.io)',
    );
    expect(r.stderr).toContain(
      'not imported: RoleBinding kube-system/dns: namespace kube-system is a system namespace; not imported',
    );
    expect(r.stderr).toContain(
      "not imported: RoleBinding team-b/legacy: its ClusterRole edit is not in the input, though every cluster has it (Kubernetes' own): dump ClusterRoles too (kubectl get clusterroles -o yaml); nothing to import",
    );
    const file = join(tempDir(), 'corp.json');
    writeFileSync(file, r.stdout);
    const check = await run(['check', '--spec', file]);
    expect([check.code, check.stdout]).toEqual([
      0,
      expect.stringMatching(
        /0 errors, 0 warnings; synth also judges the manifests it writes \(risky-grant, the Kubernetes schema, shard sizes\)$/,
      ),
    ]);
  });

  it('reads what kubectl prints on standard input', async () => {
    const { command } = await import('../../cli/import.ts');
    const out: string[] = [];
    const text = (await import('node:fs')).readFileSync(join(ROOT, 'test/fixtures/cluster/cluster.json'), 'utf8');
    const code = command.invoke(['--from', '-', '--owner', 'root@corp.io'], {
      out: (l) => out.push(l),
      err: () => {},
      env: {},
      stdin: () => text,
    });
    expect(code).toBe(0);
    expect(out.join('\n')).toContain('name: team-j');
  });

  it('never merges two different roles of one name, or two ServiceAccounts of one id, and names what it renamed', () => {
    const rbac = 'rbac.authorization.k8s.io/v1';
    const doc = (object: object, index: number): ManifestDoc => ({ file: 'c.yaml', index, object });
    const role = (ns: string, resources: string[]) => ({
      apiVersion: rbac,
      kind: 'Role',
      metadata: { name: 'reader', namespace: ns },
      rules: [{ apiGroups: [''], resources, verbs: ['get'] }],
    });
    const binding = (ns: string, subject: object) => ({
      apiVersion: rbac,
      kind: 'RoleBinding',
      metadata: { name: `b-${ns}`, namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
      subjects: [subject],
    });
    const { spec, otherwise } = importRbac(
      [
        doc(role('shop', ['configmaps']), 0),
        doc(role('blog', ['secrets']), 1),
        doc(binding('shop', { kind: 'User', name: 'amy@shop.io' }), 2),
        doc(binding('blog', { kind: 'User', name: 'ben@shop.io' }), 3),
        doc(
          {
            ...binding('shop', { kind: 'ServiceAccount', name: 'c', namespace: 'a-b' }),
            metadata: { name: 'sa1', namespace: 'shop' },
          },
          4,
        ),
        doc(
          {
            ...binding('shop', { kind: 'ServiceAccount', name: 'b-c', namespace: 'a' }),
            metadata: { name: 'sa2', namespace: 'shop' },
          },
          5,
        ),
      ],
      { owner: 'root@shop.io' },
    );
    const customRoles = spec.spec.customRoles!;
    expect(customRoles.map((r) => [r.name, r.rules[0]!.resources])).toEqual(
      [
        ['reader', ['configmaps']],
        ['reader-blog', ['secrets']],
      ].sort(),
    );
    expect(spec.spec.grants).toEqual(
      expect.arrayContaining([
        { user: 'amy@shop.io', namespace: 'shop', customRole: 'reader' },
        { user: 'ben@shop.io', namespace: 'blog', customRole: 'reader-blog' },
      ]),
    );
    expect(otherwise).toContain(
      'Role blog/reader: another role with other rules is also called reader; imported as custom role reader-blog',
    );
    expect(spec.spec.tokens!.map((t) => t.id)).toEqual(['a-b-c', 'a-b-c-2']);
    expect(otherwise).toContainEqual(
      expect.stringMatching(
        /^ServiceAccount a\/b-c: token id a-b-c is another ServiceAccount's; imported as token a-b-c-2: its access moves to ServiceAccount /,
      ),
    );
  });

  it('names that are not DNS names become valid ones, and what orgctl would refuse is said at once', async () => {
    const { command } = await import('../../cli/import.ts');
    const rbac = 'rbac.authorization.k8s.io/v1';
    const text = JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: rbac,
          kind: 'Role',
          metadata: { name: 'zo-.o-brien', namespace: 'shop' },
          rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['create', 'get'] }],
        },
        {
          apiVersion: rbac,
          kind: 'RoleBinding',
          metadata: { name: 'b', namespace: 'shop' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'zo-.o-brien' },
          subjects: [{ kind: 'User', name: 'amy@shop.io' }],
        },
      ],
    });
    const out: string[] = [];
    const err: string[] = [];
    expect(
      command.invoke(['--from', '-', '--owner', 'root@shop.io', '--format', 'json'], {
        out: (l) => out.push(l),
        err: (l) => err.push(l),
        env: {},
        stdin: () => text,
      }),
    ).toBe(0);
    expect((JSON.parse(out.join('\n')) as OrgSpec).spec.customRoles!.map((r) => r.name)).toEqual(['zo.o-brien']);
    expect(err.join('\n')).toMatch(
      /the imported spec: error forbidden-grant users\/amy@shop.io → shop: custom role zo.o-brien \(Role org:custom:zo.o-brien\) lets a non-admin run arbitrary pods/,
    );
    expect(() =>
      command.invoke(['--from', '-', '--owner', 'not-an-email'], {
        out: () => {},
        err: () => {},
        env: {},
        stdin: () => text,
      }),
    ).toThrow(/--owner "not-an-email" is not an email address/);
  });

  it("importing orgctl's own output keeps its membership: re-synthesized, people, invites, tokens and access are the same", async () => {
    const { loadManifests } = await import('../../cli/manifests.ts');
    const { readFileSync } = await import('node:fs');
    const { spec, report } = importRbac(loadManifests(join(ROOT, 'dist')).docs);
    expect(report).toEqual([]);
    const again = synthDocs(spec);
    const before = JSON.parse(readFileSync(join(ROOT, 'dist/members.json'), 'utf8')) as {
      users: unknown[];
      invites: unknown[];
      tokens: { namespaces: string[]; customRbac?: string[] }[];
      organization: unknown;
    };
    const root = new Construct(undefined as never, '');
    Organization.fromSpec(root, spec, { today: TODAY });
    const after = JSON.parse(
      synthesize(root, { today: TODAY, declaredIn: 'test' }).files.find((f) => f.path === 'members.json')!.content,
    ) as typeof before;
    const tokens = (m: typeof before) =>
      m.tokens.map((t) => ({
        ...t,
        namespaces: [...t.namespaces].sort(),
        ...(t.customRbac ? { customRbac: [...t.customRbac].sort() } : {}),
      }));
    expect(after.users).toEqual(before.users); // deactivated, billing, GitHub logins, Add All
    expect(after.invites).toEqual(before.invites);
    expect(tokens(after)).toEqual(tokens(before)); // names, owners, notes: the same ServiceAccounts
    expect(after.organization).toEqual(before.organization); // clusters, namespaces
    expect(access(again)).toEqual(access(loadManifests(join(ROOT, 'dist')).docs));
  });

  it("keeps a rotated token's id, Add All users' other grants, and says when placement is unknown", async () => {
    const { loadManifests } = await import('../../cli/manifests.ts');
    const { mkdtempSync, writeFileSync: write } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const spec = {
      apiVersion: 'orgctl/v1',
      kind: 'Organization',
      metadata: { name: 'acme' },
      spec: {
        owner: 'alice@acme.io',
        clusters: ['lga1', 'ord1'],
        users: [
          { email: 'alice@acme.io', admin: true },
          { email: 'ivan@acme.io', access: 'all' },
        ],
        namespaces: [{ name: 'web' }, { name: 'ml', clusters: ['lga1'] }],
        safeCustomResources: [{ group: 'example.com', resources: ['widgets'], reason: 'no controller reads them' }],
        customRoles: [
          { name: 'widget-admin', rules: [{ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['create'] }] },
        ],
        grants: [{ user: 'ivan@acme.io', namespace: 'web', customRole: 'widget-admin' }],
        tokens: [{ id: 'deploy', rotation: 5, namespaces: ['web'], levels: ['r:full'] }],
      },
    } as unknown as OrgSpec;
    const root = new Construct(undefined as never, '');
    Organization.fromSpec(root, spec, { today: TODAY });
    const dir = mkdtempSync(join(tmpdir(), 'orgctl-import-'));
    for (const f of synthesize(root, { today: TODAY, declaredIn: 'test' }).files) {
      (await import('node:fs')).mkdirSync(join(dir, f.path, '..'), { recursive: true });
      write(join(dir, f.path), f.content);
    }
    const { spec: imported, report } = importRbac(loadManifests(dir).docs);
    expect(imported.spec.tokens!.map((t) => [t.id, t.rotation])).toEqual([['deploy', 5]]);
    expect(imported.spec.grants).toEqual([{ user: 'ivan@acme.io', namespace: 'web', customRole: 'widget-admin' }]);
    expect(imported.spec.namespaces).toEqual([{ name: 'ml', clusters: ['lga1'] }, { name: 'web' }]);
    expect(imported.spec.safeCustomResources).toEqual([
      { group: 'example.com', resources: ['widgets'], reason: 'no controller reads them' },
    ]);
    expect(report).toEqual([]);
    // the same files as one stream: no <cluster>/<shard>/ paths, so placement is unknown, and said
    const stream = loadManifests(dir).docs.map((d, index) => ({ ...d, file: 'stdin', index }));
    expect(importRbac(stream).report).toEqual([
      expect.stringMatching(/^which of the clusters lga1, ord1 holds which namespace is unknown/),
    ]);
  });

  it('a file that is not valid YAML or JSON names the file, line and column and what was expected, in words; nothing is imported', async () => {
    const dir = tempDir();
    const cases: [string, string, string][] = [
      [
        'indented.yaml',
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n   labels: x\n',
        ':5:4: not valid YAML: "labels:" is indented more than "name:" on line 4, which already has a value, so YAML reads it as part of that value: start it in column 3, as "name:"',
      ],
      [
        'unclosed.yaml',
        'apiVersion: v1\nkind: Namespace\nmetadata: {name: web\n',
        ':3:11: not valid YAML: a mapping opened with { here is not closed: end it with } (or indent its next lines further than its key)',
      ],
      [
        'colon.yaml',
        'apiVersion: v1\nkind Namespace\n',
        ':2:1: not valid YAML: "kind Namespace" has no colon after its key: write "kind: Namespace" (a colon and a space between a key and its value)',
      ],
      ['comma.json', '{"apiVersion": "v1",}', ':1:21: not valid JSON: expected double-quoted property name'],
    ];
    for (const [name, text, problem] of cases) {
      const file = join(dir, name);
      writeFileSync(file, text);
      const r = await run(['import', '--from', file, '--owner', 'alice@acme.io']);
      expect(r.stderr.split('\n'), name).toEqual([
        `orgctl import: ${file}${problem}`,
        `nothing is imported: a spec made without what it holds would revoke the access it grants; fix it, or leave it out of --from`,
      ]);
      expect(r.stdout).toBe('');
      expect(r.code).toBe(2);
    }
    // A key written twice is read by Go (the last value), so no reader of manifests answers without it.
    const duplicate = join(dir, 'duplicate.yaml');
    writeFileSync(duplicate, 'apiVersion: v1\nkind: Namespace\nkind: Role\n');
    const r = await run(['import', '--from', duplicate, '--owner', 'alice@acme.io']);
    expect([r.code, r.stdout, r.stderr]).toEqual([
      2,
      '',
      `orgctl import: ${duplicate}:3:1: not valid YAML: duplicate key "kind" (a key may appear once in a mapping; readers disagree on which value counts); Go's YAML (kubectl, Argo CD) keeps the last value and applies the document`,
    ]);
  });

  it('one broken file of a folder is an error naming it, its line and column: a spec without its objects would revoke what they grant', async () => {
    const dir = tempDir();
    const RBAC = 'apiVersion: rbac.authorization.k8s.io/v1';
    writeFileSync(join(dir, 'ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: web}\n');
    writeFileSync(
      join(dir, 'bob.yaml'),
      `${RBAC}\nkind: RoleBinding\nmetadata: {name: bob, namespace: web\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}\nsubjects: [{kind: User, name: bob@acme.io}]\n`,
    );
    writeFileSync(join(dir, 'carol.json'), `{"apiVersion": "v1", "kind": "ServiceAccount",}`);
    const r = await run(['import', '--from', dir, '--owner', 'alice@acme.io']);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr.split('\n')).toEqual([
      `orgctl import: 2 documents of ${dir} cannot be read:`,
      `  ${join(dir, 'bob.yaml')}:3:11: not valid YAML: a mapping opened with { here is not closed: end it with } (or indent its next lines further than its key)`,
      `  ${join(dir, 'carol.json')}:1:47: not valid JSON: expected double-quoted property name`,
      `nothing is imported: a spec made without what they hold would revoke the access they grant; fix them, or leave them out of --from`,
    ]);
  });

  it('a file of YAML that is not Kubernetes manifests imports nothing, and says so', async () => {
    const file = join(tempDir(), 'values.yaml');
    writeFileSync(file, 'replicas: 3\nimage: nginx\n');
    const r = await run(['import', '--from', file, '--owner', 'alice@acme.io']);
    expect(r.stderr).toBe(
      `orgctl import: ${file} holds no Kubernetes object (no document has apiVersion and kind): nothing to import; give RBAC manifests (a folder or file of them, or what kubectl get namespaces,roles,rolebindings,clusterroles,clusterrolebindings,serviceaccounts -A -o yaml prints)`,
    );
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
  });

  it('requires --from', async () => {
    expect((await run(['import'])).stderr).toMatch(/--from DIR\|FILE\|- is required/);
  });
});

describe('a token with namespaces and custom RBAC (a red-team review found it never proved)', () => {
  it('synth writes it, and `orgctl prove` of that very output proves it (every such pull request failed review)', async () => {
    const { baseSpec, distOf } = await import('./scenarios.ts');
    const { run } = await import('../helpers.ts');
    const s = baseSpec();
    // Token bots (namespaces [data], levels [r:pods]) with one custom rule: README's `.allow(ns, rules)`.
    s.spec.tokens[1].levels = ['r:pods'];
    s.spec.tokens[1].rbac = [
      { namespace: 'web', rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] }] },
    ];
    const dist = await distOf(s); // synth and every policy pass
    const r = await run(['prove', '--dir', dist]);
    expect(r.code, r.stdout).toBe(0);
  });
});
