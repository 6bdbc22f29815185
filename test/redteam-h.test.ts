/**
 * Red team H: state that persists between runs. Each test shows a cache answering for something
 * other than the command's current inputs: the cached bundle of a TypeScript declaration
 * (cli/declaration.ts), explain's index (cli/explain-cache.ts), the launcher's bundle
 * (bin/orgctl.mjs).
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheFolder } from '../cli/paths.ts';
import { cli, engineCopy, ROOT, repoScratch, run, tempDir } from './helpers.ts';

// Inside the repository, so that the declaration finds cdk8s as org/org.ts does.
const scratch = repoScratch('redteam-h-');
const CONSTRUCTS = join(ROOT, 'constructs/index.ts');

/** bob gets `level` in web: r:pods passes, w:pods (reserved for admins) is a forbidden-grant. */
const declaration = (imports: string) => `import { App } from 'cdk8s';
import { Organization } from '${CONSTRUCTS}';
${imports}
const org = new Organization(new App(), 'acme', { owner: 'alice@acme.io', clusters: ['lga1'] });
org.user('alice@acme.io', { github: 'alice', admin: true });
const bob = org.user('bob@acme.io', { github: 'bob' });
org.namespace('web').grant(bob, level);
export default org;
`;
const helper = (level: string) => `export const level = ${JSON.stringify(level)};\n`;

/** A minute ago: a file saved while the bundle is built is never trusted, so every input is older. */
const PAST = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
const age = (...paths: string[]) => {
  for (const p of paths) utimesSync(p, PAST, PAST);
};
/** Every file and folder below `dir`, and `dir`, saved a minute ago (children first). */
const ageTree = (dir: string) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isSymbolicLink()) continue;
    if (e.isDirectory()) ageTree(p);
    else age(p);
  }
  age(dir);
};

const check = (file: string) => cli(['check', '--spec', file]);
/**
 * The same command with the declaration's record removed first: what the declaration says now. Run
 * by main() in this process (what the CLI runs; the same cache folder, ORGCTL_CACHE_DIR): the control
 * asserts only orgctl's exit code and findings, and orgctl's own process is about 0.35 s of CPU.
 */
const uncached = <T>(file: string, command: () => T): T => {
  const key = createHash('sha256').update(file).digest('hex').slice(0, 16);
  rmSync(join(cacheFolder(file, 'declarations')!, `${key}.json`), {
    force: true,
  });
  return command();
};
const forbidden = (r: { code: number; stderr: string }) => r.code === 1 && /forbidden-grant/.test(r.stderr);

