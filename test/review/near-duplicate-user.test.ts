/**
 * An adopter's walkthrough: `org.user('pet@exmaple.com').grant(...)` beside pet@example.com declares
 * a new person (invited, and given the grant) instead of changing pet, and nothing said so. The
 * review now warns (it passes: a new person one slip from another may be real), naming the new
 * user and the one meant. lookalike-identity keeps what reads as one (its error is not said twice).
 */
import { describe, expect, it } from 'vitest';
import { nearPairs } from '../../policies/org/near-duplicates.ts';
import { renderMarkdown } from '../../report/markdown.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, tempDir } from '../helpers.ts';
import { baseSpec, diffOf, distPair, judge, reviewPair, type Spec } from './scenarios.ts';

const RULE = 'near-duplicate-user';

/** baseSpec with pet@example.com, a member with a grant in web. */
function withPet(): Spec {
  const s = baseSpec();
  s.spec.users.push({ email: 'pet@example.com', github: 'pet' });
  s.spec.grants.push({ user: 'pet@example.com', namespace: 'web', levels: ['r:pods'] });
  return s;
}
/** alice (an admin) adds `email` with a grant in data; frank approves. */
const adds =
  (email: string, as: 'user' | 'invitee' = 'user') =>
  (s: Spec) => {
    if (as === 'user') {
      s.spec.users.push({ email });
      s.spec.grants.push({ user: email, namespace: 'data', levels: ['r:pods'] });
    } else s.spec.invites = [{ email, sso: true, grants: [{ namespace: 'data', levels: ['r:pods'] }] }];
  };
const judged = (edit: (s: Spec) => void, base = withPet()) =>
  judge(base, edit, { actors: ['alice'], approvals: ['frank'] });
const warnings = (v: ReturnType<typeof judged>) =>
  v.results.filter((r) => r.rule === RULE && r.warning).map((r) => r.message);

describe('near-duplicate-user: a user or invitee new in head one slip from a user of base', () => {
  it('pet@exmaple.com added beside pet@example.com: a warning naming the new user and the one meant; the change passes', () => {
    const v = judged(adds('pet@exmaple.com'));
    expect(warnings(v)).toEqual([
      'users/pet@exmaple.com (new in head) is one slip of the domain from user pet@example.com (in base and head): did you mean pet@example.com? As declared, pet@exmaple.com is another person, invited and given what was declared for them, and pet@example.com is unchanged. If you meant pet@example.com, correct the email where pet@exmaple.com is declared (`org.user(...)`, or `spec.users`), then its grants go to pet@example.com; if pet@exmaple.com is another person, nothing to do',
    ]);
    expect(v.ok).toBe(true);
    expect(v.results.filter((r) => r.rule === RULE).every((r) => r.ok)).toBe(true);
  });

  it('a slip of the local part (a swap, a letter missed or doubled or wrong) warns', () => {
    for (const email of ['pte@example.com', 'pe@example.com', 'pett@example.com', 'pat@example.com'])
      expect(warnings(judged(adds(email))), email).toEqual([
        expect.stringMatching(
          new RegExp(
            `^users/${email.replace('.', '\\.')} \\(new in head\\) is one slip of the name from user pet@example\\.com`,
          ),
        ),
      ]);
    // Two slips in the domain too: a domain nobody in the organization uses.
    expect(warnings(judged(adds('pet@exampel.co')))).toEqual([
      expect.stringMatching(/did you mean pet@example\.com\?/),
    ]);
  });

  it('an invitee new in head one slip from a user warns too: the invitation goes to the slip', () => {
    expect(warnings(judged(adds('bbo@acme.io', 'invitee')))).toEqual([
      expect.stringMatching(
        /^invites\/bbo@acme\.io \(new in head\) is one slip of the name from user bob@acme\.io .*did you mean bob@acme\.io\?/,
      ),
    ]);
  });

  it('passes without a warning what is no slip', () => {
    // Nobody like zara; pet2 is numbered: a second account, not a slip.
    for (const email of ['zara@acme.io', 'pet2@example.com']) expect(warnings(judged(adds(email))), email).toEqual([]);
    // bob@acme.co is one slip from bob@acme.io...
    expect(warnings(judged(adds('bob@acme.co')))).toEqual([expect.stringMatching(/did you mean bob@acme\.io\?/)]);
    // A domain the organization already uses is no slip: a second person there.
    const withContractor = withPet();
    withContractor.spec.users.push({ email: 'kim@acme.co' });
    expect(warnings(judged(adds('bob@acme.co'), withContractor))).toEqual([]);
    // A pair both in base is not judged again; one whose first is gone from head is a rename.
    const pair = withPet();
    pair.spec.users.push({ email: 'pte@example.com' });
    expect(warnings(judged(adds('zara@acme.io'), pair))).toEqual([]);
    expect(
      warnings(
        judged((s) => {
          s.spec.users = s.spec.users.filter((u: { email: string }) => u.email !== 'pet@example.com');
          s.spec.grants = s.spec.grants.filter((g: { user: string }) => g.user !== 'pet@example.com');
          adds('pte@example.com')(s);
        }),
      ),
    ).toEqual([]);
    // Short names: one edit from a two-letter name is another name (jb beside jo).
    const jo = withPet();
    jo.spec.users.push({ email: 'jo@acme.io' });
    expect(warnings(judged(adds('jb@acme.io'), jo))).toEqual([]);
  });

  it("a pair that reads as one is lookalike-identity's error, not said again as a warning", () => {
    const v = judged(adds('b0b@acme.io'));
    expect(v.results.find((r) => r.rule === 'lookalike-identity')?.message).toMatch(
      /^the addresses b0b@acme\.io .* read as one/,
    );
    expect(warnings(v)).toEqual([]);
  });

  it('the review comment marks the warning ⚠️ and says the change may be merged', () => {
    const v = judged(adds('pet@exmaple.com'));
    const md = renderMarkdown(diffOf(withPet(), adds('pet@exmaple.com')), v);
    expect(md).toContain('✅ the change may be merged');
    expect(md).toMatch(/^\| `near-duplicate-user` \| ⚠️ \| users\/pet@(<!-- -->)?exmaple\.com \(new in head\)/m);
  });
});

