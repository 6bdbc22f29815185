/**
 * Red team M: when temporary access ends (MemberUser.expiring), what the review shows and proves.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFiles } from '../cli/output.ts';
import { tempDir } from './helpers.ts';
import { baseSpec, diffOf, distOf, grantsOf, judge, reviewPair, type Spec } from './review/scenarios.ts';

const changesOf = (base: Spec, edit: (s: Spec) => void, who: string) =>
  diffOf(base, edit).people.find((p) => p.id === who)?.changes ?? [];

describe('red team M: access that lasts longer must show', () => {
  /** bob holds r:full in data until 2027-06-01 only. */
  const datedFull = (): Spec => {
    const s = baseSpec();
    grantsOf(s).push({ user: 'bob@acme.io', namespace: 'data', levels: ['r:full'], expires: '2027-06-01' });
    return s;
  };

  it('M1: a level added for good under a dated level that covers it today lets it last past that end: a gain', () => {
    // bob keeps reading pods in data after 2027-06-01; today r:full covers r:pods, so no level moves today.
    const addPods = (expires?: string) => (s: Spec) => {
      grantsOf(s).push({ user: 'bob@acme.io', namespace: 'data', levels: ['r:pods'], ...(expires ? { expires } : {}) });
    };
    expect(changesOf(datedFull(), addPods(), 'bob@acme.io')).not.toEqual([]);
    expect(changesOf(datedFull(), addPods('2099-12-31'), 'bob@acme.io')).not.toEqual([]);
    // And bob may not give it to himself with an admin's approval as if nothing changed.
    const v = judge(datedFull(), addPods(), { actors: ['bob'], approvals: ['alice'] });
    expect(v.failed).toContain('self-edit');
  });

  it('M1c: a level held for good removed under a dated level that covers it today ends sooner: a removal (mass-removal counts it)', () => {
    const s = datedFull();
    grantsOf(s).push({ user: 'bob@acme.io', namespace: 'data', levels: ['r:pods'] });
    const d = diffOf(s, (h) => {
      grantsOf(h).pop();
    });
    expect(d.people.find((p) => p.id === 'bob@acme.io')?.changes.some((c) => c.removes)).toBe(true);
    expect(d.stats.users.losing).toBe(1);
  });

  it('M1b: a level added for good under a dated custom role that covers it today: a gain', () => {
    const s = baseSpec();
    s.spec.customRoles = [
      {
        name: 'pods',
        rules: [{ apiGroups: [''], resources: ['pods', 'pods/log', 'pods/status'], verbs: ['get', 'list', 'watch'] }],
      },
    ];
    grantsOf(s).push({ user: 'bob@acme.io', namespace: 'data', customRole: 'pods', expires: '2027-06-01' });
    const addPods = (h: Spec) => {
      grantsOf(h).push({ user: 'bob@acme.io', namespace: 'data', levels: ['r:pods'] });
    };
    expect(diffOf(s, (x) => x).people).toEqual([]);
    expect(changesOf(s, addPods, 'bob@acme.io')).not.toEqual([]);
  });
});

describe('red team M: an organization renamed keeps its people’s ends', () => {
  it('M3: a temporary grant made permanent in the pull request that renames the organization is a gain, and one’s own', () => {
    const s = baseSpec();
    grantsOf(s).push({ user: 'bob@acme.io', namespace: 'data', levels: ['r:events'], expires: '2027-06-01' });
    const edit = (h: Spec) => {
      h.metadata.name = 'acme2';
      delete grantsOf(h).find((g) => g.expires === '2027-06-01')!.expires;
    };
    const bob = changesOf(s, edit, 'bob@acme.io');
    expect(bob).toEqual([expect.objectContaining({ kind: 'grant-expiry' })]);
    expect(judge(s, edit, { actors: ['bob'], approvals: ['alice'] }).failed).toContain('self-edit');
  });
});

