/**
 * Issue 12, section 5 (settings and review rules): a pull request changing identity.usernamePrefix,
 * delivery.shards or the Argo CD source passed with one admin and "No change in access".
 */
import { describe, expect, it } from 'vitest';
import { diffSnapshots, isEmptyDiff } from '../../analysis/diff.ts';
import { renderMarkdown } from '../../report/markdown.ts';
import { review as reviewInput } from '../../review/review.ts';
import { run } from '../helpers.ts';
import { baseSpec, distPair, judge, snapshotOf, type Spec } from './scenarios.ts';
import { TODAY } from '../helpers.ts';

const withArgo = () => {
  const s = baseSpec();
  s.spec.delivery = { shards: 32, argocd: { repoURL: 'https://github.com/acme/org.git', revision: 'refs/heads/main' } };
  return s;
};
const review = (sides: { base: string; head: string }, ...args: string[]) =>
  run([
    'review',
    '--base',
    sides.base,
    '--head',
    sides.head,
    '--changed-path',
    'org/org.ts',
    '--changed-path',
    'dist/x.yaml',
    ...args,
  ]);

describe('settings-change through the CLI', () => {
  it("the Argo CD repoURL and revision: fails with one admin, the comment says what it does; passes with another admin's approval", async () => {
    const sides = await distPair(
      withArgo(),
      (s) => (s.spec.delivery.argocd = { repoURL: 'https://github.com/mallory/org.git', revision: 'refs/heads/evil' }),
    );
    const r = await review(sides, '--actor', 'alice');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "| `settings-change` | ❌ | settings change (repoURL '`https://github.com/acme/org.git`' → '`https://github.com/mallory/org.git`'; revision 'refs/heads/main' → 'refs/heads/evil'): an admin who is not an author must approve the head commit |",
    );
    expect(r.stdout).toContain(
      "- setting repoURL '`https://github.com/acme/org.git`' → '`https://github.com/mallory/org.git`': Argo CD will apply manifests from another repository",
    );
    expect(r.stdout).toContain(
      "- setting revision 'refs/heads/main' → 'refs/heads/evil': Argo CD will apply manifests from another branch, tag or commit",
    );
    expect(r.stdout).not.toContain('No change in access');
    const ok = await review(sides, '--actor', 'alice', '--approved-by', 'frank');
    expect(ok.code).toBe(0);
  });

  it('namedClusterResources turned off: the AppProject allows any Namespace and ClusterRole again, which one admin alone may not do', async () => {
    const named = () => {
      const s = withArgo();
      s.spec.delivery.argocd.namedClusterResources = true;
      return s;
    };
    const sides = await distPair(named(), (s) => delete s.spec.delivery.argocd.namedClusterResources);
    const r = await review(sides, '--actor', 'alice');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '- setting namedClusterResources true → false: the AppProject allows every Namespace and ClusterRole again, whatever its name (a forged dist/ could rewrite any)',
    );
    expect((await review(sides, '--actor', 'alice', '--approved-by', 'dan')).code).toBe(0);
    // turned on, the comment says what it bounds
    const d = diffSnapshots(snapshotOf(withArgo()), snapshotOf(named()), TODAY);
    expect(renderMarkdown(d)).toContain(
      '- setting namedClusterResources false → true: the AppProject allows only the Namespaces, ClusterRoles and namespace protection orgctl writes, by name',
    );
  });

  it('the boundary turned off, or bound to another identity, is a settings-change one admin alone may not make', async () => {
    const ARGO = 'system:serviceaccount:argocd:argocd-application-controller';
    const bounded = () => {
      const s = withArgo();
      s.spec.delivery.argocd.namedClusterResources = true;
      s.spec.delivery.argocd.boundary = { appliedBy: ARGO };
      return s;
    };
    const off = await distPair(bounded(), (s) => delete s.spec.delivery.argocd.boundary);
    const r = await review(off, '--actor', 'alice');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `- setting boundary '${ARGO}' → false: dist/argocd/boundary.yaml is no longer written: a forged dist/ is bounded again by the AppProject alone, once an admin deletes the policy from each cluster`,
    );
    expect((await review(off, '--actor', 'alice', '--approved-by', 'dan')).code).toBe(0);
    const moved = await distPair(
      bounded(),
      (s) => (s.spec.delivery.argocd.boundary = { appliedBy: 'system:serviceaccount:gitops:applier' }),
    );
    expect((await review(moved, '--actor', 'alice')).stdout).toContain(
      `- setting boundary '${ARGO}' → 'system:serviceaccount:gitops:applier': the boundary judges the writes of system:serviceaccount:gitops:applier instead`,
    );
    const d = diffSnapshots(snapshotOf(withArgo()), snapshotOf(bounded()), TODAY);
    expect(renderMarkdown(d)).toContain(`- setting boundary false → '${ARGO}': dist/argocd/boundary.yaml is written`);
  });

  it('the identities Argo CD applies with: one dropped from the boundary, or one more exempt from namespace protection, is said and needs another admin', async () => {
    const ARGO = 'system:serviceaccount:argocd:argocd-application-controller';
    const MANAGER = 'system:serviceaccount:kube-system:argocd-manager';
    const bounded = (appliedBy: string | string[]) => {
      const s = withArgo();
      s.spec.delivery.argocd.namedClusterResources = true;
      s.spec.delivery.argocd.boundary = { appliedBy };
      s.spec.namespaceProtection = { appliedBy };
      return s;
    };
    const both = (s: Spec) => {
      s.spec.delivery.argocd.boundary = { appliedBy: [ARGO, MANAGER] };
      s.spec.namespaceProtection = { appliedBy: [ARGO, MANAGER] };
    };
    const widened = await distPair(bounded(ARGO), both);
    const r = await review(widened, '--actor', 'alice');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `- setting boundary '${ARGO}' → \\['${ARGO}', '${MANAGER}'\\]: the boundary judges the writes of ${MANAGER} too, once applied to each cluster`,
    );
    expect(r.stdout).toContain(
      `namespace protection exempts ${MANAGER} too: another identity may delete or relabel namespaces (weaker)`,
    );
    expect((await review(widened, '--actor', 'alice', '--approved-by', 'dan')).code).toBe(0);
    const d = diffSnapshots(snapshotOf(bounded([ARGO, MANAGER])), snapshotOf(bounded(MANAGER)), TODAY);
    const text = renderMarkdown(d);
    expect(text).toContain(
      `- setting boundary \\['${ARGO}', '${MANAGER}'\\] → '${MANAGER}': the boundary no longer judges the writes of ${ARGO}, only of ${MANAGER}, once applied to each cluster`,
    );
    expect(text).toContain(
      `namespace protection no longer exempts ${ARGO}: only ${MANAGER} may delete or relabel namespaces`,
    );
    // The same identities in another order are no change at all.
    const reordered = diffSnapshots(snapshotOf(bounded([ARGO, MANAGER])), snapshotOf(bounded([MANAGER, ARGO])), TODAY);
    expect(isEmptyDiff(reordered)).toBe(true);
  });

  it("Argo CD's instance label key changed is a settings-change: the boundary reads Argo CD's tracking from it", async () => {
    const sides = await distPair(
      withArgo(),
      (s) => (s.spec.delivery.argocd.instanceLabelKey = 'argocd.argoproj.io/instance'),
    );
    const r = await review(sides, '--actor', 'alice');
    expect(r.code).toBe(1);
    // Without a boundary, what reads the key is the untrack commands; with one, the boundary.
    expect(r.stdout).toContain(
      "- setting instanceLabelKey 'app.kubernetes.io/instance' → 'argocd.argoproj.io/instance': the commands of Applied by hand after merge take Argo CD's tracking off by this label",
    );
    expect((await review(sides, '--actor', 'alice', '--approved-by', 'dan')).code).toBe(0);
    const bounded = () => {
      const s = withArgo();
      s.spec.delivery.argocd.namedClusterResources = true;
      s.spec.delivery.argocd.boundary = { appliedBy: 'system:serviceaccount:argocd:argocd-application-controller' };
      return s;
    };
    const keyed = await distPair(
      bounded(),
      (s) => (s.spec.delivery.argocd.instanceLabelKey = 'argocd.argoproj.io/instance'),
    );
    expect((await review(keyed, '--actor', 'alice')).stdout).toContain(
      "- setting instanceLabelKey 'app.kubernetes.io/instance' → 'argocd.argoproj.io/instance': the boundary (once applied to each cluster) reads an object's Application from this label",
    );
  });

  it('shards 32 → 64: objects move between Argo CD Applications', async () => {
    const sides = await distPair(withArgo(), (s) => (s.spec.delivery.shards = 64));
    const r = await review(sides, '--actor', 'alice');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('- setting shards 32 → 64: objects move between Argo CD Applications');
    expect((await review(sides, '--actor', 'alice', '--approved-by', 'dan')).code).toBe(0);
  });

  it('every setting is listed with what it does', () => {
    const b = withArgo();
    const d = diffSnapshots(
      snapshotOf(b),
      snapshotOf(
        (() => {
          const h = structuredClone(b);
          h.spec.sso = { enforced: true };
          h.spec.review = { massRemovalThreshold: 0.5 };
          h.spec.clusters = ['lga1'];
          h.spec.delivery.argocd = { ...h.spec.delivery.argocd, path: 'out', namespace: 'gitops' };
          return h;
        })(),
      ),
      TODAY,
    );
    expect(d.settings.map((c) => c.key)).toEqual([
      'ssoEnforced',
      'clusters',
      'massRemovalThreshold',
      'path',
      'namespace',
    ]);
    expect(isEmptyDiff(d)).toBe(false);
    const md = renderMarkdown(d);
    expect(md).toContain('- setting ssoEnforced false → true: every invitation must go through the identity provider');
    expect(md).toContain(
      '- setting massRemovalThreshold 0.25 → 0.5: later pull requests may remove a larger share of access without an override',
    );
    expect(md).toContain("- setting path 'dist' → 'out': Argo CD will apply manifests from another folder");
  });
});

