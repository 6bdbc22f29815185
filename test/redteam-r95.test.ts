/**
 * Red team R95 (base bd1eed2): the organization's lifecycle, second pass (what R92 left): a user
 * removed rather than deactivated, tokens surviving their user, an admin's departure over two pull
 * requests, an organization renamed, invites with and without SSO. The attacker: a member who opens
 * a pull request, or a person whose access the organization means to remove.
 *
 * R95-1 (medium, R92-2's class): the seed removes a user "completely" (deactivate, then support
 * deletes the account): a removal means the person holds nothing, at least as much as a
 * deactivation does. deactivated-mailbox read only users deactivated, so erin's pull request removing
 * bob and declaring `bob+x@acme.io` (his mailbox: a subaddress) with r:secrets, or inviting it, passed
 * with one admin's approval, the comment reading `bob@acme.io leaves` and a newcomer joining; and
 * bob removed by an earlier merge was read by nobody. Now the rule reads users removed by the change
 * and, over the rolling window, users its older output declares that head does not.
 *
 * R95-2 (low, R92-1 over two pull requests): departing-admin-tokens read the change's own diff, so
 * the first pull request demoting frank and deactivating the tokens he could read (no value kept:
 * no warning), and the second reactivating them unrotated, warned of nothing: the second's review
 * says only that the old value works again if Argo CD has not deleted the ServiceAccount since,
 * naming nobody who holds it, and a quick second merge (or a sync held up between) hands frank back
 * every value he read. Over the rolling window the rule now reads the window's diff too, naming the
 * admins who left since its older output and the tokens head keeps under the same ServiceAccounts.
 *
 * Held (pinned below): bob declared again at his own address reads `bob@acme.io joins` (one admin
 * judges it, as a reactivation); a letter-case change of an address is no removal. Tokens surviving
 * their user: an active token of a removed or deactivated owner is refused (token-owner-inactive); a
 * deactivated token re-pointed to a member or to nobody unrotated fails whatever the approvals; its
 * levels widened while deactivated read `declared levels ..., held once it is reactivated`, and the
 * reactivation is judged on all it then holds (w:full, or a blank token's custom rules that run
 * pods: two admins). A token rotated back to an earlier ServiceAccount name over the window names the
 * admin who left (the name is a value they read). An organization renamed: two admins and the
 * mass-removal override; head writes no name of the old organization (`acme:`, `acme-system`: the
 * prefix is a DNS label, so no `beta:x` equals an `acme:y`), and base's system namespace declared by
 * a later change fails system-namespace-base over the window. Invites: one accepted under another
 * address reads as the invitation withdrawn and a stranger joining; levels widened at acceptance show
 * as gains; made admin while pending needs two admins; an SSO invite turned into one without SSO says
 * `without SSO`, and is refused where SSO is enforced.
 *
 * Left: a deactivated blank token's custom rules changed while deactivated show no line until the
 * reactivation (which shows them in full and is judged at their grade); an invitation widened while
 * pending is told as the whole new invitation, not as what it gains; how an accepted invitee logs in
 * (SSO or not) is recorded nowhere (the model holds no login method per user), so an SSO invite
 * accepted through the console's copied link is not visible; without `--window`, a user removed or an
 * admin who left in an earlier pull request is not read again (base alone cannot name them).
 */
import { describe, expect, it } from 'vitest';
import {
  baseSpec,
  diffOf,
  judge,
  outputOf,
  reviewSnapshots,
  snapshotOf,
  token,
  tokensOf,
  user,
  withoutBob,
  withoutBobUserOnly,
  type Spec,
} from './review/scenarios.ts';

/** baseSpec as the rolling window's older output, `first` merged since (base), and `second` the change (head). */
function twoMerges(first: (s: Spec) => void, second: (s: Spec) => void) {
  const window = baseSpec();
  const base = structuredClone(window);
  first(base);
  const head = structuredClone(base);
  second(head);
  return { window, base, head };
}

/** The change rules' results over twoMerges (authored by alice, approved by frank). */
const resultsOver = ({ window, base, head }: ReturnType<typeof twoMerges>) =>
  reviewSnapshots(snapshotOf(base), snapshotOf(head), snapshotOf(window));

