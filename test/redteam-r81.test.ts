/**
 * Red team R81, a second pass at the declaration's isolation (cli/isolated-declaration.ts, the belt
 * in bin/declaration.mjs, the bundler's reach in cli/declaration.ts): each test is a way a merged
 * declaration reached past it on an admin's machine or in a check job, or held up orgctl.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, cli, cliOr, declarationRunning as declarationIn, pollUntil, repoScratch } from './helpers.ts';
import { cliOrPrinted } from './helpers.ts';
import { MAX_SPEC_BYTES } from '../constructs/spec.ts';

const scratch = repoScratch('r81-');

/** A valid declaration in a folder of its own (in a project beside a secret) that runs `attack` first. */
function declarationRunning(attack: string, imports = ''): { project: string; dir: string; file: string } {
  const project = scratch();
  writeFileSync(join(project, 'secret.txt'), 'hunter2\n');
  const dir = join(project, 'org');
  return { project, dir, file: declarationIn(dir, attack, imports) };
}

/**
 * `orgctl check` of a declaration: the first of a test's cases through the CLI, as people run it;
 * the others in this process (main(), what the CLI runs, with the same declaration process and
 * belt), for a test asserting only orgctl's exit code and its own first line of stderr: orgctl's own
 * process is about 0.35 s of CPU of the 1.8 s a check of a declaration takes here.
 */
const checkOf = (file: string, nth: number) => cliOr(nth === 0, ['check', '--spec', file]);

describe('R81-1: files written from V8 and Node’s tracing, which the permission model does not see', () => {
  // Node 20's permission model checks the fs module; V8's flags (set at run time) and the trace
  // file are written from C++: --trace-turbo-path put a file named by the declaration's function,
  // holding its source, in any folder the admin may write; trace_events wrote node_trace.1.log
  // into the working directory (the project: then `git add -A`).
  it('writes no file, and is refused saying so', () => {
    for (const [attack, said] of [
      [
        `v8.setFlagsFromString('--trace-turbo'); v8.setFlagsFromString('--trace-turbo-path=OUT');
function planted(x: number) { let s = 0; for (let i = 0; i < x; i++) s += i * x; return s; }
for (let i = 0; i < 200000; i++) planted(i % 100);`,
        "sets V8's flags: a declaration may not",
      ],
      [
        `(await import('node:trace_events')).createTracing({ categories: ['node.console'] }).enable();
console.time('planted'); console.timeEnd('planted');`,
        'traces to a file: a declaration may not',
      ],
    ] as const) {
      const out = scratch();
      const { project, file } = declarationRunning(attack.replace('OUT', out), "import v8 from 'node:v8';");
      const r = cli(['check', '--spec', file], { cwd: project });
      expect([r.code, r.stderr.split('\n')[0]], attack).toEqual([2, `error declaration ${file}: ${said}`]);
      expect([...readdirSync(out), ...readdirSync(project)], attack).toEqual(['org', 'secret.txt']);
    }
  });
});

describe('R81-2: a tsconfig.json that extends a file outside the reach', () => {
  // esbuild reads each tsconfig.json and what it `extends` in orgctl's own process, where the
  // onLoad check does not see it: a file that is not JSON was named in esbuild's error with its
  // first word ("Unexpected \"hunter2\" in JSON"), into the admin's terminal and the check job's
  // log; one that is JSON, or none, built or not, which said whether it is there.
  // A tsconfig may extend a package's (in node_modules) or one of its project's tsconfig files.
  it('is refused before esbuild reads it, there or not, JSON or not, naming the file and not its text', async () => {
    for (const [i, [target, text]] of (
      [
        ['../secret.txt', undefined],
        ['../config.json', '{"compilerOptions":{"strict":true}}'],
        ['../absent.json', undefined],
        ['../lib/tsconfig.base.json', '{"extends":"../secret.txt"}'],
      ] as const
    ).entries()) {
      const { project, dir, file } = declarationRunning('');
      if (text) {
        mkdirSync(join(dir, target, '..'), { recursive: true });
        writeFileSync(join(dir, target), text);
      }
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: target }));
      const r = await checkOf(file, i);
      const outside = target.includes('lib') ? join(project, 'secret.txt') : join(dir, target);
      expect([r.code, r.stderr.includes('hunter2')], target).toEqual([2, false]);
      expect(r.stderr, target).toContain(`extends ${outside}, outside what a declaration may read`);
    }
  });
});

