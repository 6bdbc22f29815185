/**
 * Red team R146-4, the launcher's bundle name (bin/orgctl.mjs) after R143-3: the configs esbuild
 * applies to the sources are stated, and what they extend, but not where their `paths` and
 * `baseUrl` send a bare import to look, outside the source folders: a module added there, before
 * the one found, ran the bundle of the one found before. And no config was stated for a linked
 * package's files (outside any node_modules folder, esbuild applies the nearest above them).
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ChangeBeside, itFollowsEachChange, sayingModule } from './helpers.ts';

const SPECIFIER = 'orgctl-r146-help';

/** A package named `name` in `folder`, its main module index.js saying `says`. */
function packageIn(folder: string, name: string, says: string): void {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name, version: '1.0.0', main: 'index.js' }));
  writeFileSync(join(folder, 'index.js'), sayingModule(says));
}

/** An ES module exporting SAYS. */
const esm = (says: string): string => `export const SAYS = ${JSON.stringify(says)};\n`;

const config = (file: string, compilerOptions: object): void =>
  writeFileSync(file, JSON.stringify({ compilerOptions }));

const ATTACKS = {
  "the engine's tsconfig.json paths send it to vendor/help: a help.ts added beside the help.js found": {
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
  "the engine's tsconfig.json has a baseUrl, vendor/: a p.ts added there, where p was found in node_modules": {
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
  "a linked package's require of w: a tsconfig.json with a baseUrl written above the package's folder": {
    imports: 'p',
    before: ' (w: node_modules)',
    after: ' (w: baseUrl)',
    make: (parent: string, dir: string) => {
      const p = join(parent, 'linked/p');
      mkdirSync(p, { recursive: true });
      writeFileSync(join(p, 'package.json'), JSON.stringify({ name: 'p', version: '1.0.0', main: 'index.js' }));
      writeFileSync(join(p, 'index.js'), "module.exports = require('w');\n");
      packageIn(join(p, 'node_modules/w'), 'w', ' (w: node_modules)');
      writeFileSync(join(parent, 'linked/w.js'), sayingModule(' (w: baseUrl)'));
      symlinkSync(p, join(dir, 'node_modules/p'));
    },
    change: (parent: string) => config(join(parent, 'linked/tsconfig.json'), { baseUrl: '.' }),
  },
} satisfies Record<string, ChangeBeside>;

itFollowsEachChange('R146-4: %s: the run follows', ATTACKS);
