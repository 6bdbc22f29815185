/**
 * Red team R88, a third pass at the declaration's isolation (cli/isolated-declaration.ts, the belt
 * in bin/declaration.mjs, the bundler's reach in cli/declaration.ts): R81's leftovers, each a way a
 * merged declaration learned of or held up the machine it runs on.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, cli, cliOr, declarationRunning as declarationIn, pollUntil, repoScratch, tempDir } from './helpers.ts';
import { cliOrPrinted } from './helpers.ts';
import { runIsolated } from '../cli/isolated-declaration.ts';
import { nodeBinary, PINNED_NODES } from './engines/nodes.ts';

const scratch = repoScratch('r88-');

/** A valid declaration in a folder of its own (in a project beside a secret) that runs `attack` first. */
function declarationRunning(attack: string, imports = ''): { project: string; dir: string; file: string } {
  const project = scratch();
  writeFileSync(join(project, 'secret.txt'), 'hunter2\n');
  writeFileSync(join(project, 'package.json'), '{}');
  const dir = join(project, 'org');
  return { project, dir, file: declarationIn(dir, attack, imports) };
}

/** What a declaration's probes answered (`answer CODE` lines it printed). */
const answers = (stderr: string): string[] => [...stderr.matchAll(/^answer (.*)$/gm)].map((m) => m[1]!);

describe('R88-1: whether a file outside the reach is there, from the ES module resolver', () => {
  // Node's ESM resolver (20, 22, 24, 26) stats the file before the permission model is asked: an
  // import() of a path outside the reach failed ERR_MODULE_NOT_FOUND when it is not there,
  // ERR_UNSUPPORTED_DIR_IMPORT for a folder and ERR_ACCESS_DENIED when it is (~/.aws/credentials,
  // ~/.kube/config: which cloud the admin uses), to write into the output or the check job's log.
  /** Each way to call the resolver with a path named at run time: `load(p)`. */
  const ways: readonly [string, string, string?][] = [
    ['import(p)', 'const load = (p: string) => import(p);'],
    ['eval', "const load = (p: string) => eval('import(p)');"],
    ['new Function', "const load = new Function('p', 'return import(p)') as (p: string) => Promise<unknown>;"],
    [
      'vm',
      'const load = (p: string) => vm.runInThisContext(`import(${JSON.stringify(p)})`, { importModuleDynamically: (vm.constants as any).USE_MAIN_CONTEXT_DEFAULT_LOADER });',
      "import vm from 'node:vm';",
    ],
    [
      'process.getBuiltinModule',
      "const vm = (process as any).getBuiltinModule('vm');\nconst load = (p: string) => vm.runInThisContext(`import(${JSON.stringify(p)})`, { importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });",
    ],
    [
      'a CommonJS file of its folder, loaded at run time',
      "const load = createRequire(import.meta.url)('./load.cjs') as (p: string) => Promise<unknown>;",
      "import { createRequire } from 'node:module';",
    ],
  ];
  // The first way through the CLI, as people run it; the others by main() in this process with what
  // the declaration printed (cliOrPrinted: the same declaration process, its prints as the CLI's
  // stderr has them): what is asserted is what the declaration's probes printed.
  it('answers alike for a file that is there, one that is not and a folder, whichever way it asks', async () => {
    for (const [i, [way, attack, imports]] of ways.entries()) {
      const { project, dir, file } = declarationRunning(
        `${attack}
for (const name of ['secret.txt', 'absent.txt', 'lib']) {
  const p = new URL(\`../\${name}\`, import.meta.url).pathname;
  try { await load(p); console.error('answer loaded'); } catch (e: any) { console.error('answer', e.code ?? e.name); }
}`,
        imports,
      );
      writeFileSync(join(dir, 'load.cjs'), 'module.exports = (p) => import(p);\n');
      mkdirSync(join(project, 'lib'));
      const r = await cliOrPrinted(i === 0, ['check', '--spec', file]);
      expect(new Set(answers(r.stderr)).size, `${way}: ${r.stderr}`).toBeLessThanOrEqual(1);
    }
  });

  it('answers alike for a file named in the code, there or not, by path or URL', async () => {
    for (const [i, form] of ['PATH', 'file://PATH', 'data:text/javascript,import "file://PATH"'].entries()) {
      const said: string[] = [];
      // The first form's two through the CLI; the others' in this process, as above (each pair alike).
      for (const name of ['secret.txt', 'absent.txt']) {
        const { project, file } = declarationRunning(
          "try { await import('SPEC'); console.error('answer loaded'); } catch (e: any) { console.error('answer', e.code ?? e.name); }",
        );
        const target = join(project, name);
        const spec = form.replace('PATH', target);
        writeFileSync(file, readFileSync(file, 'utf8').replace('SPEC', spec));
        const r = await cliOrPrinted(i === 0, ['check', '--spec', file]);
        // The URL refusal quotes the first 80 characters of the specifier: where that cut falls
        // depends on the length of the temporary folder's path, so the quote is replaced first.
        said.push(
          `${r.code} ${r.stderr}`
            .replaceAll(spec.slice(0, 80), 'SPEC')
            .replaceAll(target, 'TARGET')
            .replaceAll(project, 'PROJECT'),
        );
      }
      expect(said[0], form).toBe(said[1]);
    }
  });
});

