/**
 * Red team R148, the declaration's bundle (cli/declaration.ts), after the launcher's R146: a record
 * of what the bundle was built from is kept, and a bare import found in a node_modules folder above
 * the importer is stamped by the found package's package.json (the nearest above the file found)
 * and the folders of the files esbuild bundled. Where esbuild looked on its way is not stamped. After
 * a first run whose record was kept, each change below ran the bundle of the module found before:
 *
 * R148-1: p found in the project's node_modules, then put in org/node_modules (which the cache
 * folder, org/node_modules/.cache, makes anyway): only org/node_modules changed.
 * R148-2: pnpm's node_modules/p, a link into .pnpm/p@1.0.0, pointed at .pnpm/p@2.0.0 (p@1.0.0's
 * files left as they were).
 * R148-3: a package linked from the declaration's own folder (org/node_modules/p a link to
 * org/packages/p1, as `npm link` or a workspace makes one; TypeScript, so bundled) pointed at
 * org/packages/p2.
 * R148-4: the package's own package.json's main edited (dist/a.js -> dist/b.js) where a
 * dist/package.json (a module type stated) is the nearest to the file found (R144-1's).
 * R148-5: dist/lib.js added where a main of dist/lib found dist/lib/index.js (a file comes before a
 * folder's index).
 * R148-6: the project's tsconfig.json says baseUrl ./vendor: p found in node_modules, then vendor/p.ts added.
 *
 * Fixed as the launcher's R146: where esbuild looked for each package is stamped (packageLookedFor),
 * and no record was kept of a bundle built under a config that says paths or baseUrl.
 *
 * Red team R149: that cost every run of such a project a build (~0.5 s of each `synth` where a
 * template says `baseUrl`). A record kept there states every candidate esbuild tries for a bare
 * import those send somewhere, in its order, there or not; each change below, after a first run
 * whose record was kept, must be followed (R148-6's first run keeps its record):
 * R149-1: paths p -> ./vendor/p then ./fallback/p, fallback/p.ts found, then vendor/p/index.ts added.
 * R149-2: paths p -> ./vendor/p, vendor/p.ts found, then removed (vendor/p/index.ts there).
 * R149-3: paths edited in the project's tsconfig.json (./a/p -> ./b/p).
 * R149-4: through `extends`: configs/tsconfig.base.json says baseUrl ../vendor, then vendor/p.ts added.
 * R149-5: through `extends`: the paths of the file extended edited.
 * R149-6: a pattern, paths * -> ./lib/*, lib/p/index.ts found, then lib/p.ts added (a file before a folder).
 * R149-7: paths p -> ./org/vendor/p.js (a .js named, its .ts tried after it), p.ts found, then p.js added.
 * And a project whose tsconfig says baseUrl keeps its bundle: a second run builds none.
 * R149-15: p's main (lib/deep/x.js) not there, its module (esm/y.js) found, then lib/deep/x.js added:
 * only lib/ changed, a folder off the path from the file found up to the package's.
 * R149-17: #p, in the `imports` of the project's package.json (the importer's nearest), sent to
 * lib/a.ts, whose nearest is lib/package.json: the project's imports edited to lib/b.ts.
 * R149-18 (a guard, not a hole): an `exports` target is exact but for esbuild's .js -> .ts; the .js
 * added beside the .ts found changes the folder of the file found, which is stamped.
 * R149-19: the project's tsconfig.json extends a package's (@acme/tsconfig, no main: esbuild reads
 * its tsconfig.json, which Node's resolution of the name does not find), which then says paths.
 */
import { existsSync, mkdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { sha256Hex } from '../cli/file-stamp.ts';
import { cacheFolder } from '../cli/paths.ts';
import {
  cacheFolderOfItsOwn,
  declarationRunning,
  repoScratch,
  run,
  sayingModule,
  waitOutRacyWindow,
} from './helpers.ts';

const scratch = repoScratch('r148-');
cacheFolderOfItsOwn('orgctl-r148-');

/** A package `p` in `folder` whose module `file` says `says`, its package.json's main `main`. */
function packageP(folder: string, says: string, file = 'index.js', main = file): void {
  mkdirSync(join(folder, file, '..'), { recursive: true });
  mainOfP(folder, main);
  writeFileSync(join(folder, file), sayingModule(says));
}

/** p's package.json in `folder`, its main `main`. */
const mainOfP = (folder: string, main: string): void =>
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'p', version: '1.0.0', main }));

/**
 * A package `p` in `folder` whose main, index.ts, says `says`: bundled (a module of the
 * declaration's folder the bundle does not hold may not run).
 */
function typescriptP(folder: string, says: string): void {
  mkdirSync(folder, { recursive: true });
  mainOfP(folder, 'index.ts');
  writeFileSync(join(folder, 'index.ts'), `export const SAYS = '${says}';\n`);
}

