/**
 * Red team R132: the last session's fast paths in the review (7eebf45's proof against base, the
 * strict reader's bookkeeping, lazy spec user ids) and the trust leftovers of R129-R131.
 *
 * R132-1 (no hole; kept): the binding of a role new in its namespace, written as one person's
 * render with the others spliced in (7eebf45), is compared with head's text as any: a Group, a
 * subject without apiGroup, a token's ServiceAccount, a subject twice, a quoted kind, two parts by
 * hand, another namespace, a trailing separator, an escaped name are refused by the strict reader
 * or left to the full proof, which refuses them.
 *
 * R132-2 (low: mass-removal over a rolling window): `review --window` read the window's output
 * without the aggregation refusal diff and review apply to base and head (R129-1): an older output
 * holding an aggregated ClusterRole was counted by the rules written in it, not the ones the
 * cluster gathered.
 *
 * R132-3 (low: can-i, who-can, access): `aggregationRule: {}` was refused by diff but read as no
 * aggregation by readRbac, its written rules counted, where the aggregation controller replaces
 * them with those of no role (and the API server refuses an aggregationRule without selectors).
 *
 * R132-4 (low: a warning): a dump listing a bootstrap role's rules in another order, or a rule's
 * verbs in another order, read as a rewritten bootstrap role, where Kubernetes' reconciler
 * compares rules by what they cover.
 *
 * R132-5 (low: a message): base-moved said a head whose commit list could not be read as its
 * history "is behind" the default branch.
 *
 * R132-6 (no hole; kept): a spec user's construct id made lazily (764e996) is the eager one, with
 * duplicates, case, ids a later email takes and code after the spec, in every loading mode; the
 * proof's loading (no spec paths) makes each as it is declared, as before. The strict reader's
 * first-read rows (928c519, 389b06a) place an object where the JSON key placed it: held by reading.
 */
import { join } from 'node:path';
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { BOOTSTRAP_ROLES, rewritesBootstrapRole } from '../analysis/bootstrap.ts';
import { rulesCover } from '../analysis/rules.ts';
import type { OutputText } from '../cli/output-read.ts';
import type { PolicyRule } from '../model/catalog.ts';
import { Organization } from '../constructs/index.ts';
import * as standin from './github/standin.ts';
import { exampleClusterShardsEdited, ROOT, run, TODAY } from './helpers.ts';
import { baseSpec, outputOf, proofsOf, refusesEach, type Spec } from './review/scenarios.ts';

const dist = join(ROOT, 'dist');

const clusterShardEdited = (edit: (text: string) => string): string => exampleClusterShardsEdited('orgctl-r132-', edit);

const R_PODS_NAME = '  name: acme:r:pods\nrules:\n';

describe('R132-1: the proof against base and a role new in its namespace (held)', () => {
  const spec = (edit: (s: Spec) => void = () => {}) => {
    const s = baseSpec();
    s.spec.clusters = ['lga1', 'ord1'];
    edit(s);
    return s;
  };
  const base = outputOf(spec());
  // erin, gina and hal gain r:events in data, where nobody holds it in base: the binding the proof
  // writes from one person's render with the others spliced in.
  const head = outputOf(
    spec((s) => {
      for (const n of ['erin', 'gina', 'hal'])
        s.spec.grants.push({ user: `${n}@acme.io`, namespace: 'data', levels: ['r:events'] });
    }),
  );
  const entry = (name: string) => `- apiGroup: rbac.authorization.k8s.io\n  kind: User\n  name: ${name}\n`;
  /** head with data's r:events binding (its text in each cluster's shard file) changed by `edit`. */
  const inEvents = (edit: (binding: string) => string): OutputText[] =>
    head.map((f) => {
      if (!f.path.includes('/shard-') || !f.content.includes('  name: acme:r:events\n  namespace: data\n')) return f;
      const docs = f.content.split('\n---\n');
      const at = docs.findIndex((d) => d.includes('  name: acme:r:events\n  namespace: data\n'));
      const changed = edit(docs[at]!);
      expect(changed).not.toBe(docs[at]);
      docs[at] = changed;
      return { ...f, content: docs.join('\n---\n') };
    });

  it('proves the change itself', () => {
    expect(proofsOf(base, head)).toEqual({ againstBase: { proved: true, namespaces: 1, files: 2 }, full: true });
  });

  const forgeries: [string, OutputText[]][] = [
    [
      'a Group among the people',
      inEvents((b) => `${b}- apiGroup: rbac.authorization.k8s.io\n  kind: Group\n  name: devs\n`),
    ],
    [
      'a subject without its apiGroup',
      inEvents((b) => b.replace(entry('gina@acme.io'), '- kind: User\n  name: gina@acme.io\n')),
    ],
    [
      "token bots' ServiceAccount among the people",
      inEvents((b) => `${b}- kind: ServiceAccount\n  name: token-bots\n  namespace: acme-system\n`),
    ],
    [
      'a subject named twice in the middle',
      inEvents((b) => b.replace(entry('gina@acme.io'), entry('gina@acme.io').repeat(2))),
    ],
    ['its kind quoted', inEvents((b) => b.replace('  kind: User\n  name: hal', '  kind: "User"\n  name: hal'))],
    [
      'split by hand into two parts',
      inEvents((b) => {
        const part2 = b.replace('name: acme:r:events\n', 'name: acme:r:events:2\n');
        return `${b.replace(entry('hal@acme.io'), '')}---\n${part2.slice(0, part2.indexOf('subjects:\n'))}subjects:\n${entry('hal@acme.io')}`;
      }),
    ],
    ["in namespace web, among data's", inEvents((b) => b.replace('  namespace: data\n', '  namespace: web\n'))],
    ['a document separator after it', inEvents((b) => `${b}---\n`)],
    [
      'a name in double quotes with an escape',
      inEvents((b) => b.replace('  name: erin@acme.io\n', '  name: "erin\\x40acme.io"\n')),
    ],
  ];
  refusesEach(base, head, forgeries);
});

