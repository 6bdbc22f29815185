/** Command descriptors and the argument parser: flag types follow from the spec, and the parser stays strict. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { parseArgs, type Flags } from '../cli/args.ts';
import { defineCommand, type Command } from '../cli/command.ts';
import { COMMANDS, isQuick } from '../cli/commands.ts';
import { main, usage } from '../cli/main.ts';
import type { Io } from '../model/io.ts';
import { ROOT, cli, run } from './helpers.ts';

const SPEC = {
  spec: 'string',
  check: 'boolean',
  actor: 'list',
  format: ['text', 'json'],
  namespace: 'string',
} as const;

/** The message of what `f` throws, or undefined. */
function thrown(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}

function capture(): { io: Io; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l) => out.push(l), err: (l) => err.push(l), env: {} }, out, err };
}

describe('parseArgs: flag types are inferred from the spec', () => {
  it('string → string | undefined, boolean → boolean, list → readonly string[], a choice → its literals | undefined', () => {
    const { flags, positionals } = parseArgs([], SPEC, { n: 'namespace' });
    expectTypeOf(flags.spec).toEqualTypeOf<string | undefined>();
    expectTypeOf(flags.check).toEqualTypeOf<boolean>();
    expectTypeOf(flags.actor).toEqualTypeOf<readonly string[]>();
    expectTypeOf(flags.format).toEqualTypeOf<'text' | 'json' | undefined>();
    expectTypeOf(positionals).toEqualTypeOf<readonly string[]>();
    expectTypeOf(flags).toEqualTypeOf<Flags<typeof SPEC>>();
    // @ts-expect-error: a flag the spec does not declare is not there
    void flags.bogus;
    // @ts-expect-error: an alias must name a declared flag
    parseArgs([], SPEC, { x: 'nope' });
  });

  it('a spec written inline is inferred without `as const`', () => {
    const { flags } = parseArgs(['--format', 'md'], { format: ['md', 'json', 'html'], dir: 'string' });
    expectTypeOf(flags.format).toEqualTypeOf<'md' | 'json' | 'html' | undefined>();
    expectTypeOf(flags.dir).toEqualTypeOf<string | undefined>();
    expect(flags.format).toBe('md');
  });

  it('absent: strings and choices undefined, booleans false, lists empty', () => {
    expect(parseArgs([], SPEC).flags).toEqual({ check: false, actor: [] });
  });
});

