/**
 * Red team R74 (the proofs: review/proof.ts's full proof and review/base-proof.ts's proof against
 * base, and the shortcut "when head differs from base only in whom RoleBindings to catalog levels
 * bind, proved by that change alone").
 */
import { describe, expect, it } from 'vitest';
import type { OutputText } from '../cli/output-read.ts';
import { baseSpec, outputOf as output, proofsOf as proofs, type Spec } from './review/scenarios.ts';

/** baseSpec in two clusters, with bob holding r:events in data until `until` (dated access). */
function datedSpec(until: string): Spec {
  const s = baseSpec();
  s.spec.clusters = ['lga1', 'ord1'];
  s.spec.grants.push({ user: 'bob@acme.io', namespace: 'data', levels: ['r:events'], expires: until });
  return s;
}

/** `files` with the file at `path` as `from` holds it. */
const keeping = (files: OutputText[], from: OutputText[], path: string): OutputText[] =>
  files.map((f) => (f.path === path ? from.find((b) => b.path === path)! : f));

/**
 * R74-1: the membership ConfigMaps of each cluster are read into one membership, the last cluster's
 * record of a person winning (analysis/membership.ts readMembership: `out.set(email, record)` over
 * every cluster's copy). When only dated access changes, the proof against base re-rendered the
 * users' ConfigMaps of each cluster shard that changed, and took a cluster shard equal to base's as
 * proved: so a head extending bob's r:events in ord1's shard alone (lga1's left as base's, holding
 * the old end) was proved, though the clusters' membership data differ and the full proof refuses it
 * (orgctl writes every cluster's copy alike). The proof against base may spare the full proof, never
 * overrule it: what it proved was not what orgctl renders, and the next base it stands on is not either.
 */
describe('R74-1: dated access changed in one cluster shard only', () => {
  const base = output(datedSpec('2026-12-15'));
  const extended = output(datedSpec('2027-01-15'));

  it('proves the change made alike in every cluster, as the full proof does', () => {
    expect(proofs(base, extended)).toEqual({ againstBase: { proved: true, namespaces: 0, files: 0 }, full: true });
  });

  it("is left to the full proof, which refuses it, when a cluster's membership ConfigMaps stay base's", () => {
    const head = keeping(extended, base, 'lga1/cluster/resources.yaml');
    const p = proofs(base, head);
    expect(p.full).toBe(false);
    expect(p.againstBase).toEqual({
      proved: false,
      reason:
        "lga1/cluster/resources.yaml keeps base's membership ConfigMaps while another cluster's record people's dated access anew (orgctl writes every cluster's alike)",
    });
  });
});
