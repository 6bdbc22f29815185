/**
 * Red team R80: a declaration module runs in a child process under Node's permission model
 * (cli/isolated-declaration.ts). Each test is a way out it had, or a way orgctl's judgement or the
 * admin's machine was reached through it.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, cli, cliOrPrinted, declarationRunning as declarationIn, repoScratch, run, tempDir } from './helpers.ts';
import { runIsolated } from '../cli/isolated-declaration.ts';
import { ModuleError } from '../model/errors.ts';

const scratch = repoScratch('r80-');

/** A valid declaration in a folder of its own (in a project beside a secret) that runs `attack` first. */
function declarationRunning(attack: string): { dir: string; file: string } {
  const project = scratch();
  writeFileSync(join(project, 'secret.txt'), 'hunter2\n');
  const dir = join(project, 'org');
  return { dir, file: declarationIn(dir, attack, "import { readFileSync } from 'node:fs';") };
}

describe('R80-1: a link committed inside a package folder of a node_modules in reach', () => {
  // git checks out links, in an ignored folder too (git add -f); npm ci leaves org/node_modules
  // (it is not the project's); npm drops links from what it installs, so reachOf looked only where
  // npm makes links, and a link inside a package's folder was read through.
  for (const [where, link] of [
    ['a package', 'node_modules/evil/s'],
    ['a scoped package', 'node_modules/@evil/pkg/s'],
    ["a package's subfolder", 'node_modules/evil/lib/s'],
    ['the cache folder', 'node_modules/.cache/s'],
  ] as const)
    it(`is refused before it runs: in ${where}`, async () => {
      const { dir, file } = declarationRunning(
        `console.log('read:', readFileSync(new URL('./${link}', import.meta.url), 'utf8'));`,
      );
      mkdirSync(join(dir, link, '..'), { recursive: true });
      symlinkSync(join(dir, '..', 'secret.txt'), join(dir, link));
      // The first place through the CLI, as people run it; the others by main() in this process
      // with what the declaration printed (cliOrPrinted): the same bundler's refusal, or its read.
      const r = await cliOrPrinted(where === 'a package', ['check', '--spec', file]);
      expect(r.stderr + r.stdout).not.toContain('hunter2');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${join(dir, link)} is a link to ${join(dir, '..', 'secret.txt')}, outside`);
    });
});

describe('R80-2: a socket through the handle classes net.Socket is built on', () => {
  // bin/declaration.mjs replaced net.Socket.prototype.connect and net.Server.prototype.listen; the
  // handle classes under them (Pipe from process.stdout, TCP from net.Server's _listen2) connect
  // and listen themselves: a Unix socket (/var/run/docker.sock is root on the machine) or a
  // loopback port (a kubectl proxy is the cluster).
  it('connects to neither a Unix socket nor a loopback port', async () => {
    let connections = 0;
    const count = (c: { end: () => void }) => {
      connections++;
      c.end();
    };
    const unix = join(tempDir('orgctl-r80-'), 'docker.sock');
    const servers = [createServer(count), createServer(count)];
    await new Promise<void>((listening) => servers[0]!.listen(unix, listening));
    await new Promise<void>((listening) => servers[1]!.listen(0, '127.0.0.1', listening));
    const port = (servers[1]!.address() as AddressInfo).port;
    // Resolves once the handle says it connected (or could not), or a second on.
    const connecting = (to: string) =>
      `const h: any = new Handle(0);
const req: any = new Handle(0);
await new Promise((done) => { req.oncomplete = done; const e = h.connect(req, ${to}); if (e) done(e); setTimeout(done, 1000); });`;
    try {
      for (const attack of [
        `const Handle = (process.stdout as any)._handle.constructor;\n${connecting(JSON.stringify(unix))}`,
        `const server: any = new (await import('node:net')).Server();
server._listen2('127.0.0.1', 0, 4, -1);
const Handle = server._handle.constructor;
server.close();
${connecting(`'127.0.0.1', ${port}`)}`,
      ]) {
        const { file } = declarationRunning(attack);
        const r = await run(['check', '--spec', file]);
        expect([r.code, r.stderr.split('\n')[0]], attack).toEqual([
          2,
          expect.stringMatching(/^error declaration .*: a declaration may not$/),
        ]);
      }
      expect(connections).toBe(0);
    } finally {
      for (const s of servers) s.close();
    }
  });
});

describe('R80-3: a signal through what process.kill wraps', () => {
  // bin/declaration.mjs replaced process.kill; process._kill (what it calls) and
  // process._debugProcess (SIGUSR1, which ends a process that does not catch it) were left.
  it('signals no process of the admin’s', async () => {
    for (const call of ['process._kill(PID, 15)', 'process._debugProcess(PID)']) {
      const victim = spawn('sleep', ['30'], { stdio: 'ignore' });
      try {
        const { file } = declarationRunning(
          `(process as any).${call.replace('process.', '').replace('PID', String(victim.pid))};`,
        );
        const r = await run(['check', '--spec', file]);
        expect([r.code, r.stderr.split('\n')[0]], call).toEqual([
          2,
          `error declaration ${file}: signals a process: a declaration may not`,
        ]);
        expect(victim.exitCode ?? victim.signalCode, call).toBe(null);
      } finally {
        victim.kill();
      }
    }
  });
});

/**
 * What orgctl makes of `text` (a JavaScript expression) written on fd 3 by the process that runs a
 * declaration, which then exits: the child started as for any declaration (runIsolated, through the
 * guard), its bundle only that write. Reading the message is all these cases vary: bundling a
 * declaration, loading orgctl's constructs and cdk8s, and the CLI around it are the same for each,
 * and `throughTheCli` runs them once, with the CLI's printing of the refusal.
 */
async function refusedMessage(text: string): Promise<unknown> {
  const dir = tempDir('orgctl-r80-');
  const bundle = join(dir, 'bundle.mjs');
  writeFileSync(bundle, `(await import('node:fs')).writeSync(3, ${text});\nprocess.exit(0);\n`);
  return runIsolated(bundle, { folders: [dir], files: [] }, ROOT).then(
    () => undefined,
    (e: unknown) => e,
  );
}
const NOT_A_DECLARATION = /^the process that runs the declaration sent what is not a declaration/;
/** The CLI's refusal of a declaration writing `text` on fd 3: exit 2, said on the first line, no stack trace. */
function throughTheCli(text: string, label: string): void {
  const { file } = declarationRunning(`(await import('node:fs')).writeSync(3, ${text});\nprocess.exit(0);`);
  const r = cli(['check', '--spec', file]);
  expect([r.code, r.stderr.split('\n')[0]], label).toEqual([
    2,
    expect.stringMatching(new RegExp(`^error declaration ${NOT_A_DECLARATION.source.slice(1)}`)),
  ]);
  expect(r.stderr, label).not.toMatch(/^\s+at /m);
}
/** Each case refused as the CLI case is: the same ModuleError (printed with no stack), its message the same. */
async function refusedAlike(text: string, label: string): Promise<void> {
  const e = await refusedMessage(text);
  expect(e, label).toBeInstanceOf(ModuleError);
  expect((e as Error).message, label).toMatch(NOT_A_DECLARATION);
}

describe('R80-4: a message on file descriptor 3 that is not what bin/declaration.mjs sends', () => {
  // The declaration may write to fd 3 itself and exit: the parent rebuilt an orgctl error from any
  // `kind` it named, and read `stack` and `problems` as given.
  it('is refused as not a declaration, with no stack trace', async () => {
    const messages = [
      { error: { kind: 'spec', message: 'x' } },
      { error: { kind: 'spec', problems: [1, { a: 2 }] } },
      { error: { message: 'x', stack: 5 } },
      { error: 'x' },
      [1],
      null,
    ].map((m) => [JSON.stringify(m), JSON.stringify(JSON.stringify(m))] as const);
    throughTheCli(messages[2]![1], messages[2]![0]);
    for (const [label, text] of messages) await refusedAlike(text, label);
  });
});

describe('R80-4, the re-read: what its shape check does not reach is refused too (held)', () => {
  // isThrownData follows `cause` by recursion (a chain 100,000 deep overflows the stack: R13-F3's
  // class) and `declared` is read as sent: what either throws is caught where the message is read
  // (runIsolated), and said as a message that is not a declaration.
  it('a cause nested deep, or a declared model that is not one, is refused with no stack trace', async () => {
    const cases = [
      ['deep cause', `'{"error":' + '{"cause":'.repeat(100000) + '{}' + '}'.repeat(100001)`],
      ['declared, empty', `'{"declared":{}}'`],
      ['declared, model not an object', `'{"declared":{"model":1,"treeFindings":[]}}'`],
      ['declared, users not a list', `'{"declared":{"model":{"users":1},"treeFindings":[]}}'`],
    ] as const;
    throughTheCli(cases[0][1], cases[0][0]);
    for (const [label, text] of cases) await refusedAlike(text, label);
  });
});

describe('R80-5: a declaration that never ends', () => {
  // Nothing stopped it: synth, and the check job, waited for ever (a CI job until its own limit).
  it('is stopped after the time it is given, and said so', async () => {
    const dir = tempDir('orgctl-r80-');
    const bundle = join(dir, 'bundle.mjs');
    writeFileSync(bundle, 'for (;;) {}\n');
    const started = Date.now();
    await expect(runIsolated(bundle, { folders: [dir], files: [] }, ROOT, { timeLimitMs: 1_000 })).rejects.toThrow(
      /did not finish within 1 s/,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 10_000);
});

describe('R80-6: another process’s priority', () => {
  // os.setPriority takes any process id: the declaration reniced the admin's processes (as root,
  // any process, either way).
  it('is not changed', async () => {
    const victim = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const { file } = declarationRunning(`(await import('node:os')).setPriority(${victim.pid}, 19);`);
      const r = await run(['check', '--spec', file]);
      expect([r.code, r.stderr.split('\n')[0]]).toEqual([
        2,
        `error declaration ${file}: changes a process's priority: a declaration may not`,
      ]);
    } finally {
      victim.kill();
    }
  });
});