describe('parseArgs: each kind of flag', () => {
  it('string: --name value and --name=value (which may be empty or hold "="); the last one given wins', () => {
    expect(parseArgs(['--spec', 'a.yaml'], SPEC).flags.spec).toBe('a.yaml');
    expect(parseArgs(['--spec=a=b.yaml'], SPEC).flags.spec).toBe('a=b.yaml');
    expect(parseArgs(['--spec='], SPEC).flags.spec).toBe('');
    expect(parseArgs(['--spec', 'a', '--spec', 'b'], SPEC).flags.spec).toBe('b');
    // The next word is the value even when it looks like a flag.
    expect(parseArgs(['--spec', '--check'], SPEC).flags).toMatchObject({ spec: '--check', check: false });
    expect(thrown(() => parseArgs(['--spec'], SPEC))).toBe('--spec needs a value');
  });

  it('boolean: true when given; a value is a usage error', () => {
    expect(parseArgs(['--check'], SPEC).flags.check).toBe(true);
    expect(thrown(() => parseArgs(['--check=yes'], SPEC))).toBe('--check takes no value');
    expect(thrown(() => parseArgs(['--check='], SPEC))).toBe('--check takes no value');
  });

  it('list: every value in order, in either form', () => {
    expect(parseArgs(['--actor', 'a', '--actor=b', '--actor', 'a'], SPEC).flags.actor).toEqual(['a', 'b', 'a']);
    expect(thrown(() => parseArgs(['--actor', 'a', '--actor'], SPEC))).toBe('--actor needs a value');
  });

  it('choice: one of the listed values, else a usage error naming them', () => {
    expect(parseArgs(['--format=json'], SPEC).flags.format).toBe('json');
    expect(thrown(() => parseArgs(['--format', 'xml'], SPEC))).toBe(
      '--format "xml" is not allowed (expected one of text, json)',
    );
    expect(thrown(() => parseArgs(['--format='], SPEC))).toBe(
      '--format "" is not allowed (expected one of text, json)',
    );
    expect(thrown(() => parseArgs(['--format'], SPEC))).toBe('--format needs a value');
  });

  it('aliases: -n value, -n=value; messages name the long flag', () => {
    const aliases = { n: 'namespace' } as const;
    expect(parseArgs(['-n', 'web'], SPEC, aliases).flags.namespace).toBe('web');
    expect(parseArgs(['-n=web'], SPEC, aliases).flags.namespace).toBe('web');
    expect(thrown(() => parseArgs(['-n'], SPEC, aliases))).toBe('--namespace needs a value');
  });

  it('an unknown flag close to a declared one suggests it (did you mean)', () => {
    expect(thrown(() => parseArgs(['--spc', 'x'], { spec: 'string', today: 'string' }))).toBe(
      'unknown flag --spc (did you mean --spec?)',
    );
    expect(thrown(() => parseArgs(['--tody=1'], { spec: 'string', today: 'string' }))).toBe(
      'unknown flag --tody (did you mean --today?)',
    );
    expect(thrown(() => parseArgs(['--for', 'json'], { format: ['text', 'json'] }))).toBe(
      'unknown flag --for (did you mean --format?)',
    );
    expect(thrown(() => parseArgs(['--zzz'], { spec: 'string', today: 'string' }))).toBe('unknown flag --zzz');
  });

  it('unknown flags are usage errors, named as given (without a value)', () => {
    expect(thrown(() => parseArgs(['--bogus'], SPEC))).toBe('unknown flag --bogus');
    expect(thrown(() => parseArgs(['--bogus=1'], SPEC))).toBe('unknown flag --bogus');
    expect(thrown(() => parseArgs(['-x'], SPEC))).toBe('unknown flag -x');
    expect(thrown(() => parseArgs(['-n', 'web'], SPEC))).toBe('unknown flag -n');
    // Names an object has by inheritance are not flags.
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(thrown(() => parseArgs([`--${name}`, 'x'], SPEC))).toBe(`unknown flag --${name}`);
      expect(thrown(() => parseArgs([`-${name}`, 'x'], SPEC, { n: 'namespace' }))).toBe(`unknown flag -${name}`);
    }
  });

  it('positionals: words, "-" (standard input), and everything after "--"', () => {
    expect(parseArgs(['get', '-', '--check', '--', '--spec', 'x'], SPEC)).toEqual({
      positionals: ['get', '-', '--spec', 'x'],
      flags: { check: true, actor: [] },
    });
  });
});

