/**
 * Red team R125: display texts parsed back as if they were identities, and objects outside the
 * organization's namespaces.
 *
 * R125-1: the diff's "gains custom RBAC X" took X from a cell's `via` label (`RoleBinding ns/name →
 * Role X`), split on ` → `. A binding's name may hold ` → `: one named `x → Role acme:custom:foo`
 * bound to a level's ClusterRole read as a custom role gained, and one named `y → Role
 * acme:custom:other` bound to the custom Role acme:custom:deploy told the reviewer the wrong role.
 * The class: roleId (`Kind/namespace/name`) is split on '/' in analysis/; the reader of dist/
 * refuses '/' in names, roleRefs and namespaces, as the API server does (guard tests below).
 *
 * R125-2: an object in a namespace not the organization's (a ConfigMap in evil-system) is read by
 * access and diff; the AppProject's destinations and the review's proof refuse it (guard tests).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffSnapshots } from '../analysis/diff.ts';
import type { ManifestDoc } from '../analysis/objects.ts';
import { readSnapshot } from '../analysis/snapshot.ts';
import { parseOutput } from '../cli/output-read.ts';
import { toYamlDocument } from '../synth/yaml.ts';
import { appendDocument, docs, exampleDistCopy, reviewOfExample, ROOT, run, TODAY } from './helpers.ts';
import { baseSpec, outputOf } from './review/scenarios.ts';

const RBAC = 'rbac.authorization.k8s.io/v1';
const GROUP = 'rbac.authorization.k8s.io';

const roleBinding = (
  namespace: string,
  name: string,
  roleRef: readonly [kind: string, name: string],
  user: string,
) => ({
  apiVersion: RBAC,
  kind: 'RoleBinding',
  metadata: { name, namespace },
  roleRef: { apiGroup: GROUP, kind: roleRef[0], name: roleRef[1] },
  subjects: [{ apiGroup: GROUP, kind: 'User', name: user }],
});

/** A custom Role in data (get configmaps), which a forged binding binds. */
const DEPLOY = {
  apiVersion: RBAC,
  kind: 'Role',
  metadata: { name: 'acme:custom:deploy', namespace: 'data' },
  rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
};

/** The diff's lines for erin when head is the base organization's output and `objects`. */
function erinLines(objects: readonly Record<string, unknown>[]): string[] {
  const files = outputOf(baseSpec());
  const head: ManifestDoc[] = [
    ...parseOutput(files),
    ...objects.map((object, index) => ({ file: 'in-cluster/shard-05/resources.yaml', index: 1000 + index, object })),
  ];
  const d = diffSnapshots(readSnapshot(parseOutput(files), 'base'), readSnapshot(head, 'head'), TODAY);
  return d.people.filter((p) => p.id.startsWith('erin')).flatMap((p) => p.changes.map((c) => c.text));
}

describe('R125-1: "gains custom RBAC" names the role a binding binds, not text read back from its label', () => {
  it("a binding named `x → Role acme:custom:foo` to a level's ClusterRole gains no custom role", () => {
    const lines = erinLines([
      roleBinding('data', 'x → Role acme:custom:foo', ['ClusterRole', 'acme:r:pods'], 'erin@acme.io'),
    ]);
    expect(lines).toContain('gains r:pods in data');
    expect(lines.filter((l) => l.includes('custom'))).toEqual([]);
  });

  it('a binding named `y → Role acme:custom:other` to Role acme:custom:deploy names acme:custom:deploy', () => {
    const lines = erinLines([
      DEPLOY,
      roleBinding('data', 'y → Role acme:custom:other', ['Role', 'acme:custom:deploy'], 'erin@acme.io'),
    ]);
    expect(lines.filter((l) => l.includes('custom'))).toEqual(['gains custom RBAC acme:custom:deploy in data']);
  });

  it('guard: a binding of an ordinary name to a custom Role reads as before', () => {
    const lines = erinLines([
      DEPLOY,
      roleBinding('data', 'erin-deploy', ['Role', 'acme:custom:deploy'], 'erin@acme.io'),
    ]);
    expect(lines.filter((l) => l.includes('custom'))).toEqual(['gains custom RBAC acme:custom:deploy in data']);
  });
});

/** `object` as the YAML lines of one document, for appendDocument. */
const yamlLines = (object: Record<string, unknown>): string[] => toYamlDocument(object).trimEnd().split('\n');

