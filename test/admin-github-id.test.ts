/**
 * admin-github-id: an active admin whose GitHub login is declared without the account's id is
 * matched by the login alone (redteam-r70's last case): once they rename or delete the account,
 * whoever registers the freed login approves, authors and labels pull requests as that admin.
 * Declared, `githubId` vetoes any other account (github-id.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acmeSpecWith, cli, initAcme, tempDir } from './helpers.ts';
import { baseSpec, judge, user, type Spec } from './review/scenarios.ts';

/** `orgctl check --format json` of acmeSpecWith(spec): the findings of one rule. */
function findingsOf(spec: Record<string, unknown>, rule = 'admin-github-id') {
  const file = join(tempDir(), 'org.json');
  writeFileSync(file, JSON.stringify(acmeSpecWith(spec)));
  const r = cli(['check', '--spec', file, '--format', 'json']);
  expect(r.code, r.stderr).toBe(0);
  const found = (
    JSON.parse(r.stdout) as { findings: { rule: string; severity: string; subject: string; message: string }[] }
  ).findings;
  return found.filter((f) => f.rule === rule);
}

describe('admin-github-id: an admin matched on GitHub by login alone', () => {
  it('attack: an admin declaring a login without its account id is named, with how to find the id', () => {
    const found = findingsOf({
      users: [
        { email: 'alice@acme.io', admin: true, github: 'alice', githubId: 583231 },
        { email: 'frank@acme.io', admin: true, github: 'frank' },
      ],
    });
    // The file's line and column besides (where the user is written).
    expect(found).toHaveLength(1);
    expect(found).toMatchObject([
      {
        rule: 'admin-github-id',
        severity: 'warning',
        subject: 'users/frank@acme.io',
        message:
          'admin frank@acme.io declares GitHub login frank without its account id: once that account is renamed or deleted, whoever registers the login frank approves, authors and labels pull requests as this admin; declare githubId beside github (`gh api users/frank --jq .id` prints it)',
        source: 'spec.users[1]',
      },
    ]);
  });

  it('held: the owner is an admin like any other', () => {
    const found = findingsOf({ users: [{ email: 'alice@acme.io', admin: true, github: 'alice' }] });
    expect(found.map((f) => f.subject)).toEqual(['users/alice@acme.io']);
  });

  it('held: a declared id, a member, a deactivated admin, or no login at all is not named', () => {
    const found = findingsOf({
      users: [
        { email: 'alice@acme.io', admin: true, github: 'alice', githubId: 583231 },
        { email: 'bob@acme.io', github: 'bob' },
        { email: 'frank@acme.io', admin: true, github: 'frank', status: 'deactivated' },
        { email: 'gina@acme.io', admin: true },
      ],
    });
    expect(found).toEqual([]);
  });
});

describe('orgctl init --github-id: the owner declared with their account id', () => {
  const init = (...flags: string[]) =>
    cli(['init', join(tempDir(), 'acme-org'), '--org', 'acme', '--owner', 'alice@acme.io', '--spec', 'yaml', ...flags]);

  it('writes githubId beside github, and the new organization checks clean', () => {
    const dir = join(tempDir(), 'acme-org');
    const r = cli(initAcme(dir));
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(readFileSync(join(dir, 'org/org.ts'), 'utf8')).toContain(
      "org.user('alice@acme.io', { github: 'alice', githubId: 583231, admin: true });",
    );
  });

  it('a login without its id is written as given, and init says what admin-github-id will say', () => {
    const r = init('--github', 'alice');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'warning admin-github-id users/alice@acme.io: admin alice@acme.io declares GitHub login alice without its account id',
    );
  });

  it('refuses an id without a login, or one that is no account id, saying what is allowed', () => {
    expect(init('--github-id', '583231').stderr).toContain('--github-id goes with --github LOGIN');
    for (const bad of ['0', '05', '-3', '1.5', 'alice', '99999999999999999999'])
      expect(init('--github', 'alice', '--github-id', bad).stderr, bad).toContain(
        `--github-id "${bad}" is not a GitHub account id (a positive whole number: gh api users/alice --jq .id prints it)`,
      );
  });
});

