/** Shared test helpers: small organizations, synthesis to strings, the CLI in a child process. */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildSync } from 'esbuild';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { toYamlDocument, toYamlStream } from '../synth/yaml.ts';
import { RBAC_GROUP } from '../synth/kinds.ts';
import { Organization, type OrganizationProps } from '../constructs/index.ts';
import { synthesize, type SynthResult } from '../constructs/synthesize.ts';
import { classesOfRule, unsafeDeclaration, type ClassId } from '../analysis/classes.ts';
import type { PolicyRule } from '../model/catalog.ts';
import type { Finding } from '../model/findings.ts';
import type { Io } from '../model/io.ts';
import type { Manifest } from '../synth/manifest.ts';
import { objectsOnce, OUTPUT_HEADER, placeOrganization, shardFile } from '../synth/render.ts';
import type { OrgModel } from '../model/model.ts';
import { main } from '../cli/main.ts';
import { listFiles } from '../cli/output.ts';

export const ROOT = resolve(import.meta.dirname, '..');
export const TODAY = '2026-11-26';

/** The model of a spec as orgctl declares it on TODAY (a spec file's object, a generated one's). */
export const modelOfSpec = (spec: unknown): OrgModel =>
  Organization.fromSpec(new App(), spec as never, { today: TODAY }).toModel();

/** Every object orgctl renders for a spec on TODAY, each once (placeOrganization's). */
export const objectsOfSpec = (spec: unknown) => objectsOnce(placeOrganization(modelOfSpec(spec), { today: TODAY }));
let scratch: string | undefined;

/** `orgctl init DIR` of the acme organization, owner alice with her GitHub login and account id (admin-github-id), then `extra`. */
export const initAcme = (dir: string, ...extra: string[]): string[] => [
  'init',
  dir,
  '--org',
  'acme',
  '--owner',
  'alice@acme.io',
  '--github',
  'alice',
  '--github-id',
  '583231',
  ...extra,
];

/** A minimal valid organization: owner alice (admin) and namespace web. */
export function smallOrg(props: Partial<OrganizationProps> = {}) {
  // cdk8s' own app.synth() writes to outdir: never the repository's dist/.
  const app = new App({ outdir: (scratch ??= tempDir('orgctl-cdk8s-')) });
  const org = new Organization(app, 'acme', { owner: 'alice@acme.io', today: TODAY, ...props });
  const alice = org.user('alice@acme.io', { github: 'alice', githubId: 583231, admin: true });
  const web = org.namespace('web');
  return { app, org, alice, web };
}

export function synth(root: App | Organization, today = TODAY): SynthResult {
  return synthesize(root, { today, declaredIn: 'test' });
}

/** A rule creating, updating and patching `resource` of `group`: what a controller acts on. */
export const writeRule = (group: string, resource: string): PolicyRule => ({
  apiGroups: [group],
  resources: [resource],
  verbs: ['create', 'update', 'patch'],
});

/** bob, a non-admin, writing `resource` of `group` in web, which the organization declares safe: the findings. */
export function declaredAndGrantedToBob(group: string, resource: string): string[] {
  const { org, web } = smallOrg({ safeCustomResources: [{ group, resources: [resource], reason: 'reviewed' }] });
  web.grantRules(org.user('bob@acme.io', { github: 'bob' }), [writeRule(group, resource)]);
  return synth(org).findings.map((f) => `${f.severity} ${f.rule}: ${f.message}`);
}

/** One test a kind: writing it holds `cls` (cluster-scoped kinds cluster-wide), and it can never be declared safe. */
export function itHoldsReserved(
  cls: ClassId,
  kinds: readonly [string, readonly string[], ('cluster' | 'namespace')?][],
): void {
  for (const [group, resources, scope = 'namespace'] of kinds)
    for (const resource of resources)
      it(`${resource}.${group}: ${cls}, never declarable`, () => {
        expect(classesOfRule(writeRule(group, resource), scope)).toContain(cls);
        expect(unsafeDeclaration(group, resource)).toMatch(/^can never be declared safe: /);
      });
}

/** One test a kind: writing it holds exactly `cls`, a warning class: declared safe and granted, a risky-grant warning. */
export function itWarns(cls: ClassId, title: RegExp, kinds: readonly [string, readonly string[]][]): void {
  for (const [group, resources] of kinds)
    for (const resource of resources)
      it(`${resource}.${group}: ${cls}; declared safe and granted, a risky-grant warning`, () => {
        expect(classesOfRule(writeRule(group, resource), 'namespace')).toEqual([cls]);
        const found = declaredAndGrantedToBob(group, resource);
        expect(found).toHaveLength(1);
        expect(found[0]).toMatch(new RegExp(`^warning risky-grant: .*${title.source}`));
      });
}

