/**
 * argocd-identity judges head's organization alone; `appliedBy` (namespace protection, the boundary)
 * naming an identity base gives access to, which the change renames or removes while the cluster
 * keeps it, is argocd-identity-base's: the old system namespace's token accounts (an organization
 * renamed), a removed namespace's accounts (Prune=false keeps it), a removed person or invitee (they
 * still log in as it).
 */
import { describe, expect, it } from 'vitest';
import { baseSpec, distOf, judge, reviewPair, reviewSnapshots, snapshotOf, type Spec } from './scenarios.ts';

const ARGO = 'system:serviceaccount:argocd:argocd-application-controller';
const RULE = 'argocd-identity-base';

/** baseSpec with namespace protection exempting Argo CD, and an invite of kim. */
function protectedOrg(): Spec {
  const s = baseSpec();
  s.spec.namespaceProtection = { appliedBy: ARGO };
  s.spec.invites = [{ email: 'kim@acme.io', sso: true, grants: [{ namespace: 'web', levels: ['r:pods'] }] }];
  return s;
}

const exempting = (s: Spec, ...also: string[]) => (s.spec.namespaceProtection = { appliedBy: [ARGO, ...also] });
const renamed = (s: Spec) => (s.metadata.name = 'acme2');
const withoutData = (s: Spec) => {
  s.spec.namespaces = s.spec.namespaces.filter((n: { name: string }) => n.name !== 'data');
  s.spec.tokens = s.spec.tokens.filter((t: { id: string }) => t.id !== 'bots');
};
const withoutErin = (s: Spec) => {
  s.spec.users = s.spec.users.filter((u: { email: string }) => u.email !== 'erin@acme.io');
  s.spec.grants = s.spec.grants.filter((g: { user: string }) => g.user !== 'erin@acme.io');
};

/** The change rules' verdict on an edit of protectedOrg, by admins alice (author) and frank (approver). */
const judged = (edit: (s: Spec) => void, base = protectedOrg()) =>
  judge(base, edit, { actors: ['alice'], approvals: ['frank'] });
/** judged: `change`, and namespace protection exempting `username`. */
const judgedNaming = (change: (s: Spec) => void, username: string) =>
  judged((s) => {
    change(s);
    exempting(s, username);
  });
const failures = (v: ReturnType<typeof judged>) =>
  v.results.filter((r) => r.rule === RULE && !r.ok).map((r) => r.message);