describe('admin-change-approval refuses an admin made, or re-identified, by their login alone', () => {
  /** admin-change-approval's rows on an edit of baseSpec (admins alice, frank, dan with ids), alice making it, frank and dan approving. */
  const rows = (edit: (s: Spec) => void, base = baseSpec()) =>
    judge(base, edit, { actors: ['alice'], approvals: ['frank', 'dan'] }).results.filter(
      (r) => r.rule === 'admin-change-approval',
    );
  /** baseSpec with frank declaring his login alone (an admin of before admin-github-id). */
  const frankWithoutId = () => {
    const s = baseSpec();
    delete user(s, 'frank@acme.io').githubId;
    return s;
  };
  const madeAdmin = (githubId?: number) =>
    rows((s) => Object.assign(user(s, 'gina@acme.io'), { admin: true }, githubId === undefined ? {} : { githubId }));
  const refusal = (login: string) =>
    `declares GitHub login ${login} without its account id: whoever holds that login would approve, author and label as this admin; declare githubId beside github in this change (\`gh api users/${login} --jq .id\` prints it), whatever the approvals`;

  it('attack: gina made admin with her login alone is refused, whatever the approvals, saying what to run', () => {
    const [r] = madeAdmin();
    expect(r?.ok).toBe(false);
    expect(r?.message).toContain('gina@acme.io (made admin): becomes admin: gains w:full in every namespace');
    expect(r?.message).toContain(refusal('gina'));
  });

  it('held: made admin with her account id, it passes with the approvals and nothing more is said', () => {
    const [r] = madeAdmin(2718281);
    expect(r?.ok).toBe(true);
    expect(r?.message).not.toContain('without its account id');
  });

  it("attack: an admin's login changed, the new one declared alone, is refused", () => {
    const [r] = rows((s) => (user(s, 'frank@acme.io').github = 'frank-ops'), frankWithoutId());
    expect(r?.ok).toBe(false);
    expect(r?.message).toContain(refusal('frank-ops'));
  });

  it("attack: an admin's account id dropped is refused", () => {
    const [r] = rows((s) => delete user(s, 'frank@acme.io').githubId);
    expect(r?.ok).toBe(false);
    expect(r?.message).toContain(refusal('frank'));
  });

  it('attack: an admin declaring no id, reactivated, is refused (the login may have changed hands meanwhile)', () => {
    const base = frankWithoutId();
    user(base, 'frank@acme.io').status = 'deactivated';
    const [r] = rows((s) => (user(s, 'frank@acme.io').status = 'active'), base);
    expect(r?.ok).toBe(false);
    expect(r?.message).toContain(refusal('frank'));
  });

  it('held: an admin declaring no id whose other privileges change passes, the approving admin told (the warning)', () => {
    const [r] = rows((s) => (user(s, 'frank@acme.io').billing = true), frankWithoutId());
    expect(r?.ok).toBe(true);
    expect(r?.message).toContain(
      'declares GitHub login frank without its account id: whoever holds that login will approve, author and label as this admin (admin-github-id)',
    );
  });

  it("held: an admin's login changed with their id kept, or their id declared, passes with the approvals", () => {
    expect(rows((s) => (user(s, 'frank@acme.io').github = 'frank-ops')).map((r) => r.ok)).toEqual([true]);
    expect(rows((s) => (user(s, 'frank@acme.io').githubId = 1742619), frankWithoutId()).map((r) => r.ok)).toEqual([
      true,
    ]);
  });

  it('held: a login changed only in its letter case is the same account, a warning as before', () => {
    const [r] = rows((s) => (user(s, 'frank@acme.io').github = 'Frank'), frankWithoutId());
    expect(r?.ok ?? true).toBe(true);
  });
});