/** The forbidden-grant findings of bob, a non-admin, holding `rules` in web as inline rules. */
export function forbiddenGrantsOfBob(rules: PolicyRule[]): Finding[] {
  const { org, web } = smallOrg();
  web.grantRules(org.user('bob@acme.io', { github: 'bob' }), rules);
  const r = synth(org);
  return r.ok ? [] : r.findings.filter((f) => f.rule === 'forbidden-grant');
}

/** The one forbidden-grant finding's message of bob holding `rule` (forbiddenGrantsOfBob), naming it as `described`. */
export function refusalOfBob(rule: PolicyRule, described: string): string {
  const found = forbiddenGrantsOfBob([rule]);
  expect(found).toHaveLength(1);
  expect(found[0]!.message).toContain(described);
  return found[0]!.message;
}

/** The synthesized files as a map path → content; throws with the findings when synthesis fails. */
export function files(root: App | Organization, today = TODAY): Map<string, string> {
  const r = synth(root, today);
  if (!r.ok) throw new Error(r.findings.map((f) => `${f.rule}: ${f.message}`).join('\n'));
  return new Map(r.files.map((f) => [f.path, f.content]));
}

export function tempDir(prefix = 'orgctl-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * A script of test/fixtures (`name`.ts) as one plain JavaScript file, bundled once in a worker, for a
 * test to spawn with `node` alone: `node --import tsx` transformed it and what it imports in every
 * process it started (0.8 s of CPU a start, and a writer's 400 writes took twice the CPU under tsx),
 * and the output lock's tests start a dozen. esbuild bundles it as the launcher bundles orgctl.
 */
export function fixtureScript(name: string): string {
  let file = bundledFixtures.get(name);
  if (!file) {
    file = join(tempDir('orgctl-fixture-'), `${name}.mjs`);
    buildSync({
      entryPoints: [join(ROOT, 'test/fixtures', `${name}.ts`)],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: file,
      logLevel: 'silent',
    });
    bundledFixtures.set(name, file);
  }
  return file;
}
const bundledFixtures = new Map<string, string>();

/** A copy of the example's committed dist/, as `dist` in a new temporary folder (`prefix`…), `change`d. */
export function exampleDistCopy(prefix?: string, change: (dir: string) => void = () => {}): string {
  const dir = join(tempDir(prefix), 'dist');
  cpSync(join(ROOT, 'dist'), dir, { recursive: true });
  change(dir);
  return dir;
}

/** Edits the text of `file` in the folder `dir` (asserted to change it). */
export function editIn(dir: string, file: string, change: (text: string) => string): void {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  const edited = change(text);
  expect(edited, file).not.toBe(text);
  writeFileSync(path, edited);
}

/**
 * Forgeries of a copy of the example's dist/ that keep it orgctl's output and make its clusters
 * differ (red team R141, R142): ord1's acme:r:full without pods (dan reads pods in web in lga1
 * only), and a stranger (mallory) bound with ivan in web in lga1 only.
 */
export const CLUSTERS_DIFFER: Readonly<Record<string, (dir: string) => void>> = {
  "ord1's acme:r:full without pods": (d) =>
    editIn(d, 'ord1/cluster/resources.yaml', (t) =>
      t.replace('  resources:\n  - pods\n  - pods/log\n', '  resources:\n  - pods/log\n'),
    ),
  'a stranger bound in web in lga1 only': (d) =>
    editIn(
      d,
      readdirSync(join(d, 'lga1'))
        .map((s) => `lga1/${s}/resources.yaml`)
        .find((f) => readFileSync(join(d, f), 'utf8').includes('  namespace: web\n'))!,
      (t) =>
        t.replace(
          '  name: ivan@acme.io\n',
          '  name: ivan@acme.io\n- apiGroup: rbac.authorization.k8s.io\n  kind: User\n  name: mallory@acme.io\n',
        ),
    ),
};

/** exampleDistCopy with each cluster's cluster shard passed through `edit` (asserted to change it). */
export const exampleClusterShardsEdited = (prefix: string, edit: (text: string) => string): string =>
  exampleDistCopy(prefix, (dir) => {
    for (const cluster of ['lga1', 'ord1']) editIn(dir, join(cluster, 'cluster', 'resources.yaml'), edit);
  });

/** Appends `doc` (lines, without `---`) to `cluster`'s file of `shard` in `dir` (made, under orgctl's header, when there is none). */
export function appendDocument(dir: string, shard: string, doc: readonly string[], cluster = 'lga1'): void {
  const path = join(dir, shardFile(cluster, shard));
  const text = existsSync(path) ? readFileSync(path, 'utf8') : `${OUTPUT_HEADER}\n`;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${text}---\n${doc.join('\n')}\n`);
}

/** A RoleBinding in web giving erin (bound to nothing that reads pods there) acme:r:full, as YAML lines. */
export const ERIN_FULL_IN_WEB: readonly string[] = toYamlDocument({
  apiVersion: `${RBAC_GROUP}/v1`,
  kind: 'RoleBinding',
  metadata: { name: 'acme:r:full-extra', namespace: 'web' },
  roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: 'acme:r:full' },
  subjects: [{ apiGroup: RBAC_GROUP, kind: 'User', name: 'erin@acme.io' }],
})
  .trimEnd()
  .split('\n');

/** ClusterRole `name` allowing every verb on every resource, as YAML lines. */
export const everythingRole = (name: string): string[] =>
  toYamlDocument({
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRole',
    metadata: { name },
    rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
  })
    .trimEnd()
    .split('\n');

/** A copy of the example's dist/ with `doc` appended to lga1's file of `shard` (appendDocument). */
export const withDocumentIn = (shard: string, doc: readonly string[]): string =>
  exampleDistCopy('orgctl-doc-', (dir) => appendDocument(dir, shard, doc));

/**
 * Scratch folders inside the repository (test-output/`prefix`…), so that a declaration there finds
 * cdk8s as org/org.ts does: each call of what this returns makes one; all go after the file's tests.
 */
export function repoScratch(prefix: string): () => string {
  const made: string[] = [];
  afterAll(() => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    mkdirSync(join(ROOT, 'test-output'), { recursive: true });
    const dir = mkdtempSync(join(ROOT, 'test-output', prefix));
    made.push(dir);
    return dir;
  };
}

/**
 * A cache folder of the calling test file's own (`prefix`…), named by ORGCTL_CACHE_DIR while its
 * tests run, then removed and the name put back. The run's folder (global-setup.ts) is shared by
 * the files running at once in other workers: orgctl keeps the verdicts of the 4 output folders
 * last asked (cli/verdict-cache.ts), so another file's questions removed this file's, and a test
 * that edits the records it finds there edited another file's (which then gave up a question).
 */
export function cacheFolderOfItsOwn(prefix: string): () => string {
  let folder: string | undefined;
  let named: string | undefined;
  beforeAll(() => {
    named = process.env.ORGCTL_CACHE_DIR;
    folder = tempDir(prefix);
    process.env.ORGCTL_CACHE_DIR = folder;
  });
  afterAll(() => {
    if (named === undefined) delete process.env.ORGCTL_CACHE_DIR;
    else process.env.ORGCTL_CACHE_DIR = named;
    if (folder) rmSync(folder, { recursive: true, force: true });
  });
  return () => folder!;
}

/**
 * Waits until what was written before is out of the file systems' racy window (cli/racy.mjs, 2 s):
 * a cache keeps a record only of files whose change time is older, and a change time cannot be
 * put back as a modification time can (utimesSync).
 */
export const waitOutRacyWindow = (): void => waitOutRacyWindowSince(Date.now());

/**
 * Waits until what was written at `at` (Date.now()) is out of the racy window: only what is left
 * of it. A test whose files are written in a beforeAll, before tests that take longer than the
 * window, then waits for none of it.
 */
export const waitOutRacyWindowSince = (at: number): void => {
  const left = at + 2_100 - Date.now();
  if (left > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, left);
};

/** Asks `look` every 100 ms until its answer is `done`, or `ms` have passed: its last answer (tests of processes). */
export async function pollUntil<T>(look: () => T, done: (answer: T) => boolean, ms: number): Promise<T> {
  let answer = look();
  for (let waited = 0; !done(answer) && waited < ms; waited += 100) {
    await new Promise((r) => setTimeout(r, 100));
    answer = look();
  }
  return answer;
}

/**
 * A valid declaration, `dir`/org.ts (`dir` made), that runs `attack` first: for tests of what a
 * declaration module may do.
 */
export function declarationRunning(dir: string, attack: string, imports = ''): string {
  mkdirSync(dir);
  const file = join(dir, 'org.ts');
  writeFileSync(
    file,
    `import { App } from 'cdk8s';
import { Organization } from '${join(ROOT, 'constructs/index.ts')}';
${imports}
${attack}
const org = new Organization(new App(), 'acme', { owner: 'alice@acme.io' });
org.user('alice@acme.io', { admin: true });
export default org;
`,
  );
  return file;
}

/**
 * A copy of the engine (what the package ships, the example declaration, the lock the launcher's
 * fingerprint reads, and `extra` entries) with a node_modules folder of its own, each installed
 * package linked: its bundle and kept code sit in a cache no other test writes to.
 */
export function engineCopy(extra: readonly string[] = []): { readonly dir: string; readonly cache: string } {
  return engineCopyIn(tempDir(), extra);
}

/** engineCopy, in the folder `dir`. */
function engineCopyIn(dir: string, extra: readonly string[] = []): { readonly dir: string; readonly cache: string } {
  const shipped = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] }).files;
  for (const entry of [...shipped, 'org', 'package.json', 'package-lock.json', ...extra])
    if (existsSync(join(ROOT, entry))) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  mkdirSync(join(dir, 'node_modules'));
  for (const entry of readdirSync(join(ROOT, 'node_modules')).filter((n) => n !== '.cache'))
    symlinkSync(join(ROOT, 'node_modules', entry), join(dir, 'node_modules', entry));
  return { dir, cache: join(dir, 'node_modules', '.cache', 'orgctl') };
}

/** How `orgctl levels --help` ends (cli/levels.ts), before a full stop. */
export const LEVELS_HELP_END = 'every level a grant may name';

/**
 * An engine copy (engineCopy) in a folder of its own, `parent/engine`, whose `levels --help` ends
 * with the SAYS each module of `specifiers` exports, in order (`${LEVELS_HELP_END}.` then each):
 * what a red team of the launcher's bundle (bin/orgctl.mjs) edits around it, the modules its own.
 */
export function engineSaying(specifiers: readonly string[]): { readonly parent: string; readonly dir: string } {
  const parent = tempDir('orgctl-engine-saying-');
  const dir = join(parent, 'engine');
  renameSync(engineCopy().dir, dir);
  const levels = join(dir, 'cli/levels.ts');
  const source = readFileSync(levels, 'utf8');
  const help = new RegExp(`help: '(Usage: orgctl levels [^']*)${LEVELS_HELP_END}\\.',`);
  expect(source).toMatch(help);
  const imports = specifiers.map((s, i) => `import { SAYS as SAYS${i} } from ${JSON.stringify(s)};\n`).join('');
  const says = specifiers.map((_, i) => `\${SAYS${i}}`).join('');
  writeFileSync(
    levels,
    imports + source.replace(help, (_, head: string) => `help: \`${head}${LEVELS_HELP_END}.${says}\`,`),
  );
  return { parent, dir };
}

