/**
 * The proof against base and deactivated people's staged grants (MemberUser.dormant): a head whose
 * membership differs from base's only in such records, each written exactly as synthesis writes it,
 * is proved by what it changes (as the bench's 1% edit is at size L); every form synthesis would not
 * write, a copy that differs, or a staging a policy refuses is left to the full proof, which refuses
 * it. The change rules judge the staging on the diff whichever proof runs (cli/judge.ts).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../model/errors.ts';
import type { OutputText } from '../../cli/output-read.ts';
import { run, tempDir, TODAY } from '../helpers.ts';
import {
  baseSpec,
  configMapsGet,
  distPair,
  outputOf as output,
  proofsOf as proofs,
  token,
  user,
  withRecord,
  type Rec,
  type Spec,
} from './scenarios.ts';

const bob = 'bob@acme.io';

/** baseSpec in two clusters with bob deactivated (his token bots with him), a namespace for admins only. */
function away(edit: (s: Spec) => void = () => {}): Spec {
  const s = baseSpec();
  s.spec.clusters = ['lga1', 'ord1'];
  s.spec.namespaces.push({ name: 'ops', adminsOnly: true });
  user(s, bob).status = 'deactivated';
  token(s, 'bots').status = 'deactivated';
  edit(s);
  return s;
}

const stage =
  (levels: string[], namespace = 'data', expires?: string) =>
  (s: Spec) =>
    void s.spec.grants.push({ user: bob, namespace, levels, ...(expires ? { expires } : {}) });

/** The user's dormant records replaced by `records`, the record's other fields as they were. */
const dormantAs = (records: unknown) => (u: Rec) => ({ ...u, dormant: records });

/** Both proofs; an output the strict reader refuses is refused by the review as a whole too. */
function proofsOrRefused(base: OutputText[], head: OutputText[]) {
  try {
    return proofs(base, head);
  } catch (e) {
    return { againstBase: { proved: false as const, reason: `read refused: ${(e as Error).message}` }, full: false };
  }
}

