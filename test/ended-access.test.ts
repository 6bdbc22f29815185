/**
 * Access whose end has passed while dist/ still binds it: can-i and who-can keep the cluster's
 * answer (Argo CD applies dist/ as it was synthesized) and say on stderr, and in JSON, that it
 * ended and what removes it, from the dates dist/ records (MemberUser.expiring).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cpSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT, run, tempDir } from './helpers.ts';
import { baseSpec, distOf, grantsOf } from './review/scenarios.ts';

/** The spec's grants: erin's r:full in data ends on 2027-01-10; gina's r:pods there holds for good. */
function datedSpec() {
  const s = baseSpec();
  grantsOf(s).push(
    { user: 'erin@acme.io', namespace: 'data', levels: ['r:full'], expires: '2027-01-10' },
    { user: 'gina@acme.io', namespace: 'data', levels: ['r:pods'] },
    // hal: r:full until the same day, r:pods for good: get pods stays allowed after it ends.
    { user: 'hal@acme.io', namespace: 'data', levels: ['r:full'], expires: '2027-01-10' },
    { user: 'hal@acme.io', namespace: 'data', levels: ['r:pods'] },
    // An admin's dated grant is recorded, yet the admin's standing access decides and stays.
    { user: 'frank@acme.io', namespace: 'data', levels: ['r:pods'], expires: '2027-01-10' },
  );
  return s;
}

const ENDED = 'ended on 2027-01-10';
/** The fix for the repository's own dist/ (README's example); another folder's names its own synth. */
const FIX = 'run `npm run synth` (or merge the expiry pull request) so Argo CD removes it';