/** A CommonJS module exporting SAYS (engineSaying). */
export const sayingModule = (says: string): string => `exports.SAYS = ${JSON.stringify(says)};\n`;

/** `orgctl levels --help` of an engine copy: its output, the run having succeeded. */
export function levelsHelp(engine: string): string {
  const r = cli(['levels', '--help'], { engine });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

/**
 * A change made beside an engine copy after its first run (engineSaying), which the launcher's next
 * run must follow: `make` lays out what the modules `imports` names before (under the engine's
 * `parent` folder, or in the engine `dir`), `change` changes it; `levels --help` ends with `before`
 * at the first run, `after` at the next.
 */
export interface ChangeBeside {
  readonly imports: string;
  readonly before: string;
  readonly after: string;
  readonly make: (parent: string, dir: string) => void;
  readonly change: (parent: string, dir: string) => void;
}

/**
 * A test (`title`, `%s` the change's name) of each change, the next run following it. Each
 * engine's first run is made before any test, with one wait out of the racy window for all of
 * them before (the bundle is kept) and one after (only stats name it then).
 */
export function itFollowsEachChange(title: string, changes: Readonly<Record<string, ChangeBeside>>): void {
  const made = new Map<string, { readonly parent: string; readonly dir: string; readonly first: string }>();
  beforeAll(() => {
    const engines = Object.entries(changes).map(([name, change]) => {
      const engine = engineSaying([change.imports]);
      change.make(engine.parent, engine.dir);
      return [name, engine] as const;
    });
    waitOutRacyWindow();
    for (const [name, engine] of engines) made.set(name, { ...engine, first: levelsHelp(engine.dir) });
    waitOutRacyWindow();
  }, 120_000);
  it.each(Object.keys(changes))(title, (name) => {
    const { parent, dir, first } = made.get(name)!;
    const change = changes[name]!;
    expect(first).toContain(`${LEVELS_HELP_END}.${change.before}`);
    change.change(parent, dir);
    expect(levelsHelp(dir)).toContain(`${LEVELS_HELP_END}.${change.after}`);
  });
}

/** Who an unprivileged cli run is when the tests run as root: nobody. */
const NOBODY = { uid: 65534, gid: 65534 };

/**
 * An engine copy (engineCopy) an unprivileged cli run gets a bundle from, made on the first call of
 * what this returns, once for the calling test file: in a folder of the repository it can reach
 * (repoScratch), its node_modules its own. Run from the repository, nobody may not write to
 * root's cache (bin/orgctl.mjs cacheFolder), so every run took the launcher's fallback, the sources
 * through tsx: 1.2-1.6 s of CPU a run here, against 0.3-0.5 s from a bundle built once (0.8 s).
 */
export function unprivilegedEngine(): () => string {
  const scratch = repoScratch('engine-');
  let engine: string | undefined;
  return () => {
    if (engine === undefined) {
      engine = scratch();
      chmodSync(engine, 0o755);
      engineCopyIn(engine);
      if (process.getuid?.() === 0) chownSync(join(engine, 'node_modules'), NOBODY.uid, NOBODY.gid);
    }
    return engine;
  };
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The real `orgctl` in a child process (the path CI and people take): this repository's, or the one
 * in `engine` (an engineCopy), run by `node` (default: the Node running the tests).
 */
export function cli(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; engine?: string; node?: string; unprivileged?: boolean } = {},
): CliResult {
  const engine = options.engine ?? ROOT;
  // File modes bind everyone but root: run as nobody then, for a test of what an unreadable file does.
  const nobody = options.unprivileged && process.getuid?.() === 0 ? NOBODY : {};
  const r = spawnSync(options.node ?? process.execPath, [join(engine, 'bin/orgctl.mjs'), ...args], {
    ...nobody,
    cwd: options.cwd ?? engine,
    env: { ...process.env, ORGCTL_TODAY: TODAY, ...options.env },
    encoding: 'utf8',
    maxBuffer: 1 << 28, // what a large organization prints (access --format json)
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A workflow step's `run` script as GitHub runs it (`bash --noprofile --norc -eo pipefail`), in
 * `cwd`, with the stand-in commands of the folder `bin` first on PATH and only `env` besides.
 */
export function runStep(script: string, cwd: string, bin: string, env: Record<string, string>) {
  return spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
    cwd,
    encoding: 'utf8',
    env: { PATH: `${bin}:${process.env.PATH}`, ...env },
  });
}

/**
 * Stand-in `gh` and `git` for a workflow step (runStep's `bin`), in `repo/.stub-bin`: `gh A B ...`
 * prints `answers['A B']` (`repo view`, `pr create`, `pr list`) and each `gh workflow run ...` is
 * recorded, its arguments `calls()` returns; `git status` prints `gitStatus`, any other git does nothing.
 */
export function ghStandIn(repo: string, answers: Record<string, string>, gitStatus = '') {
  const bin = join(repo, '.stub-bin');
  mkdirSync(bin);
  const log = join(repo, '.gh-calls');
  const status = gitStatus ? `if [ "$1" = status ]; then printf '%s\\n' ${JSON.stringify(gitStatus)}; fi\n` : '';
  writeFileSync(join(bin, 'git'), `#!/bin/sh\n${status}exit 0\n`);
  const cases = Object.entries(answers).map(
    ([k, v]) => `  ${JSON.stringify(k)}) printf '%s\\n' ${JSON.stringify(v)} ;;`,
  );
  const record = `  "workflow run") echo "$*" >> ${JSON.stringify(log)} ;;`;
  writeFileSync(join(bin, 'gh'), ['#!/bin/sh', 'case "$1 $2" in', ...cases, record, 'esac', ''].join('\n'));
  chmodSync(join(bin, 'git'), 0o755);
  chmodSync(join(bin, 'gh'), 0o755);
  const calls = (): string[] => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
  return { bin, calls };
}

/**
 * `orgctl args` in this process (main()), its lines gathered: `ended`, each ended by a line break
 * (as the CLI's process writes them), else joined by one. run and runWithPrinted's one core.
 */
async function inThisProcess(
  args: readonly string[],
  { env = {}, terminal = false, ended = false }: { env?: NodeJS.ProcessEnv; terminal?: boolean; ended?: boolean },
): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env: { ORGCTL_TODAY: TODAY, ...env },
    ...(terminal ? { stdoutIsTerminal: true } : {}),
  };
  const code = await main(args, io);
  const text = (lines: string[]) => (ended ? lines.map((l) => `${l}\n`).join('') : lines.join('\n'));
  return { code, stdout: text(out), stderr: text(err) };
}

