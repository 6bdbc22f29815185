/** Synthesis judges its own output: disguised privileges cannot pass. */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { judgeManifests } from '../../policies/output/judge.ts';
import { ROOT, deployerSpec, run, smallOrg, synth, tempDir } from '../helpers.ts';

const DISGUISES = [
  ['create on deployments.apps', [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['create'] }]],
  ['* on *', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]],
  ['exec through */exec', [{ apiGroups: [''], resources: ['*/exec'], verbs: ['get'] }]],
  ['minting tokens', [{ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }]],
  [
    'writing rolebindings',
    [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'], verbs: ['create'] }],
  ],
  // issue 12, section 2: what a security review found passing, and its neighbours
  ['update on secrets', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'update'] }]],
  ['patch on secrets', [{ apiGroups: [''], resources: ['secrets'], verbs: ['patch'] }]],
  ['delete on secrets', [{ apiGroups: [''], resources: ['secrets'], verbs: ['delete'] }]],
  ['deletecollection on secrets', [{ apiGroups: [''], resources: ['secrets'], verbs: ['deletecollection'] }]],
  ['port-forward (a GET upgrade)', [{ apiGroups: [''], resources: ['pods/portforward'], verbs: ['get'] }]],
  ['the pod proxy', [{ apiGroups: [''], resources: ['pods/proxy'], verbs: ['get'] }]],
  ['the service proxy', [{ apiGroups: [''], resources: ['services/proxy'], verbs: ['create'] }]],
  ['any proxy through */proxy', [{ apiGroups: [''], resources: ['*/proxy'], verbs: ['delete'] }]],
  ['Argo Workflows', [{ apiGroups: ['argoproj.io'], resources: ['workflows'], verbs: ['create'] }]],
  ['Argo WorkflowTemplates', [{ apiGroups: ['argoproj.io'], resources: ['workflowtemplates'], verbs: ['patch'] }]],
  ['Argo Rollouts', [{ apiGroups: ['argoproj.io'], resources: ['rollouts'], verbs: ['update'] }]],
  ['Tekton TaskRuns', [{ apiGroups: ['tekton.dev'], resources: ['taskruns'], verbs: ['create'] }]],
  ['KubeVirt VirtualMachines', [{ apiGroups: ['kubevirt.io'], resources: ['virtualmachines'], verbs: ['create'] }]],
  ['Ray clusters', [{ apiGroups: ['ray.io'], resources: ['rayclusters'], verbs: ['create'] }]],
  ['Kubeflow notebooks', [{ apiGroups: ['kubeflow.org'], resources: ['notebooks'], verbs: ['create'] }]],
  [
    'Spark applications',
    [{ apiGroups: ['sparkoperator.k8s.io'], resources: ['sparkapplications'], verbs: ['create'] }],
  ],
  ['Volcano jobs', [{ apiGroups: ['batch.volcano.sh'], resources: ['jobs'], verbs: ['create'] }]],
  ['Knative services', [{ apiGroups: ['serving.knative.dev'], resources: ['services'], verbs: ['create'] }]],
  ['JobSets', [{ apiGroups: ['jobset.x-k8s.io'], resources: ['jobsets'], verbs: ['create'] }]],
  [
    'LeaderWorkerSets',
    [{ apiGroups: ['leaderworkerset.x-k8s.io'], resources: ['leaderworkersets'], verbs: ['create'] }],
  ],
  [
    'the KubeVirt serial console',
    [{ apiGroups: ['subresources.kubevirt.io'], resources: ['virtualmachineinstances/console'], verbs: ['get'] }],
  ],
  ['External Secrets', [{ apiGroups: ['external-secrets.io'], resources: ['externalsecrets'], verbs: ['create'] }]],
  ['Sealed Secrets', [{ apiGroups: ['bitnami.com'], resources: ['sealedsecrets'], verbs: ['update'] }]],
  ['workflows in every group', [{ apiGroups: ['*'], resources: ['workflows'], verbs: ['create'] }]],
  ['* in an API group orgctl does not know', [{ apiGroups: ['example.com'], resources: ['*'], verbs: ['create'] }]],
] as const;

const PRIVILEGE = join(ROOT, 'test/fixtures/privilege');
/** The fixtures of issue 12, section 2: `# expect: CODE MESSAGE` on their first line. */
const FIXTURES = readdirSync(PRIVILEGE)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => {
    const text = readFileSync(join(PRIVILEGE, f), 'utf8');
    const [, code, message] = /^# expect: (\d) (.*)$/m.exec(text)!;
    return { file: f, text, code: Number(code), message: message! };
  });

