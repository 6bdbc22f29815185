/**
 * When temporary access ends is in the output (MemberUser.expiring): what synthesis records, that
 * the proof rebuilds it exactly, what the diff says of a later or earlier end, and that the proof
 * against base never vouches for access past its end.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, tempDir } from './helpers.ts';
import { listFiles } from '../cli/output.ts';
import { baseSpec, diffOf, distOf, reviewPair, type Grant, type Spec } from './review/scenarios.ts';

/** Every way a grant binds a role, dated and not, overlapping. */
function datedSpec(): Spec {
  const s = baseSpec();
  s.spec.customRoles = [{ name: 'reader', rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] }];
  s.spec.users.push(
    { email: 'kim@acme.io', github: 'kim', access: 'all' },
    { email: 'lou@acme.io', status: 'deactivated' },
  );
  const grants = s.spec.grants as Grant[];
  grants.push(
    // bob: r:pods for good (base grant) and until 2027-01-01: for good wins; r:events until the later of two dates.
    { user: 'bob@acme.io', namespace: 'web', levels: ['r:pods', 'r:events'], expires: '2027-01-01' },
    { user: 'bob@acme.io', namespace: 'web', levels: ['r:events'], expires: '2027-06-01' },
    { user: 'bob@acme.io', namespace: 'data', customRole: 'reader', expires: '2027-02-01' },
    {
      user: 'bob@acme.io',
      namespace: 'data',
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }],
      expires: '2027-03-01',
    },
    // An expired grant binds nothing, and is recorded nowhere.
    { user: 'erin@acme.io', namespace: 'data', levels: ['r:pods'], expires: '2026-01-01' },
    // Add All holds r:full for good; a deactivated user holds nothing; an admin's dated r:pods is recorded.
    { user: 'kim@acme.io', namespace: 'web', levels: ['r:full'], expires: '2027-01-01' },
    { user: 'lou@acme.io', namespace: 'web', levels: ['r:pods'], expires: '2027-01-01' },
    { user: 'frank@acme.io', namespace: 'data', levels: ['r:pods'], expires: '2027-04-01' },
  );
  return s;
}

const members = (dist: string) =>
  JSON.parse(readFileSync(join(dist, 'members.json'), 'utf8')).users as { email: string; expiring?: unknown }[];

