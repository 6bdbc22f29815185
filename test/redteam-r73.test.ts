/**
 * Red team R73: the approval's text while base's lock cannot be read, and what orgctl caches and
 * trusts later (R68's leftovers).
 *
 * R73-1 (medium, closed): readHeadInstalledLock was handed base's lock only when readable, so
 * while it could not be read (git's conflict markers) the approval of an upgrade was told what
 * head's lock installs as judged against npm's public registry; it now takes base's reading as
 * readHeadLock does and says the registries are unknown.
 * R73-2 (low, closed): explain kept an index of a spec file saved and put back (A, B, A) while it
 * loaded, as A's, with B's answers: writeExplainIndex now compares the file's stamp too.
 * R73-3 (low, closed): a dependency patched in place after the launcher's bundle was built
 * (patch-package, a hand edit) never ran: the bundle is now named by the stats of every package
 * file it holds too.
 *
 * What held: processes bundling the same sources at once (spawned here) each build into a folder
 * of their own and rename it into place; the losers load the winner's, no bundle is half-written
 * or mixed, nothing is left behind. V8's kept code is written under a unique name and renamed, and
 * checked by its CRC-32 when read. explain's index is of the spec file, never of dist/: dist/
 * changing while an index is written changes nothing it answers. Two writers of one index each
 * write a folder of their own and rename it into place (a reader finds one whole, or none).
 *
 * Not done: a reader of explain's index checks the record, then opens the answers by path, so a
 * writer replacing the folder in between (rm, rename) can hand it the next index's answers, even
 * mixed with the head it already read (R68's check-then-read: opening all four files first and
 * checking their fstat against the record would close it: done and tested in R77-1). A
 * run using a bundle unused for an hour may see it pruned by a run of other sources midway (it
 * touches the folder first; the window is that of a stat). A package file esbuild would now
 * resolve to that did not exist at the build (a new index.mjs beside index.js) is not stamped,
 * as R68-2 stamps a declaration's candidates; npm writes a package's files only in an install,
 * which .package-lock.json records.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { declarationBefore, explainIndexOf, writeExplainIndex } from '../cli/explain-cache.ts';
import { loadDeclaration } from '../cli/load.ts';
import { MAX_SPEC_BYTES } from '../constructs/spec.ts';
import { placeCheckedDeclaration } from '../constructs/analyze.ts';
import { judgeLockChange } from './base-lock-project.ts';
import { bobHolds, bobInIndex } from './explain-index-bob.ts';
import { cli, engineCopy, ROOT, TODAY, tempDir, waitOutRacyWindow } from './helpers.ts';

// The file's env stubs end with it: it shares its worker with the files after it (vitest.config.ts).
afterAll(() => {
  vi.unstubAllEnvs();
});

const SHA512 = `sha512-${'A'.repeat(86)}==`;
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
const NEW = '9.0.0-test';

/** A lock of `root` (its entry, as the lock writes it) installing orgctl `version` from `tarball`. */
const lockOf = (root: Record<string, unknown>, version: string, tarball: string) =>
  JSON.stringify({
    ...root,
    lockfileVersion: 3,
    requires: true,
    packages: { '': root, 'node_modules/orgctl': { version, resolved: tarball, integrity: SHA512 } },
  });

/**
 * R73-1: the approval of an upgrade is told what head's lock installs (readHeadInstalledLock),
 * judged against the registries base's lock installs from. While base's lock could not be read
 * (git's conflict markers: R59-3), that text was judged against npm's public registry, as for a
 * base with no lock at all: a head lock moving orgctl from base's own registry to the public one
 * (where anyone may publish a package named orgctl) read as vouched for, where readHeadLock (the
 * head proof) already said which registries head may install from is unknown.
 */
