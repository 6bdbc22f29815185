/**
 * Red team R39: orgctl's readers of its own output (cli/output-read.ts' parseOutput, the partial
 * read, the strict YAML reader) against a forged or edited dist/, after 396659e (a List refused),
 * 2a8b0ba and 0066b08 (the partial read's heads). Each test asserts the safe behaviour.
 *
 * R39-1 (low; 396659e's class): a document with a top-level `items` key is a list to kubectl and
 *     Argo CD, whatever its kind. Argo CD's repo-server (GenerateManifests) applies
 *     `obj.IsList()`'s items each as an object of its own, and IsList
 *     (apimachinery's Unstructured) is only "has an `items` array"; kubectl's
 *     UnstructuredJSONScheme decodes any object with `items` as an UnstructuredList and applies its
 *     items. (An `items: null` document without spec or status is dropped whole: isNullList.)
 *     parseOutput refuses only a kind ending in List: a ConfigMap in web whose `items` holds a
 *     RoleBinding of Group system:authenticated to acme:w:full is read as a ConfigMap, can-i says
 *     no, access reads the folder as sound, and the cluster binds everyone. The partial read skips
 *     the same document unread when its head names another namespace of web's shard: 0066b08's
 *     "Left" (a skipped document's content below its head) assumed Kubernetes reads it as the
 *     object its head says; with `items` it reads other objects.
 *     Safe: the document refused where it is read, and the partial read parses it.
 *
 * R39-2 (low; a forged dist/ asked locally): a namespaced object written without a namespace.
 *     readRbac reads a RoleBinding without metadata.namespace (or with "") as one of namespace
 *     `default`, as `kubectl apply` without -n would in a default kubeconfig; Argo CD applies it in
 *     the Application's destination namespace (DeduplicateTargetObjects: a namespaced object with
 *     none gets the destination's), which orgctl's ApplicationSet sets to the system namespace,
 *     acme-system, where the tokens' Secrets are. can-i says erin may read secrets in default (not
 *     a namespace of the organization) and not in acme-system; the cluster says the opposite.
 *     The same for an object without a name (`generateName`): readRbac only warns and leaves it
 *     out, and Argo CD creates it (a hook annotation: created on each sync, never pruned).
 *     Safe: orgctl writes a name and, for every namespaced kind, a namespace: anything else is
 *     refused where it is read.
 *
 * R39-3 (medium-low; a head engine whose proof the review accepts, R36-3's class): bytes Go's YAML
 *     refuses. The strict reader reads a double-quoted scalar with JSON.parse, which takes `\/`;
 *     sigs.k8s.io/yaml's goyaml.v2 (kubectl, Argo CD) has no `\/` escape ("found unknown escape
 *     character"), so Argo CD's repo-server refuses the whole file and its Application syncs
 *     nothing: every revocation in that shard stops. orgctl never writes `\/` (JSON.stringify does
 *     not). With a head proof accepted, head dist/ is compared as data and orgctl's informational
 *     annotations are the head engine's word: `orgctl.io/description: "... a\/b"` in the cluster
 *     shard passes the review, and both clusters' `cluster` Applications stop applying. Locally,
 *     can-i answers from a file the cluster never applies.
 *     Safe: the strict reader refuses `\/`, naming it.
 *
 * Held (no test): anchors, aliases, merge keys, tags, `...`, `%` directives, duplicate keys (also
 * as a JSON-escaped key), `yes`/`on`/`y`/`~`/`Null`, 0o17/017/0x1F, dates, `.inf`, sexagesimals,
 * folded or kept block scalars, indentation indicators, tabs, CR, BOM, NEL, raw U+2028, a comment,
 * a trailing space, a key of another type: refused by the strict reader (readCanonicalYaml). A file
 * outside the layout (kustomization.yaml, .json, .jsonnet, a hidden file, a subfolder): refused by
 * parseOutput (isOutputPath), and the partial read falls back on it (clusterFolders); Argo CD's
 * source is an explicit `directory` with include `<shard>/resources.yaml`, so none is rendered. A
 * symbolic link or submodule read from git: refused (readRefOutput). A ClusterRole with a
 * namespace: read cluster-wide, as the API server and Argo CD clear it. Left alone: two copies of
 * one object (kind, namespace, name) in a cluster: Argo CD keeps the last in an Application and two
 * Applications fight over one; orgctl reads both bindings (over-reports) and the last role; the
 * review's head judgement refuses it (identityProblems). `argocd.argoproj.io/hook: Skip` on an
 * object: Argo CD never applies it, orgctl reads it (over-reports).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  relabelledCopy,
  reviewOfUpgrade,
  ROOT,
  run,
  shardHolding,
  upgradedWithDescriptionEnding,
  W_FULL_FOR_BOB,
  exampleDistCopy,
} from './helpers.ts';
import { bothReads } from './partial-read-switch.ts';

// The full read on demand: readForQuestion answering "cannot bound" is what can-i and who-can do then.
vi.mock('../cli/partial-read.ts', async (original) =>
  (await import('./partial-read-switch.ts')).fullReadOnDemand(await original()),
);

/** The example's dist/ copied, with `text` appended to the file at `path` (`web` for web's shard). */
function distWith(path: string, text: string): string {
  const dir = exampleDistCopy('orgctl-r39-');
  const file = join(dir, path === 'web' ? shardHolding(dir, 'web') : path);
  writeFileSync(file, readFileSync(file, 'utf8') + text);
  return dir;
}

