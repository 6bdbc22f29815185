/**
 * Red team R25: b9b3163 (R24-1's cutParts: a hand-applied line without a list, longer than a part's
 * quarter of the comment, has the quarter lifted in its own rank's pass). The test asserts the safe
 * behaviour and fails on f0a6109 (the admin added is not named); with b0e5980's report/markdown.ts
 * (before b9b3163) it names the admin and the w:secrets gain, and fails on R24-1 (no step to suspend
 * pruning): a fix keeps both.
 *
 * R25-1 (low, a must-see gain crowded out of the cut comment; the verdict table still fails its rule): a hand-applied line ranks
 *     with the organization (RANK 0), before whoever is made an admin (1) and the privileged (2).
 *     Held to a quarter, RANK 0's three parts (Organization, guard rails, hand-applied) could take
 *     three quarters at most, so an admin added was always named. Now a change of shards whose
 *     delete command names every Application of the shards dropped (clusters × shards dropped, what
 *     the author picks) takes its whole room at RANK 0 whenever it is no larger than the comment:
 *     sized to leave less than an admin's line (lines of RANK 0 whose names the author picks, a
 *     cluster's or a namespace's, tune it to the byte; one character of a cluster's name is 31
 *     bytes with 32 → 1), it shows whole, and 'dan@acme.io becomes an admin' and a w:secrets gain
 *     are only '… and N more' at the foot. Fix: a hand-applied line takes more than its quarter
 *     only after the must-see ranks (admin, privileged, demoted) have named each of their parts
 *     (their first lines, clipped as in the first pass); or keep room for them before lifting the
 *     quarter, and show the line by clipSteps (its first commands, suspend first) when the whole
 *     does not fit beside them.
 */
import { describe, expect, it } from 'vitest';
import { COMMENT_MARKER, escapeMarkdown, renderMarkdown } from '../report/markdown.ts';
import type { AccessDiff, SubjectDiff } from '../analysis/diff.ts';

const bytes = (s: string) => Buffer.byteLength(s);

describe('R25-1: a change of shards sized to the comment, beside an admin added and a w:secrets gain', () => {
  const SUSPEND = `kubectl -n argocd patch applicationset acme --type merge -p '{"spec":{"template":{"spec":{"syncPolicy":{"automated":{"prune":false}}}}}}'`;
  const reshardText = (n: number) =>
    `shards change from 32 to 1: objects move between Applications, and one that syncs before the Application an object moves to deletes it (a token's ServiceAccount made again is a new token: the one handed over stops working; a binding is gone until the other syncs). Before merge, suspend pruning; once each Application has synced the merge commit, restore it, and delete the Applications of shards no longer written (${n}) (what they applied stays, now the new Applications')`;
  /** Its commands before the delete: suspend pruning, watch the sync, apply the ApplicationSet. */
  const FIRST = [
    SUSPEND,
    'kubectl get -n argocd applications.argoproj.io -l orgctl.io/organization=acme -o custom-columns=NAME:.metadata.name,REVISION:.status.operationState.syncResult.revision,PHASE:.status.operationState.phase',
    'kubectl apply -n argocd --server-side --force-conflicts -f dist/argocd/applicationset.yaml',
  ];
  /** What reshard (analysis/hand-applied.ts) writes for acme, shards 32 → 1, `count` clusters, the last one's name `pad` longer. */
  const reshard = (count: number, pad: number) => {
    const clusters = Array.from(
      { length: count },
      (_, i) => `prod-${String(i).padStart(2, '0')}-us-east-1-az1${i === count - 1 ? 'x'.repeat(pad) : ''}`,
    );
    const gone = clusters.flatMap((c) =>
      Array.from({ length: 31 }, (_, s) => `acme-${c}-shard-${String(s + 1).padStart(2, '0')}`),
    );
    const del = `kubectl delete -n argocd applications.argoproj.io ${gone.join(' ')}`;
    return { file: 'dist/', change: 'changed' as const, text: reshardText(gone.length), commands: [...FIRST, del] };
  };
  /** The hand-applied line as the comment writes it (its commands as code spans). */
  const lineOf = (c: ReturnType<typeof reshard>) => `- ${c.text}: ${c.commands.map((x) => `\`${x}\``).join(', then ')}`;

  const setting = '- setting shards 32 → 1: objects move between Argo CD Applications'; // as the comment says it
  // The room cutParts has: the comment less its head and 200 bytes; RANK 0's parts take theirs first.
  const budget = 65_536 - bytes(`${COMMENT_MARKER}\n### Who gains or loses what\n`) - 200;
  const before = 3 + bytes('**Organization**') + bytes(setting) + 3 + bytes('**Applied by hand after merge**');
  // The largest change of shards that fits what RANK 0 leaves: clusters first, then the last one's name.
  let count = 1;
  while (bytes(lineOf(reshard(count + 1, 0))) + before <= budget) count++;
  let pad = 0;
  while (bytes(lineOf(reshard(count, pad + 1))) + before <= budget) pad++;
  const handApplied = reshard(count, pad);

  const people = [
    { id: 'dan@acme.io', changes: [{ kind: 'admin', text: 'becomes an admin' }] },
    { id: 'eve@acme.io', changes: [{ kind: 'gains-class', text: 'gains w:secrets in namespace payments' }] },
    // People who only gain read: the lowest of what gives.
    ...Array.from({ length: 50 }, (_, p) => ({
      id: `dev${p}@acme.io`,
      changes: [{ kind: 'gains', text: `gains r:pods in namespace team-${p}` }],
    })),
  ] as unknown as SubjectDiff[];
  // Nothing else changes but the setting the change of shards is.
  const nothing = { namespaces: { added: [], removed: [] }, tokens: [], customRbac: [], clusters: [], guardRails: [] };
  const shards = { kind: 'shards', text: 'shards 32 → 1: objects move between Argo CD Applications' };
  const diff = { ...nothing, people, settings: [shards], handApplied: [handApplied] } as unknown as AccessDiff;

  it('the cut comment names whoever is made an admin and whoever gains w:secrets', () => {
    expect(count, 'clusters of the base whose shards are dropped').toBeLessThanOrEqual(60);
    expect(pad, "characters added to one cluster's name").toBeLessThan(40);
    const md = renderMarkdown(diff);
    expect(bytes(md)).toBeLessThanOrEqual(65_536);
    // Booleans: the comment is 64 KB, which a failed toContain would print whole.
    // Cut: a line left out, or a command (the change of shards' delete, when its first commands are shown).
    const cut = /_… and \d+ more\./.test(md) || /, then … \d+ more commands? in the full report/.test(md);
    expect(cut, 'the comment is cut').toBe(true);
    expect(md.includes(`**${escapeMarkdown('dan@acme.io')}**\n- becomes an admin`), 'the admin added is named').toBe(
      true,
    );
    expect(md.includes('gains w:secrets in namespace payments'), 'the w:secrets gain is named').toBe(true);
    // And R24-1 still holds: the change of shards' must-see step, with its command whole.
    expect(md.includes('Before merge, suspend pruning'), 'the step to suspend pruning is shown').toBe(true);
    expect(md.includes(`\`${SUSPEND}\``), 'its command is shown whole').toBe(true);
  });
});
