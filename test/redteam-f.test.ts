/**
 * Red team F: the session's fixes attacked (IDNA domains, the pull request's proposer, folder or
 * git ref, exact quantities, explain's index).
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { cli, files, ROOT, smallOrg, tempDir } from './helpers.ts';
import { onBranchGivingBobFull } from './branch-repo.ts';
import type { LimitsModel } from '../model/guard-rails.ts';

// The file's env stubs end with it: it shares its worker with the files after it (vitest.config.ts).
afterAll(() => {
  vi.unstubAllEnvs();
});

// Where the caches go when no folder is named (node_modules/.cache nearest the declaration), as on an admin's machine.
vi.stubEnv('ORGCTL_CACHE_DIR', '');

describe("F5: explain's index, its answers planted beside the record the user's own run wrote", () => {
  it('the branch leaves the spec and declaration.json as they are and commits the answers: explain answers from the spec', () => {
    const dir = tempDir('redteam-f-explain-');
    const text = readFileSync(join(ROOT, 'test/fixtures/specs/acme.yaml'), 'utf8');
    const bob = '{ user: bob@acme.io, namespace: web, levels: ["r:pods"';
    expect(text).toContain(bob);
    // What the branch prepares elsewhere: an index of a spec giving bob r:full.
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(join(elsewhere, 'node_modules'), { recursive: true });
    writeFileSync(join(elsewhere, 'org.yaml'), text.replace(bob, bob.replace('r:pods', 'r:full')));
    const ask = (file: string) => ['explain', 'bob@acme.io', '-n', 'web', '--spec', file];
    expect(cli(ask(join(elsewhere, 'org.yaml'))).stdout).toContain('r:full');
    // The admin's checkout: explain on the base branch's spec writes its index and record.
    const here = join(dir, 'here');
    mkdirSync(join(here, 'node_modules'), { recursive: true });
    const file = join(here, 'org.yaml');
    writeFileSync(file, text);
    expect(cli(ask(file)).stdout).not.toContain('r:full');
    // The branch keeps the spec and commits the index's answers (not its record) under the key
    // the admin's path and the day give; git writes each file anew over the ignored one.
    const keyOf = (root: string) => {
      const keys = readdirSync(join(root, 'node_modules/.cache/orgctl/explain')).filter((n) =>
        /^[0-9a-f]{32}$/.test(n),
      );
      expect(keys).toHaveLength(1);
      return join(root, 'node_modules/.cache/orgctl/explain', keys[0]!);
    };
    const [theirs, ours] = [keyOf(elsewhere), keyOf(here)];
    for (const name of readdirSync(theirs).filter((n) => n !== 'declaration.json')) {
      cpSync(join(theirs, name), join(ours, `${name}.new`));
      renameSync(join(ours, `${name}.new`), join(ours, name));
    }
    const r = cli(ask(file));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout, 'explain answers from the spec as it is').not.toContain('r:full');
  }, 60_000);
});

/** The construct's, the rules' and synth's word on a namespace's LimitRange: the error, or undefined when accepted. */
function refusal(limits: LimitsModel): string | undefined {
  try {
    const { org } = smallOrg();
    org.namespace('api', { limits });
    files(org);
    return undefined;
  } catch (e) {
    return String(e);
  }
}

