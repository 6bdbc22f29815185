/**
 * Red team I: what changes over time or later, outside the diff. Each test failed on the code it
 * was written against (see the report of that session).
 *
 * I1: a grant's `expires` is written nowhere in dist/, so lengthening or removing it (even of a
 * grant already past its day, whose binding base still holds) changes nothing the review reads:
 * a member extends their own temporary access, with an admin approving an empty diff, and
 * self-edit passes.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseSpec, distPair, judge, reviewPair, type Spec } from './review/scenarios.ts';
import { cli, repoScratch, ROOT, run, tempDir } from './helpers.ts';

/** A spec synthesized by the CLI on `today` into a dist/ folder of its own. */
async function distOn(spec: Spec, today: string): Promise<string> {
  const dir = tempDir('orgctl-rti-');
  writeFileSync(join(dir, 'org.json'), JSON.stringify(spec));
  const r = await run(['synth', '--spec', join(dir, 'org.json'), '--out', join(dir, 'dist')], { ORGCTL_TODAY: today });
  if (r.code !== 0) throw new Error(r.stderr + r.stdout);
  return join(dir, 'dist');
}

type Grant = { user: string; namespace: string; levels?: string[]; expires?: string };
const grantOf = (s: Spec, user: string) => (s.spec.grants as Grant[]).find((g) => g.user === user)!;

/** bob's web grant holds until 2026-12-01 (the tests' today is 2026-11-26). */
function temporaryBob(expires = '2026-12-01'): Spec {
  const s = baseSpec();
  grantOf(s, 'bob@acme.io').expires = expires;
  return s;
}

describe('I1: a grant outlives its expiry with no diff', () => {
  it('bob lengthening his own temporary grant is his own privilege change (self-edit), not an empty diff', () => {
    const v = judge(temporaryBob(), (s) => void (grantOf(s, 'bob@acme.io').expires = '2099-12-31'), {
      actors: ['bob'],
      approvals: ['alice'],
    });
    expect(v.failed).toContain('self-edit');
  });

  it('bob removing the expiry of his own grant is a self-edit too', () => {
    const v = judge(temporaryBob(), (s) => void delete grantOf(s, 'bob@acme.io').expires, {
      actors: ['bob'],
      approvals: ['alice'],
    });
    expect(v.failed).toContain('self-edit');
  });

  it('through the CLI: the comment names the longer lifetime of bob’s access, and the review fails', async () => {
    const sides = await distPair(temporaryBob(), (s) => void (grantOf(s, 'bob@acme.io').expires = '2099-12-31'));
    const r = await reviewPair(sides, '--actor', 'bob', '--approved-by', 'alice');
    expect(r.stdout).toMatch(/bob@<!-- -->acme\.io[\s\S]*2099-12-31/);
    expect(r.code, r.stdout).toBe(1);
  });
});

describe('I1b: an expired grant revived with no diff', () => {
  it('base (written 2026-11-19) still binds bob’s grant that expired 2026-11-20; lengthening it on 2026-11-26 is a gain the review shows and judges', async () => {
    const base = await distOn(temporaryBob('2026-11-20'), '2026-11-19');
    const head = await distOn(temporaryBob('2099-12-31'), '2026-11-26');
    const r = await reviewPair({ base, head }, '--actor', 'bob', '--approved-by', 'alice');
    // On the review's date bob holds nothing in web by base's declaration; head gives it back until 2099.
    expect(r.stdout).toMatch(/bob@<!-- -->acme\.io/);
    expect(r.code, r.stdout).toBe(1);
  });
});

describe('I2 (probe, held): Add All and a namespace declared later', () => {
  const withAddAll = (): Spec => {
    const s = baseSpec();
    s.spec.users.find((u: { email: string }) => u.email === 'ivy@acme.io').access = 'all';
    return s;
  };
  it('ivy (Add All) adding a namespace gains every grantable level there: her own change (self-edit)', () => {
    const v = judge(withAddAll(), (s) => void s.spec.namespaces.push({ name: 'ml' }), {
      actors: ['ivy'],
      approvals: ['alice'],
    });
    expect(v.failed).toContain('self-edit');
  });
});

