/**
 * Red team R129: the readers' fast paths of 2026-12-07 (r148b-r156b) and what R126-R128 left.
 *
 * R129-1 (high: a forged dist/ read before it is proved, the pull request's diff comment): a
 * ClusterRole with an `aggregationRule` has the rules the API server's aggregation controller gathers
 * from every ClusterRole of the cluster its selectors match, the cluster's own among them
 * (`system:aggregate-to-admin`, `edit`: RBAC writes, exec, secrets). `diff` and the review's diff
 * resolve it among dist/'s roles alone: a head turning `acme:r:pods` into one selecting
 * `aggregate-to-admin` read "bob loses r:pods in web" where bob gains admin's rules. Safe: both refuse
 * a side holding one (orgctl never writes it, DESIGN: no aggregated ClusterRoles), and can-i, who-can
 * and access warn on orgctl's output holding one (the bootstrap roles they add are not all a
 * cluster's). The output judge (r151b) judges synthesized objects only, which never aggregate. The
 * other way round, a head labelling acme:w:full `aggregate-to-view` (the cluster's view, edit and
 * admin gather its `*` on `*`, bound outside dist/) read "No change in access": refused alike.
 *
 * R129-2 (no hole; kept): plainRoleBinding (r156b) judges synthesized objects only, whose keys
 * orgctl writes; with `__proto__`, `constructor` or `toString` keys (own, as JSON.parse makes them)
 * or keys it does not know, whatever it passes the validator passes too.
 *
 * R129-3 (no hole; kept): a later reading of a file takes a document of the first only by a text
 * equal to the letter, however many changed before it (r155b's look-around).
 *
 * R129-4 (low: a warning of can-i and who-can): the partial read took a users list from a document
 * by its name alone (CONFIGMAP_HEAD): a Secret named `orgctl-users-01` with a `users.jsonl` key gave
 * a dated-access record the full read (datedAccessOfDocs: ConfigMaps only) never reads.
 *
 * R129-5 (medium: diff): head removing a ClusterRole system:discovery base rewrote to `*` on `*` read
 * "No change in access". Argo CD prunes it (the ApplicationSet's `prune: true`), and the API server
 * recreates its own only when it next starts: every authenticated user loses what it gave, and the
 * API server's own discovery rules with it, until then.
 *
 * R129-6 (low: a warning): can-i's unknown-subject and unbound-namespace warnings passed over a
 * manifest folder whose only bindings carry a bootstrap binding's name, whomever they bind: a dump's
 * ClusterRoleBinding system:discovery naming User erin@acme.io is someone's grant (isBootstrapAccess).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { describe, expect, it } from 'vitest';
import { datedAccessOfDocs } from '../analysis/ended-access.ts';
import { readIfOrgctlOutput } from '../cli/output-read.ts';
import { readForQuestion } from '../cli/partial-read.ts';
import { plainRoleBinding } from '../synth/kubernetes-schema.ts';
import { RBAC_GROUP } from '../synth/kinds.ts';
import { DocumentCache, parseCanonicalYaml, toYamlDocument } from '../synth/yaml.ts';
import {
  appendDocument,
  everythingRole,
  exampleClusterShardsEdited,
  exampleDistCopy,
  ROOT,
  run,
  tempDir,
  waitOutRacyWindow,
} from './helpers.ts';

const R_PODS = `  name: acme:r:pods
rules:
- apiGroups:
  - ""
  resources:
  - pods
  - pods/log
  - pods/status
  verbs:
  - get
  - list
  - watch
`;

/** The example's dist/ with ClusterRole acme:r:pods (bob's in web) aggregating what `label` selects, in both clusters. */
const aggregatedDist = (label: string): string =>
  exampleClusterShardsEdited('orgctl-r129-', (text) => {
    expect(text).toContain(R_PODS);
    return text.replace(
      R_PODS,
      `  name: acme:r:pods\naggregationRule:\n  clusterRoleSelectors:\n  - matchLabels:\n      ${label}: "true"\nrules: []\n`,
    );
  });