describe('argocd-identity-base: appliedBy naming an identity of base the change renames or removes', () => {
  it("an organization renamed: base's system namespace's token accounts (their Secrets live until pruned)", () => {
    const v = judgedNaming(renamed, 'system:serviceaccount:acme-system:token-ci');
    expect(failures(v)).toEqual([
      expect.stringMatching(
        /^namespaceProtection.appliedBy names system:serviceaccount:acme-system:token-ci, in base a ServiceAccount of the organization's system namespace acme-system \(its tokens'\): whoever holds its token acts as it; head no longer declares it, yet the cluster keeps it: /,
      ),
    ]);
    expect(failures(judged(renamed))).toEqual([]);
  });

  it('a namespace removed: its ServiceAccounts stay with the Namespace (Prune=false)', () => {
    expect(failures(judgedNaming(withoutData, 'system:serviceaccount:data:default'))).toEqual([
      expect.stringContaining('in base a ServiceAccount of data, a namespace of the organization'),
    ]);
    expect(failures(judgedNaming(withoutData, 'system:serviceaccount:argocd:argocd-server'))).toEqual([]);
  });

  it('a user removed in the same change, named in any letter case: they still log in as it', () => {
    const v = judgedNaming(withoutErin, 'Erin@acme.io');
    expect(failures(v)).toEqual([
      expect.stringContaining(
        'names Erin@acme.io, in base a user of the organization (erin@acme.io, in another letter case)',
      ),
    ]);
  });

  it('an invite removed, its invitee then named', () => {
    const v = judged((s) => {
      s.spec.invites = [];
      exempting(s, 'kim@acme.io');
    });
    expect(failures(v)).toEqual([expect.stringContaining('names kim@acme.io, in base an invitee of the organization')]);
  });

  it("a username prefix changed: a person's identity under base's prefix", () => {
    const base = protectedOrg();
    base.spec.identity = { usernamePrefix: 'oidc:' };
    const v = judged((s) => {
      s.spec.identity = { usernamePrefix: '' };
      exempting(s, 'oidc:erin@acme.io');
    }, base);
    expect(failures(v)).toEqual([
      expect.stringContaining('names oidc:erin@acme.io, in base a user of the organization'),
    ]);
  });

  it("the boundary's appliedBy, when there is no namespace protection", () => {
    const base = baseSpec();
    base.spec.delivery = {
      argocd: {
        repoURL: 'https://github.com/acme/org.git',
        namedClusterResources: true,
        boundary: { appliedBy: ARGO },
      },
    };
    const v = judged((s) => {
      renamed(s);
      s.spec.delivery.argocd.boundary = { appliedBy: [ARGO, 'system:serviceaccount:acme-system:token-bots'] };
    }, base);
    expect(failures(v)).toEqual([
      expect.stringMatching(
        /^delivery.argocd.boundary.appliedBy names system:serviceaccount:acme-system:token-bots, in base /,
      ),
    ]);
  });

  it('an identity head still gives access to is left to argocd-identity (said once, by head-policies)', () => {
    // Synthesis refuses such a head: a head dist/ edited by hand says it, which head-policies judges.
    const base = snapshotOf(protectedOrg());
    const forged = (appliedBy: string) => ({ ...base, org: { ...base.org, namespaceProtection: { appliedBy } } });
    const judgedHead = (appliedBy: string) => reviewSnapshots(base, forged(appliedBy)).filter((r) => r.rule === RULE);
    expect(judgedHead('erin@acme.io')).toEqual([expect.objectContaining({ ok: true })]);
    expect(judgedHead('system:serviceaccount:acme-system:token-ci')).toEqual([expect.objectContaining({ ok: true })]);
  });

  it('over the rolling window: an organization renamed in an earlier pull request', () => {
    const old = protectedOrg();
    const base = structuredClone(old);
    renamed(base);
    const head = structuredClone(base);
    exempting(head, 'system:serviceaccount:acme-system:token-ci');
    const [o, b, h] = [snapshotOf(old), snapshotOf(base), snapshotOf(head)];
    const judgedWith = (window: boolean) =>
      reviewSnapshots(b, h, window ? o : undefined).filter((r) => r.rule === RULE && !r.ok);
    expect(judgedWith(false)).toEqual([]);
    expect(judgedWith(true)).toEqual([
      expect.objectContaining({
        message: expect.stringContaining(
          'names system:serviceaccount:acme-system:token-ci, in origin/main~1 a ServiceAccount of the organization',
        ),
      }),
    ]);
  });

  it('through orgctl review: head passes every policy, and the review fails; over --window too', async () => {
    const naming = (s: Spec) => exempting(s, 'system:serviceaccount:acme-system:token-ci');
    const renamedOrg = protectedOrg();
    renamed(renamedOrg);
    const [old, base] = [await distOf(protectedOrg()), await distOf(renamedOrg)];
    const ruleResults = async (pair: { base: string; head: string }, ...more: string[]) => {
      const r = await reviewPair(pair, '--actor', 'alice', '--approved-by', 'frank', '--format', 'json', ...more);
      expect(r.stderr).toBe('');
      const results = JSON.parse(r.stdout).results as { rule: string; ok: boolean }[];
      expect(results.find((x) => x.rule === 'head-policies')?.ok).toBe(true);
      return { code: r.code, ok: results.filter((x) => x.rule === RULE).map((x) => x.ok) };
    };
    // Renamed and named in one pull request.
    const head = await distOf(
      (() => {
        const s = protectedOrg();
        renamed(s);
        naming(s);
        return s;
      })(),
    );
    expect(await ruleResults({ base: old, head })).toEqual({ code: 1, ok: [false] });
    // The rename merged first: base knows acme2-system alone, the window's older output acme-system.
    expect(await ruleResults({ base, head })).toEqual({ code: 0, ok: [true] });
    expect(await ruleResults({ base, head }, '--window', old)).toEqual({ code: 1, ok: [false] });
  }, 120_000);
});