describe('R88-1, what is left: an installed package’s own import() of a path it is handed', () => {
  // A package is imported from where it is installed, not bundled: the bundle's checks never see
  // its code, and a branch can commit one into org/node_modules (git checks out ignored folders;
  // npm ci empties only the project's node_modules). Node 22.15 and later run the belt's resolve
  // hook in the declaration's thread before their resolver looks; Node 20 has no such hook
  // (module.register's run on a worker thread, which a declaration may not start), and answers.
  const engines = [
    [process.versions.node, process.execPath],
    ...PINNED_NODES.filter((v) => existsSync(nodeBinary(v))).map((v) => [v, nodeBinary(v)]),
  ];
  it.each(engines)('Node %s answers alike only from 22.15 on', (version, node) => {
    const { project, dir, file } = declarationRunning(
      `for (const name of ['secret.txt', 'absent.txt', 'lib']) {
  try { await load(new URL(\`../\${name}\`, import.meta.url).pathname); console.error('answer loaded'); } catch (e: any) { console.error('answer', e.code ?? e.name); }
}`,
      "import load from 'probe';",
    );
    mkdirSync(join(project, 'lib'));
    mkdirSync(join(dir, 'node_modules', 'probe'), { recursive: true });
    writeFileSync(
      join(dir, 'node_modules', 'probe', 'package.json'),
      '{"name":"probe","type":"module","main":"index.js"}',
    );
    writeFileSync(join(dir, 'node_modules', 'probe', 'index.js'), 'export default (p) => import(p);\n');
    const r = cli(['check', '--spec', file], { node });
    const [major, minor] = version.split('.').map(Number) as [number, number];
    expect(new Set(answers(r.stderr)).size, r.stderr).toBe(major > 22 || (major === 22 && minor >= 15) ? 1 : 3);
  });
});

describe('R88-5: module.findPackageJSON (Node 22.14 and later), which resolves past the resolve hook', () => {
  // It resolves its specifier and walks up to a package.json with Node's own resolver, not the
  // hooks: ERR_ACCESS_DENIED for a file outside the reach that is there, ERR_MODULE_NOT_FOUND for
  // one that is not; a package name from a file outside found packages there.
  const engines = PINNED_NODES.filter((v) => existsSync(nodeBinary(v))).map((v) => [v, nodeBinary(v)]);
  it.skipIf(!engines.length).each(engines)('Node %s answers alike for a file there and one not', (_version, node) => {
    const { project, file } = declarationRunning(
      `const { findPackageJSON } = (process as any).getBuiltinModule('module');
for (const [specifier, base] of [['../lib/x.js', import.meta.url], ['../absent.js', import.meta.url], ['thing', new URL('../lib/x.js', import.meta.url).href], ['thing', new URL('../absent.js', import.meta.url).href]]) {
  try { findPackageJSON(specifier, base); console.error('answer found'); } catch (e: any) { console.error('answer', e.code ?? e.name); }
}`,
    );
    mkdirSync(join(project, 'lib', 'node_modules', 'thing'), { recursive: true });
    writeFileSync(join(project, 'lib', 'x.js'), '');
    writeFileSync(join(project, 'lib', 'node_modules', 'thing', 'package.json'), '{"name":"thing","main":"i.js"}');
    writeFileSync(join(project, 'lib', 'node_modules', 'thing', 'i.js'), '');
    const r = cli(['check', '--spec', file], { node });
    expect(new Set(answers(r.stderr)).size, r.stderr).toBeLessThanOrEqual(1);
  });
});

describe('R88-2: the folders of the machine a declaration runs on', () => {
  // process.cwd() named the folder orgctl was run in (the admin's), os.homedir() their home (and
  // account name), process.execPath, argv and execArgv the folders Node and orgctl are installed
  // in and every folder granted: all for the declaration to write into the output the admin pushes.
  it("names neither the folder orgctl runs in, the admin's home, nor where Node and orgctl are", () => {
    const { project, file } = declarationRunning(
      `try { console.error('home', (await import('node:os')).homedir()); } catch (e: any) { console.error('refused', e.message); }
console.error('view', JSON.stringify([process.cwd(), process.execPath, process.argv, process.execArgv]));
console.error('read', readFileSync(new URL('./people.json', import.meta.url), 'utf8').trim(), readFileSync('org/people.json', 'utf8').trim());`,
      "import { readFileSync } from 'node:fs';",
    );
    writeFileSync(join(project, 'org', 'people.json'), '["bob"]\n');
    const elsewhere = scratch();
    const r = cli(['check', '--spec', file], { cwd: elsewhere });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('read ["bob"] ["bob"]'); // its own files, by its URL and from its project's root
    for (const named of [
      elsewhere,
      userInfo().homedir,
      dirname(process.execPath),
      '--allow-fs-read',
      'declaration.mjs',
    ])
      expect(r.stderr, named).not.toContain(named);
  });
});

