/**
 * An approval is another admin's judgement: an admin approving what the change gives them (their
 * own access, a token they own or are handed) decides their own privileges, as self-edit refuses
 * an author (a red team: a bot or a member proposed, the admin who gained approved alone).
 */
import { describe, expect, it } from 'vitest';
import { baseSpec, judge, pinnedToOneCluster, token, type Spec } from './scenarios.ts';

type Token = { id: string; owner?: string; namespaces?: string[] };
function withReader(): Spec {
  const s = baseSpec();
  s.spec.tokens.push({ id: 'reader', name: 'Reader', namespaces: ['web'], levels: ['r:full'], owner: 'alice@acme.io' });
  return s;
}
const widen = (h: Spec) => void (token(h, 'reader').namespaces = ['web', 'data']);

describe('an approver the change gives something does not count', () => {
  it('a bot widens alice’s own token; alice alone approves: actor-not-admin fails, frank’s approval passes', () => {
    const v = judge(withReader(), widen, { actors: ['renovate'], approvals: ['alice'] });
    expect(v.failed).toEqual(['actor-not-admin']);
    expect(v.results.find((r) => !r.ok)!.message).toBe(
      'renovate is not an admin in base: an admin who is not an author must approve the head commit (alice approved, but the change gives them something: another admin)',
    );
    expect(judge(withReader(), widen, { actors: ['renovate'], approvals: ['frank'] }).failed).toEqual([]);
  });

  it('member bob hands his token bots to alice; alice alone approves: fails', () => {
    const handOver = (h: Spec) => void (token(h, 'bots').owner = 'alice@acme.io');
    expect(judge(baseSpec(), handOver, { actors: ['bob'], approvals: ['alice'] }).failed).toContain('actor-not-admin');
    expect(judge(baseSpec(), handOver, { actors: ['bob'], approvals: ['frank'] }).failed).not.toContain(
      'actor-not-admin',
    );
  });

  it('an approver the change takes from, or leaves alone, still counts', () => {
    const narrow = (h: Spec) => void (token(h, 'reader').namespaces = []);
    expect(judge(withReader(), narrow, { actors: ['renovate'], approvals: ['alice'] }).failed).not.toContain(
      'actor-not-admin',
    );
  });

  it('the old owner of a token handed over unrotated gains what it gains: frank’s approval does not count', () => {
    const base = baseSpec();
    base.spec.tokens.push({
      id: 'ft',
      name: 'Frank',
      namespaces: ['data'],
      levels: ['r:pods'],
      owner: 'frank@acme.io',
    });
    const widen = (h: Spec) => {
      const t = token(h, 'ft') as Token & { levels?: string[] };
      t.namespaces = ['data', 'web'];
      t.levels = ['r:full'];
    };
    // Frank keeping it: refused with frank alone; handed to erin unrotated, frank still holds its value.
    expect(judge(base, widen, { actors: ['renovate'], approvals: ['frank'] }).failed).toContain('actor-not-admin');
    const handed = (h: Spec) => {
      widen(h);
      token(h, 'ft').owner = 'erin@acme.io';
    };
    expect(judge(base, handed, { actors: ['renovate'], approvals: ['frank'] }).failed).toContain('actor-not-admin');
  });

  it('an approver whose token reaches another cluster through the change does not count', () => {
    const s = pinnedToOneCluster();
    const dataEverywhere = (h: Spec) =>
      void (h.spec.namespaces = [{ name: 'web', clusters: ['lga1'] }, { name: 'data' }]);
    expect(judge(s, dataEverywhere, { actors: ['renovate'], approvals: ['alice'] }).failed).toContain(
      'actor-not-admin',
    );
    expect(judge(s, dataEverywhere, { actors: ['renovate'], approvals: ['frank'] }).failed).not.toContain(
      'actor-not-admin',
    );
  });

  it('a handover alone gives the old owner nothing: alice approving her read-only token handed to erin counts', () => {
    const handOver = (h: Spec) => {
      token(h, 'reader').owner = 'erin@acme.io';
      (token(h, 'reader') as Token & { rotation?: number }).rotation = 1;
    };
    const v = judge(withReader(), handOver, { actors: ['renovate'], approvals: ['alice'] });
    expect(v.failed).toEqual([]);
  });
});
