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
 * and no record is kept of a bundle built under a config that says paths or baseUrl (R148-6's first
 * run keeps none).
 */
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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

/** A change in a project (`dir`, its declaration dir/org/org.ts importing p's SAYS) after a first run. */
interface ChangeAround {
  readonly before: string;
  readonly after: string;
  readonly make: (dir: string) => void;
  readonly change: (dir: string) => void;
  /** Whether the first run keeps its bundle (none is kept under a config saying paths or baseUrl). @default true */
  readonly kept?: false;
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
    kept: false,
    make: (dir) => {
      packageP(join(dir, 'node_modules/p'), 'p-of-node-modules');
      mkdirSync(join(dir, 'vendor'));
      writeFileSync(join(dir, 'vendor/README'), 'what the organization keeps of others\n');
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { baseUrl: './vendor' } }));
    },
    change: (dir) => writeFileSync(join(dir, 'vendor/p.ts'), "export const SAYS = 'p-of-vendor';\n"),
  },
};

/** dir/org/org.ts: a declaration that throws p's SAYS (check says which p it ran). */
const declarationImportingP = (dir: string): string =>
  declarationRunning(join(dir, 'org'), 'throw new Error(`p says ${SAYS}`);', "import { SAYS } from 'p';");

/** Which p's SAYS `check` of the declaration ran. */
async function checked(file: string): Promise<string> {
  const r = await run(['check', '--spec', file]);
  expect(r.code, r.stderr).toBe(2);
  return /p says (\S+)/.exec(r.stderr)?.[1] ?? r.stderr;
}

const made = new Map<string, { readonly dir: string; readonly file: string; readonly first: string }>();

beforeAll(async () => {
  const projects = Object.entries(ATTACKS).map(([name, attack]) => {
    const dir = scratch();
    const file = declarationImportingP(dir);
    attack.make(dir);
    return { name, dir, file };
  });
  waitOutRacyWindow(); // a record is kept only of inputs older than the build
  for (const { name, dir, file } of projects) made.set(name, { dir, file, first: await checked(file) });
}, 120_000);

it.each(Object.keys(ATTACKS))('%s: the next run follows', async (name) => {
  const { dir, file, first } = made.get(name)!;
  const attack = ATTACKS[name]!;
  expect(first).toBe(attack.before);
  // The first run's bundle is kept: the next run answers by its record.
  expect(existsSync(join(cacheFolder(file, 'declarations')!, `${sha256Hex(file).slice(0, 16)}.json`))).toBe(
    attack.kept ?? true,
  );
  attack.change(dir);
  expect(await checked(file)).toBe(attack.after);
});