describe('H1: the cached bundle of a TypeScript declaration outlives what it was built from', () => {
  it('an imported helper edited in place to the same size, its time put back (touch -r, cp -p, rsync -t): check passes a w:pods grant', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'level.ts'), helper('r:pods'));
    const file = join(dir, 'org.ts');
    writeFileSync(file, declaration("import { level } from './level.ts';"));
    ageTree(dir);
    expect(check(file).code).toBe(0); // bundled, and the record kept
    // w:pods is as long as r:pods; the edit keeps the inode, the time is put back as `touch -r` does.
    writeFileSync(join(dir, 'level.ts'), helper('w:pods'));
    age(join(dir, 'level.ts'));
    // git would see it (the change time, the inode); the record keeps size and mtime only.
    const r = check(file);
    expect(
      forbidden(await uncached(file, () => run(['check', '--spec', file]))),
      'without the cache, the check refuses w:pods',
    ).toBe(true);
    expect(forbidden(r), `exit ${r.code}: ${r.stderr}`).toBe(true);
  }, 60_000);

  it('synth --check passes a dist/ the declaration no longer makes (the same edit)', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'level.ts'), helper('r:pods'));
    const file = join(dir, 'org.ts');
    writeFileSync(file, declaration("import { level } from './level.ts';"));
    ageTree(dir);
    const out = join(tempDir('redteam-h-dist-'), 'dist'); // beside org/, as a repository's dist/ is
    expect(cli(['synth', '--spec', file, '--out', out]).code).toBe(0);
    // The helper now grants r:full (as long as r:pods), its time put back: dist/ still says r:pods.
    writeFileSync(join(dir, 'level.ts'), helper('r:full'));
    age(join(dir, 'level.ts'));
    const r = cli(['synth', '--check', '--spec', file, '--out', out]);
    const control = await uncached(file, () => run(['synth', '--check', '--spec', file, '--out', out]));
    expect(control.code, 'without the cache, dist/ is found stale').toBe(1);
    expect(r.code, `synth --check must fail: dist/ is not what the declaration makes now\n${r.stdout}${r.stderr}`).toBe(
      1,
    );
  }, 60_000);

  it("a file added beside an imported folder changes what '../helpers' means: check still runs helpers/index.ts", async () => {
    const dir = scratch();
    mkdirSync(join(dir, 'org'));
    mkdirSync(join(dir, 'helpers'));
    writeFileSync(join(dir, 'helpers', 'index.ts'), helper('r:pods'));
    const file = join(dir, 'org', 'org.ts');
    writeFileSync(file, declaration("import { level } from '../helpers';"));
    ageTree(dir);
    expect(check(file).code).toBe(0);
    // ../helpers now resolves to helpers.ts (a file is tried before a folder's index), which esbuild would bundle.
    writeFileSync(join(dir, 'helpers.ts'), helper('w:pods'));
    const r = check(file);
    expect(
      forbidden(await uncached(file, () => run(['check', '--spec', file]))),
      'without the cache, the check refuses w:pods',
    ).toBe(true);
    expect(forbidden(r), `exit ${r.code}: ${r.stderr}`).toBe(true);
  }, 60_000);

  it('a symbolic link the declaration imports through, re-pointed (ln -sfn, a branch switch): check still runs the old target', async () => {
    const dir = scratch();
    for (const d of ['org', 'shared', 'lib']) mkdirSync(join(dir, d));
    writeFileSync(join(dir, 'lib', 'reader.ts'), helper('r:pods'));
    writeFileSync(join(dir, 'lib', 'writer.ts'), helper('w:pods'));
    symlinkSync('../lib/reader.ts', join(dir, 'shared', 'level.ts'));
    const file = join(dir, 'org', 'org.ts');
    writeFileSync(file, declaration("import { level } from '../shared/level.ts';"));
    ageTree(dir);
    expect(check(file).code).toBe(0);
    // Re-pointed as ln -sfn does: a new link renamed over the old one.
    symlinkSync('../lib/writer.ts', join(dir, 'shared', '.level.ts.new'));
    renameSync(join(dir, 'shared', '.level.ts.new'), join(dir, 'shared', 'level.ts'));
    const r = check(file);
    expect(
      forbidden(await uncached(file, () => run(['check', '--spec', file]))),
      'without the cache, the check refuses w:pods',
    ).toBe(true);
    expect(forbidden(r), `exit ${r.code}: ${r.stderr}`).toBe(true);
  }, 60_000);

  it('a tsconfig.json created above the declaration (a new "paths" mapping) is not seen', async () => {
    const dir = scratch();
    mkdirSync(join(dir, 'org'));
    const pkg = join(dir, 'node_modules', 'acme-level');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(
      join(pkg, 'package.json'),
      JSON.stringify({
        name: 'acme-level',
        type: 'module',
        exports: './index.ts',
      }),
    );
    writeFileSync(join(pkg, 'index.ts'), helper('r:pods'));
    mkdirSync(join(dir, 'vendored'));
    writeFileSync(join(dir, 'vendored', 'level.ts'), helper('w:pods'));
    const file = join(dir, 'org', 'org.ts');
    writeFileSync(file, declaration("import { level } from 'acme-level';"));
    ageTree(dir);
    expect(check(file).code).toBe(0);
    // A tsconfig.json (none was there: the record kept nothing for it) maps the package elsewhere.
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          baseUrl: '.',
          paths: { 'acme-level': ['./vendored/level.ts'] },
        },
      }),
    );
    const r = check(file);
    expect(
      forbidden(await uncached(file, () => run(['check', '--spec', file]))),
      'without the cache, the check refuses w:pods',
    ).toBe(true);
    expect(forbidden(r), `exit ${r.code}: ${r.stderr}`).toBe(true);
  }, 60_000);

  it('the tsconfig.json a tsconfig "extends" is edited: check still runs the old "paths"', async () => {
    const dir = scratch();
    mkdirSync(join(dir, 'org'));
    mkdirSync(join(dir, 'config'));
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'lib', 'reader.ts'), helper('r:pods'));
    writeFileSync(join(dir, 'lib', 'writer.ts'), helper('w:pods'));
    const base = (to: string) =>
      JSON.stringify({
        compilerOptions: {
          baseUrl: '..',
          paths: { '@acme/level': [`./lib/${to}.ts`] },
        },
      });
    // A tsconfig file of the project's: what a declaration's tsconfig may extend (R81-2).
    writeFileSync(join(dir, 'config', 'tsconfig.base.json'), base('reader'));
    writeFileSync(join(dir, 'org', 'tsconfig.json'), JSON.stringify({ extends: '../config/tsconfig.base.json' }));
    const file = join(dir, 'org', 'org.ts');
    writeFileSync(file, declaration("import { level } from '@acme/level';"));
    ageTree(dir);
    expect(check(file).code).toBe(0);
    writeFileSync(join(dir, 'config', 'tsconfig.base.json'), base('writer'));
    const r = check(file);
    expect(
      forbidden(await uncached(file, () => run(['check', '--spec', file]))),
      'without the cache, the check refuses w:pods',
    ).toBe(true);
    expect(forbidden(r), `exit ${r.code}: ${r.stderr}`).toBe(true);
  }, 60_000);
});

