/**
 * cdk8s habits: an Organization's objects are charts, one per cluster. `Testing.synth` returns
 * exactly what `orgctl synth` writes for a cluster, `app.synth()` writes them like any chart, and a
 * chart orgctl would drop is an error, never silence.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Chart, Testing } from 'cdk8s';
import { ConfigMap } from 'cdk8s-plus-28';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Organization, OrganizationChart } from '../../constructs/index.ts';
import { TODAY, cli, docs, files, smallOrg, tempDir } from '../helpers.ts';

beforeEach(() => {
  vi.stubEnv('ORGCTL_TODAY', TODAY);
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** The objects of one cluster's files, in path order, from a map path → content. */
const clusterObjects = (out: ReadonlyMap<string, string>, cluster: string) =>
  [...out.keys()]
    .filter((p) => p.startsWith(`${cluster}/`))
    .sort()
    .flatMap((p) => docs(out.get(p)!));

/** Every file under `dir`, path → content. */
function readTree(dir: string, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const p = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) for (const [k, v] of readTree(dir, p)) out.set(k, v);
    else out.set(p, readFileSync(join(dir, p), 'utf8'));
  }
  return out;
}

/** Two clusters; namespace `api` only in `us`, a token, a custom role. */
function twoClusters() {
  const { app, org, alice, web } = smallOrg({ clusters: ['eu', 'us'] });
  const api = org.namespace('api', { clusters: ['us'] });
  const bob = org.user('bob@acme.io', { github: 'bob' });
  web.grant(bob, 'r:pods', 'w:services');
  api.grant(bob, org.role('developer', 'r:full', 'w:configmaps'));
  org.token('ci', { namespaces: [web, api], owner: alice });
  return { app, org };
}

