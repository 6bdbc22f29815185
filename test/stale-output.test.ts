/**
 * can-i, who-can and access answer from dist/: after an edit of the declaration and before
 * `npm run synth`, they say on stderr, in one line, that dist/ is older than the declaration (the
 * answer and exit code as before). synth records what it wrote dist/ from outside dist/
 * (cli/written-from.ts); no record, or a dist/ that changed with the declaration (a checkout), says nothing.
 */
import { cpSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, cli, gitIn, repoScratch, tempDir } from './helpers.ts';
import { baseSpec } from './review/scenarios.ts';

const ACME = join(ROOT, 'test/fixtures/specs/acme.yaml');
// Inside the repository, so that a TypeScript declaration finds cdk8s as org/org.ts does.
const scratch = repoScratch('stale-output-');

/** A project whose package.json names its spec, org/org.yaml (acme), synthesized into dist/. */
function project(): string {
  const dir = tempDir('orgctl-stale-');
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'acme-org', private: true, orgctl: { spec: 'org/org.yaml' } }),
  );
  mkdirSync(join(dir, 'org'));
  cpSync(ACME, join(dir, 'org/org.yaml'));
  const r = cli(['synth'], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  return dir;
}

const BOB = 'levels: ["r:pods", "w:services"]';
/** bob may read Secrets in web too. */
const grantSecrets = (dir: string) => {
  const file = join(dir, 'org/org.yaml');
  const text = readFileSync(file, 'utf8');
  expect(text).toContain(BOB);
  writeFileSync(file, text.replace(BOB, 'levels: ["r:pods", "w:services", "r:secrets"]'));
};

const QUESTIONS = [
  ['can-i', 'get', 'secrets', '-n', 'web', '--as', 'bob@acme.io'],
  ['who-can', 'get', 'secrets', '-n', 'web'],
  ['access'],
];

const STALE =
  /^warning: org\/org\.yaml has changed since dist\/ was written from it \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\): this answer is dist\/'s, not the declaration's as it is now; run `npm run synth`\n$/;