describe('defineCommand', () => {
  const calls: unknown[] = [];
  const demo = defineCommand({
    name: 'demo',
    summary: 'One line.\nAnother line.',
    help: 'Usage: orgctl demo [--spec FILE] [-n NS]\n       orgctl demo --check\n\nWhat it does.',
    flags: { spec: 'string', check: 'boolean', actor: 'list', format: ['text', 'json'], namespace: 'string' },
    aliases: { n: 'namespace' },
    run({ flags, positionals }, io) {
      expectTypeOf(flags.spec).toEqualTypeOf<string | undefined>();
      expectTypeOf(flags.check).toEqualTypeOf<boolean>();
      expectTypeOf(flags.actor).toEqualTypeOf<readonly string[]>();
      expectTypeOf(flags.format).toEqualTypeOf<'text' | 'json' | undefined>();
      expectTypeOf(flags.namespace).toEqualTypeOf<string | undefined>();
      calls.push({ flags, positionals });
      io.out('ran');
      return flags.check ? 1 : 0;
    },
  });
  const spread = defineCommand({
    name: 'spread',
    summary: '',
    help: 'Usage: orgctl spread ARGS...',
    flags: {},
    positionals: true,
    run: async ({ positionals }) => positionals.length,
  });

  it('runs with the parsed flags and returns what run returns (a promise stays one)', async () => {
    calls.length = 0;
    const { io, out } = capture();
    expect(demo.invoke(['--spec', 'a', '-n', 'web', '--actor', 'x', '--check'], io)).toBe(1);
    expect(calls).toEqual([
      { flags: expect.objectContaining({ spec: 'a', namespace: 'web', actor: ['x'], check: true }), positionals: [] },
    ]);
    expect(out).toEqual(['ran']);
    const r = spread.invoke(['a', 'b'], io);
    expectTypeOf(r).toEqualTypeOf<Promise<number> | number>();
    expect(await r).toBe(2);
  });

  it('--help and -h print the help and exit 0, without running; wherever they are', () => {
    calls.length = 0;
    for (const argv of [['--help'], ['-h'], ['--spec', 'a', '--help'], ['extra', '-h'], ['--help', '--check']]) {
      const { io, out } = capture();
      expect(demo.invoke(argv, io), argv.join(' ')).toBe(0);
      expect(out).toEqual([
        'Usage: orgctl demo [--spec FILE] [-n NS]\n       orgctl demo --check\n\nWhat it does.\n\n  -o, --output FORMAT  the same as --format (table is another name for text)',
      ]);
    }
    expect(calls).toEqual([]);
  });

  it('--help is parsed like any flag: a bad flag beside it, a value, or after "--" is a usage error', () => {
    const { io } = capture();
    expect(thrown(() => demo.invoke(['--help', '--bogus'], io))).toBe('unknown flag --bogus');
    expect(thrown(() => demo.invoke(['--help', '--format', 'xml'], io))).toMatch(/^--format "xml" is not allowed/);
    expect(thrown(() => demo.invoke(['--help=1'], io))).toBe('--help takes no value');
    expect(thrown(() => demo.invoke(['--', '--help'], io))).toBe('unexpected argument "--help"');
  });

  it('takes no positionals unless it says so', async () => {
    const { io } = capture();
    expect(thrown(() => demo.invoke(['extra'], io))).toBe('unexpected argument "extra"');
    expect(await spread.invoke(['--', '-x', 'y'], io)).toBe(2);
    expect(thrown(() => spread.invoke(['-x'], io))).toBe('unknown flag -x');
  });

  it("carries its help's usage lines for the top-level usage", () => {
    expect([demo.synopsis, spread.synopsis, demo.summary]).toEqual([
      ['orgctl demo [--spec FILE] [-n NS]', 'orgctl demo --check'],
      ['orgctl spread ARGS...'],
      'One line.\nAnother line.',
    ]);
    expect(() => defineCommand({ name: 'x', summary: '', help: 'Usage: orgctl y', flags: {}, run: () => 0 })).toThrow(
      'x: a command\'s help must begin with "Usage: orgctl x"',
    );
  });

  it('--format is also -o and --output; text and table name the same output', () => {
    for (const argv of [['-o', 'json'], ['-o=json'], ['--output', 'json'], ['--output=json'], ['--format', 'json']]) {
      calls.length = 0;
      const { io } = capture();
      demo.invoke(argv, io);
      expect(calls, argv.join(' ')).toEqual([{ flags: expect.objectContaining({ format: 'json' }), positionals: [] }]);
    }
    calls.length = 0;
    const { io } = capture();
    demo.invoke(['-o', 'table'], io);
    expect(calls).toEqual([{ flags: expect.objectContaining({ format: 'text' }), positionals: [] }]);
    expect(thrown(() => demo.invoke(['-o', 'xml'], io))).toBe(
      '--format "xml" is not allowed (expected one of text, json)',
    );
    expect(thrown(() => demo.invoke(['--outpt', 'json'], io))).toBe('unknown flag --outpt (did you mean --output?)');
    expect(demo.aliases).toEqual({ n: 'namespace', o: 'format', output: 'format' });
    // A command without --format has neither; one that declares --out keeps it apart from --output.
    expect(spread.aliases).toEqual({});
    expect(thrown(() => spread.invoke(['-o', 'json'], io))).toBe('unknown flag -o');
    const both = defineCommand({
      name: 'both',
      summary: '',
      help: 'Usage: orgctl both [--out FILE] [--format md|html]',
      flags: { out: 'string', format: ['md', 'html'] },
      run: ({ flags }, io) => {
        io.out(`${flags.out} ${flags.format}`);
        return 0;
      },
    });
    const c = capture();
    both.invoke(['--out', 'page.html', '--output', 'html'], c.io);
    both.invoke(['-o', 'md'], c.io);
    expect(c.out).toEqual(['page.html html', 'undefined md']);
    expect(thrown(() => both.invoke(['--ot', 'x'], c.io))).toBe('unknown flag --ot (did you mean --out?)');
    expect(thrown(() => both.invoke(['-o', 'text'], c.io))).toBe(
      '--format "text" is not allowed (expected one of md, html)',
    );
    both.invoke(['--help'], c.io);
    expect(c.out.at(-1)).toMatch(/\n\n {2}-o, --output FORMAT {2}the same as --format$/);
  });
});