describe('Testing.synth of an organization chart', () => {
  it("is exactly what `orgctl synth` writes into each of the example's clusters", async () => {
    const { default: org } = await import('../../org/org.ts');
    const out = tempDir();
    const r = cli(['synth', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const written = readTree(out);
    for (const cluster of ['lga1', 'ord1']) {
      const objects = Testing.synth(org.chartFor(cluster));
      expect(objects.length).toBeGreaterThan(50);
      expect(objects).toEqual(clusterObjects(written, cluster));
    }
    // What a person asserts in their own tests:
    expect(Testing.synth(org.chartFor('lga1'))).toContainEqual(
      expect.objectContaining({
        kind: 'RoleBinding',
        metadata: expect.objectContaining({ namespace: 'ml', name: 'acme:r:full' }),
        subjects: expect.arrayContaining([
          { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'erin@acme.io' },
        ]),
      }),
    );
    expect(clusterObjects(written, 'ord1').some((o) => o.metadata.namespace === 'ml')).toBe(false);
  });

  it('is exactly what synthesis writes for each of two clusters, which differ', () => {
    const { app, org } = twoClusters();
    const out = files(app);
    const eu = Testing.synth(org.chartFor('eu'));
    const us = Testing.synth(org.chartFor('us'));
    expect(eu).toEqual(clusterObjects(out, 'eu'));
    expect(us).toEqual(clusterObjects(out, 'us'));
    expect(us.filter((o) => o.metadata.namespace === 'api').length).toBeGreaterThan(0);
    expect(eu.filter((o) => o.metadata.namespace === 'api')).toEqual([]);
    expect(org.chartFor('us')).toBeInstanceOf(OrganizationChart);
    expect(org.chartFor('us').cluster).toBe('us');
  });

  it('of an organization that names no cluster: chartFor() and Testing.synth(org) give its one cluster', () => {
    const { app, org } = smallOrg();
    const objects = Testing.synth(org.chartFor());
    expect(objects).toEqual(clusterObjects(files(app), 'in-cluster'));
    expect(org.chartFor('in-cluster')).toBe(org.chartFor());
    // Testing.synth(org) calls org.toJson(): the same objects.
    expect(Testing.synth(org as unknown as Chart)).toEqual(objects);
  });

  it('says which cluster to name, and which clusters there are', () => {
    const { org } = twoClusters();
    expect(() => Testing.synth(org as unknown as Chart)).toThrow(
      "acme: chartFor(cluster): the organization spans 2 clusters (eu, us): name one, e.g. Testing.synth(org.chartFor('eu'))",
    );
    expect(() => org.chartFor('ap')).toThrow(`acme: chartFor("ap"): not one of the organization's clusters (eu, us)`);
  });

  it('throws naming every error finding when orgctl synth would refuse the declaration', () => {
    const { org, web } = smallOrg();
    web.grant(org.user('bob@acme.io'), 'w:pods');
    org.namespace('kube-x');
    let message = '';
    try {
      Testing.synth(org.chartFor());
    } catch (e) {
      message = (e as Error).message;
      expect((e as { kind?: string }).kind).toBe('declaration');
    }
    expect(message).toMatch(/^acme: does not synthesize \(2 errors; `orgctl check` lists them all\):\n {2}error /);
    expect(message).toContain(
      'error forbidden-grant users/bob@acme.io → web: w:pods is reserved for admins: creating pods or exec into them runs arbitrary code with any ServiceAccount of the namespace',
    );
    expect(message).toContain('error invalid-name namespaces/kube-x:');
  });

  it("refuses objects added to the organization's chart: they would be left out", () => {
    const { app, org } = smallOrg({ clusters: ['eu'] });
    new ConfigMap(org.chartFor('eu'), 'settings', { data: { a: '1' } });
    expect(() => Testing.synth(org.chartFor('eu'))).toThrow(
      "error foreign-chart acme/clusters/eu/settings: added to the organization's chart for cluster eu, whose objects are only what the organization renders: its 1 object (ConfigMap) would be left out of dist/ and of Testing.synth",
    );
    expect(() => app.synth()).toThrow(
      "[acme/clusters/eu] settings: the organization's chart holds only what the organization renders",
    );
  });

  it('fails as orgctl synth does when the app holds a chart orgctl would drop', () => {
    const { app, org } = smallOrg();
    new ConfigMap(new Chart(app, 'config'), 'settings', { data: { a: '1' } });
    expect(() => Testing.synth(org.chartFor())).toThrow(
      "error foreign-chart config: a cdk8s chart next to the Organization, with 1 object (ConfigMap): orgctl writes only the organization's objects",
    );
  });
});

describe('an Organization declared in a chart (Testing.chart())', () => {
  it('synthesizes as in an App; objects put next to it in that chart are refused', () => {
    const org = new Organization(Testing.chart(), 'acme', { owner: 'alice@acme.io' });
    org.user('alice@acme.io', { admin: true });
    org.namespace('web');
    const objects = Testing.synth(org.chartFor());
    expect(objects.some((o) => o.kind === 'Namespace' && o.metadata.name === 'web')).toBe(true);
    const holder = org.node.scope as Chart;
    new ConfigMap(holder, 'settings');
    expect(() => Testing.synth(org.chartFor())).toThrow(
      "error foreign-chart test/settings: 1 object (ConfigMap) in the chart that holds the Organization: orgctl writes only the organization's objects",
    );
  });
});

describe('app.synth() of an App holding an Organization', () => {
  it("writes each cluster's objects into the app's outdir like any chart: the same as Testing.synth", () => {
    const outdir = tempDir();
    const app = new App({ outdir });
    const org = new Organization(app, 'acme', { owner: 'alice@acme.io', clusters: ['eu', 'us'] });
    org.user('alice@acme.io', { admin: true });
    org.namespace('web', { clusters: ['us'] });
    app.synth();
    const written = readTree(outdir);
    expect([...written.keys()].sort()).toEqual([
      expect.stringMatching(/^acme-clusters-eu-c8[0-9a-f]{6}\.k8s\.yaml$/),
      expect.stringMatching(/^acme-clusters-us-c8[0-9a-f]{6}\.k8s\.yaml$/),
    ]);
    const [eu, us] = [...written.keys()].sort().map((f) => docs(written.get(f)!));
    expect(eu).toEqual(Testing.synth(org.chartFor('eu')));
    expect(us).toEqual(Testing.synth(org.chartFor('us')));
    expect(us.some((o) => o.kind === 'Namespace' && o.metadata.name === 'web')).toBe(true);
  });

  it('a spec declared into an App is the same', () => {
    const outdir = tempDir();
    const app = new App({ outdir });
    const org = Organization.fromSpec(app, {
      apiVersion: 'orgctl/v1',
      kind: 'Organization',
      metadata: { name: 'acme' },
      spec: { owner: 'alice@acme.io', users: [{ email: 'alice@acme.io', admin: true }], namespaces: [{ name: 'web' }] },
    });
    app.synth();
    const written = readTree(outdir);
    expect(written.size).toBe(1);
    expect(docs([...written.values()][0]!)).toEqual(Testing.synth(org.chartFor()));
  });
});
