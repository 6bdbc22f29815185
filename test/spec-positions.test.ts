/**
 * A YAML/JSON spec's mistakes carry the file position of their spec path (`org.yaml:14:7`):
 * schema problems, construct refusals and policy findings, in text and in JSON.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { specLocator } from '../constructs/spec.ts';
import { run, tempDir } from './helpers.ts';

const SPEC = `# the organization
apiVersion: orgctl/v1
kind: Organization
metadata: { name: acme }
spec:
  owner: alice@acme.io
  users:
    - { email: alice@acme.io, github: alice, admin: true }
    - email: bob@acme.io
      github: bob
  namespaces:
    - name: web
  grants:
    - user: bob@acme.io
      namespace: web
      levels: [r:pods, w:pods]
`;

function specFile(text: string, name = 'org.yaml'): string {
  const file = join(tempDir(), name);
  writeFileSync(file, text);
  return file;
}

describe('spec positions', () => {
  it('a YAML spec over 1 MiB keeps spec paths only: placing them costs seconds (a JSON spec of any size is placed: json-positions.test.ts)', () => {
    const padded = `${SPEC}${'#'.repeat(80).concat('\n').repeat(14_000)}`;
    expect(padded.length).toBeGreaterThan(1024 * 1024);
    expect(specLocator(padded)('spec.grants[0].levels[1]')).toBeUndefined();
    expect(specLocator(SPEC)('spec.grants[0].levels[1]')).toBeDefined();
  });

  it('finds a spec path at its value, a missing one at its nearest ancestor, never a construct path', () => {
    const locate = specLocator(SPEC);
    expect(locate('spec.grants[0].levels[1]')).toEqual({ line: 16, column: 24 });
    expect(locate('spec.users[1].github')).toEqual({ line: 10, column: 15 });
    expect(locate('spec.users[1]')).toEqual({ line: 9, column: 7 });
    expect(locate('metadata.name')).toEqual({ line: 4, column: 19 });
    expect(locate('spec.grants[0].expires')).toEqual({ line: 14, column: 7 });
    expect(locate('(document)')).toEqual({ line: 2, column: 1 });
    expect(locate('acme/grants/bob@acme.io → web')).toBeUndefined();
    expect(locate('acme-web.yaml')).toBeUndefined();
  });

  it('finds positions in a JSON spec too', () => {
    const json = JSON.stringify(
      { apiVersion: 'orgctl/v1', spec: { grants: [{ user: 'x', levels: ['a', 'b'] }] } },
      null,
      2,
    );
    expect(specLocator(json)('spec.grants[0].levels[1]')).toEqual({ line: 9, column: 11 });
  });

  it('check prints a policy finding led by its file position, and the JSON finding carries file, line and column', async () => {
    const file = specFile(SPEC);
    const text = await run(['check', '--spec', file]);
    expect(text.code).toBe(1);
    expect(text.stderr).toContain(
      `${file}:16:24: error forbidden-grant users/bob@acme.io → web: w:pods is reserved for admins`,
    );
    expect(text.stderr).toMatch(/\(at spec\.grants\[0\]\.levels\[1\]\)$/m);
    const json = await run(['check', '--spec', file, '--format', 'json']);
    const finding = (JSON.parse(json.stdout) as { findings: Record<string, unknown>[] }).findings[0]!;
    expect(finding).toMatchObject({
      rule: 'forbidden-grant',
      source: 'spec.grants[0].levels[1]',
      line: 16,
      column: 24,
    });
    expect(String(finding.file)).toMatch(/org\.yaml$/);
  });

  it('synth and explain print the position too', async () => {
    const file = specFile(SPEC);
    const synth = await run(['synth', '--spec', file, '--out', tempDir()]);
    expect(synth.stderr).toContain(`${file}:16:24: error forbidden-grant users/bob@acme.io → web:`);
    const explain = await run(['explain', 'bob@acme.io', '--spec', file]);
    expect(explain.stderr).toContain(`${file}:16:24: error forbidden-grant users/bob@acme.io → web:`);
    // explain refuses what check reports, the same findings ("fix it first (orgctl check)").
    const check = await run(['check', '--spec', file]);
    const findingLines = (text: string) => text.split('\n').filter((l) => l.startsWith(`${file}:`));
    expect(findingLines(explain.stderr)).toEqual(findingLines(check.stderr));
    expect(explain.stderr).toContain('the declaration breaks a policy: fix it first (orgctl check)');
    expect([explain.code, check.code]).toEqual([1, 1]);
  });

  it('a schema problem in a JSON spec is led by its position', async () => {
    const file = specFile(
      JSON.stringify({ apiVersion: 'orgctl/v1', kind: 'Organization', metadata: { name: 'acme' }, spec: {} }, null, 2),
      'org.json',
    );
    const r = await run(['check', '--spec', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `${file}:7:11: error spec the spec is missing the required field "owner" (email of the owner, the first admin)`,
    );
  });

  it('a construct refusal of a spec part is led by its position', async () => {
    const file = specFile(SPEC.replace('      levels: [r:pods, w:pods]\n', ''));
    const r = await run(['check', '--spec', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `${file}:14:7: error declaration spec.grants[0]: a grant needs at least one level, role or custom rule`,
    );
  });
});