describe('access that has ended but dist/ still binds', () => {
  let dist: string;
  beforeAll(async () => {
    // Synthesized before the end (ORGCTL_TODAY 2026-11-26): dist/ binds erin's r:full in data.
    dist = await distOf(datedSpec());
  });
  const canI = (as: string, today: string, ...extra: string[]) =>
    run(['can-i', 'get', 'pods', '-n', 'data', '--as', as, '--dir', dist, '--why', ...extra], {
      ORGCTL_TODAY: today,
    });

  it('can-i answers yes before, on and after the last day; only after does it warn, naming whose, what, where, when and the fix', async () => {
    for (const today of ['2027-01-09', '2027-01-10']) {
      const r = await canI('erin@acme.io', today);
      expect(r.stdout.split('\n')[0]).toBe('yes');
      expect(r.stderr, today).toBe('');
    }
    const after = await canI('erin@acme.io', '2027-01-11');
    expect(after.stdout.split('\n')[0]).toBe('yes');
    expect(after.code).toBe(0);
    const warning = after.stderr.split('\n').filter((l) => l.includes(ENDED));
    expect(warning).toHaveLength(1);
    expect(warning[0]).toMatch(/^warning: /);
    for (const part of ['erin@acme.io', 'r:full', 'data', 'RoleBinding data/acme:r:full'])
      expect(warning[0]).toContain(part);
    // Not the project's dist/: `npm run synth` would not write it again; synth recorded its declaration.
    expect(warning[0]).not.toContain('npm run synth');
    expect(warning[0]).toMatch(/: run `orgctl synth --spec \S+\/org\.json --out \S+\/dist` so Argo CD removes it$/);
    // --today decides over ORGCTL_TODAY, both ways.
    expect((await canI('erin@acme.io', '2027-01-11', '--today', '2027-01-10')).stderr).toBe('');
    expect((await canI('erin@acme.io', '2026-12-01', '--today', '2027-01-11')).stderr).toContain(ENDED);
  });

  it('can-i --format json carries it as a field, after the end only', async () => {
    const json = async (today: string) =>
      JSON.parse((await canI('erin@acme.io', today, '--format', 'json')).stdout) as Record<string, any>;
    expect((await json('2027-01-10')).ended).toBeUndefined();
    const after = await json('2027-01-11');
    expect(after.allowed).toBe(true);
    expect(after.ended).toEqual(
      expect.objectContaining({ namespace: 'data', role: 'acme:r:full', until: '2027-01-10', today: '2027-01-11' }),
    );
    expect(after.ended.warning).toMatch(
      /: run `orgctl synth --spec \S+\/org\.json --out \S+\/dist` so Argo CD removes it$/,
    );
  });

  it("names the command that writes the folder asked about: its recorded declaration, or the project's for dist/", async () => {
    const cache = tempDir();
    const dir = tempDir();
    const spec = join(dir, 'org.json');
    writeFileSync(spec, JSON.stringify(datedSpec()));
    const out = join(dir, 'out');
    expect((await run(['synth', '--spec', spec, '--out', out], { ORGCTL_CACHE_DIR: cache })).code).toBe(0);
    const r = await run(['can-i', 'get', 'pods', '-n', 'data', '--as', 'erin@acme.io', '--dir', out], {
      ORGCTL_TODAY: '2027-01-11',
      ORGCTL_CACHE_DIR: cache,
    });
    expect(r.stderr).toContain(
      `: run \`orgctl synth --spec ${relative(ROOT, spec)} --out ${relative(ROOT, out)}\` so Argo CD removes it`,
    );
    // A copy: nothing recorded what it was written from, so the project's declaration writes it.
    const copy = join(dir, 'copy');
    cpSync(out, copy, { recursive: true });
    const copied = await run(['can-i', 'get', 'pods', '-n', 'data', '--as', 'erin@acme.io', '--dir', copy], {
      ORGCTL_TODAY: '2027-01-11',
      ORGCTL_CACHE_DIR: cache,
    });
    expect(copied.stderr).toContain(`: run \`orgctl synth --out ${relative(ROOT, copy)}\` so Argo CD removes it`);
    // The project's own dist/ (the README's example) is written again by npm run synth.
    const own = await run(['can-i', 'get', 'pods', '-n', 'data', '--as', 'dan@acme.io'], {
      ORGCTL_TODAY: '2027-07-01',
    });
    expect(own.stderr).toContain(FIX);
  });

  it('never warns for a grant with no end, an answer another binding keeps, or an admin’s standing access', async () => {
    for (const as of ['gina@acme.io', 'hal@acme.io', 'frank@acme.io']) {
      const r = await canI(as, '2027-01-11');
      expect(r.stdout.split('\n')[0], as).toBe('yes');
      expect(r.stderr, as).toBe('');
    }
  });

  it('who-can marks the subjects whose access there has ended, with -n (a partial read) and without', async () => {
    const whoCan = (today: string, ...extra: string[]) =>
      run(['who-can', 'get', 'pods', '--dir', dist, ...extra], { ORGCTL_TODAY: today });
    expect((await whoCan('2027-01-10', '-n', 'data')).stderr).toBe('');
    for (const extra of [['-n', 'data'], []]) {
      const r = await whoCan('2027-01-11', ...extra);
      const lines = r.stderr.split('\n').filter((l) => l.includes(ENDED));
      // erin's and hal's r:full; frank's r:pods binding names him too, and its end is recorded.
      expect(
        lines.filter((l) => l.includes('erin@acme.io') && l.includes('r:full')),
        r.stderr,
      ).toHaveLength(1);
      expect(lines.some((l) => l.includes('gina@acme.io'))).toBe(false);
      expect(r.stdout).toContain('erin@acme.io');
    }
    const rows = JSON.parse((await whoCan('2027-01-11', '-n', 'data', '--format', 'json')).stdout) as {
      subject: string;
      role: string;
      ended?: string;
    }[];
    expect(rows.find((r) => r.subject === 'erin@acme.io')?.ended).toBe('2027-01-10');
    expect(rows.find((r) => r.subject === 'gina@acme.io')).not.toHaveProperty('ended');
  });
});
