/**
 * A person deactivated while their grants sit in namespaces of two clusters (dist/lga1/... and
 * dist/ord1/...): every cluster's output drops them, and the diff and the review's comment say each
 * loss, whichever cluster it is in. bob holds web (lga1 only), data (ord1 only) and ops (both); his
 * token bots, in data, goes with him (token-owner-inactive asks for that).
 */
import { describe, expect, it } from 'vitest';
import { docs } from './helpers.ts';
import { baseSpec, diffOf, distPair, outputOf, reviewPair, token, user, type Spec } from './review/scenarios.ts';

const bob = 'bob@acme.io';

/** baseSpec in lga1 and ord1: web in lga1 only, data in ord1 only, ops in both; bob granted in each. */
function split(): Spec {
  const s = baseSpec();
  s.spec.clusters = ['lga1', 'ord1'];
  s.spec.namespaces = [{ name: 'web', clusters: ['lga1'] }, { name: 'data', clusters: ['ord1'] }, { name: 'ops' }];
  s.spec.grants.push(
    { user: bob, namespace: 'data', levels: ['r:secrets'] },
    { user: bob, namespace: 'ops', levels: ['r:pods'] },
    { user: bob, namespace: 'data', rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] },
  );
  return s;
}

const deactivate = (s: Spec) => {
  user(s, bob).status = 'deactivated';
  token(s, 'bots').status = 'deactivated';
};

/** Where bob and his token's ServiceAccount are bound, as `cluster namespace subject`, each once. */
function bindingsOfBob(spec: Spec): string[] {
  const held = new Set<string>();
  for (const f of outputOf(spec)) {
    if (!f.path.endsWith('.yaml')) continue;
    for (const d of docs(f.content)) {
      if (!/Binding$/.test(d.kind)) continue;
      for (const { name } of (d.subjects ?? []) as { name: string }[])
        if (name === bob || name === 'token-bots') held.add(`${f.path.split('/')[0]} ${d.metadata.namespace} ${name}`);
    }
  }
  return [...held].sort();
}

const head = () => {
  const s = split();
  deactivate(s);
  return s;
};

describe('deactivation across clusters: grants in namespaces of lga1 and of ord1', () => {
  it("every cluster's output drops bob's and his token's bindings", () => {
    // The scenario holds what it says: bob bound in each cluster, ops in both, bots in ord1.
    expect(bindingsOfBob(split())).toEqual([
      `lga1 ops ${bob}`,
      `lga1 web ${bob}`,
      `ord1 data ${bob}`,
      'ord1 data token-bots',
      `ord1 ops ${bob}`,
    ]);
    expect(bindingsOfBob(head())).toEqual([]);
  });

  const losses = [
    'is deactivated',
    'loses r:secrets in data',
    'can no longer read Secrets in data',
    'loses r:pods, w:services in web',
    'can no longer intercept network traffic in web',
    'loses r:pods in ops',
    'loses custom RBAC acme:custom:bob@acme.io in data',
  ];

  it("the diff says each of bob's losses, in either cluster's namespaces, and the token's", () => {
    const d = diffOf(split(), deactivate);
    const said = d.people.find((p) => p.id === bob)?.changes.map((c) => c.text) ?? [];
    for (const line of losses) expect(said, line).toContain(line);
    const bots = d.tokens.find((t) => t.id === 'bots')?.changes.map((c) => c.text) ?? [];
    expect(bots).toContain('loses r:full in data');
  });

  it('orgctl review of the two dist/ folders passes, its comment saying the same losses', async () => {
    const sides = await distPair(split(), deactivate);
    const r = await reviewPair(sides, '--actor', 'alice', '--approved-by', 'frank');
    expect(r.code, r.stderr).toBe(0);
    // The comment breaks an address's autolink with an empty HTML comment.
    const comment = r.stdout.replaceAll('<!-- -->', '');
    for (const line of [...losses, 'loses r:full in data']) expect(comment, line).toContain(`- ${line}\n`);
  });
});
