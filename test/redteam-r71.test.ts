/**
 * Red team R71 (base 46eeeaf): a forged dist/ in a pull request, read by orgctl one way and by
 * Argo CD (Go's YAML: sigs.k8s.io/yaml over goyaml.v2, apimachinery's decoder, the API server)
 * another. An upgrade's head dist/ is vouched for by the head engine only (review/head-proof.ts),
 * so this engine judges it as written (review/written-output.ts): strictly read (synth/yaml.ts's
 * reader), then compared with this engine's rendering field for field, orgctl's own informational
 * labels and annotations aside. Each hole below has its test, then its fix, in separate commits.
 *
 * R71-1 (medium): a key written over 1,024 characters (Go refuses the file) was read; a declared
 * key spelled in \u escapes passed the upgrade's comparison, and the namespace's shard would render
 * nothing in Argo CD. R71-2 (low): a metadata field that is no mapping (`annotations: 5`) compared
 * equal to none, on dist/argocd/'s objects (applied by hand). R71-3 (low-medium): manifests of any
 * origin: a hex or octal integer past 64 bits (text to Go, written unquoted by kubectl) left a
 * ServiceAccount out of who-can, can-i and import. R71-4 (medium): an unbound role an upgrade adds
 * had its rules judged by privilege class only: rules the API server cannot decode passed, and would
 * stop the cluster shard's sync. R71-5 (low): the strict reader's shared mappings made its answer
 * depend on what it read before, reading a list (to Go) as a mapping.
 *
 * What held (tried, or read; pinned in "R71: held" where a test says more than a sentence).
 * - The strict reader against Go (kubectl): block scalar lines of spaces alone (as Go, or refused
 *   when less indented), YAML 1.1 words and numbers (y, on, No, 0b1, 1_000, 0777, 2001-12-14, .inf:
 *   refused unquoted), a quoted value spelled in escapes (the same string to both; only a key's
 *   length differs: R71-1), a number only as String(n) writes it (one spelling per value), `---`
 *   only as the line `---` (apimachinery's YAMLReader splits at any line beginning with it: no
 *   other line orgctl reads begins so), `...`, comments after the
 *   header, an empty document, a BOM, CR and tab (refused). After R71-1 the forged key is refused by
 *   can-i and who-can too (their partial read parses the asked namespace's shard: exit 2, tried).
 * - Argo CD's directory source: each Application reads its cluster's folder with include
 *   `<shard>/resources.yaml` (synth/argocd.ts), so no other file of dist/ is applied; a
 *   kustomization.yaml, Chart.yaml, .argocd-source*.yaml, hidden file, .yml or .json is outside the
 *   layout and refused (parseOutput; readRefOutput lists every blob of head's tree, R63 tried them);
 *   links and submodules are refused (readRefOutput, repository-tree), a .gitattributes below the top
 *   too, the top one being an engine-change. The repo-server decodes UTF-16 with a BOM and drops a
 *   UTF-8 BOM (utfutil): orgctl refuses both (decodeOutput is strict UTF-8, a BOM fails the header).
 * - synth/files.ts, read deeply: renderFiles writes each object's text once (WRITTEN_DOCUMENTS, and
 *   a shared object's text while the files are written); what the review judges is always those
 *   bytes read back, so a stale text could only show as a proof difference, never as unjudged
 *   power. shardFindings measures UTF-8 bytes (R57-3); fittingShardCount is advice only.
 * - written-output's comparison, read deeply: sameData is canonical's equality (own keys, arrays in
 *   order, types exact); the key of an object's counterpart (place, group, kind, namespace, name
 *   joined by NUL) cannot collide, a NUL in a field only adding separators; apiVersion and every
 *   unknown field are compared (stricter than the API server, which drops unknown fields); only
 *   orgctl.io/ labels and annotations (not the organization's or cluster label) are left out, and
 *   nothing in the cluster reads them (namespace protection selects by the organization label, the
 *   same-namespace NetworkPolicy selects pods, with the boundary a Namespace's labels and a
 *   ClusterRole's are compared whole); lists (`items`, *List), generateName without a name and a
 *   missing namespace are refused by parseOutput (R39); a document without a kind has no counterpart.
 * - Manifests of any origin: YAML 1.1 words and forms the yaml package reads as text and Go as a
 *   bool or number (y, on, 0b1, 1_000) give Go an object the API server refuses (a name, a namespace
 *   must be strings), so orgctl counts a binding that never applies: over, never under; kubectl
 *   quotes them in the dumps it writes. Not changed.
 *
 * What was not done.
 * - The partial read (can-i, who-can) skips unparsed the documents of other namespaces in a shard it
 *   reads: a key past 1,024 characters there is not looked at (the full read refuses the folder;
 *   Argo CD keeps that shard's last state). Not changed (closed in R77-3: such a document is parsed).
 * - Argo CD and an API server were not run: R71-4's unknown field rests on strict field validation
 *   (its wrong types on decoding alone), R71-2's ApplicationSet template on its CRD's schema.
 * - The written judgement limits a file's bytes, not its object count: unbound roles may add objects
 *   past SHARD_LIMITS.objects (bytes still bound them). Not changed (closed in R77-4).
 * - review/base-proof.ts (the proof against base) was not re-read; R63 read it.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readIfOrgctlOutput } from '../cli/output-read.ts';
import { readCanonicalYaml } from '../synth/yaml.ts';
import { cli, ROOT, tempDir } from './helpers.ts';
import { refusedUpgrade } from './upgrade-judgement.ts';

const KUBECTL = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

/**
 * What kubectl (Go's YAML, and apimachinery's typed decoder for the kinds it knows: what the API
 * server decodes too) makes of a file: '' when it reads every object, else its error.
 */
