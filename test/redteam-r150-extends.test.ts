/**
 * Red team R150: the reach check of what a declaration's tsconfig `extends` (cli/declaration.ts)
 * against what esbuild reads. esbuild follows an `extends` its own way (a package's tsconfig.json,
 * with or without a main; every config from a source's folder up); the check must judge what it
 * reads, before it reads it.
 *
 * R150-1: org/tsconfig.json extends "pkg", an installed package without `main` holding a
 * tsconfig.json that extends ../../secret.json (outside what a declaration may read): Node's
 * resolution of "pkg" throws, so the check skipped it, and esbuild read the secret (its first
 * word in esbuild's error when not JSON; silently when JSON). Also through an array, a jsconfig.json,
 * the project's tsconfig.json above org/'s (esbuild reads every config from a source's folder up).
 * R150-2: extends "pkg/tsconfig.json", whose `exports` name a file not there: Node's resolution
 * throws, esbuild reads the package's tsconfig.json, which extends the secret.
 * R150-3: an extends through an `exports` pattern, which configReader does not follow as esbuild
 * does ("./*": "./missing/*": Node throws, esbuild reads the package's tsconfig.json): refused.
 * R150-4: a shared lib/'s tsconfig.json extends ../secret.json: esbuild read it as it resolved the
 * import of lib/x.ts, before the check after the build (whose message said whether it is JSON).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { cliOr, declarationRunning, repoScratch, tempDir } from './helpers.ts';

const scratch = repoScratch('r150-');

/** What the outside file holds: found in no output, it was not read there. */
const MARKER = 'hunter2-r150';

/** A file (folders made) holding `text`. */
function put(file: string, text: string): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
}

/** An installed package `name` in `project` without main: its package.json, and these files. */
function packageWithout(project: string, name: string, files: Record<string, string>, manifest = {}): string {
  const folder = join(project, 'node_modules', name);
  put(join(folder, 'package.json'), JSON.stringify({ name, version: '1.0.0', ...manifest }));
  for (const [f, text] of Object.entries(files)) put(join(folder, f), text);
  return folder;
}

/** The outside file, not JSON (esbuild's error would quote it) or JSON (esbuild reads it silently). */
const SECRETS = {
  'not JSON': `${MARKER} is the password\n`,
  JSON: JSON.stringify({ compilerOptions: { baseUrl: MARKER } }),
} as const;

interface Attack {
  /** Lays out the project (`project`, its declaration in org/) and the outside file's text; returns the config that extends it and the file. */
  readonly make: (project: string, secret: string) => { readonly config: string; readonly outside: string };
}

/**
 * The project's secret.json holding `secret`, the package "pkg" (no main) whose tsconfig.json
 * extends ../../secret.json, and `config` (relative to the project) extending `extended`.
 */
const throughPkg =
  (config = 'org/tsconfig.json', extended: unknown = 'pkg'): Attack['make'] =>
  (project, secret) => {
    put(join(project, 'secret.json'), secret);
    const pkg = packageWithout(project, 'pkg', { 'tsconfig.json': JSON.stringify({ extends: '../../secret.json' }) });
    put(join(project, config), JSON.stringify({ extends: extended }));
    return { config: join(pkg, 'tsconfig.json'), outside: join(project, 'secret.json') };
  };

/**
 * The project's secret.json holding `secret`, the package "pkg" (no main) whose exports send
 * ./tsconfig.json to `target`, and whose `config` extends the secret; org/tsconfig.json extends
 * "pkg/tsconfig.json".
 */
const throughExports =
  (target: string, config: string): Attack['make'] =>
  (project, secret) => {
    put(join(project, 'secret.json'), secret);
    const climb = '../'.repeat(config.split('/').length + 1);
    const pkg = packageWithout(
      project,
      'pkg',
      { [config]: JSON.stringify({ extends: `${climb}secret.json` }) },
      { exports: { './tsconfig.json': target } },
    );
    put(join(project, 'org', 'tsconfig.json'), JSON.stringify({ extends: 'pkg/tsconfig.json' }));
    return { config: join(pkg, config), outside: join(project, 'secret.json') };
  };

const ATTACKS: Record<string, Attack> = {
  'R150-1: org/tsconfig.json extends "pkg" (no main), whose tsconfig.json extends ../../secret.json': {
    make: throughPkg(),
  },
  'R150-1: extends ["pkg"], an array': { make: throughPkg('org/tsconfig.json', ['pkg']) },
  'R150-1: the package extends a file in a folder outside the project, by its absolute path': {
    make: (project, secret) => {
      const outside = join(tempDir('r150-outside-'), 'outside.json');
      put(outside, secret);
      const pkg = packageWithout(project, 'pkg', { 'tsconfig.json': JSON.stringify({ extends: outside }) });
      put(join(project, 'org', 'tsconfig.json'), JSON.stringify({ extends: 'pkg' }));
      return { config: join(pkg, 'tsconfig.json'), outside };
    },
  },
  'R150-1: the project’s tsconfig.json (above org/tsconfig.json, which esbuild reads too) extends "pkg"': {
    make: (project, secret) => {
      put(join(project, 'org', 'tsconfig.json'), '{}');
      return throughPkg('tsconfig.json')(project, secret);
    },
  },
  'R150-1: a jsconfig.json extends "pkg"': { make: throughPkg('org/jsconfig.json') },
  'R150-2: extends "pkg/tsconfig.json", whose exports name a file not there (Node throws; esbuild reads the package’s tsconfig.json)':
    { make: throughExports('./missing.json', 'tsconfig.json') },
  'Guard: extends "pkg/tsconfig.json" through the exports of a package without main': {
    // Node's resolution finds it (the exports map names it), as esbuild does.
    make: throughExports('./base/tsconfig.json', 'base/tsconfig.json'),
  },
  'Guard: extends "pkg/../../secret.json", a package path that climbs out of node_modules': {
    // esbuild joins it to node_modules and finds the project's secret.json; so does Node.
    make: (project, secret) => {
      put(join(project, 'secret.json'), secret);
      packageWithout(project, 'pkg', {});
      put(join(project, 'org', 'tsconfig.json'), JSON.stringify({ extends: 'pkg/../../secret.json' }));
      return { config: join(project, 'org', 'tsconfig.json'), outside: join(project, 'secret.json') };
    },
  },
};

