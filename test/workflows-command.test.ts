/**
 * `orgctl workflows`: which of a repository's GitHub workflows are this orgctl's templates, an
 * earlier orgctl's (replaced losing nothing), or edited by hand (left unless forced); and synth's
 * note when an upgrade left an earlier one in place.
 */
import {
  copyFileSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  readWorkflowHistory,
  workflowDigest,
  workflowStatuses,
  workflowTemplates,
  type WorkflowHistory,
} from '../cli/workflows.ts';
import { cli, engineCopy, ROOT, run, tempDir } from './helpers.ts';

const TEMPLATES = join(ROOT, 'deploy/github');
/** orgctl-review.yaml as orgctl shipped it before the review took --head-proof-commit (c7a58ee). */
const EARLIER_REVIEW = join(ROOT, 'test/fixtures/workflows/orgctl-review.earlier.yaml');

/** A repository holding this orgctl's workflows, as `orgctl init` writes them. */
function repoWithTemplates(): string {
  const repo = tempDir();
  cpSync(TEMPLATES, join(repo, '.github/workflows'), { recursive: true });
  return repo;
}

const wf = (repo: string, name: string) => join(repo, '.github/workflows', name);

describe('workflowStatuses', () => {
  const templates = new Map([
    ['a.yaml', 'a v2\n'],
    ['b.yaml', 'b v1\n'],
  ]);
  const history: WorkflowHistory = {
    'a.yaml': [workflowDigest('a v1\n'), workflowDigest('a v2\n')],
    'b.yaml': [workflowDigest('b v1\n')],
    'old.yaml': [workflowDigest('old v1\n')],
  };
  const states = (found: Record<string, string>) =>
    Object.fromEntries(
      workflowStatuses(templates, new Map(Object.entries(found)), history).map((s) => [s.name, s.state]),
    );

  it('tells this orgctl’s, an earlier one’s, an edited one and a missing one apart', () => {
    expect(states({ 'a.yaml': 'a v2\n', 'b.yaml': 'b v1\n' })).toEqual({ 'a.yaml': 'current', 'b.yaml': 'current' });
    expect(states({ 'a.yaml': 'a v1\n' })).toEqual({ 'a.yaml': 'earlier', 'b.yaml': 'missing' });
    expect(states({ 'a.yaml': 'a v1 with my runner\n', 'b.yaml': 'b v1\n' })).toEqual({
      'a.yaml': 'edited',
      'b.yaml': 'current',
    });
  });

  it('an earlier version of another template is an edit, not orgctl’s', () => {
    expect(states({ 'a.yaml': 'b v1\n', 'b.yaml': 'b v1\n' })['a.yaml']).toBe('edited');
  });

  it('a template orgctl no longer ships is retired; a workflow of the repository’s own is left out', () => {
    expect(states({ 'a.yaml': 'a v2\n', 'b.yaml': 'b v1\n', 'old.yaml': 'old v1\n', 'deploy.yaml': 'mine\n' })).toEqual(
      {
        'a.yaml': 'current',
        'b.yaml': 'current',
        'old.yaml': 'retired',
      },
    );
    // Edited after orgctl stopped shipping it: someone's own workflow now.
    expect(states({ 'a.yaml': 'a v2\n', 'b.yaml': 'b v1\n', 'old.yaml': 'old v1, mine\n' })).not.toHaveProperty(
      'old.yaml',
    );
  });

  it('a workflow renamed .yml (GitHub runs either) is the template of its .yaml name', () => {
    const found = new Map([
      ['a.yml', 'a v1\n'],
      ['b.yaml', 'b v1\n'],
    ]);
    expect(workflowStatuses(templates, found, history)).toEqual([
      { name: 'a.yaml', file: 'a.yml', state: 'earlier' },
      { name: 'b.yaml', file: 'b.yaml', state: 'current' },
    ]);
    expect(states({ 'old.yml': 'old v1\n', 'a.yaml': 'a v2\n', 'b.yaml': 'b v1\n' })).toHaveProperty(
      'old.yaml',
      'retired',
    );
  });

  it('line endings do not count (a checkout on Windows writes CRLF)', () => {
    expect(states({ 'a.yaml': 'a v2\r\n', 'b.yaml': 'b v1\r\n' })).toEqual({
      'a.yaml': 'current',
      'b.yaml': 'current',
    });
  });
});

describe('deploy/workflow-history.json', () => {
  it.each([
    ...workflowTemplates().keys(),
  ])('%s as this orgctl ships it is in the history (after changing it: npx tsx test/write-workflows.ts)', (name) => {
    expect(readWorkflowHistory()[name]).toContain(workflowDigest(workflowTemplates().get(name)!));
  });

  it('holds the earlier review workflow an organization may still run', () => {
    expect(readWorkflowHistory()['orgctl-review.yaml']).toContain(workflowDigest(readFileSync(EARLIER_REVIEW, 'utf8')));
    expect(readFileSync(EARLIER_REVIEW, 'utf8')).not.toBe(workflowTemplates().get('orgctl-review.yaml'));
  });

  it('is in the package (init and workflows read it from the installed orgctl)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('deploy/workflow-history.json');
  });
});