describe("usernamePrefix: every person's identity changes", () => {
  const prefix = (s: Spec) => (s.spec.identity = { usernamePrefix: 'oidc:' });

  it('the diff says so per person, and the comment says what the setting does', () => {
    const d = diffSnapshots(
      snapshotOf(baseSpec()),
      snapshotOf(
        (() => {
          const h = baseSpec();
          prefix(h);
          return h;
        })(),
      ),
      TODAY,
    );
    expect(d.people.map((p) => p.id)).toHaveLength(9);
    expect(d.people.find((p) => p.id === 'bob@acme.io')!.changes.map((c) => c.text)).toEqual([
      'Kubernetes identity bob@acme.io → oidc:bob@acme.io: all their bindings move to the new username',
    ]);
    expect(renderMarkdown(d)).toContain(
      "- setting usernamePrefix '' → 'oidc:': every person's Kubernetes identity changes: all their bindings move to new usernames",
    );
  });

  it("fails: an admin changing the prefix changes their own identity (self-edit), and every other admin's (admin-change-approval)", async () => {
    const sides = await distPair(baseSpec(), prefix);
    const r = await review(sides, '--actor', 'alice', '--format', 'json');
    expect(r.code).toBe(1);
    const v = JSON.parse(r.stdout);
    const failed = [...new Set(v.results.filter((x: { ok: boolean }) => !x.ok).map((x: { rule: string }) => x.rule))];
    expect(failed).toEqual(['self-edit', 'admin-change-approval', 'settings-change']);
    expect(v.results.find((x: { rule: string }) => x.rule === 'self-edit').message).toBe(
      'alice@acme.io is an author of this change and changes their own privileges: Kubernetes identity alice@acme.io → oidc:alice@acme.io: all their bindings move to the new username. An admin who is not an author of it must make this change.',
    );
    // approvals do not lift self-edit
    expect((await review(sides, '--actor', 'alice', '--approved-by', 'frank', '--approved-by', 'dan')).code).toBe(1);
  });

  it("passes: proposed by an account outside the organization, approved by two admins (each admin's change approved by another)", () => {
    expect(judge(baseSpec(), prefix, { actors: ['orgctl-bot'], approvals: ['frank', 'dan'] }).ok).toBe(true);
    // One admin alone is not enough for an admin-grade change, whoever authored it.
    expect(judge(baseSpec(), prefix, { actors: ['orgctl-bot'], approvals: ['frank'] }).failed).toEqual([
      'admin-change-approval',
      'settings-change',
    ]);
  });
});