describe("R73-1: an upgrade's approval while base's lock cannot be read", () => {
  const project = { name: 'acme-org', version: '1.0.0', dependencies: { orgctl: `^${VERSION}` } };
  const manifest = JSON.stringify(project, null, 2);
  const privateTarball = `https://npm.acme.internal/orgctl/-/orgctl-${VERSION}.tgz`;
  const baseLock = lockOf(project, VERSION, privateTarball);
  /** Base's lock with git's conflict markers around its orgctl, as a merge leaves it. */
  const conflicted = baseLock.replace(
    `"resolved":"${privateTarball}"`,
    `\n<<<<<<< HEAD\n"resolved":"${privateTarball}"\n=======\n"resolved":"${privateTarball}"\n>>>>>>> other\n`,
  );
  const publicLock = lockOf(project, NEW, `https://registry.npmjs.org/orgctl/-/orgctl-${NEW}.tgz`);

  it("tells it the registries are unknown, never judges head's lock against npm's public registry", () => {
    expect(conflicted).toContain('<<<<<<<');
    const r = judgeLockChange(NEW, manifest, conflicted, publicLock);
    expect(r.code).toBe(1);
    expect(r.proof).toMatch(/❌.*which registries head's package-lock\.json may install orgctl from is unknown/);
    expect(r.engine).toMatch(
      /approving it trusts whatever head's lock installs.*cannot tell: base's package-lock\.json cannot be read.*which registries head's package-lock\.json may install orgctl from is unknown/,
    );
  });

  it('a guard: with the same lock readable, the approval is told the source head moves orgctl to', () => {
    const r = judgeLockChange(NEW, manifest, baseLock, publicLock);
    expect(r.engine).toMatch(
      /approving it trusts orgctl 9\.0\.0-test from `https:\/\/registry\.npmjs\.org\/.*in place of .*npm\.acme\.internal.*everything the lock installs/,
    );
  });
});

/**
 * R73-2: explain keeps an index of a spec file only when the file is the same after it was loaded
 * as before (writeExplainIndex), and it compared the bytes' SHA-256 alone. A file saved in place
 * while it was loaded and put back before the load ended (A, B, A: an editor writing in place, a
 * script undoing its change) has A's bytes after: the index of B's organization was kept as A's,
 * and answered every later question about A (bob holding r:full where the file says r:pods) until
 * the file changes again. The file's stamp (its change time) says it was written meanwhile.
 */
describe('R73-2: a spec file saved while explain loads it, then put back', () => {
  it("keeps no index of what was loaded meanwhile as the file's", async () => {
    vi.stubEnv('ORGCTL_CACHE_DIR', tempDir('orgctl-r73-2-cache-'));
    const file = join(tempDir('orgctl-r73-2-'), 'org.json');
    const a = bobHolds('r:pods');
    const b = bobHolds('r:full');
    writeFileSync(file, a);
    const index = explainIndexOf(file, TODAY, 'abcdef0123456789')!;
    expect(index).toBeDefined();
    // explain's steps (cli/explain.ts), with the file saved (in place) and put back while it loads.
    const before = declarationBefore(index, MAX_SPEC_BYTES.json)!;
    writeFileSync(file, b);
    const loaded = await loadDeclaration(file, TODAY);
    writeFileSync(file, a);
    const placed = placeCheckedDeclaration(loaded.declared, { today: TODAY });
    expect(placed.ok).toBe(true);
    writeExplainIndex(index, before, placed.model!, placed.objects!);
    expect(readFileSync(file, 'utf8')).toBe(a);
    const held = bobInIndex(index);
    // No index, or one of what the file says (A: r:pods), never B's.
    if (held !== undefined) expect(held).toEqual(['acme:r:pods']);
  });

  it('a guard: a file left alone while it loads is indexed, and answered from', async () => {
    vi.stubEnv('ORGCTL_CACHE_DIR', tempDir('orgctl-r73-2-cache-'));
    const file = join(tempDir('orgctl-r73-2-'), 'org.json');
    writeFileSync(file, bobHolds('r:pods'));
    const index = explainIndexOf(file, TODAY, 'abcdef0123456789')!;
    const before = declarationBefore(index, MAX_SPEC_BYTES.json)!;
    const placed = placeCheckedDeclaration((await loadDeclaration(file, TODAY)).declared, { today: TODAY });
    writeExplainIndex(index, before, placed.model!, placed.objects!);
    expect(bobInIndex(index)).toEqual(['acme:r:pods']);
  });
});

/** Runs orgctl of `engine` with `args` in a child process, not waiting: its exit code and output. */
const started = (engine: string, args: readonly string[]) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(process.execPath, [join(engine, 'bin/orgctl.mjs'), ...args], { cwd: engine });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });

/** The files of a folder below it, each with its bytes' SHA-256. */
const filesOf = (dir: string): Record<string, string> =>
  Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => {
        const path = join(e.parentPath, e.name);
        return [relative(dir, path), createHash('sha256').update(readFileSync(path)).digest('hex')];
      }),
  );

/**
 * Held (R73, pinned): orgctl processes started at once on sources not bundled yet each build the
 * bundle (bin/orgctl.mjs) into a folder of their own (`<fingerprint>.tmp-<pid>-<random>`) and
 * rename it into place; the first rename wins, the others' fail (the folder is there, not empty)
 * and they remove their own and load the winner's. None reads a half-written bundle, none mixes
 * two, and nothing is left behind.
 */
describe('the launcher bundling the same sources in processes at once', () => {
  it("each runs whole, and the bundle kept is one build's, byte for byte", async () => {
    const alone = engineCopy();
    expect(cli(['levels'], { engine: alone.dir }).code).toBe(0);
    /** The bundles' folders (beside them, each sources' list of the packages' files: R73-3). */
    const bundles = (cache: string) => readdirSync(cache).filter((n) => !n.endsWith('.inputs'));
    const [built] = bundles(alone.cache);
    const { dir, cache } = engineCopy();
    const runs = await Promise.all([1, 2, 3, 4].map(() => started(dir, ['levels'])));
    for (const r of runs) expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(new Set(runs.map((r) => r.stdout)).size).toBe(1);
    expect(readdirSync(cache).filter((n) => n.includes('.tmp-'))).toEqual([]);
    const folders = bundles(cache);
    expect(folders).toHaveLength(1);
    const bundle = (root: string, name: string) =>
      Object.fromEntries(Object.entries(filesOf(join(root, name))).filter(([f]) => f.endsWith('.cjs')));
    expect(bundle(cache, folders[0]!)).toEqual(bundle(alone.cache, built!));
    // And what each kept of V8's code is whole: the bundle runs from it.
    expect(readdirSync(join(cache, folders[0]!)).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(cli(['levels'], { engine: dir })).toMatchObject({ code: 0, stdout: runs[0]!.stdout });
  });
});

/**
 * R73-3: the launcher's bundle holds orgctl's dependencies too, and its fingerprint knows them only
 * by node_modules/.package-lock.json, which npm writes when it installs. A dependency patched in
 * place afterwards (patch-package, which a project runs after npm install; a fix edited into
 * node_modules by hand) left the fingerprint as it was: the bundle of the package before the patch
 * went on running, the patch never did (a security fix of a parser not applied, with no word), and
 * explain's indexes, named by that engine, answered on.
 */
describe('R73-3: a dependency patched in place after the bundle was built', () => {
  it('is bundled again: the patched package runs', () => {
    const { dir, cache } = engineCopy(['dist']);
    // yaml a copy of its own, to patch (the others stay links to this repository's).
    rmSync(join(dir, 'node_modules/yaml'));
    cpSync(join(ROOT, 'node_modules/yaml'), join(dir, 'node_modules/yaml'), { recursive: true, dereference: true });
    // Out of the launcher's racy window, so the first bundle is kept: else the run after the patch
    // builds again whatever the bundle's name states, and this test could not fail.
    waitOutRacyWindow();
    const first = cli(['synth', '--check'], { engine: dir });
    expect(first.code).toBe(0);
    expect(readdirSync(cache).filter((n) => !n.endsWith('.inputs'))).toHaveLength(1);
    const file = join(dir, 'node_modules/yaml/dist/index.js');
    const inode = statSync(file).ino;
    // The patch says which process ran it: orgctl's own (the launcher's bundle), or the declaration's.
    writeFileSync(
      file,
      `${readFileSync(file, 'utf8')}\nprocess.stderr.write(\`yaml, patched (\${process.argv[1]})\\n\`);\n`,
    ); // in place
    expect(statSync(file).ino).toBe(inode);
    const cached = cli(['synth', '--check'], { engine: dir });
    // What a run without the bundle does (it builds the bundle again): the patched package's word
    // from orgctl's own process, and else word for word the run before the patch.
    expect(cached.stderr).toContain(`yaml, patched (${join(dir, 'bin/orgctl.mjs')})\n`);
    expect({ ...cached, stderr: cached.stderr.replace(/^yaml, patched \(.*\)\n/gm, '') }).toEqual(first);
  });
});