describe('R132-2: review --window and an aggregated ClusterRole', () => {
  it('a window holding one is refused, as base and head are', async () => {
    const window = clusterShardEdited((t) =>
      t.replace(
        R_PODS_NAME,
        '  name: acme:r:pods\naggregationRule:\n  clusterRoleSelectors:\n  - matchLabels:\n      rbac.authorization.k8s.io/aggregate-to-admin: "true"\nrules:\n',
      ),
    );
    const r = await run(['review', '--base', dist, '--head', dist, '--window', window, '--actor', 'alice']);
    expect(r.code, r.stdout).toBe(2);
    expect(r.stderr).toMatch(/window .*ClusterRole acme:r:pods .*aggregationRule/);
  });
});

describe('R132-3: aggregationRule: {} read alike by every reader', () => {
  const empty = () =>
    clusterShardEdited((t) => t.replace(R_PODS_NAME, '  name: acme:r:pods\naggregationRule: {}\nrules:\n'));

  it('diff refuses it', async () => {
    const r = await run(['diff', '--base', dist, '--head', empty(), '--format', 'text']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ClusterRole acme:r:pods .*aggregationRule/);
  });

  it('can-i counts none of its rules (the controller gathers those of no role), and warns', async () => {
    const asked = 'can-i get pods -n web --as bob@acme.io --no-bootstrap --dir'.split(' ');
    const r = await run([...asked, empty()]);
    expect(r.stdout).toBe('no');
    expect(r.stderr).toMatch(/ClusterRole acme:r:pods .*aggregationRule/);
  });
});

