/**
 * Red team R143, the launcher's bundle name (bin/orgctl.mjs) after R142-2: a tsconfig.json esbuild
 * reads to bundle orgctl's sources names files the bundle was made under (`extends`), stated where
 * the bundle is named (configsExtended) so that an edit of one makes another bundle.
 *
 * R143-3 (hole): only the `extends` of the config nearest the engine's root were followed. esbuild
 * applies to each source the config nearest its own folder: a tsconfig.json in a source folder
 * (cli/, which the sources' walk states) extending a file outside the sources (a base config in
 * the folder above, or a package's under node_modules) read that file, and no stat of it named the
 * bundle: after an edit of it, the launcher ran the bundle made before (a `paths` entry sending an
 * import elsewhere, taken back, still sent it there). Now every config the walk finds is followed.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, engineCopy, tempDir, waitOutRacyWindow } from './helpers.ts';

/** The bare import levels' help names, and what each module it may name says. */
const SPECIFIER = 'orgctl-r143-help';
const SAYS = { plain: 'every level a grant may name', other: 'EVERY LEVEL A GRANT MAY NAME' } as const;
const { plain: PLAIN, other: OTHER } = SAYS;

/**
 * An engine copy in a folder of its own (`parent/engine`) whose `levels --help` ends with HELP of
 * the bare import SPECIFIER, and two modules it may name: vendor/plain.ts and vendor/other.ts.
 */
function engineImportingBare(): { readonly parent: string; readonly dir: string } {
  const parent = tempDir('orgctl-r143-launcher-');
  const dir = join(parent, 'engine');
  renameSync(engineCopy().dir, dir);
  const source = readFileSync(join(dir, 'cli/levels.ts'), 'utf8');
  // The help's last words, the catalog's, made HELP: the string a template literal.
  const help = new RegExp(`help: '(Usage: orgctl levels [^']*)${PLAIN}\\.',`);
  expect(source).toMatch(help);
  mkdirSync(join(dir, 'vendor'));
  const files: Record<string, string> = {
    'cli/levels.ts': `import { HELP } from '${SPECIFIER}';\n${source.replace(help, (_, head: string) => `help: \`${head}\${HELP}.\`,`)}`,
    ...Object.fromEntries(
      Object.entries(SAYS).map(([name, says]) => [
        `vendor/${name}.ts`,
        `export const HELP = ${JSON.stringify(says)};\n`,
      ]),
    ),
  };
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return { parent, dir };
}

const helpOf = (dir: string): string => {
  const r = cli(['levels', '--help'], { engine: dir });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
};

describe('R143-3: a tsconfig.json in a source folder extending a file outside the sources', () => {
  it('cli/tsconfig.json extends ../../base.json (the folder above the engine): its paths sent elsewhere, the run follows', () => {
    const { parent, dir } = engineImportingBare();
    writeFileSync(join(dir, 'cli/tsconfig.json'), JSON.stringify({ extends: '../../base.json' }));
    // paths in an extended config are relative to that config's folder.
    const base = (name: string) =>
      writeFileSync(
        join(parent, 'base.json'),
        JSON.stringify({ compilerOptions: { paths: { [SPECIFIER]: [`./engine/vendor/${name}.ts`] } } }),
      );
    base('plain');
    waitOutRacyWindow(); // nothing written within the build's clock tick: the bundle is kept
    expect(helpOf(dir)).toContain(PLAIN);
    waitOutRacyWindow(); // nothing recent: only stats name the bundle
    base('other');
    expect(helpOf(dir)).toContain(OTHER);
  });
});
