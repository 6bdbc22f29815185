/**
 * Red team R46 (base 6503c18): the Argo CD boundary (synth/boundary.ts) as a real API server
 * evaluates it. The test asserts the safe behaviour and fails on 6503c18.
 *
 * R46-1 (medium; every cluster with the boundary applied): the API server hands a policy's CEL the
 *     request as its AdmissionRequest's JSON (k8s.io/apiserver admission/plugin/cel
 *     CreateAdmissionRequest, converted to unstructured), where `namespace` is `omitempty`: a
 *     cluster-scoped request has no `namespace` key, and reading it is an error ("no such key:
 *     namespace"), not ''. The boundary's `request.namespace == '' || request.namespace in
 *     variables.namespaces` is evaluated for every request, so it errs on every ClusterRole write
 *     (create, update, prune) and on a Namespace created (POST /api/v1/namespaces names none), and
 *     failurePolicy Fail turns the error into a denial: once applied, Argo CD can no longer narrow
 *     or delete the organization's ClusterRoles (a level's rules revoked stay granted) or create a
 *     declared Namespace. The test harness gave every request a namespace of '' and saw none of it
 *     (it now builds the request as the API server does). Safe: a cluster-scoped request is read
 *     as having no namespace.
 */
import { describe, expect, it } from 'vitest';
import { admission, ARGO, boundaryOf, type Obj, organization, tracked, writtenObjects } from './boundary-admission.ts';
import { files } from './helpers.ts';

describe('R46-1: a cluster-scoped request has no namespace key', () => {
  const out = files(organization().app);
  const { policy } = boundaryOf(out);
  const written = writtenObjects(out);
  const clusterScoped = written.filter((w) => w.object.kind === 'ClusterRole' || w.object.kind === 'Namespace');

  it('every ClusterRole orgctl writes is created, updated and pruned; every Namespace created and updated', () => {
    expect(clusterScoped.filter((w) => w.object.kind === 'ClusterRole').length).toBeGreaterThan(0);
    for (const how of ['label', 'annotation'] as const)
      for (const w of clusterScoped) {
        const object = tracked(w.object, w.app, how);
        const what = `${how} ${w.object.kind} ${w.object.metadata.name}`;
        const operations =
          w.object.kind === 'Namespace' ? (['CREATE', 'UPDATE'] as const) : (['CREATE', 'UPDATE', 'DELETE'] as const);
        for (const operation of operations)
          expect(admission(policy, { operation, username: ARGO, object }), `${operation} ${what}`).toEqual({
            matched: true,
            denied: [],
          });
      }
  });

  it('a forged ClusterRole is refused by the validation that names why, not by an error', () => {
    const forged: Obj = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'system:basic-user' },
      rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
    };
    const app = clusterScoped[0]!.app;
    const v = admission(policy, { operation: 'CREATE', username: ARGO, object: tracked(forged, app, 'label') });
    expect(v.denied).toHaveLength(2);
    expect(v.denied.join('\n')).toMatch(/ClusterRoles named acme:/);
    expect(v.denied.join('\n')).not.toMatch(/error/);
  });
});
