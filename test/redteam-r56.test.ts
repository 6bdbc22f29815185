/**
 * Red team R56 (base de0602a): what the judge says about rules given to non-admins.
 *
 * R56-1 (medium): anyone who may create a ConfigMap in one of the organization's namespaces
 * (`w:configmaps`, grantable with no finding; Add All gives it) holds the sync of that namespace's
 * shard, every revocation in it included. Argo CD takes an object as one of an Application's when
 * its tracking names the Application (the `argocd.argoproj.io/tracking-id` annotation, which names
 * the object's own group, kind, namespace and name, or the instance label); the AppProject allows
 * ConfigMaps in every namespace it deploys to (orgctl writes its membership lists as ConfigMaps),
 * so a ConfigMap of bob's, made in `data` with the tracking of `acme-in-cluster-shard-NN` and a
 * finalizer of his own, is to Argo CD an object of that Application that git no longer holds:
 * automated sync prunes it, the finalizer keeps it marked for deletion, and gitops-engine's sync
 * waits for its deletion (prunedTasksPendingDelete) for as long as bob likes (forever, under
 * Argo CD's default `controller.sync.timeout.seconds: "0"`). With self-heal the prune starts as
 * soon as the object exists: the next commit's revocations never reach the cluster. Namespace
 * protection (R49-3) refuses a finalizer added to the organization's own objects and to those under
 * a guard rail's name, but the object here is bob's own, unlabelled, under a name of his choosing:
 * no policy sees it. The same holds for any kind the AppProject allows in a namespace (Secret,
 * ServiceAccount, Role, RoleBinding, and the guard rails' kinds where one is declared). Worse, with
 * no finalizer at all: the annotation `argocd.argoproj.io/sync-options: Prune=confirm` on the object
 * makes gitops-engine wait for someone to confirm its prune before it runs any task of the sync
 * (runTasks returns pending, dry run included), so nothing of that sync is applied, updates
 * included, and Argo CD's sync timeout only ends one wait for the next.
 *
 * R56-2 (low-medium): the same annotation on the organization's own guard rail (its NetworkPolicy,
 * which `w:networkpolicies` may write where it is declared; a LimitRange through custom rules)
 * holds every sync of the shard from the one that prunes it (the guard rail dropped) until someone
 * confirms. risky-grant warns of those writers (a finalizer of theirs holds the prune), and
 * namespace protection refuses their finalizers (R49-3), but not Argo CD's annotations, which Argo
 * CD reads on the live object when it prunes.
 *
 * R56-3 (low): API Priority and Fairness decides which requests the API server serves. Writing
 * FlowSchemas or PriorityLevelConfigurations (cluster-wide, so only through a ClusterRoleBinding:
 * `orgctl access` over a cluster's dump, a token with cluster power) held no class: R51 listed
 * them as "a denial of service at most". But a FlowSchema matching Argo CD's ServiceAccount ahead
 * of the built-in ones (a lower matchingPrecedence) puts every request of its application
 * controller in a priority level of the writer's, one with a tiny share and `limitResponse:
 * Reject` answering 429: Argo CD's applies fail, every shard's sync with them, and every
 * revocation waits. That is what `hold-delivery` names.
 */
import { describe, expect, it } from 'vitest';
import { classesOfRule } from '../analysis/classes.ts';
import {
  admission,
  ARGO,
  tracked,
  writtenObjects,
  type Obj,
  type Request,
  type Tracking,
} from './boundary-admission.ts';
import { docs, files, smallOrg, synth } from './helpers.ts';

const BOB = 'bob@acme.io';
const HOLD = 'example.com/hold';
/** What makes gitops-engine wait for a person to confirm an object's prune, before any task of the sync. */
const CONFIRM = { annotations: { 'argocd.argoproj.io/sync-options': 'Prune=confirm' } };

/** An organization protecting its namespaces, where bob (no admin) may write ConfigMaps in `data`. */
function protectedOrg() {
  const { org } = smallOrg({ namespaceProtection: { appliedBy: ARGO } });
  const data = org.namespace('data', { networkPolicy: 'same-namespace' });
  const bob = org.user(BOB);
  data.grant(bob, 'w:configmaps');
  data.grant(bob, 'w:networkpolicies');
  return org;
}

/** protectedOrg's admission policies (the cluster shard's), what it writes, and its Namespace `data`. */
function protectedOutput() {
  const out = files(protectedOrg());
  const cluster = [...out.entries()].find(([p]) => p.endsWith('cluster/resources.yaml'))![1];
  const policies = docs(cluster).filter((o) => o.kind === 'ValidatingAdmissionPolicy');
  const written = writtenObjects(out);
  const data = written.find((w) => w.object.kind === 'Namespace' && w.object.metadata.name === 'data')!.object;
  return { policies, written, data };
}

