/**
 * explain answers from the declaration, which may place a namespace in some of the organization's
 * clusters only (acme's ml: in lga1, not ord1): access there holds in those clusters only, and
 * explain says so, in text and JSON, from the declaration and from its index alike. A namespace in
 * every cluster says nothing of clusters.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Authorizer } from '../analysis/authorizer.ts';
import { explainRequest, resolveWho } from '../analysis/explain.ts';
import { readRbac } from '../analysis/objects.ts';
import type { Manifest } from '../synth/manifest.ts';
import { ROOT, TODAY, acmeSpecWith, modelOfSpec, objectsOfSpec, run, tempDir } from './helpers.ts';

/** acme.yaml at a path of this test's own: its first question about a namespace writes the index, the next reads it. */
function freshSpec(): string {
  const file = join(tempDir('orgctl-explain-clusters-'), 'acme.yaml');
  copyFileSync(join(ROOT, 'test/fixtures/specs/acme.yaml'), file);
  return file;
}

const ONLY_LGA1 = 'in cluster lga1 only: ml is not placed in ord1';

describe('explain says when a namespace is placed in some clusters only', () => {
  it('a listing of one namespace: text and JSON, written to the index and read from it', async () => {
    const spec = freshSpec();
    const explain = (...args: string[]) => run(['explain', ...args, '--spec', spec, '--no-bootstrap']);
    for (const round of ['declaration', 'index']) {
      const text = await explain('erin@acme.io', '-n', 'ml');
      expect(text.code, round).toBe(0);
      expect(text.stdout.split('\n')[0], round).toBe(`users/erin@acme.io in ml (${ONLY_LGA1}):`);
      const json = JSON.parse((await explain('erin@acme.io', '-n', 'ml', '--format', 'json')).stdout);
      expect(json.namespaces.map((n: { namespace: string; clusters?: string[] }) => [n.namespace, n.clusters])).toEqual(
        [['ml', ['lga1']]],
      );
      // A namespace in every cluster: nothing said of clusters.
      const web = await explain('erin@acme.io', '-n', 'web', '--format', 'json');
      expect(JSON.parse(web.stdout).namespaces[0].clusters, round).toBeUndefined();
      expect((await explain('erin@acme.io', '-n', 'web')).stdout.split('\n')[0]).toBe('users/erin@acme.io in web:');
    }
  });

  it('a listing of every namespace says it of ml only', async () => {
    const r = await run([
      'explain',
      'dashboards',
      '--spec',
      join(ROOT, 'test/fixtures/specs/acme.yaml'),
      '--no-bootstrap',
    ]);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('tokens/'))).toEqual([
      'tokens/dashboards in data:',
      `tokens/dashboards in ml (${ONLY_LGA1}):`,
      'tokens/dashboards in web:',
    ]);
  });

  it('a request allowed in ml (or on Namespace ml) says where it is, a denied one needs not', async () => {
    const spec = freshSpec();
    const explain = (...args: string[]) => run(['explain', ...args, '--spec', spec, '--no-bootstrap']);
    for (const round of ['declaration', 'index']) {
      const yes = await explain('erin@acme.io', '-n', 'ml', 'get', 'pods');
      expect(yes.code, round).toBe(0);
      expect(yes.stdout.split('\n'), round).toContain(`  ${ONLY_LGA1}`);
      const json = JSON.parse((await explain('erin@acme.io', '-n', 'ml', 'get', 'pods', '--format', 'json')).stdout);
      expect([json.allowed, json.clusters], round).toEqual([true, ['lga1']]);
      // Namespace ml is evaluated in ml, whatever -n says: frank (an admin) may delete it, in lga1 only.
      const ns = await explain('frank@acme.io', '-n', 'web', 'delete', 'namespaces/ml', '--format', 'json');
      expect([JSON.parse(ns.stdout).allowed, JSON.parse(ns.stdout).clusters], round).toEqual([true, ['lga1']]);
      const no = await explain('erin@acme.io', '-n', 'ml', 'create', 'pods', '--format', 'json');
      expect([JSON.parse(no.stdout).allowed, JSON.parse(no.stdout).clusters], round).toEqual([false, undefined]);
      const web = await explain('bob@acme.io', '-n', 'web', 'get', 'pods', '--format', 'json');
      expect([JSON.parse(web.stdout).allowed, JSON.parse(web.stdout).clusters], round).toEqual([true, undefined]);
    }
  });
});

describe('a request allowed by a ClusterRoleBinding says where it holds, as one by a RoleBinding does', () => {
  // Nothing orgctl renders is a ClusterRoleBinding, but explain judges whatever bindings it is given.
  const spec = acmeSpecWith({
    clusters: ['lga1', 'ord1'],
    namespaces: [{ name: 'web' }, { name: 'ml', clusters: ['lga1'] }],
  });
  const model = modelOfSpec(spec);
  const who = resolveWho(model, 'bob@acme.io', TODAY)!;
  const everywhere = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'bob-reads-pods' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'acme:r:pods' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: who.user.name }],
  } as unknown as Manifest;
  const objects = [...objectsOfSpec(spec), everywhere];
  const authz = new Authorizer(readRbac(objects.map((object, index) => ({ file: 's', index, object }))));
  const getPods = (namespace: string) =>
    explainRequest(model, authz, who, {
      verb: 'get',
      apiGroup: '',
      resource: 'pods',
      subresource: '',
      name: '',
      namespace,
    });

  it('in a namespace placed in some clusters: the clusters, in text and data', () => {
    const ml = getPods('ml');
    expect(ml.allowed).toBe(true);
    expect(ml.lines).toContain(`  via ClusterRoleBinding bob-reads-pods → ClusterRole acme:r:pods`);
    expect(ml.lines).toContain(`  ${ONLY_LGA1}`);
    expect(ml.clusters).toEqual(['lga1']);
  });

  it('in a namespace in every cluster: nothing said of clusters', () => {
    const web = getPods('web');
    expect(web.allowed).toBe(true);
    expect(web.clusters).toBeUndefined();
    expect(web.lines.some((l) => l.includes('cluster lga1'))).toBe(false);
  });
});
