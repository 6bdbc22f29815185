/**
 * Red team R146, the launcher's bundle name (bin/orgctl.mjs) after R144: the bundle is named by the
 * stat of every file esbuild lists as read, the package.json files and the folders inside
 * node_modules from each package file's own up, but not the outermost node_modules folder (it
 * holds the cache) nor any folder above it.
 *
 * R146-1 (hole): a bare import is looked for in every node_modules folder from the importer's up:
 * one found in a node_modules folder above the engine's (a workspace's hoisted install) and then
 * put in the engine's own node_modules (by hand: no install record written) changed no stat the
 * bundle was named by, and the run kept the package found before.
 *
 * R146-3 (hole, the same class): pnpm's layout. node_modules/p is a link into
 * node_modules/.pnpm/p@1.0.0/node_modules/p; an upgrade writes .pnpm/p@2.0.0 and points the link
 * there, leaving p@1.0.0's files (no npm record either): the run kept p 1.0.0.
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ChangeBeside, itFollowsEachChange, sayingModule } from './helpers.ts';

/** A package `p` in `folder` (its own folder), whose main module says `says`. */
function packageP(folder: string, says: string): void {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'p', version: '1.0.0', main: 'index.js' }));
  writeFileSync(join(folder, 'index.js'), sayingModule(says));
}

const ATTACKS = {
  'R146-1: p found in the node_modules above the engine, then put in its own': {
    imports: 'p',
    before: ' (p: above)',
    after: ' (p: the engine)',
    make: (parent: string) => packageP(join(parent, 'node_modules/p'), ' (p: above)'),
    change: (_: string, dir: string) => packageP(join(dir, 'node_modules/p'), ' (p: the engine)'),
  },
  'R146-3: pnpm: node_modules/p, a link into .pnpm/p@1.0.0, pointed at .pnpm/p@2.0.0': {
    imports: 'p',
    before: ' (p: 1.0.0)',
    after: ' (p: 2.0.0)',
    make: (_: string, dir: string) => {
      for (const v of ['1.0.0', '2.0.0']) packageP(join(dir, `node_modules/.pnpm/p@${v}/node_modules/p`), ` (p: ${v})`);
      symlinkSync('.pnpm/p@1.0.0/node_modules/p', join(dir, 'node_modules/p'));
    },
    change: (_: string, dir: string) => {
      rmSync(join(dir, 'node_modules/p'));
      symlinkSync('.pnpm/p@2.0.0/node_modules/p', join(dir, 'node_modules/p'));
    },
  },
} satisfies Record<string, ChangeBeside>;

itFollowsEachChange('%s: the run follows', ATTACKS);
