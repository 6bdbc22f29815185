/**
 * Red team R32b (base b2c6a23): identities and names, from the declaration to the RBAC subjects and
 * the review. Each test asserts the safe behaviour and fails on the code it was written against.
 *
 * R32b-1 (medium; system-namespace-base's mirror): an organization renamed so that its new system
 *     namespace (`<new name>-system`) is one of base's ordinary namespaces. Base's objects there stay
 *     (Prune=false keeps the Namespace; a renamed organization's old Applications prune nothing, so
 *     base's RoleBindings there hold until an admin deletes them, after head's Applications synced:
 *     analysis/hand-applied.ts renamedOrganization), and head's Applications then write every token's
 *     ServiceAccount and token Secret into that namespace. Whoever base granted `r:secrets` there (a
 *     grantable level) reads every token of the organization, `w:full` ones included. The review
 *     shows that person *losing* `r:secrets` there, and every rule passes with the approvals a rename
 *     needs: system-namespace-base (policies/change/system-namespace-base.ts:18) only asks whether
 *     head declares base's system namespace, never whether head's system namespace was base's.
 *
 * R32b-2 (low-medium; a name Kubernetes-side policy treats otherwise than orgctl): a Kubernetes
 *     username starting `system:` (a person's email `system:bob@acme.io`, which EMAIL_PATTERN and
 *     invalid-text accept, or a `usernamePrefix` such as `system:oidc:`) is synthesized into the
 *     RoleBindings, while the boundary orgctl writes beside them (synth/boundary.ts:234,
 *     `!s.name.startsWith('system:')`) refuses every RoleBinding naming one. A refused object stops
 *     its whole Argo CD Application, revocations of everyone else in that shard included, until the
 *     name is taken out again; the review shows only "gains r:pods".
 *
 * R32b-3 (low; lookalike-identity's class): a local part's dots and quotes read past as the domain's
 *     do. invalid-text refuses `bob@acme.io.` ("an empty label in its domain ... reads as bob@acme.io",
 *     policies/org/invalid-text.ts:222), but takes `bob.@acme.io`, `.bob@acme.io` (RFC 5321's
 *     dot-string allows neither) and `"bob"@acme.io` (RFC 5321 4.1.2: the same mailbox as
 *     `bob@acme.io`, another Kubernetes username); skeletonOf (policies/org/lookalikes.ts:168) keeps
 *     them apart from `bob@acme.io`, so an admin alone adds one beside bob with no rule failing, and
 *     the comment reads as bob gaining r:secrets while Kubernetes binds another name.
 */
import { describe, expect, it } from 'vitest';
import type { App } from 'cdk8s';
import { admission, ARGO, boundaryOf, organization, tracked, writtenObjects } from './boundary-admission.ts';
import { files, synth } from './helpers.ts';
import { baseSpec, diffOf, judge, type Grant, type Spec } from './review/scenarios.ts';

describe('R32b-1: a rename whose new system namespace was an ordinary namespace of base', () => {
  /** Base delivered by Argo CD, with namespace beta-system where bob, a member, reads Secrets. */
  const base = (): Spec => {
    const s = baseSpec();
    s.spec.delivery = { argocd: { repoURL: 'https://github.com/acme/org.git', revision: 'refs/heads/main' } };
    s.spec.namespaces.push({ name: 'beta-system' });
    s.spec.grants.push({ user: 'bob@acme.io', namespace: 'beta-system', levels: ['r:secrets'] });
    return s;
  };
  /** The organization renamed beta: beta-system is its system namespace now, so it is no longer declared. */
  const renamedToBeta = (s: Spec) => {
    s.metadata.name = 'beta';
    s.spec.namespaces = s.spec.namespaces.filter((n: { name: string }) => n.name !== 'beta-system');
    s.spec.grants = (s.spec.grants as Grant[]).filter((g) => g.namespace !== 'beta-system');
  };

  it('the diff reads as bob losing r:secrets there (what the approving admins are shown)', () => {
    const bob = diffOf(base(), renamedToBeta).people.find((p) => p.id === 'bob@acme.io');
    expect(bob?.changes.map((c) => c.text)).toContainEqual(expect.stringMatching(/^loses r:secrets in beta-system/));
  });

  it('fails, naming beta-system, however many admins approve: base’s bindings there reach head’s token Secrets', () => {
    // A member proposes it; every other admin approves, and the mass removal a rename is gets its override.
    const v = judge(base(), renamedToBeta, {
      actors: ['erin'],
      approvals: ['alice', 'frank', 'dan'],
      overrides: ['mass-removal'],
    });
    expect(v.results.filter((r) => !r.ok && r.message.includes('beta-system'))).not.toEqual([]);
  });
});

describe('R32b-2: a username starting system:, which the boundary refuses in every RoleBinding', () => {
  /** Why the boundary denies each object orgctl writes for the organization (as Argo CD applies it). */
  const deniedByBoundary = (app: App): string[] => {
    const out = files(app);
    const { policy } = boundaryOf(out);
    return writtenObjects(out).flatMap((w) => {
      const { denied } = admission(policy, {
        operation: 'CREATE',
        username: ARGO,
        object: tracked(w.object, w.app, 'label'),
      });
      return denied.length ? [`${w.object.kind} ${w.object.metadata.namespace ?? ''}/${w.object.metadata.name}`] : [];
    });
  };

  it.each([
    ['a person’s email', 'system:bob@acme.io', {}],
    ['the username prefix', 'carl@acme.io', { usernamePrefix: 'system:oidc:' }],
  ])('%s: synthesis refuses it, or the boundary admits every RoleBinding', (_what, email, props) => {
    const { app, org } = organization(props as never);
    // dave shares the binding: whatever changes for him in it (a revocation) is refused with it.
    const shop = org.namespace('shop');
    shop.grant(org.user(email), 'r:pods');
    shop.grant(org.user('dave@acme.io'), 'r:pods');
    const r = synth(app);
    const refusedForIt = !r.ok && r.findings.some((f) => f.message.includes('system:'));
    // Refused at the declaration, with a finding saying why, is safe; else nothing may be denied.
    expect(r.ok ? deniedByBoundary(app) : refusedForIt ? [] : ['refused, but for another reason']).toEqual([]);
  });
});

describe('R32b-3: an address whose local part reads as bob@acme.io', () => {
  it.each([
    'bob.@acme.io',
    '.bob@acme.io',
    '"bob"@acme.io',
  ])('%s beside bob@acme.io: refused, or the review needs another admin', (email) => {
    let failed: readonly string[];
    try {
      failed = judge(
        baseSpec(),
        (s) => {
          s.spec.users.push({ email });
          s.spec.grants.push({ user: email, namespace: 'web', levels: ['r:secrets'] });
        },
        { actors: ['alice'] },
      ).failed;
    } catch (e) {
      failed = String(e).includes('invalid-text') ? ['invalid-text'] : [String(e)];
    }
    expect(failed.filter((r) => r === 'invalid-text' || r === 'lookalike-identity')).not.toEqual([]);
  });
});