function refusedByGo(file: string): string {
  const r = spawnSync('kubectl', ['label', '--local', '-f', file, 'zz.example.com/go=x', '-o', 'json'], {
    encoding: 'utf8',
  });
  return r.status === 0 ? '' : r.stderr;
}

/** The fixture of red team R60b (two clusters, guard rails, the boundary) with `edit` made to its spec, synthesized. */
function synthesized(edit: (spec: any) => void = () => {}): string {
  const spec = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/redteam-r60b/org.json'), 'utf8'));
  edit(spec);
  const dir = tempDir('orgctl-r71-');
  writeFileSync(join(dir, 'org.json'), JSON.stringify(spec));
  const r = cli(['synth', '--spec', join(dir, 'org.json'), '--out', join(dir, 'dist')]);
  expect(r.code, r.stderr).toBe(0);
  return join(dir, 'dist');
}

/** A copy of dist/ `dir` with `from` replaced by `to` in every YAML file; some file must hold it. */
function forged(dir: string, from: string, to: string): string {
  const head = join(tempDir('orgctl-r71-'), 'dist');
  cpSync(dir, head, { recursive: true });
  let found = false;
  for (const p of readdirSync(head, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml'))) {
    const text = readFileSync(join(head, p), 'utf8');
    found ||= text.includes(from);
    writeFileSync(join(head, p), text.replaceAll(from, to));
  }
  expect(found, `no file holds ${from}`).toBe(true);
  return head;
}

/** A key written as a JSON string of \u escapes, each character six: the same key to any reader but its length. */
const escaped = (key: string) =>
  `"${[...key].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`;

/**
 * R71-1: Go's YAML (goyaml.v2's scanner) refuses a block mapping's key that runs over 1,024
 * characters before its `:` ("mapping values are not allowed in this context": a simple key is
 * stale past 1,024 characters, and one at its mapping's indentation is required), and the whole
 * file with it. The strict reader read a key of any length. orgctl's writer writes keys of 317
 * characters at most (the API server's names), but an upgrade's head dist/ is judged as parsed, so
 * a head engine may spell a key the organization declares (a namespace's annotation, up to 317
 * characters) as \u escapes, six characters each: the same data to this engine's comparison, which
 * passes it, and a file Argo CD's repo-server cannot read. The shard holding the Namespace (its
 * namespace's shard, with its Roles and RoleBindings) then renders nothing (ComparisonError): its
 * Application keeps what it last applied, and no binding of the namespace is pruned again (a
 * revoked grant, a deactivated person's access) until a later dist/ is read.
 */
describe('R71-1: a key written past the 1,024 characters Go reads is refused, as Go refuses its file', () => {
  const key = `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(40)}.example.com/permitted`;
  const withLongKey = () =>
    synthesized((spec) => {
      spec.spec.namespaces[1].annotations = { [key]: 'yes' };
    });

  it.skipIf(!KUBECTL)('Go refuses a key written over 1,024 characters, and reads one of 1,024', () => {
    const dir = tempDir('orgctl-r71-');
    const fileWith = (k: string) => {
      const file = join(dir, `${k.length}.yaml`);
      writeFileSync(
        file,
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: web\n  labels:\n    ${k}: v\n`,
      );
      return file;
    };
    expect(refusedByGo(fileWith(`"${'a'.repeat(1022)}"`))).toBe('');
    expect(refusedByGo(fileWith(`"${'a'.repeat(1023)}"`))).toMatch(/mapping values are not allowed/);
  });

  it.skipIf(!KUBECTL)("Go refuses the head's shard whose declared annotation key is spelled in escapes", () => {
    const head = forged(withLongKey(), `    ${key}: `, `    ${escaped(key)}: `);
    expect(refusedByGo(join(head, 'lga1/shard-28/resources.yaml'))).toMatch(/could not find expected ':'/);
  });

  it('the strict reader refuses that head dist/, naming the key', () => {
    const head = forged(withLongKey(), `    ${key}: `, `    ${escaped(key)}: `);
    expect(() => readIfOrgctlOutput(head)).toThrow(
      /lga1\/shard-28\/resources\.yaml:9: a key written in 1,106 characters/,
    );
  });

  it('a key as orgctl writes it reads back (the same head, unforged, is what this engine renders)', () => {
    const dist = withLongKey();
    expect(readIfOrgctlOutput(dist)!.docs.length).toBeGreaterThan(0);
  });
});

/**
 * R71-2: the comparison left a metadata field out when every entry it holds is orgctl's own
 * information (withoutOwnInformation), reading its entries with Object.entries: a field that is no
 * mapping at all (`annotations: 5`, `[]`, `""`, `true`) has none, so it compared equal to no field,
 * and the API server's check (metadataRefused) found no entry to refuse. Where this engine writes
 * no annotations (the AppProject, the ApplicationSet and its Application template, the boundary's
 * policy and binding), an upgrade's head could write such a field: the API server refuses the
 * object (annotations are a map of strings), and the admin's `kubectl apply` of dist/argocd/ with it.
 */
describe('R71-2: a metadata field that is no mapping is compared, not left out as empty', () => {
  it.skipIf(!KUBECTL)('Go refuses a ValidatingAdmissionPolicy whose annotations are a number', () => {
    const head = forged(
      synthesized(),
      'kind: ValidatingAdmissionPolicy\nmetadata:\n',
      'kind: ValidatingAdmissionPolicy\nmetadata:\n  annotations: 5\n',
    );
    expect(refusedByGo(join(head, 'argocd/boundary.yaml'))).toMatch(/cannot unmarshal number.*annotations/);
  });

  it.each([
    ['the boundary policy', '5', 'kind: ValidatingAdmissionPolicy\nmetadata:\n', '  '],
    ['the AppProject', '[]', 'kind: AppProject\nmetadata:\n', '  '],
    ['the ApplicationSet', '""', 'kind: ApplicationSet\nmetadata:\n', '  '],
    ["the ApplicationSet's Application template", 'true', '  template:\n    metadata:\n', '      '],
  ])('refuses annotations of %s written %s', (_, value, at, indent) => {
    const head = forged(synthesized(), at, `${at}${indent}annotations: ${value}\n`);
    expect(refusedUpgrade(head).join('\n')).toMatch(/annotations/);
  });
});

/**
 * R71-3: R63-1's shape, in manifests of any origin (a cluster dump, hand-written RBAC: cli/manifests.ts
 * and go-yaml.ts's divergentConstruct). The `yaml` package reads `0x...` and `0o...` as integers of
 * any size; Go's YAML reads one as a number only within 64 bits (goyaml.v2's resolve: ParseInt, then
 * ParseUint), and anything past as text. kubectl itself writes such a name unquoted (its YAML quotes
 * what Go would read as another type), so a dump (`kubectl get rolebindings -A -o yaml`) of a
 * RoleBinding to the ServiceAccount `0xffffffffffffffffffff` (a valid name) read as a subject whose
 * name is the number 1.2e24, left out: `who-can` and `can-i` on the dump did not count the account,
 * and `import` of the dump dropped its access.
 */
describe('R71-3: an integer past 64 bits in manifests of any origin is refused, as Go reads it as text', () => {
  const names = ['0xffffffffffffffffffff', '0o7777777777777777777777777'];
  /** A RoleBinding of `view` to ServiceAccount web/`name`, as kubectl writes one. */
  const bindingByKubectl = (name: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: rb
  namespace: web
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
subjects:
- kind: ServiceAccount
  name: ${name}
  namespace: web
`;

  it.skipIf(!KUBECTL).each(names)('kubectl writes %s unquoted, and Go reads it back as that name', (name) => {
    const r = spawnSync(
      'kubectl',
      ['create', 'rolebinding', 'rb', '--clusterrole=view', `--serviceaccount=web:${name}`, '-n', 'web'].concat([
        '--dry-run=client',
        '-o',
        'yaml',
      ]),
      { encoding: 'utf8' },
    );
    expect(r.stdout).toContain(`  name: ${name}\n`);
    const file = join(tempDir('orgctl-r71-'), 'rb.yaml');
    writeFileSync(file, bindingByKubectl(name));
    const got = spawnSync('kubectl', ['label', '--local', '-f', file, 'zz.example.com/go=x', '-o', 'json'], {
      encoding: 'utf8',
    });
    expect(JSON.parse(got.stdout).subjects[0].name).toBe(name);
  });

  it.each(names)('who-can refuses a dump binding the ServiceAccount %s, never leaves it out', (name) => {
    const dir = tempDir('orgctl-r71-');
    writeFileSync(join(dir, 'rolebindings.yaml'), bindingByKubectl(name));
    const r = cli(['who-can', 'get', 'pods', '-n', 'web', '--dir', dir]);
    expect(r.code, r.stdout).toBe(2);
    expect(r.stderr).toMatch(/past 64 bits/);
  });

  it.each([
    '0xffffffffffffffff',
    '0o1777777777777777777777',
    '99999999999999999999999',
  ])('%s (within 64 bits, or a decimal Go reads as a float) stays a number to both', (token) => {
    const dir = tempDir('orgctl-r71-');
    writeFileSync(join(dir, 'rolebindings.yaml'), bindingByKubectl(token));
    expect(cli(['who-can', 'get', 'pods', '-n', 'web', '--dir', dir]).stderr).not.toMatch(/past 64 bits/);
  });
});

/**
 * R71-4: a role nobody binds may be added by an upgrade when it holds no privilege class and has the
 * shape of a role this engine writes there (a level of a newer catalog): its rules were judged only
 * by their privilege classes and by ruleDefects (no verbs, no groups, no resources). A rule whose
 * field is not a list of strings (`resources: configmaps`, a verb that is a number) the API server
 * cannot decode into a PolicyRule, and a field it does not know (`bogus`) it refuses under the
 * strict field validation kubectl and Argo CD ask for: the ClusterRole is refused, and with it
 * every sync of the cluster shard's Application (its ClusterRoles, membership data, the admins'
 * bindings), each revocation in it held.
 */
describe("R71-4: an unbound role's rules are only what the API server decodes as PolicyRules", () => {
  /** A copy of dist/ `dist` whose lga1 cluster shard holds one more ClusterRole, acme:r:pods's shape, with `rules` as written. */
  function withUnboundRole(dist: string, rules: string): string {
    const head = join(tempDir('orgctl-r71-'), 'dist');
    cpSync(dist, head, { recursive: true });
    const file = join(head, 'lga1/cluster/resources.yaml');
    const text = readFileSync(file, 'utf8');
    const role = text
      .split(/^---\n/m)
      .find((d) => d.startsWith('apiVersion: rbac') && d.includes('  name: acme:r:pods\n'))!;
    const shape = role.slice(0, role.indexOf('rules:\n')).replace('  name: acme:r:pods\n', '  name: acme:r:zz\n');
    writeFileSync(file, `${text}---\n${shape}${rules}`);
    return head;
  }
  const RULE = (fields: string) => `rules:\n- apiGroups:\n  - ""\n${fields}`;

  it.each([
    ['a field no PolicyRule has', RULE('  resources:\n  - configmaps\n  verbs:\n  - get\n  bogus: x\n'), /bogus/],
    ['resources written as one string', RULE('  resources: configmaps\n  verbs:\n  - get\n'), /resources/],
    ['a verb that is a number', RULE('  resources:\n  - configmaps\n  verbs:\n  - 5\n'), /verbs/],
    ['rules written as a mapping', 'rules:\n  apiGroups:\n  - ""\n', /rules/],
  ])('refuses an unbound ClusterRole with %s', (_, rules, named) => {
    const head = withUnboundRole(synthesized(), rules);
    // Since R89-1 the strict reader refuses it first (an object the API server refuses), before the judgement.
    expect(() => refusedUpgrade(head)).toThrow(named);
  });

  it('still takes an unbound level of a newer catalog, as PolicyRules', () => {
    const head = withUnboundRole(synthesized(), RULE('  resources:\n  - configmaps\n  verbs:\n  - get\n'));
    expect(refusedUpgrade(head)).toEqual([]);
  });
});

/**
 * R71-5: the strict reader shares small mappings of scalars by their text (sharedMapping), the text
 * of a list item's mapping beginning with its `- `. A key's value indented under it and written as
 * that same text (`c:` then `  - k: v1`) is a list to Go's YAML, and was taken from the shared
 * texts as the mapping: a mapping to orgctl where kubectl and Argo CD read a list, and only when
 * some text read before in the process held that item (read alone, the same text is refused). In a
 * review every object is compared with this engine's rendering, whose texts hold no such value, so
 * what is read so differs (or, in an unbound role's rules, is now no PolicyRule: R71-4); `diff`,
 * `can-i` and `who-can` of a forged folder read it.
 */
describe('R71-5: what the strict reader returns never depends on what it read before', () => {
  const text = (before: string) =>
    `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: web\n${before}c:\n  - k: v1\n`;

  it.skipIf(!KUBECTL)('Go reads `c:` then `  - k: v1` as a list', () => {
    const file = join(tempDir('orgctl-r71-'), 'c.yaml');
    writeFileSync(file, text('a:\n  b:\n  - k: v1\n'));
    const r = spawnSync('kubectl', ['label', '--local', '-f', file, 'zz.example.com/go=x', '-o', 'json'], {
      encoding: 'utf8',
    });
    expect(JSON.parse(r.stdout).c).toEqual([{ k: 'v1' }]);
  });

  it('refuses it, whether or not an item `  - k: v1` was read before', () => {
    expect(readCanonicalYaml(text(''))).toHaveProperty('error');
    expect(readCanonicalYaml(text('a:\n  b:\n  - k: v1\n'))).toHaveProperty('error');
    expect(readCanonicalYaml(text(''))).toHaveProperty('error');
  });
});

/** What held, pinned: the strict reader against Go where the brief asked. */
describe('R71: held', () => {
  const configMap = (data: string) =>
    `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: web\ndata:\n${data}`;

  it.skipIf(!KUBECTL)('a block scalar line of spaces alone reads as Go reads it, or is refused', () => {
    const dir = tempDir('orgctl-r71-');
    for (const data of ['  a: |\n    x\n      \n    y\n', '  b: |\n    x\n      \n', '  c: |-\n    x\n       \n']) {
      const file = join(dir, 'ws.yaml');
      writeFileSync(file, configMap(data));
      const go = JSON.parse(
        spawnSync('kubectl', ['label', '--local', '-f', file, 'zz.example.com/go=x', '-o', 'json'], {
          encoding: 'utf8',
        }).stdout,
      ).data;
      const read = readCanonicalYaml(configMap(data));
      expect('documents' in read && read.documents[0]!.data).toEqual(go);
    }
    // Fewer spaces than the block's indentation: an empty line to Go, refused here.
    expect(readCanonicalYaml(configMap('  d: |\n    x\n   \n    z\n'))).toHaveProperty('error');
  });

  it.each([
    'y',
    'on',
    'No',
    '0b1',
    '1_000',
    '0777',
    '2001-12-14',
    '.inf',
  ])('%s, another type to Go (YAML 1.1), is refused unquoted', (token) => {
    expect(readCanonicalYaml(configMap(`  a: ${token}\n`))).toHaveProperty('error');
  });
});
