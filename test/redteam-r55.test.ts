/**
 * Red team R55 (base de0602a): namespace protection's two ValidatingAdmissionPolicies against the
 * ways Kubernetes hands a request to admission.
 *
 * R55-1 (medium-low): the second policy, `<org>-guard-rail-names`, matched CREATE and UPDATE only.
 * It sees what the organization label cannot: an object under a guard rail's name in one of the
 * organization's namespaces, made (unlabelled) before protection was declared. R53-1 refused a
 * non-applier's DELETE asking for foreground or orphan propagation in the first policy, not in
 * this one: such a DELETE of that object (the API server writes `foregroundDeletion` or `orphan`
 * and the deletionTimestamp in the DELETE itself, registry/generic/registry/store.go
 * Store.Delete -> updateForGracefulDeletionAndFinalizers) passed, and with a dependent of the
 * deleter's carrying a finalizer (blockOwnerDeletion) it stays Terminating. Argo CD adopts it
 * (an update of an object being deleted is allowed), and pruning it later waits forever
 * (gitops-engine pruneObject skips an object already marked for deletion), holding the shard's
 * sync. A deletecollection reaches admission once per item with the collection's options
 * (registry/rest AdmissionToValidateObjectDeleteFunc: the item as oldObject, the name ''), so it
 * is the same request.
 *
 * R55-2 (medium-low): both policies let `appliedBy` put any hold (a finalizer or ownerReference
 * added, a foreground or orphan DELETE), though orgctl's own Applications put none: orgctl writes
 * no finalizer or ownerReference, applies server-side (never taking one off) and prunes with
 * background propagation. `appliedBy` is Argo CD's application controller, the identity of every
 * Application of that Argo CD, not only the organization's: another team's Application whose
 * AppProject allows NetworkPolicies in a namespace of the organization (its own team's) applies a
 * manifest naming `orgctl-same-namespace` there with a finalizer of theirs (server-side apply:
 * the organization's Application never removes it), or prunes it with Argo CD's default
 * propagation, foreground, while a ConfigMap of theirs blocks it; so does anyone Argo CD's RBAC
 * lets delete a resource of an Application in its UI (foreground by default, or non-cascading:
 * orphan). The boundary's README says another team's prune cannot be told from its own; the hold
 * can: orgctl's Applications never put one.
 */
import { describe, expect, it } from 'vitest';
import { admission, ARGO, protectedOrg, writtenObjects, type Obj, type Request } from './boundary-admission.ts';
import { docs, files } from './helpers.ts';

const BOB = 'bob@acme.io';
const GC = 'system:serviceaccount:kube-system:generic-garbage-collector';
const ORG_LABEL = 'orgctl.io/organization';
const RAILS = ['NetworkPolicy', 'LimitRange', 'ResourceQuota'];
/** The DeleteOptions that write a finalizer (Foreground, Orphan, the deprecated orphanDependents). */
const HOLDING: Obj[] = [
  { propagationPolicy: 'Foreground' },
  { propagationPolicy: 'Orphan' },
  { orphanDependents: true },
];
/** The DeleteOptions that write none: no body, `{}`, Background, orphanDependents false. */
const NOT_HOLDING: (Obj | undefined)[] = [
  undefined,
  {},
  { propagationPolicy: 'Background' },
  { orphanDependents: false },
];

/** The policies and objects of an organization protecting its namespaces (protectedOrg). */
function protectedOutput() {
  const out = files(protectedOrg().org);
  const cluster = [...out.entries()].find(([p]) => p.endsWith('cluster/resources.yaml'))![1];
  const policies = docs(cluster).filter((o) => o.kind === 'ValidatingAdmissionPolicy');
  const written = writtenObjects(out).map((w) => w.object);
  const data = written.find((o) => o.kind === 'Namespace' && o.metadata.name === 'data')!;
  /** Every policy's verdict on a request in `data`, as the API server applies them all (each has its binding). */
  const judge = (r: Omit<Request, 'namespaceObject'>) => {
    const verdicts = policies.map((p) => admission(p, { ...r, namespaceObject: data }));
    return { matched: verdicts.some((v) => v.matched), denied: verdicts.flatMap((v) => v.denied) };
  };
  return { policies, written, judge };
}

