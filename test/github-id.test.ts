/**
 * R32a-3 (medium): the review matched GitHub accounts to users by login only. A login is a name:
 * once an admin renames or deletes their account, anyone may register the freed login, and a writer
 * who does had their approvals and authorship counted as that admin's. A user may declare their
 * account's numeric id (`githubId`) next to the login: the review then counts a login as that user
 * only when GitHub's account for it carries the same id.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Organization } from '../constructs/index.ts';
import { readMembership, membershipDataOf } from '../analysis/membership.ts';
import type { ManifestDoc } from '../analysis/objects.ts';
import { MEMBERS_FILE } from '../model/membership.ts';
import { parseCanonicalYaml } from '../synth/yaml.ts';
import { files, ROOT, smallOrg } from './helpers.ts';
import { baseSpec, distOf, erinGainsConfigMaps, judge, user, withoutWebGrants, type Spec } from './review/scenarios.ts';
import { defaultState, fakeSha, pullRequestEvent, reviewsOnStandin, userIdOf } from './github/standin.ts';
import { App } from 'cdk8s';

const ACME = readFileSync(join(ROOT, 'test/fixtures/specs/acme.yaml'), 'utf8');
/** The id base declares for alice: not the account the stand-in serves for the login `alice`. */
const DECLARED = 271828;

/** The example with alice's account id declared as `id` (it declares the stand-in's). */
const aliceWithId = (acme: string, id: number) =>
  acme.replace(
    `- { email: alice@acme.io, github: alice, githubId: ${userIdOf('alice')}, admin: true, billing: true }`,
    `- { email: alice@acme.io, github: alice, githubId: ${id}, admin: true, billing: true }`,
  );

/** What the verdict says of the login alice held by the stand-in's account (six digits: no hash GitHub would link, so no code span). */
const heldByAnother = `login alice is held by account ${userIdOf('alice')}, not alice@<!-- -->acme.io's declared ${DECLARED}: renamed? update githubId`;

