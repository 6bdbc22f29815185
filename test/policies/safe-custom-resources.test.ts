/**
 * Writes in API groups orgctl does not know fail closed: a controller there may make pods from what
 * a custom resource says (GitHub's Actions Runner Controller runs a runner pod of any image, and is
 * classified: red team R76-8), so a
 * non-admin's named write there is refused unless the organization declares the resources safe
 * (`safeCustomResources`: an admin's word, a setting another admin approves).
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { run, smallOrg, synth, tempDir, TODAY } from '../helpers.ts';
import { runPolicies } from '../../policies/org/index.ts';
import { judgeManifests } from '../../policies/output/judge.ts';
import { baseSpec, distPair, judge, reviewPair, type Spec } from '../review/scenarios.ts';

/** Widgets of a group orgctl does not know: their controller may make pods, or may not (only an admin can tell). */
const RUNNERS = [{ apiGroups: ['widgets.example.com'], resources: ['widgets'], verbs: ['create', 'patch'] }];

describe('writes in API groups orgctl does not know', () => {
  it('a non-admin writing widgets through inline rules is refused (forbidden-grant), before and after synthesis', () => {
    const { org, web } = smallOrg();
    web.grantRules(org.user('bob@acme.io'), RUNNERS);
    const r = synth(org);
    expect(r.ok).toBe(false);
    const refused = r.findings.filter((f) => f.severity === 'error');
    expect(refused.map((f) => `${f.rule} ${f.subject}`)).toEqual(['forbidden-grant users/bob@acme.io → web']);
    expect(refused[0]!.message).toMatch(
      /lets a non-admin write widgets\.widgets\.example\.com, which orgctl does not know \(rule 0: create,patch on widgets\.widgets\.example\.com\)/,
    );
    expect(refused[0]!.message).toContain('safeCustomResources');
  });

  it('through a custom role too, and through a rule naming every group (*)', () => {
    const { org, web } = smallOrg();
    const runners = org.customRole('runners', RUNNERS);
    web.grant(org.user('bob@acme.io'), runners);
    web.grantRules(org.user('dan@acme.io'), [{ apiGroups: ['*'], resources: ['configmaps'], verbs: ['create'] }]);
    const r = synth(org);
    expect(r.ok).toBe(false);
    expect(
      r.findings
        .filter((f) => f.severity === 'error')
        .map((f) => `${f.rule} ${f.subject}`)
        .sort(),
    ).toEqual(['forbidden-grant users/bob@acme.io → web', 'forbidden-grant users/dan@acme.io → web']);
  });

  it('declared safe, the same grant passes without a finding; an admin needs no declaration', () => {
    const { org, web, alice } = smallOrg({
      safeCustomResources: [
        {
          group: 'widgets.example.com',
          resources: ['widgets'],
          reason: 'our widget controller makes no pods and reads no Secrets',
        },
      ],
    });
    web.grantRules(org.user('bob@acme.io'), RUNNERS);
    web.grantRules(alice, [{ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['create'] }]);
    const r = synth(org);
    expect(r.findings).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('a declaration covers only the resources it names: another resource of the group is still refused', () => {
    const { org, web } = smallOrg({
      safeCustomResources: [{ group: 'widgets.example.com', resources: ['gadgets'], reason: 'reviewed' }],
    });
    web.grantRules(org.user('bob@acme.io'), RUNNERS);
    const model = org.toModel();
    const errors = runPolicies(model, { today: TODAY }).filter((f) => f.severity === 'error');
    expect(errors.map((f) => f.rule)).toEqual(['forbidden-grant']);
    expect(errors[0]!.message).toContain('widgets.widgets.example.com');
  });

  it('metrics.k8s.io is an aggregated API, not Kubernetes itself: writes there are judged as any custom group', () => {
    // Found by a red-team review: it counted as built in, so a non-admin's create there was never judged.
    const { org, web } = smallOrg();
    web.grantRules(org.user('bob@acme.io'), [
      { apiGroups: ['metrics.k8s.io'], resources: ['widgets'], verbs: ['create'] },
    ]);
    expect(synth(org).findings.map((f) => `${f.severity} ${f.rule}`)).toEqual(['error forbidden-grant']);
  });

  it('reading or deleting custom resources needs no declaration (neither gives a controller anything to act on)', () => {
    const { org, web } = smallOrg();
    web.grantRules(org.user('bob@acme.io'), [
      { apiGroups: ['widgets.example.com'], resources: ['*'], verbs: ['get', 'list', 'watch'] },
      {
        apiGroups: ['widgets.example.com'],
        resources: ['widgets'],
        verbs: ['delete', 'deletecollection'],
      },
    ]);
    expect(synth(org).findings).toEqual([]);
  });

  it('a token writing there is a risky-grant warning unless declared safe (tokens are made by admins)', () => {
    const undeclared = smallOrg();
    undeclared.org.token('runner-admin').allow(undeclared.web, RUNNERS);
    const r = synth(undeclared.org);
    expect(r.ok).toBe(true);
    expect(r.findings.map((f) => `${f.severity} ${f.rule} ${f.subject}`)).toEqual([
      'warning risky-grant tokens/runner-admin',
    ]);
    const declared = smallOrg({
      safeCustomResources: [{ group: 'widgets.example.com', resources: ['widgets'], reason: 'reviewed' }],
    });
    declared.org.token('runner-admin').allow(declared.web, RUNNERS);
    expect(synth(declared.org).findings).toEqual([]);
  });

  it('the spec declares it too: the fixture passes with it and fails without it', async () => {
    const spec = (safe: string) => `apiVersion: orgctl/v1
kind: Organization
metadata: { name: acme }
spec:
  owner: alice@acme.io
${safe}  users:
    - { email: alice@acme.io, github: alice, githubId: 583231, admin: true }
    - { email: bob@acme.io }
  namespaces:
    - { name: web }
  grants:
    - { user: bob@acme.io, namespace: web, rules: [{ apiGroups: [monitoring.coreos.com], resources: [prometheusrules], verbs: [create] }] }
`;
    const dir = tempDir();
    writeFileSync(join(dir, 'refused.yaml'), spec(''));
    writeFileSync(
      join(dir, 'declared.yaml'),
      spec(
        '  safeCustomResources:\n    - { group: monitoring.coreos.com, resources: [prometheusrules], reason: "alerting and recording rules, never pods" }\n',
      ),
    );
    const refused = await run(['check', '--spec', join(dir, 'refused.yaml')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /forbidden-grant.*prometheusrules\.monitoring\.coreos\.com, which orgctl does not know/,
    );
    const declared = await run(['check', '--spec', join(dir, 'declared.yaml')]);
    expect(declared.stderr).toBe('');
    expect(declared.code).toBe(0);
  });
});

describe('the spec', () => {
  it('refuses a blank reason with its path (the schema, before the constructs)', async () => {
    const file = join(tempDir(), 'org.yaml');
    writeFileSync(
      file,
      'apiVersion: orgctl/v1\nkind: Organization\nmetadata: { name: acme }\nspec:\n  owner: alice@acme.io\n  safeCustomResources: [{ group: example.com, resources: [widgets], reason: " " }]\n  users: [{ email: alice@acme.io, admin: true }]\n',
    );
    const r = await run(['check', '--spec', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /org\.yaml:6:\d+: error spec spec\.safeCustomResources\[0\]\.reason: " " is not a text with something in it/,
    );
  });
});

describe('the judgement of the synthesized output', () => {
  // What the output judge sees when RBAC reaches it another way than a declared grant (hand-written, an upgrade).
  const objects = [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'runners', namespace: 'web' },
      rules: RUNNERS,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'runners', namespace: 'web' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'runners' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob@acme.io' }],
    },
  ];

  it('refuses a non-admin bound to undeclared writes, and passes them once declared', () => {
    const undeclared = smallOrg();
    undeclared.org.user('bob@acme.io');
    const found = judgeManifests(undeclared.org.toModel(), objects);
    expect(found.map((f) => `${f.severity} ${f.rule} ${f.subject}`)).toEqual([
      'error forbidden-grant users/bob@acme.io → web',
    ]);
    expect(found[0]!.message).toMatch(/^Role runners lets a non-admin write widgets\.widgets\.example\.com/);
    const declared = smallOrg({
      safeCustomResources: [{ group: 'widgets.example.com', resources: ['widgets'], reason: 'reviewed' }],
    });
    declared.org.user('bob@acme.io');
    expect(judgeManifests(declared.org.toModel(), objects)).toEqual([]);
  });
});

describe('what may be declared safe', () => {
  const declare = (safe: unknown) => () =>
    smallOrg({ safeCustomResources: safe as never }).org.toModel().safeCustomResources;

  it.each([
    [
      'a group Kubernetes serves itself',
      [{ group: 'apps', resources: ['deployments'], reason: 'x' }],
      /safeCustomResources\[0\]\.group\): "apps" is an API group Kubernetes serves itself/,
    ],
    [
      'the core group',
      [{ group: '', resources: ['pods'], reason: 'x' }],
      /safeCustomResources\[0\]\.group\): "" is an API group Kubernetes serves itself/,
    ],
    [
      'every group',
      [{ group: '*', resources: ['widgets'], reason: 'x' }],
      /safeCustomResources\[0\]\.group\): "\*" is not an API group name/,
    ],
    [
      'every resource',
      [{ group: 'example.com', resources: ['*'], reason: 'x' }],
      /safeCustomResources\[0\]\.resources\[0\]\): "\*" is not a resource name/,
    ],
    [
      'a resource whose controller creates pods',
      [{ group: 'argoproj.io', resources: ['workflowtaskresults', 'workflows'], reason: 'x' }],
      /safeCustomResources\[0\]\.resources\[1\]\): workflows\.argoproj\.io can never be declared safe: Argo Workflows \(argoproj\.io\) creates pods/,
    ],
    [
      'a subresource that reaches into a workload',
      [{ group: 'subresources.kubevirt.io', resources: ['virtualmachineinstances/console'], reason: 'x' }],
      /can never be declared safe: KubeVirt/,
    ],
    [
      'a resource whose controller writes Secrets of any type',
      [{ group: 'bitnami.com', resources: ['sealedsecrets'], reason: 'x' }],
      /sealedsecrets\.bitnami\.com can never be declared safe: Sealed Secrets \(bitnami\.com\) writes a Secret of whatever type/,
    ],
    [
      'a cluster-scoped one',
      [{ group: 'external-secrets.io', resources: ['clusterexternalsecrets'], reason: 'x' }],
      /can never be declared safe: External Secrets Operator/,
    ],
    ['no reason', [{ group: 'example.com', resources: ['widgets'], reason: ' ' }], /safeCustomResources\[0\]\.reason/],
    ['no resources', [{ group: 'example.com', resources: [], reason: 'x' }], /safeCustomResources\[0\]\.resources/],
    [
      'a resource name over 63 characters',
      [{ group: 'example.com', resources: [`w${'i'.repeat(63)}`], reason: 'x' }],
      /safeCustomResources\[0\]\.resources\[0\]\): "wi+" is not a resource name/,
    ],
    [
      'a group twice',
      [
        { group: 'example.com', resources: ['widgets'], reason: 'x' },
        { group: 'example.com', resources: ['gadgets'], reason: 'y' },
      ],
      /safeCustomResources\[1\]\.group\): "example\.com" is declared twice/,
    ],
    [
      'an unknown field',
      [{ group: 'example.com', resources: ['widgets'], reason: 'x', verbs: ['create'] }],
      /safeCustomResources\[0\]\.verbs/,
    ],
    ['not a list', { group: 'example.com' }, /safeCustomResources/],
  ])('refuses %s, saying where and what is allowed', (_what, safe, message) => {
    expect(declare(safe)).toThrow(message);
  });

  it('keeps a valid declaration sorted by group, resources sorted, as the model', () => {
    expect(
      declare([
        { group: 'monitoring.coreos.com', resources: ['prometheusrules'], reason: 'rules only' },
        { group: 'example.com', resources: ['widgets', 'gadgets'], reason: 'reviewed' },
      ])(),
    ).toEqual([
      { group: 'example.com', resources: ['gadgets', 'widgets'], reason: 'reviewed' },
      { group: 'monitoring.coreos.com', resources: ['prometheusrules'], reason: 'rules only' },
    ]);
  });
});

