/**
 * Red team B: requests of Argo CD's identity (`appliedBy`) for what the organization's
 * Applications track that the boundary (dist/argocd/boundary.yaml) admitted although the README
 * says the API server refuses them. Each is a forged dist/ that got merged (the review bypassed);
 * the policy is evaluated as the API server evaluates it (test/boundary-admission.ts).
 */
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Organization } from '../constructs/index.ts';
import { applicationName } from '../synth/tracking.ts';
import {
  admission,
  ARGO,
  boundaryOf,
  type Obj,
  organization,
  REPO,
  type Request,
  tracked,
  withLabels,
  writtenObjects,
} from './boundary-admission.ts';
import { files, synth, tempDir, TODAY } from './helpers.ts';

const out = files(organization().app);
const { policy } = boundaryOf(out);
const written = writtenObjects(out);
const namespace = (name: string) =>
  written.find((w) => w.object.kind === 'Namespace' && w.object.metadata.name === name)!;
const write = (object: Obj, operation: Request['operation'] = 'CREATE', oldObject?: Obj) =>
  admission(policy, { operation, username: ARGO, object, ...(oldObject ? { oldObject } : {}) });

describe('B1: a second tracking naming an Application of another cluster', () => {
  // `ml` is declared in lga1 only; in ord1 it is anyone's (another team's namespace, or none).
  // Argo CD writes its own tracking (here the label, acme-ord1-cluster); the forged manifest
  // carries the other kind, naming an Application of lga1. The boundary read the cluster from
  // whichever named one first, so ord1's Application wrote as if in lga1.
  const ml = namespace('ml');
  const inOrd1 = applicationName('acme', 'ord1', 'cluster');
  const asIfLga1 = (object: Obj, how: 'label' | 'annotation') =>
    tracked(
      tracked(object, applicationName('acme', 'lga1', 'cluster'), how === 'label' ? 'annotation' : 'label'),
      inOrd1,
      how,
    );

  it.each([
    'label',
    'annotation',
  ] as const)('refuses ord1’s Application (tracking by %s) taking over the Namespace ml in ord1', (how) => {
    expect(ml.cluster).toBe('lga1');
    // Without the forged tracking, refused: ml is no namespace of the organization in ord1.
    expect(write(tracked(ml.object, inOrd1, how)).denied).not.toEqual([]);
    for (const operation of ['CREATE', 'UPDATE'] as const) {
      const v = write(asIfLga1(ml.object, how), operation);
      expect(v.matched).toBe(true);
      expect(v.denied.join('\n'), operation).toMatch(/Applications of different clusters/);
    }
  });

  it('refuses ord1’s Application binding people in ml in ord1', () => {
    const binding = written.find((w) => w.object.kind === 'RoleBinding' && w.object.metadata.namespace === 'ml')!;
    const v = write(asIfLga1(binding.object, 'label'));
    expect(v.matched).toBe(true);
    expect(v.denied.join('\n')).toMatch(/Applications of different clusters/);
  });
});

describe('B2: the other kind of tracking, given any value, on what others select by labels', () => {
  // Under annotation tracking Argo CD writes no label, so the instance label is the manifest's own:
  // the boundary allowed it on a Namespace and a ClusterRole whatever its value. Others select by
  // it: another team's NetworkPolicy letting in the namespaces of its release, an aggregating
  // ClusterRole (a chart's) gathering its release's roles.
  const web = namespace('web');
  const role = written.find((w) => w.object.kind === 'ClusterRole' && w.object.metadata.name === 'acme:w:full')!;
  const labelled = (w: typeof web, value: string) =>
    withLabels(w, { 'app.kubernetes.io/instance': value }, 'annotation');

  it.each([
    ['the Namespace web', web],
    ['the ClusterRole acme:w:full', role],
  ])('refuses %s labelled as another release’s (app.kubernetes.io/instance: payments)', (_, w) => {
    for (const operation of ['CREATE', 'UPDATE'] as const) {
      const v = write(labelled(w, 'payments'), operation, tracked(w.object, w.app, 'annotation'));
      expect(v.matched).toBe(true);
      expect(v.denied.join('\n'), operation).toMatch(/label/);
    }
  });

  it.each([
    ['the Namespace web', web],
    ['the ClusterRole acme:w:full', role],
  ])('admits %s with the label naming its Application, and keeps the one others put there', (_, w) => {
    expect(write(labelled(w, w.app)).denied).toEqual([]);
    const theirs = labelled(w, 'payments');
    expect(write(theirs, 'UPDATE', theirs).denied).toEqual([]);
  });
});

