/**
 * Red team R141, the launcher (bin/orgctl.mjs; R138-2's esbuild plugin hashing the bytes bundled,
 * and its list of recent sources): can a bundle of other bytes run after an edit?
 *
 * R141-2: the bundle is named by the stats of the files a walk of orgctl's source folders finds,
 * and of the installed packages' files esbuild read. A folder among the sources that is a symbolic
 * link is not walked (readdirSync's entry is a link, not a folder: only the folder it names is
 * stated), and esbuild loads what it holds by its real path, outside the source folders and outside
 * node_modules: neither list names those files. An edit of one in place (the folder's stat is
 * unchanged) ran the bundle of the bytes before, however long after.
 *
 * Guards (no hole): a source swapped for a link to a file elsewhere (the link's target is stated),
 * a source deleted, a module added, the cache folder another user's or group-writable, a cache made
 * by another checkout of the same sources.
 */
import { chmodSync, cpSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, engineCopy, waitOutRacyWindow } from './helpers.ts';

const HELP = 'every level a grant may name';
const SHOUTED = HELP.toUpperCase();

/** An engine copy whose `levels --help` text comes from `cli/<from>` (a module of its own), written by `write`. */
function helpFromModule(from: string, write: (dir: string, text: string) => void): string {
  const { dir } = engineCopy();
  const levels = join(dir, 'cli/levels.ts');
  const text = readFileSync(levels, 'utf8');
  const edited = `import { HELP } from './${from}';\n${text.replace(`help: 'Usage: orgctl levels [--format text|json]\\n\\nThe access-level catalog: ${HELP}.',`, 'help: `Usage: orgctl levels [--format text|json]\\n\\nThe access-level catalog: ${HELP}.`,')}`;
  expect(edited).not.toBe(`import { HELP } from './${from}';\n${text}`);
  writeFileSync(levels, edited);
  write(dir, `export const HELP = ${JSON.stringify(HELP)};\n`);
  return dir;
}

const levelsHelp = (dir: string) => cli(['levels', '--help'], { engine: dir });

/**
 * Each test's engine made and run once (its bundle built and kept) before any test, and one wait
 * out of the racy window for all: each test then edits its engine after its files have left the
 * window, as a wait of its own did (2.1 s of idle wall time a test, five of them).
 */
interface Made {
  readonly dir: string;
  /** `levels --help` before the edit: the first run, which builds and keeps the bundle. */
  readonly before: string;
}
const engines: Record<string, Made> = {};
const ran = (dir: string): Made => ({ dir, before: levelsHelp(dir).stdout });
beforeAll(() => {
  engines.linkedFolder = ran(
    helpFromModule('ext/help.ts', (d, text) => {
      mkdirSync(join(d, 'vendor/ext'), { recursive: true });
      writeFileSync(join(d, 'vendor/ext/help.ts'), text);
      symlinkSync('../vendor/ext', join(d, 'cli/ext'));
    }),
  );
  engines.linkedFile = ran(
    helpFromModule('help.ts', (d, text) => {
      mkdirSync(join(d, 'vendor'));
      writeFileSync(join(d, 'vendor/help.ts'), text);
      symlinkSync('../vendor/help.ts', join(d, 'cli/help.ts'));
    }),
  );
  const ownModule = () => helpFromModule('help.ts', (d, text) => writeFileSync(join(d, 'cli/help.ts'), text));
  engines.swapped = ran(ownModule());
  engines.deleted = ran(ownModule());
  engines.writable = ran(ownModule());
  chmodSync(join(engines.writable.dir, 'node_modules/.cache/orgctl'), 0o777);
  waitOutRacyWindow(); // nothing recent: only stats name the bundle
}, 300_000);

describe('R141-2: a source folder that is a link to a folder elsewhere', () => {
  it('an edit in place of a module there is bundled again: the launcher runs the bytes written', () => {
    const { dir, before } = engines.linkedFolder!;
    expect(before).toContain(HELP);
    const file = join(dir, 'vendor/ext/help.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace(HELP, SHOUTED)); // in place: the folder's stat is unchanged
    const after = levelsHelp(dir);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain(SHOUTED);
  });
});

describe('R141 guards: the launcher after an edit', () => {
  it('a source that is a link to a file elsewhere: an edit of that file in place runs', () => {
    const { dir, before } = engines.linkedFile!;
    expect(before).toContain(HELP);
    const file = join(dir, 'vendor/help.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace(HELP, SHOUTED));
    expect(levelsHelp(dir).stdout).toContain(SHOUTED);
  });

  it('a source swapped for a link to a copy of other bytes runs the copy', () => {
    const { dir, before } = engines.swapped!;
    expect(before).toContain(HELP);
    mkdirSync(join(dir, 'vendor'));
    writeFileSync(join(dir, 'vendor/help.ts'), `export const HELP = ${JSON.stringify(SHOUTED)};\n`);
    rmSync(join(dir, 'cli/help.ts'));
    symlinkSync('../vendor/help.ts', join(dir, 'cli/help.ts'));
    expect(levelsHelp(dir).stdout).toContain(SHOUTED);
  });

  it('a module deleted fails as the sources fail; put back, runs; a module added and imported runs', () => {
    const { dir, before } = engines.deleted!;
    expect(before).toContain(HELP);
    renameSync(join(dir, 'cli/help.ts'), join(dir, 'help.ts.kept'));
    expect(levelsHelp(dir).code).not.toBe(0);
    renameSync(join(dir, 'help.ts.kept'), join(dir, 'cli/help.ts'));
    expect(levelsHelp(dir).stdout).toContain(HELP);
    waitOutRacyWindow();
    writeFileSync(join(dir, 'cli/help2.ts'), `export const HELP = ${JSON.stringify(SHOUTED)};\n`);
    const levels = join(dir, 'cli/levels.ts');
    writeFileSync(levels, readFileSync(levels, 'utf8').replace("from './help.ts'", "from './help2.ts'"));
    expect(levelsHelp(dir).stdout).toContain(SHOUTED);
  });

  it('a cache folder another user may write to is not used: the sources run, and say what they say', () => {
    const { dir, before } = engines.writable!;
    expect(before).toContain(HELP);
    const file = join(dir, 'cli/help.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace(HELP, SHOUTED));
    const r = cli(['levels', '--help'], { engine: dir, env: { ORGCTL_DEBUG: '1' } });
    expect(r.stdout).toContain(SHOUTED);
    expect(r.stderr).toContain('another user may write to it');
  });

  it("another checkout's cache (the same sources, copied with their times) is not this checkout's bundle", () => {
    const dir = helpFromModule('help.ts', (d, text) => writeFileSync(join(d, 'cli/help.ts'), text));
    expect(levelsHelp(dir).stdout).toContain(HELP);
    // The other checkout's bundle says what its sources said; this one's sources say otherwise.
    const { dir: other } = engineCopy();
    const file = join(other, 'cli/levels.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace(HELP, SHOUTED));
    rmSync(join(other, 'node_modules/.cache'), { recursive: true, force: true });
    cpSync(join(dir, 'node_modules/.cache'), join(other, 'node_modules/.cache'), {
      recursive: true,
      preserveTimestamps: true,
    });
    expect(levelsHelp(other).stdout).toContain(SHOUTED);
  });
});
