/**
 * Red team S: the gap between what the review judges and what reaches the cluster, on the
 * delivery side (Argo CD's reading of dist/, the shipped workflows).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { App } from 'cdk8s';
import { Organization } from '../constructs/organization.ts';
import { shardOf } from '../synth/render.ts';
import { docs, files, gitIn, ROOT, smallOrg, synth, tempDir, TODAY } from './helpers.ts';

type Obj = Record<string, any>;

/** The Go templates orgctl's ApplicationSet holds, evaluated for one generated folder (anything else throws). */
function goTemplate(text: string, dir: string): string {
  const segments = dir.split('/');
  return text.replace(/\{\{\s*(.+?)\s*\}\}/g, (_, expr: string) => {
    if (expr === '.path.path') return dir;
    if (expr === '.path.basename') return segments.at(-1)!;
    const index = /^index \.path\.segments (\d+)$/.exec(expr);
    if (index) return segments[Number(index[1])]!;
    throw new Error(`template ${expr} is not one this model of Argo CD evaluates`);
  });
}

/** Argo CD's util/glob (gobwas, no separators): `*` matches any text, `/` included. */
const globMatch = (pattern: string, text: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^$()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')
      .replace(/\{([^}]*)\}/g, (_, alts: string) => `(${alts.split(',').join('|')})`)}$`,
  ).test(text);

/** path.Match: `*` within one path segment. */
const pathMatch = (pattern: string, path: string) =>
  new RegExp(`^${pattern.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`).test(path);

interface Rendered {
  /** The Application's name, as the ApplicationSet's template makes it. */
  readonly app: string;
  /** What its repo-server renders at a revision: its objects, or the error Argo CD reports (then no sync, no prune). */
  readonly objects?: readonly Obj[];
  readonly error?: string;
}

/**
 * What Argo CD does with a dist/ (`out`: paths under dist/ → content), as its sources say: the git
 * directory generator over the ApplicationSet's `directories` (applicationsSync create-update keeps
 * an Application whose folder is gone), the repo-server's directory source (util/app/path: an app
 * path that does not exist is an error; reposerver findManifests: .yaml/.yml/.json/.jsonnet files,
 * `recurse`, `include`/`exclude` globs on the path relative to the app path).
 */
function applications(appSet: Obj, generatedFrom: Map<string, string>, at: Map<string, string>): Rendered[] {
  const git = appSet.spec.generators[0].git;
  const folders = [...new Set([...generatedFrom.keys()].map((p) => `dist/${p.split('/').slice(0, -1).join('/')}`))];
  const dirs = folders.filter(
    (d) =>
      git.directories.some((g: Obj) => !g.exclude && pathMatch(g.path, d)) &&
      !git.directories.some((g: Obj) => g.exclude && pathMatch(g.path, d)),
  );
  const template = appSet.spec.template;
  return dirs.sort().map((dir) => {
    const app = goTemplate(template.metadata.name, dir);
    const source = template.spec.source;
    const appPath = goTemplate(source.path, dir).replace(/\/+$/, '');
    const directory = source.directory ?? {};
    const under = [...at.keys()].map((p) => `dist/${p}`).filter((p) => p.startsWith(`${appPath}/`));
    if (!under.length) return { app, error: `${appPath}: app path does not exist` };
    const include = directory.include ? goTemplate(directory.include, dir) : '';
    const exclude = directory.exclude ? goTemplate(directory.exclude, dir) : '';
    const objects = under
      .map((p) => p.slice(appPath.length + 1))
      .filter((rel) => directory.recurse || !rel.includes('/'))
      .filter((rel) => /\.(yaml|yml|json|jsonnet)$/.test(rel))
      .filter((rel) => !(exclude && globMatch(exclude, rel)) && (!include || globMatch(include, rel)))
      .flatMap((rel) => docs(at.get(`${appPath}/${rel}`.slice('dist/'.length))!));
    return { app, objects };
  });
}

/** `Kind namespace/name` of an object. */
const idOf = (o: Obj) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

/**
 * The objects of `base` Argo CD leaves in the cluster once `head` is merged although head no longer
 * writes them: those of an Application that cannot render head, or whose automated sync refuses to
 * prune it to nothing (`allowEmpty` unset: "auto-sync will wipe out all resources").
 */
function leftBehind(base: Map<string, string>, head: Map<string, string>, cluster: string): string[] {
  const [appSet] = docs(base.get('argocd/applicationset.yaml')!);
  const automated = appSet!.spec.template.spec.syncPolicy.automated;
  const atBase = applications(appSet!, base, base);
  // The model is sound where nothing is taken out: every Application renders base, none empty.
  expect(atBase.filter((r) => !r.objects?.length)).toEqual([]);
  const before = new Map(atBase.map((r) => [r.app, r.objects ?? []]));
  const after = applications(appSet!, base, head);
  const written = new Set(after.flatMap((r) => (r.objects ?? []).map(idOf)));
  return after
    .filter((r) => r.app.startsWith(`acme-${cluster}-`))
    .flatMap((r) => {
      const stays = r.error !== undefined || (!r.objects!.length && automated.prune && !automated.allowEmpty);
      return stays ? before.get(r.app)!.map(idOf) : [];
    })
    .filter((id) => !written.has(id))
    .sort();
}

const ARGOCD = { repoURL: 'https://github.com/acme/org.git' };

describe('red team S: Argo CD prunes what a reviewed change takes out of dist/', () => {
  it('S1: a token alone in its shard, deactivated: its folder goes, and its Application must still prune its ServiceAccount and Secret', () => {
    const make = (live: boolean) => {
      const { org, web } = smallOrg({ argocd: ARGOCD, clusters: ['lga1'] });
      const token = org.token('ci', { namespaces: [web] });
      if (!live) token.deactivate();
      return files(org);
    };
    // The token's shard holds nothing else (the example's ci-deploy is alone in lga1/shard-04 too).
    expect(shardOf('token:ci', 32)).not.toBe(shardOf('web', 32));
    const [base, head] = [make(true), make(false)];
    const folder = `lga1/${shardOf('token:ci', 32)}/resources.yaml`;
    expect(base.has(folder)).toBe(true);
    expect(head.has(folder)).toBe(false);
    // Before the fix: acme-lga1-shard-NN renders "app path does not exist", so nothing it applied is
    // pruned: the ServiceAccount and its token Secret stay, and the token keeps authenticating.
    expect(leftBehind(base, head, 'lga1')).toEqual([]);
  });

  it('S1: a namespace alone in its shard, removed: its RoleBindings must be pruned (the Namespace keeps Prune=false)', () => {
    const make = (withMl: boolean) => {
      const { org } = smallOrg({ argocd: ARGOCD, clusters: ['lga1'] });
      const bob = org.user('bob@acme.io', { github: 'bob' });
      if (withMl) org.namespace('ml').grant(bob, 'r:full');
      return files(org);
    };
    expect(shardOf('ml', 32)).not.toBe(shardOf('web', 32));
    const [base, head] = [make(true), make(false)];
    // The Namespace object itself is kept by its own Prune=false annotation, on purpose; access is not.
    const left = leftBehind(base, head, 'lga1').filter((id) => id !== 'Namespace ml');
    expect(left).toEqual([]);
  });
});

describe('red team S: the class — whatever a change takes out of a cluster, some Application prunes it', () => {
  /** An organization of namespaces n0..n5 (bob in each) and tokens t0..t3, less what `drop` names. */
  const make = (drop: { namespace?: string; token?: string; placeIn?: string } = {}) => {
    const { org, web } = smallOrg({ argocd: ARGOCD, clusters: ['lga1', 'ord1'] });
    const bob = org.user('bob@acme.io', { github: 'bob' });
    for (let i = 0; i < 6; i++) {
      const name = `n${i}`;
      if (drop.namespace === name) continue;
      const clusters = drop.placeIn && name === 'n0' ? [drop.placeIn] : undefined;
      org.namespace(name, clusters ? { clusters } : {}).grant(bob, 'r:full');
    }
    for (let i = 0; i < 4; i++) if (drop.token !== `t${i}`) org.token(`t${i}`, { namespaces: [web] });
    return files(org);
  };
  const base = make();
  const cases = [
    ...[0, 1, 2, 3, 4, 5].map((i) => ({ namespace: `n${i}` })),
    ...[0, 1, 2, 3].map((i) => ({ token: `t${i}` })),
    { placeIn: 'ord1' },
  ];
  it.each(cases)('%o: nothing but Namespace objects (Prune=false) is left behind in any cluster', (drop) => {
    const head = make(drop);
    for (const cluster of ['lga1', 'ord1'])
      expect(
        leftBehind(base, head, cluster).filter((id) => !id.startsWith('Namespace ')),
        cluster,
      ).toEqual([]);
  });
});

describe('red team S: the expiry bot opens its pull request whatever branches others made', () => {
  const wf = parseAllDocuments(readFileSync(join(ROOT, 'deploy/github/orgctl-expiry.yaml'), 'utf8'))[0]!.toJS() as {
    jobs: Record<string, { steps: { name?: string; run?: string }[] }>;
  };
  const step = wf.jobs.propose!.steps.find((s) => s.name === 'Open a pull request, then dispatch its checks')!;

  /** A `gh` that answers the step's calls and records them (one line each) in `log`. */
  function fakeGh(bin: string, log: string): void {
    mkdirSync(bin, { recursive: true });
    const gh = join(bin, 'gh');
    writeFileSync(
      gh,
      [
        '#!/bin/sh',
        `printf '%s\\n' "$*" >> ${JSON.stringify(log)}`,
        'case "$1 $2" in',
        '  "repo view") echo main ;;',
        '  "pr create") echo https://github.com/acme/org/pull/7 ;;',
        'esac',
      ].join('\n'),
    );
    chmodSync(gh, 0o755);
  }

  it("S2: a branch named as the bot names today's, made beforehand by anyone who may push one, does not stop the expiry", () => {
    const dir = tempDir();
    const origin = join(dir, 'origin.git');
    const work = join(dir, 'work');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', origin]);
    const git = gitIn(dir);
    git('clone', '-q', origin, 'work');
    const w = gitIn(work);
    mkdirSync(join(work, 'dist'));
    writeFileSync(join(work, 'dist/members.json'), '{"users":["bob"]}\n');
    w('add', '-A');
    w('commit', '-qm', 'base');
    w('push', '-q', 'origin', 'HEAD:main');
    // Anyone with write access (a non-admin whose grant ends soon) pushes a branch of the bot's name for today.
    const day = new Date().toISOString().slice(0, 10);
    w('checkout', '-q', '-b', 'squat');
    writeFileSync(join(work, 'squat'), 'x\n');
    w('add', 'squat');
    w('commit', '-qm', 'squat');
    w('push', '-q', 'origin', `HEAD:refs/heads/orgctl/expiry-${day}`);
    w('checkout', '-q', 'main');
    w('branch', '-q', '-D', 'squat');
    // The artifact replaced dist/: bob's grant expired.
    writeFileSync(join(work, 'dist/members.json'), '{"users":[]}\n');
    const bin = join(dir, 'bin');
    const log = join(dir, 'gh.log');
    fakeGh(bin, log);
    const r = spawnSync('bash', ['--noprofile', '--norc', '-e', '-c', step.run!], {
      cwd: work,
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        GITHUB_REPOSITORY: 'acme/org',
        GITHUB_RUN_ID: '7777777777',
        GITHUB_RUN_ATTEMPT: '1',
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@example.test',
      },
    });
    expect(r.status, r.stderr).toBe(0);
    const calls = readFileSync(log, 'utf8');
    const head = /pr create .*--head (\S+)/.exec(calls)?.[1];
    expect(head, calls).toBeDefined();
    // The pull request's branch holds the bot's commit, and nothing the squatter pushed.
    expect(git('-C', origin, 'rev-parse', `refs/heads/${head}`)).toBe(w('rev-parse', 'HEAD'));
    expect(git('-C', origin, 'rev-parse', `refs/heads/${head}^`)).toBe(git('-C', origin, 'rev-parse', 'main'));
    expect(calls).toMatch(new RegExp(`workflow run orgctl-check\\.yaml --ref ${head!.replace(/[.]/g, '\\.')}`));
  });
});

describe("red team S: the organization's system namespace is never Kubernetes' own", () => {
  it('S3: an organization named kube (system namespace kube-system: tokens, membership, admins with w:full there) is refused', () => {
    const org = new Organization(new App({ outdir: tempDir() }), 'kube', {
      owner: 'alice@acme.io',
      today: TODAY,
      argocd: ARGOCD,
    });
    org.user('alice@acme.io', { github: 'alice', admin: true });
    org.namespace('web');
    const r = synth(org);
    // Before the fix: synthesized with no finding, every object of the cluster shard in kube-system,
    // which the AppProject denies (the cluster shard never syncs) and which no organization owns.
    expect(r.ok).toBe(false);
    expect(r.findings.map((f) => `${f.rule}: ${f.message}`).join('\n')).toMatch(/invalid-name: "kube" .*kube-system/);
  });
});
