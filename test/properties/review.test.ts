/**
 * Review cannot be fooled: for random changes, actors and approvals, a change that alters an
 * actor's own access never passes; a change to an admin's access never passes without another
 * admin's approval; who is admin is always read from base.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffSnapshots } from '../../analysis/diff.ts';
import { review } from '../../review/review.ts';
import { baseSpec, snapshotOf, type Spec } from '../review/scenarios.ts';
import { TODAY } from '../helpers.ts';

const RUNS = Number(process.env.ORGCTL_PROPERTY_RUNS ?? 500);
const LOGINS = ['alice', 'frank', 'dan', 'bob', 'erin', 'gina', 'hal', 'ivy', 'joe', 'mallory'];
const PEOPLE = LOGINS.slice(0, 9);
const NAMESPACES = ['web', 'data'];
const LEVELS = ['r:pods', 'r:full', 'w:configmaps', 'r:secrets'];

type Edit =
  | { kind: 'admin' | 'billing' | 'deactivate'; who: string }
  | { kind: 'grant'; who: string; ns: string; level: string }
  | { kind: 'revoke'; who: string };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('admin', 'billing', 'deactivate'),
    who: fc.constantFrom(...PEOPLE.slice(1)),
  }) as fc.Arbitrary<Edit>,
  fc.record({
    kind: fc.constant('grant'),
    who: fc.constantFrom(...PEOPLE.slice(3)),
    ns: fc.constantFrom(...NAMESPACES),
    level: fc.constantFrom(...LEVELS),
  }) as fc.Arbitrary<Edit>,
  fc.record({ kind: fc.constant('revoke'), who: fc.constantFrom(...PEOPLE.slice(3)) }) as fc.Arbitrary<Edit>,
);

function apply(spec: Spec, e: Edit): void {
  const email = `${e.who}@acme.io`;
  const u = spec.spec.users.find((x: { email: string }) => x.email === email);
  if (e.kind === 'admin') u.admin = !u.admin;
  else if (e.kind === 'billing') u.billing = !u.billing;
  else if (e.kind === 'deactivate') {
    u.status = u.status === 'deactivated' ? 'active' : 'deactivated';
    // tokens outlive their user: a deactivation hands them to another admin in the same change
    for (const t of spec.spec.tokens) if (t.owner === email && u.status === 'deactivated') t.owner = 'frank@acme.io';
  } else if (e.kind === 'grant') spec.spec.grants.push({ user: email, namespace: e.ns, levels: [e.level] });
  else spec.spec.grants = spec.spec.grants.filter((g: { user: string }) => g.user !== email);
}

const base = baseSpec();
const baseSnapshot = snapshotOf(base);

/**
 * snapshotOf, once a head: about one random head in five is one drawn before (an edit undone, the
 * same edits in another order), and a head's synthesis is most of a case's time. A head that does
 * not synthesize is kept as its error, thrown again.
 */
const snapshots = new Map<string, ReturnType<typeof snapshotOf> | { failed: unknown }>();
function snapshotOnce(head: Spec): ReturnType<typeof snapshotOf> {
  const key = JSON.stringify(head);
  let made = snapshots.get(key);
  if (made === undefined) {
    try {
      made = snapshotOf(head);
    } catch (e) {
      made = { failed: e };
    }
    snapshots.set(key, made);
  }
  if ('failed' in made) throw made.failed;
  return made;
}
const baseAdmins = new Set(['alice', 'frank', 'dan']);