describe('R129-1: an aggregated ClusterRole in a forged dist/', () => {
  const ADMIN = 'rbac.authorization.k8s.io/aggregate-to-admin';

  it('diff and review refuse it (never "bob loses r:pods" while the cluster gives him admin)', async () => {
    const head = aggregatedDist(ADMIN);
    const diff = await run(['diff', '--base', join(ROOT, 'dist'), '--head', head, '--format', 'text']);
    expect(diff.stdout).not.toMatch(/loses r:pods/);
    expect(diff.code).toBe(2);
    expect(diff.stderr).toMatch(/ClusterRole acme:r:pods.*aggregationRule/);
    const review = await run(['review', '--base', join(ROOT, 'dist'), '--head', head, '--actor', 'alice']);
    expect(review.stdout).not.toMatch(/loses r:pods/);
    expect(review.code).toBe(2);
    expect(review.stderr).toMatch(/aggregationRule/);
    // Base holding one is refused as well: what base gave is then unknown too.
    const back = await run(['diff', '--base', head, '--head', join(ROOT, 'dist'), '--format', 'text']);
    expect(back.code).toBe(2);
  });

  it("can-i answers as the cluster would with its bootstrap roles (first and asked again), and every reader warns that the cluster's roles decide it", async () => {
    const dir = aggregatedDist(ADMIN);
    const env = { ORGCTL_CACHE_DIR: tempDir('orgctl-r129-cache-') };
    waitOutRacyWindow();
    for (let i = 0; i < 2; i++) {
      const r = await run(['can-i', 'create', 'rolebindings', '-n', 'web', '--as', 'bob@acme.io', '--dir', dir], env);
      expect(r.stdout).toBe('yes');
      expect(r.stderr).toMatch(/ClusterRole acme:r:pods .*aggregationRule/);
    }
    for (const args of [
      ['can-i', 'get', 'secrets', '-n', 'web', '--as', 'bob@acme.io', '--no-bootstrap'],
      ['who-can', 'get', 'secrets', '-n', 'web'],
      ['access', '--no-bootstrap'],
    ]) {
      const r = await run([...args, '--dir', dir], env);
      expect(r.stderr, args.join(' ')).toMatch(/ClusterRole acme:r:pods .*aggregationRule/);
    }
  });

  it("diff refuses a ClusterRole labelled for aggregation into the cluster's view (its rules then reach whoever the cluster binds to view, edit or admin)", async () => {
    const head = exampleClusterShardsEdited('orgctl-r129-', (text) => {
      const name = '    orgctl.io/organization: acme\n  name: acme:w:full\n';
      expect(text).toContain(name);
      return text.replace(
        name,
        `    orgctl.io/organization: acme\n    ${ADMIN.replace('admin', 'view')}: "true"\n  name: acme:w:full\n`,
      );
    });
    const diff = await run(['diff', '--base', join(ROOT, 'dist'), '--head', head, '--format', 'text']);
    expect(diff.stdout).not.toMatch(/No change in access/);
    expect(diff.code).toBe(2);
    expect(diff.stderr).toMatch(/ClusterRole acme:w:full .*aggregate-to-view/);
  });

  it("the example's own output: no such warning", async () => {
    const r = await run(['can-i', 'get', 'pods', '-n', 'web', '--as', 'bob@acme.io', '--dir', exampleDistCopy()]);
    expect(r.stdout).toBe('yes');
    expect(r.stderr).not.toMatch(/aggregationRule/);
  });
});

describe('R129-2: plainRoleBinding with inherited-looking and unknown keys', () => {
  const ref = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'acme:r:pods' };
  const meta = { name: 'acme:r:pods', namespace: 'web', labels: { a: 'b' } };
  const keys = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'unknownField'];
  const values: unknown[] = ['x', 7, null, { name: 7 }, ['a'], { generateName: 5 }];

  it('whatever it passes, the validator passes (keys own, as JSON.parse makes them)', () => {
    let passed = 0;
    for (const key of keys)
      for (const v of values)
        for (const where of ['top', 'metadata', 'roleRef', 'labels', 'annotations'] as const) {
          const extra = `{${JSON.stringify(key)}:${JSON.stringify(v)}}`;
          const o = JSON.parse(JSON.stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' }));
          const m = { ...meta, labels: { ...meta.labels } } as Record<string, unknown>;
          const r = { ...ref } as Record<string, unknown>;
          const add = (into: Record<string, unknown>) => Object.assign(into, JSON.parse(extra));
          if (where === 'top') add(o);
          if (where === 'metadata') add(m);
          if (where === 'roleRef') add(r);
          if (where === 'labels') add(m.labels as Record<string, unknown>);
          if (where === 'annotations') m.annotations = add({});
          Object.assign(o, { metadata: m, roleRef: r });
          if (plainRoleBinding(o)) {
            passed++;
            expect(() => RoleBinding.prototype.validate.call(o), `${key} in ${where}: ${extra}`).not.toThrow();
          }
        }
    expect(passed).toBeGreaterThan(50);
  });
});