describe('through the review', () => {
  const widgets = (s: Spec) => {
    s.spec.grants = [
      ...(s.spec.grants ?? []),
      {
        user: 'bob@acme.io',
        namespace: 'data',
        rules: [{ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['create'] }],
      },
    ];
  };
  const declared = (s: Spec) => {
    (s.spec as { safeCustomResources?: unknown }).safeCustomResources = [
      { group: 'example.com', resources: ['widgets'], reason: 'no controller reads them' },
    ];
    widgets(s);
  };

  it('declaring resources safe is a setting another admin approves; the comment says what it lifts and why', async () => {
    const sides = await distPair(baseSpec(), declared);
    const alone = await reviewPair(sides, '--actor', 'alice');
    expect(alone.code).toBe(1);
    expect(alone.stdout).toContain(
      '| `settings-change` | ❌ | settings change (safeCustomResources (none) → \\[widgets.example.com\\]): an admin who is not an author must approve the head commit |',
    );
    expect(alone.stdout).toContain(
      `- setting safeCustomResources example.com \\[\\] → \\[widgets\\]: people who are not admins may be granted writes to widgets, on an admin's word that no controller makes pods, reads Secrets or takes identities from them: "no controller reads them"`,
    );
    expect((await reviewPair(sides, '--actor', 'alice', '--approved-by', 'frank')).code).toBe(0);
  });

  it('a token gaining undeclared custom-resource writes is admin-grade, as one gaining create pods is: another admin approves', () => {
    // Found by a red-team review: a non-admin's pull request creating such a token passed with one admin's approval.
    const tokenWith = (rules: unknown[]) => (s: Spec) => {
      s.spec.tokens = [
        ...(s.spec.tokens ?? []),
        { id: 'runner-bot', name: 'Runner bot', rbac: [{ namespace: 'web', rules }] },
      ] as never;
    };
    const bobWithAlice = { actors: ['bob'], approvals: ['alice'] };
    expect(judge(baseSpec(), tokenWith(RUNNERS), bobWithAlice).failed).toEqual(['admin-change-approval']);
    expect(judge(baseSpec(), tokenWith(RUNNERS), { actors: ['bob'], approvals: ['alice', 'frank'] }).ok).toBe(true);
    // Declared safe (another admin approved that), the same token is routine; reading needs nothing.
    const declaredBase = baseSpec();
    (declaredBase.spec as { safeCustomResources?: unknown }).safeCustomResources = [
      { group: 'widgets.example.com', resources: ['widgets'], reason: 'reviewed' },
    ];
    expect(judge(declaredBase, tokenWith(RUNNERS), bobWithAlice).ok).toBe(true);
    const reads = [{ apiGroups: ['widgets.example.com'], resources: ['widgets'], verbs: ['get'] }];
    expect(judge(baseSpec(), tokenWith(reads), bobWithAlice).ok).toBe(true);
  });

  it('a forged head that grants the write but leaves the declaration out of its membership data is refused', async () => {
    const sides = await distPair(baseSpec(), declared);
    // The head's RBAC as declared; its organization settings without the declaration (so no setting changes).
    const strip = (text: string) =>
      text.replace(
        ',"safeCustomResources":[{"group":"example.com","resources":["widgets"],"reason":"no controller reads them"}]',
        '',
      );
    const { readdirSync, readFileSync, statSync } = await import('node:fs');
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
    let stripped = 0;
    for (const file of walk(sides.head)) {
      const text = readFileSync(file, 'utf8');
      const members = (t: string) => JSON.parse(t) as { organization: Record<string, unknown> };
      const forged = file.endsWith('members.json')
        ? `${JSON.stringify({ ...members(text), organization: { ...members(text).organization, safeCustomResources: undefined } }, null, 2)}\n`
        : strip(text);
      if (forged !== text) stripped++;
      writeFileSync(file, forged);
    }
    expect(stripped).toBeGreaterThan(1);
    const r = await reviewPair(sides, '--actor', 'alice', '--approved-by', 'frank', '--format', 'json');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/forbidden-grant/);
    expect(r.stdout).toMatch(/widgets\.example\.com, which orgctl does not know/);
  });
});