describe('R81-3: a declaration that floods what it sends or prints', () => {
  // Whatever came on fd 3 was kept in orgctl's memory until the child ended (60 s of writing: gigabytes,
  // and the admin's orgctl out of memory); whatever it printed went to the terminal or the check
  // job's log, all of it.
  it('is stopped once its message is larger than a message may be', () => {
    const { file } = declarationRunning(
      `const chunk = Buffer.alloc(1 << 20, 32);
for (let i = 0; i <= ${MAX_SPEC_BYTES.json} / chunk.length; i++) writeSync(3, chunk);
for (;;) {}`,
      "import { writeSync } from 'node:fs';",
    );
    const started = Date.now();
    const r = cli(['check', '--spec', file]);
    expect([r.code, r.stderr.split('\n')[0]]).toEqual([
      2,
      `error declaration the process that runs the declaration sent more than ${MAX_SPEC_BYTES.json / 2 ** 20} MB, more than a declaration's data may be (as a spec may be), and was stopped`,
    ]);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('has what it prints shown up to a limit, and the rest said', () => {
    // Written at once (console.log on a pipe is cut short where the child exits).
    const { file } = declarationRunning(
      "const line = 'x'.repeat(1 << 20);\nfor (let i = 0; i < 24; i++) writeSync(1, line);",
      "import { writeSync } from 'node:fs';",
    );
    const r = cli(['check', '--spec', file]);
    expect(r.code).toBe(0);
    expect(r.stderr.length).toBeLessThan(2 << 20);
    expect(r.stderr).toMatch(/the declaration printed \d+ MB more, not shown/);
  });
});

describe('R81-4: orgctl stopped while a declaration runs (Ctrl-C, a cancelled job)', () => {
  // The child was left running when orgctl ended by a signal: a declaration that ignores SIGINT
  // (which Ctrl-C sends it too) and loops went on using a core, orphaned, past every time limit.
  /** The declaration's process under orgctl's (not esbuild's service, which bundling starts). */
  const childrenOf = (pid: number): number[] =>
    spawnSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter((line) => line.includes('declaration.mjs'))
      .map((line) => Number.parseInt(line, 10));
  /** Running, not a zombie waiting to be reaped (which a signal of 0 still finds). */
  const running = (pid: number): boolean =>
    /^[^Z\s]/.test(spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim());
  it('leaves no declaration running, and ends by the signal', async () => {
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
      const { file } = declarationRunning(
        "for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => {});\nfor (;;) {}",
      );
      const orgctl = spawn(process.execPath, [join(ROOT, 'bin/orgctl.mjs'), 'check', '--spec', file], {
        stdio: 'ignore',
      });
      let children: number[] = [];
      try {
        children = await pollUntil(
          () => childrenOf(orgctl.pid!),
          (c) => c.length > 0,
          20_000,
        );
        expect(children.length, signal).toBe(1);
        await new Promise((r) => setTimeout(r, 500)); // its handlers set
        const ended = new Promise((r) => orgctl.on('exit', (_code, s) => r(s)));
        orgctl.kill(signal);
        expect(await ended, signal).toBe(signal);
        // Ended within 500 ms, as a fixed wait of 500 ms asked, without waiting out the rest.
        const left = await pollUntil(
          () => children.filter(running),
          (l) => !l.length,
          500,
        );
        expect(left, signal).toEqual([]);
      } finally {
        for (const pid of [orgctl.pid!, ...children].filter(running)) process.kill(pid, 'SIGKILL');
      }
    }
  }, 90_000);
});

describe('R81-5: what Node 20 answers about the machine outside the permission model', () => {
  // fs.realpathSync (JavaScript over unchecked calls) and require.resolve (the module loader's own
  // stat) answered for any path: whether a file exists (~/.aws/credentials, /proc/<pid>), where a
  // link leads; os and process.report named the machine, its network and its user. A declaration
  // can write what it learns into the output (a namespace's name) that the admin commits and pushes.
  it('answers nothing about a file outside its reach, and refuses naming it', async () => {
    for (const [i, call] of ['realpathSync(SECRET)', 'createRequire(import.meta.url).resolve(SECRET)'].entries()) {
      const { project, file } = declarationRunning(
        `console.error('answered:', ${call});`.replace('SECRET', "new URL('../secret.txt', import.meta.url).pathname"),
        "import { realpathSync } from 'node:fs';\nimport { createRequire } from 'node:module';",
      );
      // What the declaration printed is asserted too: in this process with its prints (cliOrPrinted).
      const r = await cliOrPrinted(i === 0, ['check', '--spec', file]);
      expect([r.code, r.stderr.split('\n')[0]], call).toEqual([
        2,
        expect.stringContaining(`error declaration ${file}: reads ${join(project, 'secret.txt')}, outside its folder`),
      ]);
      expect(r.stderr, call).not.toContain('answered');
    }
  });

  it("names neither the machine, its network, nor the admin's account", async () => {
    for (const [i, [call, said]] of (
      [
        ["(await import('node:os')).hostname()", "reads the machine's name"],
        ["(await import('node:os')).networkInterfaces()", "reads the machine's network addresses"],
        ["(await import('node:os')).userInfo()", "reads the user's account"],
        ['process.report.getReport()', 'reads a report on the machine'],
      ] as const
    ).entries()) {
      const { file } = declarationRunning(`console.error('answered:', JSON.stringify(${call}).length);`);
      const r = await checkOf(file, i);
      expect([r.code, r.stderr.split('\n')[0]], call).toEqual([
        2,
        `error declaration ${file}: ${said}: a declaration may not`,
      ]);
    }
  });
});

describe('R81-6: what the permission model refuses is said as what the declaration did', () => {
  // These held (R81 tried each): Node refuses them. Its words were its own ("Access to this API
  // has been restricted", "process.binding"), naming neither what was done nor that a declaration
  // may not.
  it('names the inspector, WASI, loader hooks, Node’s internals and addons', async () => {
    for (const [i, [attack, said]] of (
      [
        ["new (await import('node:inspector')).Session().connect();", 'opens the inspector'],
        [
          "new (await import('node:wasi')).WASI({ version: 'preview1', preopens: { '/': '/' } });",
          'gives WebAssembly the system (WASI)',
        ],
        ["(await import('node:module')).register('data:text/javascript,');", 'starts a worker thread'],
        ["(process as any).binding('fs');", "reaches Node's internals (process.binding)"],
        ["(process as any).dlopen({ exports: {} }, '/x.node');", 'loads a native addon'],
      ] as const
    ).entries()) {
      const { file } = declarationRunning(attack);
      const r = await checkOf(file, i);
      expect([r.code, r.stderr.split('\n')[0]], attack).toEqual([
        2,
        `error declaration ${file}: ${said}: a declaration may not`,
      ]);
    }
  });
});