describe('grant expiry in the output', () => {
  it('records, per person, namespace and bound role, the latest end (none when a grant gives it for good), and proves itself', async () => {
    const dist = await distOf(datedSpec());
    const expiring = Object.fromEntries(members(dist).flatMap((u) => (u.expiring ? [[u.email, u.expiring]] : [])));
    expect(expiring).toEqual({
      'bob@acme.io': [
        { namespace: 'data', role: 'acme:custom:bob@acme.io', until: '2027-03-01' },
        { namespace: 'data', role: 'acme:custom:reader', until: '2027-02-01' },
        { namespace: 'web', role: 'acme:r:events', until: '2027-06-01' },
      ],
      'frank@acme.io': [{ namespace: 'data', role: 'acme:r:pods', until: '2027-04-01' }],
    });
    // The proof recovers the organization from the output (dated grants included) and renders it byte for byte.
    const proved = await run(['prove', '--dir', dist]);
    expect(proved.stdout + proved.stderr).toContain('proved');
    expect(proved.code).toBe(0);
  });

  it('the diff: a new grant that ends says when, one for good says nothing (a reviewer reads a temporary grant as one)', () => {
    const grant = (expires?: string) => (s: Spec) =>
      (s.spec.grants as Grant[]).push({
        user: 'erin@acme.io',
        namespace: 'web',
        levels: ['r:configmaps', 'r:ingresses'],
        ...(expires ? { expires } : {}),
      });
    const gains = (edit: (s: Spec) => void) =>
      diffOf(datedSpec(), edit)
        .people.find((p) => p.id === 'erin@acme.io')
        ?.changes.filter((c) => c.kind === 'gains')
        .map((c) => c.text);
    expect(gains(grant('2027-01-31'))).toEqual(['gains r:ingresses, r:configmaps in web until 2027-01-31']);
    expect(gains(grant())).toEqual(['gains r:ingresses, r:configmaps in web']);
  });

  it('the diff: a later end, or none, lets a person keep access longer (a gain); an earlier end removes it sooner', () => {
    const dated = (expires?: string) => (s: Spec) => {
      const g = (s.spec.grants as Grant[]).find((x) => x.user === 'bob@acme.io' && x.expires === '2027-06-01')!;
      if (expires) g.expires = expires;
      else delete g.expires;
    };
    const changesOf = (edit: (s: Spec) => void) =>
      diffOf(datedSpec(), edit).people.find((p) => p.id === 'bob@acme.io')?.changes ?? [];
    expect(changesOf(dated('2099-12-31'))).toEqual([
      expect.objectContaining({
        kind: 'grant-expiry',
        text: 'r:events in web holds until 2099-12-31, not until 2027-06-01',
      }),
    ]);
    expect(changesOf(dated('2099-12-31'))[0]!.removes).toBeUndefined();
    expect(changesOf(dated()).map((c) => c.text)).toEqual(['r:events in web holds for good, not until 2027-06-01']);
    // The other grant of r:events (until 2027-01-01) is then the latest.
    expect(changesOf(dated('2026-12-24'))).toEqual([
      expect.objectContaining({ text: 'r:events in web holds until 2027-01-01, not until 2027-06-01', removes: true }),
    ]);
  });

  it('the proof against base does not vouch for a binding whose end has passed: the full proof judges head', async () => {
    // Base and head written on 2026-11-19, when bob's r:events (until 2026-11-20) still held; head
    // changes a grant only. On the review's day (2026-11-26) orgctl binds bob's r:events no more.
    const s = baseSpec();
    (s.spec.grants as Grant[]).push({
      user: 'bob@acme.io',
      namespace: 'web',
      levels: ['r:events'],
      expires: '2026-11-20',
    });
    const write = async (spec: Spec) => {
      const dir = tempDir('orgctl-expiry-');
      writeFileSync(join(dir, 'org.json'), JSON.stringify(spec));
      const r = await run(['synth', '--spec', join(dir, 'org.json'), '--out', join(dir, 'dist')], {
        ORGCTL_TODAY: '2026-11-19',
      });
      if (r.code) throw new Error(r.stderr);
      return join(dir, 'dist');
    };
    const head = structuredClone(s);
    (head.spec.grants as Grant[]).find((g) => g.user === 'erin@acme.io')!.levels = ['r:pods'];
    const r = await reviewPair(
      { base: await write(s), head: await write(head) },
      '--actor',
      'alice',
      '--approved-by',
      'frank',
    );
    expect(r.stdout).not.toContain('proved against base');
    expect(r.stdout).toMatch(/output-proof` \| ❌/);
    expect(r.code).toBe(1);
  });

  describe('the proof against base, when only when access ends changes', () => {
    const lengthened = (s: Spec) => {
      (s.spec.grants as Grant[]).find((g) => g.user === 'bob@acme.io' && g.expires === '2027-06-01')!.expires =
        '2099-12-31';
    };
    /** head with bob's membership record (ConfigMaps and members.json alike) rewritten by `edit`. */
    async function forged(edit: (record: Record<string, unknown>) => void): Promise<string> {
      const dir = join(tempDir('orgctl-expiry-forged-'), 'dist');
      cpSync(await distOf(datedSpec()), dir, { recursive: true });
      for (const f of listFiles(dir)) {
        const path = join(dir, f);
        const text = readFileSync(path, 'utf8');
        if (f === 'members.json') {
          const data = JSON.parse(text);
          edit(data.users.find((u: { email: string }) => u.email === 'bob@acme.io'));
          writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
        } else
          writeFileSync(
            path,
            text.replace(/^( +)(\{"email":"bob@acme\.io".*)$/m, (_m, indent: string, line: string) => {
              const record = JSON.parse(line);
              edit(record);
              return `${indent}${JSON.stringify(record)}`;
            }),
          );
      }
      return dir;
    }

    it('a later end is proved against base (the membership written as synthesis writes it) and judged as a gain', async () => {
      const base = await distOf(datedSpec());
      const head = structuredClone(datedSpec());
      lengthened(head);
      const r = await reviewPair({ base, head: await distOf(head) }, '--actor', 'alice', '--approved-by', 'frank');
      expect(r.stdout).toContain("head dist/ is base's but for");
      expect(r.stdout).toContain('r:events in web holds until 2099-12-31, not until 2027-06-01');
      expect(r.code, r.stdout).toBe(0);
      // bob himself may not make it.
      expect(
        (await reviewPair({ base, head: await distOf(head) }, '--actor', 'bob', '--approved-by', 'frank')).stdout,
      ).toMatch(/`self-edit` \| ❌/);
    });

    it.each([
      [
        'a dated role head does not bind him',
        (u: Record<string, unknown>) => {
          (u.expiring as unknown[]).push({ namespace: 'web', role: 'acme:w:configmaps', until: '2099-12-31' });
        },
      ],
      [
        'records out of the order synthesis writes',
        (u: Record<string, unknown>) => {
          (u.expiring as unknown[]).reverse();
        },
      ],
      [
        'an end before the review’s day',
        (u: Record<string, unknown>) => {
          (u.expiring as { until: string }[])[2]!.until = '2026-11-01';
        },
      ],
      [
        // The proof asks a dated role's binding for those holding it until a date: frank is, bob not.
        'a role head binds to another until a date, in its place among his records',
        (u: Record<string, unknown>) => {
          const records = u.expiring as { namespace: string; role: string }[];
          records.push({ namespace: 'data', role: 'acme:r:pods', until: '2099-12-31' } as never);
          records.sort((a, b) => (`${a.namespace}\u0000${a.role}` < `${b.namespace}\u0000${b.role}` ? -1 : 1));
        },
      ],
      [
        // Beside records whose dates are calendar dates (each date's verdict is kept while the proof reads).
        'an end no calendar has',
        (u: Record<string, unknown>) => {
          (u.expiring as { until: string }[])[2]!.until = '2099-02-30';
        },
      ],
    ])('a forged record (%s) is never proved against base, and the full proof refuses it', async (_name, edit) => {
      const r = await reviewPair(
        { base: await distOf(datedSpec()), head: await forged(edit) },
        '--actor',
        'alice',
        '--approved-by',
        'frank',
      );
      expect(r.stdout).not.toContain("head dist/ is base's but for");
      expect(r.stdout).toMatch(/`output-proof` \| ❌/);
      expect(r.code).toBe(1);
    });
  });
});