describe("H2: explain's index trusts a spec whose size, mtime, inode and device are unchanged (git also checks the change time)", () => {
  it('bob r:pods → r:full in place, its time put back: explain -n web answers from the old spec', async () => {
    const dir = tempDir('redteam-h-explain-');
    mkdirSync(join(dir, 'node_modules'));
    const file = join(dir, 'org.yaml');
    const text = readFileSync(join(ROOT, 'test/fixtures/specs/acme.yaml'), 'utf8');
    writeFileSync(file, text);
    age(file); // saved a minute ago: not racily clean, the stat is trusted
    const ask = ['explain', 'bob@acme.io', '-n', 'web', '--spec', file];
    const first = cli(ask);
    expect(first.code).toBe(0);
    expect(first.stdout).not.toContain('r:full');
    const bob = '{ user: bob@acme.io, namespace: web, levels: ["r:pods"';
    expect(text).toContain(bob);
    writeFileSync(file, text.replace(bob, bob.replace('r:pods', 'r:full'))); // same inode, same size
    age(file);
    const now = await run(ask); // the sources: no index
    expect(now.stdout).toContain('r:full');
    const r = cli(ask);
    expect(r.stdout.trimEnd(), 'the bundled CLI answers from its index of the old spec').toBe(now.stdout);
  }, 60_000);
});

describe('H3: the launcher keeps and runs its bundle wherever node_modules/.cache/orgctl points', () => {
  it('a link a branch commits (git checks it out in the ignored folder) to a folder someone else can write: their code runs', () => {
    const engine = engineCopy();
    // Another user's folder (/tmp/shared-cache), or one a branch names: the launcher neither looks at the link nor the owner.
    const elsewhere = tempDir('redteam-h-elsewhere-');
    mkdirSync(join(engine.dir, 'node_modules', '.cache'), { recursive: true });
    symlinkSync(elsewhere, join(engine.dir, 'node_modules', '.cache', 'orgctl'));
    // A folder of the victim's, named like an old bundle: pruned through the link.
    mkdirSync(join(elsewhere, '0123456789abcdef'));
    writeFileSync(join(elsewhere, '0123456789abcdef', 'thesis.tex'), 'years of work');
    const old = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(join(elsewhere, '0123456789abcdef'), old, old);
    expect(cli(['levels'], { engine: engine.dir }).code).toBe(0);
    const built = readdirSync(elsewhere).filter((n) => /^[0-9a-f]{16}/.test(n) && n !== '0123456789abcdef');
    // What the other user does to the bundle they now hold:
    for (const b of built)
      if (existsSync(join(elsewhere, b, 'orgctl.cjs')))
        writeFileSync(
          join(elsewhere, b, 'orgctl.cjs'),
          `process.stdout.write('code of the folder owner ran\\n');\n${readFileSync(join(elsewhere, b, 'orgctl.cjs'), 'utf8')}`,
        );
    const r = cli(['levels'], { engine: engine.dir });
    const findings: string[] = [];
    if (r.stdout.includes('code of the folder owner ran')) findings.push('ran code from the linked folder');
    if (!existsSync(join(elsewhere, '0123456789abcdef', 'thesis.tex')))
      findings.push('pruned a folder through the link');
    if (built.length) findings.push(`wrote its bundle through the link (${built.join(', ')})`);
    expect(findings).toEqual([]);
  }, 120_000);
});
