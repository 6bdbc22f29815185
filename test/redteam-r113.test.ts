/**
 * Red team R113 (base 6481cf4): the dormant records (1a96971: a deactivated user's grants and a
 * deactivated token's custom rules in the membership data, `recordsDormant`). The attacker: a member
 * or admin who opens pull requests, staging access in a state the review reads as holding nothing,
 * to be switched on later by a change that reads as routine.
 *
 * R113-1 (medium, a change of dist/ that reads no line): a staged grant's end. A deactivated
 * user's record says until when the staging holds (`until`): staged r:secrets until tomorrow reads
 * `is granted r:secrets in data until 2026-11-27 while deactivated`, an approver passing it as ending
 * before any reactivation. The next pull request dropping that end (or moving it a year on) changed
 * the record, and dist/, yet read no line at all ("No change in access"), where a live grant's end
 * lengthened reads `holds for good, not until ...` (grant-expiry). Now dormantChanges compares the
 * ends of what is staged on both sides: `staged r:secrets in data holds for good, not until
 * 2026-11-27, while deactivated`, a gains-dormant judged as the staging (self-edit); brought nearer,
 * a withdrawal.
 *
 * R113-2 (medium, R108-1's class by another door): Remove All. A person with `access: none` is active,
 * yet their grants are bound to nothing, as a deactivated person's are, and only a deactivated
 * person's were recorded: a pull request staging r:secrets on bob (Remove All) changed no byte of
 * dist/, read no line and passed; so did frank staging it on his own address frank+ops@acme.io
 * (Remove All), alice approving an empty diff. The change lifting Remove All lists every gain then,
 * as a restoration. The class: whatever the output binds nothing for must still be recorded, or
 * the review of its staging reads nothing. Now synthesis records the grants of every person it
 * binds none for (not grantsBound: deactivated or Remove All) as `dormant`, and the diff reads them
 * with the words of the state (`while Remove All holds: it takes effect once Remove All is lifted`);
 * import and the proofs declare them again. Left: lifting Remove All lists every gain, without
 * saying they were recorded (a base written before this recorded none).
 *
 * R113-3 (medium, the same class for tokens): an expired token. Its ServiceAccount and Roles are
 * left out, and its custom rules were recorded only while deactivated (`dormantRbac`): frank adding
 * rules that read Secrets to his own expired token changed no byte of dist/, read no line and passed
 * with alice's approval (R102-2 made its declared levels a line: they are in its record). The
 * renewal lists every gain, as a restoration. Now synthesis records the custom rules of every token
 * that is not live (deactivated or expired) as `dormantRbac`, and the diff reads them (`while
 * expired: they take effect once its expiry is extended`); a base written while the token was live
 * (its `customRbac`, its Roles) is compared as bound, so a token expiring stages nothing.
 *
 * R113-4 (low, disclosure): a standing lost with the deactivation. An admin deactivated and made a
 * member in one change, r:secrets staged on them: the staging was compared with what base bound
 * them (w:full everywhere, by being an admin), which covers it, so it read no line; the later
 * reactivation (as a member) said each staging had read a line of its own, and listed r:secrets
 * as a gain (judged then). Add All lost with the deactivation is the same. Now a standing base
 * bound them by that head would not give them once active leaves nothing to compare with: the
 * staging reads as new (analysis/diff.ts standingKept).
 *
 * R113-5 (low, availability of a revocation, and an error no one can act on): sizes. A record is a
 * line, and a line is never split: a person's dormant record holds every rule of every grant of
 * theirs, where live each namespace's rules are a Role of their own. bob with 256 inline rules in
 * each of 40 namespaces synthesizes; deactivating him made synthesis refuse the whole output
 * (`object-size: holds 1180583 bytes of data, over the 1048576 bytes (1 MiB) a ConfigMap may
 * hold`, of ConfigMap acme-system/orgctl-users), naming neither bob nor why his deactivation grew
 * it. Nothing over the limit reaches Argo CD (object-size refuses it; Argo CD applies server-side,
 * so the 256 KiB of a client-side apply's annotation does not bind). Now object-size names the
 * record that fills a membership ConfigMap alone, why it is that large, and what to do. Left: the
 * record is not split, so such a person is deactivated only with fewer rules (or removed).
 */