/** `s` with a user at `email` holding r:secrets in data. */
function secretsFor(email: string) {
  return (s: Spec): void => {
    s.spec.users.push({ email });
    s.spec.grants.push({ user: email, namespace: 'data', levels: ['r:secrets'] });
  };
}

/** The failed rules of `edit` of base, made by erin (a member) and approved by alice. */
const failedFor = (edit: (s: Spec) => void, base: Spec = baseSpec()) =>
  judge(base, edit, { actors: ['erin'], approvals: ['alice'] });

describe("R95-1: access given to a removed user's mailbox gives it back to them", () => {
  it('attack: erin removes bob and declares bob+x@acme.io with r:secrets, approved by alice', () => {
    const v = failedFor((s) => {
      withoutBob(s);
      secretsFor('bob+x@acme.io')(s);
    });
    expect(v.failed).toEqual(['deactivated-mailbox']);
    const message = v.results.find((r) => !r.ok)!.message;
    expect(message).toContain('bob+x@acme.io');
    expect(message).toContain('bob@acme.io, removed');
    expect(message).toMatch(/subaddress/);
    expect(message).toMatch(/declare bob@acme\.io again/);
  });

  it('attack: erin removes bob and invites bob+x@acme.io', () => {
    const v = failedFor((s) => {
      withoutBob(s);
      s.spec.invites = [{ email: 'bob+x@acme.io', sso: true, grants: [{ namespace: 'web', levels: ['r:pods'] }] }];
    });
    expect(v.failed).toEqual(['deactivated-mailbox']);
  });

  it('attack: bob removed by an earlier merge (in the rolling window), bob+x given r:secrets now', () => {
    const results = resultsOver(twoMerges(withoutBob, secretsFor('bob+x@acme.io')));
    const failed = results.filter((r) => !r.ok);
    expect(failed.map((r) => r.rule)).toEqual(['deactivated-mailbox']);
    expect(failed[0]!.message).toContain('bob@acme.io, removed since origin/main~1');
  });

  it('held: bob declared again at his own address reads as bob joining (one admin judges it, as a reactivation)', () => {
    const base = baseSpec();
    withoutBob(base);
    const v = failedFor(secretsFor('bob@acme.io'), base);
    expect(v.failed).toEqual([]);
    expect(v.results.map((r) => r.rule)).toContain('deactivated-mailbox');
  });

  it('held: another person, or access taken from an address of his mailbox, when he is removed', () => {
    expect(
      failedFor((s) => {
        withoutBob(s);
        secretsFor('bobby@acme.io')(s);
      }).failed,
    ).toEqual([]);
    const base = baseSpec();
    secretsFor('bob+x@acme.io')(base);
    expect(
      failedFor((s) => {
        withoutBob(s);
        s.spec.grants = s.spec.grants.filter((g: { user: string }) => g.user !== 'bob+x@acme.io');
      }, base).failed,
    ).toEqual([]);
  });
});

describe("R95-2: an admin's departure and the tokens' survival split over two pull requests", () => {
  /** Before: frank an admin; PR1: frank demoted and ci, bots deactivated; PR2: ci, bots reactivated unrotated. */
  function twoPullRequests() {
    const { window, base, head } = twoMerges(
      (s) => {
        user(s, 'frank@acme.io').admin = false;
        token(s, 'ci').status = 'deactivated';
        token(s, 'bots').status = 'deactivated';
      },
      (s) => {
        delete token(s, 'ci').status;
        delete token(s, 'bots').status;
      },
    );
    return { window: snapshotOf(window), base: snapshotOf(base), head: snapshotOf(head) };
  }
  const departing = (results: ReturnType<typeof reviewSnapshots>) =>
    results.filter((r) => (r.rule as string) === 'departing-admin-tokens' && r.warning);

  it('attack: the second pull request reactivates the tokens frank could read: over the window, the review names him', () => {
    const { window, base, head } = twoPullRequests();
    const warned = departing(reviewSnapshots(base, head, window));
    expect(warned).toHaveLength(1);
    expect(warned[0]!.message).toContain('frank@acme.io');
    expect(warned[0]!.message).toMatch(/tokens bots, ci/);
    expect(warned[0]!.message).toContain('since origin/main~1');
  });

  it('held: per change (no window), the second reads no departure; the reactivation line says the old value may work again', () => {
    const { base, head } = twoPullRequests();
    expect(departing(reviewSnapshots(base, head))).toEqual([]);
  });

  it('held: the tokens rotated since frank left, or his departure warned in this change itself, are said once', () => {
    const { window, base } = twoPullRequests();
    const rotated = baseSpec();
    user(rotated, 'frank@acme.io').admin = false;
    token(rotated, 'ci').rotation = 1;
    token(rotated, 'bots').rotation = 1;
    expect(departing(reviewSnapshots(base, snapshotOf(rotated), window))).toEqual([]);
    const demoted = baseSpec();
    user(demoted, 'frank@acme.io').admin = false;
    expect(departing(reviewSnapshots(window, snapshotOf(demoted), window))).toHaveLength(1);
  });
});