describe('review cannot be fooled', () => {
  it(`holds for ${RUNS} random changes, actors and approvals`, () => {
    fc.assert(
      fc.property(
        fc.array(editArb, { minLength: 1, maxLength: 4 }),
        fc.uniqueArray(fc.constantFrom(...LOGINS), { minLength: 1, maxLength: 3 }),
        fc.uniqueArray(fc.constantFrom(...LOGINS), { maxLength: 3 }),
        (edits, actors, approvals) => {
          const head = structuredClone(base);
          for (const e of edits) apply(head, e);
          // the owner stays, or owner-immutable fails for reasons of its own
          const owner = head.spec.users.find((u: { email: string }) => u.email === 'alice@acme.io');
          owner.admin = true;
          owner.status = 'active';
          // Only a head that synthesizes reaches review (the unprivileged check job fails the rest).
          let headSnapshot: ReturnType<typeof snapshotOf>;
          try {
            headSnapshot = snapshotOnce(head);
          } catch {
            fc.pre(false);
            return;
          }
          const diff = diffSnapshots(baseSnapshot, headSnapshot, TODAY);
          const verdict = review({
            base: baseSnapshot,
            head: headSnapshot,
            diff,
            today: TODAY,
            actors,
            approvals,
            changedPaths: ['org/org.ts'],
            overrides: [],
          });
          const changed = new Set(diff.people.map((p) => p.id.split('@')[0]!));
          // A token is an actor's own when the change leaves it theirs (it comes to them, or stays
          // theirs and changes): handing one's token to someone else gives its owner nothing
          // (self-edit's description). Tokens change here only by a deactivation's handover.
          const tokensOf = (login: string) =>
            diff.tokens.some((t) => headSnapshot.tokens.get(t.id)?.owner === `${login}@acme.io`);

          // 1. an actor's own access changes: never passes
          if (actors.some((a) => changed.has(a) || tokensOf(a))) expect(verdict.ok).toBe(false);
          // 2. an admin's access changes (admin in base or made admin): needs an approving base admin
          //    who is neither an actor nor that person
          for (const who of changed) {
            const wasOrIsAdmin = baseAdmins.has(who) || headSnapshot.users.get(`${who}@acme.io`)?.admin;
            if (!wasOrIsAdmin) continue;
            const approvers = approvals.filter((a) => baseAdmins.has(a) && !actors.includes(a) && a !== who);
            if (!approvers.length) expect(verdict.ok).toBe(false);
          }
          // 3. membership comes from base: an actor who is admin only in head is not an admin
          const outsiders = actors.filter((a) => !baseAdmins.has(a));
          if (outsiders.length && !approvals.some((a) => baseAdmins.has(a) && !actors.includes(a)))
            expect(verdict.ok).toBe(false);
        },
      ),
      { numRuns: RUNS, seed: Number(process.env.ORGCTL_PROPERTY_SEED ?? Date.now() % 2 ** 31) },
    );
  });
  it(`a settings change never passes without an approving base admin who is not an actor, nor with one admin alone (${Math.min(RUNS, 100)} runs)`, () => {
    const SETTINGS: ((s: Spec) => void)[] = [
      (s) => (s.spec.identity = { usernamePrefix: 'oidc:' }),
      (s) => (s.spec.sso = { enforced: true }),
      (s) => (s.spec.delivery = { shards: 64 }),
      (s) => (s.spec.review = { massRemovalThreshold: 0.5 }),
      (s) => (s.spec.clusters = ['lga1', 'ord1']),
    ];
    const heads = SETTINGS.map((edit) => {
      const head = structuredClone(base);
      edit(head);
      const snapshot = snapshotOf(head);
      return { snapshot, diff: diffSnapshots(baseSnapshot, snapshot, TODAY) };
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: SETTINGS.length - 1 }),
        fc.uniqueArray(fc.constantFrom(...LOGINS), { minLength: 1, maxLength: 3 }),
        fc.uniqueArray(fc.constantFrom(...LOGINS), { maxLength: 3 }),
        fc.boolean(),
        (which, actors, approvals, override) => {
          const { snapshot, diff } = heads[which]!;
          const verdict = review({
            base: baseSnapshot,
            head: snapshot,
            diff,
            today: TODAY,
            actors,
            approvals,
            changedPaths: ['org/org.ts'],
            overrides: override ? ['settings-change', 'mass-removal'] : [],
          });
          // An approving admin who is not an author, and two admins behind the change in all.
          const twoAdmins = new Set([...actors, ...approvals].filter((l) => baseAdmins.has(l))).size >= 2;
          expect(verdict.results.find((r) => r.rule === 'settings-change')!.ok).toBe(
            approvals.some((a) => baseAdmins.has(a) && !actors.includes(a)) && twoAdmins,
          );
          if (!approvals.some((a) => baseAdmins.has(a) && !actors.includes(a))) expect(verdict.ok).toBe(false);
        },
      ),
      { numRuns: Math.min(RUNS, 100), seed: Number(process.env.ORGCTL_PROPERTY_SEED ?? Date.now() % 2 ** 31) },
    );
  });
});