const cases = Object.entries(ATTACKS).flatMap(([name, attack]) =>
  Object.entries(SECRETS).map(([kind, secret]) => [`${name} (the file ${kind})`, attack, secret] as const),
);

it.each(cases.map((c, i) => [c[0], i] as const))(
  '%s: refused before esbuild reads it, naming the config and the file, not its text',
  async (_, i) => {
    const [, attack, secret] = cases[i]!;
    const project = scratch();
    const file = declarationRunning(join(project, 'org'), '');
    const { config, outside } = attack.make(project, secret);
    const r = await cliOr(i === 0, ['check', '--spec', file]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`${config} extends ${outside}, outside what a declaration may read`);
    expect(`${r.stdout}${r.stderr}`).not.toContain(MARKER);
  },
  60_000,
);

it('Guard: extends "${configDir}/../secret.json" is no path to esbuild (it finds no such base): nothing outside is read', async () => {
  const project = scratch();
  const file = declarationRunning(join(project, 'org'), '');
  put(join(project, 'secret.json'), SECRETS['not JSON']);
  put(join(project, 'org', 'tsconfig.json'), JSON.stringify({ extends: '${configDir}/../secret.json' }));
  const r = await cliOr(false, ['check', '--spec', file]);
  expect(`${r.stdout}${r.stderr}`).not.toContain(MARKER);
});

it.each([
  ['./*', '{}'],
  ['./missing/*', JSON.stringify({ extends: '../../secret.json' })],
])('R150-3: an extends through a package’s exports pattern (%s; the package’s tsconfig.json %s), which orgctl does not follow as esbuild does, is refused naming the config and what it extends', async (pattern, text) => {
  // What esbuild reads there is not known to orgctl: it may be outside what a declaration may
  // read. Where the pattern names no file, Node's resolution throws and esbuild reads the
  // package's tsconfig.json, which extended the secret.
  const project = scratch();
  const file = declarationRunning(join(project, 'org'), '');
  put(join(project, 'secret.json'), SECRETS['not JSON']);
  packageWithout(project, 'pkg', { 'tsconfig.json': text }, { exports: { './*': pattern } });
  const config = join(project, 'org', 'tsconfig.json');
  put(config, JSON.stringify({ extends: 'pkg/tsconfig.json' }));
  const r = await cliOr(false, ['check', '--spec', file]);
  expect([r.code, r.stderr.split('\n')[0]]).toEqual([
    2,
    `error declaration ${config} extends pkg/tsconfig.json, which orgctl cannot follow as esbuild does (${join(project, 'node_modules', 'pkg', 'package.json')}: an extends through its exports): what esbuild reads there may be outside what a declaration may read (its folder, the installed packages, and its project's tsconfig files): extend one of those by its path or its package's tsconfig.json`,
  ]);
  expect(`${r.stdout}${r.stderr}`).not.toContain(MARKER);
});

it.each([
  ...Object.entries(SECRETS),
  ['absent', undefined] as const,
])('R150-4: a shared lib/ (its project’s code) whose tsconfig.json extends ../secret.json (%s): refused before esbuild reads it, the same whatever the file holds', async (kind, secret) => {
  // esbuild reads lib/tsconfig.json, and what it extends, as it resolves the import of
  // lib/x.ts: the check after the build came after it read the file, and its error for a file
  // not JSON said "reads", for one JSON or none "extends": whether the file is JSON.
  const project = scratch();
  put(join(project, 'package.json'), JSON.stringify({ name: 'proj', private: true }));
  put(join(project, 'lib', 'x.ts'), 'export const L = 1;\n');
  put(join(project, 'lib', 'tsconfig.json'), JSON.stringify({ extends: '../secret.json' }));
  if (secret) put(join(project, 'secret.json'), secret);
  const file = declarationRunning(join(project, 'org'), 'console.log(L);', "import { L } from '../lib/x.ts';");
  const r = await cliOr(kind === 'absent', ['check', '--spec', file]);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toContain(
    `${join(project, 'lib', 'tsconfig.json')} extends ${join(project, 'secret.json')}, outside what a declaration may read`,
  );
  expect(`${r.stdout}${r.stderr}`).not.toContain(MARKER);
});