describe("the proof against base: deactivated people's staged grants", () => {
  const base = output(away());

  it("proves a head whose only change is a deactivated user's staged levels, as the full proof does", () => {
    const head = output(away(stage(['r:secrets'])));
    expect(head.filter((f, i) => f.content !== base[i]!.content).map((f) => f.path)).toEqual([
      'lga1/cluster/resources.yaml',
      'members.json',
      'ord1/cluster/resources.yaml',
    ]);
    expect(proofs(base, head)).toEqual({ againstBase: { proved: true, namespaces: 0, files: 0 }, full: true });
  });

  it('proves staged levels changed, withdrawn, dated and given another end, and alongside a change of bindings', () => {
    const staged = output(away(stage(['r:events'], 'data', '2027-01-15')));
    const heads: [string, (s: Spec) => void][] = [
      ['other levels where he has some', (s) => (s.spec.grants[0].levels = ['r:events'])],
      ['every staged grant withdrawn', (s) => (s.spec.grants = s.spec.grants.filter((g: Rec) => g.user !== bob))],
      ['a staging with an end', stage(['r:secrets'], 'data', '2027-03-01')],
      [
        'and erin gains a level (bindings)',
        (s) => {
          stage(['r:secrets'])(s);
          s.spec.grants.push({ user: 'erin@acme.io', namespace: 'data', levels: ['r:pods'] });
        },
      ],
    ];
    for (const [what, edit] of heads) {
      const p = proofs(base, output(away(edit)));
      expect(p.againstBase.proved, `${what}: ${p.againstBase.proved ? '' : p.againstBase.reason}`).toBe(true);
      expect(p.full, what).toBe(true);
    }
    const later = output(away(stage(['r:events'], 'data', '2027-02-15')));
    expect(proofs(staged, later)).toEqual({ againstBase: { proved: true, namespaces: 0, files: 0 }, full: true });
  });

  // Each attack: bob's record (or another's) forged alike in every copy, unless the attack is the copies.
  const record = (extra: Rec = {}) => [{ namespace: 'data', levels: ['r:secrets'], ...extra }];
  const webRecord = { namespace: 'web', levels: ['r:pods', 'w:services'] };
  const attacks: [string, (files: OutputText[]) => OutputText[]][] = [
    [
      'a record with a field synthesis does not write',
      (f) => withRecord(f, bob, dormantAs([...record({ note: 'x' }), webRecord])),
    ],
    [
      "a record's keys in another order",
      (f) => withRecord(f, bob, dormantAs([{ levels: ['r:secrets'], namespace: 'data' }, webRecord])),
    ],
    ['records out of namespace order', (f) => withRecord(f, bob, dormantAs([webRecord, ...record()]))],
    [
      'levels out of order',
      (f) => withRecord(f, bob, dormantAs([{ namespace: 'data', levels: ['r:secrets', 'r:events'] }, webRecord])),
    ],
    [
      'a level written twice',
      (f) => withRecord(f, bob, dormantAs([{ namespace: 'data', levels: ['r:pods', 'r:pods'] }, webRecord])),
    ],
    ['a namespace written twice', (f) => withRecord(f, bob, dormantAs([...record(), ...record(), webRecord]))],
    ['no levels and no rules', (f) => withRecord(f, bob, dormantAs([{ namespace: 'data', levels: [] }, webRecord]))],
    ['no records', (f) => withRecord(f, bob, dormantAs([]))],
    [
      'a level that does not exist',
      (f) => withRecord(f, bob, dormantAs([{ namespace: 'data', levels: ['r:nothing'] }, webRecord])),
    ],
    [
      'a namespace not in the organization',
      (f) => withRecord(f, bob, dormantAs([{ namespace: 'dat', levels: ['r:pods'] }, webRecord])),
    ],
    [
      'the system namespace',
      (f) => withRecord(f, bob, dormantAs([{ namespace: 'acme-system', levels: ['r:secrets'] }, webRecord])),
    ],
    ['an end already past', (f) => withRecord(f, bob, dormantAs([...record({ until: '2026-11-25' }), webRecord]))],
    ['an end no calendar has', (f) => withRecord(f, bob, dormantAs([...record({ until: '2027-02-30' }), webRecord]))],
    [
      'dormant records before the status (not the last field)',
      (f) =>
        withRecord(f, bob, (u) => {
          const { status, ...rest } = u;
          return { ...rest, dormant: [...record(), webRecord], status };
        }),
    ],
    ['staged grants on an active user', (f) => withRecord(f, 'erin@acme.io', dormantAs(record()))],
    [
      'a level only admins may hold, for a non-admin (forbidden-grant)',
      (f) => withRecord(f, bob, dormantAs([{ namespace: 'data', levels: ['w:full'] }, webRecord])),
    ],
    [
      'a namespace for admins only, for a non-admin (forbidden-grant)',
      (f) => withRecord(f, bob, dormantAs([{ namespace: 'ops', levels: ['r:pods'] }, webRecord])),
    ],
    [
      "one cluster's copy only (and members.json)",
      (f) => withRecord(f, bob, dormantAs([...record(), webRecord]), { clusters: ['ord1'] }),
    ],
    [
      "the ConfigMaps, members.json left as base's",
      (f) => withRecord(f, bob, dormantAs([...record(), webRecord]), { members: false }),
    ],
    ['members.json alone', (f) => withRecord(f, bob, dormantAs([...record(), webRecord]), { clusters: [] })],
  ];
  // Why each is not proved against base (the strict reader refuses a field orgctl never writes before either proof).
  const notWritten = /^bob@acme\.io's staged grants are not written as orgctl writes them$/;
  const reasons: Record<string, RegExp> = {
    'a record with a field synthesis does not write': /^read refused: .*"note", which orgctl never writes/,
    'a namespace not in the organization':
      /^bob@acme\.io is staged grants in dat, which the organization does not declare$/,
    'the system namespace': /^bob@acme\.io is staged grants in acme-system, which the organization does not declare$/,
    'an end already past': /^bob@acme\.io's staged grants in data ended on 2026-11-25: orgctl records them no more$/,
    'staged grants on an active user': /^erin@acme\.io is not deactivated/,
    'a level only admins may hold, for a non-admin (forbidden-grant)':
      /^bob@acme\.io is staged w:full in data: a level only admins may hold$/,
    'a namespace for admins only, for a non-admin (forbidden-grant)':
      /^bob@acme\.io is staged grants in ops: a namespace for admins only$/,
    "one cluster's copy only (and members.json)": /^lga1\/cluster\/resources\.yaml keeps base's membership ConfigMaps/,
    "the ConfigMaps, members.json left as base's":
      /^members\.json is not the users' membership data as the ConfigMaps hold it$/,
    'members.json alone': /^members\.json is not the users' membership data as the ConfigMaps hold it$/,
  };
  for (const [what, attack] of attacks)
    it(`leaves to the full proof, which refuses it: ${what}`, () => {
      const head = attack(base);
      expect(head.some((f, i) => f.content !== base[i]!.content)).toBe(true);
      const p = proofsOrRefused(base, head);
      expect(p.againstBase.proved ? 'proved' : p.againstBase.reason).toMatch(reasons[what] ?? notWritten);
      expect(p.full).toBe(false);
    });

  it('w:full staged on a non-admin is refused by forbidden-grant, with or without --full-proof', async () => {
    const head = withRecord(base, bob, dormantAs([{ namespace: 'data', levels: ['w:full'] }, webRecord]));
    const write = (files: OutputText[]) => {
      const dir = join(tempDir(), 'dist');
      for (const f of files) {
        mkdirSync(dirname(join(dir, f.path)), { recursive: true });
        writeFileSync(join(dir, f.path), f.content);
      }
      return dir;
    };
    const [b, h] = [write(base), write(head)];
    const verdict = async (...extra: string[]) => {
      const r = await run(['review', '--base', b, '--head', h, '--actor', 'alice', '--format', 'json', ...extra], {
        ORGCTL_TODAY: TODAY,
      });
      const results = JSON.parse(r.stdout).results as { rule: string; ok: boolean; message: string }[];
      return { code: r.code, failed: results.filter((x) => !x.ok).map((x) => `${x.rule}: ${x.message}`) };
    };
    const [asked, full] = [await verdict(), await verdict('--full-proof')];
    expect(asked.code).toBe(1);
    expect(asked).toEqual(full);
    expect(asked.failed.join('\n')).toMatch(/forbidden-grant/);
  });
});

