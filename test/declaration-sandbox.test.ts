/**
 * A TypeScript declaration is a program that a merged pull request runs on every admin's machine
 * (their next `npm run synth`) and in every check job. It runs in a child Node process under Node's
 * permission model, with no environment: it reads its own folder and the installed packages, and
 * writes nothing, starts no process or worker, loads no addon, and sees no secret in the
 * environment. Each attack below is what a member's approved change could do before.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, cli, declarationRunning as declarationIn, repoScratch, run, tempDir } from './helpers.ts';

const scratch = repoScratch('sandbox-');

/** A valid declaration in a folder of its own that runs `attack` first. */
function declarationRunning(attack: string, imports = ''): { dir: string; file: string } {
  const dir = join(scratch(), 'org');
  return { dir, file: declarationIn(dir, attack, imports) };
}

/** A file no declaration may read: beside the declaration's folder, not in it. */
function secretBeside(dir: string): string {
  const secret = join(dir, '..', 'secret.txt');
  writeFileSync(secret, 'hunter2\n');
  return secret;
}

describe('a declaration runs with no reach beyond its folder and the installed packages', () => {
  it('sees no environment variable: a token in the admin’s environment is not there', () => {
    const { file } = declarationRunning(
      `if (process.env.ORGCTL_SANDBOX_SECRET !== undefined) throw new Error('read ' + process.env.ORGCTL_SANDBOX_SECRET);`,
    );
    const r = cli(['check', '--spec', file], { env: { ORGCTL_SANDBOX_SECRET: 'ghp_secret' } });
    expect(r.stderr).not.toContain('ghp_secret');
    expect(r.code).toBe(0);
  });

  it('cannot read a file outside its folder, and is refused naming the file', () => {
    const { dir, file } = declarationRunning(
      "readFileSync(new URL('../secret.txt', import.meta.url), 'utf8');",
      "import { readFileSync } from 'node:fs';",
    );
    const secret = secretBeside(dir);
    const r = cli(['check', '--spec', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('hunter2');
    expect(r.stderr).toContain(`error declaration ${file}: reads ${secret}, outside`);
  });

  it('reads a data file in its own folder, as a declaration may', async () => {
    const { dir, file } = declarationRunning(
      `const people: string[] = JSON.parse(readFileSync(new URL('./people.json', import.meta.url), 'utf8'));
if (people[0] !== 'bob@acme.io') throw new Error('people.json not read');`,
      "import { readFileSync } from 'node:fs';",
    );
    writeFileSync(join(dir, 'people.json'), '["bob@acme.io"]');
    const r = await run(['check', '--spec', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it("reads its own folder by import.meta whatever its path holds (`$'`, `$&`: a replacement string's patterns)", async () => {
    // import.meta is written into the module as its path's JSON: by a function, or String.replace
    // reads `$'`, `$&` and `` $` `` in the path as patterns and splices other text into the module.
    const dir = join(scratch(), "org$'x$&y");
    const file = declarationIn(
      dir,
      `if (import.meta.dirname !== ${JSON.stringify(dir)}) throw new Error('dirname read as ' + import.meta.dirname);
if (!import.meta.url.endsWith('/org.ts')) throw new Error('url read as ' + import.meta.url);`,
    );
    const r = await run(['check', '--spec', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('cannot follow a link in its folder to a file outside it: refused before it runs', async () => {
    const { dir, file } = declarationRunning(
      `readFileSync(new URL('./notes.txt', import.meta.url), 'utf8');`,
      "import { readFileSync } from 'node:fs';",
    );
    const secret = secretBeside(dir);
    symlinkSync(secret, join(dir, 'notes.txt'));
    const r = await run(['check', '--spec', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('hunter2');
    expect(r.stderr).toContain(`${join(dir, 'notes.txt')} is a link to ${secret}`);
  });

  it('cannot write a file, nor start a process', async () => {
    const attacks = [
      [
        "writeFileSync(new URL('../planted', import.meta.url), 'x');",
        "import { writeFileSync } from 'node:fs';",
        'planted',
      ],
      [
        "execFileSync('sh', ['-c', 'touch ../spawned'], { cwd: new URL('.', import.meta.url) });",
        "import { execFileSync } from 'node:child_process';",
        'spawned',
      ],
    ] as const;
    // Each in a declaration of its own, checked at once, as the network's attacks below.
    const checked = await Promise.all(
      attacks.map(async ([attack, imports]) => {
        const { dir, file } = declarationRunning(attack, imports);
        return { dir, r: await run(['check', '--spec', file]) };
      }),
    );
    checked.forEach(({ dir, r }, i) => {
      const [attack, , planted] = attacks[i]!;
      expect([r.code, existsSync(join(dir, '..', planted))], attack).toEqual([2, false]);
      expect(r.stderr, attack).toMatch(/error declaration .*org\.ts: (writes|starts a process)/);
    });
  });
});

/**
 * Node 20's permission model leaves the network open: a declaration could reach what the admin's
 * machine reaches (a `kubectl proxy` on loopback is the cluster, unauthenticated; a cloud's metadata
 * address hands out credentials) or send what it read. A declaration needs no network.
 */
describe('a declaration reaches no network and signals no process', () => {
  it('cannot connect, look up a name, listen or signal a process', async () => {
    let requests = 0;
    const server = createServer((_req, res) => {
      requests++;
      res.end('{}');
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const port = (server.address() as AddressInfo).port;
    try {
      const attacks = [
        [`await fetch('http://127.0.0.1:${port}/api/v1/secrets');`, 'connects to the network'],
        [`(await import('node:net')).connect(${port}, '127.0.0.1');`, 'connects to the network'],
        ["await (await import('node:dns')).promises.lookup('localhost');", 'looks up a name'],
        ["(await import('node:dns')).resolveTxt('example.com', () => {});", 'looks up a name'],
        ["(await import('node:net')).createServer().listen(0);", 'listens on the network'],
        ["(await import('node:dgram')).createSocket('udp4').send('x', 53, '127.0.0.1');", 'uses the network'],
        ['process.kill(process.ppid, 0);', 'signals a process'],
      ] as const;
      // Each in a declaration of its own, checked at once: one after another, the seven took most
      // of the test's minute on a loaded machine (each check mostly waits on its own processes).
      const checked = await Promise.all(
        attacks.map(async ([attack]) => {
          const { file } = declarationRunning(attack);
          return { file, r: await run(['check', '--spec', file]) };
        }),
      );
      checked.forEach(({ file, r }, i) => {
        const [attack, said] = attacks[i]!;
        expect([r.code, r.stderr.split('\n')[0]], attack).toEqual([
          2,
          `error declaration ${file}: ${said}: a declaration may not`,
        ]);
      });
      expect(requests).toBe(0);
    } finally {
      server.close();
    }
  });
});

/**
 * The bundler runs in orgctl's own process, before the declaration does: an `import` of a file
 * outside the declaration's reach was read there and built into the bundle (esbuild loads JSON and
 * text files, `with { type: 'text' }` any file), where the declaration could write it into the
 * output, a namespace's name, that the admin then commits and pushes.
 */
describe('a declaration imports nothing outside its reach', () => {
  it('refuses an import of a file outside its folder, orgctl and the installed packages, naming it', () => {
    const outside = tempDir('orgctl-sandbox-outside-');
    writeFileSync(join(outside, 'config.json'), '{"auths":{"registry":"s3cr3t"}}');
    writeFileSync(join(outside, 'config'), 'token: s3cr3t\n');
    for (const [imports, file] of [
      [`import read from ${JSON.stringify(join(outside, 'config.json'))};`, 'config.json'],
      [`import read from ${JSON.stringify(join(outside, 'config'))} with { type: 'text' };`, 'config'],
    ] as const) {
      // Used: an import nothing uses is not built in.
      const { file: declaration } = declarationRunning('console.error(JSON.stringify(read).length);', imports);
      const r = cli(['check', '--spec', declaration]);
      expect(r.code, imports).toBe(2);
      expect(r.stderr, imports).not.toContain('s3cr3t');
      expect(r.stderr, imports).toContain(`imports ${join(outside, file)}, outside`);
    }
  });

  it('refuses it through a ?query suffix, or a tsconfig path mapped outside, too (held, R80 left it untested)', async () => {
    const outside = tempDir('orgctl-sandbox-outside-');
    writeFileSync(join(outside, 'config.json'), '{"auths":{"registry":"s3cr3t"}}');
    writeFileSync(join(outside, 'code.ts'), "export const read = 's3cr3t';\n");
    const query = declarationRunning(
      'console.error(JSON.stringify(read).length);',
      `import read from ${JSON.stringify(`${join(outside, 'config.json')}?raw`)};`,
    );
    const mapped = declarationRunning('console.error(read.length);', "import { read } from '@outside/code.ts';");
    writeFileSync(
      join(mapped.dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@outside/*': [`${outside}/*`] } } }),
    );
    const cases = [
      [query.file, join(outside, 'config.json')],
      [mapped.file, join(outside, 'code.ts')],
    ] as const;
    const checked = await Promise.all(cases.map(([file]) => run(['check', '--spec', file])));
    checked.forEach((r, i) => {
      const imported = cases[i]![1];
      expect([r.code, r.stderr.includes('s3cr3t')], imported).toEqual([2, false]);
      expect(r.stderr, imported).toContain(`imports ${imported}, outside`);
    });
  });

  it("bundles its project's code beside its folder (a shared lib/), never as text, nor from a dot folder", async () => {
    /** A declaration whose project holds lib/level.ts and .local/token.ts beside its folder. */
    const withProjectFiles = (attack: string, imports: string) => {
      const d = declarationRunning(attack, imports);
      const project = join(d.dir, '..');
      for (const [folder, name, text] of [
        ['lib', 'level.ts', "export const level = 'r:pods'; // s3cr3t\n"],
        ['.local', 'token.ts', "export const level = 's3cr3t';\n"],
      ] as const) {
        mkdirSync(join(project, folder));
        writeFileSync(join(project, folder, name), text);
      }
      return { ...d, project };
    };
    const shared = withProjectFiles(
      "if (level !== 'r:pods') throw new Error('not imported');",
      "import { level } from '../lib/level.ts';",
    );
    const refused = [
      ["import level from '../lib/level.ts' with { type: 'text' };", join('lib', 'level.ts')],
      ["import { level } from '../.local/token.ts';", join('.local', 'token.ts')],
    ] as const;
    const declarations = refused.map(([imports]) => withProjectFiles('console.error(level.length);', imports));
    const [sharedChecked, ...checked] = await Promise.all(
      [shared, ...declarations].map(({ file }) => run(['check', '--spec', file])),
    );
    expect(sharedChecked!.code).toBe(0);
    checked.forEach((r, i) => {
      const [imports, imported] = refused[i]!;
      expect([r.code, r.stderr.includes('s3cr3t')], imports).toEqual([2, false]);
      expect(r.stderr, imports).toContain(`imports ${join(declarations[i]!.project, imported)}, outside`);
    });
  });
});

/**
 * What a declaration prints reaches the admin's terminal, where an escape sequence acts: OSC 52
 * sets the clipboard the admin pastes from next, others rewrite what the screen shows ("dist/ is
 * up to date"). orgctl's own output never drives a terminal (terminalText); a declaration's is
 * shown the same way.
 */
describe("a declaration's output on a terminal", () => {
  it('shows its escape sequences as code points, never sends them', () => {
    const { file } = declarationRunning(
      "process.stderr.write('\\x1b]52;c;Y3VybCBldmlsIHwgc2g=\\x07copied\\n'); console.log('\\x1b[2Jcleared');",
    );
    const orgctl = [process.execPath, join(ROOT, 'bin/orgctl.mjs'), 'check', '--spec', file]
      .map((w) => `'${w}'`)
      .join(' ');
    const tty = spawnSync('script', ['-qec', `${orgctl} 2>&1`, '/dev/null'], {
      env: { ...process.env, SHELL: '/bin/sh' },
      encoding: 'utf8',
    });
    const shown = tty.stdout.replace(/\r\x1b\[K/g, ''); // orgctl's own progress line, cleared
    expect(shown).toContain('<U+001B>]52;c;Y3VybCBldmlsIHwgc2g=<U+0007>copied');
    expect(shown).toContain('<U+001B>[2Jcleared');
    expect(shown).not.toContain('\x1b]52');
  });
});
