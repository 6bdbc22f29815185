/**
 * Red team R146-2, the launcher's bundle name (bin/orgctl.mjs) after R144: a package linked into
 * node_modules from a folder outside any (`npm link`, a workspace's package). esbuild bundles its
 * files by their real paths, which are stated (R141-2); but R144's package.json files and folders
 * are stated only under a node_modules folder, and the link itself not at all. After a first run:
 * the package's `main` edited in place, a module added where a require of ./says found says.json
 * (esbuild tries says.js first), or the link pointed at another folder: each ran the bundle of the
 * module found before.
 */
import { cpSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ChangeBeside, itFollowsEachChange, sayingModule } from './helpers.ts';

/** p's package.json in `folder`, its main `main`. */
const mainOf = (folder: string, main: string): void =>
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'p', version: '1.0.0', main }));

/**
 * Package p in `parent/linked/p` (a.js says ' (p: a.js)', b.js what ./says finds: says.json), and
 * in `parent/linked/p2` a copy whose a.js says ' (p2: a.js)'; the engine's node_modules/p a link to the first.
 */
function linkedP(parent: string, dir: string, main: string): void {
  const p = join(parent, 'linked/p');
  mkdirSync(p, { recursive: true });
  mainOf(p, main);
  writeFileSync(join(p, 'a.js'), sayingModule(' (p: a.js)'));
  writeFileSync(join(p, 'b.js'), "module.exports = require('./says');\n");
  writeFileSync(join(p, 'says.json'), JSON.stringify({ SAYS: ' (p: says.json)' }));
  cpSync(p, join(parent, 'linked/p2'), { recursive: true });
  writeFileSync(join(parent, 'linked/p2/a.js'), sayingModule(' (p2: a.js)'));
  symlinkSync(p, join(dir, 'node_modules/p'));
}

const ATTACKS = {
  "its package.json's main edited in place (a.js -> b.js)": {
    imports: 'p',
    make: (parent: string, dir: string) => linkedP(parent, dir, 'a.js'),
    before: ' (p: a.js)',
    after: ' (p: says.json)',
    change: (parent: string) => mainOf(join(parent, 'linked/p'), 'b.js'),
  },
  'a says.js added beside the says.json its ./says found': {
    imports: 'p',
    make: (parent: string, dir: string) => linkedP(parent, dir, 'b.js'),
    before: ' (p: says.json)',
    after: ' (p: says.js)',
    change: (parent: string) => writeFileSync(join(parent, 'linked/p/says.js'), sayingModule(' (p: says.js)')),
  },
  'node_modules/p pointed at another folder': {
    imports: 'p',
    make: (parent: string, dir: string) => linkedP(parent, dir, 'a.js'),
    before: ' (p: a.js)',
    after: ' (p2: a.js)',
    change: (parent: string, dir: string) => {
      rmSync(join(dir, 'node_modules/p'));
      symlinkSync(join(parent, 'linked/p2'), join(dir, 'node_modules/p'));
    },
  },
} satisfies Record<string, ChangeBeside>;

itFollowsEachChange('R146-2: a linked package, %s: the run follows', ATTACKS);