/** `link` pointed at `target` instead. */
function relink(link: string, target: string): void {
  rmSync(link);
  symlinkSync(target, link);
}

/** A TypeScript module at `file` (folders made) exporting SAYS. */
function says(file: string, what: string): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, `export const SAYS = '${what}';\n`);
}

/** A tsconfig file (folders made) with these compilerOptions, and `extends` when given. */
function config(file: string, compilerOptions: object, extended?: string): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, JSON.stringify({ ...(extended ? { extends: extended } : {}), compilerOptions }));
}

/** The project's package.json (`dir`), its `imports` sending #p to `target`. */
const imports = (dir: string, target: string): void =>
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'proj', private: true, imports: { '#p': target } }));

/** A change in a project (`dir`, its declaration dir/org/org.ts importing p's SAYS) after a first run. */
interface ChangeAround {
  readonly before: string;
  readonly after: string;
  readonly make: (dir: string) => void;
  readonly change: (dir: string) => void;
  /** What the declaration imports SAYS from. @default 'p' */
  readonly imports?: string;
}

/**
 * The link `link` (in the project) to `targets[0]`, then pointed at `targets[1]` (each relative to
 * the link's folder, each laid out by `lay`), whose p says `saying[0]`, then `saying[1]`.
 */
function repointed(
  link: string,
  targets: readonly [string, string],
  lay: (folder: string, target: string) => void,
  saying: readonly [string, string],
): ChangeAround {
  return {
    before: saying[0],
    after: saying[1],
    make: (dir) => {
      for (const t of targets) lay(join(dir, link, '..', t), t);
      mkdirSync(join(dir, link, '..'), { recursive: true });
      symlinkSync(targets[0], join(dir, link));
    },
    change: (dir) => relink(join(dir, link), targets[1]),
  };
}

