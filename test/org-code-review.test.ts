/**
 * org-code: org/org.ts is a program. A member's change to it that an admin approves for its access
 * diff runs, once merged, wherever synth runs next (every admin's machine at `npm run synth`, with
 * that person's files and environment), and the review's comment said what it grants, never what
 * its code reaches for (red team R72's open item). The review reads each org/ code file the change
 * adds or modifies with esbuild (the parser synth bundles it with) and discloses what it reaches for
 * beyond orgctl's constructs. The attacks (test/fixtures/org-code/, each appended to the example's
 * org/org.ts) all type-check: `tsc --noEmit`, an organization's own `npm test`, passes them.
 */
import { readdirSync, readFileSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { transform } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { scanOrgCode } from '../review/org-code.ts';
import { cli, gitIn, ROOT, tempDir } from './helpers.ts';

const RULE = 'org-code';
const FIXTURES = join(ROOT, 'test/fixtures/org-code');
const EXAMPLE = readFileSync(join(ROOT, 'org/org.ts'), 'utf8');
/** What `orgctl init` writes as an organization's org/org.ts (report/scaffold.ts), its imports and first lines. */
const TEMPLATE = `import { App } from 'cdk8s';
import { Organization } from 'orgctl';

const org = new Organization(new App(), 'acme', { owner: 'alice@acme.io' });
org.user('alice@acme.io', { github: 'alice', admin: true });
export default org;
`;

/** Each attack fixture, where it reaches (a text of its line) and a word its finding says. */
const ATTACKS: Record<string, readonly { readonly at: string; readonly says: string }[]> = {
  'env-token.ts': [
    { at: 'process.env.GITHUB_TOKEN', says: 'process' },
    { at: 'fetch(`https', says: 'fetch' },
  ],
  'child-process.ts': [{ at: "from 'node:child_process'", says: 'node:child_process' }],
  'function-constructor.ts': [{ at: ".constructor('return process')", says: 'constructor' }],
  'global-computed.ts': [{ at: 'globalThis as unknown', says: 'globalThis' }],
  'computed-key.ts': [{ at: 'fn[key]', says: 'computed' }],
  'dynamic-import.ts': [{ at: 'import(name)', says: 'import()' }],
  'descriptors.ts': [{ at: 'getOwnPropertyDescriptors(proto)', says: 'getOwnPropertyDescriptors' }],
  'cdk8s-include.ts': [{ at: "import { App, Include } from 'cdk8s'", says: 'Include' }],
  'import-meta.ts': [{ at: "resolve('node:fs')", says: 'import.meta.resolve' }],
  'pattern-key.ts': [{ at: '[key]: make', says: 'computed' }],
};
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

/** The example's org/org.ts with an attack appended. */
const withAttack = (name: string) => `${EXAMPLE}\n${fixture(name)}`;

/** The 1-based line of `text` holding `needle` (after `from`, the first line holding it after that one). */
function lineOf(text: string, needle: string, from = ''): number {
  const start = from ? text.indexOf(from) : 0;
  const at = text.indexOf(needle, start);
  expect(at, `${needle} in the text`).toBeGreaterThanOrEqual(0);
  return text.slice(0, at).split('\n').length;
}

const scan = (text: string, path = 'org/org.ts') => scanOrgCode(transform, path, text);
/** Findings as `LINE: text`, for matching. */
const said = async (text: string, path = 'org/org.ts') =>
  (await scan(text, path)).map((f) => `${f.line ?? '-'}: ${f.text}`);

describe('org-code: what a change of org/ code reaches for beyond orgctl constructs', () => {
  it('every attack fixture, appended to the example, is disclosed at its line', async () => {
    for (const [name, expected] of Object.entries(ATTACKS)) {
      const text = withAttack(name);
      const found = await said(text);
      for (const e of expected) {
        const line = lineOf(text, e.at, '// Appended to org/org.ts');
        expect(
          found.some((f) => f.startsWith(`${line}: `) && f.includes(e.says)),
          `${name}: ${e.says} at line ${line}\n${found.join('\n')}`,
        ).toBe(true);
      }
    }
  });

  it('the example org/org.ts, the template orgctl init writes and plain declaration code: nothing', async () => {
    expect(await said(EXAMPLE)).toEqual([]);
    expect(await said(TEMPLATE)).toEqual([]);
    const plain = `import people from './people.json' with { type: 'json' };
import { teams } from './teams/index.ts';
import { people as more } from './people';
import { all } from './groups/';
import { helper } from '../org/shared.ts';
import type { Access } from 'node:fs';
// process, fetch and globalThis in a comment; import('x') too
class Team {
  constructor(readonly name: string) {}
}
function levels(process: string[], fetch = 0) { return [...process, String(fetch)]; }
const note = 'runs no process, fetches nothing';
const first = people[0], named = people['first'], dir = import.meta.dirname, url = import.meta.url;
export default { more, all, teams, helper, note, first, named, dir, url, t: new Team('web'), l: levels([]) };
`;
    expect(await said(plain, 'org/teams.ts')).toEqual([]);
  });

  it.each([
    ['require', "const fs = require('node:fs');", 'require'],
    ['eval', "export const x = eval('1');", 'eval'],
    ['new Function', "export const f = new Function('return 1');", 'Function'],
    ['Reflect', "export const g = Reflect.get(Object, 'keys');", 'Reflect'],
    ['Proxy', 'export const p = new Proxy({}, {});', 'Proxy'],
    ['Buffer', "export const b = Buffer.from('x');", 'Buffer'],
    ['WebAssembly', 'export const w = WebAssembly;', 'WebAssembly'],
    ['global', 'export const g = global;', 'global'],
    ['module', 'export const m = module;', 'module'],
    ['__proto__', 'export const p = ({}).__proto__;', '__proto__'],
    [
      'a relative import out of org/',
      "import s from '../secrets.json' with { type: 'json' };\nexport { s };",
      '../secrets.json',
    ],
    ['another package', "import { parse } from 'yaml';\nexport { parse };", 'yaml'],
    ['a data: URL', "import 'data:text/javascript,console.log(1)';", 'data:'],
    ['a re-export', "export * from 'node:os';", 'node:os'],
    ['a literal dynamic import', "export const m = import('node:fs');", 'node:fs'],
    ['all of cdk8s', "import * as cdk8s from 'cdk8s';\nexport { cdk8s };", 'cdk8s'],
    ['Yaml from cdk8s, renamed', "import { App as A, Yaml as Y } from 'cdk8s';\nexport { A, Y };", 'Yaml'],
    ['a string naming constructor, folded', "export const k = 'constr' + 'uctor';", 'constructor'],
    [
      'a package path climbing out of it',
      "import x from 'constructs/../../evil.js';\nexport { x };",
      'constructs/../../evil.js',
    ],
    ['a builtin prototype patched', 'Array.prototype.includes = () => true;', 'prototype'],
    ['a prototype reached by getPrototypeOf', 'Object.getPrototypeOf({}).admin = true;', 'getPrototypeOf'],
    ['a prototype replaced', 'Object.setPrototypeOf(Object.prototype, null);', 'setPrototypeOf'],
    ['a file neither code nor JSON', "import x from './blob.node';\nexport { x };", './blob.node'],
  ])('%s is disclosed', async (_, code, says) => {
    const found = await said(code);
    expect(
      found.some((f) => f.includes(says)),
      found.join('\n'),
    ).toBe(true);
  });

  it('a file esbuild cannot parse is said, never passed', async () => {
    const found = await said('export const = ;');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/cannot parse/);
  });
});