/** A copy of the example's dist/ with `objects` appended to lga1's shard-17 (web's). */
const exampleWith = (...objects: Record<string, unknown>[]): string =>
  exampleDistCopy('orgctl-r125-', (dir) => {
    for (const o of objects) appendDocument(dir, 'shard-17', yamlLines(o));
  });

describe('R125-1 end to end: orgctl diff of a head dist/ holding such a binding', () => {
  it('a binding named `x → Role acme:custom:foo` to acme:r:pods reads as r:pods gained, no custom RBAC', async () => {
    const head = exampleWith(
      roleBinding('web', 'x → Role acme:custom:foo', ['ClusterRole', 'acme:r:pods'], 'hal@acme.io'),
    );
    const r = await run(['diff', '--base', join(ROOT, 'dist'), '--head', head, '--format', 'text']);
    expect(r.stdout).toContain('- gains r:pods in web in cluster lga1');
    expect(r.stdout).not.toContain('custom RBAC');
  });
});

/**
 * roleId is `Kind/namespace/name` and the diff and snapshot split it on '/' (roleNameOf: after the
 * last one; customRulesOf, roleTitle): sound only while no name or namespace read holds one. The API
 * server refuses both, and so does the reader of dist/, before any analysis.
 */
describe("R125-1 (the class): the reader of dist/ refuses '/' in a role's name, a roleRef's and a namespace", () => {
  const evil = 'evil/acme:custom:configmap-reader';
  it.each([
    ['a Role named with one', { ...DEPLOY, metadata: { name: evil, namespace: 'web' } }, "may not contain '/'"],
    [
      'a RoleBinding whose roleRef names one',
      roleBinding('web', 'zz', ['Role', evil], 'bob@acme.io'),
      `roleRef.name "${evil}" may not contain '/'`,
    ],
    [
      'a RoleBinding in a namespace with one',
      roleBinding('web/x', 'zz', ['ClusterRole', 'acme:r:pods'], 'bob@acme.io'),
      'metadata.namespace "web/x" must be lower-case',
    ],
  ])('%s', async (_, object, said) => {
    const r = await run(['access', '--dir', exampleWith(object)]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(said);
  });
});

const EVIL_CONFIGMAP = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'x', namespace: 'evil-system' },
  data: { a: 'b' },
};

/**
 * R125-2: the reader of dist/ (access, diff) reads a ConfigMap in evil-system, a namespace not the
 * organization's. What orgctl promises is that such an object is never applied: the AppProject's
 * destinations are the organization's namespaces of each cluster, by name (README "second wall";
 * Argo CD checks each namespaced object's namespace against them and refuses the sync), and the
 * review's proof refuses a head holding it. The reader is not that wall: what it reads there grants
 * nothing in the organization's namespaces, and access and diff show what they read.
 */
describe("R125-2: an object outside the organization's namespaces is refused by the AppProject and the review", () => {
  it("the AppProject's destinations are exactly each cluster's Namespaces orgctl writes: no '*', no evil-system", () => {
    const project = docs(readFileSync(join(ROOT, 'dist/argocd/appproject.yaml'), 'utf8')).find(
      (d) => d.kind === 'AppProject',
    )!;
    const destinations = (project.spec.destinations as { name: string; namespace: string }[])
      .map((d) => `${d.name}/${d.namespace}`)
      .sort();
    const written = readdirSync(join(ROOT, 'dist'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('resources.yaml'))
      .flatMap((f) =>
        docs(readFileSync(join(ROOT, 'dist', f), 'utf8'))
          .filter((d) => d?.kind === 'Namespace')
          .map((d) => `${f.split('/')[0]}/${d.metadata.name}`),
      );
    expect(destinations).toEqual([...new Set(written)].sort());
    expect(destinations.filter((d) => d.includes('*') || d.endsWith('/evil-system'))).toEqual([]);
  });

  it('the review refuses a head holding it (output-proof names it)', async () => {
    const r = await reviewOfExample(exampleWith(EVIL_CONFIGMAP), 'frank', ['--approved-by', 'alice']);
    expect(r.stdout).toMatch(/\| `output-proof` \| ❌ \|[^\n]*ConfigMap evil-system\/x is not what orgctl renders/);
  });
});