/** `orgctl` in this process: fast, for tables of cases; `terminal`: as if stdout were a terminal. */
export function run(args: readonly string[], env: NodeJS.ProcessEnv = {}, terminal = false): Promise<CliResult> {
  return inThisProcess(args, { env, terminal });
}

/**
 * `orgctl args` in this process (main()) with its output as the CLI's process writes it: each line
 * ended by a line break, on stderr orgctl's own lines and what a declaration printed, in the order
 * written (runIsolated gives a declaration's lines to the command's io.err). For a test asserting
 * what a declaration printed, or did not, or comparing with the CLI's output, without starting
 * orgctl's own process.
 */
export function runWithPrinted(args: readonly string[]): Promise<CliResult> {
  return inThisProcess(args, { ended: true });
}

/**
 * orgctl `args` by the real orgctl in a process of its own when `spawned` (as people run it), else
 * by main() in this process (what the CLI runs, not started anew): for a test's cases asserting only
 * orgctl's exit code and its own output, one of them through the CLI.
 */
export const cliOr = (spawned: boolean, args: readonly string[]): Promise<CliResult> | CliResult =>
  spawned ? cli(args) : run(args);

/** cliOr with runWithPrinted in this process: for cases asserting what a declaration printed too. */
export const cliOrPrinted = (spawned: boolean, args: readonly string[]): Promise<CliResult> | CliResult =>
  spawned ? cli(args) : runWithPrinted(args);