/** W_FULL_FOR_BOB's roleRef and subjects, for erin (lines from `roleRef:` on). */
const TO_W_FULL_FOR_ERIN = [...W_FULL_FOR_BOB.slice(5, -1), '  name: erin@acme.io'];

/** Another namespace placed in web's shard (no such namespace need exist). */
const WEB_SHARD_NEIGHBOUR = 'ns-22';

/** A RoleBinding in web of Group system:authenticated to acme:w:full. */
const EVERYONE_W_FULL = [
  ...W_FULL_FOR_BOB.slice(0, 3),
  '  name: everyone',
  ...W_FULL_FOR_BOB.slice(4, -2),
  '  kind: Group',
  '  name: system:authenticated',
];

/** A ConfigMap of namespace `ns` whose `items` hold EVERYONE_W_FULL. */
const configMapWithItems = (ns: string) =>
  [
    '---',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: notes',
    `  namespace: ${ns}`,
    'items:',
    ...EVERYONE_W_FULL.map((line, i) => (i ? '  ' : '- ') + line),
    '',
  ].join('\n');

describe('R39-1: a document with `items`, which kubectl and Argo CD apply as a list', () => {
  it.each([
    [['can-i', 'delete', 'secrets', '-n', 'web', '--as', 'erin@acme.io']],
    [['who-can', 'delete', 'secrets', '-n', 'web']],
    [['access', '--format', 'json']],
  ])('%j refuses the output, naming the document', async (ask) => {
    const r = await run([...ask, '--dir', distWith('web', configMapWithItems('web'))]);
    expect({ code: r.code, stderr: r.stderr }, r.stdout).toEqual({
      code: 2,
      stderr: expect.stringMatching(/resources\.yaml#\d+: .*items/),
    });
  });

  it('the partial read does not skip it for the namespace its head names', async () => {
    const dir = distWith('web', configMapWithItems(WEB_SHARD_NEIGHBOUR));
    const ask = ['can-i', 'delete', 'secrets', '-n', 'web', '--as', 'erin@acme.io', '--dir', dir];
    const { full, partial } = await bothReads(() => run(ask));
    // The partial read said no (exit 1) where the cluster binds everyone.
    expect({ full: full.code, partial: [partial.code, partial.stdout] }).toEqual({
      full: 2,
      partial: [2, full.stdout],
    });
  });
});

describe('R39-2: an object without the namespace or name orgctl always writes', () => {
  it.each([
    ['no namespace', ['  name: everyone']],
    ['an empty namespace', ['  name: everyone', '  namespace: ""']],
  ])('a RoleBinding with %s (Argo CD applies it in acme-system) is refused, not read as one in default', async (_, metadata) => {
    const dir = distWith('lga1/cluster/resources.yaml', binding(metadata));
    const inDefault = await run(['can-i', 'get', 'secrets', '-n', 'default', '--as', 'erin@acme.io', '--dir', dir]);
    expect(inDefault.stdout, 'read as a binding in default').not.toBe('yes');
    const r = await run(['can-i', 'get', 'secrets', '-n', 'acme-system', '--as', 'erin@acme.io', '--dir', dir]);
    expect({ code: r.code, stderr: r.stderr }, r.stdout).toEqual({
      code: 2,
      stderr: expect.stringMatching(/cluster\/resources\.yaml#\d+: .*namespace/),
    });
  });

  it('a RoleBinding with generateName and no name (Argo CD creates a hook) is refused, not left out with a warning', async () => {
    const dir = distWith(
      'web',
      binding(['  annotations:', '    argocd.argoproj.io/hook: Sync', '  generateName: everyone-', '  namespace: web']),
    );
    const r = await run(['can-i', 'get', 'secrets', '-n', 'web', '--as', 'erin@acme.io', '--dir', dir]);
    expect({ code: r.code, stderr: r.stderr }, r.stdout).toEqual({
      code: 2,
      stderr: expect.stringMatching(/resources\.yaml#\d+: .*name/),
    });
  });
});

describe('R39-3: a \\/ escape, which Go’s YAML refuses', () => {
  it('can-i refuses a shard holding one, naming it', async () => {
    const dir = distWith(
      'web',
      binding(['  annotations:', '    orgctl.io/note: "a\\/b"', '  name: everyone', '  namespace: web']),
    );
    const r = await run(['can-i', 'get', 'secrets', '-n', 'web', '--as', 'erin@acme.io', '--dir', dir]);
    expect({ code: r.code, stderr: r.stderr }, r.stdout).toEqual({ code: 2, stderr: expect.stringContaining('\\/') });
  });

  it('an upgrade whose head writes one in an informational annotation fails the review', async () => {
    const NEW = '9.0.0-test';
    const upgrade = (head: string) => reviewOfUpgrade(head, NEW);
    const honest = await upgrade(relabelledCopy(join(ROOT, 'dist'), NEW));
    expect(honest.code, `control: the upgrade as written passes\n${honest.stdout}`).toBe(0);
    const head = upgradedWithDescriptionEnding(NEW, ' a\\/b');
    const r = await upgrade(head);
    expect(r.code, r.stdout).not.toBe(0);
    expect(`${r.stdout}\n${r.stderr}`).toMatch(/cluster\/resources\.yaml[:#][^\n]*\\\//);
  });
});

/** A RoleBinding of erin to acme:w:full with these metadata lines. */
function binding(metadata: readonly string[]): string {
  return ['---', ...W_FULL_FOR_BOB.slice(0, 3), ...metadata, ...TO_W_FULL_FOR_ERIN, ''].join('\n');
}
