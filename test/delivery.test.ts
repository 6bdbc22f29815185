/** Delivery: clusters and shards, Argo CD files, Kubernetes schemas, tokens a person can use. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApplicationSet, AppProject } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1';
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { plainRoleBinding, plainSubject, schemaProblems } from '../synth/kubernetes-schema.ts';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { Subject } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Subject';
import { placeOrganization, shardOf } from '../synth/render.ts';
import { argoCdObjects } from '../synth/argocd.ts';
import type { Manifest } from '../synth/manifest.ts';
import { fittingShardCount } from '../synth/files.ts';
import exampleOrg from '../org/org.ts';
import { Organization } from '../constructs/index.ts';
import {
  ROOT,
  TODAY,
  clusterDocs,
  docs,
  files,
  nsText,
  roleBinding,
  run,
  smallOrg,
  subjectsOf,
  synth,
  tempDir,
} from './helpers.ts';

describe('clusters and shards', () => {
  it('the example has both clusters, sharded, a cluster shard each, and ml only in lga1', () => {
    const out = files(exampleOrg);
    const shards = [...out.keys()].filter((p) => p.endsWith('/resources.yaml'));
    expect(new Set(shards.map((p) => p.split('/')[0]))).toEqual(new Set(['lga1', 'ord1']));
    for (const c of ['lga1', 'ord1']) expect(shards).toContain(`${c}/cluster/resources.yaml`);
    expect(shards.every((p) => /^(lga1|ord1)\/(cluster|shard-\d\d)\/resources.yaml$/.test(p))).toBe(true);
    expect(clusterDocs(out, 'lga1').some((o) => o.kind === 'Namespace' && o.metadata.name === 'ml')).toBe(true);
    expect(clusterDocs(out, 'ord1').some((o) => o.kind === 'Namespace' && o.metadata.name === 'ml')).toBe(false);
    // a namespace's Namespace object and bindings share its shard
    const webShard = `lga1/${shardOf('web', 32)}/resources.yaml`;
    expect(
      docs(out.get(webShard)!).filter((o) => o.metadata.namespace === 'web' || o.metadata.name === 'web').length,
    ).toBeGreaterThan(3);
  });

  it('adding 100 namespaces moves no existing namespace or token to another shard', () => {
    const { org } = smallOrg({ clusters: ['lga1', 'ord1'] });
    for (let i = 0; i < 40; i++) org.namespace(`team-${i}`);
    for (let i = 0; i < 10; i++) org.token(`t${i}`, { namespaces: ['web'] });
    const where = () =>
      new Map(placeOrganization(org.toModel(), { today: TODAY }).map((p) => [`${p.cluster} ${p.unit}`, p.shard]));
    const before = where();
    for (let i = 0; i < 100; i++) org.namespace(`new-${i}`);
    const after = where();
    for (const [unit, shard] of before) expect(after.get(unit), unit).toBe(shard);
    expect(after.size).toBe(before.size + 200);
  });

  it('writes no empty shard', () => {
    const { org } = smallOrg();
    const paths = [...files(org).keys()].filter((p) => p.endsWith('/resources.yaml'));
    expect(paths).toEqual(['in-cluster/cluster/resources.yaml', `in-cluster/${shardOf('web', 32)}/resources.yaml`]);
  });

  it('a shard over 1,500 objects fails synthesis and names the shard count that fits', () => {
    const { org, web } = smallOrg({ shards: 1 });
    for (let i = 0; i < 800; i++) org.namespace(`team-${i}`);
    web.grant(org.user('bob@acme.io'), 'r:pods');
    const r = synth(org);
    expect(r.ok).toBe(false);
    const f = r.findings.find((x) => x.rule === 'shard-limit')!;
    const fit = fittingShardCount(r.model!, placeOrganization(r.model!, { today: TODAY }));
    expect(f.message).toMatch(
      new RegExp(
        `^\\d+ objects, [\\d.]+ MB: over the 1500 objects / 4 MB of one Argo CD Application; shards: ${fit} would fit \\(now 1\\)`,
      ),
    );
    expect(fit).toBe(2);
  });

  it('the cluster-wide shard over the limit says more shards do not help', () => {
    const { org } = smallOrg();
    // 45,000 admins: their binding in the system namespace is over 4 MB in the cluster shard (the
    // membership ConfigMaps of as many people would move to members-NN shards, and fit)
    for (let i = 0; i < 45_000; i++)
      org.user(`person-number-${i}@a-rather-long-domain.example.com`, { github: `person-number-${i}`, admin: true });
    const r = synth(org);
    const f = r.findings.find((x) => x.rule === 'shard-limit')!;
    expect(f.subject).toBe('dist/in-cluster/cluster/resources.yaml');
    expect(f.message).toMatch(
      /MB: over the 1500 objects \/ 4 MB of one Argo CD Application; this is the cluster-wide shard \(the catalog's ClusterRoles, the system namespace and the admins' bindings; the membership ConfigMaps already have shards of their own when they do not fit here\), which more shards do not split/,
    );
    expect(f.message).not.toMatch(/would fit/);
  });

  it('refuses a shard count of 0 or below', async () => {
    expect(() => smallOrg({ shards: 0 })).toThrow(/shards 0 is not allowed \(expected a whole number of 1 or more\)/);
    const spec = join(tempDir(), 'org.yaml');
    writeFileSync(
      spec,
      'apiVersion: orgctl/v1\nkind: Organization\nmetadata: {name: acme}\nspec:\n  owner: a@acme.io\n  delivery: {shards: -1}\n',
    );
    const r = await run(['check', '--spec', spec]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${spec}:6:22: error spec spec.delivery.shards: -1 is below the minimum (at least 1)`);
  });
});

describe('schemas', () => {
  it('every synthesized object validates against the Kubernetes API schema', () => {
    const all = [...files(exampleOrg).entries()]
      .filter(([p]) => p.endsWith('/resources.yaml'))
      .flatMap(([, t]) => docs(t)) as Manifest[];
    expect(all.length).toBeGreaterThan(100);
    expect(schemaProblems(all)).toEqual([]);
  });

  it('the check is real: a broken object is reported', () => {
    const bad = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'x', namespace: 'web' },
      roleRef: { kind: 'ClusterRole', apiGroup: 'rbac.authorization.k8s.io' },
      subjects: [],
    } as unknown as Manifest;
    expect(schemaProblems([bad])).toEqual(['RoleBinding web/x: data/roleRef must have required property name']);
    expect(
      schemaProblems([{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } } as Manifest]),
    ).toEqual(['Deployment d: apps/v1/Deployment is not a kind orgctl emits']);
  });

  it("a RoleBinding's subjects are checked, each shared one once, as the whole binding's schema checks them", () => {
    const binding = (name: string, subjects: unknown) => roleBinding('web', name, 'acme:r:pods', subjects);
    const bob = Object.freeze({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob@acme.io' });
    const nameless = Object.freeze({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User' });
    const numbered = { kind: 'User', name: 7 };
    expect(schemaProblems([binding('a', [bob]), binding('b', [bob, bob])])).toEqual([]);
    expect(schemaProblems([binding('a', [bob, nameless]), binding('b', [nameless]), binding('c', [numbered])])).toEqual(
      [
        'RoleBinding web/a: subjects[1]: data must have required property name',
        'RoleBinding web/b: subjects[0]: data must have required property name',
        'RoleBinding web/c: subjects[0]: data/name must be string',
      ],
    );
    expect(schemaProblems([binding('d', { kind: 'User', name: 'x' })])).toEqual([
      'RoleBinding web/d: subjects must be array',
    ]);
  });

  it("a subject passed without the validator is one Subject's schema passes (it reads no more of it)", () => {
    const strings = ['', 'User', 'Group', 'ServiceAccount', 'not a kind', 'x'.repeat(300)];
    const optional = [undefined, '', 'rbac.authorization.k8s.io', 'web'];
    const extra = [{}, { extra: 1 }, { kind2: null }];
    let passed = 0;
    for (const kind of strings)
      for (const name of strings)
        for (const apiGroup of optional)
          for (const namespace of optional)
            for (const more of extra) {
              const s = { ...more, kind, name, ...(apiGroup === undefined ? {} : { apiGroup }), namespace };
              expect(plainSubject(s)).toBe(true);
              expect(() => Subject.prototype.validate.call(s)).not.toThrow();
              passed++;
            }
    expect(passed).toBeGreaterThan(1000);
    // Anything else goes to the validator (its words): missing, non-string, null, arrays.
    for (const s of [null, 'User', [], Object.assign([], { kind: 'User', name: 'a' }), { kind: 'User' }, { name: 'a' }])
      expect(plainSubject(s)).toBe(false);
    for (const v of [null, 7, {}, ['a']]) {
      expect(plainSubject({ kind: v, name: 'a' })).toBe(false);
      expect(plainSubject({ kind: 'User', name: v })).toBe(false);
      expect(plainSubject({ kind: 'User', name: 'a', apiGroup: v })).toBe(false);
      expect(plainSubject({ kind: 'User', name: 'a', namespace: v })).toBe(false);
    }
  });

  it("a RoleBinding passed without the validator is one RoleBinding's schema passes (it reads no more of it)", () => {
    const api = 'rbac.authorization.k8s.io/v1';
    const strings = ['', 'x', 'web', 'acme:r:pods:2', 'x'.repeat(300)];
    const maps = [undefined, {}, Object.freeze({ 'app.kubernetes.io/managed-by': 'orgctl', a: '' }), { b: 'c' }];
    const extraMeta = [{}, { extra: 1 }, { clusterName: 7 }];
    const refs = [
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'acme:r:pods' },
      { apiGroup: '', kind: 'Role', name: '', extra: [1] },
    ];
    let passed = 0;
    for (const name of [undefined, ...strings])
      for (const namespace of [undefined, ...strings])
        for (const labels of maps)
          for (const annotations of maps)
            for (const more of extraMeta)
              for (const roleRef of refs) {
                const metadata = { ...more, name, namespace, labels, annotations };
                const o = { apiVersion: api, kind: 'RoleBinding', metadata, roleRef, other: { any: 1 } };
                expect(plainRoleBinding(o)).toBe(true);
                expect(() => RoleBinding.prototype.validate.call(o)).not.toThrow();
                passed++;
              }
    expect(passed).toBeGreaterThan(1000);
    // Anything else goes to the validator (its words).
    const ok = { apiVersion: api, kind: 'RoleBinding', metadata: { name: 'a' }, roleRef: refs[0] };
    expect(plainRoleBinding(ok)).toBe(true);
    const others: unknown[] = [
      null,
      [],
      { ...ok, apiVersion: 'rbac.authorization.k8s.io/v1beta1' },
      { ...ok, kind: 'ClusterRoleBinding' },
      { ...ok, metadata: undefined },
      { ...ok, metadata: null },
      { ...ok, metadata: [] },
      { ...ok, roleRef: undefined },
      { ...ok, roleRef: [] },
    ];
    for (const v of [null, 7, ['a'], { a: 1 }]) {
      others.push({ ...ok, metadata: { name: v } }, { ...ok, metadata: { namespace: v } });
      for (const key of ['apiGroup', 'kind', 'name']) others.push({ ...ok, roleRef: { ...refs[0], [key]: v } });
    }
    for (const v of [null, 'a', ['a'], { a: 1 }, Object.freeze({ a: 'b', c: null })])
      others.push({ ...ok, metadata: { labels: v } }, { ...ok, metadata: { annotations: v } });
    for (const field of ['creationTimestamp', 'generation', 'uid', 'finalizers', 'ownerReferences', 'managedFields'])
      others.push({ ...ok, metadata: { name: 'a', [field]: '' } });
    for (const o of others) expect(plainRoleBinding(o), JSON.stringify(o)).toBe(false);
  });

  it("a RoleBinding's head is still checked: a label's value, ObjectMeta's other fields, the roleRef", () => {
    const labels = Object.freeze({ 'app.kubernetes.io/managed-by': 'orgctl' });
    const good = (name: string) => ({
      ...roleBinding('web', name, 'acme:r:pods', []),
      metadata: { name, namespace: 'web', labels },
    });
    const broken = [
      { ...good('a'), metadata: { name: 'a', namespace: 'web', labels: { ...labels, n: 7 } } },
      { ...good('b'), metadata: { name: 'b', namespace: 'web', labels, uid: 7 } },
      { ...good('c'), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 7 } },
    ] as unknown as Manifest[];
    expect(schemaProblems([good('x') as Manifest, ...broken, good('y') as Manifest])).toEqual([
      'RoleBinding web/a: data/metadata/labels/n must be string',
      'RoleBinding web/b: data/metadata/uid must be string',
      'RoleBinding web/c: data/roleRef/name must be string',
    ]);
  });

  it("the Argo CD files validate against Argo CD's CRD schemas and say what they must", () => {
    const out = files(exampleOrg);
    const [project] = docs(out.get('argocd/appproject.yaml')!);
    const [appSet] = docs(out.get('argocd/applicationset.yaml')!);
    expect(() => new AppProject(project as never).validate()).not.toThrow();
    expect(() => new ApplicationSet(appSet as never).validate()).not.toThrow();
    expect(project!.spec.clusterResourceWhitelist).toEqual([
      { group: '', kind: 'Namespace' },
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
    ]);
    expect(project!.spec.namespaceResourceWhitelist.map((k: { kind: string }) => k.kind).sort()).toEqual([
      'ConfigMap',
      'Role',
      'RoleBinding',
      'Secret',
      'ServiceAccount',
    ]);
    expect(appSet!.spec.syncPolicy).toEqual({ applicationsSync: 'create-update', preserveResourcesOnDeletion: true });
    expect(appSet!.spec.generators[0].git.directories).toEqual([
      { path: 'dist/*/*' },
      { path: 'dist/argocd', exclude: true },
    ]);
    // An emptied shard's Application prunes (red team S): it reads its file from the cluster's folder.
    expect(appSet!.spec.template.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true, allowEmpty: true });
    expect(appSet!.spec.template.spec.source).toMatchObject({
      path: 'dist/{{ index .path.segments 1 }}',
      directory: { recurse: true, include: '{{ .path.basename }}/resources.yaml' },
    });
    expect(appSet!.spec.template.spec.syncPolicy.syncOptions).toContain('ApplyOutOfSyncOnly=true');
    // what the generator's directories match: every shard folder, and nothing else
    const dirs = new Set(
      [...out.keys()].map((p) => p.split('/').slice(0, -1).join('/')).filter((d) => d.split('/').length === 2),
    );
    expect([...dirs].every((d) => /^(lga1|ord1)\/(cluster|shard-\d\d)$/.test(d))).toBe(true);
  });

  /**
   * Argo CD's check of a cluster-scoped object against the project (AppProject
   * IsGroupKindNamePermitted): allowed when an entry of clusterResourceWhitelist matches its group
   * and kind and, when the entry has a name, its name (a glob in Go's filepath.Match syntax; `*`
   * here, which the entries below never use: they name each object).
   */
  const permitted = (
    whitelist: readonly { group: string; kind: string; name?: string }[],
    o: { group: string; kind: string; name: string },
  ) =>
    whitelist.some((e) => {
      const glob = (pattern: string, value: string) =>
        new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '[^/]*')}$`).test(value);
      return glob(e.group, o.group) && glob(e.kind, o.kind) && (!e.name || glob(e.name, o.name));
    });

  it('with namedClusterResources, the AppProject names each cluster-scoped object orgctl writes, and a forged ClusterRole or Namespace of another name is refused', () => {
    const { app, org } = smallOrg({
      clusters: ['lga1', 'ord1'],
      argocd: { repoURL: 'https://github.com/acme/org.git', namedClusterResources: true },
      namespaceProtection: { appliedBy: 'system:serviceaccount:argocd:argocd-application-controller' },
    });
    org.namespace('ml', { clusters: ['lga1'] });
    const out = files(app);
    const [project] = docs(out.get('argocd/appproject.yaml')!);
    expect(() => new AppProject(project as never).validate()).not.toThrow();
    const whitelist = project!.spec.clusterResourceWhitelist as { group: string; kind: string; name?: string }[];
    const written = [...out.entries()]
      .filter(([p]) => p.endsWith('/resources.yaml'))
      .flatMap(([, t]) => docs(t))
      .filter((o) => o.metadata.namespace === undefined)
      .map((o) => ({
        group: o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '',
        kind: o.kind,
        name: o.metadata.name as string,
      }));
    const key = (o: { group: string; kind: string; name?: string }) => `${o.group}/${o.kind}/${o.name}`;
    // exactly the objects written, each by its name (no glob), in a stable order
    expect(whitelist.map(key)).toEqual([...new Set(written.map(key))].sort());
    expect(whitelist.every((e) => e.name && !/[*?[\\]/.test(e.name))).toBe(true);
    for (const o of written) expect(permitted(whitelist, o), key(o)).toBe(true);
    // what a forged dist/ that got merged would write, and Argo CD now refuses
    for (const forged of [
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:basic-user' },
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'acme:evil' },
      { group: '', kind: 'Namespace', name: 'kube-system' },
      { group: '', kind: 'Namespace', name: 'payments' },
      { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicy', name: 'someone-elses' },
    ])
      expect(permitted(whitelist, forged), key(forged)).toBe(false);
    // by default the entries name kinds only (an older Argo CD's CRD has no name field)
    const { app: plain } = smallOrg({ argocd: { repoURL: 'https://github.com/acme/org.git' } });
    const [byKind] = docs(files(plain).get('argocd/appproject.yaml')!);
    expect(
      permitted(byKind!.spec.clusterResourceWhitelist, {
        group: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'view',
      }),
    ).toBe(true);
  });

  it('an AppProject over what the API server accepts in one request fails object-size, naming it (one entry per namespace and cluster, and per namespace by name)', () => {
    const clusters = ['lga1', 'ord1', 'fra1', 'sin1'];
    const { app, org } = smallOrg({
      clusters,
      argocd: { repoURL: 'https://github.com/acme/org.git', namedClusterResources: true },
    });
    for (let i = 0; i < 6000; i++) org.namespace(`team-${String(i).padStart(5, '0')}-payments-ledger-service`);
    const r = synth(app);
    expect(r.ok).toBe(false);
    const sized = r.findings.filter((f) => f.rule === 'object-size');
    expect(sized).toHaveLength(1);
    expect(sized[0]).toMatchObject({ severity: 'error', subject: 'AppProject argocd/acme-access' });
    expect(sized[0]!.message).toMatch(
      /^is 1\.\d\d MiB, over the 1\.50 MiB the API server \(etcd\) accepts in one request/,
    );
  });

  it("the AppProject is a second wall: only the kinds orgctl writes, no ClusterRoleBinding, only the organization's namespaces per cluster", () => {
    const out = files(exampleOrg);
    const [project] = docs(out.get('argocd/appproject.yaml')!);
    expect(() => new AppProject(project as never).validate()).not.toThrow();
    const allowed = [...project!.spec.clusterResourceWhitelist, ...project!.spec.namespaceResourceWhitelist]
      .map((k: { group: string; kind: string }) => `${k.group}/${k.kind}`)
      .sort();
    expect(allowed).toEqual([
      '/ConfigMap',
      '/Namespace',
      '/Secret',
      '/ServiceAccount',
      'rbac.authorization.k8s.io/ClusterRole',
      'rbac.authorization.k8s.io/Role',
      'rbac.authorization.k8s.io/RoleBinding',
    ]);
    expect(allowed.some((k: string) => k.endsWith('/ClusterRoleBinding') || k.includes('*'))).toBe(false);
    // Bounded by kind, not by name (README, Argo CD): no entry carries a `name`, which an older
    // Argo CD's AppProject CRD lacks and kubectl's strict field validation refuses.
    for (const k of project!.spec.clusterResourceWhitelist) expect(Object.keys(k).sort()).toEqual(['group', 'kind']);
    // every kind orgctl writes is allowed, and nothing else
    const written = new Set(
      [...out.entries()]
        .filter(([p]) => p.endsWith('/resources.yaml'))
        .flatMap(([, t]) => docs(t))
        .map((o) => `${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}/${o.kind}`),
    );
    expect([...written].sort()).toEqual(allowed);
    // destinations: exactly the namespaces each cluster's output holds (and the system namespace), no wildcard, no deny entries
    const destinations = project!.spec.destinations as { name: string; namespace: string; server?: string }[];
    expect(destinations.some((d) => d.namespace.includes('*') || d.namespace.startsWith('!') || d.server)).toBe(false);
    for (const cluster of ['lga1', 'ord1']) {
      const held = clusterDocs(out, cluster)
        .filter((o) => o.kind === 'Namespace')
        .map((o) => o.metadata.name)
        .sort();
      expect(
        destinations.filter((d) => d.name === cluster).map((d) => d.namespace),
        cluster,
      ).toEqual(held);
    }
    // ml lives in lga1 only: ord1's Applications may not write there
    expect(destinations).toContainEqual({ name: 'lga1', namespace: 'ml' });
    expect(destinations).not.toContainEqual({ name: 'ord1', namespace: 'ml' });
    expect(destinations).toContainEqual({ name: 'ord1', namespace: 'acme-system' });
    for (const ns of ['kube-system', 'argocd', 'default'])
      expect(destinations.some((d) => d.namespace === ns)).toBe(false);
    // the Applications' own destination (the system namespace) is one the project allows
    const [appSet] = docs(out.get('argocd/applicationset.yaml')!);
    expect(() => new ApplicationSet(appSet as never).validate()).not.toThrow();
    expect(destinations.map((d) => d.namespace)).toContain(appSet!.spec.template.spec.destination.namespace);
  });

  // Argo CD's util/git LsRemote (since argoproj/argo-cd#26456, IsShortRef): a short revision matches any ref whose
  // short name equals it, a full one only itself; the first hash ref that matches wins, and go-git
  // lists refs from a map (any order). The symbolic HEAD only resolves when nothing else matched.
  const argoResolve = (revision: string, refs: readonly [string, string][]): string | undefined => {
    const short = (r: string) =>
      ['refs/tags/', 'refs/heads/', 'refs/remotes/', 'refs/'].reduce(
        (s, p) => (s === r && r.startsWith(p) ? r.slice(p.length) : s),
        r,
      );
    const isShort = short(revision) === revision;
    let symbolic: string | undefined;
    for (const [name, to] of refs)
      if ((isShort && short(name) === revision) || name === revision) {
        if (to.startsWith('ref: ')) symbolic = to.slice(5);
        else return to;
      }
    return symbolic === undefined ? undefined : refs.find(([n]) => n === symbolic)?.[1];
  };

  it('Argo CD follows the branch the review guards: a tag of the same name (branch protection does not cover tags) never wins', () => {
    // A person who may push tags but not to main: a tag named HEAD (or main) at an unreviewed commit.
    const refs: [string, string][] = [
      ['HEAD', 'ref: refs/heads/main'],
      ['refs/heads/main', 'reviewed'],
      ['refs/tags/HEAD', 'forged'],
      ['refs/tags/main', 'forged'],
      ['refs/tags/refs/heads/main', 'forged'],
    ];
    const orders = [refs, [...refs].reverse()];
    // The attack, against what orgctl wrote before: HEAD always resolves to the tag, main in some orders.
    expect(orders.map((r) => argoResolve('HEAD', r))).toEqual(['forged', 'forged']);
    expect(orders.map((r) => argoResolve('main', r))).toContain('forged');
    // What orgctl writes by default, and for a declared branch, resolves to the branch in every order.
    for (const argocd of [
      { repoURL: 'https://example.com/r.git' },
      { repoURL: 'https://example.com/r.git', revision: 'refs/heads/main' },
    ]) {
      const { org } = smallOrg({ argocd });
      const [, appSet] = argoCdObjects(org.toModel()) as unknown as {
        spec: {
          generators: { git: { revision: string } }[];
          template: { spec: { source: { targetRevision: string } } };
        };
      }[];
      const revisions = [appSet!.spec.generators[0]!.git.revision, appSet!.spec.template.spec.source.targetRevision];
      expect(revisions).toEqual(['refs/heads/main', 'refs/heads/main']);
      for (const r of revisions) expect(orders.map((o) => argoResolve(r, o))).toEqual(['reviewed', 'reviewed']);
    }
    // A short name, HEAD, a tag or a commit is refused at the declaration.
    for (const revision of ['main', 'HEAD', 'refs/tags/v1', '0123456789abcdef0123456789abcdef01234567']) {
      const { org } = smallOrg({ argocd: { repoURL: 'https://example.com/r.git', revision } });
      expect(org.node.validate().join('\n'), revision).toContain('error argocd-source ');
    }
  });

  it('`default`, even in a model no policy judged, is never a destination (the policy refuses declaring it)', () => {
    const { org } = smallOrg({ argocd: { repoURL: 'https://example.com/r.git' } });
    org.namespace('default');
    const [project] = argoCdObjects(org.toModel()) as unknown as { spec: { destinations: { namespace: string }[] } }[];
    expect(project!.spec.destinations.map((d) => d.namespace)).toEqual(['acme-system', 'web']);
  });

  it('a namespace restricted to some clusters is a destination only there', () => {
    const { org } = smallOrg({ clusters: ['lga1', 'ord1'], argocd: { repoURL: 'https://example.com/r.git' } });
    org.namespace('gpu', { clusters: ['ord1'] });
    const [project] = docs(files(org).get('argocd/appproject.yaml')!);
    expect(() => new AppProject(project as never).validate()).not.toThrow();
    expect(project!.spec.destinations).toEqual([
      { name: 'lga1', namespace: 'acme-system' },
      { name: 'lga1', namespace: 'web' },
      { name: 'ord1', namespace: 'acme-system' },
      { name: 'ord1', namespace: 'gpu' },
      { name: 'ord1', namespace: 'web' },
    ]);
  });

  it('the validators are real: a broken ApplicationSet is refused', () => {
    expect(() =>
      new ApplicationSet({ metadata: { name: 'x' }, spec: { generators: 'nope' } } as never).validate(),
    ).toThrow();
  });
});

describe('Argo CD Application names', () => {
  /** What the ApplicationSet's Go template names the Application of dist/<cluster>/<shard>/. */
  const renderName = (template: string, cluster: string, shard: string) =>
    template.replace(/\{\{ index \.path\.segments 1 \}\}/g, cluster).replace(/\{\{ \.path\.basename \}\}/g, shard);
  /** The names of a synthesis' Applications, one per dist/<cluster>/<shard>/, as the ApplicationSet makes them. */
  const applicationNames = (r: ReturnType<typeof synth>) => {
    const [appSet] = docs(r.files.find((f) => f.path === 'argocd/applicationset.yaml')!.content);
    const folders = r.files.filter((f) => f.path.endsWith('/resources.yaml')).map((f) => f.path.split('/'));
    return folders.map(([cluster, shard]) => renderName(appSet!.spec.template.metadata.name, cluster!, shard!));
  };
  const argocd = { repoURL: 'https://github.com/acme/org.git' };

  it('the example: every Application name is within 63 characters, and no warning', () => {
    const r = synth(exampleOrg);
    const names = applicationNames(r);
    expect(names).toContain('acme-lga1-cluster');
    expect(Math.max(...names.map((n) => n.length))).toBeLessThanOrEqual(63);
    expect(r.findings.filter((f) => f.rule === 'argocd-application-name')).toEqual([]);
  });

  /** An organization named `name` in `cluster`, with Argo CD declared. */
  const orgNamed = (name: string, cluster: string) => {
    const org = new Organization(new App({ outdir: tempDir('orgctl-cdk8s-') }), name, {
      owner: 'alice@acme.io',
      today: TODAY,
      clusters: [cluster],
      argocd,
    });
    org.user('alice@acme.io', { github: 'alice', admin: true });
    org.namespace('web');
    return org;
  };

  it('a name over 63 characters is a warning naming the longest (label tracking puts it in a label on every object)', () => {
    const r = synth(orgNamed('acme-platform-engineering-and-operations', 'us-east-production-cluster-01'));
    expect(r.ok).toBe(true);
    const names = applicationNames(r).sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
    expect(names[0]!.length).toBeGreaterThan(63);
    const found = r.findings.filter((f) => f.rule === 'argocd-application-name');
    expect(found.map((f) => [f.severity, f.subject])).toEqual([['warning', 'dist/argocd/applicationset.yaml']]);
    expect(found[0]!.message).toContain(`${names.length} of ${names.length} Argo CD Applications`);
    expect(found[0]!.message).toContain(`${names[0]} (${names[0]!.length} characters)`);
    expect(found[0]!.message).toMatch(/label tracking/);
  });

  it('63 characters exactly is within the limit', () => {
    // acme-<cluster>-cluster: 4 + 1 + 50 + 1 + 7 = 63; the web namespace's shard-NN is 64 (one more)
    const cluster = 'c'.repeat(50);
    const r = synth(orgNamed('acme', cluster));
    const found = r.findings.filter((f) => f.rule === 'argocd-application-name');
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain('1 of 2 Argo CD Applications');
    expect(found[0]!.message).not.toContain(`acme-${cluster}-cluster`);
  });
});

describe('tokens', () => {
  it('rotating replaces the ServiceAccount and Secret, re-points the bindings, and changes nothing else', () => {
    const make = (rotation: number) => {
      const { org, web } = smallOrg();
      org.namespace('api');
      org.token('ci', { name: 'CI', namespaces: [web, 'api'], rotation });
      org.token('other', { namespaces: [web] });
      return files(org);
    };
    const before = make(0);
    const after = make(1);
    const sa = (out: Map<string, string>) =>
      clusterDocs(out)
        .filter(
          (o) =>
            (o.kind === 'ServiceAccount' || o.kind === 'Secret') &&
            o.metadata.annotations['orgctl.io/token-id'] === 'ci',
        )
        .map((o) => `${o.kind}/${o.metadata.name}`);
    expect(sa(before)).toEqual(['ServiceAccount/token-ci', 'Secret/token-ci']);
    expect(sa(after)).toEqual(['ServiceAccount/token-ci-r1', 'Secret/token-ci-r1']);
    for (const ns of ['web', 'api']) expect(subjectsOf(nsText(after, ns), 'acme:w:full')).toContain('token-ci-r1');
    expect(subjectsOf(nsText(after, 'web'), 'acme:w:full')).not.toContain('token-ci');
    // nothing else: undo the renames and the rotation annotation, and the outputs are equal
    const normalize = (out: Map<string, string>) =>
      new Map(
        [...out].map(([p, t]) => [
          p,
          t
            .replace(/,"rotation":1/g, '')
            .replace(/\n {6}"rotation": 1,/g, '')
            .replace(/\n {4}orgctl.io\/token-rotation: "1"/g, '')
            .replace(/token-ci-r1/g, 'token-ci'),
        ]),
      );
    expect(normalize(after)).toEqual(normalize(before));
  });

  it('an expired token is left out: its ServiceAccount goes, so the token dies', () => {
    const { org, web } = smallOrg();
    org.token('ci', { namespaces: [web], expires: '2026-11-25' });
    const r = synth(org);
    expect(r.ok).toBe(true);
    expect(r.findings.map((f) => f.rule)).toEqual(['token-expiry']);
    const out = new Map(r.files.map((f) => [f.path, f.content]));
    expect(clusterDocs(out).some((o) => o.metadata.name === 'token-ci')).toBe(false);
    expect(subjectsOf(nsText(out, 'web'), 'acme:w:full')).toEqual(['alice@acme.io']);
  });

  const SECRET = join(ROOT, 'test/fixtures/secrets/token-ci-deploy.json');

  it('builds a kubeconfig from the token Secret, every field checked', async () => {
    const r = await run(['kubeconfig', 'ci-deploy', '--server', 'https://lga1.acme.io:6443', '--secret', SECRET]);
    expect(r.code).toBe(0);
    const [config] = docs(r.stdout);
    const secret = JSON.parse(readFileSync(SECRET, 'utf8'));
    expect(config).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'lga1.acme.io',
          cluster: { server: 'https://lga1.acme.io:6443', 'certificate-authority-data': secret.data['ca.crt'] },
        },
      ],
      users: [{ name: 'acme-token-ci-deploy', user: { token: Buffer.from(secret.data.token, 'base64').toString() } }],
      contexts: [
        {
          name: 'lga1.acme.io-web',
          context: { cluster: 'lga1.acme.io', user: 'acme-token-ci-deploy', namespace: 'web' },
        },
        {
          name: 'lga1.acme.io-data',
          context: { cluster: 'lga1.acme.io', user: 'acme-token-ci-deploy', namespace: 'data' },
        },
      ],
      'current-context': 'lga1.acme.io-web',
      preferences: {},
    });
    const one = docs(
      (
        await run([
          'kubeconfig',
          'ci-deploy',
          '--server',
          'https://lga1.acme.io',
          '--secret',
          SECRET,
          '-n',
          'data',
          '--cluster',
          'lga1',
        ])
      ).stdout,
    )[0]!;
    expect(one.contexts).toEqual([
      { name: 'lga1-data', context: { cluster: 'lga1', user: 'acme-token-ci-deploy', namespace: 'data' } },
    ]);
  });

  it('creates a missing ~/.kube (mode 0700), but not a path whose folder higher up is missing (a typo)', async () => {
    const home = tempDir();
    const args = (out: string) => [
      'kubeconfig',
      'ci-deploy',
      '--server',
      'https://k.acme.io',
      '--secret',
      SECRET,
      '--out',
      out,
    ];
    const made = await run(args(join(home, '.kube', 'ci-deploy')));
    expect([made.code, made.stderr.split('\n')[0]]).toEqual([0, `created ${join(home, '.kube')} (mode 0700)`]);
    expect(statSync(join(home, '.kube')).mode & 0o777).toBe(0o700);
    expect(statSync(join(home, '.kube', 'ci-deploy')).mode & 0o777).toBe(0o600);
    const typo = await run(args(join(home, 'hmoe', '.kube', 'ci-deploy')));
    expect([typo.code, typo.stderr]).toEqual([
      2,
      `orgctl kubeconfig: ${join(home, 'hmoe', '.kube', 'ci-deploy')}: the folder ${join(home, 'hmoe')} does not exist (a typo?); orgctl creates only the last folder, ${join(home, 'hmoe', '.kube')}`,
    ]);
  });

  it('--server is required, and says what it is', async () => {
    const r = await run(['kubeconfig', 'ci-deploy', '--secret', SECRET]);
    expect([r.code, r.stderr.split('\n')[0]]).toEqual([
      2,
      "orgctl kubeconfig: --server URL is required: the cluster API server's https:// address (kubectl config view shows it)",
    ]);
  });

  it('writes the file with mode 0600, refuses to overwrite without --force, and refuses the repository', async () => {
    const out = join(tempDir(), 'kubeconfig');
    expect(
      (await run(['kubeconfig', 'ci-deploy', '--server', 'https://k.acme.io', '--secret', SECRET, '--out', out])).code,
    ).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const again = await run([
      'kubeconfig',
      'ci-deploy',
      '--server',
      'https://k.acme.io',
      '--secret',
      SECRET,
      '--out',
      out,
    ]);
    expect([again.code, again.stderr]).toEqual([2, `orgctl kubeconfig: ${out} exists: give --force to replace it`]);
    expect(
      (
        await run([
          'kubeconfig',
          'ci-deploy',
          '--server',
          'https://k.acme.io',
          '--secret',
          SECRET,
          '--out',
          out,
          '--force',
        ])
      ).code,
    ).toBe(0);
    // --force over a file others may read leaves a file only its owner may read
    const loose = join(tempDir(), 'kubeconfig');
    writeFileSync(loose, 'old\n', { mode: 0o644 });
    expect(
      (
        await run([
          'kubeconfig',
          'ci-deploy',
          '--server',
          'https://k.acme.io',
          '--secret',
          SECRET,
          '--out',
          loose,
          '--force',
        ])
      ).code,
    ).toBe(0);
    expect(statSync(loose).mode & 0o777).toBe(0o600);
    expect(readFileSync(loose, 'utf8')).toContain('token-ci-deploy');
    const inRepo = join(ROOT, 'test-output', 'kubeconfig');
    const refused = await run([
      'kubeconfig',
      'ci-deploy',
      '--server',
      'https://k.acme.io',
      '--secret',
      SECRET,
      '--out',
      inRepo,
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/is inside the git repository .*: a token must never be committed/);
    expect(existsSync(inRepo)).toBe(false);
    execFileSync('git', ['-C', ROOT, 'status', '--porcelain']); // the repository is untouched by the refused write
  });

  it.each([
    [
      'a Secret of the wrong type',
      (s: any) => (s.type = 'Opaque'),
      /is of type "Opaque", not kubernetes.io\/service-account-token/,
    ],
    [
      'a Secret of another token',
      (s: any) => (s.metadata.annotations['kubernetes.io/service-account.name'] = 'token-other'),
      /belongs to ServiceAccount "token-other", not to token ci-deploy \(token-ci-deploy\)/,
    ],
    ['a Secret with no token yet', (s: any) => delete s.data, /holds no token yet: the cluster fills it/],
    ['not a Secret', (s: any) => (s.kind = 'ConfigMap'), /the input is not a Secret/],
    [
      'a Secret of a namesake ServiceAccount in another namespace',
      (s: any) => (s.metadata.namespace = 'web'),
      /is in namespace "web", not in acme-system where token ci-deploy's ServiceAccount lives/,
    ],
  ])('refuses %s', async (_what, edit, message) => {
    const secret = JSON.parse(readFileSync(SECRET, 'utf8'));
    edit(secret);
    const file = join(tempDir(), 'secret.json');
    writeFileSync(file, JSON.stringify(secret));
    const out = join(tempDir(), 'kc');
    const r = await run(['kubeconfig', 'ci-deploy', '--server', 'https://k.acme.io', '--secret', file, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an unknown token, a plain-http server and a namespace the token cannot reach', async () => {
    expect((await run(['kubeconfig', 'nope', '--server', 'https://k', '--secret', SECRET])).stderr).toMatch(
      /declares no token "nope" \(tokens: ci-deploy, dashboards, mallory-notebook, metrics-reader\)/,
    );
    expect((await run(['kubeconfig', 'ci-deploy', '--server', 'http://k', '--secret', SECRET])).stderr).toMatch(
      /is not an https:\/\/ URL/,
    );
    expect(
      (await run(['kubeconfig', 'ci-deploy', '--server', 'https://k', '--secret', SECRET, '-n', 'ml'])).stderr,
    ).toMatch(/token ci-deploy grants nothing in ml \(it grants: web, data\)/);
    const deactivated = await run(['kubeconfig', 'mallory-notebook', '--server', 'https://k', '--secret', SECRET]);
    expect(deactivated.code).toBe(2);
    expect(deactivated.stderr).toMatch(/token mallory-notebook is deactivated: .* there is no token to hand over/);
  });
});

describe('members', () => {
  it('prints users, invites and tokens; JSON for other systems', async () => {
    const table = await run(['members']);
    expect(table.stdout).toMatch(/^alice@acme.io \(owner\)\s+alice\s+yes\s+yes\s+active$/m);
    expect(table.stdout).toMatch(/^carol@acme.io\s+pending\s+yes\s+-\s+yes\s+r:full in web$/m);
    expect(table.stdout).toMatch(/^mallory-notebook\s+Notebook\s+mallory@acme.io\s+data\s+-\s+deactivated$/m);
    expect(table.stdout).toMatch(/^ci-deploy\s+CI deploy\s+alice@acme.io\s+web,data\s+-\s+active$/m);
    const json = JSON.parse((await run(['members', '--format', 'json'])).stdout);
    expect(json.users.find((u: { email: string }) => u.email === 'mallory@acme.io')).toMatchObject({
      status: 'deactivated',
      github: 'mallory',
    });
    expect(json.invites.find((i: { email: string }) => i.email === 'carol@acme.io')).toMatchObject({
      billing: true,
      grants: [{ namespace: 'web', levels: ['r:full'] }],
    });
  });
});
