/**
 * Red team R65 (base f37da9a): what an upgrade of orgctl may change under "orgctl's own orgctl.io/
 * metadata", and the review's head lock.
 *
 * R65-1: the base engine's judgement of an upgrade's head dist/ (review/written-output.ts) left
 * every `orgctl.io/` label and annotation out of its comparison, the organization label aside.
 * With the boundary declared, its policy (which the upgrade may not change: it is compared field
 * for field) admits a Namespace only with the labels and annotations this engine declares, and an
 * organization's ClusterRole only with the labels it writes: a Namespace carrying one more
 * `orgctl.io/` label or annotation, or a ClusterRole one more `orgctl.io/` label, is refused by the
 * API server (Argo CD's dry run of the whole Application fails), so that shard's Application syncs
 * nothing and prunes nothing: every revocation in it held, the cluster shard's (the admins'
 * bindings, the roles, membership) included. An upgrade needs a second admin's approval: the
 * review's comment names the release and its source, and shows no access change; the label is a
 * line of GitHub's file diff, among every file an upgrade changes.
 *     Safe: with the boundary declared, a Namespace's orgctl.io/ labels and annotations and a
 *     ClusterRole's orgctl.io/ labels are compared with this engine's rendering like any field.
 *
 * R65-4 (low): the same exemption covered the label orgctl.io/cluster of the ApplicationSet's
 * Application template, which the commands orgctl prints select Applications by: for a cluster
 * removed, `kubectl delete applications -l orgctl.io/organization=acme,orgctl.io/cluster=ord1`.
 * An upgrade writing it as the literal `ord1` labels every Application of every cluster so, and that
 * command, once ord1 is removed, deletes them all (the ApplicationSet creates them again: what
 * they applied stays, their sync history and any sync in progress do not). The review found nothing.
 */
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { admission, ARGO, BOUNDARY_FILE, tracked, type Obj } from './boundary-admission.ts';
import { cli, docs, ROOT, tempDir } from './helpers.ts';
import { refusedUpgrade } from './upgrade-judgement.ts';
import { toYamlStream } from '../synth/yaml.ts';
import { ANNOTATIONS_MAX_BYTES, annotationsBytes } from '../policies/org/kubernetes-names.ts';
import { baseSpec, distPair, reviewPair } from './review/scenarios.ts';

/** This release's output for a fixture with two clusters, guard rails and the boundary. */
function synthesized(): string {
  const dist = join(tempDir('orgctl-r65-'), 'dist');
  const r = cli(['synth', '--spec', join(ROOT, 'test/fixtures/redteam-r60b/org.json'), '--out', dist]);
  expect(r.code, r.stderr).toBe(0);
  return dist;
}