describe('R32a-3: a login held by another account than the one base declares is not that admin', () => {
  let eventPath = '';
  const bases = new Map<number, string>();
  beforeAll(async () => {
    eventPath = pullRequestEvent();
    for (const id of [DECLARED, userIdOf('alice')]) bases.set(id, await distOf(aliceWithId(ACME, id)));
  });
  let baseId = DECLARED;
  const reviewOn = reviewsOnStandin(
    () => bases.get(baseId)!,
    () => eventPath,
  );
  /** bob's change to erin's access (an admin's approval makes it), approved by the login alice. */
  const bobsChangeApprovedByAlice = async (id: number) => {
    baseId = id;
    return reviewOn(await distOf(erinGainsConfigMaps(aliceWithId(ACME, id))), {
      reviews: [{ user: 'alice', state: 'APPROVED', commitId: fakeSha('head') }],
    });
  };

  it('attack: an approval by the login alice from an account whose id is not the declared one does not count', async () => {
    expect(userIdOf('alice')).not.toBe(DECLARED);
    const r = await bobsChangeApprovedByAlice(DECLARED);
    expect(r.conclusion, r.comment).toBe('failure');
    expect(r.comment).toContain(heldByAnother);
  });

  it('held: the same approval from the declared account counts', async () => {
    const r = await bobsChangeApprovedByAlice(userIdOf('alice'));
    expect(r.conclusion, r.comment).toBe('success');
  });

  it('attack: the login alice authoring, from another account, is not the admin alice', async () => {
    baseId = DECLARED;
    const r = await reviewOn(await distOf(erinGainsConfigMaps(aliceWithId(ACME, DECLARED))), {
      pull: { ...defaultState().pull, author: 'alice' },
      commits: [{ sha: fakeSha('head'), authorLogin: 'alice', verified: true }],
    });
    expect(r.conclusion, r.comment).toBe('failure');
    expect(r.comment).toContain(`alice is not an admin in base (${heldByAnother})`);
  });

  it('declaring alice’s id is an admin change, proved by re-rendering head: frank makes it, alice approves', async () => {
    const plain = await distOf(
      ACME.replace(
        `- { email: alice@acme.io, github: alice, githubId: ${userIdOf('alice')}, admin: true, billing: true }`,
        '- { email: alice@acme.io, github: alice, admin: true, billing: true }',
      ),
    );
    bases.set(0, plain);
    baseId = 0;
    const r = await reviewOn(await distOf(aliceWithId(ACME, userIdOf('alice'))), {
      pull: { ...defaultState().pull, author: 'frank' },
      commits: [{ sha: fakeSha('head'), authorLogin: 'frank', verified: true }],
      reviews: [{ user: 'alice', state: 'APPROVED', commitId: fakeSha('head') }],
    });
    expect(r.conclusion, r.comment).toBe('success');
    expect(r.comment).toContain(`GitHub account id of alice (none) → ${userIdOf('alice')}`);
  });

  it('attack: an override label applied by the login alice from another account is not her override', async () => {
    baseId = DECLARED;
    const r = await reviewOn(await distOf(withoutWebGrants(aliceWithId(ACME, DECLARED))), {
      pull: {
        ...defaultState().pull,
        author: 'grace',
        labels: ['orgctl/override-mass-removal'],
        labelEvents: [{ event: 'labeled', label: 'orgctl/override-mass-removal', actor: 'alice' }],
      },
      commits: [{ sha: fakeSha('head'), authorLogin: 'grace', verified: true }],
      reviews: [{ user: 'frank', state: 'APPROVED', commitId: fakeSha('head') }],
      roles: { alice: 'write' },
    });
    expect(r.conclusion, r.comment).toBe('failure');
    expect(r.comment).toContain(`applied by alice, who is not an admin in base (${heldByAnother})`);
  });

  it('attack: the head pushed by the login alice from another account is pushed by no admin', async () => {
    baseId = DECLARED;
    const r = await reviewOn(await distOf(erinGainsConfigMaps(aliceWithId(ACME, DECLARED))), {
      pull: { ...defaultState().pull, author: 'frank' },
      commits: [{ sha: fakeSha('head'), authorLogin: 'frank', verified: true }],
      pushes: [{ after: fakeSha('head'), actor: 'alice' }],
    });
    expect(r.conclusion, r.comment).toBe('failure');
    expect(r.comment).toContain(`alice is not an admin in base (${heldByAnother})`);
  });

  it('held: alice authoring from the declared account is the admin alice', async () => {
    baseId = userIdOf('alice');
    const r = await reviewOn(await distOf(erinGainsConfigMaps(aliceWithId(ACME, userIdOf('alice')))), {
      pull: { ...defaultState().pull, author: 'alice' },
      commits: [{ sha: fakeSha('head'), authorLogin: 'alice', verified: true }],
    });
    expect(r.conclusion, r.comment).toBe('success');
  });
});

/** An output's manifests, as the review reads a folder. */
const docsOf = (out: Map<string, string>): ManifestDoc[] =>
  [...out]
    .filter(([path]) => path.endsWith('.yaml'))
    .flatMap(([file, text]) => (parseCanonicalYaml(text) ?? []).map((object, index) => ({ file, index, object })));

