import { describe, expect, it } from 'vitest';
import { CATALOG, type PolicyRule } from '../../model/catalog.ts';
import {
  BUILTIN_GROUPS,
  CLASSES,
  classesOf,
  describeRule,
  reservedForAdmins,
  undeclaredWrites,
} from '../../analysis/classes.ts';
import { Authorizer } from '../../analysis/authorizer.ts';
import { explainRequest, reservedReason, resolveWho } from '../../analysis/explain.ts';
import { readRbac } from '../../analysis/objects.ts';
import { POD_CREATING_GROUPS } from '../../analysis/custom-resource-classes.ts';
import { API_RESOURCES } from '../../analysis/resources.ts';
import { run, ROOT, smallOrg, TODAY } from '../helpers.ts';
import { join } from 'node:path';

/** The catalog, judged by what its rules allow: what each level's ClusterRole holds, bound in a namespace. */
const EXPECTED: Record<string, string[]> = {
  // Writing every resource of every group writes Kyverno's PolicyExceptions too (red team R69-2): webhooks.
  'w:full': [
    'run-pods',
    'exec',
    'read-secrets',
    'identity',
    'escalate',
    'hold-delivery',
    'webhooks',
    'node-host',
    'network',
  ],
  'w:pods': ['run-pods', 'exec'],
  'w:workloads': ['run-pods'],
  'w:jobs': ['run-pods'],
  'r:secrets': ['read-secrets'],
  'w:secrets': ['read-secrets', 'identity'],
  // A Service written as ExternalName, or with a selector of other Pods, redirects its clients' traffic.
  'w:services': ['network'],
  // An Ingress may claim a path under another team's host on a controller every namespace shares (R51-1).
  'w:ingresses': ['network'],
};