/** `orgctl review` of `head` against the example's dist/ as base, made by `actor`, then `extra` flags. */
export const reviewOfExample = (head: string, actor: string, extra: readonly string[] = []) =>
  run(['review', '--base', join(ROOT, 'dist'), '--head', head, '--actor', actor, ...extra]);

/**
 * `orgctl review` of `head` against the example's dist/ as an upgrade of orgctl to `version`: alice
 * changes package.json and package-lock.json, frank approves, and a head proof of `version` that
 * says ok comes with a lock installing `version` from npm's registry.
 */
export function reviewOfUpgrade(head: string, version: string) {
  const dir = tempDir('orgctl-upgrade-proof-');
  const proof = join(dir, 'proof.json');
  writeFileSync(
    proof,
    JSON.stringify({ engine: { name: 'orgctl', version }, ok: true, differences: [], findings: [] }),
  );
  const orgctl = {
    version,
    resolved: `https://registry.npmjs.org/orgctl/-/orgctl-${version}.tgz`,
    integrity: 'sha512-AAAA',
  };
  const root = { name: 'acme-org', dependencies: { orgctl: `^${version}` } };
  const lock = join(dir, 'lock.json');
  writeFileSync(
    lock,
    JSON.stringify({
      name: root.name,
      lockfileVersion: 3,
      requires: true,
      packages: { '': root, 'node_modules/orgctl': orgctl },
    }),
  );
  return reviewOfExample(head, 'alice', [
    '--approved-by',
    'frank',
    '--changed-path',
    'package.json',
    '--changed-path',
    'package-lock.json',
    '--head-proof',
    proof,
    '--head-lock',
    lock,
  ]);
}

