/**
 * R49-3's remainder (base 25c7e9b): namespace protection's policy selects the organization's
 * objects by their label (objectSelector). Someone who may write NetworkPolicies or LimitRanges in
 * a namespace (w:networkpolicies, custom rules) can make one under the name orgctl writes there
 * (GUARD_RAIL_NAMES: orgctl-same-namespace, orgctl-limits) before orgctl writes it, without the
 * label and with a finalizer of their own, or add the finalizer later to such an object made
 * before namespaceProtection was declared: the policy never sees it. Argo CD then adopts the
 * object (its fields taken over) with the finalizer, and when it prunes the guard rail, the
 * shard's sync waits for its deletion forever, holding every later revocation in that shard.
 * (ResourceQuotas are admin-only, hold-delivery; Roles and RoleBindings escalate; the system
 * namespace admin-only: the same names cover the quota anyway.)
 */
import { describe, expect, it } from 'vitest';
import { ValidatingAdmissionPolicy } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy';
import { ValidatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding';
import { GUARD_RAIL_NAMES } from '../model/guard-rails.ts';
import { admission, ARGO, protectedOrg, REPO, writtenObjects, type Obj, type Request } from './boundary-admission.ts';
import { docs, files } from './helpers.ts';

const BOB = 'bob@acme.io';
const GC = 'system:serviceaccount:kube-system:generic-garbage-collector';
const NAMESPACE_CONTROLLER = 'system:serviceaccount:kube-system:namespace-controller';
const HOLD = 'example.com/hold';
const OWNER = { apiVersion: 'v1', kind: 'ConfigMap', name: 'mine', uid: '1234', blockOwnerDeletion: true };
const ORG_LABEL = 'orgctl.io/organization';

describe("R49-3's remainder: an object made under a guard rail's name before orgctl writes it", () => {
  const { org } = protectedOrg();
  const out = files(org);
  const cluster = [...out.entries()].find(([p]) => p.endsWith('cluster/resources.yaml'))![1];
  const policies = docs(cluster).filter((o) => o.kind === 'ValidatingAdmissionPolicy');
  const bindings = docs(cluster).filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding');
  const written = writtenObjects(out).map((w) => w.object);
  const namespace = (name: string) => written.find((o) => o.kind === 'Namespace' && o.metadata.name === name)!;
  const data = namespace('data');
  const theirs = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'theirs' } };

  /** Every policy's verdict, as the API server applies them all (each has its binding). */
  const judge = (r: Request) => {
    const verdicts = policies.map((p) => admission(p, r));
    return { matched: verdicts.some((v) => v.matched), denied: verdicts.flatMap((v) => v.denied) };
  };
  /** A guard rail orgctl writes in `data`, as a non-applier would make it: no organization label. */
  const guardRail = (kind: string) => {
    const o = written.find((x) => x.kind === kind && x.metadata.namespace === 'data')!;
    const { [ORG_LABEL]: _, ...labels } = o.metadata.labels as Record<string, string>;
    return { orgctl: o, unlabelled: { ...o, metadata: { name: o.metadata.name, namespace: 'data', labels } } as Obj };
  };
  const with_ = (o: Obj, metadata: Obj): Obj => ({ ...o, metadata: { ...o.metadata, ...metadata } });
  const RAILS = ['NetworkPolicy', 'LimitRange', 'ResourceQuota'];

  it('the policies and bindings are ones Kubernetes accepts, each policy bound, failing closed', () => {
    expect(policies.length).toBeGreaterThan(1);
    for (const p of policies) {
      new ValidatingAdmissionPolicy(p as never).validate();
      expect(p.spec.failurePolicy).toBe('Fail');
      expect(bindings.map((b) => b.spec.policyName)).toContain(p.metadata.name);
    }
    for (const b of bindings) new ValidatingAdmissionPolicyBinding(b as never).validate();
  });

  it("refuses a non-applier's create of a guard rail's name without the label, with a finalizer, an ownerReference, or neither", () => {
    for (const kind of RAILS) {
      const { unlabelled } = guardRail(kind);
      for (const added of [{ finalizers: [HOLD] }, { ownerReferences: [OWNER] }, {}]) {
        const v = judge({
          operation: 'CREATE',
          username: BOB,
          object: with_(unlabelled, added),
          namespaceObject: data,
        });
        expect(v.matched, kind).toBe(true);
        expect(v.denied.join('\n'), kind).toMatch(/created only through orgctl/);
      }
    }
  });

  it("refuses a non-applier's finalizer or ownerReference added to an unlabelled object of a guard rail's name (made before protection)", () => {
    for (const kind of RAILS) {
      const { unlabelled } = guardRail(kind);
      for (const added of [{ finalizers: [HOLD] }, { ownerReferences: [OWNER] }]) {
        const v = judge({
          operation: 'UPDATE',
          username: BOB,
          object: with_(unlabelled, added),
          oldObject: unlabelled,
          namespaceObject: data,
        });
        expect(v.denied.join('\n'), kind).toMatch(/holds on organization acme's objects/);
      }
    }
  });

  it("admits Argo CD's create and update of each, adopting an unlabelled one, and its prune", () => {
    for (const kind of RAILS) {
      const { orgctl, unlabelled } = guardRail(kind);
      const ns = { namespaceObject: data };
      expect(judge({ operation: 'CREATE', username: ARGO, object: orgctl, ...ns }).denied, kind).toEqual([]);
      expect(judge({ operation: 'UPDATE', username: ARGO, object: orgctl, ...ns }).denied, kind).toEqual([]);
      const held = with_(unlabelled, { finalizers: [HOLD] });
      const adopted = with_(orgctl, { finalizers: [HOLD] });
      expect(
        judge({ operation: 'UPDATE', username: ARGO, object: adopted, oldObject: held, ...ns }).denied,
        kind,
      ).toEqual([]);
      expect(judge({ operation: 'DELETE', username: ARGO, object: orgctl, ...ns }).denied, kind).toEqual([]);
    }
  });

  it('leaves the garbage collector, the namespace controller and edits that add nothing alone', () => {
    const { orgctl, unlabelled } = guardRail('NetworkPolicy');
    const ns = { namespaceObject: data };
    const held = with_(unlabelled, { finalizers: ['orphan', HOLD], ownerReferences: [OWNER] });
    const stripped = with_(unlabelled, { finalizers: [HOLD] });
    expect(judge({ operation: 'UPDATE', username: GC, object: stripped, oldObject: held, ...ns }).denied).toEqual([]);
    for (const o of [orgctl, unlabelled, held])
      expect(judge({ operation: 'DELETE', username: NAMESPACE_CONTROLLER, object: o, ...ns }).denied).toEqual([]);
    // Bob's edit of the spec orgctl writes (risky-grant warns of it) stays his to make.
    const edited = { ...orgctl, spec: { ...orgctl.spec, ingress: [] } };
    expect(judge({ operation: 'UPDATE', username: BOB, object: edited, oldObject: orgctl, ...ns }).denied).toEqual([]);
    // An admin unsticking a prune: every finalizer removed.
    expect(judge({ operation: 'UPDATE', username: BOB, object: unlabelled, oldObject: held, ...ns }).denied).toEqual(
      [],
    );
  });

  it('leaves other names, and namespaces not of the organization, alone', () => {
    const { unlabelled } = guardRail('NetworkPolicy');
    const mine = with_(unlabelled, { name: 'mine', finalizers: [HOLD] });
    expect(judge({ operation: 'CREATE', username: BOB, object: mine, namespaceObject: data }).denied).toEqual([]);
    const elsewhere = with_(unlabelled, { namespace: 'theirs', finalizers: [HOLD] });
    expect(judge({ operation: 'CREATE', username: BOB, object: elsewhere, namespaceObject: theirs })).toEqual({
      matched: false,
      denied: [],
    });
  });

  it("selects the organization's namespaces by the label orgctl writes on each Namespace, and names no resources (a generateName create has no name in the request's attributes)", () => {
    const byNamespace = policies.filter((p) => p.spec.matchConstraints.namespaceSelector);
    expect(byNamespace).toHaveLength(1);
    const [p] = byNamespace as [Obj];
    expect(p.spec.matchConstraints.namespaceSelector).toEqual({ matchLabels: { [ORG_LABEL]: 'acme' } });
    expect(data.metadata.labels[ORG_LABEL]).toBe('acme');
    for (const rule of p.spec.matchConstraints.resourceRules as Obj[]) expect(rule.resourceNames).toBeUndefined();
    for (const name of Object.values(GUARD_RAIL_NAMES).filter((n) => typeof n === 'string'))
      expect(JSON.stringify(p.spec)).toContain(name);
  });

  it('the AppProject allows Argo CD each policy and binding by name (namedClusterResources)', () => {
    const { app } = protectedOrg({ repoURL: REPO, namedClusterResources: true });
    const out2 = files(app);
    const [project] = docs(out2.get('argocd/appproject.yaml')!);
    const allowed = (project!.spec.clusterResourceWhitelist as Obj[])
      .filter((e) => e.group === 'admissionregistration.k8s.io')
      .map((e) => `${e.kind} ${e.name}`);
    const inCluster = writtenObjects(out2)
      .filter((w) => w.object.apiVersion.startsWith('admissionregistration'))
      .map((w) => `${w.object.kind} ${w.object.metadata.name}`);
    expect(inCluster.length).toBeGreaterThan(2);
    expect(allowed.sort()).toEqual([...new Set(inCluster)].sort());
  });
});
