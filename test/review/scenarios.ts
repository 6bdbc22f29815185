/** Organizations as specs, edited per scenario, synthesized to snapshots in memory. */
import { InputError, SnapshotError } from '../../model/errors.ts';
import { App } from 'cdk8s';
import { Organization } from '../../constructs/index.ts';
import { synthesize } from '../../constructs/synthesize.ts';
import { parseCanonicalYaml } from '../../synth/yaml.ts';
import { diffSnapshots, type AccessDiff } from '../../analysis/diff.ts';
import { review, type Verdict } from '../../review/review.ts';
import { readSnapshot, readSnapshotPair, type Snapshot } from '../../analysis/snapshot.ts';
import type { ManifestDoc } from '../../analysis/objects.ts';
import { MembershipLines, readMembership } from '../../analysis/membership.ts';
import { DocumentCache, parseOutput, type OutputText } from '../../cli/output-read.ts';
import { proveAgainstBase } from '../../review/base-proof.ts';
import { proveOutput } from '../../review/proof.ts';
import { expect, it } from 'vitest';
import { TODAY } from '../helpers.ts';

export interface Spec {
  apiVersion: 'orgctl/v1';
  kind: 'Organization';
  metadata: { name: string };
  spec: Record<string, any>;
}

/** A grant as a spec declares it (the fields the scenarios use). */
export type Grant = {
  user: string;
  namespace: string;
  levels?: string[];
  customRole?: string;
  rules?: unknown[];
  expires?: string;
};

/** A spec's grants, to edit in place. */
export const grantsOf = (s: Spec): Grant[] => s.spec.grants as Grant[];

/** Admins alice (owner), frank and dan; members bob, erin, gina, hal, ivy, joe; namespaces web, data. */
export function baseSpec(): Spec {
  return {
    apiVersion: 'orgctl/v1',
    kind: 'Organization',
    metadata: { name: 'acme' },
    spec: {
      owner: 'alice@acme.io',
      users: [
        // Each admin with their account's id, as admin-github-id asks.
        { email: 'alice@acme.io', github: 'alice', githubId: 583231, admin: true },
        { email: 'frank@acme.io', github: 'frank', githubId: 1742619, admin: true },
        { email: 'dan@acme.io', github: 'dan', githubId: DAN_ID, admin: true },
        ...['bob', 'erin', 'gina', 'hal', 'ivy', 'joe'].map((n) => ({ email: `${n}@acme.io`, github: n })),
      ],
      namespaces: [{ name: 'web' }, { name: 'data' }],
      grants: ['bob', 'erin', 'gina', 'hal', 'ivy', 'joe'].map((n) => ({
        user: `${n}@acme.io`,
        namespace: 'web',
        levels: ['r:pods', 'w:services'],
      })),
      tokens: [
        { id: 'ci', name: 'CI', namespaces: ['web'], owner: 'alice@acme.io' },
        { id: 'bots', name: 'Bots', namespaces: ['data'], levels: ['r:full'], owner: 'bob@acme.io' },
      ],
    },
  };
}

/** The documents of `spec`'s output (base's by default), as a diff reads them. */
export function specDocs(spec: Spec = baseSpec()): ManifestDoc[] {
  const app = new App();
  Organization.fromSpec(app, spec, { today: TODAY });
  const r = synthesize(app, { today: TODAY, declaredIn: 'test' });
  if (!r.ok) throw new Error(r.findings.map((f) => `${f.rule}: ${f.message}`).join('\n'));
  return r.files
    .filter((f) => f.path.endsWith('.yaml'))
    .flatMap((f) => parseCanonicalYaml(f.content)!.map((object, index) => ({ file: f.path, index, object })));
}

export const snapshotOf = (spec: Spec): Snapshot => readSnapshot(specDocs(spec), 'test');

/** Two sides read as a pair, as `orgctl diff` and `orgctl review` read them. */
export function pairOf(base: ManifestDoc[], head: ManifestDoc[]) {
  return readSnapshotPair(
    { docs: base, membership: readMembership(base, 'base') },
    { docs: head, membership: readMembership(head, 'head') },
  );
}

/** Who made and approved an edit judge judges, and how it is read. */
interface Judged {
  actors: string[];
  approvals?: string[];
  changedPaths?: string[];
  overrides?: string[];
  accountIds?: [string, number[]][];
  baseSnapshot?: Snapshot;
}

/**
 * The review of an edit of `base` by `who`: `accountIds`, the account ids GitHub named by each login
 * (as on GitHub); `baseSnapshot`, base as read instead of `base` synthesized (one no orgctl writes).
 */