describe('R132-4: a bootstrap role with its rules in another order is not rewritten', () => {
  const discovery = BOOTSTRAP_ROLES.find((r) => r.name === 'system:discovery')!;

  it("rules reversed, and each rule's lists reversed", () => {
    expect(discovery.rules.length).toBeGreaterThan(0);
    expect(rewritesBootstrapRole(discovery.name, discovery.rules)).toBe(false);
    const reversed = [...discovery.rules].reverse().map((r) => ({
      ...r,
      verbs: [...r.verbs].reverse(),
      ...(r.nonResourceURLs ? { nonResourceURLs: [...r.nonResourceURLs].reverse() } : {}),
    }));
    expect(rewritesBootstrapRole(discovery.name, reversed)).toBe(false);
  });

  it('one more rule, or one rule less, still is', () => {
    expect(
      rewritesBootstrapRole(discovery.name, [
        ...discovery.rules,
        { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
      ]),
    ).toBe(true);
    expect(rewritesBootstrapRole(discovery.name, discovery.rules.slice(1))).toBe(true);
    expect(rewritesBootstrapRole(discovery.name, [{ nonResourceURLs: ['*'], verbs: ['get'] }])).toBe(true);
  });
});

describe('rulesCover, as Kubernetes compares rules (Covers)', () => {
  const rule = (r: Partial<PolicyRule>): PolicyRule => ({ verbs: ['get'], ...r });
  const pods = (r: Partial<PolicyRule> = {}) => rule({ apiGroups: [''], resources: ['pods'], ...r });
  it.each([
    ['a wildcard verb', [pods({ verbs: ['*'] })], pods({ verbs: ['get', 'list'] }), true],
    ['*/status a subresource', [pods({ resources: ['*/status'] })], pods({ resources: ['pods/status'] }), true],
    ['*/status not the resource', [pods({ resources: ['*/status'] })], pods(), false],
    ['named resources by every name', [pods()], pods({ resourceNames: ['a'] }), true],
    ['every name by named ones', [pods({ resourceNames: ['a'] })], pods(), false],
    [
      'a URL by a prefix',
      [rule({ nonResourceURLs: ['/api/*'] })],
      rule({ nonResourceURLs: ['/api/v1', '/api/'] }),
      true,
    ],
    ['a URL by another', [rule({ nonResourceURLs: ['/api'] })], rule({ nonResourceURLs: ['/apis'] }), false],
    ['two rules covering one', [pods(), pods({ apiGroups: ['apps'] })], pods({ apiGroups: ['', 'apps'] }), true],
    ['another group', [pods()], pods({ apiGroups: ['apps'] }), false],
  ] as const)('%s', (_, owner, servant, covered) => {
    expect(rulesCover(owner, [servant])).toBe(covered);
  });
});

describe("R132-5: base-moved and a commit list that is not the head's history", () => {
  const start = standin.standinPerTest();

  it('fails the success saying the list could not be read, not that the head is behind', async () => {
    const tip = standin.fakeSha('main after #41 merged');
    const head = standin.fakeSha('the head');
    const listed = [0, 1].map((i) => ({ sha: standin.fakeSha(`another ${i}`), authorLogin: 'bob', verified: true }));
    const state = standin.defaultState({
      defaultBranchSha: tip,
      pull: { ...standin.defaultState().pull, headSha: head },
      commits: listed,
      checkRuns: [standin.reviewSuccess(1, head)],
    });
    const one = await start(state);
    const { io } = await standin.reviewOnStandin(
      one,
      { base: dist, head: dist, 'base-moved': true },
      standin.pushEvent('refs/heads/main', tip),
    );
    const posted = state.checkRuns.filter((c) => c.id > 1);
    expect(posted.map((c) => [c.headSha, c.conclusion])).toEqual([[head, 'failure']]);
    const said = io.errs.join('\n');
    expect(said).not.toMatch(/is behind/);
    expect(said).toMatch(/commits/);
  });
});

describe('R132-6: lazy spec user ids (764e996) are the eager ones (held)', () => {
  // Pinned from a7ff671, which made every spec user's id when it was declared: duplicates, a case
  // apart, an id a later email takes (`a@acme.io#2`), code after the spec, in every loading mode.
  const users = ['a@acme.io', 'a@acme.io', 'A@acme.io', 'b@acme.io', 'c@acme.io'].map((email) => ({ email }));
  it.each([
    [true, true],
    [true, false],
    [false, true],
    [false, false],
  ])('userRecords %s, specPaths %s', (userRecords, specPaths) => {
    const org = Organization.fromSpec(
      new App(),
      {
        apiVersion: 'orgctl/v1',
        kind: 'Organization',
        metadata: { name: 'acme' },
        spec: { owner: 'a@acme.io', users, namespaces: [{ name: 'web' }] },
      },
      { today: TODAY, specPaths, userRecords, schema: false },
    );
    const made = ['a@acme.io', 'a@acme.io#2', 'b@acme.io', 'd@acme.io'].map((e) => org.user(e).node.path);
    expect(made).toEqual([
      'acme/users/a@acme.io#3',
      'acme/users/a@acme.io#2#2',
      'acme/users/b@acme.io#2',
      'acme/users/d@acme.io',
    ]);
    const sources = org.toModel().users.map((u) => u.source);
    expect(sources.slice(0, 3)).toEqual(
      specPaths
        ? [0, 1, 2].map((i) => ({ spec: `spec.users[${i}]` }))
        : ['a@acme.io', 'a@acme.io#2', 'A@acme.io'].map((id) => ({ construct: `acme/users/${id}` })),
    );
  });
});