describe('--override', () => {
  it('accepts only a rule that can be overridden; anything else is a usage error listing those that can', async () => {
    const sides = await distPair(baseSpec(), (s) => (s.spec.delivery = { shards: 64 }));
    for (const rule of ['settings-change', 'self-edit', 'no-such-rule']) {
      const r = await review(sides, '--actor', 'alice', '--approved-by', 'frank', '--override', rule);
      expect(r.code, rule).toBe(2);
      expect(r.stderr).toContain(
        `--override ${rule}: ${rule === 'no-such-rule' ? 'no such rule' : 'that rule cannot be overridden'}; rules that can be: mass-removal`,
      );
    }
    expect((await review(sides, '--actor', 'alice', '--approved-by', 'frank', '--override', 'mass-removal')).code).toBe(
      0,
    );
  });
});

describe('mass-removal over a small set', () => {
  const threeTokens = () => {
    const s = baseSpec();
    s.spec.tokens.push({ id: 'docs', name: 'Docs', namespaces: ['web'], levels: ['r:pods'], owner: 'frank@acme.io' });
    return s;
  };
  const removeTwo = (s: Spec) => (s.spec.tokens = s.spec.tokens.filter((t: { id: string }) => t.id === 'docs'));

  it('fails: removing 2 of 3 tokens (a majority, under the minimum of 3 the share rule needs)', async () => {
    const sides = await distPair(threeTokens(), removeTwo);
    const r = await review(sides, '--actor', 'dan', '--approved-by', 'frank');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '| `mass-removal` | ❌ | removes access from 2 of 3 tokens (67%), over the 25% limit or more than half of a small set: an explicit override',
    );
  });

  it('passes with an override approved by another admin; removing 1 of 3 passes without', async () => {
    const sides = await distPair(threeTokens(), removeTwo);
    expect((await review(sides, '--actor', 'dan', '--approved-by', 'frank', '--override', 'mass-removal')).code).toBe(
      0,
    );
    expect(
      judge(threeTokens(), (s) => (s.spec.tokens = s.spec.tokens.filter((t: { id: string }) => t.id !== 'ci')), {
        actors: ['dan'],
      }).ok,
    ).toBe(true);
  });
});

