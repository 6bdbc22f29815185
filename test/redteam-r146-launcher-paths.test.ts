/**
 * Red team R146-4, the launcher's bundle name (bin/orgctl.mjs) after R143-3: the configs esbuild
 * applies to the sources are stated, and what they extend, but not where their `paths` and
 * `baseUrl` send a bare import to look, outside the source folders: a module added there, before
 * the one found, ran the bundle of the one found before. And no config was stated for a linked
 * package's files (outside any node_modules folder, esbuild applies the nearest above them).
 *
 * Red team R149: no bundle was kept under a config applied that says `paths` or `baseUrl` (each run
 * built one). A bundle kept there is named by every candidate esbuild tries for a bare import those
 * send somewhere, in its order, there or not; each change below, after a first run whose bundle
 * was kept, must be followed:
 * R149-8: paths -> ./vendor/help then ./fallback/help, fallback/help.ts found, then vendor/help/index.ts added.
 * R149-9: paths -> ./vendor/help, vendor/help.ts found, then removed (vendor/help/index.ts there).
 * R149-10: the engine's paths edited (./a/help -> ./b/help).
 * R149-11: through `extends`: configs/tsconfig.base.json says baseUrl ../vendor, then vendor/p.ts added.
 * R149-12: through `extends`: the paths of the file extended edited.
 * R149-13: a pattern, r149/* -> ./lib/*, lib/help/index.ts found, then lib/help.ts added.
 * R149-14: a linked package's require of w under a tsconfig above it (baseUrl vendor): vendor/w.js added.
 * And an engine whose tsconfig says baseUrl keeps its bundle: a second run builds none.
 * R149-16 (not of paths: where esbuild looked inside a package): p's main (lib/deep/x.js) not
 * there, its module (esm/y.js) found, then lib/deep/x.js added: only lib/ changed, a folder off
 * the path from the file found up to the package's.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import {
  type ChangeBeside,
  engineSaying,
  itFollowsEachChange,
  LEVELS_HELP_END,
  levelsHelp,
  sayingModule,
  waitOutRacyWindow,
} from './helpers.ts';

const SPECIFIER = 'orgctl-r146-help';

/** A package named `name` in `folder`, its main module index.js saying `says`. */
function packageIn(folder: string, name: string, says: string): void {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name, version: '1.0.0', main: 'index.js' }));
  writeFileSync(join(folder, 'index.js'), sayingModule(says));
}

/** An ES module exporting SAYS. */
const esm = (says: string): string => `export const SAYS = ${JSON.stringify(says)};\n`;

/** A tsconfig file (folders made) with these compilerOptions, and `extends` when given. */
function config(file: string, compilerOptions: object, extended?: string): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, JSON.stringify({ ...(extended ? { extends: extended } : {}), compilerOptions }));
}

/** An ES module at `file` (folders made) exporting SAYS. */
function esmAt(file: string, says: string): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, esm(says));
}

/** A linked package p (parent/linked/p, node_modules/p in the engine) whose index.js requires w, found in its node_modules. */
function linkedRequiringW(parent: string, dir: string): void {
  const p = join(parent, 'linked/p');
  mkdirSync(p, { recursive: true });
  writeFileSync(join(p, 'package.json'), JSON.stringify({ name: 'p', version: '1.0.0', main: 'index.js' }));
  writeFileSync(join(p, 'index.js'), "module.exports = require('w');\n");
  packageIn(join(p, 'node_modules/w'), 'w', ' (w: node_modules)');
  symlinkSync(p, join(dir, 'node_modules/p'));
}