describe('near-duplicate-user and near-duplicate-idle through the CLI', () => {
  it('orgctl review passes (exit 0) and prints the warning; orgctl check warns of an invite to a slip and exits 0', async () => {
    const sides = await distPair(withPet(), adds('pet@exmaple.com'));
    const r = await reviewPair(sides, '--actor', 'alice', '--approved-by', 'frank', '--format', 'md');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\| `near-duplicate-user` \| ⚠️ \| users\/pet@(<!-- -->)?exmaple\.com /m);
    const spec = withPet();
    spec.spec.invites = [{ email: 'pet@exmaple.com', sso: true }];
    const file = join(tempDir(), 'org.json');
    writeFileSync(file, JSON.stringify(spec));
    const c = await run(['check', '--spec', file]);
    expect(c.code).toBe(0);
    expect(`${c.stdout}\n${c.stderr}`).toMatch(
      /warning near-duplicate-idle invites\/pet@exmaple\.com: pending invite pet@exmaple\.com is one slip of the domain from user pet@example\.com \(at spec\.users\[\d+\]\): did you mean pet@example\.com\?.* \(at spec\.invites\[0\]\)/,
    );
  });
});

describe('near-duplicate-user in a long comment', () => {
  it('a rule of several warnings says how many in its row, and lists them under Warnings', () => {
    const v = judged((s) => {
      adds('pte@example.com')(s);
      adds('bbo@acme.io')(s);
    });
    expect(v.ok).toBe(true);
    // Rows taking more than a third of the comment (40 more results of a rule): a row per rule, the warnings below.
    const many = { ...v, results: [...v.results, ...Array.from({ length: 40 }, () => v.results[0]!)] };
    const md = renderMarkdown(
      diffOf(withPet(), () => {}),
      many,
      { maxBytes: 9000 },
    );
    expect(md).toMatch(/^\| `near-duplicate-user` \| ⚠️ \| 2 of 2 findings warn \(below\) \|$/m);
    expect(md).toContain('**Warnings**');
    expect(md).toMatch(/^- `near-duplicate-user` ⚠️ users\/bbo@(<!-- -->)?acme\.io \(new in head\)/m);
  });
});

describe('nearPairs: one slip apart', () => {
  it("finds each given address's near ones: not itself, not a numbered sibling, a domain slip only to a domain nobody uses", () => {
    const users = Array.from({ length: 10_000 }, (_, i) => `user${i}@acme.io`);
    const meant = (given: string) => nearPairs(users, [given]).map((p) => `${p.part} ${p.meant}`);
    expect(meant('usre17@acme.io')).toEqual(['name user17@acme.io']);
    expect(meant('user17@acme.io')).toEqual([]); // itself, and numbered siblings (user1, user170, ...)
    expect(meant('user17@acme.com')).toEqual(['domain user17@acme.io']); // io to com: two edits
    expect(nearPairs([...users, 'kim@acme.com'], ['user17@acme.com'])).toEqual([]); // acme.com is in use
    expect(meant('user17@example.org')).toEqual([]);
  });
});
