/**
 * Red team R144, the launcher's bundle name (bin/orgctl.mjs) after R143-3: the bundle is named by the
 * stat of every file esbuild lists as read (its metafile inputs) that the sources' walk does not
 * state: the installed packages' modules (filesNotFingerprinted).
 *
 * R144-1 (hole): esbuild also reads each package's package.json to resolve an import of it (`main`,
 * `module`, `exports`), but does not list it as an input: a package.json edited in place to point
 * at another file of the package named no other bundle, and the launcher ran the code of the file
 * it pointed at before. Two packages: `p` whose `main` changes (its package.json the nearest
 * above the module bundled), and `q` whose `exports` changes while its modules sit under a
 * package.json of their own (dist/package.json, as many packages ship one to say their module type):
 * the package.json esbuild resolved through is not the nearest above what it bundled.
 *
 * R144-2 (hole, the same class): what esbuild looked for and did not find is not listed either. A
 * require of ./says in a package found says.json; a says.js added beside it (in node_modules,
 * esbuild tries .js first) changed no file bundled, only the package's folder.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { cli, engineCopy, tempDir, waitOutRacyWindow } from './helpers.ts';

const PLAIN = 'every level a grant may name';
/** What each package's two modules say, the first the one it points at first. */
const P = ['', ' (p: says.json)', ' (p: says.js)'] as const;
const Q = [' (q: a.js)', ' (q: b.js)'] as const;

/**
 * An engine copy whose `levels --help` ends with what packages p and q export, each installed in
 * the engine's node_modules (a folder, not a link) with two modules, a.js and b.js.
 */
function engineImportingPackages(): string {
  const dir = join(tempDir('orgctl-r144-launcher-'), 'engine');
  renameSync(engineCopy().dir, dir);
  const source = readFileSync(join(dir, 'cli/levels.ts'), 'utf8');
  const help = new RegExp(`help: '(Usage: orgctl levels [^']*)${PLAIN}\\.',`);
  expect(source).toMatch(help);
  const files: Record<string, string> = {
    'cli/levels.ts': `import { SAYS as P } from 'p';\nimport { SAYS as Q } from 'q';\n${source.replace(help, (_, head: string) => `help: \`${head}${PLAIN}.\${P}\${Q}\`,`)}`,
    'node_modules/p/a.js': `exports.SAYS = ${JSON.stringify(P[0])};\n`,
    'node_modules/p/b.js': "module.exports = require('./says');\n",
    'node_modules/p/says.json': JSON.stringify({ SAYS: P[1] }),
    'node_modules/q/dist/package.json': JSON.stringify({ type: 'commonjs' }),
    'node_modules/q/dist/a.js': `exports.SAYS = ${JSON.stringify(Q[0])};\n`,
    'node_modules/q/dist/b.js': `exports.SAYS = ${JSON.stringify(Q[1])};\n`,
  };
  mkdirSync(join(dir, 'node_modules/p'));
  mkdirSync(join(dir, 'node_modules/q/dist'), { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  pointAt(dir, 'a');
  return dir;
}

/** p's `main` and q's `exports` written in place: both say `module` (a.js or b.js). */
function pointAt(dir: string, module: 'a' | 'b', packages: readonly ('p' | 'q')[] = ['p', 'q']): void {
  const manifests = {
    p: { name: 'p', version: '1.0.0', main: `${module}.js` },
    q: { name: 'q', version: '1.0.0', exports: { '.': `./dist/${module}.js` } },
  };
  for (const p of packages) writeFileSync(join(dir, 'node_modules', p, 'package.json'), JSON.stringify(manifests[p]));
}

const helpOf = (dir: string): string => {
  const r = cli(['levels', '--help'], { engine: dir });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
};

it('R144-1: a package.json under node_modules edited in place to point at another module, the run follows', () => {
  const dir = engineImportingPackages();
  waitOutRacyWindow(); // nothing written within the build's clock tick: the bundle is kept
  expect(helpOf(dir)).toContain(`${PLAIN}.${P[0]}${Q[0]}`);
  waitOutRacyWindow(); // nothing recent: only stats name the bundle
  pointAt(dir, 'b', ['p']);
  expect(helpOf(dir)).toContain(`${PLAIN}.${P[1]}${Q[0]}`);
  waitOutRacyWindow();
  pointAt(dir, 'b', ['q']);
  expect(helpOf(dir)).toContain(`${PLAIN}.${P[1]}${Q[1]}`);
});

it('R144-2: a module added in a package where a require found another (./says: says.js before says.json), the run follows', () => {
  const dir = engineImportingPackages();
  pointAt(dir, 'b');
  waitOutRacyWindow();
  expect(helpOf(dir)).toContain(`${PLAIN}.${P[1]}${Q[1]}`);
  waitOutRacyWindow();
  // No file bundled changed: only the folder esbuild looked in for ./says, which now holds what it tries first.
  writeFileSync(join(dir, 'node_modules/p/says.js'), `exports.SAYS = ${JSON.stringify(P[2])};\n`);
  expect(helpOf(dir)).toContain(`${PLAIN}.${P[2]}${Q[1]}`);
});