const ATTACKS: Record<string, ChangeAround> = {
  'R148-1: p found in the project node_modules, then put in org/node_modules': {
    before: 'p-of-the-project',
    after: 'p-of-org',
    make: (dir) => {
      packageP(join(dir, 'node_modules/p'), 'p-of-the-project');
      mkdirSync(join(dir, 'org/node_modules'), { recursive: true });
    },
    change: (dir) => packageP(join(dir, 'org/node_modules/p'), 'p-of-org'),
  },
  'R148-2: pnpm: node_modules/p, a link into .pnpm/p@1.0.0, pointed at .pnpm/p@2.0.0': repointed(
    'node_modules/p',
    ['.pnpm/p@1.0.0/node_modules/p', '.pnpm/p@2.0.0/node_modules/p'],
    (folder, v) => packageP(folder, `p-${/p@([\d.]+)/.exec(v)![1]}`),
    ['p-1.0.0', 'p-2.0.0'],
  ),
  'R148-3: org/node_modules/p, a link to org/packages/p1, pointed at org/packages/p2': repointed(
    'org/node_modules/p',
    ['../packages/p1', '../packages/p2'],
    (folder, v) => typescriptP(folder, basename(v)),
    ['p1', 'p2'],
  ),
  "R148-4: p's package.json main edited where dist/package.json is the nearest to the file found": {
    before: 'dist-a',
    after: 'dist-b',
    make: (dir) => {
      const p = join(dir, 'node_modules/p');
      packageP(p, 'dist-a', 'dist/a.js');
      writeFileSync(join(p, 'dist/b.js'), sayingModule('dist-b'));
      writeFileSync(join(p, 'dist/package.json'), JSON.stringify({ type: 'commonjs' }));
    },
    change: (dir) => mainOfP(join(dir, 'node_modules/p'), 'dist/b.js'),
  },
  "R148-5: dist/lib.js added where p's main (dist/lib) found dist/lib/index.js": {
    before: 'dist-lib-index',
    after: 'dist-lib-js',
    make: (dir) => packageP(join(dir, 'node_modules/p'), 'dist-lib-index', 'dist/lib/index.js', 'dist/lib'),
    change: (dir) => writeFileSync(join(dir, 'node_modules/p/dist/lib.js'), sayingModule('dist-lib-js')),
  },
  "R148-6: the project's tsconfig says baseUrl ./vendor, p found in node_modules, then vendor/p.ts added": {
    before: 'p-of-node-modules',
    after: 'p-of-vendor',
    make: (dir) => {
      packageP(join(dir, 'node_modules/p'), 'p-of-node-modules');
      mkdirSync(join(dir, 'vendor'));
      writeFileSync(join(dir, 'vendor/README'), 'what the organization keeps of others\n');
      config(join(dir, 'tsconfig.json'), { baseUrl: './vendor' });
    },
    change: (dir) => writeFileSync(join(dir, 'vendor/p.ts'), "export const SAYS = 'p-of-vendor';\n"),
  },
  'R149-1: paths p -> vendor/p then fallback/p, fallback/p.ts found, then vendor/p/index.ts added': {
    before: 'p-of-fallback',
    after: 'p-of-vendor-index',
    make: (dir) => {
      says(join(dir, 'fallback/p.ts'), 'p-of-fallback');
      mkdirSync(join(dir, 'vendor'));
      config(join(dir, 'tsconfig.json'), { paths: { p: ['./vendor/p', './fallback/p'] } });
    },
    change: (dir) => says(join(dir, 'vendor/p/index.ts'), 'p-of-vendor-index'),
  },
  'R149-2: paths p -> vendor/p, vendor/p.ts found, then removed (vendor/p/index.ts there)': {
    before: 'p-ts',
    after: 'p-index',
    make: (dir) => {
      says(join(dir, 'vendor/p.ts'), 'p-ts');
      says(join(dir, 'vendor/p/index.ts'), 'p-index');
      config(join(dir, 'tsconfig.json'), { paths: { p: ['./vendor/p'] } });
    },
    change: (dir) => rmSync(join(dir, 'vendor/p.ts')),
  },
  "R149-3: the project's paths edited, ./a/p -> ./b/p": {
    before: 'p-of-a',
    after: 'p-of-b',
    make: (dir) => {
      says(join(dir, 'a/p.ts'), 'p-of-a');
      says(join(dir, 'b/p.ts'), 'p-of-b');
      config(join(dir, 'tsconfig.json'), { paths: { p: ['./a/p'] } });
    },
    change: (dir) => config(join(dir, 'tsconfig.json'), { paths: { p: ['./b/p'] } }),
  },
  'R149-4: extends configs/tsconfig.base.json, its baseUrl ../vendor, then vendor/p.ts added': {
    before: 'p-of-node-modules',
    after: 'p-of-vendor',
    make: (dir) => {
      packageP(join(dir, 'node_modules/p'), 'p-of-node-modules');
      mkdirSync(join(dir, 'vendor'));
      config(join(dir, 'configs/tsconfig.base.json'), { baseUrl: '../vendor' });
      config(join(dir, 'tsconfig.json'), {}, './configs/tsconfig.base.json');
    },
    change: (dir) => says(join(dir, 'vendor/p.ts'), 'p-of-vendor'),
  },
  'R149-5: extends configs/tsconfig.base.json, whose paths are edited': {
    before: 'p-of-a',
    after: 'p-of-b',
    make: (dir) => {
      says(join(dir, 'a/p.ts'), 'p-of-a');
      says(join(dir, 'b/p.ts'), 'p-of-b');
      config(join(dir, 'configs/tsconfig.base.json'), { paths: { p: ['../a/p'] } });
      config(join(dir, 'tsconfig.json'), {}, './configs/tsconfig.base.json');
    },
    change: (dir) => config(join(dir, 'configs/tsconfig.base.json'), { paths: { p: ['../b/p'] } }),
  },
  'R149-6: paths * -> ./lib/*, lib/p/index.ts found, then lib/p.ts added': {
    before: 'p-lib-index',
    after: 'p-lib-file',
    make: (dir) => {
      says(join(dir, 'lib/p/index.ts'), 'p-lib-index');
      config(join(dir, 'tsconfig.json'), { paths: { '*': ['./lib/*'] } });
    },
    change: (dir) => says(join(dir, 'lib/p.ts'), 'p-lib-file'),
  },
  'R149-7: paths p -> ./org/vendor/p.js, org/vendor/p.ts found, then org/vendor/p.js added': {
    before: 'p-ts',
    after: 'p-js',
    make: (dir) => {
      says(join(dir, 'org/vendor/p.ts'), 'p-ts');
      config(join(dir, 'tsconfig.json'), { paths: { p: ['./org/vendor/p.js'] } });
    },
    // In the declaration's folder: a module Node imports in place, which the declaration may read.
    change: (dir) => says(join(dir, 'org/vendor/p.js'), 'p-js'),
  },
  "R149-15: p's main lib/deep/x.js not there, its module esm/y.js found, then lib/deep/x.js added": {
    before: 'p-module',
    after: 'p-main',
    make: (dir) => {
      const p = join(dir, 'node_modules/p');
      packageP(p, 'p-module', 'esm/y.js');
      writeFileSync(
        join(p, 'package.json'),
        JSON.stringify({ name: 'p', version: '1.0.0', main: 'lib/deep/x.js', module: 'esm/y.js' }),
      );
      mkdirSync(join(p, 'lib'));
    },
    change: (dir) => {
      mkdirSync(join(dir, 'node_modules/p/lib/deep'));
      writeFileSync(join(dir, 'node_modules/p/lib/deep/x.js'), sayingModule('p-main'));
    },
  },
  "R149-17: #p in the project's package.json imports, lib/package.json the target's nearest: the imports edited": {
    imports: '#p',
    before: 'p-a',
    after: 'p-b',
    make: (dir) => {
      imports(dir, './lib/a.ts');
      says(join(dir, 'lib/a.ts'), 'p-a');
      writeFileSync(join(dir, 'lib/package.json'), JSON.stringify({ type: 'module' }));
      says(join(dir, 'lib/b.ts'), 'p-b');
    },
    change: (dir) => imports(dir, './lib/b.ts'),
  },
  "R149-18 (guard): p's exports ./dist/x.js not there, its dist/x.ts found (esbuild's .js -> .ts), then dist/x.js added":
    {
      before: 'p-ts',
      after: 'p-js',
      make: (dir) => {
        const p = join(dir, 'node_modules/p');
        says(join(p, 'dist/x.ts'), 'p-ts');
        writeFileSync(join(p, 'package.json'), JSON.stringify({ name: 'p', version: '1.0.0', exports: './dist/x.js' }));
      },
      change: (dir) => writeFileSync(join(dir, 'node_modules/p/dist/x.js'), sayingModule('p-js')),
    },
  'R149-19: tsconfig.json extends @acme/tsconfig (a package without main), whose tsconfig.json gains paths': {
    before: 'p-of-node-modules',
    after: 'p-of-vendor',
    make: (dir) => {
      packageP(join(dir, 'node_modules/p'), 'p-of-node-modules');
      says(join(dir, 'vendor/p.ts'), 'p-of-vendor');
      const base = join(dir, 'node_modules/@acme/tsconfig');
      mkdirSync(base, { recursive: true });
      writeFileSync(join(base, 'package.json'), JSON.stringify({ name: '@acme/tsconfig', version: '1.0.0' }));
      config(join(base, 'tsconfig.json'), {});
      config(join(dir, 'tsconfig.json'), {}, '@acme/tsconfig');
    },
    change: (dir) =>
      config(join(dir, 'node_modules/@acme/tsconfig/tsconfig.json'), { paths: { p: [join(dir, 'vendor/p.ts')] } }),
  },
};