describe('what the proof against base takes: membership records of dated access and staged grants, nothing else', () => {
  const base = output(away());
  // Heads synthesis writes (the full proof passes each), and why the proof against base leaves each to it.
  const fallsBack: [string, (s: Spec) => void, RegExp][] = [
    [
      "another field of the deactivated user's record with the staging (a GitHub login)",
      (s) => {
        stage(['r:secrets'])(s);
        user(s, bob).github = 'bobby';
      },
      /^lga1\/cluster\/resources\.yaml changes$/,
    ],
    ['the deactivated user reactivated', (s) => delete user(s, bob).status, /^lga1\/cluster\/resources\.yaml changes$/],
    [
      'a deactivated user added with a staging',
      (s) => {
        s.spec.users.push({ email: 'kim@acme.io', status: 'deactivated' });
        s.spec.grants.push({ user: 'kim@acme.io', namespace: 'data', levels: ['r:pods'] });
      },
      /^lga1\/cluster\/resources\.yaml changes$/,
    ],
    [
      'custom rules staged anew (what they allow is the full proof to judge)',
      (s) => s.spec.grants.push({ user: bob, namespace: 'data', rules: configMapsGet }),
      /^bob@acme\.io's staged custom rules in data change/,
    ],
    [
      "a deactivated token's staged custom rules (dormantRbac)",
      (s) => (token(s, 'bots').rbac = [{ namespace: 'web', rules: configMapsGet }]),
      /^lga1\/cluster\/resources\.yaml changes$/,
    ],
    [
      'an invitation with the staging',
      (s) => {
        stage(['r:secrets'])(s);
        s.spec.invites = [{ email: 'zoe@acme.io', grants: [{ namespace: 'web', levels: ['r:pods'] }] }];
      },
      /^lga1\/cluster\/resources\.yaml changes$/,
    ],
  ];
  for (const [what, edit, why] of fallsBack)
    it(`leaves to the full proof, which passes it: ${what}`, () => {
      const p = proofs(base, output(away(edit)));
      expect(p.againstBase.proved ? 'proved' : p.againstBase.reason).toMatch(why);
      expect(p.full).toBe(true);
    });

  it("proves staged rules kept as base's while the levels beside them change, and an active member's dated access beside a staging", () => {
    const withRules = output(away((s) => s.spec.grants.push({ user: bob, namespace: 'data', rules: configMapsGet })));
    const moreLevels = output(
      away((s) => {
        s.spec.grants.push({ user: bob, namespace: 'data', rules: configMapsGet });
        stage(['r:events'])(s);
      }),
    );
    expect(proofs(withRules, moreLevels)).toEqual({
      againstBase: { proved: true, namespaces: 0, files: 0 },
      full: true,
    });
    const dated = output(
      away((s) => {
        stage(['r:secrets'])(s);
        s.spec.grants.push({ user: 'erin@acme.io', namespace: 'data', levels: ['r:events'], expires: '2027-01-15' });
      }),
    );
    expect(proofs(base, dated)).toEqual({ againstBase: { proved: true, namespaces: 1, files: 2 }, full: true });
  });

  it('a deactivated admin staged w:full is proved (forbidden-grant judges non-admins), and the change rules still ask for another admin, with or without --full-proof', async () => {
    const frankAway = (s: Spec) => (user(s, 'frank@acme.io').status = 'deactivated');
    const dirs = await distPair(away(frankAway), (s) =>
      s.spec.grants.push({ user: 'frank@acme.io', namespace: 'data', levels: ['w:full'] }),
    );
    const verdict = async (...extra: string[]) => {
      const r = await run([
        'review',
        '--base',
        dirs.base,
        '--head',
        dirs.head,
        '--actor',
        'dan',
        '--format',
        'json',
        ...extra,
      ]);
      const results = JSON.parse(r.stdout).results as { rule: string; ok: boolean; message: string }[];
      return {
        code: r.code,
        failed: results.filter((x) => !x.ok).map((x) => x.rule),
        proof: results.find((x) => x.rule === 'output-proof')!.message,
      };
    };
    const [asked, full] = [await verdict(), await verdict('--full-proof')];
    expect(asked.proof).toMatch(/^head dist\/ is base's but for/);
    expect(full.proof).toMatch(/as --full-proof asks\)$/);
    expect(asked.code).toBe(1);
    expect(asked.failed).toContain('admin-change-approval');
    expect([asked.code, asked.failed]).toEqual([full.code, full.failed]);
  });
});