describe('an answer from a dist/ older than the declaration says so', () => {
  it('can-i, who-can and access: one line on stderr naming the file and npm run synth; the answer and exit code as before', () => {
    const dir = project();
    const before = QUESTIONS.map((q) => cli(q, { cwd: dir }));
    for (const r of before) expect(r.stderr).toBe('');
    expect(before[0]!.stdout).toBe('no\n');
    grantSecrets(dir);
    QUESTIONS.forEach((q, i) => {
      const r = cli(q, { cwd: dir });
      expect({ code: r.code, stdout: r.stdout }, q.join(' ')).toEqual({
        code: before[i]!.code,
        stdout: before[i]!.stdout,
      });
      expect(r.stderr, q.join(' ')).toMatch(STALE);
    });
    // synth again: the answer is the edit's, and nothing is said.
    expect(cli(['synth'], { cwd: dir }).code).toBe(0);
    const after = cli(QUESTIONS[0]!, { cwd: dir });
    expect([after.code, after.stdout, after.stderr]).toEqual([0, 'yes\n', '']);
  });

  it('nothing is said without a record (a fresh copy), after a touch, or once the edit is undone', () => {
    const dir = project();
    const copy = tempDir('orgctl-stale-copy-');
    cpSync(dir, copy, { recursive: true });
    grantSecrets(copy);
    expect(cli(QUESTIONS[0]!, { cwd: copy }).stderr).toBe('');

    const file = join(dir, 'org/org.yaml');
    const now = new Date();
    utimesSync(file, now, now);
    expect(cli(QUESTIONS[0]!, { cwd: dir }).stderr).toBe('');
    const text = readFileSync(file, 'utf8');
    grantSecrets(dir);
    expect(cli(QUESTIONS[0]!, { cwd: dir }).stderr).toMatch(STALE);
    writeFileSync(file, text);
    expect(cli(QUESTIONS[0]!, { cwd: dir }).stderr).toBe('');
  });

  it('a checkout that changes the declaration and dist/ together says nothing', () => {
    const dir = project();
    const git = gitIn(dir);
    git('init', '-q', '-b', 'main');
    git('add', 'package.json', 'org', 'dist');
    git('commit', '-q', '-m', 'acme');
    git('checkout', '-q', '-b', 'secrets');
    grantSecrets(dir);
    expect(cli(['synth'], { cwd: dir }).code).toBe(0);
    git('commit', '-q', '-am', 'bob reads secrets');
    git('checkout', '-q', 'main');
    // dist/ as written from main's declaration: recorded
    expect(cli(['synth'], { cwd: dir }).stdout).toMatch(/^unchanged: dist\//);
    git('checkout', '-q', 'secrets');
    const r = cli(QUESTIONS[0]!, { cwd: dir });
    expect([r.code, r.stdout, r.stderr]).toEqual([0, 'yes\n', '']);
  });

  it('--dir dist/ (a shell completes the slash) is named dist/, as without it', () => {
    const dir = project();
    grantSecrets(dir);
    const r = cli([...QUESTIONS[0]!, '--dir', 'dist/'], { cwd: dir });
    expect(r.stderr).toMatch(STALE);
  });

  it('an output written with --spec and --out names the command that writes it', () => {
    const dir = project();
    expect(cli(['synth', '--spec', 'org/org.yaml', '--out', 'other'], { cwd: dir }).code).toBe(0);
    grantSecrets(dir);
    const r = cli(['can-i', 'get', 'secrets', '-n', 'web', '--as', 'bob@acme.io', '--dir', 'other'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^warning: org\/org\.yaml has changed since other\/ was written from it \(.*\): this answer is other\/'s, not the declaration's as it is now; run `orgctl synth --spec org\/org\.yaml --out other`\n$/,
    );
  });

  it('a folder whose name the shell would split is quoted in that command', () => {
    const dir = project();
    expect(cli(['synth', '--spec', 'org/org.yaml', '--out', 'our output'], { cwd: dir }).code).toBe(0);
    grantSecrets(dir);
    const r = cli(['can-i', 'get', 'secrets', '-n', 'web', '--as', 'bob@acme.io', '--dir', 'our output'], { cwd: dir });
    expect(r.stderr).toMatch(/; run `orgctl synth --spec org\/org\.yaml --out 'our output'`\n$/);
  });

  /** Bob's levels in a file org/org.ts imports: code (levels.ts) or data (bob.json, its people as JSON). */
  const imported = [
    {
      file: 'levels.ts',
      text: (levels: string[]) => `export const bob = ${JSON.stringify(levels)} as const;\n`,
      importLine: "import { bob } from './levels.ts';",
      spread: '...bob',
    },
    {
      file: 'bob.json',
      text: (levels: string[]) => `${JSON.stringify(levels)}\n`,
      importLine: "import bob from './bob.json' with { type: 'json' };",
      spread: "...(bob as ['r:pods'])",
    },
  ];

  it.each(imported)('a TypeScript declaration: an edit of $file, which it imports, is named', (source) => {
    const dir = scratch();
    mkdirSync(join(dir, 'org'));
    writeFileSync(join(dir, 'org', source.file), source.text(['r:pods']));
    writeFileSync(
      join(dir, 'org/org.ts'),
      `import { App } from 'cdk8s';
import { Organization } from '${join(ROOT, 'constructs/index.ts')}';
${source.importLine}
const app = new App();
const org = new Organization(app, 'acme', { owner: 'alice@acme.io' });
org.user('alice@acme.io', { admin: true });
org.namespace('web').grant(org.user('bob@acme.io'), ${source.spread});
export default app;
`,
    );
    const synth = cli(['synth'], { cwd: dir });
    expect(synth.code, synth.stderr).toBe(0);
    const ask = ['can-i', 'get', 'secrets', '-n', 'web', '--as', 'bob@acme.io'];
    expect(cli(ask, { cwd: dir }).stderr).toBe('');
    writeFileSync(join(dir, 'org', source.file), source.text(['r:pods', 'r:secrets']));
    const r = cli(ask, { cwd: dir });
    expect([r.code, r.stdout]).toEqual([1, 'no\n']);
    const file = source.file.replace('.', '\\.');
    expect(r.stderr).toMatch(
      new RegExp(
        `^warning: org/${file} has changed since dist/ was written from org/org\\.ts \\(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\): this answer is dist/'s, not the declaration's as it is now; run \`npm run synth\`\n$`,
      ),
    );
  });
});

describe('a declaration saved just before synth ran', () => {
  it('is recorded as read, not as changed: within the same millisecond, the answers from dist/ say nothing', async () => {
    // synth took its start as Date.now(), whole milliseconds, and a declaration whose modification
    // time (to the nanosecond) fell within that millisecond counted as saved while synth ran: can-i
    // then warned that it had changed. In one process (the tests' run), that was most runs.
    const { run } = await import('./helpers.ts');
    const spec = JSON.stringify(baseSpec());
    const warned: number[] = [];
    for (let i = 0; i < 25; i++) {
      const dir = tempDir();
      const file = join(dir, 'org.json');
      writeFileSync(file, spec);
      expect((await run(['synth', '--spec', file, '--out', join(dir, 'dist')])).code).toBe(0);
      const r = await run(['can-i', 'get', 'pods', '-n', 'web', '--as', 'bob@acme.io', '--dir', join(dir, 'dist')]);
      if (/has changed since/.test(r.stderr)) warned.push(i);
    }
    expect(warned).toEqual([]);
  }, 120_000);
});
