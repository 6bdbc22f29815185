/** Namespace guard rails (issue 15 §3): constructs, spec, output, proof, import, diff and the guard-rails rule. */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppProject } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1';
import { isCelError, run } from '@bufbuild/cel';
import { describe, expect, it } from 'vitest';
import { DeclarationError } from '../constructs/index.ts';
import { schemaProblems } from '../synth/kubernetes-schema.ts';
import { compareQuantities, parseQuantity } from '../model/guard-rails.ts';
import { cli, docs, files, nsText, ROOT, run as orgctl, smallOrg, tempDir } from './helpers.ts';

const SPEC = join(ROOT, 'test/fixtures/specs/guard-rails.yaml');
const ARGO = 'system:serviceaccount:argocd:argocd-application-controller';

function synthDir(spec: string): string {
  const out = join(tempDir('orgctl-gr-'), 'dist');
  const r = cli(['synth', '--spec', spec, '--out', out]);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return out;
}

/** The fixture with `edit` applied to its text, as a spec file. */
function editedSpec(edit: (text: string) => string): string {
  const file = join(tempDir('orgctl-gr-spec-'), 'org.yaml');
  writeFileSync(file, edit(readFileSync(SPEC, 'utf8')));
  return file;
}

/** The fixture with `edit` applied to its text, synthesized. */
const variant = (edit: (text: string) => string): string => synthDir(editedSpec(edit));

/** The same, synthesized in this process. */
async function variantHere(edit: (text: string) => string): Promise<string> {
  const out = join(tempDir('orgctl-gr-'), 'dist');
  const r = await orgctl(['synth', '--spec', editedSpec(edit), '--out', out]);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return out;
}

