/**
 * Access is per cluster, the per-person diff per namespace (a red team): a namespace joining a
 * cluster, or a cluster added (the namespaces without a list of their own land in it), gives
 * everyone bound there the same access in one more cluster. An author gaining that way edits
 * their own privileges (self-edit), and a token with access reserved for admins reaching another
 * cluster needs an admin who is not its owner, however the reach comes.
 */
import { describe, expect, it } from 'vitest';
import { baseSpec, grantsOf, judge, pinnedToOneCluster, user, type Spec } from './scenarios.ts';

type Token = { id: string; namespaces?: string[] };

/** Clusters lga1 and ord1; web and data in lga1 only; alice's reader and bob's bots in data. */
function pinned(): Spec {
  const s = pinnedToOneCluster();
  s.spec.tokens.push(baseSpec().spec.tokens.find((t: Token) => t.id === 'bots'));
  return s;
}
const everywhere = (ns: string) => (h: Spec) => {
  h.spec.namespaces = (h.spec.namespaces as { name: string }[]).map((n) => (n.name === ns ? { name: ns } : n));
};

describe('self-edit sees an author gaining access in another cluster', () => {
  it('alice alone takes her own token (r:full in data) into cluster ord1: as if she widened it', () => {
    const direct = judge(
      pinned(),
      (h) => {
        (h.spec.tokens as Token[]).find((t) => t.id === 'reader')!.namespaces = ['data', 'web'];
      },
      { actors: ['alice'] },
    );
    expect(direct.failed).toContain('self-edit');
    const v = judge(pinned(), everywhere('data'), { actors: ['alice'] });
    expect(v.failed).toContain('self-edit');
    expect(v.results.find((r) => r.rule === 'self-edit' && !r.ok)!.message).toMatch(
      /^token reader belongs to alice@acme\.io, an author of this change: its access now also in data in cluster ord1/,
    );
  });

  it('bob takes his own grants in web, and his token bots in data, into ord1: self-edit, whatever the approvals', () => {
    const web = judge(pinned(), everywhere('web'), { actors: ['bob'], approvals: ['alice'] });
    expect(web.failed).toContain('self-edit');
    expect(web.results.find((r) => r.rule === 'self-edit' && !r.ok)!.message).toMatch(
      /^bob@acme\.io is an author of this change and changes their own privileges: access now also in web in cluster ord1/,
    );
    const data = judge(pinned(), everywhere('data'), { actors: ['bob'], approvals: ['alice'] });
    expect(data.failed).toContain('self-edit');
  });

  it('an admin’s own w:full follows every namespace, as every admin’s does: not an edit', () => {
    const s = pinned();
    s.spec.tokens = (s.spec.tokens as Token[]).filter((t) => t.id !== 'reader');
    const v = judge(s, everywhere('data'), { actors: ['alice'], approvals: ['frank'] });
    expect(v.results.filter((r) => r.rule === 'self-edit')).toEqual([expect.objectContaining({ ok: true })]);
  });
});

describe('a new cluster takes admin-grade tokens there: their owner is no second admin', () => {
  /** One cluster, lga1; frank's own w:full token in data (ci the organization's). */
  function oneCluster(): Spec {
    const s = baseSpec();
    s.spec.clusters = ['lga1'];
    delete (s.spec.tokens as { id: string; owner?: string }[]).find((t) => t.id === 'ci')!.owner;
    s.spec.tokens.push({ id: 'ft', name: 'Frank CI', namespaces: ['data'], owner: 'frank@acme.io' });
    return s;
  }

  it('alice adds cluster sfo1 and frank approves: frank’s token reaches sfo1, so frank does not count', () => {
    const v = judge(oneCluster(), (h) => void (h.spec.clusters = ['lga1', 'sfo1']), {
      actors: ['alice'],
      approvals: ['frank'],
    });
    expect(v.failed).toContain('admin-change-approval');
    expect(v.results.find((r) => r.rule === 'admin-change-approval' && !r.ok)!.message).toMatch(
      /^token ft \(access reserved for admins, now also in data in cluster sfo1\): an admin-grade change, needs an approval of the head commit from an admin who is not an author nor its owner frank@acme\.io/,
    );
    const ok = judge(oneCluster(), (h) => void (h.spec.clusters = ['lga1', 'sfo1']), {
      actors: ['alice'],
      approvals: ['dan'],
    });
    expect(ok.failed).toEqual([]);
  });
});

describe('a new namespace in a new cluster is a gain once (a code review)', () => {
  it('alice’s token gains the new namespace gpu: self-edit says so once, not again as cluster reach', () => {
    const v = judge(
      pinnedToOneCluster(),
      (h: Spec) => {
        h.spec.clusters = ['lga1', 'ord1', 'sfo1'];
        h.spec.namespaces.push({ name: 'gpu' });
        (h.spec.tokens as Token[]).find((t) => t.id === 'reader')!.namespaces = ['data', 'gpu'];
      },
      { actors: ['alice'] },
    );
    expect(v.results.filter((r) => r.rule === 'self-edit' && !r.ok)).toHaveLength(1);
  });
});

describe('an approver whose own access reaches another cluster decides their own privileges', () => {
  it("a bot demotes frank and dan (each keeping r:pods in web) and takes web into ord1: their approvals don't count (actor-not-admin)", () => {
    const base = pinnedToOneCluster();
    base.spec.review = { massRemovalThreshold: 0.5 };
    for (const n of ['frank', 'dan'])
      grantsOf(base).push({ user: `${n}@acme.io`, namespace: 'web', levels: ['r:pods'] });
    const demote = (h: Spec) => {
      user(h, 'frank@acme.io').admin = false;
      user(h, 'dan@acme.io').admin = false;
    };
    const who = { actors: ['orgctl-bot'], approvals: ['frank', 'dan'] };
    // Demoted alone, each approves the other's demotion: it passes.
    expect(judge(base, demote, who).failed).toEqual([]);
    // Their r:pods in web now also held in ord1: each would approve their own new access.
    const v = judge(
      base,
      (h) => {
        demote(h);
        everywhere('web')(h);
      },
      who,
    );
    expect(v.failed).toEqual(['actor-not-admin']);
    expect(v.results.find((r) => !r.ok)!.message).toMatch(
      /\(frank, dan approved, but the change gives them something: another admin\)$/,
    );
  });
});
