/**
 * Red team R142, the launcher (bin/orgctl.mjs) after R141-2: can a stale bundle still run?
 *
 * R142-2 (hole): esbuild reads a tsconfig.json to bundle orgctl's sources (the nearest at or above
 * each source's folder: the engine's own, or any folder's above it when it has none), and applies
 * what it says: `paths` decides which file a bare import names, `extends` reads another. No such
 * file is stated where the bundle is named (the sources' walk, the install's record, the files
 * esbuild lists as read): after an edit of one, the launcher ran the bundle made under it before,
 * however long after (a `paths` entry sending an import elsewhere, taken back, still sent it there).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, engineCopy, tempDir, waitOutRacyWindow } from './helpers.ts';

const PLAIN = 'every level a grant may name';
const OTHER = 'EVERY LEVEL A GRANT MAY NAME';
const SPECIFIER = 'orgctl-r142-help';

/**
 * An engine copy in a folder of its own (`parent/engine`), whose `levels --help` text is HELP of the
 * bare import SPECIFIER, and two modules it may name: vendor/plain.ts (PLAIN) and vendor/other.ts (OTHER).
 */
function engineImportingBare(): { readonly parent: string; readonly dir: string } {
  const parent = tempDir('orgctl-r142-launcher-');
  const dir = join(parent, 'engine');
  renameSync(engineCopy().dir, dir);
  const levels = join(dir, 'cli/levels.ts');
  const text = readFileSync(levels, 'utf8');
  const edited = text.replace(
    `help: 'Usage: orgctl levels [--format text|json]\\n\\nThe access-level catalog: ${PLAIN}.',`,
    'help: `Usage: orgctl levels [--format text|json]\\n\\nThe access-level catalog: ${HELP}.`,',
  );
  expect(edited).not.toBe(text);
  writeFileSync(levels, `import { HELP } from '${SPECIFIER}';\n${edited}`);
  mkdirSync(join(dir, 'vendor'));
  for (const [name, help] of [
    ['plain', PLAIN],
    ['other', OTHER],
  ])
    writeFileSync(join(dir, `vendor/${name}.ts`), `export const HELP = ${JSON.stringify(help)};\n`);
  return { parent, dir };
}

/** A tsconfig.json at `file` whose `paths` send SPECIFIER to `target` (relative to it). */
const pathsTo = (file: string, target: string): void =>
  writeFileSync(file, JSON.stringify({ compilerOptions: { paths: { [SPECIFIER]: [target] } } }));

const helpOf = (dir: string): string => {
  const r = cli(['levels', '--help'], { engine: dir });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
};

/** Where a config is written, and the file whose paths are edited (under `parent`, the engine its `engine` folder). */
const CONFIGS: [string, (parent: string) => { readonly file: string; readonly to: (name: string) => string }][] = [
  ["the engine's own tsconfig.json", (p) => ({ file: join(p, 'engine/tsconfig.json'), to: (n) => `./vendor/${n}.ts` })],
  [
    'a tsconfig.json in the folder above an engine that has none',
    (p) => ({ file: join(p, 'tsconfig.json'), to: (n) => `./engine/vendor/${n}.ts` }),
  ],
  [
    'a file the tsconfig.json extends',
    (p) => {
      writeFileSync(join(p, 'engine/tsconfig.json'), JSON.stringify({ extends: './tsconfig.base.json' }));
      return { file: join(p, 'engine/tsconfig.base.json'), to: (n) => `./vendor/${n}.ts` };
    },
  ],
];

/** An engine under a config of CONFIGS, its paths sending SPECIFIER to vendor/plain.ts, and its first run's help. */
interface Made {
  readonly dir: string;
  readonly file: string;
  readonly to: (name: string) => string;
  /** `levels --help` before the edit: the first run, which builds and keeps the bundle. */
  readonly before: string;
}

/**
 * Each test's engine made before any test, and one wait out of the racy window for all three at
 * each of a test's two waits (was two of 2.1 s a test): each engine's first run builds its bundle
 * from files out of the window, and each edit comes after that bundle's files left the window.
 */
const made: Made[] = [];
beforeAll(() => {
  const configured = CONFIGS.map(([, config]) => {
    const { parent, dir } = engineImportingBare();
    const { file, to } = config(parent);
    pathsTo(file, to('plain'));
    return { dir, file, to };
  });
  waitOutRacyWindow(); // nothing written within the build's clock tick: the bundle is kept
  for (const c of configured) made.push({ ...c, before: helpOf(c.dir) });
  waitOutRacyWindow(); // nothing recent: only stats name the bundle
}, 180_000);

describe('R142-2: a tsconfig.json esbuild reads, edited after a bundle was made', () => {
  it.each(CONFIGS.map(([name], i) => [name, i] as const))('%s: its paths sent elsewhere, the run follows', (_, i) => {
    const { dir, file, to, before } = made[i]!;
    expect(before).toContain(PLAIN);
    pathsTo(file, to('other'));
    expect(helpOf(dir)).toContain(OTHER);
  });
});