describe('orgctl workflows', () => {
  it('says every template is up to date in a repository init wrote (exit 0)', async () => {
    const repo = repoWithTemplates();
    const r = await run(['workflows', '--dir', repo]);
    expect(r.code).toBe(0);
    for (const name of readdirSync(TEMPLATES)) expect(r.stdout).toMatch(new RegExp(`${name}\\s+up to date`));
    expect(r.stdout).toContain("every workflow is orgctl 0.1.0's");
  });

  it('replaces an earlier orgctl’s workflow and adds a missing one with --write', async () => {
    const repo = repoWithTemplates();
    copyFileSync(EARLIER_REVIEW, wf(repo, 'orgctl-review.yaml'));
    rmSync(wf(repo, 'orgctl-expiry.yaml'));

    const listed = await run(['workflows', '--dir', repo]);
    expect(listed.code).toBe(1);
    expect(listed.stdout).toMatch(
      /orgctl-review\.yaml\s+earlier: an earlier orgctl's, never edited; `npx orgctl workflows --write` replaces it/,
    );
    expect(listed.stdout).toMatch(/orgctl-expiry\.yaml\s+missing: `npx orgctl workflows --write` adds it/);
    expect(readFileSync(wf(repo, 'orgctl-review.yaml'), 'utf8')).toBe(readFileSync(EARLIER_REVIEW, 'utf8'));

    const written = await run(['workflows', '--dir', repo, '--write']);
    expect(written.code).toBe(0);
    expect(written.stdout).toMatch(/orgctl-review\.yaml\s+written \(was earlier\)/);
    expect(written.stdout).toMatch(/orgctl-expiry\.yaml\s+written \(was missing\)/);
    expect(written.stdout).toContain('commit them');
    for (const name of readdirSync(TEMPLATES))
      expect(readFileSync(wf(repo, name), 'utf8')).toBe(readFileSync(join(TEMPLATES, name), 'utf8'));
  });

  it('--write replaces an earlier orgctl-review.yml where it is, adding no second review workflow', async () => {
    const repo = repoWithTemplates();
    rmSync(wf(repo, 'orgctl-review.yaml'));
    copyFileSync(EARLIER_REVIEW, wf(repo, 'orgctl-review.yml'));
    const listed = await run(['workflows', '--dir', repo]);
    expect(listed.stdout).toMatch(/orgctl-review\.yml\s+earlier/);
    expect(listed.stdout).not.toContain('missing');
    expect((await run(['workflows', '--dir', repo, '--write'])).code).toBe(0);
    expect(readFileSync(wf(repo, 'orgctl-review.yml'), 'utf8')).toBe(
      readFileSync(join(TEMPLATES, 'orgctl-review.yaml'), 'utf8'),
    );
    expect(readdirSync(join(repo, '.github/workflows'))).not.toContain('orgctl-review.yaml');
  });

  it('leaves an edited workflow, says how to compare it, and replaces it only with --force', async () => {
    const repo = repoWithTemplates();
    const mine = readFileSync(join(TEMPLATES, 'orgctl-check.yaml'), 'utf8').replace(
      'runs-on: ubuntu-latest',
      'runs-on: [self-hosted]',
    );
    writeFileSync(wf(repo, 'orgctl-check.yaml'), mine);

    const written = await run(['workflows', '--dir', repo, '--write']);
    expect(written.code).toBe(1);
    expect(written.stdout).toMatch(/orgctl-check\.yaml\s+edited: no orgctl shipped it/);
    expect(written.stdout).toContain(`diff -u deploy/github/orgctl-check.yaml ${wf(repo, 'orgctl-check.yaml')}`);
    expect(readFileSync(wf(repo, 'orgctl-check.yaml'), 'utf8')).toBe(mine);

    const forced = await run(['workflows', '--dir', repo, '--write', '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/orgctl-check\.yaml\s+written \(was edited\)/);
    expect(readFileSync(wf(repo, 'orgctl-check.yaml'), 'utf8')).toBe(
      readFileSync(join(TEMPLATES, 'orgctl-check.yaml'), 'utf8'),
    );
  });

  it('names an edited workflow in a folder holding `$&` as it is (no replacement pattern read in a path)', async () => {
    const repo = join(tempDir(), 'ops$&FILE');
    cpSync(TEMPLATES, join(repo, '.github/workflows'), { recursive: true });
    writeFileSync(wf(repo, 'orgctl-check.yaml'), '# mine\n');
    const listed = await run(['workflows', '--dir', repo]);
    expect(listed.code).toBe(1);
    expect(listed.stdout).toContain(`diff -u deploy/github/orgctl-check.yaml ${wf(repo, 'orgctl-check.yaml')}\``);
  });

  it('a workflow that is a symbolic link counts as missing, and --write replaces the link, never writing through it', async () => {
    const repo = repoWithTemplates();
    const elsewhere = join(tempDir(), 'not-a-workflow');
    writeFileSync(elsewhere, 'keep me\n');
    rmSync(wf(repo, 'orgctl-check.yaml'));
    symlinkSync(elsewhere, wf(repo, 'orgctl-check.yaml'));
    expect((await run(['workflows', '--dir', repo])).stdout).toMatch(/orgctl-check\.yaml\s+missing/);
    expect((await run(['workflows', '--dir', repo, '--write'])).code).toBe(0);
    expect(readFileSync(elsewhere, 'utf8')).toBe('keep me\n');
    expect(lstatSync(wf(repo, 'orgctl-check.yaml')).isFile()).toBe(true);
  });

  it('--format json lists each file with its state', async () => {
    const repo = repoWithTemplates();
    copyFileSync(EARLIER_REVIEW, wf(repo, 'orgctl-review.yaml'));
    const r = await run(['workflows', '--dir', repo, '--format', 'json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { ok: boolean; workflows: { file: string; state: string }[] };
    expect(out.ok).toBe(false);
    expect(out.workflows.find((w) => w.file.endsWith('orgctl-review.yaml'))?.state).toBe('earlier');
    expect(out.workflows.filter((w) => w.state === 'current')).toHaveLength(readdirSync(TEMPLATES).length - 1);
  });

  it('--dir naming no folder is refused, and --write creates none there (a typo is no repository)', async () => {
    const typo = join(tempDir(), 'acme-orgg');
    const r = await run(['workflows', '--dir', typo, '--write']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--dir ${typo}: no such folder`);
    expect(existsSync(typo)).toBe(false);
  });

  it("run from a folder of the project (org/), reads and writes the project's .github/workflows, as npm runs at its package.json", () => {
    const repo = repoWithTemplates();
    writeFileSync(join(repo, 'package.json'), '{ "name": "acme-org", "private": true }\n');
    mkdirSync(join(repo, 'org'));
    const r = cli(['workflows', '--write'], { cwd: join(repo, 'org') });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\.\.\/\.github\/workflows\/orgctl-check\.yaml\s+up to date$/m);
    expect(existsSync(join(repo, 'org/.github'))).toBe(false);
  });

  it("run by an engine whose node_modules links another's install (a clone sharing one), compares with its own templates", () => {
    const { dir: engine } = engineCopy();
    rmSync(join(engine, 'node_modules'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(engine, 'node_modules'));
    const template = join(engine, 'deploy/github/orgctl-check.yaml');
    writeFileSync(template, `${readFileSync(template, 'utf8')}# this engine's\n`);
    const repo = tempDir();
    cpSync(join(engine, 'deploy/github'), join(repo, '.github/workflows'), { recursive: true });
    const r = cli(['workflows', '--dir', repo], { engine });
    expect(r.stdout).toMatch(/orgctl-check\.yaml\s+up to date/);
    expect(r.code, r.stdout).toBe(0);
  });

  it('--force without --write is a usage error', async () => {
    const r = await run(['workflows', '--force']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--force goes with --write');
  });
});

describe('synth notes an earlier orgctl’s workflow', () => {
  /** A project: package.json, the acme spec, and `workflows` in .github/workflows/. */
  function project(): string {
    const dir = tempDir();
    writeFileSync(join(dir, 'package.json'), '{ "name": "acme-org", "private": true }\n');
    mkdirSync(join(dir, 'org'));
    copyFileSync(join(ROOT, 'test/fixtures/specs/acme.yaml'), join(dir, 'org/org.yaml'));
    cpSync(TEMPLATES, join(dir, '.github/workflows'), { recursive: true });
    return dir;
  }
  const synthOf = (dir: string) => run(['synth', '--spec', join(dir, 'org/org.yaml'), '--out', join(dir, 'dist')]);

  it('names it and the command that writes this orgctl’s', async () => {
    const dir = project();
    copyFileSync(EARLIER_REVIEW, wf(dir, 'orgctl-review.yaml'));
    const r = await synthOf(dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "note: .github/workflows/orgctl-review.yaml is an earlier orgctl's: `npx orgctl workflows --write` writes orgctl 0.1.0's",
    );
  });

  it('says nothing when the workflows are this orgctl’s, edited by hand, or not there', async () => {
    const current = project();
    const edited = project();
    writeFileSync(wf(edited, 'orgctl-check.yaml'), 'name: my own check\n');
    const none = project();
    rmSync(join(none, '.github'), { recursive: true });
    for (const dir of [current, edited, none]) {
      const r = await synthOf(dir);
      expect(r.code).toBe(0);
      expect(r.stderr).not.toContain('workflows');
    }
  });

  it('a .github/workflows it cannot read (a file there) fails no synth: the note is only a note', async () => {
    const dir = project();
    rmSync(join(dir, '.github/workflows'), { recursive: true });
    writeFileSync(join(dir, '.github/workflows'), 'not a folder\n');
    const r = await synthOf(dir);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(dir, 'dist'))).not.toHaveLength(0);
    // orgctl workflows says why, in words.
    const listed = await run(['workflows', '--dir', dir]);
    expect(listed.code).toBe(2);
    expect(listed.stderr).toContain('.github/workflows: cannot read the workflows (it is a file, not a folder)');
  });
});
