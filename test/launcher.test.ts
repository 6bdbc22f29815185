/**
 * bin/orgctl.mjs, the launcher. It runs the bundled CLI as CommonJS scripts compiled through V8's code cache: each
 * command's first run keeps the code compiled for it beside the bundle, and later runs read it.
 * A cache V8 refuses is worth nothing and costs its writing on every run: these check that V8
 * takes each one (a quick command's too, made under the flags the next run compiles with), that
 * one it refuses is made again once, and that the answers are the same as from the sources. It
 * exits as soon as the command is done, once what it printed is written, however slowly it is read.
 */
import { isAscii } from 'node:buffer';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSpec } from '../constructs/generate.ts';
import { cli, engineCopy, TODAY } from './helpers.ts';

const { dir: copy, cache: CACHE } = engineCopy();
const bundleFolders = () => (existsSync(CACHE) ? readdirSync(CACHE).filter((n) => /^[0-9a-f]{16}$/.test(n)) : []);
/** A script's kept code, as the launcher names it for this Node. */
const code = (command: string, script = 'orgctl') => `${command}.${script}.${process.versions.v8}.v8`;
let folder: string | undefined;

const spec = join(copy, 'tiny.json');
writeFileSync(
  spec,
  JSON.stringify({
    apiVersion: 'orgctl/v1',
    kind: 'Organization',
    metadata: { name: 'acme' },
    spec: {
      owner: 'a@acme.io',
      clusters: ['lga1'],
      users: [
        { email: 'a@acme.io', github: 'a', githubId: 583231, admin: true },
        { email: 'b@acme.io', github: 'b' },
      ],
      namespaces: [{ name: 'web' }],
      grants: [{ user: 'b@acme.io', namespace: 'web', levels: ['r:pods'] }],
    },
  }),
);

const orgctl = (...args: string[]) => cli(args, { engine: copy });

/** A kept code file as it is now: its bytes and time (a rewrite changes the time). */
const state = (name: string) => {
  const file = join(folder!, name);
  return existsSync(file) ? { bytes: readFileSync(file).length, mtimeMs: statSync(file).mtimeMs } : undefined;
};

describe('the bundled CLI and its code cache', () => {
  it('keeps a command’s compiled code on its first run, and V8 takes it on the next (a quick command’s too)', () => {
    expect(bundleFolders()).toEqual([]);
    const first = orgctl('levels');
    expect(first.code).toBe(0);
    const made = bundleFolders();
    expect(made).toHaveLength(1);
    folder = join(CACHE, made[0]!);
    expect(readdirSync(folder).sort()).toEqual(['apart.cjs', code('levels'), 'orgctl.cjs']);
    const kept = state(code('levels'));
    const again = orgctl('levels');
    expect(again.stdout).toBe(first.stdout);
    // Not made again: V8 took it (one it refuses is replaced at the end of the run).
    expect(state(code('levels'))).toEqual(kept);
  });

  it('the packages bundled apart (the Kubernetes schema validators) are read only by the commands that run them, with their own code', () => {
    const out = join(copy, 'dist-a');
    const first = orgctl('synth', '--spec', spec, '--out', out);
    expect(first.code, first.stderr).toBe(0);
    const kept = [state(code('synth')), state(code('synth', 'apart'))];
    expect(kept.every((s) => s !== undefined)).toBe(true);
    expect(state(code('levels', 'apart'))).toBeUndefined();
    const again = orgctl('synth', '--spec', spec, '--out', join(copy, 'dist-b'));
    expect(again.code).toBe(0);
    expect([state(code('synth')), state(code('synth', 'apart'))]).toEqual(kept);
    for (const f of readdirSync(join(out, 'lga1'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()))
      expect(readFileSync(join(f.parentPath, f.name), 'utf8')).toBe(
        readFileSync(join(f.parentPath.replace(out, join(copy, 'dist-b')), f.name), 'utf8'),
      );
  });

  it('bundles ASCII, which V8 keeps as one byte a character (a comment’s arrow made all 2.3 MB two bytes a character)', () => {
    for (const script of ['orgctl.cjs', 'apart.cjs'])
      expect(isAscii(readFileSync(join(folder!, script))), script).toBe(true);
  });

  it('code V8 refuses (another V8, damaged) is made again once', () => {
    expect(orgctl('check', '--spec', spec).code).toBe(0);
    writeFileSync(join(folder!, code('check')), 'not code');
    const refused = orgctl('check', '--spec', spec);
    expect(refused.code).toBe(0);
    const remade = state(code('check'));
    expect(remade!.bytes).toBeGreaterThan(1000);
    expect(orgctl('check', '--spec', spec).code).toBe(0);
    expect(state(code('check'))).toEqual(remade);
    // Damaged past its header, which V8 alone would take, and crash on, on every run: its checksum fails.
    const file = join(folder!, code('check'));
    const bytes = readFileSync(file);
    for (let i = 1000; i < 1050; i++) bytes[i]! ^= 0x5a;
    writeFileSync(file, bytes);
    const damaged = orgctl('check', '--spec', spec);
    expect([damaged.code, damaged.stderr]).toEqual([0, '']);
    expect(readFileSync(file).equals(bytes)).toBe(false);
    expect(orgctl('check', '--spec', spec).code).toBe(0);
  });

  it('a mistyped command keeps nothing', () => {
    expect(orgctl('chek').code).toBe(2);
    expect(readdirSync(folder!).filter((n) => n.startsWith('chek'))).toEqual([]);
  });

  it('a declaration in TypeScript loads (the bundle’s import() is the bin’s), and names the same engine as the sources', () => {
    const r = orgctl('check');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/org\/org\.ts: 0 errors/);
  });

  it('exits once what it printed is written, however slowly a pipe reads it', async () => {
    const out = join(copy, 'dist-big');
    const big = join(copy, 'big.json');
    writeFileSync(
      big,
      JSON.stringify(generateSpec({ users: 600, namespaces: 60, grants: 3_000, tokens: 20, seed: 2 })),
    );
    expect(orgctl('synth', '--spec', big, '--out', out).code).toBe(0);
    const whole = orgctl('access', '--format', 'json', '--dir', out).stdout;
    expect(whole.length).toBeGreaterThan(8 * 65_536); // many times a pipe's buffer
    // Read in small bites, with pauses: most of the output waits in the process when it is done.
    const child = spawn(
      process.execPath,
      [join(copy, 'bin', 'orgctl.mjs'), 'access', '--format', 'json', '--dir', out],
      {
        cwd: copy,
        env: { ...process.env, ORGCTL_TODAY: TODAY },
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => {
      chunks.push(c);
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), 2);
    });
    const code = await new Promise((done) => child.on('close', done));
    expect(code).toBe(0);
    expect(Buffer.concat(chunks).toString()).toBe(whole);
  });
});