describe('the commands', () => {
  const loaded = async (): Promise<Command[]> => Promise.all(COMMANDS.map((c) => c.load()));

  it('each entry loads the descriptor of its name; names are unique', async () => {
    const commands = await loaded();
    expect(commands.map((c) => c.name)).toEqual(COMMANDS.map((c) => c.name));
    expect(new Set(COMMANDS.map((c) => c.name)).size).toBe(COMMANDS.length);
  });

  it('every help begins with its own usage line, and --help and -h print it (exit 0)', async () => {
    for (const c of await loaded()) {
      expect(c.help.startsWith(`Usage: orgctl ${c.name} `), c.name).toBe(true);
      for (const flag of ['--help', '-h']) {
        const r = await run([c.name, flag]);
        expect([r.code, r.stdout, r.stderr], `${c.name} ${flag}`).toEqual([0, c.help, '']);
      }
    }
  });

  it("every flag its synopsis, its help's usage lines and its help's flag list name is one it takes", async () => {
    for (const c of await loaded()) {
      // Prose may name another command's flags (synth --check): the usage block and lines that begin with a flag may not.
      const [usageBlock, ...rest] = c.help.split('\n\n');
      const flagLines = rest
        .join('\n')
        .split('\n')
        .filter((l) => /^\s+--?[a-z]/.test(l))
        .map((l) => l.trim().split(/\s{2,}/)[0]);
      const text = [...c.synopsis, usageBlock, ...flagLines].join('\n');
      for (const [, name] of text.matchAll(/(?<![\w-])--([a-z][a-z-]*)/g)) {
        expect(
          name === 'help' || Object.hasOwn(c.flags, name!) || Object.hasOwn(c.aliases, name!),
          `${c.name}: --${name}`,
        ).toBe(true);
      }
      // And the other way: every flag it takes is in its usage lines or its flag list (by a name or an alias).
      for (const name of Object.keys(c.flags)) {
        const spellings = [name, ...Object.keys(c.aliases).filter((a) => c.aliases[a] === name)];
        const shown = spellings.some((n) => new RegExp(`(?<![\\w-])--?${n}\\b`).test(text));
        expect(shown, `${c.name}: --${name} is not in its help's usage lines or flag list`).toBe(true);
      }
    }
  });

  it("every flag its help's flag list explains is in its usage lines too (orgctl --help shows only those)", async () => {
    for (const c of await loaded()) {
      const [usageBlock, ...rest] = c.help.split('\n\n');
      for (const [, name] of rest.join('\n').matchAll(/^\s+(--[a-z][a-z-]*)/gm)) {
        expect(new RegExp(`(?<![\\w-])${name}\\b`).test(usageBlock!), `${c.name}: ${name}`).toBe(true);
      }
    }
  });

  it('the top-level usage is built from the descriptors: each synopsis, its summary beneath, in order', async () => {
    const text = await usage();
    const lines = text.split('\n');
    expect(lines.slice(0, 3)).toEqual(["orgctl — a cloud organization's people and access as code", '', 'Usage:']);
    let at = 3;
    for (const c of await loaded()) {
      for (const s of c.synopsis) expect(lines[at++]).toBe(`  ${s}`);
      for (const s of c.summary.split('\n')) expect(lines[at++]).toBe(`      ${s}`);
    }
    expect(lines.slice(at)).toEqual([
      '',
      'The declaration is --spec FILE, else package.json\'s "orgctl": { "spec": FILE }, else org/org.ts.',
      'Every --format is also -o and --output; text (also: table) is the human-readable output.',
      'Exit codes: 0 ok, 1 policy errors or stale output, 2 bad usage or unreadable input.',
      "Run `orgctl COMMAND --help` for one command; `orgctl --version` (-V) prints orgctl's version.",
    ]);
    const { io, out } = capture();
    expect(await main(['--help'], io)).toBe(0);
    expect(out).toEqual([text]);
  });

  it('orgctl --help shows, for every command, exactly the usage lines of `orgctl COMMAND --help` (the real CLI)', async () => {
    const top = cli(['--help']);
    expect(top.code).toBe(0);
    const lines = top.stdout.split('\n');
    for (const c of await loaded()) {
      const own = cli([c.name, '--help']).stdout.split('\n\n')[0]!.split('\n');
      expect(own[0], c.name).toMatch(new RegExp(`^Usage: orgctl ${c.name} `));
      const at = lines.indexOf(`  ${own[0]!.slice('Usage: '.length)}`);
      expect(at, `${c.name}: its first usage line is in orgctl --help`).toBeGreaterThan(0);
      expect(lines.slice(at, at + own.length), c.name).toEqual(own.map((l) => `  ${l.slice('Usage: '.length)}`));
      expect(lines[at + own.length], `${c.name}: the summary follows`).toMatch(/^ {6}\S/);
    }
  });

  it('--version and -V print the version in package.json (exit 0)', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    for (const flag of ['--version', '-V'])
      expect(await run([flag]), flag).toEqual({ code: 0, stdout: version, stderr: '' });
    expect(cli(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('-o json and --output json ask for JSON errors as --format json does', async () => {
    for (const argv of [['-o', 'json'], ['--output=json'], ['-o=json']]) {
      const r = await run(['levels', ...argv, '--bogus']);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(JSON.parse(r.stdout).error.message, argv.join(' ')).toBe('unknown flag --bogus');
    }
    expect(JSON.parse((await run(['levels', '-o', 'json'])).stdout).length).toBeGreaterThan(3);
    expect((await run(['levels', '-o', 'table'])).stdout).toBe((await run(['levels'])).stdout);
  });

  it('an unknown command lists the commands, then the usage (exit 2); so do names an object inherits', async () => {
    for (const name of ['frobnicate', 'toString', 'constructor', '__proto__']) {
      const r = await run([name]);
      expect(r.code, name).toBe(2);
      expect(r.stderr, name).toBe(
        `orgctl: unknown command ${JSON.stringify(name)} (commands: ${COMMANDS.map((c) => c.name).join(', ')})\n\n${await usage()}`,
      );
    }
  });

  it('a mistyped command names the one meant, in one line, without the whole usage (exit 2)', async () => {
    for (const [name, meant] of [
      ['chek', 'check'],
      ['synt', 'synth'],
      ['can_i', 'can-i'],
      ['reveiw', 'review'],
    ]) {
      const r = await run([name!]);
      expect(r.code, name).toBe(2);
      expect(r.stderr, name).toBe(
        `orgctl: unknown command ${JSON.stringify(name)}: did you mean ${meant}? (orgctl --help lists the commands)`,
      );
    }
  });

  it('only the command that runs is loaded: main.ts and commands.ts import no command statically', () => {
    const names = COMMANDS.map((c) => c.name);
    for (const file of ['cli/main.ts', 'cli/commands.ts']) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      const staticImports = [...text.matchAll(/^import\s[^;]*?from\s+'\.\/([\w-]+)\.ts'/gm)].map((m) => m[1]);
      expect(
        staticImports.filter((m) => names.includes(m!)),
        file,
      ).toEqual([]);
    }
    const dynamic = readFileSync(join(ROOT, 'cli/commands.ts'), 'utf8').match(/import\('\.\/[\w-]+\.ts'\)/g);
    expect(dynamic).toEqual(names.map((n) => `import('./${n}.ts')`));
  });
});

describe('quick commands (bin/orgctl.mjs delays the optimizing compiler for them)', () => {
  it('are those answering from a bounded read: levels, can-i, who-can in one namespace', () => {
    expect(isQuick(['levels'])).toBe(true);
    expect(isQuick(['can-i', 'get', 'pods', '--as', 'bob@acme.io'])).toBe(true);
    expect(isQuick(['who-can', 'get', 'pods', '-n', 'web'])).toBe(true);
    expect(isQuick(['who-can', 'get', 'pods', '--namespace=web'])).toBe(true);
    // Every namespace is a full read; so are the commands that read the declaration or all of dist/.
    expect(isQuick(['who-can', 'get', 'pods'])).toBe(false);
    for (const command of ['synth', 'check', 'access', 'diff', 'review', 'explain', 'nope', '--help'])
      expect(isQuick([command]), command).toBe(false);
    expect(isQuick([])).toBe(false);
  });
});