const ATTACKS = {
  "R146-4: the engine's tsconfig.json paths send it to vendor/help: a help.ts added beside the help.js found": {
    imports: SPECIFIER,
    before: ' (vendor: help.js)',
    after: ' (vendor: help.ts)',
    make: (_: string, dir: string) => {
      config(join(dir, 'tsconfig.json'), { paths: { [SPECIFIER]: ['./vendor/help'] } });
      mkdirSync(join(dir, 'vendor'));
      // A module, as the engine's package.json says its .js files are.
      writeFileSync(join(dir, 'vendor/help.js'), esm(' (vendor: help.js)'));
    },
    change: (_: string, dir: string) => writeFileSync(join(dir, 'vendor/help.ts'), esm(' (vendor: help.ts)')),
  },
  "R146-4: the engine's tsconfig.json has a baseUrl, vendor/: a p.ts added there, where p was found in node_modules": {
    imports: 'p',
    before: ' (p: node_modules)',
    after: ' (p: baseUrl)',
    make: (_: string, dir: string) => {
      // Not the engine's root: its folder constructs/ would take the package constructs' imports.
      config(join(dir, 'tsconfig.json'), { baseUrl: './vendor' });
      mkdirSync(join(dir, 'vendor'));
      packageIn(join(dir, 'node_modules/p'), 'p', ' (p: node_modules)');
    },
    change: (_: string, dir: string) => writeFileSync(join(dir, 'vendor/p.ts'), esm(' (p: baseUrl)')),
  },
  "R146-4: a linked package's require of w: a tsconfig.json with a baseUrl written above the package's folder": {
    imports: 'p',
    before: ' (w: node_modules)',
    after: ' (w: baseUrl)',
    make: (parent: string, dir: string) => {
      linkedRequiringW(parent, dir);
      writeFileSync(join(parent, 'linked/w.js'), sayingModule(' (w: baseUrl)'));
    },
    change: (parent: string) => config(join(parent, 'linked/tsconfig.json'), { baseUrl: '.' }),
  },
  'R149-8: paths -> vendor/help then fallback/help, fallback/help.ts found, then vendor/help/index.ts added': {
    imports: SPECIFIER,
    before: ' (fallback)',
    after: ' (vendor index)',
    make: (_: string, dir: string) => {
      config(join(dir, 'tsconfig.json'), { paths: { [SPECIFIER]: ['./vendor/help', './fallback/help'] } });
      mkdirSync(join(dir, 'vendor'));
      esmAt(join(dir, 'fallback/help.ts'), ' (fallback)');
    },
    change: (_: string, dir: string) => esmAt(join(dir, 'vendor/help/index.ts'), ' (vendor index)'),
  },
  'R149-9: paths -> vendor/help, vendor/help.ts found, then removed (vendor/help/index.ts there)': {
    imports: SPECIFIER,
    before: ' (help.ts)',
    after: ' (help/index.ts)',
    make: (_: string, dir: string) => {
      config(join(dir, 'tsconfig.json'), { paths: { [SPECIFIER]: ['./vendor/help'] } });
      esmAt(join(dir, 'vendor/help.ts'), ' (help.ts)');
      esmAt(join(dir, 'vendor/help/index.ts'), ' (help/index.ts)');
    },
    change: (_: string, dir: string) => rmSync(join(dir, 'vendor/help.ts')),
  },
  "R149-10: the engine's paths edited, ./a/help -> ./b/help": {
    imports: SPECIFIER,
    before: ' (a)',
    after: ' (b)',
    make: (_: string, dir: string) => {
      config(join(dir, 'tsconfig.json'), { paths: { [SPECIFIER]: ['./a/help'] } });
      esmAt(join(dir, 'a/help.ts'), ' (a)');
      esmAt(join(dir, 'b/help.ts'), ' (b)');
    },
    change: (_: string, dir: string) => config(join(dir, 'tsconfig.json'), { paths: { [SPECIFIER]: ['./b/help'] } }),
  },
  'R149-11: extends configs/tsconfig.base.json, its baseUrl ../vendor, then vendor/p.ts added': {
    imports: 'p',
    before: ' (p: node_modules)',
    after: ' (p: baseUrl)',
    make: (_: string, dir: string) => {
      config(join(dir, 'configs/tsconfig.base.json'), { baseUrl: '../vendor' });
      config(join(dir, 'tsconfig.json'), {}, './configs/tsconfig.base.json');
      mkdirSync(join(dir, 'vendor'));
      packageIn(join(dir, 'node_modules/p'), 'p', ' (p: node_modules)');
    },
    change: (_: string, dir: string) => esmAt(join(dir, 'vendor/p.ts'), ' (p: baseUrl)'),
  },
  'R149-12: extends configs/tsconfig.base.json, whose paths are edited': {
    imports: SPECIFIER,
    before: ' (a)',
    after: ' (b)',
    make: (_: string, dir: string) => {
      config(join(dir, 'configs/tsconfig.base.json'), { paths: { [SPECIFIER]: ['../a/help'] } });
      config(join(dir, 'tsconfig.json'), {}, './configs/tsconfig.base.json');
      esmAt(join(dir, 'a/help.ts'), ' (a)');
      esmAt(join(dir, 'b/help.ts'), ' (b)');
    },
    change: (_: string, dir: string) =>
      config(join(dir, 'configs/tsconfig.base.json'), { paths: { [SPECIFIER]: ['../b/help'] } }),
  },
  'R149-13: paths r149/* -> ./lib/*, lib/help/index.ts found, then lib/help.ts added': {
    imports: 'r149/help',
    before: ' (lib/help/index.ts)',
    after: ' (lib/help.ts)',
    make: (_: string, dir: string) => {
      config(join(dir, 'tsconfig.json'), { paths: { 'r149/*': ['./lib/*'] } });
      esmAt(join(dir, 'lib/help/index.ts'), ' (lib/help/index.ts)');
    },
    change: (_: string, dir: string) => esmAt(join(dir, 'lib/help.ts'), ' (lib/help.ts)'),
  },
  "R149-14: a linked package's require of w, under a tsconfig above it with baseUrl vendor: vendor/w.js added": {
    imports: 'p',
    before: ' (w: node_modules)',
    after: ' (w: baseUrl)',
    make: (parent: string, dir: string) => {
      linkedRequiringW(parent, dir);
      config(join(parent, 'linked/tsconfig.json'), { baseUrl: './vendor' });
      mkdirSync(join(parent, 'linked/vendor'));
    },
    change: (parent: string) => writeFileSync(join(parent, 'linked/vendor/w.js'), sayingModule(' (w: baseUrl)')),
  },
  "R149-16: p's main lib/deep/x.js not there, its module esm/y.js found, then lib/deep/x.js added": {
    imports: 'p',
    before: ' (p: module)',
    after: ' (p: main)',
    make: (_: string, dir: string) => {
      const p = join(dir, 'node_modules/p');
      esmAt(join(p, 'esm/y.js'), ' (p: module)');
      writeFileSync(
        join(p, 'package.json'),
        JSON.stringify({ name: 'p', version: '1.0.0', main: 'lib/deep/x.js', module: 'esm/y.js' }),
      );
      mkdirSync(join(p, 'lib'));
    },
    change: (_: string, dir: string) => {
      mkdirSync(join(dir, 'node_modules/p/lib/deep'));
      writeFileSync(join(dir, 'node_modules/p/lib/deep/x.js'), sayingModule(' (p: main)'));
    },
  },
} satisfies Record<string, ChangeBeside>;