/**
 * The example's dist/ as `version` writes it (relabelledCopy), with the first `orgctl.io/description`
 * of each cluster's shard `cluster` ending in `added`: an informational annotation a head engine vouches for.
 */
export function upgradedWithDescriptionEnding(version: string, added: string): string {
  const head = relabelledCopy(join(ROOT, 'dist'), version);
  for (const cluster of ['lga1', 'ord1']) {
    const file = join(head, cluster, 'cluster/resources.yaml');
    const text = readFileSync(file, 'utf8');
    const forged = text.replace(
      /orgctl\.io\/description: "([^"]*)"/,
      (_, d: string) => `orgctl.io/description: "${d}${added}"`,
    );
    if (forged === text) throw new Error(`${file}: no orgctl.io/description to add to`);
    writeFileSync(file, forged);
  }
  return head;
}

/** The objects of a multi-document YAML file. */
export function docs(text: string): Record<string, any>[] {
  return parseAllDocuments(text).map((d) => d.toJS() as Record<string, any>);
}

/** A RoleBinding to a ClusterRole as a manifest, with whatever subjects a test gives it. */
export function roleBinding(namespace: string, name: string, clusterRole: string, subjects: unknown): Manifest {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name, namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole },
    subjects,
  } as unknown as Manifest;
}

