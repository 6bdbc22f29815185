/**
 * A project whose declaration is a YAML spec names it once, in package.json
 * (`"orgctl": { "spec": "org/org.yaml" }`): synth, synth --check, check and explain read it, from
 * any folder of the project, and the workflows (which pass no --spec) need no change. --spec wins.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, cli, tempDir } from './helpers.ts';

const ACME = join(ROOT, 'test/fixtures/specs/acme.yaml');

function project(config: unknown = { spec: 'org/org.yaml' }): string {
  const dir = tempDir('orgctl-project-');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'acme-org', private: true, orgctl: config }));
  mkdirSync(join(dir, 'org'));
  cpSync(ACME, join(dir, 'org/org.yaml'));
  return dir;
}

describe('the spec named in package.json', () => {
  it('synth writes from it, and its headers name it; synth --check agrees, from the project or below it', () => {
    const dir = project();
    const r = cli(['synth'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.stdout).toMatch(/^wrote dist\/ from org\/org\.yaml: \d+ files/);
    const namespaces = readdirSync(join(dir, 'dist'));
    expect(namespaces.length).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'dist/members.json'), 'utf8')).toContain('alice@acme.io');
    const shard = join(dir, 'dist/lga1/cluster/resources.yaml');
    expect(readFileSync(shard, 'utf8').split('\n')[0]).toContain('from org/org.yaml.');

    const check = cli(['synth', '--check'], { cwd: dir });
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/^dist\/ is up to date/);
    // From a folder below: the path is relative to package.json, the output named as ever.
    const below = cli(['synth', '--check', '--out', '../dist'], { cwd: join(dir, 'org') });
    expect(below.code).toBe(0);
    expect(below.stdout).toMatch(/^\.\.\/dist\/ is up to date/);
  });

  it('check and explain read it', () => {
    const dir = project();
    const check = cli(['check'], { cwd: dir });
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/^org\/org\.yaml: /m);
    const explain = cli(['explain', 'bob@acme.io', '-n', 'web'], { cwd: dir });
    expect([explain.code, explain.stderr]).toEqual([0, '']);
    expect(explain.stdout).toContain('spec.');
  });

  it('--spec overrides it; without the field the default stays org/org.ts', () => {
    const dir = project();
    cpSync(ACME, join(dir, 'other.yaml'));
    const r = cli(['check', '--spec', 'other.yaml'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^other\.yaml: /m);
    writeFileSync(join(dir, 'bad.yaml'), 'apiVersion: orgctl/v1\nkind: Organization\n');
    expect(cli(['check', '--spec', 'bad.yaml'], { cwd: dir }).stderr).toMatch(/is missing the required field "spec"/);
    const plain = project({});
    const d = cli(['check'], { cwd: plain });
    expect(d.code).toBe(2);
    expect(d.stderr).toContain('org/org.ts: cannot read the file (it does not exist)');
  });

  it('a field that is not a path, or a missing file, is an input error that says so (exit 2)', () => {
    for (const config of [{ spec: 3 }, { spec: '' }, 'org/org.yaml', [], null]) {
      const r = cli(['synth', '--check'], { cwd: project(config) });
      expect(r.code, JSON.stringify(config)).toBe(2);
      expect(r.stderr.trimEnd(), JSON.stringify(config)).toBe(
        'orgctl synth: package.json: "orgctl" must be an object whose "spec" is a file\'s path, e.g. { "spec": "org/org.yaml" }',
      );
    }
    const missing = cli(['check'], { cwd: project({ spec: 'org/missing.yaml' }) });
    expect(missing.code).toBe(2);
    expect(missing.stderr.trimEnd()).toBe('error spec org/missing.yaml: cannot read the file (it does not exist)');
    const broken = project();
    writeFileSync(join(broken, 'package.json'), '{ "orgctl": ');
    const b = cli(['check'], { cwd: broken });
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/^orgctl check: package\.json: /);
  });

  it("the workflows run synth without --spec, so they read the project's field", () => {
    for (const dir of ['deploy/github', '.github/workflows'])
      for (const f of readdirSync(join(ROOT, dir))) {
        const text = readFileSync(join(ROOT, dir, f), 'utf8');
        expect(text, `${dir}/${f}`).not.toMatch(/orgctl (synth|check)[^\n]*--spec/);
      }
    expect(readFileSync(join(ROOT, 'deploy/github/orgctl-check.yaml'), 'utf8')).toContain(
      'node "$ORGCTL" synth --check',
    );
  });
});