describe('F4: a LimitRange the API server refuses, its quantities in order', () => {
  // ValidateLimitRange: a resource that may not be overcommitted (hugepages-<size>, an extended
  // resource: IsOvercommitAllowed) needs default equal to defaultRequest, after defaulting
  // (SetDefaults_LimitRangeItem: default from max, defaultRequest from default, then from min).
  it.each([
    [{ default: { 'hugepages-2Mi': '2Mi' }, defaultRequest: { 'hugepages-2Mi': '1Mi' } }],
    [{ default: { 'acme.io/gpu': '2' }, defaultRequest: { 'acme.io/gpu': '1' } }],
    [{ max: { 'acme.io/gpu': '2' }, defaultRequest: { 'acme.io/gpu': '1' } }],
  ] as LimitsModel[][])('%j is refused', (limits) => {
    expect(refusal(limits)).toMatch(/default.*defaultRequest|defaultRequest.*default/);
  });

  it.each([
    [{ default: { 'acme.io/gpu': '1' }, defaultRequest: { 'acme.io/gpu': '1' } }],
    [{ max: { 'acme.io/gpu': '2' } }],
    [{ default: { 'acme.io/gpu': '1' }, defaultRequest: { 'acme.io/gpu': '1000m' } }], // equal as Cmp compares
    [{ max: { 'hugepages-1Gi': '2Gi' }, min: { 'hugepages-1Gi': '1Gi' } }], // defaultRequest defaulted from default, from max
    [{ default: { 'acme.io/gpu': '2' }, min: { 'acme.io/gpu': '1' } }],
    [{ max: { 'hugepages-2Mi': '4Mi' }, default: { 'hugepages-2Mi': '2Mi' }, min: { 'hugepages-2Mi': '1Mi' } }],
    [{ default: { cpu: '2', 'kubernetes.io/x': '2' }, defaultRequest: { cpu: '1', 'kubernetes.io/x': '1' } }],
  ] as LimitsModel[][])('%j is accepted', (limits) => {
    expect(refusal(limits)).toBeUndefined();
  });
});

describe('F3: a --base naming a folder the branch committed and a git tree at once', () => {
  it('main^{tree} (git reads a tree as readily as a commit): refused, as main is', async () => {
    const { repo } = await onBranchGivingBobFull('redteam-f-repo-');
    const ask = ['diff', '--base', 'main^{tree}', '--head', 'HEAD', '--format', 'json'];
    // Without a folder of that name, the value is main's tree, and bob's r:full is a change.
    const fromRef = cli(ask, { cwd: repo });
    expect(fromRef.code, fromRef.stderr).toBe(0);
    expect(fromRef.stdout).toContain('r:full');
    // The branch commits its own dist/ again as a folder of that name.
    cpSync(join(repo, 'dist'), join(repo, 'main^{tree}'), { recursive: true });
    const r = cli(ask, { cwd: repo });
    expect({ code: r.code, refused: /both/.test(r.stderr) }, r.stdout + r.stderr).toEqual({ code: 2, refused: true });
    rmSync(join(repo, 'main^{tree}'), { recursive: true });
  }, 60_000);
});

describe("F5: explain's index of another day, under this day's name", () => {
  it('a link the branch commits from the key of a later day to the index of an earlier one: a grant expired since is not answered', () => {
    const dir = tempDir('redteam-f-explain-day-');
    mkdirSync(join(dir, 'node_modules'));
    const file = join(dir, 'org.yaml');
    const text = readFileSync(join(ROOT, 'test/fixtures/specs/acme.yaml'), 'utf8');
    const dan = '{ user: dan@acme.io, namespace: data, role: analyst, expires: 2027-06-30 }';
    expect(text).toContain(dan);
    writeFileSync(file, text);
    const ask = (today: string) => ['explain', 'dan@acme.io', '-n', 'data', '--spec', file, '--today', today];
    const root = join(dir, 'node_modules/.cache/orgctl/explain');
    const keys = () => readdirSync(root).filter((n) => /^[0-9a-f]{32}$/.test(n));
    // The admin asked on a day the grant held, and on one after it expired: two indexes.
    const before = cli(ask('2027-06-01'));
    expect(before.stdout).toContain('analyst');
    const [earlier] = keys();
    const after = cli(ask('2027-07-01'));
    expect(after.stdout).not.toContain('analyst');
    const [later] = keys().filter((k) => k !== earlier);
    // The branch keeps the spec and commits the later day's key as a link to the earlier index.
    rmSync(join(root, later!), { recursive: true });
    symlinkSync(earlier!, join(root, later!));
    const r = cli(ask('2027-07-01'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout, 'dan holds no analyst in data after 2027-06-30').not.toContain('analyst');
    // Or a folder of that name, of links to the earlier index's files.
    rmSync(join(root, later!), { recursive: true, force: true });
    mkdirSync(join(root, later!));
    for (const name of readdirSync(join(root, earlier!)))
      symlinkSync(join(root, earlier!, name), join(root, later!, name));
    expect(cli(ask('2027-07-01')).stdout).not.toContain('analyst');
  }, 60_000);
});