describe('red team M: the proof against base never vouches for what the full proof refuses', () => {
  /** bob holds r:events in web until 2027-06-01. */
  const dated = (): Spec => {
    const s = baseSpec();
    grantsOf(s).push({ user: 'bob@acme.io', namespace: 'web', levels: ['r:events'], expires: '2027-06-01' });
    return s;
  };
  /** A copy of `dist` with one user's membership record (ConfigMaps and members.json alike) rewritten by `edit`. */
  function forged(
    dist: string,
    email: string,
    edit: (record: Record<string, unknown>) => Record<string, unknown>,
  ): string {
    const dir = join(tempDir('orgctl-rtm-'), 'dist');
    cpSync(dist, dir, { recursive: true });
    const escaped = email.replaceAll('.', '\\.');
    for (const f of listFiles(dir)) {
      const path = join(dir, f);
      const text = readFileSync(path, 'utf8');
      if (f === 'members.json') {
        const data = JSON.parse(text);
        const i = data.users.findIndex((u: { email: string }) => u.email === email);
        data.users[i] = edit(data.users[i]);
        writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
      } else
        writeFileSync(
          path,
          text.replace(
            new RegExp(`^( +)(\\{"email":"${escaped}".*)$`, 'm'),
            (_m, indent: string, line: string) => `${indent}${JSON.stringify(edit(JSON.parse(line)))}`,
          ),
        );
    }
    return dir;
  }
  const records = (u: Record<string, unknown>) => u.expiring as Record<string, unknown>[];

  it.each([
    ['an empty list of dated access', 'erin@acme.io', (u: Record<string, unknown>) => ({ ...u, expiring: [] })],
    [
      'expiring written before the other fields',
      'bob@acme.io',
      (u: Record<string, unknown>) => ({ expiring: records(u).map((r) => ({ ...r, until: '2099-12-31' })), ...u }),
    ],
    [
      'a record whose fields are in another order',
      'bob@acme.io',
      (u: Record<string, unknown>) => ({
        ...u,
        expiring: records(u).map((r) => ({ until: '2099-12-31', role: r.role, namespace: r.namespace })),
      }),
    ],
    [
      'an end that is no date',
      'bob@acme.io',
      (u: Record<string, unknown>) => ({ ...u, expiring: records(u).map((r) => ({ ...r, until: '2099-02-30' })) }),
    ],
  ])('M2: a forged membership record (%s) is not proved against base when the full proof refuses it', async (_n, email, edit) => {
    const base = await distOf(dated());
    const head = forged(base, email, edit);
    const full = await reviewPair({ base, head }, '--actor', 'alice', '--approved-by', 'frank', '--full-proof');
    expect(full.stdout).toMatch(/`output-proof` \| ❌/);
    const r = await reviewPair({ base, head }, '--actor', 'alice', '--approved-by', 'frank');
    expect(r.stdout).not.toContain("head dist/ is base's but for");
    expect(r.code).toBe(1);
  });

  it.each<[string, (r: Record<string, unknown>) => Record<string, unknown>, RegExp]>([
    [
      'an end that is a number (red team Q6)',
      (r: Record<string, unknown>) => ({ ...r, until: 20991231 }),
      /users\.jsonl line \d+ is not a record orgctl writes: expiring\[0\]\.until is 20991231, not text/,
    ],
    [
      'a record with a field synthesis never writes (R13-F3)',
      (r: Record<string, unknown>) => ({ ...r, until: '2099-12-31', note: 'x' }),
      /users\.jsonl line \d+ is not a record orgctl writes: expiring\[0\] has field "note", which orgctl never writes \(a record holds namespace, role, until\)/,
    ],
  ])('M2: a forged membership record (%s) is not read at all: an input error', async (_n, edit, message) => {
    const base = await distOf(dated());
    const head = forged(base, 'bob@acme.io', (u) => ({ ...u, expiring: records(u).map(edit) }));
    for (const proof of [['--full-proof'], []]) {
      const r = await reviewPair({ base, head }, '--actor', 'alice', '--approved-by', 'frank', ...proof);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});