describe("R56-1: an object of a non-admin's own, tracked as one of the organization's Applications' and held by a finalizer", () => {
  const org = protectedOrg();
  const { policies, written, data } = protectedOutput();
  const theirs = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'theirs' } };
  // The Application that applies data's objects (its RoleBindings): the one a forged tracking names.
  const dataApp = written.find((w) => w.object.kind === 'RoleBinding' && w.object.metadata.namespace === 'data')!.app;
  const judge = (r: Request) => {
    const verdicts = policies.map((p) => admission(p, r));
    return { matched: verdicts.some((v) => v.matched), denied: verdicts.flatMap((v) => v.denied) };
  };
  const configMap = (metadata: Obj = {}): Obj => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'hold', namespace: 'data', ...metadata },
    data: { a: 'b' },
  });
  const HOW: Tracking[] = ['annotation', 'label'];

  it('bob holds w:configmaps and w:networkpolicies with no error: the grants are his to hold', () => {
    const r = synth(org);
    expect(r.ok).toBe(true);
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it("refuses bob's create of a ConfigMap tracked as the Application's, with a finalizer, Prune=confirm, or neither", () => {
    for (const how of HOW)
      for (const metadata of [{ finalizers: [HOLD] }, CONFIRM, {}]) {
        const v = judge({
          operation: 'CREATE',
          username: BOB,
          object: tracked(configMap(metadata), dataApp, how),
          namespaceObject: data,
        });
        expect(v.matched, how).toBe(true);
        expect(v.denied.join('\n'), how).toMatch(/tracking/);
      }
  });

  it("refuses bob's update adding that tracking to a ConfigMap of his, and a finalizer to one tracked so", () => {
    for (const how of HOW) {
      const mine = configMap({ finalizers: [HOLD] });
      const forged = tracked(mine, dataApp, how);
      expect(
        judge({
          operation: 'UPDATE',
          username: BOB,
          object: forged,
          oldObject: mine,
          namespaceObject: data,
        }).denied.join('\n'),
        how,
      ).toMatch(/tracking/);
      const bare = tracked(configMap(), dataApp, how);
      expect(
        judge({
          operation: 'UPDATE',
          username: BOB,
          object: tracked(configMap({ finalizers: [HOLD] }), dataApp, how),
          oldObject: bare,
          namespaceObject: data,
        }).denied.join('\n'),
        how,
      ).toMatch(/holds on organization acme's objects/);
    }
  });

  it('refuses the tracking of any Application of the organization, on every kind the AppProject allows in a namespace', () => {
    const other = dataApp.replace(/-[^-]+$/, '-shard-99');
    for (const object of [
      configMap(),
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'hold', namespace: 'data' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'hold', namespace: 'data' }, type: 'Opaque' },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'hold', namespace: 'data' } },
    ])
      expect(
        judge({
          operation: 'CREATE',
          username: BOB,
          object: tracked(object, other, 'annotation'),
          namespaceObject: data,
        }).denied.length,
        object.kind,
      ).toBeGreaterThan(0);
  });

  it("admits bob's ConfigMaps untracked, or tracked by Helm's release or another team's Application", () => {
    const ns = { namespaceObject: data };
    for (const object of [
      configMap({ finalizers: [HOLD] }),
      configMap({ labels: { 'app.kubernetes.io/instance': 'frontend' } }),
      tracked(configMap(), 'web-frontend', 'annotation'),
      tracked(configMap(), 'acmefrontend', 'label'),
    ])
      expect(judge({ operation: 'CREATE', username: BOB, object, ...ns }).denied).toEqual([]);
  });

  it("admits Argo CD's own writes and prunes, and bob's edit that keeps the tracking as it was", () => {
    const ns = { namespaceObject: data };
    for (const how of HOW) {
      const object = tracked(configMap(), dataApp, how);
      expect(judge({ operation: 'CREATE', username: ARGO, object, ...ns }).denied).toEqual([]);
      expect(judge({ operation: 'UPDATE', username: ARGO, object, ...ns }).denied).toEqual([]);
      expect(judge({ operation: 'DELETE', username: ARGO, object, ...ns }).denied).toEqual([]);
      const edited = { ...object, data: { a: 'c' } };
      expect(judge({ operation: 'UPDATE', username: BOB, object: edited, oldObject: object, ...ns }).denied).toEqual(
        [],
      );
    }
  });

  it('leaves namespaces not of the organization alone (the AppProject deploys nothing there)', () => {
    const elsewhere = tracked(configMap({ namespace: 'theirs', finalizers: [HOLD] }), dataApp, 'annotation');
    expect(judge({ operation: 'CREATE', username: BOB, object: elsewhere, namespaceObject: theirs })).toEqual({
      matched: false,
      denied: [],
    });
  });
});