describe("R55-1: a DELETE asking for foreground or orphan propagation of an unlabelled object under a guard rail's name", () => {
  const { policies, written, judge } = protectedOutput();
  /** The guard rail orgctl writes in `data` as it stood before protection: made by another, unlabelled. */
  const madeBefore = (kind: string): Obj => {
    const o = written.find((x) => x.kind === kind && x.metadata.namespace === 'data')!;
    const { [ORG_LABEL]: _, ...labels } = o.metadata.labels as Record<string, string>;
    return { ...o, metadata: { name: o.metadata.name, namespace: 'data', labels } };
  };

  it("refuses a non-applier's, one by one or as a deletecollection's item", () => {
    expect(policies).toHaveLength(2);
    for (const kind of RAILS)
      for (const options of HOLDING)
        for (const name of [undefined, '']) {
          const v = judge({ operation: 'DELETE', username: BOB, object: madeBefore(kind), options, name });
          const what = `${kind} ${JSON.stringify(options)} name ${name}`;
          expect(v.matched, what).toBe(true);
          expect(v.denied.join('\n'), what).toMatch(/propagation/);
        }
  });

  it("admits a plain or background DELETE of it, Argo CD's prune among them, and the garbage collector's whatever its propagation (Argo CD's own foreground one: R55-2)", () => {
    for (const kind of RAILS) {
      for (const username of [BOB, ARGO])
        for (const options of NOT_HOLDING)
          expect(judge({ operation: 'DELETE', username, object: madeBefore(kind), options }).denied, kind).toEqual([]);
      for (const options of HOLDING)
        expect(judge({ operation: 'DELETE', username: GC, object: madeBefore(kind), options }).denied, kind).toEqual(
          [],
        );
    }
  });

  it("leaves a DELETE of an object of another name alone, whatever its propagation (the guard-rail-name condition reads the deleted object, the request's object being null)", () => {
    const mine = { ...madeBefore('NetworkPolicy'), metadata: { name: 'mine', namespace: 'data' } };
    for (const options of [...HOLDING, ...NOT_HOLDING])
      expect(judge({ operation: 'DELETE', username: BOB, object: mine, options })).toEqual({
        matched: false,
        denied: [],
      });
  });
});

describe("R55-2: a hold put as appliedBy, by an Application that is not the organization's", () => {
  const { written, judge } = protectedOutput();
  const HOLD = 'example.com/hold';
  const OWNER = { apiVersion: 'v1', kind: 'ConfigMap', name: 'theirs', uid: '1234', blockOwnerDeletion: true };
  const orgctls = (kind: string): Obj => written.find((x) => x.kind === kind && x.metadata.namespace === 'data')!;
  const with_ = (o: Obj, metadata: Obj): Obj => ({ ...o, metadata: { ...o.metadata, ...metadata } });

  it("refuses Argo CD's finalizer or ownerReference added to the organization's objects", () => {
    for (const kind of [...RAILS, 'RoleBinding'])
      for (const added of [{ finalizers: [HOLD] }, { ownerReferences: [OWNER] }]) {
        const o = orgctls(kind);
        const v = judge({ operation: 'UPDATE', username: ARGO, object: with_(o, added), oldObject: o });
        expect(v.denied.join('\n'), kind).toMatch(/holds on organization acme's objects/);
      }
  });

  it("refuses Argo CD's DELETE of them asking for foreground or orphan propagation", () => {
    for (const kind of [...RAILS, 'RoleBinding'])
      for (const options of HOLDING)
        expect(
          judge({ operation: 'DELETE', username: ARGO, object: orgctls(kind), options }).denied.join('\n'),
          `${kind} ${JSON.stringify(options)}`,
        ).toMatch(/propagation/);
  });

  it("admits what the organization's Applications do: apply, adopt (a live finalizer kept), prune in the background", () => {
    for (const kind of [...RAILS, 'RoleBinding']) {
      const o = orgctls(kind);
      const held = with_(o, { finalizers: [HOLD] });
      const requests: Omit<Request, 'username' | 'namespaceObject'>[] = [
        { operation: 'CREATE', object: o },
        { operation: 'UPDATE', object: o, oldObject: o },
        { operation: 'UPDATE', object: held, oldObject: held },
        { operation: 'UPDATE', object: o, oldObject: held },
        ...NOT_HOLDING.map((options) => ({ operation: 'DELETE' as const, object: held, options })),
      ];
      for (const r of requests)
        expect(judge({ username: ARGO, ...r }).denied, `${kind} ${JSON.stringify(r)}`).toEqual([]);
    }
  });
});