/** A copy of `dir` whose every shard file has `from` replaced by `to` (an object alike in every cluster); `file` must hold it. */
function edited(dir: string, file: string, from: string, to: string): string {
  const head = join(tempDir('orgctl-r65-'), 'dist');
  cpSync(dir, head, { recursive: true });
  expect(readFileSync(join(head, file), 'utf8')).toContain(from);
  for (const p of readdirSync(head, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml')))
    writeFileSync(join(head, p), readFileSync(join(head, p), 'utf8').replaceAll(from, to));
  return head;
}

/** Every YAML file of dist/ `dir` written again, as orgctl's writer writes it, with each document `edit`ed. */
function rewriteYaml(dir: string, edit: (d: Obj) => Obj): void {
  for (const p of readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml'))) {
    const file = join(dir, p);
    const text = readFileSync(file, 'utf8');
    const header = text
      .split('\n')
      .filter((l) => l.startsWith('# '))
      .map((l) => l.slice(2));
    writeFileSync(file, toYamlStream(docs(text).map(edit), header.join('\n')));
  }
}

/** The boundary's verdict on Argo CD updating `kind` `name` of `file` from dist/ `base` to head's. */
function boundaryVerdict(base: string, head: string, file: string, kind: string, name: string): string[] {
  const policy = docs(readFileSync(join(head, BOUNDARY_FILE), 'utf8'))[0]!;
  const find = (dir: string) =>
    docs(readFileSync(join(dir, file), 'utf8')).find((o: Obj) => o.kind === kind && o.metadata.name === name)!;
  const [cluster, shard] = file.split('/') as [string, string];
  const app = `acme-${cluster}-${shard}`;
  const v = admission(policy, {
    operation: 'UPDATE',
    username: ARGO,
    object: tracked(find(head), app, 'label'),
    oldObject: tracked(find(base), app, 'label'),
  });
  expect(v.matched).toBe(true);
  return [...v.denied];
}

describe('R65-1: an upgrade holding a shard with orgctl.io/ metadata the boundary refuses', () => {
  const dist = synthesized();
  const ORG_LABEL = '    orgctl.io/organization: acme\n  name: web\n';
  const cases = [
    {
      what: "a Namespace's orgctl.io/ label",
      file: 'lga1/shard-17/resources.yaml',
      kind: 'Namespace',
      name: 'web',
      from: ORG_LABEL,
      to: `    orgctl.io/hold: "x"\n${ORG_LABEL}`,
    },
    {
      what: "a Namespace's orgctl.io/ annotation",
      file: 'lga1/shard-17/resources.yaml',
      kind: 'Namespace',
      name: 'web',
      from: `    argocd.argoproj.io/sync-options: "Prune=false,Delete=false"\n  labels:\n    app.kubernetes.io/managed-by: orgctl\n${ORG_LABEL}`,
      to: `    argocd.argoproj.io/sync-options: "Prune=false,Delete=false"\n    orgctl.io/hold: "x"\n  labels:\n    app.kubernetes.io/managed-by: orgctl\n${ORG_LABEL}`,
    },
    {
      what: "a ClusterRole's orgctl.io/ label (the cluster shard)",
      file: 'lga1/cluster/resources.yaml',
      kind: 'ClusterRole',
      name: 'acme:r:pods',
      from: '    orgctl.io/organization: acme\n  name: acme:r:pods\n',
      to: '    orgctl.io/hold: "x"\n    orgctl.io/organization: acme\n  name: acme:r:pods\n',
    },
  ];

  it.each(cases)('the boundary refuses $what, so the review refuses it', ({ file, kind, name, from, to }) => {
    const head = edited(dist, file, from, to);
    expect(boundaryVerdict(dist, dist, file, kind, name)).toEqual([]);
    expect(boundaryVerdict(dist, head, file, kind, name).join('\n')).toMatch(/labels/);
    expect(refusedUpgrade(head).join('\n')).toMatch(/orgctl\.io\/hold/);
  });
});

/**
 * R65-3: R64-3 (invalid-text reads a namespace annotation's value) was tested through `orgctl
 * check` only. End to end: a head dist/ whose Namespace, membership data and members.json carry
 * `false` + U+034F, which synthesis refuses to write, is refused by `orgctl review` (head-policies),
 * so an admin never approves `false` where a tool reads another value.
 */
describe('R65-3: orgctl review refuses a head whose namespace annotation value holds an invisible character', () => {
  it.each([
    ['the combining grapheme joiner', '\u034f', 'U+034F'],
    ['a Hangul filler', '\u3164', 'U+3164'],
    ['the braille blank', '\u2800', 'U+2800'],
    ['nothing (the control)', '', ''],
  ])('%s', async (_, invisible, code) => {
    const marker = 'falsezqzq';
    const sides = await distPair(baseSpec(), (s) => {
      s.spec.namespaces[0] = { name: 'web', annotations: { 'acme.io/exempt': marker } };
    });
    // Written as orgctl's writer writes the value (synthesis itself refuses to): the strict reader
    // takes only that.
    const replaced = (v: unknown): unknown =>
      typeof v === 'string'
        ? v.replaceAll(marker, `false${invisible}`)
        : Array.isArray(v)
          ? v.map(replaced)
          : typeof v === 'object' && v !== null
            ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replaced(x)]))
            : v;
    for (const p of readdirSync(sides.head, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json'))) {
      const file = join(sides.head, p);
      writeFileSync(file, readFileSync(file, 'utf8').replaceAll(marker, `false${invisible}`));
    }
    rewriteYaml(sides.head, (d) => replaced(d) as Obj);
    const r = await reviewPair(sides, '--actor', 'alice', '--approved-by', 'frank');
    if (!invisible) {
      // The control: the same head written with `false` passes, so the files are as orgctl writes them.
      expect([r.code, r.stderr]).toEqual([0, '']);
      return;
    }
    expect(r.code, r.stderr).toBe(1);
    const policies = r.stdout.split('\n').find((l) => l.startsWith('| `head-policies` |')) ?? '';
    expect(policies).toMatch(/❌/);
    expect(r.stdout).toMatch(new RegExp(`invalid-text.*${code.replace('+', '\\+')}`));
  });
});

describe('R65-4: an upgrade relabelling the Applications the printed commands select by orgctl.io/cluster', () => {
  it('refuses the Application template labelled orgctl.io/cluster other than this engine writes it', () => {
    const dist = synthesized();
    const head = edited(
      dist,
      'argocd/applicationset.yaml',
      'orgctl.io/cluster: "{{ index .path.segments 1 }}"',
      'orgctl.io/cluster: "ord1"',
    );
    expect(refusedUpgrade(head).join('\n')).toMatch(/orgctl\.io\/cluster/);
  });
});

/**
 * R65-5: the API server's 256 KiB counts every annotation of the object it is sent, and Argo CD adds
 * its tracking (annotation tracking, Argo CD 3's default: `argocd.argoproj.io/tracking-id`) to what
 * dist/ writes; the review measured dist/'s own.
 */
describe("R65-5: an upgrade's orgctl.io/ annotation filling the API server's 256 KiB, before Argo CD's tracking", () => {
  it('refuses a ClusterRole whose annotations Argo CD would carry past 256 KiB', () => {
    const dist = synthesized();
    const head = join(tempDir('orgctl-r65-'), 'dist');
    cpSync(dist, head, { recursive: true });
    const padded = (o: Obj): Obj => {
      if (o.kind !== 'ClusterRole' || o.metadata.name !== 'acme:r:pods') return o;
      const annotations = { ...o.metadata.annotations, 'orgctl.io/description': '' };
      annotations['orgctl.io/description'] = 'a'.repeat(ANNOTATIONS_MAX_BYTES - annotationsBytes(annotations));
      return { ...o, metadata: { ...o.metadata, annotations } };
    };
    rewriteYaml(head, padded);
    const role = docs(readFileSync(join(head, 'lga1/cluster/resources.yaml'), 'utf8')).find(
      (o) => o.kind === 'ClusterRole' && o.metadata.name === 'acme:r:pods',
    )!;
    expect(annotationsBytes(role.metadata.annotations)).toBe(ANNOTATIONS_MAX_BYTES);
    const applied = tracked(role, 'acme-lga1-cluster', 'annotation');
    expect(annotationsBytes(applied.metadata.annotations)).toBeGreaterThan(ANNOTATIONS_MAX_BYTES);
    // Since R89-1 the strict reader refuses it first (an object the API server refuses), before the judgement.
    expect(() => refusedUpgrade(head)).toThrow(/acme:r:pods.*annotations/);
  });
});
