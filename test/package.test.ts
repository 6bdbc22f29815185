/**
 * orgctl as a package, end to end: `npm pack` → `orgctl init` of a new organization repository
 * depending on that version → `npm ci --offline` (no registry: the npm cache `npm ci` filled, the
 * tarball added to it, and a lockfile pinned to the engine's own) → the repository's `npm test` (tsc on `import { Organization }
 * from 'orgctl'`, check, synth --check, prove) → a change and a forbidden change, reviewed between
 * two commits with the installed orgctl → an orgctl upgrade judged as an engine change → an upgrade
 * to a version that renders differently, proved by its own engine and judged by the old one.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, repoScratch, ROOT, run, tempDir } from './helpers.ts';
import { parseAllDocuments, stringify } from 'yaml';
import { synthDocs } from './review/import-access.ts';
import { listFiles } from '../cli/output.ts';

const OPTS = { timeout: 60_000 };

const SH_ENV = { ...process.env, ORGCTL_TODAY: '2026-11-26', npm_config_audit: 'false', npm_config_fund: 'false' };

function sh(cmd: string, args: readonly string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: SH_ENV });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * sh, not waited for: commands that need not run one after another (reviews of the same commits
 * with other flags) run at once, each mostly waiting on its own git and declaration processes.
 */
function shAtOnce(cmd: string, args: readonly string[], cwd: string): Promise<ReturnType<typeof sh>> {
  return new Promise((done) =>
    execFile(cmd, args, { cwd, encoding: 'utf8', env: SH_ENV, maxBuffer: 1 << 28 }, (error, stdout, stderr) =>
      done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    ),
  );
}

/** Where npm's registry serves a version of orgctl (a lock's `resolved`). */
const registryTarball = (version: string) => `https://registry.npmjs.org/orgctl/-/orgctl-${version}.tgz`;
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

/**
 * The organization's package-lock.json, as `npm install` would write it, pinned to the versions the
 * engine's lockfile holds: orgctl's production dependencies, and what the repository adds.
 */
function lockFor(org: string, tarball: string, version?: string): void {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
  const pkg = JSON.parse(readFileSync(join(org, 'package.json'), 'utf8'));
  const engine = lock.packages[''];
  const own = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies ?? {})]);
  // As a published release is installed: the lock names npm's registry and the tarball's sha512
  // (the only sources a review trusts a head engine from); `npm ci --offline` finds it in npm's
  // cache by that integrity (`npm cache add` of the tarball).
  const packages: Record<string, unknown> = {
    '': { name: pkg.name, version: pkg.version, dependencies: pkg.dependencies, devDependencies: pkg.devDependencies },
    'node_modules/orgctl': {
      version: version ?? engine.version,
      resolved: registryTarball(version ?? engine.version),
      integrity: `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`,
      dependencies: engine.dependencies,
      bin: engine.bin,
      engines: engine.engines,
    },
  };
  for (const [path, entry] of Object.entries<{ dev?: boolean }>(lock.packages)) {
    const name = path.slice('node_modules/'.length);
    if (path.startsWith('node_modules/') && (!entry.dev || own.has(name)))
      packages[path] = { ...entry, dev: undefined };
  }
  const out = { name: pkg.name, version: pkg.version, lockfileVersion: 3, requires: true, packages };
  writeFileSync(join(org, 'package-lock.json'), `${JSON.stringify(out, null, 2)}\n`);
}

/**
 * Where init's printed next step runs in a test: git with alice's name and nothing configured, npm
 * preferring its cache. Not offline: the step's `npm install` has no lock yet, so it resolves each
 * dependency's name by the registry's metadata, which `npm ci` (11.19) does not cache (it fetches
 * tarballs by the lock's URLs): offline, a fresh machine refused it (ENOTCACHED). orgctl itself is
 * never asked of the registry: each test checks the repository's lock resolves it to the tarball.
 */
const NEXT_STEP_ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'alice',
  GIT_AUTHOR_EMAIL: 'alice@acme.io',
  GIT_COMMITTER_NAME: 'alice',
  GIT_COMMITTER_EMAIL: 'alice@acme.io',
  npm_config_prefer_offline: 'true',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
};

