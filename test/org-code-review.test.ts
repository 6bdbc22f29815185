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
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, gitIn, ROOT, tempDir } from './helpers.ts';

const RULE = 'org-code';
const FIXTURES = join(ROOT, 'test/fixtures/org-code');
const EXAMPLE = readFileSync(join(ROOT, 'org/org.ts'), 'utf8');
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
          rows.some((l) => l.includes('⚠️') && l.includes(where) && l.includes(e.says)),
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
