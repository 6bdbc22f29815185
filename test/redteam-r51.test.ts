/**
 * Red team R51 (base 6394498): requests that redirect or rewrite what others send, and hold no
 * privilege class, so nobody is warned.
 *
 * R51-1 (medium-low): writing an Ingress redirects traffic meant for others, as writing a Service
 * does (R45-2). On an ingress controller every namespace shares, an Ingress in namespace web may
 * name any host, another team's included, and ingress-nginx (like F5's NGINX controller with
 * mergeable Ingresses) merges the paths of every namespace's Ingresses for a host: a more specific
 * path under `shop.acme.io` sends that traffic, logins included, to a Service of web. README's
 * w:ingresses row says so, and the `network` class exists for exactly this ("redirects traffic
 * meant for others"), yet neither w:ingresses nor a custom rule writing Ingresses held it: no
 * risky-grant warning, no "can intercept network traffic" in the review, nothing in `orgctl access`.
 *
 * R51-2 (low): writing CustomResourceDefinitions (cluster-wide) held no class. A CRD's
 * `spec.conversion` (strategy Webhook) names a Service or URL the API server sends every object of
 * that resource to when it converts between versions, and whose answer it stores and returns: the
 * writer sees and rewrites every custom resource of that kind in the cluster (Argo CD's
 * Applications, cert-manager's Certificates...), as an admission webhook does; deleting a CRD
 * deletes every object of it in every namespace. The `webhooks` class names the first;
 * `orgctl access` over a cluster dump binding it through a ClusterRoleBinding showed no class.
 */
import { describe, expect, it } from 'vitest';
import { classesOf, classesOfRule } from '../analysis/classes.ts';
import { Authorizer } from '../analysis/authorizer.ts';
import { accessMatrix } from '../analysis/access.ts';
import { readRbac } from '../analysis/objects.ts';
import { findLevel, isAdminOnly } from '../model/catalog.ts';
import { smallOrg, synth } from './helpers.ts';

describe('R51-1: writing an Ingress redirects the traffic meant for its host', () => {
  const writeIngresses = { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: ['get'] };

  it.each(['create', 'update', 'patch'])('%s on ingresses holds network, as a write of services does', (verb) => {
    expect(classesOfRule({ ...writeIngresses, verbs: [verb] }, 'namespace')).toContain('network');
  });

  it('reading Ingresses holds nothing', () => {
    expect(classesOfRule({ ...writeIngresses, verbs: ['get', 'list', 'watch'] }, 'namespace')).toEqual([]);
  });

  it('the level w:ingresses holds network (it stays grantable: network is a warning)', () => {
    expect(classesOf(findLevel('w:ingresses')!.rules, 'namespace')).toContain('network');
    expect(isAdminOnly('w:ingresses')).toBe(false);
  });

  it('orgctl check warns of bob, who may claim a path under another team’s host', () => {
    const { org, web } = smallOrg();
    web.grantRules(org.user('bob@acme.io', { github: 'bob' }), [{ ...writeIngresses, verbs: ['create'] }]);
    const r = synth(org);
    expect(r.ok).toBe(true);
    expect(r.findings.map((f) => `${f.severity} ${f.rule}: ${f.message}`)).toContainEqual(
      expect.stringMatching(
        /^warning risky-grant: lets 1 non-admin user intercept network traffic .*bob@acme\.io.*\): an Ingress may name any host/,
      ),
    );
  });
});

describe('R51-2: writing a CustomResourceDefinition rewrites every object of its kind', () => {
  const crds = { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['patch'] };

  it.each([
    'create',
    'update',
    'patch',
    'delete',
  ])('%s on customresourcedefinitions, cluster-wide, holds webhooks', (verb) => {
    expect(classesOfRule({ ...crds, verbs: [verb] }, 'cluster')).toContain('webhooks');
  });

  it('through a RoleBinding it holds nothing (CRDs are cluster-scoped), nor does reading them', () => {
    expect(classesOfRule(crds, 'namespace')).toEqual([]);
    expect(classesOfRule({ ...crds, verbs: ['get', 'list', 'watch'] }, 'cluster')).toEqual([]);
  });

  it('orgctl access over a dump shows the class of a ClusterRoleBinding granting it', () => {
    const docs = [
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'crd-editor' },
        rules: [{ ...crds, verbs: ['get', 'update', 'patch'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'crd-editor' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'crd-editor' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob@acme.io' }],
      },
    ].map((object, index) => ({ file: 'dump.yaml', index, object }));
    const bob = accessMatrix(new Authorizer(readRbac(docs))).find((s) => s.name === 'bob@acme.io');
    expect(bob?.cluster?.classes).toContain('webhooks');
  });
});