/** Subject names of the RoleBinding `name` in a file ([] when there is none). */
export function subjectsOf(text: string, name: string): string[] {
  const b = docs(text).find((o) => o.kind === 'RoleBinding' && o.metadata.name === name);
  return (b?.subjects ?? []).map((s: { name: string }) => s.name);
}

/** The documents of one namespace (its Namespace object and everything in it) in one cluster, as YAML. */
export function nsText(out: Map<string, string>, ns: string, cluster?: string): string {
  const docsIn = clusterDocs(out, cluster).filter(
    (o) => o.metadata?.namespace === ns || (o.kind === 'Namespace' && o.metadata?.name === ns),
  );
  return toYamlStream(docsIn);
}

/** The ClusterRoles of one cluster, as YAML. */
export function clusterRolesText(out: Map<string, string>, cluster?: string): string {
  return toYamlStream(clusterDocs(out, cluster).filter((o) => o.kind === 'ClusterRole'));
}

/** Every manifest of one cluster (default: the first, alphabetically). */
export function clusterDocs(out: Map<string, string>, cluster?: string): Record<string, any>[] {
  const paths = [...out.keys()].filter((p) => p.endsWith('/resources.yaml')).sort();
  const c = cluster ?? paths[0]?.split('/')[0];
  return paths.filter((p) => p.startsWith(`${c}/`)).flatMap((p) => docs(out.get(p)!));
}

/** Lines added and removed between two texts (multiset difference: enough for small edits). */
export function lineDiff(a: string, b: string): { added: number; removed: number } {
  const count = (t: string) => t.split('\n').reduce((m, l) => m.set(l, (m.get(l) ?? 0) + 1), new Map<string, number>());
  const [ca, cb] = [count(a), count(b)];
  let added = 0;
  let removed = 0;
  for (const [l, n] of cb) added += Math.max(0, n - (ca.get(l) ?? 0));
  for (const [l, n] of ca) removed += Math.max(0, n - (cb.get(l) ?? 0));
  return { added, removed };
}

/**
 * A spec of organization acme: owner alice (admin), bob, namespace web, then `spec`'s fields
 * (replacing those).
 */
export function acmeSpecWith(spec: Record<string, unknown>) {
  return {
    apiVersion: 'orgctl/v1',
    kind: 'Organization',
    metadata: { name: 'acme' },
    spec: {
      owner: 'alice@acme.io',
      users: [{ email: 'alice@acme.io', admin: true }, { email: 'bob@acme.io' }],
      namespaces: [{ name: 'web' }],
      ...spec,
    },
  };
}

/** A non-admin given a custom role that creates Deployments: w:pods in disguise. */
export function deployerSpec() {
  return acmeSpecWith({
    customRoles: [
      { name: 'deployer', rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['create', 'patch'] }] },
    ],
    grants: [
      { user: 'bob@acme.io', namespace: 'web', levels: ['r:full'] },
      { user: 'bob@acme.io', namespace: 'web', customRole: 'deployer' },
    ],
  });
}

/** `git` in `repo` with a committer set: its standard output, trimmed; a failure throws its stderr. */
export function gitIn(repo: string): (...args: string[]) => string {
  return (...args) => {
    const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.test', ...args], {
      cwd: repo,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(r.stderr);
    return r.stdout.trim();
  };
}

/** A RoleBinding that gives bob (not an admin) w:full in web, as a block of YAML lines (a forgery). */
export const W_FULL_FOR_BOB = [
  'apiVersion: rbac.authorization.k8s.io/v1',
  'kind: RoleBinding',
  'metadata:',
  '  name: acme:w:full-extra',
  '  namespace: web',
  'roleRef:',
  '  apiGroup: rbac.authorization.k8s.io',
  '  kind: ClusterRole',
  '  name: acme:w:full',
  'subjects:',
  '- apiGroup: rbac.authorization.k8s.io',
  '  kind: User',
  '  name: bob@acme.io',
];

