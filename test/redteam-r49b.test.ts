/**
 * Red team R49-3 (base 3bf9dc4), left open by R49: a non-admin who may write an object orgctl
 * itself writes in a namespace (its NetworkPolicy through w:networkpolicies, its LimitRange through
 * custom rules on limitranges) can put a finalizer of their own on it, or an ownerReference. When
 * Argo CD prunes that object (the guard rail dropped from the declaration, the namespace removed),
 * the object stays, and gitops-engine's sync waits for its deletion (prunedTasksPendingDelete)
 * forever: the shard's sync operation never ends, holding every later revocation in that shard,
 * other namespaces' included. PrunePropagationPolicy=background does not help: the finalizer is on
 * the object itself. The `risky-grant` warning for such a writer said what the write undoes, not
 * this hold; and namespace protection refused only a Namespace's deletion and relabelling.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidatingAdmissionPolicy } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy';
import { ValidatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding';
import type { PolicyRule } from '../model/catalog.ts';
import { WRITTEN_KINDS } from '../synth/kinds.ts';
import { admission, ARGO, writtenObjects, type Obj } from './boundary-admission.ts';
import { docs, files, ROOT, smallOrg, synth } from './helpers.ts';

/** What a finding naming the hold says, in its words or close to them. */
const NAMES_THE_HOLD = [/finalizer/, /prunes/, /waits .*forever/, /revocation/];

describe('R49-3 (warning): a writer of a kind orgctl writes in a namespace is told of the hold', () => {
  const warnings = (grant: (org: ReturnType<typeof smallOrg>['org'], ns: any, bob: any) => void) => {
    const { org } = smallOrg();
    const data = org.namespace('data', { networkPolicy: 'same-namespace', limits: { max: { cpu: '2' } } });
    const bob = org.user('bob@acme.io', { github: 'bob' });
    grant(org, data, bob);
    const r = synth(org);
    return r.findings.filter((f) => f.rule === 'risky-grant' && f.subject === 'namespaces/data').map((f) => f.message);
  };

  it('w:networkpolicies where a NetworkPolicy is declared: the warning names the finalizer and the held sync', () => {
    const found = warnings((_o, data, bob) => data.grant(bob, 'w:networkpolicies'));
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('NetworkPolicies');
    for (const words of NAMES_THE_HOLD) expect(found[0]).toMatch(words);
  });

  it('custom rules updating limitranges where a LimitRange is declared: the same', () => {
    const rules: PolicyRule[] = [{ apiGroups: [''], resources: ['limitranges'], verbs: ['update'] }];
    const found = warnings((_o, data, bob) => data.grantRules(bob, rules));
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('LimitRanges');
    for (const words of NAMES_THE_HOLD) expect(found[0]).toMatch(words);
  });
});