describe('R129-3: a later reading takes a document of the first only by its text', () => {
  const doc = (i: number, v = 'a') => `kind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  k: ${v}\n`;
  const fileOf = (docs: readonly string[]) => docs.join('---\n');

  it('many changed, moved, swapped, inserted and removed documents: the same objects as a reading without the first', () => {
    let seed = 129;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 60; round++) {
      const first = Array.from({ length: 40 }, (_, i) => doc(i));
      const later = [...first];
      for (let edits = random(30); edits > 0; edits--) {
        const at = random(later.length);
        const what = random(4);
        if (what === 0) later[at] = doc(at, `b${round}`);
        else if (what === 1) later.splice(at, 1);
        else if (what === 2) later.splice(at, 0, doc(100 + random(100)));
        else [later[at], later[0]] = [later[0]!, later[at]!];
      }
      const cache = new DocumentCache();
      parseCanonicalYaml(fileOf(first), { documents: cache, file: 'f' });
      const taken = parseCanonicalYaml(fileOf(later), { documents: cache, file: 'f' });
      expect(taken).toEqual(parseCanonicalYaml(fileOf(later)));
      // A document moved to another file is that file's: read there afresh.
      expect(parseCanonicalYaml(fileOf(later), { documents: cache, file: 'g' })).toEqual(taken);
    }
  });
});

describe("R129-4: a users list is a ConfigMap's, as the full read takes it", () => {
  const forged = (kind: string, namespace: string) =>
    exampleDistCopy('orgctl-r129-', (dir) =>
      appendDocument(dir, 'cluster', [
        'apiVersion: v1',
        `kind: ${kind}`,
        'metadata:',
        '  name: orgctl-users-01',
        `  namespace: ${namespace}`,
        'data:',
        '  users.jsonl: |',
        '    {"email":"bob@acme.io","username":"bob@acme.io","github":"bob","admin":false,"billing":false,"status":"active","expiring":[{"namespace":"web","role":"acme:r:pods","until":"2020-01-01"}]}',
      ]),
    );

  it.each([
    ['Secret', 'acme-system'],
    ['ServiceAccount', 'acme-system'],
    ['ConfigMap', 'web'],
    ['ConfigMap', 'acme-system'],
  ])('a %s in %s named orgctl-users-01: the partial read records what the full read does', (kind, namespace) => {
    const dir = forged(kind, namespace);
    const full = readIfOrgctlOutput(dir);
    const want = full ? (datedAccessOfDocs(full.docs)?.byUsername.get('bob@acme.io') ?? []) : undefined;
    for (const subject of [{ kind: 'User' as const, name: 'bob@acme.io', namespace: '' }, undefined]) {
      const partial = readForQuestion(dir, { namespace: 'web', ...(subject ? { subject } : {}) });
      if (partial && want) expect(partial.dated.byUsername.get('bob@acme.io') ?? []).toEqual(want);
    }
  });
});

describe('R129-5: head removes a bootstrap role base rewrote', () => {
  it('ClusterRole system:discovery with * on * in base, none in head: the diff says who loses it, and until when', async () => {
    const base = exampleDistCopy('orgctl-r129-', (d) =>
      appendDocument(d, 'cluster', everythingRole('system:discovery')),
    );
    const r = await run(['diff', '--base', base, '--head', join(ROOT, 'dist'), '--format', 'text']);
    expect(r.stdout).not.toMatch(/No change in access/);
    expect(r.stdout).toMatch(/ClusterRole system:discovery .*removed/);
    expect(r.stdout).toContain('Group system:authenticated');
    expect(r.stdout).toMatch(/until the API server (next )?(re)?starts/);
  });

  it('a base holding the built-in rules unchanged, removed by head: nothing to say of access', async () => {
    const r = await run(['diff', '--base', join(ROOT, 'dist'), '--head', exampleDistCopy(), '--format', 'text']);
    expect(r.stdout).toMatch(/No change in access/);
  });
});

describe("R129-6: warnings of a manifest folder whose only bindings carry a bootstrap binding's name", () => {
  it('a ClusterRoleBinding system:discovery naming a User: asked about another, can-i says that one is bound nowhere', async () => {
    const dir = tempDir('orgctl-r129-dump-');
    mkdirSync(dir, { recursive: true });
    const binding = {
      apiVersion: `${RBAC_GROUP}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'system:discovery' },
      roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: 'system:discovery' },
      subjects: [{ apiGroup: RBAC_GROUP, kind: 'User', name: 'erin@acme.io' }],
    };
    writeFileSync(join(dir, 'dump.yaml'), toYamlDocument(binding));
    const r = await run(['can-i', 'get', '/version', '--as', 'erinn@acme.io', '--dir', dir]);
    expect(r.stderr).toMatch(/erinn@acme\.io is named in no binding/);
  });
});
