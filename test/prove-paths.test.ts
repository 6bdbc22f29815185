/**
 * `orgctl prove` recovers the organization from an output, as a spec written by nobody: a finding
 * it reports is placed where the person can find it, never at that spec's `spec.grants[0]`, which
 * is no line of `org/org.ts` and, for a spec file, another entry than the one the file holds there.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, repoScratch, ROOT } from './helpers.ts';

const scratch = repoScratch('prove-paths-');

/** The lines of a command's stderr that are findings (`warning …`, `error …`, `org.yaml:3:5: …`). */
const findings = (stderr: string) => stderr.split('\n').filter((l) => /^(\S+: )?(warning|error) /.test(l));
const placed = (lines: readonly string[]) => lines.map((l) => l.match(/\(at ([^)]*)\)$/)?.[1]);

describe('orgctl prove places its findings as the declaration does', () => {
  it('an org/org.ts project: at the construct paths check and synth name', () => {
    const dir = scratch();
    mkdirSync(join(dir, 'org'));
    writeFileSync(
      join(dir, 'org', 'org.ts'),
      [
        "import { App } from 'cdk8s';",
        `import { Organization } from ${JSON.stringify(join(ROOT, 'constructs', 'index.ts'))};`,
        "const org = new Organization(new App(), 'acme', { owner: 'alice@acme.io' });",
        "org.user('alice@acme.io', { admin: true });",
        "const web = org.namespace('web');",
        "web.grant(org.user('bob@acme.io'), 'r:pods', 'w:services');",
        "org.invite('carol@acme.io').grant(web, 'r:pods');",
        'export default org;',
        '',
      ].join('\n'),
    );
    const synth = cli(['synth'], { cwd: dir });
    expect(synth.code, synth.stderr).toBe(0);
    const prove = cli(['prove'], { cwd: dir });
    expect(prove.code, prove.stderr).toBe(0);
    expect(placed(findings(synth.stderr))).toEqual(['acme/invites/carol@acme.io', 'acme/grants/bob@acme.io → web']);
    expect(findings(prove.stderr)).toEqual(findings(synth.stderr));
  });

  it('a spec file: at construct paths too, never a spec path of the recovered organization', () => {
    const dir = scratch();
    const spec = join(dir, 'org.yaml');
    writeFileSync(spec, readFileSync(join(ROOT, 'test/fixtures/specs/acme.yaml'), 'utf8'));
    const synth = cli(['synth', '--spec', 'org.yaml', '--out', 'dist'], { cwd: dir });
    expect(synth.code, synth.stderr).toBe(0);
    const prove = cli(['prove', '--dir', join(dir, 'dist')], { cwd: dir });
    expect(prove.code, prove.stderr).toBe(0);
    const where = placed(findings(prove.stderr));
    expect(where.length).toBeGreaterThan(0);
    for (const w of where) expect(w).toMatch(/^acme\/(users|grants|invites|tokens|namespaces)\//);
    // The finding synth places at the file's third grant is the same one, by its construct path.
    expect(findings(synth.stderr)[0]).toMatch(
      /^org\.yaml:\d+:\d+: warning risky-grant levels\/r:secrets: .*\(at spec\.grants\[2\]\)$/,
    );
    expect(findings(prove.stderr)[0]).toMatch(
      /^warning risky-grant levels\/r:secrets: .*\(at acme\/grants\/dan@acme\.io → data\)$/,
    );
  });
});