/**
 * A copy of the output `from` as a later orgctl might render it: every object labelled
 * `orgctl.io/engine: VERSION`. Access is unchanged; every file differs from what this orgctl renders.
 */
export function relabelledCopy(from: string, version: string): string {
  const dir = join(tempDir('orgctl-upgraded-'), 'dist');
  cpSync(from, dir, { recursive: true });
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.yaml'))
        writeFileSync(
          p,
          readFileSync(p, 'utf8').replace(
            /^( *)app\.kubernetes\.io\/managed-by: orgctl$/gm,
            `$&\n$1orgctl.io/engine: "${version}"`,
          ),
        );
    }
  };
  walk(dir);
  return dir;
}

/**
 * Adds to a generated spec (`orgctl generate`'s users userN@acme.io, namespaces ns-N) a binding of
 * every kind the generator does not make, from user `first` on: Add All (first), the custom role
 * cm-reader in ns-2 (first + 1), inline rules in ns-3 (first + 2), an expired grant in ns-4
 * (first + 3), and the token tok-custom with custom RBAC only, in ns-4.
 */
export function withEveryKindOfBinding(s: Record<string, any>, first: number): void {
  s.customRoles = [{ name: 'cm-reader', rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] }];
  s.users.find((u: { email: string }) => u.email === `user${first}@acme.io`).access = 'all';
  s.grants.push(
    { user: `user${first + 1}@acme.io`, namespace: 'ns-2', customRole: 'cm-reader' },
    {
      user: `user${first + 2}@acme.io`,
      namespace: 'ns-3',
      rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['list'] }],
    },
    { user: `user${first + 3}@acme.io`, namespace: 'ns-4', levels: ['r:pods'], expires: '2026-01-01' },
  );
  s.tokens.push({
    id: 'tok-custom',
    name: 'Custom',
    namespaces: [],
    rbac: [{ namespace: 'ns-4', customRole: 'cm-reader' }],
  });
}

/** The shard file of `dir` (an output folder) holding namespace `ns` of acme. */
export const shardHolding = (dir: string, ns: string) =>
  listFiles(dir).find(
    (f) =>
      f.includes('/shard-') &&
      readFileSync(join(dir, f), 'utf8').includes(
        `kind: Namespace\nmetadata:\n  annotations:\n    argocd.argoproj.io/sync-wave: "0"\n    argocd.argoproj.io/sync-options: "Prune=false,Delete=false"\n  labels:\n    app.kubernetes.io/managed-by: orgctl\n    orgctl.io/organization: acme\n  name: ${ns}\n`,
      ),
  )!;

/**
 * A copy of the example's dist/ with a document appended to web's shard: a RoleBinding of ns-22
 * (which the example's shard count places there too), `metadata` written before its name and
 * namespace and `below` after its roleRef, naming bob. The partial read skips a document of
 * another namespace in the shard it reads: its lines are where a forgery hides (R77-3, R83-1).
 */
export function withNeighbourBinding(metadata: readonly string[], below: readonly string[] = []): string {
  const dir = exampleDistCopy('orgctl-neighbour-');
  const path = join(dir, shardHolding(dir, 'web'));
  const doc = [
    '---',
    ...W_FULL_FOR_BOB.slice(0, 3), // apiVersion, kind: RoleBinding, metadata:
    ...metadata,
    '  name: acme:r:pods',
    '  namespace: ns-22',
    ...W_FULL_FOR_BOB.slice(5, 9), // roleRef
    ...below,
    ...W_FULL_FOR_BOB.slice(9),
    '',
  ].join('\n');
  writeFileSync(path, readFileSync(path, 'utf8') + doc);
  return dir;
}

/** Small: a few namespaces a shard, so a shard holds other namespaces' documents (red team R83, R93). */
const GENERATED_SMALL = ['--users', '16', '--namespaces', '48', '--grants', '120', '--tokens', '3'];

/** A generated organization (acme: userN@acme.io, ns-N) synthesized into a dist/ of its own. */
export async function generatedOutput(seed: number): Promise<string> {
  const root = tempDir('orgctl-gen-');
  const made = await run(['generate', ...GENERATED_SMALL, '--seed', String(seed), '--format', 'json']);
  expect(made.code, made.stderr).toBe(0);
  writeFileSync(join(root, 'spec.json'), made.stdout);
  const dist = join(root, 'dist');
  const synth = await run(['synth', '--spec', join(root, 'spec.json'), '--out', dist]);
  expect(synth.code, synth.stderr).toBe(0);
  return dist;
}