describe('B3: a ClusterRole others hold under the organization’s prefix', () => {
  // The boundary told the organization's ClusterRoles by the prefix `<org>:` alone. Platforms name
  // theirs the same way: EKS's `eks:` (`eks:podsecuritypolicy:privileged`, bound to every
  // authenticated user), kubeadm's `kubeadm:`, Kubernetes' `system:` (organization names now refused:
  // B5), and anyone may have made one under the organization's own prefix before it was adopted.
  // Rewritten with orgctl's labels, one of those gives its holders whatever the forgery likes,
  // cluster-wide (the labels others put there kept: an aggregation label too).
  const theirs = (org: string, name: string, labels: Record<string, string>) => {
    const app = new App({ outdir: tempDir() });
    const o = new Organization(app, org, {
      owner: 'alice@acme.io',
      today: TODAY,
      argocd: { repoURL: REPO, namedClusterResources: true, boundary: { appliedBy: ARGO } } as never,
    });
    o.user('alice@acme.io', { github: 'alice', admin: true });
    o.namespace('web');
    const output = files(app);
    const role = writtenObjects(output, org).find((w) => w.object.kind === 'ClusterRole')!;
    const live = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels } };
    const forged = tracked(
      {
        ...live,
        metadata: { name, labels: { ...labels, ...role.object.metadata.labels } },
        rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
      },
      role.app,
      'label',
    );
    return { policy: boundaryOf(output).policy, live, forged, role };
  };

  it.each([
    ['acme', 'acme:podsecuritypolicy:privileged', { 'eks.amazonaws.com/component': 'pod-security-policy' }],
    // An aggregation label is kept as one others put there: the forged rules would reach view.
    ['acme', 'acme:get-nodes', { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' }],
  ])('refuses organization %s’s Application rewriting %s, made by others', (org, name, labels) => {
    const { policy: p, live, forged } = theirs(org, name, labels);
    const v = admission(p, { operation: 'UPDATE', username: ARGO, object: forged, oldObject: live });
    expect(v.matched).toBe(true);
    expect(v.denied.join('\n')).toMatch(/own ClusterRoles .*never one that others hold/);
  });

  it('admits the organization’s own ClusterRole updated, and a new one created', () => {
    const { policy: p, role } = theirs('acme', 'acme:x', {});
    const object = tracked(role.object, role.app, 'label');
    expect(admission(p, { operation: 'UPDATE', username: ARGO, object, oldObject: object }).denied).toEqual([]);
    expect(admission(p, { operation: 'CREATE', username: ARGO, object }).denied).toEqual([]);
  });
});

describe('B4: subresources of what the organization’s Applications track', () => {
  // A rule's resource `*` matches no subresource. PUT /api/v1/namespaces/NAME/finalize (and
  // /status) writes the whole Namespace, its labels included: the finalize strategy keeps only the
  // old status. Argo CD's sync writes no subresource that we know of; whatever appliedBy writes for
  // the organization's Applications is judged all the same.
  const web = namespace('web');
  const privileged = withLabels(web, { 'pod-security.kubernetes.io/enforce': 'privileged' });

  it.each(['finalize', 'status'])('judges the Namespace web relabelled through namespaces/%s', (subResource) => {
    const v = admission(policy, {
      operation: 'UPDATE',
      username: ARGO,
      object: privileged,
      oldObject: tracked(web.object, web.app, 'label'),
      subResource,
    });
    expect(v.matched).toBe(true);
    expect(v.denied.join('\n')).toMatch(/labels and annotations as declared/);
  });
});

describe('B5: an organization named system', () => {
  it('is refused: its ClusterRoles would be named among Kubernetes’ own (system:basic-user, system:node)', () => {
    const org = new Organization(new App({ outdir: tempDir() }), 'system', { owner: 'alice@acme.io', today: TODAY });
    org.user('alice@acme.io', { github: 'alice', admin: true });
    org.namespace('web');
    const r = synth(org);
    expect(r.ok).toBe(false);
    expect(r.findings.map((f) => `${f.rule}: ${f.message}`).join('\n')).toMatch(
      /invalid-name: "system" makes ClusterRoles named system:\.\.\./,
    );
  });

  it("the same for platforms' prefixes (eks:, kubeadm:, gce:): without the boundary nothing tells their roles from the organization's", () => {
    for (const name of ['eks', 'kubeadm', 'gce']) {
      const org = new Organization(new App({ outdir: tempDir() }), name, { owner: 'alice@acme.io', today: TODAY });
      org.user('alice@acme.io', { github: 'alice', admin: true });
      org.namespace('web');
      const r = synth(org);
      expect(r.findings.map((f) => `${f.rule}: ${f.message}`).join('\n')).toMatch(
        new RegExp(`invalid-name: "${name}" makes ClusterRoles named ${name}:\\.\\.\\.`),
      );
    }
    // A name that only begins like one is the organization's own prefix (eksport:...).
    const org = new Organization(new App({ outdir: tempDir() }), 'eksport', { owner: 'alice@acme.io', today: TODAY });
    org.user('alice@acme.io', { github: 'alice', admin: true });
    expect(synth(org).findings.filter((f) => f.rule === 'invalid-name')).toEqual([]);
  });
});
