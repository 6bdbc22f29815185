/**
 * Red team R24: today's newest commits (90b3a65 the left head's suites counted before and after its
 * check-run listing, 1b763b2 a hand-applied line with commands and no list shown whole or left out,
 * 63cc27f the untrack line's identities as a list). Each test asserts the safe behaviour and fails
 * on 63cc27f (R24-1 passes with 4dd14ee's report/markdown.ts, before 1b763b2).
 *
 * R24-1 (low, a must-see step left out while lesser lines stay): 1b763b2 marks every hand-applied
 *     line with commands and no list `whole`: never clipped, so shown only when the whole line fits
 *     the room it is given. The change of shards ('Before merge, suspend pruning; …') is such a
 *     line, and its last command deletes every Application of the shards no longer written by
 *     name: clusters × shards dropped, which the author picks (shards 32 → 1 drops 31 of each
 *     cluster's 32). With 20 clusters of the base that is 620 names, a line of ~24 KB: over a part's
 *     quarter of the comment (~16 KB), so in its rank's passes (the organization's, the first) it is
 *     passed over; every lower rank then fills its own quarter (people who gain, which the author
 *     adds), and by the last pass, the quarter lifted, no room is left. The comment shows no
 *     'Applied by hand after merge' part at all, only '… and N more' at its foot, while ordinary
 *     gains are shown: the reviewer merges without suspending pruning, and each Application that
 *     syncs before the one an object moves to prunes it (a token's ServiceAccount made again: the
 *     token handed over stops working; bindings gone until the other syncs). Before 1b763b2 the
 *     line was middle-cut in the organization's first pass: its sentence and first command shown.
 *     Fix: a whole line that ranks before others gets its room before lower ranks take theirs (the
 *     quarter lifted for it within its rank), and a line over the whole comment shows its sentence
 *     and the commands that fit, in order, saying the rest are in the full report (never a command
 *     cut); or the delete command by label (the organization's Applications not of the shards
 *     written), whose size the author does not pick.
 */
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../report/markdown.ts';
import type { AccessDiff, SubjectDiff } from '../analysis/diff.ts';

describe('R24-1: a change of shards whose delete command names hundreds of Applications, beside many people who gain', () => {
  // What reshard (analysis/hand-applied.ts) writes for acme, 20 clusters, shards 32 → 1.
  const clusters = Array.from({ length: 20 }, (_, i) => `prod-${String(i).padStart(2, '0')}-us-east-1-az1`);
  const gone = clusters.flatMap((c) =>
    Array.from({ length: 31 }, (_, s) => `acme-${c}-shard-${String(s + 1).padStart(2, '0')}`),
  );
  const SUSPEND = `kubectl -n argocd patch applicationset acme --type merge -p '{"spec":{"template":{"spec":{"syncPolicy":{"automated":{"prune":false}}}}}}'`;
  const reshard = {
    file: 'dist/',
    change: 'changed' as const,
    text: `shards change from 32 to 1: objects move between Applications, and one that syncs before the Application an object moves to deletes it (a token's ServiceAccount made again is a new token: the one handed over stops working; a binding is gone until the other syncs). Before merge, suspend pruning; once each Application has synced the merge commit, restore it, and delete the Applications of shards no longer written (${gone.length}) (what they applied stays, now the new Applications')`,
    commands: [
      SUSPEND,
      'kubectl get -n argocd applications.argoproj.io -l orgctl.io/organization=acme -o custom-columns=NAME:.metadata.name,REVISION:.status.operationState.syncResult.revision,PHASE:.status.operationState.phase',
      'kubectl apply -n argocd --server-side --force-conflicts -f dist/argocd/applicationset.yaml',
      `kubectl delete -n argocd applications.argoproj.io ${gone.join(' ')}`,
    ],
  };
  // People who gain read access in a namespace: the lowest of what gives.
  const people: SubjectDiff[] = Array.from({ length: 600 }, (_, p) => ({
    id: `dev${p}@acme.io`,
    changes: [{ kind: 'gains', text: `gains r:pods, r:logs in namespace team-${p}-payments-service-staging` }],
  })) as unknown as SubjectDiff[];
  const diff = {
    namespaces: { added: [], removed: [] },
    people,
    tokens: [],
    customRbac: [],
    clusters: [],
    settings: [{ kind: 'shards', text: 'shards 32 → 1: objects move between Argo CD Applications' }],
    guardRails: [],
    handApplied: [reshard],
  } as unknown as AccessDiff;

  it("the cut comment shows 'Before merge, suspend pruning' with its command whenever it shows a person who only gains", () => {
    const md = renderMarkdown(diff);
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(65_536);
    expect(md, 'the comment is cut').toMatch(/_… and \d+ more\./);
    expect(md, 'people who only gain are shown').toContain(
      'gains r:pods, r:logs in namespace team-0-payments-service-staging',
    );
    expect(md, 'the must-see step is left out while lesser lines stay').toContain('Before merge, suspend pruning');
    expect(md).toContain(`\`${SUSPEND}\``);
  });
});