describe('R88-3: orgctl killed (SIGKILL, an OOM kill, a runner that ends the job) while a declaration runs', () => {
  // R81-4 stops the child when orgctl ends by a signal it can catch; a SIGKILL is not caught, and
  // the child looped on, orphaned, until nothing: no time limit is left to stop it.
  /** The declaration processes running for a project (by the folder granted them), not zombies. */
  const runningFor = (project: string): number[] =>
    spawnSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' })
      .stdout.split('\n')
      // The guard's own line names declaration.mjs too (its child's arguments), and a fork of it
      // shows that line until it execs: the declaration is the line that is not the guard's.
      .filter(
        (line) =>
          line.includes('declaration.mjs') &&
          !line.includes('declaration-guard.mjs') &&
          line.includes(project) &&
          !/^\s*\d+\s+Z/.test(line),
      )
      .map((line) => Number.parseInt(line, 10));
  it('leaves no declaration running, busy or blocked', async () => {
    for (const loop of ['for (;;) {}', 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);']) {
      const { project, file } = declarationRunning(loop);
      const orgctl = spawn(process.execPath, [join(ROOT, 'bin/orgctl.mjs'), 'check', '--spec', file], {
        stdio: 'ignore',
      });
      try {
        const found = await pollUntil(
          () => runningFor(project),
          (f) => f.length > 0,
          20_000,
        );
        expect(found.length, loop).toBe(1);
        await new Promise((r) => setTimeout(r, 300));
        const ended = new Promise((r) => orgctl.on('exit', r));
        orgctl.kill('SIGKILL');
        await ended;
        expect(
          await pollUntil(
            () => runningFor(project),
            (left) => !left.length,
            3_000,
          ),
          loop,
        ).toEqual([]);
      } finally {
        for (const pid of runningFor(project)) process.kill(pid, 'SIGKILL');
      }
    }
  }, 90_000);
});

describe('R88-4: Node’s modules a declaration has no use for', () => {
  // The belt closed each module's known ways (a deny list); vm compiles code with Node's module
  // loader (R88-1's probe past --disallow-code-generation-from-strings), repl and cluster and the
  // rest were never looked at. A declaration builds data: it loads what that needs, nothing else.
  it('is refused loading one, however it asks, naming the module', async () => {
    for (const [i, [way, attack, imports]] of (
      [
        ['import', 'console.error(typeof vm);', "import vm from 'node:vm';"],
        ['a bare name', 'console.error(typeof repl);', "import repl from 'repl';"],
        ['require', "createRequire(import.meta.url)('vm');", "import { createRequire } from 'node:module';"],
        ['process.getBuiltinModule', "(process as any).getBuiltinModule('node:cluster');", ''],
      ] as const
    ).entries()) {
      const { file } = declarationRunning(attack, imports);
      // The first through the CLI, as people run it; the others by main() in this process (what the
      // CLI runs, the same declaration process): what is asserted is orgctl's own exit code and
      // refusal, and orgctl's own process is about 0.35 s of CPU of a check's 1.8 s here.
      const r = await cliOr(i === 0, ['check', '--spec', file]);
      expect(r.code, `${way}: ${r.stderr}`).toBe(2);
      expect(r.stderr, way).toMatch(/node:(vm|repl|cluster), a module of Node's a declaration has no use for/);
    }
  });
});

describe('R88-6: a declaration that takes the machine’s memory', () => {
  // Buffers live outside V8's heap, which alone Node limits: a declaration that fills them
  // (Buffer.alloc(1 << 30, 1), again and again) took all of the admin's memory, or the runner's,
  // in seconds, long before the time limit (the kernel's OOM killer then picks a process, maybe
  // not it).
  it('is stopped once it uses more memory than a declaration may, and said so', async () => {
    const dir = tempDir('orgctl-r88-');
    const bundle = join(dir, 'bundle.mjs');
    writeFileSync(
      bundle,
      'const kept = [];\nfor (let i = 0; i < 16; i++) kept.push(Buffer.alloc(64 << 20, 1));\nfor (;;) {}\n',
    );
    const started = Date.now();
    await expect(
      runIsolated(bundle, { folders: [dir], files: [] }, ROOT, { timeLimitMs: 30_000, memoryLimitBytes: 256 << 20 }),
    ).rejects.toThrow(/used more than 256 MB of memory/);
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 40_000);
});