describe('org-code in orgctl review (head a git ref)', () => {
  let repo = '';
  let base = '';
  const git = () => gitIn(repo);
  /** A head commit on base with `files` (path → text) written. */
  const headWith = (files: Record<string, string>) => {
    git()('checkout', '-q', '--detach', base);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(repo, path, '..'), { recursive: true });
      writeFileSync(join(repo, path), text);
    }
    git()('add', '-A');
    git()('commit', '-qm', 'head');
    return git()('rev-parse', 'HEAD');
  };
  const row = (stdout: string) => stdout.split('\n').find((l) => l.startsWith(`| \`${RULE}\` |`)) ?? '';

  beforeAll(() => {
    repo = tempDir('orgctl-org-code-');
    cpSync(join(ROOT, 'dist'), join(repo, 'dist'), { recursive: true });
    mkdirSync(join(repo, 'org'));
    writeFileSync(join(repo, 'org/org.ts'), EXAMPLE);
    git()('init', '-q', '-b', 'main');
    git()('add', '-A');
    git()('commit', '-qm', 'base');
    base = git()('rev-parse', 'HEAD');
  });

  it('every attack fixture, each a file of org/ in one change: each disclosed, at its line', () => {
    expect(readdirSync(FIXTURES).sort()).toEqual(Object.keys(ATTACKS).sort());
    const head = headWith(Object.fromEntries(Object.keys(ATTACKS).map((n) => [`org/${n}`, fixture(n)])));
    const r = cli(['review', '--base', base, '--head', head, '--actor', 'alice'], { cwd: repo });
    const rows = r.stdout.split('\n').filter((l) => l.startsWith(`| \`${RULE}\` |`));
    for (const [name, expected] of Object.entries(ATTACKS))
      for (const e of expected) {
        const where = `org/${name}:${lineOf(fixture(name), e.at)}`;
        expect(
          rows.some((l) => l.includes('⚠️') && l.includes(where) && l.replaceAll('\\', '').includes(e.says)),
          `${where} ${e.says}\n${rows.join('\n')}\n${r.stderr}`,
        ).toBe(true);
      }
  });

  it("a member's change reading the token: the approving admin is warned, with the line and what to do", () => {
    const text = withAttack('env-token.ts');
    const head = headWith({ 'org/org.ts': text });
    const r = cli(['review', '--base', base, '--head', head, '--actor', 'bob', '--approved-by', 'alice'], {
      cwd: repo,
    });
    const shown = row(r.stdout);
    expect(shown, r.stdout + r.stderr).toContain('⚠️');
    expect(shown).toContain(`org/org.ts:${lineOf(text, 'process.env', '// Appended')}`);
    expect(shown).toContain('read this code before approving');
    expect(shown).toContain('not a sandbox');
    // A disclosure: the verdict is the other rules' (bob's change with an admin's approval passes).
    expect(r.code, r.stdout).toBe(0);
  });

  it('a change of declaration code that reaches for nothing passes it, said', () => {
    const head = headWith({
      'org/org.ts': `${EXAMPLE}\n// another comment\n`,
      'org/teams.ts': "export const teams = ['web'];\n",
    });
    const r = cli(['review', '--base', base, '--head', head, '--actor', 'alice'], { cwd: repo });
    expect(row(r.stdout), r.stdout + r.stderr).toContain('✅');
    expect(row(r.stdout)).toContain('2 code file(s)');
  });

  it('head a folder: not judged, said', () => {
    const r = cli([
      'review',
      '--base',
      join(ROOT, 'dist'),
      '--head',
      join(ROOT, 'dist'),
      '--actor',
      'alice',
      '--changed-path',
      'org/org.ts',
    ]);
    expect(row(r.stdout), r.stdout + r.stderr).toContain('➖');
  });
});