describe('admin-grade tokens need another admin', () => {
  it("fails: admin alice creates a w:full token (the default) without another admin's approval; passes with frank's", async () => {
    const sides = await distPair(baseSpec(), (s) =>
      s.spec.tokens.push({ id: 'deployer', name: 'Deployer', namespaces: ['data'] }),
    );
    const r = await review(sides, '--actor', 'alice');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /\| `admin-change-approval` \| ❌ \| token deployer \(access reserved for admins in data\): is created \("Deployer"\) for data; gains w:full in data.*: an admin-grade change, needs an approval of the head commit from an admin who is not an author \|/,
    );
    expect((await review(sides, '--actor', 'alice', '--approved-by', 'frank')).code).toBe(0);
  });

  it("fails: moving a w:full token to a new namespace; its owner's approval does not count", () => {
    const move = (s: Spec) => s.spec.tokens[0].namespaces.push('data');
    expect(judge(baseSpec(), move, { actors: ['frank'] }).failed).toEqual(['admin-change-approval']);
    expect(judge(baseSpec(), move, { actors: ['frank'], approvals: ['alice'] }).failed).toEqual([
      'admin-change-approval',
    ]);
    expect(judge(baseSpec(), move, { actors: ['frank'], approvals: ['dan'] }).ok).toBe(true);
  });

  it('a custom rule that runs pods is admin-grade too; a read-only token is not', () => {
    const runsPods = (s: Spec) =>
      s.spec.tokens.push({
        id: 'runner',
        namespaces: [],
        rbac: [{ namespace: 'web', rules: [{ apiGroups: ['batch'], resources: ['jobs'], verbs: ['create'] }] }],
      });
    expect(judge(baseSpec(), runsPods, { actors: ['alice'] }).failed).toEqual(['admin-change-approval']);
    const reader = (s: Spec) => s.spec.tokens.push({ id: 'reader', namespaces: ['data'], levels: ['r:pods'] });
    expect(judge(baseSpec(), reader, { actors: ['alice'] }).ok).toBe(true);
  });
});

