/**
 * Red team R23: today's newest commits (d20706c a token moved into namespaces is a gain, 72ec285
 * and 0f61b22 ListedText lines clipped item by item with their commands kept whole, 443778d the
 * left head's check run read first and past 1000 suites suite by suite). Each test asserts the safe
 * behaviour and fails on 0f61b22.
 *
 * R23-1 (low, fail open, R22-2 back through a race): reviewRunsOn counts the old head's check
 *     suites (one call), then, at 1000 or fewer, lists its check runs with GET
 *     commits/{ref}/check-runs, which covers the 1000 most recent suites at the time of each page
 *     it answers. A suite made between the count and the listing (anyone makes one on H: every
 *     pull_request workflow run of a fork's copy of H is one) pushes the oldest out of the listing,
 *     the one holding the pushed pull request's success when it is the oldest: no orgctl/review run
 *     is read, successCarries says 'nothing' and the withdrawn success stands for the copy. The
 *     window is the count plus every page of the listing. Fix: count again after the listing
 *     (suites are never fewer): still 1000 or fewer, the listing covered them all; else read each
 *     suite (or treat the commit as unread).
 *
 * R23-2 (low, the class of 0f61b22: a command a person copies cut): the guarantee "its lists
 *     clipped, its commands never" holds only for hand-applied lines that carry a list. A Namespace
 *     to untrack carries none, yet its text grows with what the author declares: with namespace
 *     protection's appliedBy a list of up to 16 identities of up to 253 characters, it names them
 *     all ('whichever of a or b or … Argo CD reaches lga1 as'), about 4 KB. In a cut comment such a
 *     line is clipped by the middle cut (clipLine without a list), whose end is a third of the room:
 *     its commands (`kubectl get …`, `kubectl annotate …`, `kubectl label …`) are cut, the first
 *     dropped or a span cut inside and fenced again, which reads as a whole command. Fix: the
 *     untrack line's appliers as a list (listedSentence, as its neighbours), so endingWith keeps
 *     its commands whole or leaves the line out; or any hand-applied line with commands left out
 *     rather than middle-cut.
 */
import { describe, expect, it } from 'vitest';
import { reviewOnGitHub } from '../cli/github.ts';
import { renderMarkdown } from '../report/markdown.ts';
import type { AccessDiff } from '../analysis/diff.ts';
import * as standin from './github/standin.ts';
import { copyOfH, H, H2, inForce, otherCheckOnH, pushH2, repositories } from './redteam-r18-repository.ts';

const repository = repositories(reviewOnGitHub);

describe('R23-1: a suite made between the count of suites and the listing of check runs', () => {
  it("H holds exactly 1000 suites when alice pushes #42 away; bob's copy makes one more as the listing is read: H must not stay passing", async () => {
    const { state, standin: one, review } = await repository([copyOfH(43, 'bob')]);
    expect((await review(42)).code).toBe(0);
    expect(inForce(state.checkRuns, H)).toMatchObject({ conclusion: 'success', externalId: 'orgctl-pull-request:42' });
    // alice's runs are in suite 1; 999 workflow runs of bob's #43 (closed and reopened) make 999 more.
    state.checkRuns.push(...Array.from({ length: standin.LISTED_SUITES - 1 }, (_, i) => otherCheckOnH(i + 2)));
    pushH2(state);
    // The count reads 1000 (all listed); one more pull_request run of #43 lands as the listing is asked.
    let made = false;
    const onListing = Object.assign(/commits\/[0-9a-f]{40}\/check-runs/, {
      test(path: string) {
        if (!made && /\/commits\/[0-9a-f]{40}\/check-runs/.test(path)) {
          made = true;
          state.checkRuns.push(otherCheckOnH(standin.LISTED_SUITES + 1));
        }
        return false;
      },
    });
    state.faults.push({ method: 'GET', path: onListing, status: 502, times: 1 });
    const event = { action: 'synchronize', before: H, after: H2, pull_request: { number: 42 } };
    const io = standin.capture(standin.actionsEnv(one, standin.pullRequestEvent(event)));
    await reviewOnGitHub({ 'left-head': true, pull: '42' }, io, { retryAfterBaseValue: 1, throttle: false });
    expect(made, 'the listing was asked after the count').toBe(true);
    // bob's #43 is the only open pull request left with head H, and it fails on its own.
    expect(inForce(state.checkRuns, H)?.conclusion, "alice's withdrawn success stands for bob's copy").toBe('failure');
  });
});

describe('R23-2: a hand-applied line without a list keeps its commands whole, or is left out', () => {
  // What 0f61b22's untrackedNamespaces writes for a namespace removed from lga1 under namespace
  // protection whose appliedBy names 16 identities (the schema's most; each up to 253 characters).
  const STATUS =
    'kubectl get -n argocd applications.argoproj.io -l orgctl.io/organization=acme -o custom-columns=NAME:.metadata.name,REVISION:.status.operationState.syncResult.revision,PHASE:.status.operationState.phase';
  const commands = (ns: string) => [
    STATUS,
    `kubectl --context lga1 annotate namespace ${ns} argocd.argoproj.io/tracking-id-`,
    `kubectl --context lga1 label namespace ${ns} app.kubernetes.io/instance- --as=<identity-in-lga1>`,
  ];
  const untrack = (ns: string, appliers: readonly string[]) => {
    const app = `acme-lga1-${ns.slice(-2)}`;
    return {
      file: 'dist/argocd/lga1/',
      change: 'removed' as const,
      namespace: ns,
      text: `in lga1, namespace ${ns} is no longer written: its Namespace stays (Prune=false), still tracked by Application ${app}, which holds it as to prune on every sync. Once ${app} has synced this change (${ns}'s bindings pruned), take Argo CD's tracking off the Namespace, before applying the AppProject (namespace protection lets only Argo CD relabel it: as <identity-in-lga1>, whichever of ${appliers.join(' or ')} Argo CD reaches lga1 as)`,
      commands: commands(ns),
    };
  };
  const removed = Array.from({ length: 40 }, (_, i) => `team-${String(i).padStart(2, '0')}`);
  /** The diff of 40 namespaces removed, its appliers 16 identities of `length` characters past their prefix. */
  const diffOf = (length: number): AccessDiff => {
    const appliers = Array.from(
      { length: 16 },
      (_, i) => `system:serviceaccount:argocd-${String(i).padStart(2, '0')}:${'a'.repeat(length)}`,
    );
    return {
      namespaces: { added: [], removed },
      people: [],
      tokens: [],
      customRbac: [],
      clusters: [],
      settings: [],
      guardRails: [],
      handApplied: removed.map((ns) => untrack(ns, appliers)),
    } as unknown as AccessDiff;
  };

  it('40 namespaces removed, each untrack line 2.5 to 3.6 KB: every one shown in the cut comment gives its three commands whole', () => {
    const cut: string[] = [];
    // Each length leaves another room to the last line shown: one of them is clipped by the middle cut.
    for (let length = 80; length <= 150; length++) {
      const md = renderMarkdown(diffOf(length));
      expect(Buffer.byteLength(md)).toBeLessThanOrEqual(65_536);
      for (const line of md.split('\n').filter((l) => l.startsWith('- in lga1, namespace '))) {
        const ns = /namespace (team-\d\d)/.exec(line)![1]!;
        if (!commands(ns).every((c) => line.includes(`\`${c}\``)))
          cut.push(`${length}: ${line.slice(0, 40)} … ${line.slice(-300)}`);
      }
    }
    expect(cut.slice(0, 3), `${cut.length} lines shown with a command cut or missing`).toEqual([]);
  });
});