/** dir/org/org.ts: a declaration that throws the SAYS of `imports` (check says which p it ran). */
const declarationImportingP = (dir: string, imports = 'p'): string =>
  declarationRunning(join(dir, 'org'), 'throw new Error(`p says ${SAYS}`);', `import { SAYS } from '${imports}';`);

/** Which p's SAYS `check` of the declaration ran. */
async function checked(file: string): Promise<string> {
  const r = await run(['check', '--spec', file]);
  expect(r.code, r.stderr).toBe(2);
  return /p says (\S+)/.exec(r.stderr)?.[1] ?? r.stderr;
}

const made = new Map<string, { readonly dir: string; readonly file: string; readonly first: string }>();

/** The record of a declaration's bundle. */
const recordOf = (file: string): string =>
  join(cacheFolder(file, 'declarations')!, `${sha256Hex(file).slice(0, 16)}.json`);

/** A project whose tsconfig says baseUrl . (R149): its bundle is kept. */
const REUSED = 'a baseUrl project';

beforeAll(async () => {
  const projects = Object.entries(ATTACKS).map(([name, attack]) => {
    const dir = scratch();
    const file = declarationImportingP(dir, attack.imports);
    attack.make(dir);
    return { name, dir, file };
  });
  const reused = scratch();
  projects.push({ name: REUSED, dir: reused, file: declarationImportingP(reused) });
  packageP(join(reused, 'node_modules/p'), 'p-of-node-modules');
  config(join(reused, 'tsconfig.json'), { baseUrl: '.' });
  waitOutRacyWindow(); // a record is kept only of inputs older than the build
  for (const { name, dir, file } of projects) made.set(name, { dir, file, first: await checked(file) });
}, 240_000);

it.each(Object.keys(ATTACKS))('%s: the next run follows', async (name) => {
  const { dir, file, first } = made.get(name)!;
  const attack = ATTACKS[name]!;
  expect(first).toBe(attack.before);
  // The first run's bundle is kept: the next run answers by its record.
  expect(existsSync(recordOf(file))).toBe(true);
  attack.change(dir);
  expect(await checked(file)).toBe(attack.after);
});

it('R149: a project whose tsconfig says baseUrl . keeps its bundle: the next run builds none', async () => {
  const { file, first } = made.get(REUSED)!;
  expect(first).toBe('p-of-node-modules');
  const record = statSync(recordOf(file)).mtimeMs;
  expect(await checked(file)).toBe('p-of-node-modules');
  expect(statSync(recordOf(file)).mtimeMs).toBe(record);
});
