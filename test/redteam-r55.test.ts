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
  return { policies, written: writtenObjects(out).map((w) => w.object) };
}

describe("R55-1: a DELETE asking for foreground or orphan propagation of an unlabelled object under a guard rail's name", () => {
  const { policies, written } = protectedOutput();
  const data = written.find((o) => o.kind === 'Namespace' && o.metadata.name === 'data')!;
  /** Every policy's verdict, as the API server applies them all (each has its binding). */
  const judge = (r: Omit<Request, 'namespaceObject'>) => {
    const verdicts = policies.map((p) => admission(p, { ...r, namespaceObject: data }));
    return { matched: verdicts.some((v) => v.matched), denied: verdicts.flatMap((v) => v.denied) };
  };
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

  it("admits a non-applier's plain or background DELETE of it, and Argo CD's and the garbage collector's whatever its propagation", () => {
    for (const kind of RAILS) {
      for (const options of NOT_HOLDING)
        expect(judge({ operation: 'DELETE', username: BOB, object: madeBefore(kind), options }).denied, kind).toEqual(
          [],
        );
      for (const username of [ARGO, GC])
        for (const options of HOLDING)
          expect(judge({ operation: 'DELETE', username, object: madeBefore(kind), options }).denied, kind).toEqual([]);
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