import { describe, expect, it } from 'vitest';
import { DocumentCache, parseOutput } from '../cli/output-read.ts';
import { importRbac } from '../review/import.ts';
import { baseSpec, diffOf, judge, outputOf, proofsOf, token, user, type Spec } from './review/scenarios.ts';
// The deactivated scenarios dormant-grants.test.ts stages on.
import { bobAway, bobAwayWithRules, configMapsGet, dormantBlank } from './review/scenarios.ts';

const bob = 'bob@acme.io';

/** baseSpec with bob deactivated, his token bots with him, staged r:secrets in data until 2026-11-27. */
function bobStagedUntilTomorrow(): Spec {
  const s = bobAway();
  s.spec.grants.push({ user: bob, namespace: 'data', levels: ['r:secrets'], expires: '2026-11-27' });
  return s;
}

/** The last grant (the staged one) ending on `expires`, or never. */
const endingOn = (expires?: string) => (s: Spec) => {
  const g = s.spec.grants.at(-1);
  if (expires) g.expires = expires;
  else delete g.expires;
};

const linesIn = (d: ReturnType<typeof diffOf>, id: string): string[] =>
  d.people.filter((p) => p.id === id).flatMap((p) => p.changes.map((c) => c.text));

describe("R113-1: a staged grant's end lengthened reads a line, judged as the staging", () => {
  it('its end dropped reads that it holds for good, taking effect on reactivation', () => {
    expect(linesIn(diffOf(bobStagedUntilTomorrow(), endingOn()), bob)).toEqual([
      'staged r:secrets in data holds for good, not until 2026-11-27, while deactivated: it takes effect on reactivation',
    ]);
  });

  it('its end moved a year on reads the new end', () => {
    expect(linesIn(diffOf(bobStagedUntilTomorrow(), endingOn('2027-11-27')), bob)).toEqual([
      'staged r:secrets in data holds until 2027-11-27, not until 2026-11-27, while deactivated: it takes effect on reactivation',
    ]);
  });

  it('its end brought nearer is a withdrawal, giving nothing', () => {
    const base = bobStagedUntilTomorrow();
    endingOn('2027-11-27')(base);
    const d = diffOf(base, endingOn('2026-11-27'));
    expect(linesIn(d, bob)).toEqual([
      'staged r:secrets in data holds until 2026-11-27, not until 2027-11-27, while deactivated (it held nothing)',
    ]);
    expect(d.people.find((p) => p.id === bob)?.changes.every((c) => c.removes)).toBe(true);
  });

  it('frank lengthening the staging on his own deactivated address fails self-edit, as the staging did', () => {
    const base = baseSpec();
    base.spec.users.push({ email: 'frank+ops@acme.io', github: 'frankops', status: 'deactivated' });
    base.spec.grants.push({
      user: 'frank+ops@acme.io',
      namespace: 'data',
      levels: ['r:secrets'],
      expires: '2026-11-27',
    });
    expect(judge(base, endingOn(), { actors: ['frank'], approvals: ['alice'] }).failed).toEqual(['self-edit']);
  });
});

describe('R113-2: grants staged on a person with Remove All read a line and are judged as live ones', () => {
  const removeAll = (email: string) => (s: Spec) => void (user(s, email).access = 'none');
  const stage = (email: string) => (s: Spec) =>
    void s.spec.grants.push({ user: email, namespace: 'data', levels: ['r:secrets'] });

  it('the staging reads a line naming what it gives and when it takes effect', () => {
    const base = baseSpec();
    removeAll(bob)(base);
    expect(linesIn(diffOf(base, stage(bob)), bob)).toEqual([
      'is granted r:secrets in data while Remove All holds: it takes effect once Remove All is lifted',
    ]);
  });

  it('frank staging r:secrets on his own address with Remove All fails self-edit', () => {
    const base = baseSpec();
    base.spec.users.push({ email: 'frank+ops@acme.io', github: 'frankops', access: 'none' });
    expect(judge(base, stage('frank+ops@acme.io'), { actors: ['frank'], approvals: ['alice'] }).failed).toEqual([
      'self-edit',
    ]);
  });

  it('import and the full proof recover the staged grants', () => {
    const s = baseSpec();
    removeAll(bob)(s);
    stage(bob)(s);
    const files = outputOf(s);
    const { spec } = importRbac(parseOutput(files, new DocumentCache()));
    expect(spec.spec.grants?.filter((g) => g.user === bob)).toEqual([
      { user: bob, namespace: 'data', levels: ['r:secrets'] },
      { user: bob, namespace: 'web', levels: ['r:pods', 'w:services'] },
    ]);
    expect(proofsOf(files, files)).toMatchObject({ full: true });
  });
});