/** A person's or token's lines in the diff of `edit` of `base`. */
const linesOf = (base: Spec, edit: (s: Spec) => void, id: string): string[] => {
  const d = diffOf(base, edit);
  return [...d.people, ...d.tokens].filter((p) => p.id === id).flatMap((p) => p.changes.map((c) => c.text));
};

describe('held: tokens surviving their user (bob deactivated, bots deactivated with him)', () => {
  const bobGone = () => {
    const s = baseSpec();
    user(s, 'bob@acme.io').status = 'deactivated';
    token(s, 'bots').status = 'deactivated';
    return s;
  };

  it('an active token of a removed owner is refused: deactivate, remove, or re-own it rotated', () => {
    expect(() => judge(baseSpec(), withoutBobUserOnly, { actors: ['erin'], approvals: ['alice'] })).toThrow(
      /token-owner-inactive/,
    );
  });

  it('re-pointed unrotated (to a member, or to nobody: the organization) fails whatever the approvals', () => {
    for (const owner of ['erin@acme.io', undefined]) {
      const v = judge(
        bobGone(),
        (s) => {
          if (owner) token(s, 'bots').owner = owner;
          else delete token(s, 'bots').owner;
        },
        { actors: ['hal'], approvals: ['alice', 'dan'] },
      );
      expect(v.failed).toEqual(['admin-change-approval']);
    }
  });

  it('widened while deactivated reads as declared levels held once reactivated; the reactivation is judged on all it holds then (two admins for w:full)', () => {
    const widen = (s: Spec) => void (token(s, 'bots').levels = ['w:full']);
    expect(linesOf(bobGone(), widen, 'bots').join('\n')).toMatch(
      /declared levels r:full → w:full, held once it is reactivated/,
    );
    const widened = bobGone();
    widen(widened);
    const reactivate = (s: Spec) => {
      delete token(s, 'bots').status;
      Object.assign(token(s, 'bots'), { owner: 'alice@acme.io', rotation: 1 });
    };
    expect(judge(widened, reactivate, { actors: ['hal'], approvals: ['frank'] }).failed).toContain(
      'admin-change-approval',
    );
  });

  it("a blank token's custom rules changed while deactivated show a line judged at their grade (R109); its reactivation shows them and is judged at their grade", () => {
    const base = bobGone();
    tokensOf(base).push({
      id: 'blank',
      name: 'Blank',
      namespaces: [],
      status: 'deactivated',
      rbac: [{ namespace: 'web', rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] }],
    });
    const podsRule = (s: Spec) =>
      void (token(s, 'blank').rbac = [
        { namespace: 'web', rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }] },
      ]);
    expect(linesOf(base, podsRule, 'blank')).toEqual([
      'custom rules in web changed while deactivated (now can run arbitrary pods in web): they take effect on reactivation',
    ]);
    expect(judge(base, podsRule, { actors: ['erin'], approvals: ['alice'] }).failed).toContain('admin-change-approval');
    podsRule(base);
    const v = judge(base, (s) => void delete token(s, 'blank').status, { actors: ['erin'], approvals: ['alice'] });
    expect(v.failed).toContain('admin-change-approval');
    expect(linesOf(base, (s) => void delete token(s, 'blank').status, 'blank').join('\n')).toMatch(
      /can now run arbitrary pods/,
    );
  });
});