export function judge(base: Spec, edit: (s: Spec) => void, who: Judged): Verdict & { failed: string[] } {
  return judgedWithDiff(base, edit, who).verdict;
}

/**
 * judge's verdict and the diff it judged (diffOf's of the same edit when base is `base`
 * synthesized): each side synthesized and the diff made once, for a test that renders both.
 */
export function judgedWithDiff(
  base: Spec,
  edit: (s: Spec) => void,
  who: Judged,
): { verdict: Verdict & { failed: string[] }; diff: AccessDiff } {
  const head = structuredClone(base);
  edit(head);
  const b = who.baseSnapshot ?? snapshotOf(base);
  const h = snapshotOf(head);
  const diff = diffSnapshots(b, h, TODAY);
  const v = review({
    base: b,
    head: h,
    diff,
    today: TODAY,
    actors: who.actors,
    approvals: who.approvals ?? [],
    changedPaths: who.changedPaths ?? ['org/org.ts', 'dist/namespaces/web.yaml'],
    overrides: who.overrides ?? [],
    ...(who.accountIds ? { accountIds: new Map(who.accountIds) } : {}),
  });
  return { verdict: { ...v, failed: [...new Set(v.results.filter((r) => !r.ok).map((r) => r.rule))] }, diff };
}

/**
 * The change rules' results on two snapshots, authored by alice and approved by frank; `window`:
 * the rolling window's older output (labelled origin/main~1).
 */
export function reviewSnapshots(base: Snapshot, head: Snapshot, window?: Snapshot): Verdict['results'] {
  return review({
    base,
    head,
    diff: diffSnapshots(base, head, TODAY),
    today: TODAY,
    actors: ['alice'],
    approvals: ['frank'],
    changedPaths: ['org/org.ts'],
    overrides: [],
    ...(window
      ? { window: { label: 'origin/main~1', diff: diffSnapshots(window, head, TODAY), head, base: window } }
      : {}),
  }).results;
}

/** The access diff of an edit of `base`. */
export function diffOf(base: Spec, edit: (s: Spec) => void): AccessDiff {
  const head = structuredClone(base);
  edit(head);
  return diffSnapshots(snapshotOf(base), snapshotOf(head), TODAY);
}

export const user = (s: Spec, email: string) => s.spec.users.find((u: { email: string }) => u.email === email);

/** A spec's token by id, to edit in place. */
export const token = (s: Spec, id: string) => s.spec.tokens.find((t: { id: string }) => t.id === id);

/** baseSpec with bob deactivated, his token bots with him (token-owner-inactive asks for that). */
export function bobAway(): Spec {
  const s = baseSpec();
  user(s, 'bob@acme.io').status = 'deactivated';
  token(s, 'bots').status = 'deactivated';
  return s;
}

/**
 * bobAway with 256 inline rules in each of `count` namespaces of his (team-0, team-1, ...): his
 * dormant record about 29.5 KB a namespace (R113-5, R114's size guard).
 */
export function bobAwayWithRules(count: number): Spec {
  const s = bobAway();
  const namespaces = Array.from({ length: count }, (_, n) => `team-${n}`);
  s.spec.namespaces.push(...namespaces.map((name) => ({ name })));
  const rules = Array.from({ length: 256 }, (_, i) => ({
    apiGroups: [`group-number-${i}.example.com`],
    resources: [`resources-of-kind-${i}`],
    verbs: ['get', 'list', 'watch'],
  }));
  for (const namespace of namespaces) s.spec.grants.push({ user: 'bob@acme.io', namespace, rules });
  return s;
}

/** `s` without bob's user and grants, his token bots left active. */
export function withoutBobUserOnly(s: Spec): void {
  s.spec.users = s.spec.users.filter((u: { email: string }) => u.email !== 'bob@acme.io');
  s.spec.grants = s.spec.grants.filter((g: { user: string }) => g.user !== 'bob@acme.io');
}

/** `s` without bob: his user, his grants, and his token bots (token-owner-inactive asks for that). */
export function withoutBob(s: Spec): void {
  withoutBobUserOnly(s);
  s.spec.tokens = s.spec.tokens.filter((t: { id: string }) => t.id !== 'bots');
}

/**
 * A spec, or a YAML spec's text, synthesized by the CLI into a dist/ folder of its own; throws with
 * the CLI's words when it fails.
 */
