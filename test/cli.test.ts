import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFiles, recoverInterrupted, writeAtomically } from '../cli/output.ts';
import { ROOT, cli, nsText, run, tempDir } from './helpers.ts';

const ACME = join(ROOT, 'test/fixtures/specs/acme.yaml');
const snapshot = (dir: string) => new Map(listFiles(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));

describe('orgctl synth', () => {
  it('the committed dist/ is what org/org.ts synthesizes (synth --check)', () => {
    const r = cli(['synth', '--check']);
    expect(r.stderr).toMatch(/^warning risky-grant levels\/r:secrets: /);
    expect(r.stdout).toMatch(/^dist\/ is up to date \(\d+ files, \d+ objects; 0 errors, 1 warning\)/);
    expect(r.code).toBe(0);
  });

  it('writes byte-identical files on every run, from a fresh process each time', () => {
    const a = tempDir();
    const b = tempDir();
    expect(cli(['synth', '--out', join(a, 'dist')]).code).toBe(0);
    expect(cli(['synth', '--out', join(b, 'dist')]).code).toBe(0);
    expect(snapshot(join(a, 'dist'))).toEqual(snapshot(join(b, 'dist')));
    const again = cli(['synth', '--out', join(a, 'dist')]);
    expect(again.stdout).toMatch(/^unchanged: /);
  });

  it('--check names missing, changed and extra files and exits 1', async () => {
    const out = join(tempDir(), 'dist');
    expect((await run(['synth', '--spec', ACME, '--out', out])).code).toBe(0);
    const [edited, removed] = listFiles(out).filter((f) => f.endsWith('/resources.yaml'));
    writeFileSync(join(out, edited!), 'edited by hand\n');
    rmSync(join(out, removed!));
    writeFileSync(join(out, 'stray.yaml'), 'x: 1\n');
    const r = await run(['synth', '--spec', ACME, '--out', out, '--check']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`missing ${out}/${removed}`);
    expect(r.stderr).toContain(`changed ${out}/${edited}`);
    expect(r.stderr).toContain(`extra   ${out}/stray.yaml`);
    expect(r.stderr).toMatch(/is stale: run `npm run synth`/);
  });

  it('a failing synthesis leaves the previous output exactly as it was', async () => {
    const out = join(tempDir(), 'dist');
    await run(['synth', '--spec', ACME, '--out', out]);
    const before = snapshot(out);
    const bad = join(tempDir(), 'bad.yaml');
    writeFileSync(bad, readFileSync(ACME, 'utf8').replace('levels: ["r:pods", "w:services"]', 'levels: ["r:pods", "w:pods"]'));
    const r = await run(['synth', '--spec', bad, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error forbidden-grant users/bob@acme.io → web: w:pods is reserved for admins');
    expect(r.stderr).toMatch(/synthesis failed: 1 error, 0 warnings; .* left unchanged/);
    expect(snapshot(out)).toEqual(before);
  });

  it('replaces the output whole: files of a previous run that are no longer produced disappear', async () => {
    const out = join(tempDir(), 'dist');
    mkdirSync(join(out, 'namespaces'), { recursive: true });
    writeFileSync(join(out, 'namespaces/old.yaml'), 'x: 1\n');
    await run(['synth', '--spec', ACME, '--out', out]);
    expect(existsSync(join(out, 'namespaces/old.yaml'))).toBe(false);
    expect(listFiles(join(out, '..')).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('a run killed between its two renames is repaired by the next', () => {
    const parent = tempDir();
    const out = join(parent, 'dist');
    writeAtomically(out, [{ path: 'a.yaml', content: 'a: 1\n' }]);
    renameSync(out, join(parent, '.dist.old-123-x')); // as if killed after the first rename
    recoverInterrupted(out);
    expect(snapshot(out)).toEqual(new Map([['a.yaml', 'a: 1\n']]));
  });

  it('refuses to write outside the output folder', () => {
    const out = join(tempDir(), 'dist');
    expect(() => writeAtomically(out, [{ path: '../escape.yaml', content: '' }])).toThrow(/outside the output folder/);
    expect(existsSync(out)).toBe(false);
  });

  it('reports findings as JSON with --format json', async () => {
    const r = await run(['synth', '--spec', ACME, '--out', join(tempDir(), 'd'), '--format', 'json']);
    const body = JSON.parse(r.stdout);
    expect(body).toMatchObject({ ok: true, written: true, findings: [{ severity: 'warning', rule: 'risky-grant' }] });
    expect(body.files).toEqual(expect.arrayContaining(['lga1/cluster/resources.yaml', 'ord1/cluster/resources.yaml', 'members.json', 'argocd/applicationset.yaml', 'argocd/appproject.yaml']));
  });

  it('judges expiry on --today (or ORGCTL_TODAY)', async () => {
    const out = join(tempDir(), 'd');
    const r = await run(['synth', '--spec', ACME, '--out', out, '--today', '2027-07-01']);
    expect(r.stderr).toContain('warning expired-grant users/dan@acme.io → data: expired on 2027-06-30 (today is 2027-07-01)');
    expect(nsText(snapshot(out), 'data')).not.toMatch(/name: dan@acme.io/);
    expect((await run(['synth', '--spec', ACME, '--today', 'tomorrow'])).code).toBe(2);
  });

  it('cdk8s.yaml\'s app (org/main.ts) writes the same dist/ into CDK8S_OUTDIR', () => {
    const out = join(tempDir(), 'cdk8s-out');
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'org/main.ts'], {
      cwd: ROOT, env: { ...process.env, CDK8S_OUTDIR: out, ORGCTL_TODAY: '2026-11-26' }, encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(snapshot(out)).toEqual(snapshot(join(ROOT, 'dist')));
  });
});

describe('orgctl check', () => {
  it('lists findings and exits 0 on warnings only', async () => {
    const spec = join(tempDir(), 'org.yaml');
    writeFileSync(spec, readFileSync(ACME, 'utf8').replace('{ email: carol@acme.io, billing: true, sso: true,', '{ email: carol@acme.io, billing: true,'));
    const r = await run(['check', '--spec', spec]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning invite-without-sso invites/carol@acme.io: the invitee can log in without SSO');
    expect(r.stdout).toMatch(/0 errors, 1 warning$/);
  });

  it('--list names every policy', async () => {
    const r = await run(['check', '--list']);
    for (const id of ['forbidden-grant', 'unknown-namespace', 'duplicate-user', 'invalid-name', 'owner-admin', 'token-owner-inactive', 'invite-without-sso', 'system-namespace', 'expired-grant']) {
      expect(r.stdout).toContain(id);
    }
  });

  it('--format json gives machine-readable findings', async () => {
    const r = await run(['check', '--spec', join(ROOT, 'test/fixtures/bad-input/forbidden-w-pods.yaml'), '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings[0]).toMatchObject({ severity: 'error', rule: 'forbidden-grant', subject: 'users/bob@acme.io → web', source: 'spec.grants[0].levels[1]' });
  });
});

describe('usage', () => {
  it.each([
    [['synth', '--bogus'], /unknown flag --bogus/],
    [['synth', '--out'], /--out needs a value/],
    [['check', '--format', 'xml'], /--format "xml" is not allowed \(expected one of text, json\)/],
    [['synth', 'extra'], /unexpected argument "extra"/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['check', '--spec', '/nonexistent/org.yaml'], /cannot read the file \(it does not exist\)/],
  ])('%j exits 2 with a message', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('--help exits 0 for every command', async () => {
    for (const cmd of [['--help'], ['synth', '--help'], ['check', '-h'], ['levels', '--help']]) {
      const r = await run(cmd);
      expect(r.code, cmd.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/Usage/);
    }
  });

  it('levels prints the catalog, admin-only levels marked', async () => {
    const r = await run(['levels']);
    expect(r.stdout).toMatch(/^w:pods\s+admin-only /m);
    expect(r.stdout).toMatch(/^r:pods\s{3,}read /m);
  });

  it('a declaration module that throws is reported with its file, not a stack', () => {
    const file = join(ROOT, 'test/fixtures/broken-org.ts');
    const r = cli(['check', '--spec', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error declaration acme\/users\/not-an-email.*"not-an-email" is not an email address/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('progress', () => {
  it('shows on a terminal, overwritten in place, and prints nothing anywhere else', async () => {
    const { progressOn } = await import('../cli/io.ts');
    const written: string[] = [];
    progressOn({ isTTY: true, write: (t: string) => written.push(t) })('reading dist/...');
    progressOn({ isTTY: true, write: (t: string) => written.push(t) })('');
    expect(written).toEqual(['\r\x1b[Kreading dist/...', '\r\x1b[K']);
    const piped: string[] = [];
    progressOn({ isTTY: false, write: (t: string) => piped.push(t) })('reading dist/...');
    progressOn({ write: (t: string) => piped.push(t) })('reading dist/...');
    expect(piped).toEqual([]);
  });

  it('a real command run into a pipe prints no progress', () => {
    const r = cli(['synth', '--check']);
    expect(r.stderr).not.toContain('\x1b[K');
    expect(r.stdout).not.toContain('\x1b[K');
  });
});
