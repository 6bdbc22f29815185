/**
 * Red team R: what a person who is not an admin can end up able to do through the declaration,
 * judged against Kubernetes' own semantics (the API server's request attributes, admission rules).
 */
import { describe, expect, it } from 'vitest';
import type { PolicyRule } from '../model/catalog.ts';
import { docs, files, smallOrg, synth } from './helpers.ts';

const ARGO = 'system:serviceaccount:argocd:argocd-application-controller';

/** The findings synthesis gives a non-admin, bob, holding `rules` in web as inline rules. */
function findingsOfBob(rules: PolicyRule[]) {
  const { org, web } = smallOrg();
  web.grantRules(org.user('bob@acme.io', { github: 'bob' }), rules);
  return synth(org).findings.filter((f) => f.subject.startsWith('users/bob@acme.io'));
}

describe('R1: a Namespace is reached through its subresources too', () => {
  // The API server evaluates a request on Namespace X, and on its `status` and `finalize`
  // subresources, in namespace X (requestinfo.go: namespaceSubresources), so a RoleBinding in X
  // grants them. Their update strategies (pkg/registry/core/namespace/strategy.go) reset only the
  // spec (status) or the status (finalize): the labels of the request are written, Pod Security's
  // included. Deleting Namespace X deletes everything in it, as w:full may; an update writes its
  // ownerReferences too, which the garbage collector deletes it by (R52-2: hold-delivery, an error).
  it.each([
    ['update on namespaces/finalize', [{ apiGroups: [''], resources: ['namespaces/finalize'], verbs: ['update'] }]],
    ['patch on namespaces/status', [{ apiGroups: [''], resources: ['namespaces/status'], verbs: ['patch'] }]],
    ['update on */finalize', [{ apiGroups: [''], resources: ['*/finalize'], verbs: ['update'] }]],
    // Deleting Namespace X is reserved for admins since R49-2 (hold-delivery): redteam-r49.test.ts.
  ])('a non-admin with %s is refused, as with patch on namespaces', (_what, rules) => {
    const found = findingsOfBob(rules as PolicyRule[]);
    expect(found.map((f) => `${f.severity} ${f.rule}`)).toContain('error forbidden-grant');
    expect(found.find((f) => f.rule === 'forbidden-grant')!.message).toMatch(
      /hold up revocations|update the namespace itself/,
    );
  });
});

describe('R2: namespace protection and the subresources of a Namespace', () => {
  /**
   * Whether an admission rule's resources match a request, as the API server matches them
   * (k8s.io/apiserver pkg/admission/plugin/webhook/predicates/rules: `res/sub`, `*` either side;
   * `namespaces` alone matches no subresource).
   */
  const matches = (resources: readonly string[], resource: string, subresource: string) =>
    resources.some((r) => {
      const [res, sub = ''] = r.split('/') as [string, string?];
      return (res === '*' || res === resource) && (sub === '*' || sub === subresource);
    });

  it('the policy sees an UPDATE of a protected Namespace through namespaces/finalize and namespaces/status', () => {
    const { org } = smallOrg({ namespaceProtection: { appliedBy: ARGO } });
    const cluster = [...files(org).entries()].find(([p]) => p.endsWith('cluster/resources.yaml'))![1];
    const vap = docs(cluster).find((o) => o.kind === 'ValidatingAdmissionPolicy')!;
    const rules = vap.spec.matchConstraints.resourceRules as { resources: string[]; operations: string[] }[];
    const seen = (operation: string, subresource: string) =>
      rules.some((r) => r.operations.includes(operation) && matches(r.resources, 'namespaces', subresource));
    expect(seen('DELETE', '')).toBe(true);
    expect(seen('UPDATE', '')).toBe(true);
    // A w:full token (or anyone holding update on namespaces/finalize) relabels web past the policy.
    expect(seen('UPDATE', 'finalize')).toBe(true);
    expect(seen('UPDATE', 'status')).toBe(true);
  });
});

describe('R3: a rotated token is judged as before its rotation', () => {
  it('a token that can escalate in web keeps its risky-grant warning once rotated', () => {
    const warnings = (rotated: boolean) => {
      const { org, web } = smallOrg();
      const robot = org.token('robot');
      robot.allow(web, [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['escalate'] }]);
      if (rotated) robot.rotate();
      return synth(org)
        .findings.filter((f) => f.rule === 'risky-grant' && f.subject === 'tokens/robot')
        .map((f) => f.message);
    };
    expect(warnings(false)).toHaveLength(1);
    expect(warnings(true)).toEqual(warnings(false));
  });
});