let tarball = '';
let org = '';
let contents: string[] = [];
const git = (...args: string[]) => {
  const r = sh('git', ['-c', 'user.name=alice', '-c', 'user.email=alice@acme.io', ...args], org);
  if (r.code !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
};
/** The installed orgctl, as the repository's scripts and workflows run it. */
const orgctl = (...args: string[]) =>
  sh(process.execPath, [join(org, 'node_modules/orgctl/bin/orgctl.mjs'), ...args], org);
/** orgctl, started without waiting (shAtOnce). */
const orgctlAtOnce = (...args: string[]) =>
  shAtOnce(process.execPath, [join(org, 'node_modules/orgctl/bin/orgctl.mjs'), ...args], org);

beforeAll(() => {
  const packs = tempDir('orgctl-pack-');
  const pack = sh('npm', ['pack', '--silent', '--pack-destination', packs], ROOT);
  expect(pack.code, pack.stderr).toBe(0);
  tarball = join(packs, readdirSync(packs).find((f) => f.endsWith('.tgz'))!);
  contents = sh('tar', ['-tzf', tarball], ROOT).stdout.split('\n').filter(Boolean);
  org = join(tempDir('orgctl-init-'), 'acme-org');
  const init = cli([
    'init',
    org,
    '--org',
    'acme',
    '--owner',
    'Alice@acme.io',
    '--github',
    'alice',
    '--github-id',
    '583231',
    '--dependency',
    VERSION,
  ]);
  expect(init.stderr).toBe('');
  expect(init.code).toBe(0);
  lockFor(org, tarball);
  const cached = sh('npm', ['cache', 'add', tarball], org);
  expect(cached.code, cached.stderr).toBe(0);
  const ci = sh('npm', ['ci', '--offline'], org);
  expect(ci.code, ci.stderr).toBe(0);
}, 120_000);

describe('npm pack: one package', () => {
  it('ships the command, the construct API with its types, the schema and the workflow templates; no tests, dist/ or .github', () => {
    for (const f of [
      'package/bin/orgctl.mjs',
      'package/cli/main.ts',
      'package/constructs/index.ts',
      'package/types/constructs/index.d.ts',
      'package/schema/org.schema.json',
      'package/deploy/github/orgctl-review.yaml',
      'package/package.json',
    ])
      expect(contents).toContain(f);
    expect(contents.filter((f) => /^package\/(test|dist|org|\.github|node_modules|lint)\//.test(f))).toEqual([]);
  });

  it('exports the construct API (typed) and the schema', () => {
    const pkg = JSON.parse(readFileSync(join(org, 'node_modules/orgctl/package.json'), 'utf8'));
    expect(pkg.exports['.']).toEqual({ types: './types/constructs/index.d.ts', default: './constructs/index.ts' });
    expect(pkg.exports['./schema/org.schema.json']).toBe('./schema/org.schema.json');
    expect(pkg.bin).toEqual({ orgctl: 'bin/orgctl.mjs' });
  });
});

const scratch = repoScratch('init-');

describe('orgctl init: a new organization repository', () => {
  it('writes the declaration with the owner as first admin, dist/, workflows, README, CI', () => {
    const ts = readFileSync(join(org, 'org/org.ts'), 'utf8');
    expect(ts).toContain("import { Organization } from 'orgctl';");
    expect(ts).toContain("org.user('alice@acme.io', { github: 'alice', githubId: 583231, admin: true });");
    const pkg = JSON.parse(readFileSync(join(org, 'package.json'), 'utf8'));
    expect(pkg.dependencies.orgctl).toBe(VERSION);
    expect(pkg.scripts.test).toBe('tsc --noEmit && orgctl synth --check && orgctl prove');
    expect(readFileSync(join(org, 'README.md'), 'utf8')).toMatch(/## Who approves what[\s\S]*`engine-change`/);
    expect(readFileSync(join(org, '.gitignore'), 'utf8')).toContain('node_modules/');
    expect(readFileSync(join(org, '.ci/run'), 'utf8')).toContain('npm test');
    // No link to a page of npm's public registry, where orgctl is not published (whoever claims the
    // name writes that page), nor into node_modules/, which the repository does not hold on GitHub.
    const readme = readFileSync(join(org, 'README.md'), 'utf8');
    expect(readme).not.toMatch(/npmjs\.com|\]\(node_modules\//);
    expect(readme).toContain('`node_modules/orgctl/docs/github.md`');
  });

  it("writes workflows that run the installed orgctl and pass the same validators as orgctl's own", () => {
    const dir = join(org, '.github/workflows');
    const names = readdirSync(dir).sort();
    expect(names).toEqual(readdirSync(join(ROOT, 'deploy/github')).sort());
    for (const name of names) {
      const text = readFileSync(join(dir, name), 'utf8');
      // The templates as they are, byte for byte: each runs the command of the orgctl the lock
      // installs, never `npx orgctl` (the project's own command first, or one npx would fetch).
      // Being deploy/github/'s bytes, each passes what workflows.test validates there (strict YAML,
      // GitHub's schema, actionlint: 3-5 s here a second time on the same bytes).
      expect(text).toBe(readFileSync(join(ROOT, 'deploy/github', name), 'utf8'));
      expect(text.replace(/^\s*#.*$/gm, '')).not.toMatch(/\bnpx\b/);
    }
    const review = readFileSync(join(dir, 'orgctl-review.yaml'), 'utf8');
    expect(review).toContain('- run: npm ci --ignore-scripts');
    expect(review).toContain('node "$ORGCTL" review --github');
  });

  it("the installed orgctl's `workflows` knows the workflows init wrote as its own, and an earlier one's", OPTS, () => {
    const orgctl = (...args: string[]) =>
      sh(process.execPath, [join(org, 'node_modules/orgctl/bin/orgctl.mjs'), ...args], org);
    const current = orgctl('workflows');
    expect(current.stdout).toContain('every workflow is orgctl');
    expect(current.code, current.stderr).toBe(0);
    const review = join(org, '.github/workflows/orgctl-review.yaml');
    const ours = readFileSync(review, 'utf8');
    writeFileSync(review, readFileSync(join(ROOT, 'test/fixtures/workflows/orgctl-review.earlier.yaml')));
    const earlier = orgctl('workflows', '--write');
    expect(earlier.stdout).toMatch(/orgctl-review\.yaml\s+written \(was earlier\)/);
    expect(earlier.code, earlier.stderr).toBe(0);
    expect(readFileSync(review, 'utf8')).toBe(ours);
  });

  /**
   * The installed orgctl's init of a new repository, its next step (as printed, asserted here) run
   * as printed, npm install and all: made once, for the test below and for the checkout's init's
   * test, whose step installs the same bytes (one npm install of a new repository serves both).
   */
  let fromInstalled: { readonly dir: string; readonly stdout: string; readonly next: string } | undefined;
  const installedInit = () => {
    if (fromInstalled) return fromInstalled;
    const dir = join(tempDir(), 'from-installed');
    const r = orgctl('init', dir, '--org', 'acme', '--owner', 'alice@acme.io');
    expect(r.code, r.stderr).toBe(0);
    // Its prepack (tsc) needs the checkout's devDependencies: an installed package is packed as it is.
    const installed = join(org, 'node_modules/orgctl');
    const next = r.stdout
      .split('\n')
      .find((l) => l.startsWith('next: '))!
      .slice('next: '.length);
    expect(next).toBe(
      `(cd ${installed} && npm pack --ignore-scripts --pack-destination ${dir}/vendor) && cd ${dir} && npm install && git init -b main && git add -A && git commit -m 'The acme organization'`,
    );
    const env = NEXT_STEP_ENV;
    const done = spawnSync('bash', ['--noprofile', '--norc', '-c', next], { cwd: dirname(dir), env, encoding: 'utf8' });
    expect(done.status, done.stderr).toBe(0);
    fromInstalled = { dir, stdout: r.stdout, next };
    return fromInstalled;
  };

  it("the installed orgctl's init depends on its own tarball too, packed as installed (a new repository has no .npmrc: ^VERSION would ask npm's public registry)", async () => {
    const { dir, stdout } = installedInit();
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies.orgctl).toBe(
      `file:vendor/orgctl-${VERSION}.tgz`,
    );
    expect(stdout).not.toContain('note:');
    const locked = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')).packages['node_modules/orgctl'];
    expect(locked).toMatchObject({ version: VERSION, resolved: `file:vendor/orgctl-${VERSION}.tgz` });
    // The same files as the tarball it was installed from.
    const listed = (file: string) => sh('tar', ['-tzf', file], ROOT).stdout.split('\n').filter(Boolean).sort();
    expect(listed(join(dir, `vendor/orgctl-${VERSION}.tgz`))).toEqual(listed(tarball));
    const check = sh(process.execPath, [join(dir, 'node_modules/orgctl/bin/orgctl.mjs'), 'synth', '--check'], dir);
    expect(check.code, check.stderr).toBe(0);
  }, 180_000);

  it("the repository's npm test passes with the installed orgctl: tsc, check, synth --check, prove", OPTS, () => {
    const t = sh('npm', ['test'], org);
    expect(t.stderr).not.toMatch(/error/i);
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('dist/ is up to date');
    expect(t.stdout).toMatch(/dist: proved/);
  });

  /** The repository's own tsc (npm test's first step) with its own tsconfig.json, on what org/ holds. */
  const tsc = () => sh(process.execPath, [join(org, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], org);

  /**
   * tsc once on org/ holding both files the next two tests add (a typo of a level, and the README's
   * test example), each removed after: what it reports of each file is what a run on it alone
   * reports (tsc reports every file's errors), and one run of the repository's tsc is 5-8 s of CPU.
   * The typo's test asserts its one error is all there is, which the example's test asserts too.
   */
  let checked: ReturnType<typeof tsc> | undefined;
  const typeChecked = () => {
    if (checked) return checked;
    // A file of org/ importing org/org.ts as orgctl loads it (`./org.ts`), under the tsconfig init wrote.
    const typo = join(org, 'org/typo.ts');
    writeFileSync(
      typo,
      "import org from './org.ts';\norg.namespace('web').grant(org.user('bob@acme.io'), 'r:podz');\n",
    );
    // orgctl's README test example, in the repository as that README says (from 'orgctl').
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.split('\n## Testing your declaration\n')[1]!.split('\n## ')[0]!;
    expect(section).toContain("import `Organization` from `'orgctl'`");
    const example = section.match(/```ts\n([\s\S]*?)```/)![1]!;
    const test = join(org, 'org/org.test.ts');
    writeFileSync(test, example.replace("'../constructs/index.ts'", "'orgctl'"));
    // `npm install --save-dev vitest` there, as the README says: this checkout's, linked.
    const vitest = join(org, 'node_modules/vitest');
    symlinkSync(join(ROOT, 'node_modules/vitest'), vitest);
    checked = tsc();
    for (const added of [typo, test, vitest]) rmSync(added);
    return checked;
  };
  /** The typo's one error, as tsc reports it. */
  const TYPO_ERROR = /^org\/typo\.ts\(2,\d+\): error TS2345: Argument of type '"r:podz"'/;

  it('a typo in a level fails tsc in the repository (the construct API is typed), and only the typo', OPTS, () => {
    const r = typeChecked();
    expect(r.code).toBe(2);
    expect(r.stdout.trim().split('\n')).toEqual([expect.stringMatching(TYPO_ERROR)]);
  });

  it(
    "orgctl's README test example, in the repository as that README says (from 'orgctl', vitest added), type-checks with npm test's tsc",
    OPTS,
    () => {
      // Nothing reported but the typo's one error (the test above): none of the example's.
      const r = typeChecked();
      expect(
        r.stdout
          .trim()
          .split('\n')
          .filter((line) => !TYPO_ERROR.test(line)),
      ).toEqual([]);
      expect(r.code).toBe(2); // the typo's alone
    },
  );

  it('refuses a folder that is not empty (exit 2), writing nothing', () => {
    const r = cli(['init', org, '--org', 'other', '--owner', 'x@y.io']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^orgctl init: .*acme-org is not empty \(it holds .*\): init creates a new repository, in a new or empty folder$/m,
    );
  });

  it('names what is missing or malformed (exit 2)', async () => {
    const dir = join(tempDir(), 'new');
    expect((await run(['init', dir, '--owner', 'a@b.io'])).stderr).toMatch(/^orgctl init: --org NAME is required$/m);
    expect((await run(['init', dir, '--org', 'Acme', '--owner', 'a@b.io'])).stderr).toMatch(
      /^orgctl init: --org "Acme" is not a DNS label/m,
    );
    expect((await run(['init', dir, '--org', 'acme', '--owner', 'alice'])).stderr).toMatch(
      /^orgctl init: --owner "alice" is not an email address \(expected name@domain\.tld\)$/m,
    );
    expect((await run(['init', '--org', 'acme', '--owner', 'a@b.io'])).code).toBe(2);
    const mixed = await run(['init', dir, '--org', 'acme', '--owner', 'a@b.io', '--spec', 'ts', '--from', '-']);
    expect(mixed.stderr).toMatch(
      /--from writes the imported organization as a spec \(org\/org\.yaml\): leave out --spec ts/,
    );
    expect(mixed.code).toBe(2);
  });

  /**
   * `orgctl init` of a new repository in this one's scratch folders (so that org/org.ts finds cdk8s
   * as an installed project would), with `flags`; its declaration, importing this repository's
   * constructs (orgctl itself is not installed there), and a parser of its dist/argocd/ files.
   * Init and `synthCheck` (synth --check, its folder shown as dist/) run in this process: the CLI
   * runs init above, and synth --check in a repository in --spec yaml's and --from's tests below.
   */
  async function initialized(spec: string, name: string, flags: readonly string[]) {
    const dir = join(scratch(), `${name}-${spec}`);
    const r = await run(['init', dir, '--org', 'acme', '--owner', 'alice@acme.io', '--spec', spec, ...flags]);
    expect(r.code, r.stderr).toBe(0);
    const declaration = join(dir, `org/org.${spec}`);
    const text = readFileSync(declaration, 'utf8');
    if (spec === 'ts')
      writeFileSync(declaration, text.replace("from 'orgctl'", `from '${join(ROOT, 'constructs/index.ts')}'`));
    const argocd = (file: string) =>
      parseAllDocuments(readFileSync(join(dir, 'dist/argocd', file), 'utf8')).map((d) => d.toJS())[0];
    const synthCheck = async () => {
      const check = await run(['synth', '--check', '--spec', declaration, '--out', join(dir, 'dist')]);
      return (check.stdout + check.stderr).replaceAll(`${join(dir, 'dist')}/`, 'dist/');
    };
    return { dir, text, argocd, synthCheck, readme: readFileSync(join(dir, 'README.md'), 'utf8') };
  }

  it('--argocd says where Argo CD reads dist/: the declaration (ts or yaml) names it, dist/argocd/ is written, and it synthesizes the dist/ it wrote', async () => {
    const repo = 'https://github.com/acme/org.git';
    for (const spec of ['ts', 'yaml']) {
      const made = await initialized(spec, 'argocd', ['--argocd', repo]);
      expect(made.text).toContain(repo);
      expect(made.argocd('appproject.yaml').spec.sourceRepos).toEqual([repo]);
      expect(made.readme).toContain(`\`dist/argocd/\` is generated for ${repo}: apply it once`);
      // A TypeScript declaration is code an approval lets run on admins' machines; YAML is data.
      expect(made.readme.includes('Read that diff as code'), spec).toBe(spec === 'ts');
      expect(await made.synthCheck(), spec).toMatch(/^dist\/ is up to date \(4 files/);
    }
    // Without it, nothing of Argo CD is written.
    const plain = join(tempDir(), 'plain');
    expect((await run(['init', plain, '--org', 'acme', '--owner', 'alice@acme.io'])).code).toBe(0);
    expect(listFiles(join(plain, 'dist')).some((f) => f.startsWith('argocd/'))).toBe(false);
  });

  it("without --argocd, its README's Argo CD step names the key as the declaration (ts or yaml) takes it, and following it writes dist/argocd/", async () => {
    const repo = 'https://github.com/acme/org.git';
    const said = { ts: '`argocd: { repoURL: ... }`', yaml: '`delivery: { argocd: { repoURL: ... } }` under `spec:`' };
    for (const spec of ['ts', 'yaml'] as const) {
      const made = await initialized(spec, 'argocd-later', []);
      expect(made.readme, spec).toContain(`- Argo CD: add ${said[spec]}`);
      const declaration = join(made.dir, `org/org.${spec}`);
      const text = readFileSync(declaration, 'utf8');
      writeFileSync(
        declaration,
        spec === 'ts'
          ? text.replace("{ owner: 'alice@acme.io' }", `{ owner: 'alice@acme.io', argocd: { repoURL: '${repo}' } }`)
          : text.replace(/^spec:\n/m, `spec:\n  delivery: { argocd: { repoURL: "${repo}" } }\n`),
      );
      const synth = await run(['synth', '--spec', declaration, '--out', join(made.dir, 'dist')]);
      expect(synth.code, synth.stderr).toBe(0);
      expect(made.argocd('appproject.yaml').spec.sourceRepos, spec).toEqual([repo]);
    }
  });

  it('--argocd with --from a cluster whose Argo CD runs in gitops declares that namespace (R9-3)', async () => {
    const dump = join(scratch(), 'gitops-dump.yaml');
    writeFileSync(
      dump,
      `apiVersion: v1
kind: Namespace
metadata: { name: gitops }
---
apiVersion: v1
kind: Namespace
metadata: { name: web }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: argocd-application-controller }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: argocd-application-controller }
subjects: [{ kind: ServiceAccount, name: argocd-application-controller, namespace: gitops }]
`,
    );
    // orgctl's own output, whose membership declares it (R10: the setup README said -n argocd).
    const output = join(scratch(), 'gitops-output.yaml');
    const declared = synthDocs({
      apiVersion: 'orgctl/v1',
      kind: 'Organization',
      metadata: { name: 'acme' },
      spec: {
        owner: 'alice@acme.io',
        users: [{ email: 'alice@acme.io', admin: true }],
        namespaces: [{ name: 'web' }],
        delivery: { argocd: { repoURL: 'https://github.com/acme/org.git', namespace: 'gitops' } },
      },
    } as never);
    writeFileSync(output, declared.map((d) => stringify(d.object)).join('---\n'));
    for (const [name, from] of [
      ['gitops', dump],
      ['gitops-own', output],
    ]) {
      const made = await initialized('yaml', name!, ['--argocd', 'https://github.com/acme/org.git', '--from', from!]);
      expect(made.argocd('appproject.yaml').metadata.namespace).toBe('gitops');
      expect(made.readme).toContain('kubectl apply -n gitops');
      expect(await made.synthCheck()).toMatch(/^dist\/ is up to date/);
    }
  });

  it('--boundary with --argocd writes the boundary and the namedClusterResources it needs (ts and yaml), which synthesize the dist/ it wrote', async () => {
    const argo = 'system:serviceaccount:argocd:argocd-application-controller';
    for (const spec of ['ts', 'yaml']) {
      const made = await initialized(spec, 'boundary', [
        '--argocd',
        'https://github.com/acme/org.git',
        '--boundary',
        argo,
      ]);
      expect(made.text).toContain(argo);
      const policy = made.argocd('boundary.yaml');
      expect(policy.kind).toBe('ValidatingAdmissionPolicy');
      expect(JSON.stringify(policy.spec.matchConditions)).toContain(argo);
      const names = made.argocd('appproject.yaml').spec.clusterResourceWhitelist.map((k: { name?: string }) => k.name);
      expect(names.every((n: string | undefined) => n !== undefined)).toBe(true);
      expect(made.readme).toContain(
        '`kubectl --context <cluster> apply --server-side --force-conflicts -f dist/argocd/boundary.yaml`',
      );
      expect(await made.synthCheck(), spec).toMatch(/^dist\/ is up to date \(5 files/);
    }
  });

  it('--boundary given twice declares both identities (Argo CD reaching one cluster as its controller, another as argocd-manager), ts and yaml', async () => {
    const argo = 'system:serviceaccount:argocd:argocd-application-controller';
    const manager = 'system:serviceaccount:kube-system:argocd-manager';
    for (const spec of ['ts', 'yaml']) {
      const made = await initialized(spec, 'boundary2', [
        ...['--argocd', 'https://github.com/acme/org.git', '--boundary', manager, '--boundary', argo],
      ]);
      expect(made.text).toContain(argo);
      expect(made.text).toContain(manager);
      expect(made.argocd('boundary.yaml').spec.matchConditions[0].expression).toBe(
        `request.userInfo.username in ['${argo}', '${manager}']`,
      );
      expect(await made.synthCheck(), spec).toMatch(/^dist\/ is up to date \(5 files/);
    }
  });

  it('--boundary without --argocd, or naming no ServiceAccount, is refused and writes nothing', async () => {
    const dir = join(tempDir(), 'b');
    const init = ['init', dir, '--org', 'acme', '--owner', 'a@b.io'];
    const alone = await run([...init, '--boundary', 'system:serviceaccount:argocd:x']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--boundary goes with --argocd REPO_URL');
    const withArgo = [...init, '--argocd', 'https://github.com/acme/org.git'];
    const nobody = await run([...withArgo, '--boundary', 'system:serviceaccount:argocd-application-controller']);
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toContain(
      '--boundary "system:serviceaccount:argocd-application-controller" is not a ServiceAccount\'s username',
    );
    expect(existsSync(dir)).toBe(false);
    // Said of the flag given, never of a spec the user did not write.
    const x = 'system:serviceaccount:argocd:x';
    const twice = await run([...withArgo, '--boundary', x, '--boundary', x]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('--boundary "system:serviceaccount:argocd:x" is given twice');
    const spaced = await run([...withArgo, '--boundary', 'a b']);
    expect(spaced.code).toBe(2);
    expect(spaced.stderr).toContain('--boundary "a b" is not a Kubernetes username');
    expect(`${twice.stderr}${spaced.stderr}`).not.toContain('spec.');
    expect(existsSync(dir)).toBe(false);
  });

  it('--spec yaml writes org/org.yaml, named in package.json, that synthesizes the dist/ it wrote', async () => {
    const dir = join(tempDir(), 'y');
    const r = await run(['init', dir, '--org', 'acme', '--owner', 'alice@acme.io', '--spec', 'yaml']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).orgctl).toEqual({ spec: 'org/org.yaml' });
    expect(readFileSync(join(dir, 'org/org.yaml'), 'utf8')).toMatch(/owner: alice@acme.io/);
    const check = cli(['synth', '--check'], { cwd: dir });
    expect(check.stdout).toMatch(/^dist\/ is up to date/);
    expect(check.code).toBe(0);
  });

  it('its summary names every file it wrote (a folder by its name: dist/, .github/workflows/)', async () => {
    for (const spec of ['ts', 'yaml']) {
      const dir = join(tempDir(), `summary-${spec}`);
      const r = await run(['init', dir, '--org', 'acme', '--owner', 'alice@acme.io', '--spec', spec]);
      expect(r.code, r.stderr).toBe(0);
      const named = r.stdout.match(/^created \S+: (.*)$/m)?.[1] ?? '';
      // Each entry: a file's path, or a folder's (with its slash), each given a note in parentheses at most.
      const entries = named.split(/, (?![^(]*\))/).map((e) => e.replace(/ \(.*\)$/, ''));
      const unnamed = listFiles(dir).filter((f) => !entries.some((e) => (e.endsWith('/') ? f.startsWith(e) : f === e)));
      expect(unnamed, named).toEqual([]);
      // And nothing it names is missing.
      for (const e of entries)
        expect(
          listFiles(dir).some((f) => f === e || f.startsWith(e)),
          e,
        ).toBe(true);
    }
  });

  it('its next step, as printed and as the README gives it, makes main the branch, as the workflows and Argo CD follow', async () => {
    const dir = join(tempDir(), 'next');
    const r = await run(['init', dir, '--org', 'acme', '--owner', 'alice@acme.io', '--spec', 'yaml']);
    expect(r.code, r.stderr).toBe(0);
    const printed = r.stdout.match(/^next: .*?cd \S+ && npm install && (git init[^&]*)&&/m)?.[1]?.trim();
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
      .match(/`cd acme-org && npm install && (git init[^&]*)&&/)?.[1]
      ?.trim();
    expect(readme).toBe(printed);
    // git's own default branch (no init.defaultBranch configured) is master.
    const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
    const init = spawnSync('sh', ['-c', printed!], { cwd: dir, env, encoding: 'utf8' });
    expect(init.status, init.stderr).toBe(0);
    const branch = spawnSync('git', ['symbolic-ref', '--short', 'HEAD'], { cwd: dir, env, encoding: 'utf8' });
    expect(branch.stdout.trim()).toBe('main');
    expect(readFileSync(join(dir, '.github/workflows/orgctl-check.yaml'), 'utf8')).toContain('branches: [main]');
  });

  it("without --dependency, from a checkout: depends on this checkout's own tarball, never on a name npm's public registry may give anyone", async () => {
    // orgctl is not on npm's public registry: a ^VERSION there installs whoever claims the name
    // first, install scripts and all, on the admin's machine and in every job that installs the lock.
    const dir = join(tempDir(), 'registry');
    const r = await run(['init', dir, '--org', 'acme', '--owner', 'alice@acme.io']);
    expect(r.code, r.stderr).toBe(0);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.dependencies.orgctl).toBe(`file:vendor/orgctl-${VERSION}.tgz`);
    expect(r.stdout).not.toContain('note:');
    // The next step packs this checkout into the new repository, then installs from it.
    expect(r.stdout).toContain(
      `next: (cd ${ROOT} && npm pack --pack-destination ${dir}/vendor) && cd ${dir} && npm install && git init -b main`,
    );
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain(
      `\`npm install ./vendor/orgctl-VERSION.tgz\` here, and remove the old tarball`,
    );
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).not.toContain('npm install orgctl@latest');
    // As printed (npm preferring its cache: NEXT_STEP_ENV): the repository holds the
    // tarball, and its lock pins it by integrity, so a pull request cannot swap its bytes alone.
    const next = r.stdout
      .split('\n')
      .find((l) => l.startsWith('next: '))!
      .slice('next: '.length);
    // Its pack's prepack (tsc, 45-64 s on CI's cores) is the one beforeAll's `npm pack` ran in this
    // checkout, whose sources are unchanged since: the types/ it wrote are what this pack ships. So
    // this pack skips it, and the rest of the step runs as printed.
    const packs = `cd ${ROOT} && npm pack --pack-destination`;
    expect(next).toContain(packs);
    const step = next.replace(packs, `cd ${ROOT} && npm pack --ignore-scripts --pack-destination`);
    // Past its pack, the step is the installed orgctl's (installedInit) in another folder, and after
    // the pack, run as printed, that folder holds the same bytes npm install reads there (the files
    // init wrote, the tarball): its npm install writes the same lock and node_modules, so one npm
    // install (20-30 s) serves both. Its lock is copied, each installed package linked, and the
    // rest of the step (git) runs as printed.
    const installed = installedInit();
    const parts = (printed: string) => [
      printed.slice(0, printed.indexOf(') && ') + 1),
      printed.slice(printed.indexOf(') && ') + 5),
    ];
    const [pack, rest] = parts(step);
    expect(rest).toBe(parts(installed.next)[1]!.replaceAll(installed.dir, dir));
    const env = NEXT_STEP_ENV;
    const bash = (script: string) =>
      spawnSync('bash', ['--noprofile', '--norc', '-c', script], { cwd: dirname(dir), env, encoding: 'utf8' });
    const packed = bash(pack!);
    expect(packed.status, packed.stderr).toBe(0);
    /** What npm install reads in a repository: every file but what it and git write. */
    const read = (repo: string) =>
      readdirSync(repo, { withFileTypes: true })
        .filter((e) => !['node_modules', 'package-lock.json', '.git'].includes(e.name))
        .flatMap((e) => (e.isDirectory() ? listFiles(join(repo, e.name)).map((f) => `${e.name}/${f}`) : [e.name]))
        .sort();
    expect(read(dir)).toEqual(read(installed.dir));
    for (const f of read(dir))
      expect(readFileSync(join(dir, f)).equals(readFileSync(join(installed.dir, f))), f).toBe(true);
    const install = `cd ${dir} && npm install && `;
    expect(rest!.startsWith(install), rest).toBe(true);
    cpSync(join(installed.dir, 'package-lock.json'), join(dir, 'package-lock.json'));
    mkdirSync(join(dir, 'node_modules'));
    for (const entry of readdirSync(join(installed.dir, 'node_modules')))
      symlinkSync(join(installed.dir, 'node_modules', entry), join(dir, 'node_modules', entry));
    const done = bash(`cd ${dir} && ${rest!.slice(install.length)}`);
    expect(done.status, done.stderr).toBe(0);
    const locked = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')).packages['node_modules/orgctl'];
    expect(locked).toMatchObject({ version: VERSION, resolved: `file:vendor/orgctl-${VERSION}.tgz` });
    expect(locked.integrity).toMatch(/^sha512-/);
    // The lock pins this repository's tarball, by its bytes.
    const vendored = readFileSync(join(dir, `vendor/orgctl-${VERSION}.tgz`));
    expect(locked.integrity).toBe(`sha512-${createHash('sha512').update(vendored).digest('base64')}`);
    const tracked = spawnSync('git', ['ls-files'], { cwd: dir, env, encoding: 'utf8' }).stdout.split('\n');
    expect(tracked).toContain(`vendor/orgctl-${VERSION}.tgz`);
    expect(tracked).not.toContain('node_modules/orgctl/package.json');
    // Nothing of node_modules/, whose packages are links here (git would track a link as itself).
    expect(tracked.filter((f) => f.startsWith('node_modules'))).toEqual([]);
    // A dependency given is written as given, with nothing said.
    const named = join(tempDir(), 'named');
    const given = await run(['init', named, '--org', 'acme', '--owner', 'alice@acme.io', '--dependency', VERSION]);
    expect(given.code, given.stderr).toBe(0);
    expect(given.stdout).not.toContain('note:');
    expect(given.stdout).toMatch(/^next: cd \S+ && npm install && git init/m);
    expect(JSON.parse(readFileSync(join(named, 'package.json'), 'utf8')).dependencies.orgctl).toBe(VERSION);
  }, 180_000);

  it('--dependency file: a tarball outside the repository, or named by an absolute path, is said to install on this machine only (a fresh clone has no such file); one inside it, to be copied there before npm install', async () => {
    const init = async (dependency: string) => {
      const dir = join(tempDir(), 'tarball');
      const r = await run(['init', dir, '--org', 'acme', '--owner', 'alice@acme.io', '--dependency', dependency]);
      expect(r.code, r.stderr).toBe(0);
      return { dir, stdout: r.stdout };
    };
    // The copy's source as a shell in the current folder reaches it: npm reads a relative file: from the repository.
    const source = (dir: string) => ({
      'file:/tmp/orgctl-0.1.0.tgz': '/tmp/orgctl-0.1.0.tgz',
      'file:../orgctl-0.1.0.tgz': join(dir, '../orgctl-0.1.0.tgz'),
      'file:~/orgctl-0.1.0.tgz': '~/orgctl-0.1.0.tgz',
    });
    for (const outside of Object.keys(source(''))) {
      const { dir, stdout } = await init(outside);
      expect(stdout, outside).toContain(
        `note: ${outside} installs on this machine only: a fresh clone (CI's, the review job's) has no such file, and npm ci there fails; copy the tarball into the repository and name it from there before npm install (mkdir ${dir}/vendor && cp ${source(dir)[outside as keyof ReturnType<typeof source>]} ${dir}/vendor/, and "orgctl": "file:vendor/orgctl-0.1.0.tgz" in package.json)`,
      );
    }
    // An absolute path into the repository is no path of another clone either (package.json keeps it as given).
    const dir = join(tempDir(), 'absolute');
    const absolute = `file:${dir}/vendor/orgctl-0.1.0.tgz`;
    const named = await run(['init', dir, '--org', 'acme', '--owner', 'alice@acme.io', '--dependency', absolute]);
    expect(named.stdout).toContain(`note: ${absolute} installs on this machine only:`);
    const inside = await init('file:vendor/orgctl-0.1.0.tgz');
    expect(inside.stdout).toContain(
      `note: copy the tarball npm pack made to ${inside.dir}/vendor/orgctl-0.1.0.tgz before npm install, and commit it`,
    );
  });

  it('--from imports a cluster dump, reporting on stderr what it could not map', async () => {
    const dir = join(tempDir(), 'imported');
    const dump = join(ROOT, 'test/fixtures/cluster/cluster.json');
    const r = await run([
      'init',
      dir,
      '--org',
      'corp',
      '--owner',
      'alice@corp.io',
      '--github',
      'alice',
      '--github-id',
      '583231',
      '--from',
      dump,
    ]);
    expect(r.stderr).toMatch(
      /^not imported: RoleBinding team-a\/config: Group sre cannot be a user; declare its members$/m,
    );
    expect(r.code).toBe(0);
    const spec = readFileSync(join(dir, 'org/org.yaml'), 'utf8');
    expect(spec).toMatch(/name: team-a/);
    expect(spec).toMatch(/- email: alice@corp.io\n\s+admin: true\n\s+github: alice\n/);
    expect(cli(['synth', '--check'], { cwd: dir }).code).toBe(0);
  });
});

const changed = (a: string, b: string) =>
  git('diff', '--name-only', a, b)
    .split('\n')
    .flatMap((p) => ['--changed-path', p]);

let change = '';

describe('reviewing changes in the repository with the installed orgctl', () => {
  let first = '';
  /** The change reviewed as made by alice, the owner, and by bob: both at once. */
  let byActor: Record<'alice' | 'bob', ReturnType<typeof sh>> | undefined;
  beforeAll(async () => {
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'The acme organization');
    first = git('rev-parse', 'HEAD');
    const ts = readFileSync(join(org, 'org/org.ts'), 'utf8').replace(
      'export default org;',
      "org.namespace('web').grant(org.user('bob@acme.io', { github: 'bob' }), 'r:pods');\n\nexport default org;",
    );
    writeFileSync(join(org, 'org/org.ts'), ts);
    const synth = sh('npm', ['run', 'synth'], org);
    expect(synth.code, synth.stderr).toBe(0);
    git('add', '-A');
    git('commit', '-qm', 'bob reads pods in web');
    change = git('rev-parse', 'HEAD');
    const paths = changed(first, change);
    const [alice, bob] = await Promise.all(
      (['alice', 'bob'] as const).map((actor) =>
        orgctlAtOnce('review', '--base', first, '--head', change, '--actor', actor, ...paths),
      ),
    );
    byActor = { alice: alice!, bob: bob! };
  }, 120_000);

  it('the owner may make a routine change alone', () => {
    const r = byActor!.alice;
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('## orgctl review: ✅ the change may be merged');
    expect(r.stdout).toContain('- gains r:pods in web');
    expect(r.code).toBe(0);
  });

  it('a non-admin may not make it without an approval', () => {
    const r = byActor!.bob;
    expect(r.stdout).toMatch(/\| `actor-not-admin` \| ❌ \|/);
    expect(r.code).toBe(1);
  });

  it('an orgctl upgrade (package.json, package-lock.json) is an engine change', OPTS, async () => {
    const pkg = JSON.parse(readFileSync(join(org, 'package.json'), 'utf8'));
    pkg.dependencies.orgctl = `file:${tarball}#upgrade`;
    writeFileSync(join(org, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
    writeFileSync(
      join(org, 'package-lock.json'),
      readFileSync(join(org, 'package-lock.json'), 'utf8').replace(/\n$/, ' \n'),
    );
    git('add', '-A');
    git('commit', '-qm', 'Upgrade orgctl');
    const upgrade = git('rev-parse', 'HEAD');
    const paths = changed(change, upgrade);
    expect(paths.filter((p) => p !== '--changed-path')).toEqual(['package-lock.json', 'package.json']);
    // Without an approval and with alice's, at once.
    const [byBob, approved] = await Promise.all([
      orgctlAtOnce('review', '--base', change, '--head', upgrade, '--actor', 'bob', ...paths),
      orgctlAtOnce('review', '--base', change, '--head', upgrade, '--actor', 'bob', '--approved-by', 'alice', ...paths),
    ]);
    expect(byBob.stdout).toMatch(
      /\| `engine-change` \| ❌ \| changes package-lock\.json, package\.json: outside org\/ and dist\/, an admin who is not an author must approve the head commit/,
    );
    expect(byBob.code).toBe(1);
    expect(approved!.stdout).toMatch(
      /\| `engine-change` \| ✅ \| changes package-lock\.json, package\.json; approved by alice/,
    );
    expect(approved!.code).toBe(0);
  });
});

/**
 * The orgctl packed above, as a later version that renders differently: every object gets one more
 * label. Harmless (access is the same), and visible to the old version as a difference in every file.
 * Its tarball, and the package unpacked (what installing it puts in node_modules/orgctl).
 */
function nextVersion(version: string): { readonly tarball: string; readonly unpacked: string } {
  const dir = tempDir('orgctl-next-');
  expect(sh('tar', ['-xzf', tarball, '-C', dir], dir).code).toBe(0);
  const pkg = join(dir, 'package/package.json');
  writeFileSync(pkg, readFileSync(pkg, 'utf8').replace(/"version": "[^"]+"/, `"version": "${version}"`));
  const render = join(dir, 'package/synth/manifest.ts');
  const text = readFileSync(render, 'utf8');
  const relabelled = text.replace(
    "const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'orgctl' } as const;",
    `const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'orgctl', 'orgctl.io/engine': '${version}' } as const;`,
  );
  expect(relabelled).not.toBe(text);
  writeFileSync(render, relabelled);
  const out = join(tempDir('orgctl-next-pack-'), `orgctl-${version}.tgz`);
  expect(sh('tar', ['-czf', out, '-C', dir, 'package'], dir).code).toBe(0);
  return { tarball: out, unpacked: join(dir, 'package') };
}

describe('an orgctl upgrade that changes the output, judged in its own pull request', () => {
  const NEXT = '0.1.1-test';
  let head = '';
  let upgrade = '';
  let headProof = '';
  /** The upgrade's reviews the tests below read, made at once (reviewsOfUpgrade). */
  let reviewed: Awaited<ReturnType<typeof reviewsOfUpgrade>> | undefined;
  beforeAll(async () => {
    // The upgrade is made in a second worktree, so the repository keeps the old version installed:
    // the base's orgctl judges, the head's proves (as the review workflow's two jobs do).
    head = join(tempDir('orgctl-upgrade-'), 'acme-org');
    git('worktree', 'add', '-q', '--detach', head, change);
    const next = nextVersion(NEXT);
    const pkg = JSON.parse(readFileSync(join(head, 'package.json'), 'utf8'));
    pkg.dependencies.orgctl = NEXT;
    writeFileSync(join(head, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
    lockFor(head, next.tarball, NEXT);
    // What `npm ci` of head's lock installs: the base's packages (the lock differs in orgctl only),
    // linked, with the next version unpacked as node_modules/orgctl. A second `npm ci` of the same
    // packages took 8 s; the first showed that what lockFor writes installs. Symbolic links, and the
    // commands' links copied as links (they point within node_modules, at head's orgctl): hard
    // links (cp -al) changed the change time of the base's files, whose stats name the base's
    // bundle (bin/orgctl.mjs), and the base's orgctl bundled itself again on its next run.
    const modules = join(head, 'node_modules');
    const installed = join(org, 'node_modules');
    mkdirSync(modules);
    for (const entry of readdirSync(installed).filter((n) => !['orgctl', '.cache', '.bin'].includes(n)))
      symlinkSync(join(installed, entry), join(modules, entry));
    cpSync(join(installed, '.bin'), join(modules, '.bin'), { recursive: true, verbatimSymlinks: true });
    cpSync(next.unpacked, join(modules, 'orgctl'), { recursive: true });
    const synth = sh('npm', ['run', 'synth'], head);
    expect(synth.code, synth.stderr).toBe(0);
    const g = (...args: string[]) => sh('git', ['-c', 'user.name=bob', '-c', 'user.email=bob@acme.io', ...args], head);
    expect(g('add', '-A').code).toBe(0);
    expect(g('commit', '-qm', `Upgrade orgctl to ${NEXT}`).code).toBe(0);
    upgrade = g('rev-parse', 'HEAD').stdout.trim();
    // The head's engine proves the head's dist/ (the head-engine job).
    const proved = sh(
      process.execPath,
      [join(head, 'node_modules/orgctl/bin/orgctl.mjs'), 'prove', '--dir', 'dist', '--format', 'json'],
      head,
    );
    expect(proved.code, proved.stderr).toBe(0);
    headProof = join(tempDir('orgctl-head-proof-'), 'head-proof.json');
    writeFileSync(headProof, proved.stdout);
    reviewed = await reviewsOfUpgrade();
  }, 240_000);

  /**
   * bob's upgrade reviewed by the base's orgctl four ways, at once (each review its own orgctl, git
   * and declaration processes, none writing what another reads): approved with the head proof,
   * without an approval, without the head proof, and with a proof of a version head's lock does
   * not install.
   */
  async function reviewsOfUpgrade() {
    const paths = changed(change, upgrade);
    const review = (...extra: string[]) =>
      orgctlAtOnce('review', '--base', change, '--head', upgrade, '--actor', 'bob', ...paths, ...extra);
    const other = join(tempDir(), 'other.json');
    writeFileSync(other, readFileSync(headProof, 'utf8').replace(`"version":"${NEXT}"`, '"version":"0.1.2-test"'));
    const [approved, unapproved, unproved, otherVersion] = await Promise.all([
      review('--approved-by', 'alice', '--head-proof', headProof),
      review('--head-proof', headProof),
      review('--approved-by', 'alice'),
      review('--approved-by', 'alice', '--head-proof', other),
    ]);
    return { approved: approved!, unapproved: unapproved!, unproved: unproved!, otherVersion: otherVersion! };
  }

  it("the head's engine names itself in its proof, and its dist/ differs from what the old one renders", () => {
    expect(JSON.parse(readFileSync(headProof, 'utf8'))).toMatchObject({
      engine: { name: 'orgctl', version: NEXT },
      ok: true,
      differences: [],
    });
    expect(git('diff', '--name-only', change, upgrade)).toMatch(/^dist\/.*resources\.yaml$/m);
    expect(orgctl('--version').stdout.trim()).toBe('0.1.0');
  });

  it('passes with the head proof and an admin approval of the engine change', () => {
    const r = reviewed!.approved;
    expect(r.stdout).toMatch(
      /\| `output-proof` \| ✅ \| head dist\/ is proved by orgctl 0\.1\.1-test \(the version head's package-lock\.json installs, trusted through this upgrade's \\`engine-change\\` approval\); this orgctl 0\.1\.0 renders \d+ file\(s\) differently: `[0-9a-f]{40}`:dist\//,
    );
    expect(r.stdout).toMatch(
      /\| `engine-change` \| ✅ \| changes package-lock\.json, package\.json; approved by alice, the organization's only admin; approving it trusts orgctl 0\.1\.1-test from `https:\/\/registry\.npmjs\.org\/orgctl\/-\/orgctl-0\.1\.1-test\.tgz`/,
    );
    expect(r.stdout).toContain('_No change in access._');
    expect(r.code).toBe(0);
  });

  it('fails without an approval of the engine change, head proof or not', () => {
    const r = reviewed!.unapproved;
    expect(r.stdout).toMatch(/\| `output-proof` \| ✅ \|/);
    expect(r.stdout).toMatch(/\| `engine-change` \| ❌ \|/);
    expect(r.code).toBe(1);
  });

  it('fails output-proof without the head proof, as before', () => {
    const r = reviewed!.unproved;
    expect(r.stdout).toMatch(/\| `output-proof` \| ❌ \| head dist\/ is not what orgctl renders/);
    expect(r.code).toBe(1);
  });

  it("fails output-proof with a head proof from a version that head's lock does not install", () => {
    const r = reviewed!.otherVersion;
    expect(r.stdout).toMatch(
      /\| `output-proof` \| ❌ \| .*The head proof was not accepted: it was made by orgctl 0\.1\.2-test, but head's package-lock\.json installs orgctl 0\.1\.1-test/,
    );
    expect(r.code).toBe(1);
  });
});