describe('githubId in the membership data', () => {
  it('is written when declared and read back; absent when not', () => {
    const { org } = smallOrg();
    org.user('bob@acme.io', { github: 'bob', githubId: 4000007 });
    org.user('erin@acme.io', { github: 'erin' });
    const out = files(org);
    const members = membershipDataOf(out.get(MEMBERS_FILE)!)!;
    expect(members.users.find((u) => u.email === 'bob@acme.io')).toMatchObject({ github: 'bob', githubId: 4000007 });
    expect(members.users.find((u) => u.email === 'erin@acme.io')).not.toHaveProperty('githubId');
    const read = readMembership(docsOf(out), 'test');
    expect(read.users.get('bob@acme.io')?.githubId).toBe(4000007);
    expect(read.users.get('erin@acme.io')).not.toHaveProperty('githubId');
    expect(read.users.get('alice@acme.io')?.githubId).toBe(583231); // smallOrg's
  });

  it('a membership line whose githubId is not a number is refused', () => {
    const { org } = smallOrg();
    org.user('bob@acme.io', { github: 'bob', githubId: 4000007 });
    const docs = docsOf(files(org)).map((d) =>
      JSON.parse(JSON.stringify(d).replace('"githubId\\":4000007', '"githubId\\":\\"4000007\\"')),
    );
    expect(() => readMembership(docs, 'test')).toThrow(/githubId is "4000007", not a number/);
  });

  it.each([0, -3, 1.5, Number.NaN, '583231'])('githubId %s is refused, saying what is allowed', (bad) => {
    const { org } = smallOrg();
    expect(() => org.user('bob@acme.io', { github: 'bob', githubId: bad as number })).toThrow(
      /githubId.*positive whole number/,
    );
  });

  it('a spec declares it, as the constructs do', () => {
    const app = new App();
    const spec: Spec = {
      apiVersion: 'orgctl/v1',
      kind: 'Organization',
      metadata: { name: 'acme' },
      spec: { owner: 'alice@acme.io', users: [{ email: 'alice@acme.io', github: 'alice', githubId: 7, admin: true }] },
    };
    const org = Organization.fromSpec(app, spec, { today: '2026-11-26' });
    const members = membershipDataOf(files(org).get(MEMBERS_FILE)!)!;
    expect(members.users[0]).toMatchObject({ github: 'alice', githubId: 7 });
  });
});

describe('a declared githubId changing is an admin change', () => {
  const base = baseSpecWithIds;
  it('frank changing alice’s githubId alone fails admin-change-approval', () => {
    const v = judge(base(), (s) => (user(s, 'alice@acme.io').githubId = 999), { actors: ['frank'] });
    expect(v.failed).toContain('admin-change-approval');
    expect(v.results.find((r) => r.rule === 'admin-change-approval')?.message).toMatch(
      /GitHub account id of alice 11 → 999/,
    );
  });
  it('declaring one where none was is judged alike', () => {
    const v = judge(base(), (s) => (user(s, 'frank@acme.io').githubId = 12), { actors: ['alice'] });
    expect(v.failed).toContain('admin-change-approval');
  });
  it('the owner’s declared id changing or dropped fails owner-immutable; declaring one is an admin change only', () => {
    const changed = judge(base(), (s) => (user(s, 'alice@acme.io').githubId = 999), {
      actors: ['frank'],
      approvals: ['dan'],
    });
    expect(changed.failed).toEqual(['owner-immutable']);
    expect(changed.results.find((r) => r.rule === 'owner-immutable')?.message).toMatch(
      /the owner's GitHub account id changes 11 → 999/,
    );
    const dropped = judge(base(), (s) => delete user(s, 'alice@acme.io').githubId, {
      actors: ['frank'],
      approvals: ['dan'],
    });
    // The owner is then an admin matched by login alone, which no approval makes (R87).
    expect(dropped.failed).toEqual(['admin-change-approval', 'owner-immutable']);
    const none = baseSpec();
    delete user(none, 'alice@acme.io').githubId;
    const declared = judge(none, (s) => (user(s, 'alice@acme.io').githubId = 11), {
      actors: ['frank'],
      approvals: ['dan'],
    });
    expect(declared.failed).toEqual([]);
  });
  it('held: a member’s githubId changing is no admin change', () => {
    const v = judge(base(), (s) => (user(s, 'bob@acme.io').githubId = 13), {
      actors: ['alice'],
    });
    expect(v.failed).not.toContain('admin-change-approval');
  });
});

/** The scenarios' base (admins alice, frank, dan) with alice's account id declared as 11. */
function baseSpecWithIds(): Spec {
  const s = baseSpec();
  user(s, 'alice@acme.io').githubId = 11;
  return s;
}