itFollowsEachChange('%s: the run follows', ATTACKS);

/** The bundles (named folders) and lists of inputs in an engine's cache. */
const kept = (dir: string): string[] =>
  readdirSync(join(dir, 'node_modules/.cache/orgctl')).filter((n) => /^[0-9a-f]{16}(\.inputs)?$/.test(n));

it('an engine whose tsconfig says baseUrl keeps its bundle (R149): the next run builds none', () => {
  const { dir } = engineSaying(['p']);
  config(join(dir, 'tsconfig.json'), { baseUrl: './vendor' });
  mkdirSync(join(dir, 'vendor'));
  packageIn(join(dir, 'node_modules/p'), 'p', ' (p: node_modules)');
  waitOutRacyWindow();
  expect(levelsHelp(dir)).toContain(`${LEVELS_HELP_END}. (p: node_modules)`);
  const first = kept(dir);
  expect(first.filter((n) => n.endsWith('.inputs'))).toHaveLength(1);
  const bundle = first.filter((n) => !n.endsWith('.inputs'));
  expect(bundle).toHaveLength(1);
  expect(existsSync(join(dir, 'node_modules/.cache/orgctl', bundle[0]!, 'orgctl.cjs'))).toBe(true);
  expect(levelsHelp(dir)).toContain(`${LEVELS_HELP_END}. (p: node_modules)`);
  expect(kept(dir)).toEqual(first);
}, 60_000);