describe('forged staged grants, at random', () => {
  const base = output(away());
  // Mostly forms synthesis may write (levels it grants, in namespaces bob may be staged in), some not.
  const grantable = ['r:events', 'r:pods', 'r:secrets', 'r:full', 'w:configmaps'];
  const record = fc.record(
    {
      namespace: fc.constantFrom('data', 'web', 'data', 'web', 'ops', 'dat', 'acme-system'),
      levels: fc.oneof(
        { arbitrary: fc.subarray(grantable, { minLength: 1 }), weight: 4 },
        { arbitrary: fc.subarray([...grantable, 'w:full', 'w:pods', 'r:nothing']), weight: 1 },
      ),
      until: fc.constantFrom('2026-11-26', '2027-01-15', '2027-01-15', '2026-11-25', '2027-02-30'),
    },
    { requiredKeys: ['namespace'] },
  );

  it('never proves against base what the full proof refuses, and proves what synthesis writes', () => {
    let proved = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        fc.array(record, { minLength: 1, maxLength: 2 }),
        fc.boolean(),
        fc.constantFrom(bob, bob, bob, 'erin@acme.io'),
        (records, sorted, email) => {
          // Sorted as the writer sorts (namespaces, then levels) half the time: forms synthesis may write are drawn too.
          const written = sorted
            ? [...records]
                .sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0))
                .map((r) => ({ ...r, ...(r.levels ? { levels: [...r.levels].sort() } : {}) }))
            : records;
          const head = withRecord(base, email, dormantAs(written));
          let p: ReturnType<typeof proofs>;
          try {
            p = proofs(base, head);
          } catch (e) {
            if (!(e instanceof InputError)) throw e;
            refused++;
            return;
          }
          if (!p.full) refused++;
          if (p.againstBase.proved) {
            proved++;
            expect(p.full, `proved against base, refused in full: ${JSON.stringify(written)}`).toBe(true);
          }
        },
      ),
      {
        numRuns: Number(process.env.ORGCTL_PROPERTY_RUNS ?? 150),
        seed: Number(process.env.ORGCTL_PROPERTY_SEED ?? Date.now() % 2 ** 31),
        // Always among them: bob's records as synthesis writes them for a staging in data, and w:full there.
        examples: [
          [
            [
              { namespace: 'data', levels: ['r:secrets'] },
              { namespace: 'web', levels: ['r:pods', 'w:services'] },
            ],
            true,
            bob,
          ],
          [[{ namespace: 'data', levels: ['w:full'] }], true, bob],
        ],
      },
    );
    expect(proved).toBeGreaterThan(2); // more than the examples: forms synthesis writes are drawn
    expect(refused).toBeGreaterThan(0);
  });
});

describe('staged grants dated: what ended since base was written', () => {
  it('leaves to the full proof, which refuses it, a staging that ended since base was written (orgctl records it no more), though head changed nothing of it', () => {
    const files = output(away(stage(['r:secrets'], 'data', '2026-12-01')));
    expect(proofs(files, files).againstBase.proved).toBe(true);
    const p = proofs(files, files, '2026-12-02');
    expect(p).toEqual({
      againstBase: {
        proved: false,
        reason: "bob@acme.io's staged grants in data ended on 2026-12-01: orgctl records them no more",
      },
      full: false,
    });
  });
});