describe('R113-3: custom rules staged on an expired token read a line and are judged as live ones', () => {
  const secretsGet = { apiGroups: [''], resources: ['secrets'], verbs: ['get'] };
  /** dormantBlank's token of frank's, `ft` here, expired on 2020-01-01 rather than deactivated. */
  function franksExpiredBlank(): Spec {
    const s = dormantBlank('frank@acme.io');
    const t = token(s, 'blank');
    delete t.status;
    Object.assign(t, { id: 'ft', expires: '2020-01-01' });
    return s;
  }
  const widen = (s: Spec) => void token(s, 'ft').rbac[0].rules.push(secretsGet);
  const tokenLines = (d: ReturnType<typeof diffOf>) =>
    d.tokens.filter((t) => t.id === 'ft').flatMap((t) => t.changes.map((c) => c.text));

  it('the staging reads a line saying what the rules allow, taking effect once renewed', () => {
    expect(tokenLines(diffOf(franksExpiredBlank(), widen))).toEqual([
      'custom rules in web changed while expired (now can read Secrets in web): they take effect once its expiry is extended',
    ]);
  });

  it('frank widening his own expired token fails self-edit', () => {
    expect(judge(franksExpiredBlank(), widen, { actors: ['frank'], approvals: ['alice'] }).failed).toEqual([
      'self-edit',
    ]);
  });

  it('the day it expires is no staging: its rules held live in base read no gain', () => {
    const s = franksExpiredBlank();
    token(s, 'ft').expires = '2026-11-26';
    const d = diffOf(s, (h) => void (token(h, 'ft').expires = '2026-11-25'));
    expect(d.tokens.flatMap((t) => t.changes).filter((c) => c.kind === 'gains-dormant')).toEqual([]);
  });

  it('import and the full proof recover its rules', () => {
    const files = outputOf(franksExpiredBlank());
    const { spec } = importRbac(parseOutput(files, new DocumentCache()));
    expect(spec.spec.tokens?.find((t) => t.id === 'ft')?.rbac).toEqual([{ namespace: 'web', rules: configMapsGet }]);
    expect(proofsOf(files, files)).toMatchObject({ full: true });
  });
});

describe('R113-4: a staging made as an admin or Add All member is deactivated and loses that standing reads a line', () => {
  const stage = (email: string) => (s: Spec) =>
    void s.spec.grants.push({ user: email, namespace: 'data', levels: ['r:secrets'] });
  const STAGED = 'is granted r:secrets in data while deactivated: it takes effect on reactivation';

  it('frank, an admin, deactivated and made a member with r:secrets staged: the staging reads its line', () => {
    const d = diffOf(baseSpec(), (s) => {
      Object.assign(user(s, 'frank@acme.io'), { status: 'deactivated', admin: false });
      stage('frank@acme.io')(s);
    });
    expect(linesIn(d, 'frank@acme.io')).toContain(STAGED);
  });

  it('gina, with Add All, deactivated and Add All dropped with r:secrets staged: the staging reads its line', () => {
    const base = baseSpec();
    user(base, 'gina@acme.io').access = 'all';
    const d = diffOf(base, (s) => {
      const gina = user(s, 'gina@acme.io');
      gina.status = 'deactivated';
      delete gina.access;
      stage('gina@acme.io')(s);
    });
    expect(linesIn(d, 'gina@acme.io')).toContain(STAGED);
  });

  it('held: an admin deactivated as an admin stages nothing new (w:full holds again on reactivation)', () => {
    const d = diffOf(baseSpec(), (s) => {
      user(s, 'frank@acme.io').status = 'deactivated';
      stage('frank@acme.io')(s);
    });
    expect(linesIn(d, 'frank@acme.io')).not.toContain(STAGED);
  });
});

describe('R113-5: a membership ConfigMap over the limit names the record that fills it, and what to do', () => {
  it("bob deactivated with 256 inline rules in each of 40 namespaces: object-size names bob's record and his dormant grants", () => {
    const s = bobAwayWithRules(40);
    expect(() => outputOf(s)).toThrow(
      /object-size: .*the record of bob@acme\.io alone holds \d+ bytes.*grants recorded while bound to nothing \(dormant: deactivated or Remove All\)/,
    );
  });
});
