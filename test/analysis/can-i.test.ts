/**
 * can-i as kubectl auth can-i (staging/src/k8s.io/kubectl/pkg/cmd/auth/cani.go): -A asks with
 * namespace "" (only ClusterRoleBindings can allow it), --list prints the SelfSubjectRulesReview's
 * rules as kubectl's table, --why on stdout, --format json.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers.ts';

const RBAC = 'apiVersion: rbac.authorization.k8s.io/v1';
const dir = tempDir();
writeFileSync(
  join(dir, 'rbac.yaml'),
  [
    RBAC,
    'kind: ClusterRole',
    'metadata: {name: pod-reader}',
    'rules: [{apiGroups: [""], resources: [pods, pods/log], verbs: [get, list]}]',
    '---',
    RBAC,
    'kind: ClusterRoleBinding',
    'metadata: {name: everywhere}',
    'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-reader}',
    'subjects: [{kind: User, name: wide@acme.io}]',
    '---',
    RBAC,
    'kind: RoleBinding',
    'metadata: {name: here, namespace: web}',
    'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-reader}',
    'subjects: [{kind: User, name: narrow@acme.io}]',
    '---',
    RBAC,
    'kind: Role',
    'metadata: {name: deployer, namespace: web}',
    'rules:',
    '- {apiGroups: [apps], resources: [deployments, deployments/scale], verbs: [get, update]}',
    '- {apiGroups: [""], resources: [configmaps], resourceNames: [app-config, flags], verbs: [get]}',
    '- {apiGroups: [apps], resources: [deployments], verbs: [patch]}',
    '---',
    RBAC,
    'kind: RoleBinding',
    'metadata: {name: deployers, namespace: web}',
    'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: deployer}',
    'subjects: [{kind: User, name: narrow@acme.io}]',
  ].join('\n'),
);
const canI = (...args: string[]) => run(['can-i', ...args, '--dir', dir]);

describe('can-i -A / --all-namespaces', () => {
  it('is yes only through a ClusterRoleBinding, as a SelfSubjectAccessReview with namespace "" is', async () => {
    expect([(await canI('list', 'pods', '-A', '--as', 'wide@acme.io')).stdout]).toEqual(['yes']);
    const narrow = await canI('list', 'pods', '--all-namespaces', '--as', 'narrow@acme.io', '--why');
    // Allowed in web, by a RoleBinding: not in all namespaces at once.
    expect([narrow.code, narrow.stdout]).toEqual([
      1,
      'no\nno ClusterRoleBinding of this user allows it (in all namespaces at once only ClusterRoleBindings count)',
    ]);
    expect((await canI('list', 'pods', '-n', 'web', '--as', 'narrow@acme.io')).stdout).toBe('yes');
  });

  it('overrides -n, as in kubectl, and says so', async () => {
    const r = await canI('list', 'pods', '-A', '-n', 'web', '--as', 'narrow@acme.io');
    expect([r.stdout, r.stderr]).toEqual([
      'no',
      'warning: -n is ignored with -A (as in kubectl): the question is asked for all namespaces',
    ]);
  });
});

describe('a VERB Kubernetes does not know', () => {
  // A typo answers a silent no (can-i), or lists the holders of a wildcard as if they were the
  // answer (who-can): an error naming the verb meant, unless a role that applies names it (a custom verb).
  const custom = tempDir();
  writeFileSync(
    join(custom, 'rbac.yaml'),
    [
      RBAC,
      'kind: Role',
      'metadata: {name: frob, namespace: web}',
      'rules: [{apiGroups: [example.com], resources: [widgets], verbs: [frobnicate, gets]}]',
      '---',
      RBAC,
      'kind: RoleBinding',
      'metadata: {name: frob, namespace: web}',
      'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: frob}',
      'subjects: [{kind: User, name: narrow@acme.io}]',
    ].join('\n'),
  );
  const spec = join(custom, 'org.yaml');
  writeFileSync(
    spec,
    [
      'apiVersion: orgctl/v1',
      'kind: Organization',
      'metadata: { name: acme }',
      'spec:',
      '  owner: alice@acme.io',
      '  users: [{ email: alice@acme.io, github: alice, admin: true }, { email: bob@acme.io, github: bob }]',
      '  namespaces: [{ name: web }]',
      '  grants:',
      '    - { user: bob@acme.io, namespace: web, rules: [{ apiGroups: [example.com], resources: [widgets], verbs: [frobnicate] }] }',
    ].join('\n'),
  );
  const near = (verb: string, meant: string, where: string, caseOnly = false) =>
    `${JSON.stringify(verb)} is not a verb Kubernetes knows, and no ${where} names it: did you mean ${meant}?${caseOnly ? ' (verbs are lower-case)' : ''}`;

  it('is a usage error in can-i, who-can and explain, naming the verb meant', async () => {
    const asked = [
      [
        ['can-i', 'gett', 'pods', '-n', 'web', '--as', 'narrow@acme.io', '--dir', dir],
        near('gett', 'get', `role in ${dir} that can grant in web`),
      ],
      [
        ['who-can', 'gett', 'pods', '-n', 'web', '--dir', dir],
        near('gett', 'get', `role in ${dir} that can grant in web`),
      ],
      [['who-can', 'gett', 'pods', '--dir', dir], near('gett', 'get', `role in ${dir}`)],
      [
        ['can-i', 'GET', 'pods', '-n', 'web', '--as', 'narrow@acme.io', '--dir', dir],
        near('GET', 'get', `role in ${dir} that can grant in web`, true),
      ],
      [
        ['can-i', 'psot', '/healthz', '--as', 'narrow@acme.io', '--dir', dir],
        near('psot', 'post', `ClusterRole in ${dir}`),
      ],
      [
        ['explain', 'bob@acme.io', '-n', 'web', 'gett', 'pods', '--spec', spec],
        near('gett', 'get', 'role of the declaration that can grant in web'),
      ],
    ] as const;
    for (const [args, message] of asked) {
      const r = await run(args);
      expect([r.code, r.stdout, r.stderr.split('\n')[0]], args.join(' ')).toEqual([
        2,
        '',
        `orgctl ${args[0]}: ${message}`,
      ]);
    }
    const none = await run(['who-can', 'read', 'pods', '-n', 'web', '--dir', dir]);
    expect([none.code, none.stderr.split('\n')[0]]).toEqual([
      2,
      `orgctl who-can: "read" is not a verb Kubernetes knows, and no role in ${dir} that can grant in web names it (its verbs: get, list, watch, create, update, patch, delete, deletecollection, use, bind, impersonate, approve, sign, escalate, attest, *; ask * for what only a wildcard grants)`,
    ]);
  });

  it('is asked as written when a role that applies names it (a custom verb), without a warning', async () => {
    for (const verb of ['frobnicate', 'gets']) {
      const r = await run([
        'can-i',
        verb,
        'widgets.example.com',
        '-n',
        'web',
        '--as',
        'narrow@acme.io',
        '--dir',
        custom,
      ]);
      expect([r.code, r.stdout], verb).toEqual([0, 'yes']);
      expect(r.stderr, verb).not.toContain('verb'); // only that widgets are no built-in type
    }
    const who = await run(['who-can', 'frobnicate', 'widgets.example.com', '--dir', custom, '--no-bootstrap']);
    expect(who.code).toBe(0);
    expect(who.stderr).not.toContain('verb');
    expect(who.stdout).toContain('narrow@acme.io');
    const why = await run(['explain', 'bob@acme.io', '-n', 'web', 'frobnicate', 'widgets.example.com', '--spec', spec]);
    expect(why.code).toBe(0);
    expect(why.stderr).not.toContain('verb');
    // A Role of another namespace cannot grant it in this one: there the verb is a typo as anywhere
    const elsewhere = await run([
      'can-i',
      'frobnicate',
      'widgets.example.com',
      '-n',
      'data',
      '--as',
      'narrow@acme.io',
      '--dir',
      custom,
    ]);
    expect([elsewhere.code, elsewhere.stderr.split('\n')[0]]).toEqual([
      2,
      `orgctl can-i: "frobnicate" is not a verb Kubernetes knows, and no role in ${custom} that can grant in data names it (its verbs: get, list, watch, create, update, patch, delete, deletecollection, use, bind, impersonate, approve, sign, escalate, attest, *; ask * for what only a wildcard grants)`,
    ]);
  });

  it("known verbs and constrained impersonation's are asked without a word", async () => {
    expect((await canI('get', 'pods', '-n', 'web', '--as', 'narrow@acme.io')).stderr).toBe('');
    expect((await canI('post', '/healthz', '--as', 'narrow@acme.io')).stderr).toBe('');
    // Constrained impersonation's verbs (Kubernetes 1.35+), which orgctl judges as the identity class
    for (const [verb, type] of [
      ['impersonate:serviceaccount', 'serviceaccounts.authentication.k8s.io'],
      ['impersonate:user-info', 'users.authentication.k8s.io'],
      ['impersonate-on:user-info:list', 'pods'],
    ])
      expect((await canI(verb!, type!, '-n', 'web', '--as', 'narrow@acme.io')).stderr, verb).not.toContain('verb');
    // a mode Kubernetes does not have is no verb
    const mode = await canI('impersonate:everyone', 'pods', '-n', 'web', '--as', 'narrow@acme.io');
    expect([mode.code, mode.stderr]).toEqual([
      2,
      expect.stringContaining('"impersonate:everyone" is not a verb Kubernetes knows'),
    ]);
  });
});

describe('can-i --list', () => {
  it("prints kubectl's table: rules broken down, compacted by resource, sorted, Go lists", async () => {
    const r = await canI('--list', '-n', 'web', '--as', 'narrow@acme.io', '--no-bootstrap');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'Resources                Non-Resource URLs   Resource Names   Verbs',
        'pods/log                 []                  []               [get list]',
        'pods                     []                  []               [get list]',
        // "Verbs:[get update patch]" sorts before "Verbs:[get update]" (' ' < ']'), as in Go
        'deployments.apps         []                  []               [get update patch]',
        'deployments.apps/scale   []                  []               [get update]',
        'configmaps               []                  [app-config]     [get]',
        'configmaps               []                  [flags]          [get]',
      ].join('\n'),
    );
  });

  it('lists the bootstrap rules by default, non-resource URLs one a row (kubectl prints /healthz twice)', async () => {
    const r = await canI('--list', '-n', 'web', '--as', 'narrow@acme.io', '--no-headers');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^selfsubjectreviews\.authentication\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/);
    // Without the header, columns are as wide as their widest cell plus 3.
    expect(lines).toContain('selfsubjectaccessreviews.authorization.k8s.io   []             []             [create]');
    expect(lines.filter((l) => /^\s+\[\/healthz\]\s+\[\]\s+\[get\]$/.test(l))).toHaveLength(2);
    // kubectl sorts by PolicyRule.String(): [/api/*] before [/api]
    expect(lines.findIndex((l) => l.includes('[/api/*]'))).toBeLessThan(lines.findIndex((l) => l.includes('[/api] ')));
    expect(lines.some((l) => l.startsWith('Resources'))).toBe(false);
  });

  it('as JSON, the same rules', async () => {
    const r = await canI('--list', '-n', 'web', '--as', 'wide@acme.io', '--no-bootstrap', '--format', 'json');
    expect(JSON.parse(r.stdout)).toEqual({
      user: 'wide@acme.io',
      groups: ['system:authenticated'],
      namespace: 'web',
      rules: [
        { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods/log'], resourceNames: [], nonResourceURLs: [] },
        { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'], resourceNames: [], nonResourceURLs: [] },
      ],
    });
  });

  it.each([
    [['--list', 'get', 'pods'], '--list takes no VERB or TYPE: it lists everything the user may do'],
    [['--list', '-A'], '--list cannot be used with -A or --subresource (as in kubectl): it lists one namespace'],
    [['--list', '--why'], '--why explains one answer; --list gives none'],
    [['get', 'pods', '--no-headers'], '--no-headers needs --list'],
  ])('refuses %j', async (args, message) => {
    const r = await canI(...args, '--as', 'wide@acme.io');
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining(message)]);
  });
});

describe('can-i --why and --format json', () => {
  it('--why is on stdout, after the answer; stderr stays for warnings', async () => {
    const r = await canI('get', 'pods', '-n', 'web', '--as', 'narrow@acme.io', '--why');
    expect([r.code, r.stdout, r.stderr]).toEqual([
      0,
      'yes\nRoleBinding web/here → ClusterRole pod-reader, rule 0: get,list on pods,pods/log',
      '',
    ]);
  });

  it('--format json gives the answer, the request and what decides it; the exit code is the answer', async () => {
    const yes = await canI('get', 'pods/log', '-n', 'web', '--as', 'narrow@acme.io', '--format', 'json');
    expect(yes.code).toBe(0);
    expect(JSON.parse(yes.stdout)).toEqual({
      allowed: true,
      user: 'narrow@acme.io',
      groups: ['system:authenticated'],
      allNamespaces: false,
      request: { verb: 'get', namespace: 'web', apiGroup: '', resource: 'pods', subresource: '', name: 'log' },
      by: {
        binding: { kind: 'RoleBinding', namespace: 'web', name: 'here' },
        role: { kind: 'ClusterRole', name: 'pod-reader' },
        rule: 0,
        ruleText: 'get,list on pods,pods/log',
        bootstrap: false,
      },
      reason: 'RoleBinding web/here → ClusterRole pod-reader, rule 0: get,list on pods,pods/log',
    });
    const no = await canI('delete', 'pods', '-A', '--as', 'narrow@acme.io', '--format', 'json');
    expect(no.code).toBe(1);
    const parsed = JSON.parse(no.stdout);
    expect([parsed.allowed, parsed.allNamespaces, parsed.request.namespace, parsed.by]).toEqual([
      false,
      true,
      '',
      undefined,
    ]);
  });
});

describe('can-i on a Namespace object', () => {
  it('asks in the Namespace itself (as the API server does), and warns of one nothing is bound in as of -n', async () => {
    // web has RoleBindings: no warning but kubectl's for the -n it ignores.
    const web = await canI('get', 'namespaces/web', '-n', 'data', '--as', 'narrow@acme.io');
    expect([web.stdout, web.stderr]).toEqual(['no', "warning: resource 'namespaces' is not namespace scoped"]);
    // A typo of it: named as a namespace asked with -n is.
    const typo = await canI('get', 'namespaces/wbe', '--as', 'narrow@acme.io');
    expect([typo.stdout, typo.stderr]).toEqual([
      'no',
      'warning: namespace wbe has no RoleBinding in these manifests: did you mean web? (the namespace with RoleBindings nearest it); only cluster-wide bindings can apply there',
    ]);
    // No Namespace named: asked cluster-wide, no namespace to warn of.
    expect((await canI('create', 'namespaces', '--as', 'narrow@acme.io')).stderr).toBe('');
  });
});