describe('mass-removal over a rolling window of the base branch', () => {
  const without = (s: Spec, who: string[]) =>
    (s.spec.grants = s.spec.grants.filter((g: { user: string }) => !who.map((w) => `${w}@acme.io`).includes(g.user)));
  const older = baseSpec();
  const base = structuredClone(older);
  without(base, ['bob', 'erin']);
  const head = structuredClone(base);
  without(head, ['gina', 'hal']);
  const [o, b, h] = [older, base, head].map(snapshotOf) as [
    ReturnType<typeof snapshotOf>,
    ReturnType<typeof snapshotOf>,
    ReturnType<typeof snapshotOf>,
  ];
  const verdict = (window: boolean, who: { approvals?: string[]; overrides?: string[] } = {}) =>
    reviewInput({
      base: b,
      head: h,
      diff: diffSnapshots(b, h, TODAY),
      today: TODAY,
      actors: ['frank'],
      approvals: who.approvals ?? [],
      changedPaths: ['org/org.ts'],
      overrides: who.overrides ?? [],
      ...(window ? { window: { label: 'origin/main~1', diff: diffSnapshots(o, h, TODAY), head: h } } : {}),
    });

  it('two removals of 2 users each pass one by one', () => {
    expect(judge(older, (s) => without(s, ['bob', 'erin']), { actors: ['frank'] }).ok).toBe(true);
    expect(verdict(false).ok).toBe(true);
  });

  it('fails: the second one closes a window that removes 4 of 9 users; an approved override passes', () => {
    const v = verdict(true);
    expect(v.ok).toBe(false);
    expect(v.results.find((r) => r.rule === 'mass-removal')!.message).toMatch(
      /^removes access from 4 of 9 users since origin\/main~1 \(44%\), 8 of 21 grants since origin\/main~1 \(38%\), over the 25% limit: an explicit override/,
    );
    expect(verdict(true, { approvals: ['dan'], overrides: ['mass-removal'] }).ok).toBe(true);
  });
});

describe('renaming the organization', () => {
  it('is a settings change: every token is re-created in another system namespace', async () => {
    const { settingsChanges } = await import('../../analysis/diff.ts');
    const { baseSpec, snapshotOf } = await import('./scenarios.ts');
    const renamed = baseSpec();
    renamed.metadata.name = 'acme2';
    const changes = settingsChanges(snapshotOf(baseSpec()).org, snapshotOf(renamed).org);
    expect(changes.map((c) => c.key)).toContain('name');
    expect(changes.find((c) => c.key === 'name')!.text).toMatch(/renamed: .* new ServiceAccount in acme2-system/);
  });
});