describe('privilege classes', () => {
  it.each(CATALOG.map((l) => [l.id, l] as const))('%s holds exactly the expected classes', (id, level) => {
    expect(classesOf(level.rules, 'namespace')).toEqual(EXPECTED[id] ?? []);
  });

  it('only admin-only levels may run pods or exec', () => {
    for (const l of CATALOG) {
      const held = classesOf(l.rules, 'namespace');
      if (held.includes('run-pods') || held.includes('exec') || held.includes('identity') || held.includes('escalate'))
        expect(l.adminOnly, l.id).toBe(true);
    }
  });

  it.each([
    [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['create'] }, ['run-pods']],
    [
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      ['run-pods', 'exec', 'read-secrets', 'identity', 'escalate', 'hold-delivery', 'webhooks', 'node-host', 'network'],
    ],
    [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['get'] }, ['exec']],
    // Found by a red-team review: a KEDA ScaledJob holds a JobSpec; a KubeVirt vsock stream is a port-forward.
    [{ apiGroups: ['keda.sh'], resources: ['scaledjobs'], verbs: ['create'] }, ['run-pods']],
    [
      { apiGroups: ['subresources.kubevirt.io'], resources: ['virtualmachineinstances/vsock'], verbs: ['get'] },
      ['exec'],
    ],
    // Re-pointing the source a Flux Kustomization applies deploys anything (found by a red-team review).
    [{ apiGroups: ['source.toolkit.fluxcd.io'], resources: ['gitrepositories'], verbs: ['patch'] }, ['run-pods']],
    // A controller writing a Secret of the type its resource says mints tokens (ExternalSecret, SealedSecret).
    [{ apiGroups: ['external-secrets.io'], resources: ['externalsecrets'], verbs: ['create'] }, ['identity']],
    [{ apiGroups: ['bitnami.com'], resources: ['sealedsecrets'], verbs: ['patch'] }, ['identity']],
    [{ apiGroups: ['bitnami.com'], resources: ['sealedsecrets'], verbs: ['get', 'list', 'delete'] }, []],
    // Cluster-scoped: a RoleBinding does not reach it.
    [{ apiGroups: ['external-secrets.io'], resources: ['clusterexternalsecrets'], verbs: ['create'] }, []],
    // An OPTIONS request is verb "" (requestinfo.go), and the pod and service proxies forward it.
    [{ apiGroups: [''], resources: ['pods/proxy', 'services/proxy'], verbs: [''] }, ['exec']],
    [{ apiGroups: ['apps'], resources: ['controllerrevisions'], verbs: ['create', 'delete'] }, ['run-pods']],
    [{ apiGroups: ['apps'], resources: ['controllerrevisions'], verbs: ['get', 'list', 'delete'] }, []],
    [{ apiGroups: [''], resources: ['pods/*'], verbs: ['*'] }, []],
    [{ apiGroups: [''], resources: ['*/exec'], verbs: ['create'] }, ['exec']],
    [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['db'] }, ['read-secrets']],
    [{ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }, ['identity']],
    [{ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] }, ['identity']],
    [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'], verbs: ['create'] }, ['escalate']],
    [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'] }, ['escalate']],
    [{ apiGroups: [''], resources: ['endpoints'], verbs: ['patch'] }, ['network']],
    [{ apiGroups: [''], resources: ['configmaps'], verbs: ['*'] }, []],
    // issue 12, section 2
    [{ apiGroups: [''], resources: ['secrets'], verbs: ['update'] }, ['identity']],
    [{ apiGroups: [''], resources: ['secrets'], verbs: ['patch'], resourceNames: ['token-ci'] }, ['identity']],
    [{ apiGroups: [''], resources: ['secrets'], verbs: ['delete'] }, ['identity']],
    [{ apiGroups: [''], resources: ['secrets'], verbs: ['deletecollection'] }, ['identity']],
    [{ apiGroups: [''], resources: ['pods/portforward'], verbs: ['get'] }, ['exec']],
    [{ apiGroups: [''], resources: ['pods/proxy'], verbs: ['patch'] }, ['exec']],
    [{ apiGroups: [''], resources: ['services/proxy'], verbs: ['get'] }, ['exec']],
    [{ apiGroups: [''], resources: ['*/proxy'], verbs: ['delete'] }, ['exec']],
    [
      { apiGroups: [''], resources: ['pods/log', 'pods/status', 'services/status'], verbs: ['get', 'list', 'watch'] },
      [],
    ],
    [{ apiGroups: ['argoproj.io'], resources: ['workflows'], verbs: ['create'] }, ['run-pods']],
    [{ apiGroups: ['argoproj.io'], resources: ['workflows'], verbs: ['get', 'list', 'watch', 'delete'] }, []],
    [{ apiGroups: ['*'], resources: ['rayjobs'], verbs: ['patch'] }, ['run-pods']],
    [{ apiGroups: ['example.com'], resources: ['*'], verbs: ['update'] }, ['run-pods']],
    [{ apiGroups: ['example.com'], resources: ['*'], verbs: ['get', 'list', 'delete'] }, []],
    [{ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['create'] }, []],
    // A group Kubernetes serves itself: its own classes (Ingresses redirect traffic), not run-pods.
    [{ apiGroups: ['networking.k8s.io'], resources: ['*'], verbs: ['*'] }, ['network']],
    [{ apiGroups: ['subresources.kubevirt.io'], resources: ['virtualmachineinstances/vnc'], verbs: ['get'] }, ['exec']],
    [{ apiGroups: ['subresources.kubevirt.io'], resources: ['version'], verbs: ['get', 'list'] }, []],
  ])('%j in a namespace holds %j', (rule, classes) => {
    expect(classesOf([rule], 'namespace')).toEqual(classes);
  });

  // A red team: node certificates through the CSR approver; admission policies and APIServices.
  const admission = (resource: string): PolicyRule => ({
    apiGroups: ['admissionregistration.k8s.io'],
    resources: [resource],
    verbs: ['delete'],
  });
  it.each<[PolicyRule, string[]]>([
    [
      { apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests/nodeclient'], verbs: ['create'] },
      ['identity'],
    ],
    [{ apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests'], verbs: ['create', 'get'] }, []],
    [{ apiGroups: ['apiregistration.k8s.io'], resources: ['apiservices'], verbs: ['patch'] }, ['webhooks']],
    [{ apiGroups: ['apiregistration.k8s.io'], resources: ['apiservices'], verbs: ['get', 'list', 'watch'] }, []],
    [admission('mutatingadmissionpolicies'), ['webhooks']],
    [admission('mutatingadmissionpolicybindings'), ['webhooks']],
    [admission('validatingadmissionpolicies'), ['webhooks']],
    [admission('validatingadmissionpolicybindings'), ['webhooks']],
  ])('%j cluster-wide holds %j', (rule, classes) => {
    expect(classesOf([rule], 'cluster')).toEqual(classes);
    expect(classesOf([rule], 'namespace')).toEqual([]);
  });

  it('cluster-scoped power counts only through a ClusterRoleBinding', () => {
    const impersonate = { apiGroups: [''], resources: ['users'], verbs: ['impersonate'] };
    const webhooks = {
      apiGroups: ['admissionregistration.k8s.io'],
      resources: ['mutatingwebhookconfigurations'],
      verbs: ['create'],
    };
    const nodeProxy = { apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] };
    expect(classesOf([impersonate, webhooks, nodeProxy], 'namespace')).toEqual([]);
    expect(classesOf([impersonate, webhooks, nodeProxy], 'cluster')).toEqual(['exec', 'identity', 'webhooks']);
  });

  it('nodes/* of the kubelet API are reserved cluster-wide, every one, by any proxied verb', () => {
    // pkg/kubelet/server/auth.go GetRequestAttributes: stats, metrics, log, checkpoint, pods, healthz, configz, statusz, proxy
    for (const sub of [
      'proxy',
      'log',
      'stats',
      'metrics',
      'spec',
      'checkpoint',
      'pods',
      'healthz',
      'configz',
      'statusz',
    ]) {
      for (const verb of ['get', 'create', 'update', 'patch', 'delete']) {
        const rule = { apiGroups: [''], resources: [`nodes/${sub}`], verbs: [verb] };
        expect(classesOf([rule], 'cluster'), `${verb} nodes/${sub}`).toEqual(['exec']);
        expect(classesOf([rule], 'namespace'), `${verb} nodes/${sub}`).toEqual([]);
      }
    }
  });

  it('every pod-creating custom resource is data with a source, in a group Kubernetes does not serve itself', () => {
    expect(POD_CREATING_GROUPS.length).toBeGreaterThanOrEqual(15);
    for (const g of POD_CREATING_GROUPS) {
      expect(g.source, g.project).toMatch(/^https:\/\//);
      expect(BUILTIN_GROUPS.has(g.group), g.group).toBe(false);
      // Namespaced resources, or cluster-scoped ones only (a cluster-scoped variant of a namespaced kind).
      const scoped = [
        ['namespace', g.resources],
        ['cluster', g.clusterResources ?? []],
      ] as const;
      expect(g.resources.length + (g.clusterResources?.length ?? 0), g.project).toBeGreaterThan(0);
      for (const [scope, resources] of scoped) {
        for (const r of resources) expect(r, g.project).toMatch(/^[a-z][a-z0-9]*$/);
        if (resources.length)
          // run-pods first; a group of a cloud provider's family also holds identity (tf.m.upbound.io).
          for (const verb of ['create', 'update', 'patch'])
            expect(
              classesOf([{ apiGroups: [g.group], resources: [...resources], verbs: [verb] }], scope)[0],
              g.project,
            ).toBe('run-pods');
      }
    }
    for (const r of API_RESOURCES) expect(BUILTIN_GROUPS.has(r.group)).toBe(true);
  });

  it('names the resources of API groups orgctl does not know that a rule writes, less those declared safe', () => {
    expect(
      undeclaredWrites({ apiGroups: ['example.com', 'apps', '*'], resources: ['widgets'], verbs: ['create'] }),
    ).toEqual(['widgets.example.com', 'widgets in every API group']);
    const safe = [{ group: 'example.com', resources: ['widgets'], reason: 'reviewed' }];
    expect(
      undeclaredWrites(
        { apiGroups: ['example.com', 'acme.io'], resources: ['widgets', 'gadgets'], verbs: ['patch'] },
        safe,
      ),
    ).toEqual(['gadgets.example.com', 'widgets.acme.io', 'gadgets.acme.io']);
    // `*` reaches groups nobody can declare: never lifted.
    expect(undeclaredWrites({ apiGroups: ['*'], resources: ['widgets'], verbs: ['patch'] }, safe)).toEqual([
      'widgets in every API group',
    ]);
    expect(undeclaredWrites({ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['update'] }, safe)).toEqual(
      [],
    );
    // Deleting says nothing a controller could act on.
    expect(
      undeclaredWrites({ apiGroups: ['example.com'], resources: ['gadgets'], verbs: ['delete', 'deletecollection'] }),
    ).toEqual([]);
    expect(
      undeclaredWrites({ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['get', 'list', 'watch'] }),
    ).toEqual([]);
    expect(undeclaredWrites({ apiGroups: ['apps', 'networking.k8s.io'], resources: ['*'], verbs: ['*'] })).toEqual([]);
    expect(undeclaredWrites({ nonResourceURLs: ['/metrics'], verbs: ['*'] })).toEqual([]);
  });

  it('a finding names what the request does and why', () => {
    expect(
      reservedForAdmins(['exec'], 2, { apiGroups: [''], resources: ['pods/portforward'], verbs: ['create'] }),
    ).toBe(
      "lets a non-admin port-forward into pods (rule 2: create on pods/portforward): reserved for admins, because port-forward opens any port of a pod's network namespace from outside the cluster, past NetworkPolicies, reaching what listens only on localhost",
    );
    expect(reservedForAdmins(['identity'], 0, { apiGroups: [''], resources: ['secrets'], verbs: ['patch'] })).toMatch(
      /^lets a non-admin write Secrets \(rule 0: patch on secrets\): reserved for admins, because creating a Secret of type kubernetes.io\/service-account-token, or re-pointing one \(update, patch\), mints a token/,
    );
    expect(
      reservedForAdmins(['run-pods'], 0, { apiGroups: ['tekton.dev'], resources: ['taskruns'], verbs: ['create'] }),
    ).toMatch(/^lets a non-admin run pods through Tekton Pipelines \(rule 0: create on taskruns.tekton.dev\)/);
    expect(
      reservedForAdmins(['run-pods'], 0, { apiGroups: ['apps'], resources: ['deployments'], verbs: ['create'] }),
    ).toMatch(/^lets a non-admin run arbitrary pods .*because a pod runs any image/);
  });

  it('explain says why a request is reserved, in its own words', async () => {
    expect(
      reservedReason({ verb: 'get', namespace: 'web', apiGroup: '', resource: 'services', subresource: 'proxy' })?.text,
    ).toMatch(/^reserved for admins \(reach into pods through the API server's proxy\): /);
    expect(
      reservedReason({ verb: 'get', namespace: '', apiGroup: '', resource: 'nodes', subresource: 'log' })?.text,
    ).toMatch(/^reserved for admins \(reach into nodes through the kubelet API\): /);
    expect(
      reservedReason({ verb: 'get', namespace: 'web', apiGroup: '', resource: 'nodes', subresource: 'log' }),
    ).toBeUndefined();
    expect(
      reservedReason({ verb: 'get', namespace: 'web', apiGroup: '', resource: 'pods', subresource: 'log' }),
    ).toBeUndefined();
    const acme = join(ROOT, 'test/fixtures/specs/acme.yaml');
    const pf = await run([
      'explain',
      'bob@acme.io',
      '-n',
      'web',
      'create',
      'pods',
      '--subresource',
      'portforward',
      '--spec',
      acme,
    ]);
    expect(pf.code).toBe(1);
    expect(pf.stdout).toBe(
      "no: users/bob@acme.io may not create pods/portforward in web\n  it needs w:full or w:pods: reserved for admins (port-forward into pods): port-forward opens any port of a pod's network namespace from outside the cluster, past NetworkPolicies, reaching what listens only on localhost",
    );
    const patch = await run(['explain', 'bob@acme.io', '-n', 'web', 'patch', 'secrets', '--spec', acme]);
    expect(patch.stdout).toMatch(
      /^no: users\/bob@acme.io may not patch secrets in web\n {2}it needs w:full or w:secrets: reserved for admins \(write Secrets\): /,
    );
  });

  it('explain warns when a hand-written binding lets a non-admin do what is reserved', () => {
    const { org } = smallOrg();
    org.user('bob@acme.io');
    const model = org.toModel();
    const objects = [
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'rotate', namespace: 'web' },
        rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['update'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'rotate', namespace: 'web' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'rotate' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob@acme.io' }],
      },
    ];
    const authz = new Authorizer(
      readRbac(objects.map((object, index) => ({ file: 'hand-written.yaml', index, object }))),
    );
    const r = explainRequest(model, authz, resolveWho(model, 'bob@acme.io', TODAY)!, {
      verb: 'update',
      namespace: 'web',
      apiGroup: '',
      resource: 'secrets',
      name: 'token-ci',
    });
    expect(r.allowed).toBe(true);
    expect(r.lines.at(-1)).toMatch(
      /^ {2}warning: reserved for admins \(write Secrets\): creating a Secret of type kubernetes.io\/service-account-token, or re-pointing one/,
    );
    const get = explainRequest(model, authz, resolveWho(model, 'bob@acme.io', TODAY)!, {
      verb: 'get',
      namespace: 'web',
      apiGroup: '',
      resource: 'secrets',
    });
    expect(get.lines.join('\n')).not.toMatch(/warning/);
  });

  it('every class says why it matters', () => {
    for (const c of CLASSES) expect(c.why.length, c.id).toBeGreaterThan(20);
  });

  it('describes rules for people', () => {
    expect(describeRule({ apiGroups: ['apps', ''], resources: ['deployments'], verbs: ['create', 'patch'] })).toBe(
      'create,patch on deployments.apps,deployments',
    );
    expect(describeRule({ nonResourceURLs: ['/healthz'], verbs: ['get'] })).toBe('get on /healthz');
    expect(describeRule({ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['db'] })).toBe(
      'get on secrets named db',
    );
  });
});