export async function distOf(spec: Spec | string): Promise<string> {
  const { writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { run, tempDir } = await import('../helpers.ts');
  const dir = tempDir();
  const file = join(dir, typeof spec === 'string' ? 'org.yaml' : 'org.json');
  writeFileSync(file, typeof spec === 'string' ? spec : JSON.stringify(spec));
  const r = await run(['synth', '--spec', file, '--out', join(dir, 'dist')]);
  if (r.code !== 0) throw new Error(r.stderr);
  return join(dir, 'dist');
}

/**
 * A YAML spec's text (test/fixtures/specs/acme.yaml) where erin gains w:configmaps in web: a change
 * to a non-admin's access, nothing else, which an admin may make alone.
 */
export const erinGainsConfigMaps = (acme: string): string =>
  acme.replace(
    '{ user: erin@acme.io, namespace: web, customRole: configmap-reader }',
    '{ user: erin@acme.io, namespace: web, customRole: configmap-reader, levels: ["w:configmaps"] }',
  );

/** dan's GitHub account id: baseSpec's, and the stand-in's account for the login dan. */
export const DAN_ID = 3141592;

/**
 * A YAML spec's text (test/fixtures/specs/acme.yaml) where the member dan is made an admin, with his
 * account id (admin-change-approval refuses an admin made by login alone): an admin-grade change
 * that concerns neither alice nor frank.
 */
export const danMadeAdmin = (acme: string): string =>
  acme.replace(
    '- { email: dan@acme.io, github: dan }',
    `- { email: dan@acme.io, github: dan, githubId: ${DAN_ID}, admin: true }`,
  );

/** A YAML spec's text (test/fixtures/specs/acme.yaml) less bob's, dan's and erin's grants in web: a mass removal. */
export const withoutWebGrants = (acme: string): string =>
  acme.replace(/\n {4}- \{ user: (bob|dan|erin)@acme\.io, namespace: web.*\}/g, '');

/**
 * baseSpec's dist/, copied, with one more RoleBinding `name` of web to ClusterRole acme:w:full in
 * web's shard (where orgctl places it), its one subject written as `subject` (the lines after its
 * apiGroup): a form of binding the readers must read as Kubernetes does.
 */
export async function baseDistWithWebBinding(name: string, subject: string): Promise<string> {
  const { cpSync, readFileSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { shardHolding, tempDir } = await import('../helpers.ts');
  const dir = join(tempDir(), 'dist');
  cpSync(await distOf(baseSpec()), dir, { recursive: true });
  const file = join(dir, shardHolding(dir, 'web'));
  writeFileSync(
    file,
    `${readFileSync(file, 'utf8')}---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: ${name}\n  namespace: web\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: acme:w:full\nsubjects:\n- apiGroup: rbac.authorization.k8s.io\n${subject}`,
  );
  return dir;
}

/** Base and head as synthesized dist/ folders, for `orgctl review` through the CLI. */
export async function distPair(base: Spec, edit: (s: Spec) => void): Promise<{ base: string; head: string }> {
  const head = structuredClone(base);
  edit(head);
  return { base: await distOf(base), head: await distOf(head) };
}

/** `orgctl review` of a distPair, as a pull request changing org/org.ts. */
export async function reviewPair(sides: { base: string; head: string }, ...args: string[]) {
  const { run } = await import('../helpers.ts');
  return run(['review', '--base', sides.base, '--head', sides.head, '--changed-path', 'org/org.ts', ...args]);
}

/** A spec's tokens, for edits. */
export const tokensOf = (s: Spec) => s.spec.tokens as Record<string, unknown>[];

/** Reads ConfigMaps in web (get). */
export const configMapsGet = [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }];

/** baseSpec with a deactivated blank token `blank` (configMapsGet in web), owned by `owner` (or by nobody). */
export function dormantBlank(owner?: string): Spec {
  const s = baseSpec();
  tokensOf(s).push({
    id: 'blank',
    name: 'Blank',
    namespaces: [],
    status: 'deactivated',
    ...(owner ? { owner } : {}),
    rbac: [{ namespace: 'web', rules: configMapsGet }],
  });
  return s;
}

/** Clusters lga1 and ord1, web and data in lga1 only; no ci or bots, alice's read-only token reader in data. */
export function pinnedToOneCluster(): Spec {
  const s = baseSpec();
  s.spec.clusters = ['lga1', 'ord1'];
  s.spec.namespaces = [
    { name: 'web', clusters: ['lga1'] },
    { name: 'data', clusters: ['lga1'] },
  ];
  s.spec.tokens = (s.spec.tokens as { id: string }[]).filter((t) => t.id !== 'ci' && t.id !== 'bots');
  s.spec.tokens.push({
    id: 'reader',
    name: 'Reader',
    namespaces: ['data'],
    levels: ['r:full'],
    owner: 'alice@acme.io',
  });
  return s;
}

/** A spec synthesized as the review reads output files (labelled `dist/...`); throws with the findings when synthesis fails. */
export function outputOf(spec: Spec, today = TODAY): OutputText[] {
  const app = new App();
  Organization.fromSpec(app, spec, { today });
  const r = synthesize(app, { today, declaredIn: 'org/org.ts' });
  if (!r.ok) throw new Error(r.findings.map((f) => `${f.rule}: ${f.message}`).join('\n'));
  return r.files.map((f) => ({ ...f, label: `dist/${f.path}` }));
}

/**
 * Both proofs of `head` against `base` (files), on `today`: the one against base, and the full one
 * (`full`: no difference, no error). The strict reader's InputError for a head it refuses is thrown.
 * Both sides' membership is read with one MembershipLines, as the CLI reads them (cli/diff.ts
 * loadSnapshots): a line both sides hold is one record, so the proof's shortcuts for a record head
 * shares with base are taken here as there.
 */
export function proofsOf(base: OutputText[], head: OutputText[], today = TODAY) {
  const cache = new DocumentCache();
  const lines = new MembershipLines();
  const baseUsers = readMembership(parseOutput(base, cache), 'base', lines).users;
  const docs = parseOutput(head, cache);
  const againstBase = proveAgainstBase({
    base: { files: base, documents: (p) => cache.readings(p)[0] },
    head: { files: head, documents: (p) => cache.readings(p)[1] },
    baseUsers,
    membership: readMembership(docs, 'head', lines),
    today,
  });
  const full = proveOutput(head, docs, today);
  return { againstBase, full: full.differences.length === 0 && !full.findings.some((f) => f.severity === 'error') };
}

/**
 * proofsOf, or undefined when the strict reader refuses head outright (its InputError; not
 * membership data it read and cannot use, a SnapshotError, which is thrown).
 */
export function proofsUnlessRefused(base: OutputText[], head: OutputText[], today = TODAY) {
  try {
    return proofsOf(base, head, today);
  } catch (e) {
    if (e instanceof InputError && !(e instanceof SnapshotError)) return undefined;
    throw e;
  }
}

/**
 * Each forgery of `head` beside its change from `base`: refused by the strict reader, or left by the
 * proof against base to the full proof, which refuses it.
 */
export function refusesEach(base: OutputText[], head: OutputText[], forgeries: [string, OutputText[]][]) {
  for (const [what, forgery] of forgeries)
    it(`refuses a forged head: ${what}`, () => {
      expect(forgery.some((f, i) => f.content !== head[i]!.content)).toBe(true);
      let p: ReturnType<typeof proofsOf>;
      try {
        p = proofsOf(base, forgery);
      } catch (e) {
        // The strict reader refuses it before either proof: an input error, not any exception (a
        // TypeError of a broken proof would otherwise pass here).
        expect(e).toBeInstanceOf(InputError);
        return;
      }
      expect(p.againstBase.proved, 'the proof against base takes it').toBe(false);
      expect(p.full).toBe(false);
    });
}

/** The cluster files of outputOf's two clusters, which hold the users' ConfigMaps. */
export const CLUSTER_FILES = ['lga1/cluster/resources.yaml', 'ord1/cluster/resources.yaml'];

/** `files` with each cluster's (or `only` one's) cluster file edited by `edit`. */
export const inClusterFiles = (files: OutputText[], edit: (text: string) => string, only?: string): OutputText[] =>
  files.map((f) =>
    CLUSTER_FILES.includes(f.path) && (!only || f.path === only) ? { ...f, content: edit(f.content) } : f,
  );

export type Rec = Record<string, unknown>;

/**
 * `files` with `email`'s membership record edited by `edit` (the record as read, to rebuild in any
 * key order): in the users' ConfigMaps of `clusters`, and in members.json unless `members` is false.
 */
export function withRecord(
  files: OutputText[],
  email: string,
  edit: (u: Rec) => Rec,
  { clusters = ['lga1', 'ord1'], members = true }: { clusters?: string[]; members?: boolean } = {},
): OutputText[] {
  const line = new RegExp(`^( *)(\\{"email":"${email.replace('.', '\\.')}",.*\\})$`, 'm');
  return files.map((f) => {
    if (f.path === 'members.json') {
      if (!members) return f;
      const data = JSON.parse(f.content) as { users: Rec[] };
      data.users = data.users.map((u) => (u.email === email ? edit(u) : u));
      return { ...f, content: `${JSON.stringify(data, null, 2)}\n` };
    }
    if (!clusters.some((c) => f.path === `${c}/cluster/resources.yaml`)) return f;
    expect(line.test(f.content), `${f.path} records ${email}`).toBe(true);
    return {
      ...f,
      content: f.content.replace(
        line,
        (_, indent: string, json: string) => indent + JSON.stringify(edit(JSON.parse(json))),
      ),
    };
  });
}