describe("R56-1 with R55-1: a DELETE of an object tracked as one of the organization's Applications'", () => {
  const { policies, written, data } = protectedOutput();
  const dataApp = written.find((w) => w.object.kind === 'RoleBinding' && w.object.metadata.namespace === 'data')!.app;
  const judge = (r: Request) => {
    const verdicts = policies.map((p) => admission(p, r));
    return { matched: verdicts.some((v) => v.matched), denied: verdicts.flatMap((v) => v.denied) };
  };
  const forged = (how: Tracking) =>
    tracked(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'hold', namespace: 'data' }, data: { a: 'b' } },
      dataApp,
      how,
    );
  const ns = { namespaceObject: data };

  it('admits a plain or background DELETE of it by anyone, one item of a deletecollection too: the tracking condition reads the deleted object (a DELETE has none written), so it cannot fail and deny', () => {
    for (const how of ['annotation', 'label'] as const)
      for (const options of [undefined, {}, { propagationPolicy: 'Background' }])
        for (const name of [undefined, '']) {
          const v = judge({
            operation: 'DELETE',
            username: BOB,
            object: forged(how),
            ...ns,
            ...(options ? { options } : {}),
            ...(name !== undefined ? { name } : {}),
          });
          expect(v, `${how} ${JSON.stringify(options)} ${name}`).toEqual({ matched: true, denied: [] });
        }
  });

  it('refuses a foreground or orphan DELETE of it by anyone but the garbage collector', () => {
    for (const how of ['annotation', 'label'] as const)
      for (const options of [
        { propagationPolicy: 'Foreground' },
        { propagationPolicy: 'Orphan' },
        { orphanDependents: true },
      ])
        expect(
          judge({ operation: 'DELETE', username: BOB, object: forged(how), options, ...ns }).denied.join('\n'),
          `${how} ${JSON.stringify(options)}`,
        ).toMatch(/holds on organization acme's objects/);
  });
});

describe("R56-2: an annotation of Argo CD's on the organization's guard rail, which Argo CD reads when it prunes", () => {
  const { policies, written, data } = protectedOutput();
  const rail = written.find((w) => w.object.kind === 'NetworkPolicy' && w.object.metadata.namespace === 'data')!;
  const judge = (r: Request) => policies.flatMap((p) => admission(p, r).denied);
  const annotated = (o: Obj, annotations: Record<string, string>): Obj => ({
    ...o,
    metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, ...annotations } },
  });
  const ns = { namespaceObject: data };

  it("refuses bob's update adding Prune=confirm, Prune=false or Helm's keep to the NetworkPolicy orgctl writes, under either tracking", () => {
    for (const how of ['label', 'annotation'] as const) {
      const live = tracked(rail.object, rail.app, how);
      for (const added of <Record<string, string>[]>[
        { 'argocd.argoproj.io/sync-options': 'Prune=confirm' },
        { 'argocd.argoproj.io/sync-options': 'Prune=false' },
        { 'argocd.argoproj.io/compare-options': 'IgnoreExtraneous' },
        { 'helm.sh/resource-policy': 'keep' },
      ])
        expect(
          judge({ operation: 'UPDATE', username: BOB, object: annotated(live, added), oldObject: live, ...ns }).join(
            '\n',
          ),
          `${how} ${JSON.stringify(added)}`,
        ).toMatch(/annotation/);
    }
  });

  it("admits Argo CD's own writes, bob's edits that keep the annotations as they were, and their removal", () => {
    const live = tracked(rail.object, rail.app, 'annotation');
    const confirmed = annotated(live, { 'argocd.argoproj.io/sync-options': 'Prune=confirm' });
    expect(judge({ operation: 'UPDATE', username: ARGO, object: live, oldObject: live, ...ns })).toEqual([]);
    const edited = { ...confirmed, spec: { ...confirmed.spec, ingress: [] } };
    expect(judge({ operation: 'UPDATE', username: BOB, object: edited, oldObject: confirmed, ...ns })).toEqual([]);
    expect(judge({ operation: 'UPDATE', username: BOB, object: live, oldObject: confirmed, ...ns })).toEqual([]);
    const noted = annotated(live, { 'example.com/note': 'mine' });
    expect(judge({ operation: 'UPDATE', username: BOB, object: noted, oldObject: live, ...ns })).toEqual([]);
  });
});

describe("R56-3: API Priority and Fairness decides whether Argo CD's requests are served", () => {
  it.each([
    'flowschemas',
    'prioritylevelconfigurations',
  ])('create, update, patch or delete of %s cluster-wide holds hold-delivery', (resource) => {
    for (const verb of ['create', 'update', 'patch', 'delete'])
      expect(
        classesOfRule({ apiGroups: ['flowcontrol.apiserver.k8s.io'], resources: [resource], verbs: [verb] }, 'cluster'),
        verb,
      ).toContain('hold-delivery');
  });

  it('reading them holds nothing, nor does a RoleBinding (they are cluster-scoped)', () => {
    const rule = { apiGroups: ['flowcontrol.apiserver.k8s.io'], resources: ['flowschemas'], verbs: ['get', 'list'] };
    expect(classesOfRule(rule, 'cluster')).toEqual([]);
    expect(classesOfRule({ ...rule, verbs: ['create'] }, 'namespace')).toEqual([]);
  });
});