describe('I4: ORGCTL_TODAY is taken unchecked, and an empty one stops every expiry', () => {
  /** bob's web grant expired on 2020-01-01. */
  const expiredBob = () => temporaryBob('2020-01-01');

  it.each([
    ['', 'empty (a workflow’s `${{ inputs.today }}` left blank)'],
    ['2026-11-26T00:00:00+14:00', 'a timestamp with an offset'],
    ['tomorrow', 'not a date'],
  ])('ORGCTL_TODAY=%j (%s) is refused as --today would be, never judged as a date', async (today) => {
    const dir = tempDir('orgctl-rti-');
    writeFileSync(join(dir, 'org.json'), JSON.stringify(expiredBob()));
    const r = await run(['synth', '--spec', join(dir, 'org.json'), '--out', join(dir, 'dist')], {
      ORGCTL_TODAY: today,
    });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(/ORGCTL_TODAY .* is not a date \(expected YYYY-MM-DD\)/);
  });

  it('the review refuses an empty ORGCTL_TODAY rather than judging every token live forever', async () => {
    const sides = await distPair(baseSpec(), () => {});
    const r = await run(
      ['review', '--base', sides.base, '--head', sides.head, '--actor', 'alice', '--changed-path', 'org/org.ts'],
      { ORGCTL_TODAY: '' },
    );
    expect(r.code, r.stdout).toBe(2);
  });
});

describe('I3 (the fix keeps expiries passing)', () => {
  it('a dist/-only change that only removes (bob’s grant expired) passes as before', async () => {
    const base = await distOn(temporaryBob('2026-11-25'), '2026-11-25');
    const head = await distOn(temporaryBob('2026-11-25'), '2026-11-26');
    const r = await run([
      'review',
      '--base',
      base,
      '--head',
      head,
      '--actor',
      'github-actions[bot]',
      '--approved-by',
      'alice',
      '--changed-path',
      'dist/in-cluster/cluster/resources.yaml',
    ]);
    expect(r.stdout).toMatch(/loses/);
    expect(r.code, r.stdout).toBe(0);
  });
});

describe('I3: the daily expiry pull request carries whatever org/org.ts renders that day, gains included', () => {
  /**
   * A declaration (code) that gives bob w:services in data from 2026-12-01 on: merged on
   * 2026-11-26 it renders exactly base's dist/, so its review says no access changes.
   */
  function timeBomb(dir: string): string {
    const file = join(dir, 'org.ts');
    writeFileSync(
      file,
      `import { existsSync } from 'node:fs';
import { App } from 'cdk8s';
import { Organization } from ${JSON.stringify(join(ROOT, 'constructs/index.ts'))};
const org = new Organization(new App(), 'acme', { owner: 'alice@acme.io' });
org.user('alice@acme.io', { github: 'alice', admin: true });
org.user('frank@acme.io', { github: 'frank', admin: true });
const bob = org.user('bob@acme.io', { github: 'bob' });
const web = org.namespace('web');
const data = org.namespace('data');
web.grant(bob, 'r:pods');
// It sees no environment (ORGCTL_TODAY), but reads the clock: a file in its folder stands in for it here.
if (existsSync(new URL('./2026-12-01', import.meta.url))) data.grant(bob, 'w:services');
export default org;
`,
    );
    return file;
  }
  const scratch = repoScratch('rti-bomb-');
  const synthOn = (file: string, out: string, today: string) => {
    if (today >= '2026-12-01') writeFileSync(join(dirname(file), '2026-12-01'), '');
    return cli(['synth', '--spec', file, '--out', out], { env: { ORGCTL_TODAY: today } });
  };

  it('a later dist/-only change that gains access (what the expiry workflow proposes) never passes: only an expiry changes dist/ alone, and it only removes', () => {
    const dir = scratch(); // where the declaration finds cdk8s
    const file = timeBomb(dir);
    expect(synthOn(file, join(dir, 'base'), '2026-11-26').code).toBe(0);
    // The plant: bob's declaration, approved by alice, changes no access today.
    const plant = cli(
      [
        'review',
        '--base',
        join(dir, 'base'),
        '--head',
        join(dir, 'base'),
        '--actor',
        'bob',
        '--approved-by',
        'alice',
        '--changed-path',
        'org/org.ts',
      ],
      { env: { ORGCTL_TODAY: '2026-11-26' } },
    );
    expect(plant.code, plant.stdout).toBe(0);
    // 2026-12-01: the expiry workflow re-synthesizes and opens "orgctl: expiries of 2026-12-01",
    // authored by its bot, changing dist/ only.
    expect(synthOn(file, join(dir, 'expiry'), '2026-12-01').code).toBe(0);
    const r = cli(
      [
        'review',
        '--base',
        join(dir, 'base'),
        '--head',
        join(dir, 'expiry'),
        '--actor',
        'github-actions[bot]',
        '--approved-by',
        'alice',
        '--changed-path',
        'dist/lga1/cluster/resources.yaml',
      ],
      { env: { ORGCTL_TODAY: '2026-12-01' } },
    );
    expect(r.stdout).toMatch(/bob@<!-- -->acme\.io[\s\S]*gains w:services in data/);
    expect(r.code, r.stdout).toBe(1);
  });
});