describe('namespace guard rails through the construct API', () => {
  it('renders Pod Security labels, a ResourceQuota, a LimitRange and a NetworkPolicy, each valid for Kubernetes', () => {
    const { org } = smallOrg({
      namespaceDefaults: { podSecurity: 'baseline' },
      namespaceProtection: { appliedBy: ARGO },
    });
    org.namespace('api', {
      podSecurity: { enforce: 'restricted', warn: 'restricted', version: 'v1.30' },
      quota: { pods: '20', 'requests.cpu': '2' },
      limits: { defaultRequest: { cpu: '100m' }, max: { memory: '1Gi' } },
      networkPolicy: 'same-namespace',
      labels: { team: 'api' },
      annotations: { 'acme.io/contact': 'api@acme.io' },
    });
    const out = files(org);
    const objects = [...out.entries()].filter(([p]) => p.endsWith('resources.yaml')).flatMap(([, t]) => docs(t));
    expect(schemaProblems(objects as never)).toEqual([]);
    const api = docs(nsText(out, 'api'));
    const ns = api.find((o) => o.kind === 'Namespace')!;
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.30',
      'pod-security.kubernetes.io/audit': 'restricted',
      team: 'api',
    });
    expect(ns.metadata.annotations['acme.io/contact']).toBe('api@acme.io');
    expect(api.map((o) => o.kind)).toEqual(expect.arrayContaining(['ResourceQuota', 'LimitRange', 'NetworkPolicy']));
    expect(api.find((o) => o.kind === 'ResourceQuota')!.spec.hard).toEqual({ pods: '20', 'requests.cpu': '2' });
    // The organization's default reaches a namespace that declares none, and the system namespace.
    const web = docs(nsText(out, 'web')).find((o) => o.kind === 'Namespace')!;
    expect(web.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
    const cluster = [...out.entries()].find(([p]) => p.endsWith('cluster/resources.yaml'))![1];
    const kinds = docs(cluster).map((o) => o.kind);
    expect(kinds).toEqual(expect.arrayContaining(['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']));
    const vap = docs(cluster).find((o) => o.kind === 'ValidatingAdmissionPolicy')!;
    expect(vap.apiVersion).toBe('admissionregistration.k8s.io/v1');
    expect(JSON.stringify(vap.spec.validations)).toContain(ARGO);
  });

  it('leaves an organization that declares no guard rail as it was (no new object, label or ConfigMap)', () => {
    const { org } = smallOrg();
    const text = [...files(org).values()].join('\n');
    expect(text).not.toMatch(
      /pod-security|ResourceQuota|LimitRange|NetworkPolicy|ValidatingAdmission|orgctl-namespaces/,
    );
  });

  it.each([
    [{ labels: { 'orgctl.io/organization': 'x' } }, /orgctl's to write/],
    [{ labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } }, /declare podSecurity instead/],
    [{ labels: { team: 'a b' } }, /label value/],
    [
      { annotations: { 'argocd.argoproj.io/sync-options': 'Prune=true' } },
      /argocd\.argoproj\.io\/sync-options: Argo CD/,
    ],
    // Keys others act on (a red team): Argo CD runs an object with a Helm hook annotation as a hook
    // and deletes it once done (gitops-engine pkg/sync/hook: IsHook falls back to Helm's), so a
    // Namespace so annotated is deleted with everything in it; Kubernetes' admission plugins read
    // the scheduler's namespace annotations (PodNodeSelector, PodTolerationRestriction); Argo CD
    // tracks objects by app.kubernetes.io/instance; the Argo CD operator gives a namespace to
    // whatever instance argocd.argoproj.io/managed-by names.
    [{ annotations: { 'helm.sh/hook': 'post-install' } }, /helm\.sh\/hook: Helm's/],
    [{ annotations: { 'meta.helm.sh/release-name': 'x' } }, /meta\.helm\.sh\/release-name: Helm's/],
    [{ annotations: { 'scheduler.alpha.kubernetes.io/node-selector': '' } }, /Kubernetes' to act on/],
    [{ annotations: { 'kubernetes.io/description': 'x' } }, /Kubernetes' to act on/],
    [{ labels: { 'app.kubernetes.io/instance': 'other-app' } }, /Kubernetes' to act on/],
    [{ labels: { 'policy.x-k8s.io/level': 'a' } }, /x-k8s\.io/],
    [{ labels: { 'snapshot.storage.k8s.io/x': 'a' } }, /Kubernetes' to act on/],
    [{ labels: { 'argocd.argoproj.io/managed-by': 'argocd' } }, /Argo CD/],
    [{ annotations: { 'orgctl.io/x': 'y' } }, /orgctl's/],
    [{ quota: { 'requests.cpu': 'lots' } }, /not a Kubernetes quantity/],
    [{ quota: { 'requests.cpu': 4 } }, /not a Kubernetes quantity/],
    [{ limits: { maximum: { cpu: '1' } } }, /not a field of limits/],
    // What the API server refuses (a red-team review: the shard's Application, RoleBinding
    // removals included, would then never sync): pkg/apis/core/validation and resource.ParseQuantity.
    [{ quota: { foo: '1' } }, /\(quota\): resource "foo" is not one Kubernetes tracks \(cpu, memory, /],
    [{ quota: { pods: '500m' } }, /\(quota\.pods\): "500m" is not a whole number \(pods is counted in whole units\)/],
    [{ quota: { 'nvidia.com/gpu': '1.5' } }, /\(quota\.nvidia\.com\/gpu\): "1\.5" is not a whole number/],
    [{ quota: { 'requests.cpu': '1e1.5' } }, /not a Kubernetes quantity/],
    [
      { limits: { min: { cpu: '2' }, max: { cpu: '1' } } },
      /\(limits\): min cpu 2 is more than max cpu 1, which the API server refuses/,
    ],
    [
      { limits: { defaultRequest: { memory: '2Gi' }, default: { memory: '1Gi' } } },
      /\(limits\): defaultRequest memory 2Gi is more than default memory 1Gi/,
    ],
    [
      { limits: { max: { pods: '3' } } },
      /\(limits\.max\): resource "pods" is not one a container asks for \(cpu, memory, ephemeral-storage, hugepages-<size>/,
    ],
    [{ podSecurity: 'strict' }, /not a Pod Security level/],
    [{ networkPolicy: 'deny-all' }, /not allowed/],
  ])('refuses %j with the construct path', (props, message) => {
    const { org } = smallOrg();
    let error: unknown;
    try {
      org.namespace('api', props as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DeclarationError);
    expect(String((error as Error).message)).toMatch(message);
    expect(String((error as Error).message)).toContain('acme/namespaces/api');
  });

  it('the namespace protection denies what it says and nothing else, its CEL evaluated by a CEL implementation', () => {
    // Buf's CEL for ECMAScript (conformance-tested against cel-go's suite, the CEL the API server
    // runs). With failurePolicy Fail, a request passes when every validation is true; an error denies.
    const { org } = smallOrg({ namespaceProtection: { appliedBy: ARGO } });
    const cluster = [...files(org).entries()].find(([p]) => p.endsWith('cluster/resources.yaml'))![1];
    const vap = docs(cluster).find((o) => o.kind === 'ValidatingAdmissionPolicy')!;
    expect(vap.spec.failurePolicy).toBe('Fail');
    const validations = vap.spec.validations as { expression: string; message: string }[];
    // The API server labels every namespace with its name (kubernetes.io/metadata.name).
    const labels = { 'kubernetes.io/metadata.name': 'web', 'orgctl.io/organization': 'acme' };
    const namespace = (extra: Record<string, string> = {}) => ({
      metadata: { name: 'web', labels: { ...labels, ...extra } },
    });
    const denied = (operation: string, username: string, object: unknown, oldObject: unknown): string[] =>
      validations
        .filter(({ expression }) => {
          const result = run(expression, {
            request: { operation, userInfo: { username } },
            object,
            oldObject,
          } as never);
          return isCelError(result) || result !== true;
        })
        .map((v) => v.message);
    const admin = 'alice@acme.io';
    const restricted = { 'pod-security.kubernetes.io/enforce': 'restricted' };
    expect(denied('DELETE', ARGO, null, namespace())).toEqual([]);
    expect(denied('DELETE', admin, null, namespace())).toEqual([validations[0]!.message]);
    expect(denied('UPDATE', admin, namespace(), namespace())).toEqual([]); // annotations, finalizers: not labels
    expect(denied('UPDATE', admin, namespace(restricted), namespace())).toEqual([validations[1]!.message]);
    const { 'orgctl.io/organization': _, ...unlabelled } = labels;
    const leaving = { metadata: { name: 'web', labels: unlabelled } };
    // Dropping the organization label is refused as a label change, and on every object of the organization.
    expect(denied('UPDATE', admin, leaving, namespace())).toEqual([validations[1]!.message, validations[2]!.message]);
    expect(denied('UPDATE', ARGO, namespace(restricted), namespace())).toEqual([]);
    expect(denied('UPDATE', ARGO, leaving, namespace())).toEqual([]);
  });

  it('refuses an appliedBy that is no username', () => {
    expect(() => smallOrg({ namespaceProtection: { appliedBy: "it's me" } })).toThrow(/not a Kubernetes username/);
  });

  it('compares quantities by value', () => {
    expect(compareQuantities('1Gi', '1G')).toBe(1);
    expect(parseQuantity('500m')).toEqual({ nanos: 500_000_000n });
    expect(compareQuantities('1e3', '1k')).toBe(0);
    expect(compareQuantities('lots', '1')).toBeNaN();
  });
});

describe('label and annotation keys of the namespace’s own', () => {
  it('accepts keys of other domains, and domains that only end like a reserved one', () => {
    const { org } = smallOrg();
    org.namespace('api', {
      labels: { team: 'api', 'acme.io/tier': 'gold', 'notkubernetes.io/x': 'y' },
      annotations: { 'owner.acme.io/contact': 'a@acme.io', 'helm.shop/x': 'y', description: 'API' },
    });
    expect(() => files(org)).not.toThrow();
  });
});

describe('namespace guard rails through the CLI', () => {
  const base = synthDir(SPEC);

  it('check and synth accept the spec; the output proves itself and the AppProject allows every kind it holds', () => {
    expect(cli(['check', '--spec', SPEC]).code).toBe(0);
    const prove = cli(['prove', '--dir', base]);
    expect(prove.code, prove.stdout + prove.stderr).toBe(0);
    const project = docs(readFileSync(join(base, 'argocd/appproject.yaml'), 'utf8'))[0]!;
    new AppProject(project as never).validate();
    const kinds = [...project.spec.clusterResourceWhitelist, ...project.spec.namespaceResourceWhitelist].map(
      (k: { kind: string }) => k.kind,
    );
    const written = new Set(
      ['lga1', 'ord1'].flatMap((c) =>
        ['cluster', 'shard-00', 'shard-01', 'shard-02', 'shard-03'].flatMap((s) => {
          try {
            return docs(readFileSync(join(base, c, s, 'resources.yaml'), 'utf8')).map((o) => o.kind as string);
          } catch {
            return [];
          }
        }),
      ),
    );
    for (const k of written) expect(kinds).toContain(k);
    for (const k of ['ResourceQuota', 'LimitRange', 'NetworkPolicy', 'ValidatingAdmissionPolicy'])
      expect(written).toContain(k);
  });

  it('import recovers every guard rail from the output', () => {
    const r = cli(['import', '--from', base, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const spec = JSON.parse(r.stdout).spec ?? JSON.parse(r.stdout);
    const s = spec.spec ?? spec;
    expect(s.namespaceDefaults).toEqual({ podSecurity: 'baseline' });
    expect(s.namespaceProtection).toEqual({ appliedBy: ARGO });
    const web = s.namespaces.find((n: { name: string }) => n.name === 'web');
    expect(web).toMatchObject({ podSecurity: 'restricted', networkPolicy: 'same-namespace', labels: { team: 'web' } });
  });

  it('diff shows per namespace what changes in its guard rails', () => {
    const head = variant((t) => t.replace('requests.cpu: "4"', 'requests.cpu: "8"'));
    const r = cli(['diff', '--base', base, '--head', head]);
    expect(r.stdout).toContain('**Namespace guard rails**');
    expect(r.stdout).toContain('- web: ResourceQuota requests.cpu 4 → 8 (weaker)');
  });

  it.each([
    ['a lower Pod Security level', (t: string) => t.replace('podSecurity: restricted', 'podSecurity: baseline')],
    ['a larger quota', (t: string) => t.replace('requests.cpu: "4"', 'requests.cpu: "8"')],
    ['a larger limit', (t: string) => t.replace('max: { memory: 2Gi }', 'max: { memory: 4Gi }')],
    ['the network policy removed', (t: string) => t.replace('      networkPolicy: same-namespace\n', '')],
    ['a lower organization default', (t: string) => t.replace('podSecurity: baseline }', 'podSecurity: privileged }')],
    ['protection turned off', (t: string) => t.replace(/ {2}namespaceProtection:.*\n/, '')],
    // Labels and annotations: tools orgctl does not know read them (OpenShift's SCC takes a
    // namespace's UID range from an annotation, a mesh injects sidecars by a label), so a change
    // may weaken what orgctl cannot judge (a red team).
    ['an annotation changed', (t: string) => t.replace('contact: web-team@acme.io', 'contact: ops@acme.io')],
    [
      'an annotation added',
      (t: string) =>
        t.replace('owner.acme.io/contact:', 'openshift.io/sa.scc.uid-range: 0/1000, owner.acme.io/contact:'),
    ],
    ['a label removed', (t: string) => t.replace('      labels: { team: web }\n', '')],
    // Pinning an older policy version: v1.0's restricted lacks every check added since (a red team).
    [
      'an older Pod Security version pinned',
      (t: string) => t.replace('podSecurity: restricted', 'podSecurity: { enforce: restricted, version: v1.0 }'),
    ],
    [
      'a new namespace below the organization default',
      (t: string) =>
        t.replace('    - { name: data }', '    - { name: data }\n    - { name: gpu, podSecurity: privileged }'),
    ],
    [
      'a namespace added with a label',
      (t: string) =>
        t.replace(
          '    - { name: data }',
          '    - { name: data }\n    - { name: gpu, labels: { istio-injection: disabled } }',
        ),
    ],
  ])('guard-rails fails %s without an approval, and passes with another admin', async (_, edit) => {
    // Each in this process (a synth and two reviews through the CLI each took 20 s in all): the
    // tests around it review through the CLI.
    const head = await variantHere(edit);
    const alone = await orgctl(['review', '--base', base, '--head', head, '--actor', 'alice']);
    expect(alone.code, alone.stdout).toBe(1);
    expect(alone.stdout).toMatch(/`guard-rails` \| ❌/);
    const approved = await orgctl([
      ...['review', '--base', base, '--head', head, '--actor', 'alice', '--approved-by', 'frank'],
    ]);
    expect(approved.code, approved.stdout).toBe(0);
    // Labels and annotations may weaken (read outside orgctl); the rest weakens.
    const weakens = /label|annotation/.test(_) ? 'may weaken' : 'weakens';
    expect(approved.stdout).toContain(`| \`guard-rails\` | ✅ | ${weakens} guard rails (`);
  });

  it('says why: an older version, and a new namespace below the default', () => {
    const head = variant((t) =>
      t
        .replace('podSecurity: restricted', 'podSecurity: { enforce: restricted, version: v1.0 }')
        .replace(
          '    - { name: data }',
          '    - { name: data }\n    - { name: gpu, podSecurity: privileged }\n    - { name: api, podSecurity: restricted }',
        ),
    );
    const r = cli(['review', '--base', base, '--head', head, '--actor', 'alice']);
    expect(r.stdout).toContain('web: Pod Security version latest → v1.0 (weaker)');
    expect(r.stdout).toContain("gpu: Pod Security baseline → privileged: below the organization's default (weaker)");
    expect(r.stdout).not.toContain('api: Pod Security'); // stricter than the default: nothing to judge
  });

  it('guard-rails passes a strengthening made by one admin alone', () => {
    const head = variant((t) =>
      t
        .replace('requests.cpu: "4"', 'requests.cpu: "2"')
        .replace(
          '    - { name: data }',
          '    - { name: data, networkPolicy: same-namespace, podSecurity: restricted }',
        ),
    );
    const r = cli(['review', '--base', base, '--head', head, '--actor', 'alice']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain('no namespace guard rail is weakened');
    expect(r.stdout).toContain('data: NetworkPolicy same-namespace added');
  });

  it('a forged guard rail in head (a quota raised in the YAML only) fails the proof', () => {
    const head = join(tempDir('orgctl-gr-forged-'), 'dist');
    cpSync(base, head, { recursive: true });
    for (const c of ['lga1', 'ord1'])
      for (const s of ['shard-00', 'shard-01', 'shard-02', 'shard-03']) {
        const f = join(head, c, s, 'resources.yaml');
        try {
          writeFileSync(f, readFileSync(f, 'utf8').replace('requests.cpu: "4"', 'requests.cpu: "400"'));
        } catch {}
      }
    const r = cli(['review', '--base', base, '--head', head, '--actor', 'alice']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/`output-proof` \| ❌/);
  });
});