describe('synthesis judges what custom RBAC really allows', () => {
  it.each(DISGUISES)('a custom role with %s bound to a non-admin fails with forbidden-grant', (_what, rules) => {
    const { org, web } = smallOrg();
    const sneaky = org.customRole('sneaky', rules);
    web.grant(org.user('bob@acme.io'), sneaky);
    const r = synth(org);
    expect(r.ok).toBe(false);
    expect(r.files).toEqual([]);
    const f = r.findings.find((x) => x.rule === 'forbidden-grant')!;
    expect(f).toMatchObject({
      severity: 'error',
      subject: 'users/bob@acme.io → web',
      source: 'acme/grants/bob@acme.io → web',
    });
    expect(f.message).toMatch(
      /^custom role sneaky \(Role acme:custom:sneaky\) lets a non-admin .* \(rule 0: .*\): reserved for admins, because/,
    );
  });

  it('orgctl check refuses it too, before anything is synthesized', async () => {
    const dir = tempDir();
    const file = join(dir, 'org.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: orgctl/v1',
        'kind: Organization',
        'metadata: {name: acme}',
        'spec:',
        '  owner: alice@acme.io',
        '  users: [{email: alice@acme.io, admin: true}, {email: bob@acme.io}]',
        '  namespaces: [{name: web}]',
        '  customRoles: [{name: deployer, rules: [{apiGroups: [apps], resources: [deployments], verbs: [create]}]}]',
        '  grants: [{user: bob@acme.io, namespace: web, customRole: deployer}]',
        '',
      ].join('\n'),
    );
    const r = await run(['check', '--spec', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^\S+org\.yaml:9:\d+: error forbidden-grant users\/bob@acme.io → web: custom role deployer \(Role acme:custom:deployer\) lets a non-admin run arbitrary pods \(rule 0: create on deployments.apps\)/m,
    );
  });

  it.each(
    FIXTURES.filter((f) => f.code === 1).map((f) => [f.file, f] as const),
  )('orgctl check refuses %s, naming the grant and why', async (_file, f) => {
    const r = await run(['check', '--spec', join(PRIVILEGE, f.file)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(f.message);
    expect(r.stderr).toMatch(/reserved for admins, because .* \(at spec\.grants\[1\]\)$/m);
  });

  it.each(
    FIXTURES.filter((f) => f.code === 1).map((f) => [f.file, f] as const),
  )('orgctl check passes %s once the user is an admin', async (_file, f) => {
    const file = join(tempDir(), f.file);
    writeFileSync(file, f.text.replace('{ email: bob@acme.io }', '{ email: bob@acme.io, admin: true }'));
    const r = await run(['check', '--spec', file]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(
      /: 0 errors, 0 warnings; synth also judges the manifests it writes \(risky-grant, the Kubernetes schema, shard sizes\)$/,
    );
    expect(r.code).toBe(0);
  });

  it('writing named resources of an API group orgctl does not know, undeclared, is refused naming the resources; declared safe, it passes', async () => {
    const f = FIXTURES.find((x) => x.file === 'unknown-group-named.yaml')!;
    const r = await run(['synth', '--spec', join(PRIVILEGE, f.file), '--out', join(tempDir(), 'dist')]);
    expect(r.code).toBe(f.code);
    expect(r.stderr).toContain(f.message);
    expect(r.stderr).toMatch(
      /write widgets\.example\.com, which orgctl does not know \(rule 0: create,delete on widgets\.example\.com\): reserved for admins, because a controller may make pods from what a custom resource says; if no controller makes pods, reads Secrets or takes identities from it, an admin may declare it in the organization's safeCustomResources/,
    );
    const dir = tempDir();
    const declared = f.text.replace(
      '  owner: alice@acme.io\n',
      '  owner: alice@acme.io\n  safeCustomResources: [{ group: example.com, resources: [widgets], reason: no controller reads them }]\n',
    );
    writeFileSync(join(dir, 'org.yaml'), declared);
    const ok = await run(['synth', '--spec', join(dir, 'org.yaml'), '--out', join(dir, 'dist')]);
    expect(ok.stderr).not.toMatch(/forbidden-grant|risky-grant/);
    expect(ok.code).toBe(0);
  });

  it('a rule in every group (*) is refused and told to name the group; reading an unknown group, or an admin writing it, is no finding', () => {
    const { org, web, alice } = smallOrg({
      safeCustomResources: [{ group: 'example.com', resources: ['widgets'], reason: 'reviewed' }],
    });
    web.grantRules(org.user('bob@acme.io'), [{ apiGroups: ['*'], resources: ['widgets'], verbs: ['patch'] }]);
    web.grantRules(org.user('dan@acme.io'), [
      { apiGroups: ['example.com'], resources: ['*'], verbs: ['get', 'list', 'watch'] },
    ]);
    web.grantRules(alice, [{ apiGroups: ['acme.io'], resources: ['gadgets'], verbs: ['create'] }]);
    const r = synth(org);
    expect(r.ok).toBe(false);
    expect(r.findings.map((f) => `${f.rule} ${f.subject}`)).toEqual(['forbidden-grant users/bob@acme.io → web']);
    expect(r.findings[0]!.message).toMatch(
      /lets a non-admin write widgets in every API group, which orgctl does not know \(rule 0: patch on widgets\.\*\): .*name the API group instead of \*/,
    );
  });

  it('the judgement of the output refuses the kubelet API and port-forward in hand-written cluster-wide bindings', () => {
    const { org } = smallOrg();
    org.user('bob@acme.io');
    const model = org.toModel();
    const role = (name: string, rules: object[]) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name },
      rules,
    });
    const bind = (name: string) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob@acme.io' }],
    });
    for (const [rules, what] of [
      [[{ apiGroups: [''], resources: ['nodes/log'], verbs: ['get'] }], 'reach into nodes through the kubelet API'],
      [
        [{ apiGroups: [''], resources: ['nodes/checkpoint'], verbs: ['create'] }],
        'reach into nodes through the kubelet API',
      ],
      [[{ apiGroups: [''], resources: ['pods/portforward'], verbs: ['create'] }], 'port-forward into pods'],
    ] as const) {
      const found = judgeManifests(model, [role('hand-written', [...rules]), bind('hand-written')]);
      expect(found.filter((f) => f.rule === 'forbidden-grant').map((f) => f.message)).toEqual([
        expect.stringContaining(`lets a non-admin ${what} (rule 0: `),
      ]);
    }
    // The same rules in a namespace reach no node: nodes are cluster-scoped.
    const ns = judgeManifests(model, [
      role('logs', [{ apiGroups: [''], resources: ['nodes/log'], verbs: ['get'] }]),
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'logs', namespace: 'web' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'logs' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob@acme.io' }],
      },
    ]);
    expect(ns.filter((f) => f.rule === 'forbidden-grant')).toEqual([]);
  });

  it('inline rules are judged the same way, naming the rule', () => {
    const { org, web } = smallOrg();
    web.grantRules(org.user('bob@acme.io'), [
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
      { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create'] },
    ]);
    const f = synth(org).findings.find((x) => x.rule === 'forbidden-grant')!;
    expect(f.message).toMatch(
      /^the custom rules of bob@acme.io \(Role acme:custom:bob@acme.io\) lets a non-admin run arbitrary pods \(rule 1: create on jobs.batch\)/,
    );
  });

  it("a spec names the grant's path", async () => {
    const { App } = await import('cdk8s');
    const { Organization } = await import('../../constructs/index.ts');
    const app = new App();
    Organization.fromSpec(app, deployerSpec());
    const f = synth(app).findings.find((x) => x.rule === 'forbidden-grant')!;
    expect(f.source).toBe('spec.grants[1]');
  });

  it.each(DISGUISES)('the same (%s) bound to an admin passes', (_what, rules) => {
    const { org, web, alice } = smallOrg();
    web.grant(alice, org.customRole('sneaky', rules));
    const r = synth(org);
    expect(r.ok).toBe(true);
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it.each(DISGUISES)('the same (%s) bound to a blank token passes', (_what, rules) => {
    const { org, web } = smallOrg();
    org.token('robot').allow(web, org.customRole('sneaky', rules));
    expect(synth(org).ok).toBe(true);
  });

  it('reading Secrets is a risky-grant warning, one per role, naming who', () => {
    const { org, web } = smallOrg();
    const api = org.namespace('api');
    web.grant(org.user('bob@acme.io'), 'r:secrets');
    api.grant(org.user('dan@acme.io'), 'r:secrets');
    const r = synth(org);
    expect(r.ok).toBe(true);
    expect(r.findings).toEqual([
      expect.objectContaining({
        severity: 'warning',
        rule: 'risky-grant',
        subject: 'levels/r:secrets',
        message: expect.stringMatching(
          /^lets 2 non-admin users read Secrets in 2 namespaces \(bob@acme.io, dan@acme.io in api, web; rule 0: get,list,watch on secrets\)/,
        ),
      }),
    ]);
  });

  it('a token whose custom rules write undeclared custom resources is a risky-grant warning (tokens are made by admins)', () => {
    // Found by a red-team review: a token's rules there were silent, a person's a warning.
    const { org, web } = smallOrg();
    org.token('scaler').allow(web, [{ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['create'] }]);
    org.token('reader').allow(web, [{ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['get', 'list'] }]);
    const r = synth(org);
    expect(r.ok).toBe(true);
    expect(r.findings.map((f) => `${f.rule} ${f.subject}`)).toEqual(['risky-grant tokens/scaler']);
    expect(r.findings[0]!.message).toMatch(
      /Role acme:token:scaler writes widgets\.example\.com, which orgctl does not know, in web \(rule 0: create on widgets\.example\.com\): check that no controller makes pods, reads Secrets or takes identities from it and that the token needs it, then declare it in safeCustomResources/,
    );
  });

  it('a token whose custom rules impersonate through constrained impersonation (Kubernetes 1.35+) is a risky-grant warning', () => {
    const { org, web } = smallOrg();
    org
      .token('deputy')
      .allow(web, [
        { apiGroups: ['apps'], resources: ['deployments'], verbs: ['impersonate-on:serviceaccount:create'] },
      ]);
    const r = synth(org);
    expect(r.ok).toBe(true);
    expect(r.findings.map((f) => `${f.rule} ${f.subject}`)).toEqual(['risky-grant tokens/deputy']);
    expect(r.findings[0]!.message).toMatch(
      /Role acme:token:deputy can impersonate-on:serviceaccount:create in web \(rule 0: impersonate-on:serviceaccount:create on deployments\.apps\)/,
    );
  });

  it('a token whose custom rules escalate or impersonate is a risky-grant warning; namespace power is not', () => {
    const { org, web } = smallOrg();
    org.token('ci', { namespaces: [web] }); // w:full in web: allowed, no warning
    org
      .token('binder')
      .allow(web, [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'] }]);
    const r = synth(org);
    expect(r.ok).toBe(true);
    expect(r.findings.map((f) => `${f.rule} ${f.subject}`)).toEqual(['risky-grant tokens/binder']);
    expect(r.findings[0]!.message).toMatch(
      /Role acme:token:binder can bind in web \(rule 0: bind on clusterroles.rbac.authorization.k8s.io\)/,
    );
  });
});

describe('RoleBindings the judge passes over without reading their subjects', () => {
  const rbac = 'rbac.authorization.k8s.io';
  const role = (name: string, namespace: string | undefined, rules: object[]) => ({
    apiVersion: `${rbac}/v1`,
    kind: 'Role',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    rules,
  });
  const bind = (name: string, namespace: string | undefined, roleName: string) => ({
    apiVersion: `${rbac}/v1`,
    kind: 'RoleBinding',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    roleRef: { apiGroup: rbac, kind: 'Role', name: roleName },
    subjects: [{ apiGroup: rbac, kind: 'User', name: 'bob@acme.io' }],
  });
  const model = () => {
    const { org } = smallOrg();
    org.user('bob@acme.io');
    org.namespace('api', { networkPolicy: 'same-namespace' });
    return org.toModel();
  };
  const exec = [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }];
  const readConfigMaps = [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }];

  it('are only those whose role, as the authorizer resolves it, gives nothing: each other binding is still judged', () => {
    const found = (objects: object[]) => judgeManifests(model(), objects).map((f) => `${f.rule} ${f.subject}`);
    // Harmless: nothing to say.
    expect(found([role('quiet', 'web', readConfigMaps), bind('quiet', 'web', 'quiet')])).toEqual([]);
    // No namespace on the binding: its role is the one in `default`, which execs.
    expect(found([role('x', 'web', readConfigMaps), role('x', 'default', exec), bind('x', undefined, 'x')])).toEqual([
      'forbidden-grant users/bob@acme.io → default',
    ]);
    // A role declared twice: the one the authorizer keeps (the last) is judged, not the harmless first.
    expect(
      found([role('twice', 'web', readConfigMaps), role('twice', 'web', exec), bind('twice', 'web', 'twice')]),
    ).toEqual(['forbidden-grant users/bob@acme.io → web']);
    // Nothing of a class, but a write of a guard rail's kind where the namespace declares it.
    const netWriter = [{ apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['create'] }];
    expect(found([role('net', 'api', netWriter), bind('net', 'api', 'net')])).toEqual(['risky-grant namespaces/api']);
    // A roleRef the reader refuses is read (and refused) as before: no finding, no exception.
    const broken = { ...bind('b', 'web', 'quiet'), roleRef: { apiGroup: rbac, kind: 'Deployment', name: 'quiet' } };
    expect(found([role('quiet', 'web', readConfigMaps), broken])).toEqual([]);
  });
});

describe("a binding's holders, judged once each", () => {
  const rbac = 'rbac.authorization.k8s.io';
  const role = (name: string, namespace: string, rules: object[]) => ({
    apiVersion: `${rbac}/v1`,
    kind: 'Role',
    metadata: { name, namespace },
    rules,
  });
  const user = (name: string) => ({ apiGroup: rbac, kind: 'User', name });
  const bind = (name: string, namespace: string, roleName: string, subjects: object[]) => ({
    apiVersion: `${rbac}/v1`,
    kind: 'RoleBinding',
    metadata: { name, namespace },
    roleRef: { apiGroup: rbac, kind: 'Role', name: roleName },
    subjects,
  });
  const readSecrets = [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }];
  const exec = [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }];
  const binds = [{ apiGroups: [rbac], resources: ['clusterroles'], verbs: ['bind'] }];
  const deputy = [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['impersonate-on:serviceaccount:create'] }];

  it('a split binding names a user once; admins and strangers are not named; a warning counts each user and namespace once', () => {
    const { org } = smallOrg();
    for (const u of ['bob@acme.io', 'dan@acme.io', 'eve@acme.io']) org.user(u);
    org.namespace('api');
    org.token('robot');
    const model = org.toModel();
    const robot = { kind: 'ServiceAccount', name: 'token-robot', namespace: model.systemNamespace };
    const [alice, bob, dan, eve, stranger] = ['alice', 'bob', 'dan', 'eve', 'zed'].map((n) => user(`${n}@acme.io`));
    const objects = [
      role('peek', 'web', readSecrets),
      role('peek', 'api', readSecrets),
      role('shell', 'web', exec),
      role('shell', 'api', exec),
      role('binder', 'web', binds),
      role('deputy', 'web', deputy),
      bind('peek', 'web', 'peek', [alice!, bob!, stranger!, robot]),
      bind('peek:2', 'web', 'peek', [bob!, dan!]),
      bind('peek', 'api', 'peek', [dan!, eve!]),
      bind('shell', 'web', 'shell', [bob!, alice!]),
      bind('shell:2', 'web', 'shell', [bob!, eve!]),
      bind('shell', 'api', 'shell', [bob!]),
      bind('binder', 'web', 'binder', [eve!, robot, dan!]),
      bind('deputy', 'web', 'deputy', [dan!, robot, eve!]),
    ];
    // deputy's power is a token's warning alone: its users are not read for it.
    const found = judgeManifests(model, objects).map((f) => `${f.rule} ${f.subject}: ${f.message.slice(0, 60)}`);
    expect(found).toEqual([
      'forbidden-grant users/bob@acme.io → web: Role shell lets a non-admin exec into pods (rule 0: create o',
      'forbidden-grant users/eve@acme.io → web: Role shell lets a non-admin exec into pods (rule 0: create o',
      'forbidden-grant users/bob@acme.io → api: Role shell lets a non-admin exec into pods (rule 0: create o',
      'forbidden-grant users/eve@acme.io → web: Role binder lets a non-admin escalate RBAC (rule 0: bind on ',
      'risky-grant tokens/robot: Role binder can bind in web (rule 0: bind on clusterroles.rb',
      'forbidden-grant users/dan@acme.io → web: Role binder lets a non-admin escalate RBAC (rule 0: bind on ',
      'risky-grant tokens/robot: Role deputy can impersonate-on:serviceaccount:create in web ',
      'risky-grant roles/peek: lets 2 non-admin users read Secrets in 1 namespace (bob@acme',
      'risky-grant roles/peek: lets 2 non-admin users read Secrets in 1 namespace (dan@acme',
    ]);
  });
});