describe('R49-3 (admission): namespace protection refuses finalizers and ownerReferences on what orgctl writes', () => {
  const BOB = 'bob@acme.io';
  const GC = 'system:serviceaccount:kube-system:generic-garbage-collector';
  const NAMESPACE_CONTROLLER = 'system:serviceaccount:kube-system:namespace-controller';
  const { org, alice, web } = smallOrg({ namespaceProtection: { appliedBy: ARGO } });
  org.namespace('data', { networkPolicy: 'same-namespace', limits: { max: { cpu: '2' } }, quota: { pods: '10' } });
  // A Role (custom rules), and a token's ServiceAccount and Secret: every kind orgctl writes.
  web.grantRules(org.user(BOB), [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]);
  org.token('ci', { owner: alice, namespaces: ['web'] });
  const out = files(org);
  const cluster = [...out.entries()].find(([p]) => p.endsWith('cluster/resources.yaml'))![1];
  const policy = docs(cluster).find((o) => o.kind === 'ValidatingAdmissionPolicy')!;
  const binding = docs(cluster).find((o) => o.kind === 'ValidatingAdmissionPolicyBinding')!;
  const written = writtenObjects(out);
  const of = (kind: string) => written.find((w) => w.object.kind === kind)!.object;
  const with_ = (o: Obj, metadata: Obj): Obj => ({ ...o, metadata: { ...o.metadata, ...metadata } });
  const HOLD = 'example.com/hold';
  const OWNER = { apiVersion: 'v1', kind: 'ConfigMap', name: 'mine', uid: '1234', blockOwnerDeletion: true };

  it('is still a policy and binding Kubernetes accepts', () => {
    new ValidatingAdmissionPolicy(policy as never).validate();
    new ValidatingAdmissionPolicyBinding(binding as never).validate();
  });

  it("refuses a non-applier's finalizer or ownerReference added to every kind of the organization's objects", () => {
    const kinds = new Set(written.map((w) => w.object.kind));
    for (const k of ['NetworkPolicy', 'LimitRange', 'ResourceQuota', 'Role', 'RoleBinding', 'ClusterRole', 'Namespace'])
      expect(kinds).toContain(k);
    for (const kind of kinds) {
      const o = of(kind);
      for (const added of [{ finalizers: [HOLD] }, { ownerReferences: [OWNER] }]) {
        const v = admission(policy, { operation: 'UPDATE', username: BOB, object: with_(o, added), oldObject: o });
        expect(v.matched, kind).toBe(true);
        expect(v.denied.join('\n'), kind).toMatch(/holds on organization acme's objects/);
      }
    }
  });

  it('matches every kind orgctl writes (WRITTEN_KINDS), created and updated', () => {
    const rules = policy.spec.matchConstraints.resourceRules as Obj[];
    for (const { group, kind } of [...WRITTEN_KINDS.cluster, ...WRITTEN_KINDS.namespaced]) {
      const resource = `${kind.toLowerCase().replace(/y$/, 'ie')}s`;
      for (const operation of ['CREATE', 'UPDATE'])
        expect(
          rules.some(
            (r) => r.apiGroups.includes(group) && r.operations.includes(operation) && r.resources.includes(resource),
          ),
          `${operation} ${kind}`,
        ).toBe(true);
    }
  });

  it('refuses it when the same update drops the organization label (either object selects)', () => {
    const o = of('NetworkPolicy');
    const { 'orgctl.io/organization': _, ...rest } = o.metadata.labels;
    const v = admission(policy, {
      operation: 'UPDATE',
      username: BOB,
      object: with_(o, { labels: rest, finalizers: [HOLD] }),
      oldObject: o,
    });
    expect(v.denied.join('\n')).toMatch(/holds on organization acme's objects/);
  });

  it('refuses dropping or changing the organization label first, which would leave a later update unselected', () => {
    for (const kind of ['NetworkPolicy', 'LimitRange', 'RoleBinding']) {
      const o = of(kind);
      const { 'orgctl.io/organization': _, ...rest } = o.metadata.labels;
      for (const labels of [rest, { ...rest, 'orgctl.io/organization': 'other' }]) {
        const v = admission(policy, { operation: 'UPDATE', username: BOB, object: with_(o, { labels }), oldObject: o });
        expect(v.denied.join('\n'), kind).toMatch(/organization label/);
        expect(
          admission(policy, { operation: 'UPDATE', username: ARGO, object: with_(o, { labels }), oldObject: o }).denied,
        ).toEqual([]);
      }
    }
  });

  it("refuses a non-applier's create of a labelled object carrying a finalizer or an ownerReference", () => {
    const o = of('NetworkPolicy');
    for (const added of [{ finalizers: [HOLD] }, { ownerReferences: [OWNER] }])
      expect(admission(policy, { operation: 'CREATE', username: BOB, object: with_(o, added) }).denied).not.toEqual([]);
  });

  it("admits Argo CD's applies and prunes of every object orgctl writes", () => {
    for (const w of written) {
      for (const operation of ['CREATE', 'UPDATE'] as const)
        expect(admission(policy, { operation, username: ARGO, object: w.object }).denied, w.object.kind).toEqual([]);
      expect(admission(policy, { operation: 'DELETE', username: ARGO, object: w.object }).denied).toEqual([]);
    }
  });

  it('admits the garbage collector stripping orphan, foregroundDeletion and ownerReferences', () => {
    const o = of('NetworkPolicy');
    const held = with_(o, { finalizers: ['orphan', 'foregroundDeletion', HOLD], ownerReferences: [OWNER] });
    for (const after of [
      with_(o, { finalizers: ['foregroundDeletion', HOLD], ownerReferences: [OWNER] }),
      with_(o, { finalizers: [HOLD] }),
    ])
      expect(admission(policy, { operation: 'UPDATE', username: GC, object: after, oldObject: held }).denied).toEqual(
        [],
      );
  });

  it("admits anyone removing every finalizer and ownerReference (an admin unsticking a prune), and others' edits that keep them", () => {
    const o = of('LimitRange');
    const held = with_(o, { finalizers: [HOLD], ownerReferences: [OWNER] });
    expect(admission(policy, { operation: 'UPDATE', username: BOB, object: o, oldObject: held }).denied).toEqual([]);
    const spec = { ...held, spec: { limits: [] } };
    expect(admission(policy, { operation: 'UPDATE', username: BOB, object: spec, oldObject: held }).denied).toEqual([]);
  });

  it("admits the namespace controller's deletes, and leaves objects not labelled with the organization alone", () => {
    for (const w of written.filter((x) => x.object.kind !== 'Namespace'))
      expect(
        admission(policy, { operation: 'DELETE', username: NAMESPACE_CONTROLLER, object: w.object }).denied,
      ).toEqual([]);
    const theirs = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'mine', namespace: 'web' } };
    const v = admission(policy, {
      operation: 'UPDATE',
      username: BOB,
      object: with_(theirs, { finalizers: [HOLD] }),
      oldObject: theirs,
    });
    expect(v.matched).toBe(false);
  });

  it("still refuses only a Namespace's relabelling, not another object's label change", () => {
    const o = of('NetworkPolicy');
    const relabelled = with_(o, { labels: { ...o.metadata.labels, team: 'x' } });
    expect(admission(policy, { operation: 'UPDATE', username: BOB, object: relabelled, oldObject: o }).denied).toEqual(
      [],
    );
    const ns = of('Namespace');
    const nsRelabelled = with_(ns, { labels: { ...ns.metadata.labels, team: 'x' } });
    expect(
      admission(policy, { operation: 'UPDATE', username: BOB, object: nsRelabelled, oldObject: ns }).denied,
    ).not.toEqual([]);
  });
});

describe("R49-3 (delivery): Argo CD's sync timeout, which ends a held sync operation", () => {
  it("the README's delivery section recommends controller.sync.timeout.seconds in argocd-cmd-params-cm", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf('## Delivery with Argo CD');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    expect(section).toContain('`controller.sync.timeout.seconds`');
    expect(section).toContain('`argocd-cmd-params-cm`');
  });
});