describe('held: rotation back to an earlier ServiceAccount, over the window', () => {
  it('frank demoted with ci and bots rotated, then rotated back: the window names him (the old names are the values he read)', () => {
    const results = resultsOver(
      twoMerges(
        (s) => {
          user(s, 'frank@acme.io').admin = false;
          token(s, 'ci').rotation = 1;
          token(s, 'bots').rotation = 1;
        },
        (s) => {
          token(s, 'ci').rotation = 0;
          token(s, 'bots').rotation = 0;
        },
      ),
    );
    expect(
      results.some(
        (r) => (r.rule as string) === 'departing-admin-tokens' && r.warning && /since origin\/main~1/.test(r.message),
      ),
    ).toBe(true);
  });
});

describe('held: an organization renamed (acme → beta)', () => {
  const rename = (s: Spec) => void (s.metadata.name = 'beta');

  it('needs two admins and the mass-removal override (every admin loses w:full in the old system namespace)', () => {
    const v = judge(baseSpec(), rename, { actors: ['alice'], approvals: ['frank'] });
    expect(v.failed).toEqual(expect.arrayContaining(['admin-change-approval', 'mass-removal']));
  });

  it('writes no name of the old organization: no old binding, role or ServiceAccount name is reused for a new subject', () => {
    const head = baseSpec();
    rename(head);
    const text = outputOf(head)
      .filter((f) => f.path.endsWith('.yaml'))
      .map((f) => f.content)
      .join('\n');
    expect(text).not.toMatch(/acme:|acme-system/);
    expect(text).toMatch(/beta:token:ci|beta:r:pods/);
  });

  it("base's system namespace declared as an ordinary one by a later change fails system-namespace-base over the window", () => {
    const merges = twoMerges(rename, (s) => {
      s.spec.namespaces.push({ name: 'acme-system' });
      s.spec.grants.push({ user: 'erin@acme.io', namespace: 'acme-system', levels: ['r:secrets'] });
    });
    expect(
      resultsOver(merges)
        .filter((r) => !r.ok)
        .map((r) => r.rule),
    ).toContain('system-namespace-base');
  });
});

describe('held: invites with and without SSO', () => {
  const invited = () => {
    const s = baseSpec();
    s.spec.invites = [{ email: 'carol@acme.io', sso: true, grants: [{ namespace: 'web', levels: ['r:pods'] }] }];
    return s;
  };
  const acceptAs = (email: string, levels: string[]) => (s: Spec) => {
    s.spec.invites = [];
    s.spec.users.push({ email });
    s.spec.grants.push({ user: email, namespace: 'web', levels });
  };

  it('accepted under another address reads as the invitation withdrawn and a stranger joining, never an acceptance', () => {
    expect(linesOf(invited(), acceptAs('carol@evil.io', ['r:pods']), 'carol@acme.io')).toEqual([
      'invitation withdrawn',
    ]);
    expect(linesOf(invited(), acceptAs('carol@evil.io', ['r:pods']), 'carol@evil.io')).toEqual([
      'joins the organization',
      'gains r:pods in web',
    ]);
  });

  it('widened at acceptance shows the gain; widened while pending shows the whole invitation; made admin needs two admins', () => {
    expect(linesOf(invited(), acceptAs('carol@acme.io', ['r:full']), 'carol@acme.io')).toEqual([
      'accepts the invitation and joins',
      'gains r:full in web',
    ]);
    const widen = (s: Spec) =>
      void (s.spec.invites[0].grants = [
        { namespace: 'web', levels: ['r:pods'] },
        { namespace: 'data', levels: ['r:secrets'] },
      ]);
    expect(linesOf(invited(), widen, 'carol@acme.io')).toEqual([
      'invitation changed (r:pods in web; r:secrets in data)',
    ]);
    const admin = (s: Spec) => void (s.spec.invites[0].admin = true);
    expect(judge(invited(), admin, { actors: ['erin'], approvals: ['alice'] }).failed).toEqual([
      'admin-change-approval',
    ]);
  });

  it('an SSO invite turned into one without SSO says so, and is refused where the organization enforces SSO', () => {
    const noSso = (s: Spec) => void (s.spec.invites[0].sso = false);
    expect(linesOf(invited(), noSso, 'carol@acme.io')).toEqual(['invitation changed (r:pods in web; without SSO)']);
    const enforced = invited();
    enforced.spec.sso = { enforced: true };
    expect(() => judge(enforced, noSso, { actors: ['erin'], approvals: ['alice'] })).toThrow(/invite-without-sso/);
  });
});
