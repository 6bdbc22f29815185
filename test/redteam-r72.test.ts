/**
 * Red team R72 (the GitHub side: the pull request as an attack on the workflows, the review job, the
 * GitHub adapter's reading of reviews and commits, and the comment and check-run text).
 *
 * R72-1 (low): declared text drew GitHub emoji in the comment and the check-run summary.
 *     escapeMarkdown escapes markdown's characters, breaks mentions and references, and shows URLs,
 *     commit-like runs and `$` as code, but leaves `:name:`. GitHub replaces every `:name:` of its
 *     emoji list in the rendered HTML's text nodes outside pre, code and tt, after markdown's escapes
 *     are gone (html-pipeline's EmojiFilter, gjtorikian/html-pipeline
 *     lib/html/pipeline/emoji_filter.rb: `emoji_pattern` is `/:(name|name|…):/`, no word boundary;
 *     DEFAULT_IGNORED_ANCESTOR_TAGS = pre, code, tt; `\_` in markdown is `_` in that text). So a
 *     token renamed `deploy :white_check_mark: :lock:` or a namespace annotation
 *     `:heavy_check_mark: approved by security` draws ✅, 🔒 and ✔️ beside orgctl's own marks, and an
 *     email `a:x:@acme.io` reads `a❌@acme.io`: not the text declared, and orgctl's marks are what a
 *     reviewer reads a rule's status by.
 *
 * What held (pinned below, or already pinned where named):
 * - Approvals: only a reviewer's latest word that is not a plain comment counts, and only when it is
 *   APPROVED and names the head commit (validApprovals); a later approval of an older commit, a
 *   dismissal, github-actions[bot] (associated NONE, no collaborator), a login one letter from an
 *   admin's: none passes a member's change (pins below). Only base's active admins count
 *   (adminApprovers), each asked GitHub whether their account may write (write-access, red team G);
 *   a team review or a CODEOWNERS request is no review of a person's and counts for nothing; a head
 *   moved back to a commit an admin approved counts that approval again: it names that very tree.
 * - The review job runs no code of the pull request: it checks out the default branch, installs with
 *   --ignore-scripts, runs the command the installed orgctl's own package.json names (never npx, never
 *   node_modules/.bin), and reads the head as git objects (workflows.test). So a changed workflow
 *   file, package.json script, .npmrc, .nvmrc, committed node_modules, a submodule, .gitattributes
 *   filters or LFS pointers in the pull request run nothing there; head-engine (permissions {}, no
 *   secret, no token) gets only package.json, package-lock.json and dist/ as regular files, so no
 *   .npmrc of the head reaches its npm ci either. A symlink in dist/ refuses the extraction; one
 *   anywhere in the tree is judged by repository-tree (R36-1).
 * - No shipped workflow pastes the title, the body, the branch name, a commit message or a review's
 *   text into a script: every expression reads a trusted context, none stands in `run:`, and
 *   head-engine's output is only compared (pins below; actionlint also checks untrusted inputs).
 * - The stand-in answers with bodies checked against GitHub's OpenAPI description (test/github/
 *   standin.ts, schemas.json from @octokit/openapi 23.0.2), every operation the adapter calls among
 *   them, and the check-run request body too; its schemaErrors stay empty in the pins below.
 * - The comment: mentions, references, URLs, commit-like runs, math, HTML, entities, line breaks and
 *   direction overrides (R13-F2, K1-K4, R64-2, R67) held; `<details>` and task lists are escaped
 *   markdown (`<`, `[`). R72-1's breaks hold where a long line is cut (pinned below): a cut never
 *   falls inside `<!-- -->` (safe-cuts.ts), and the cut note begins with a space.
 *
 * What was not done: the request bodies of comments (POST and PATCH) and the query parameters of
 * every GET are not checked against the OpenAPI description (only POST check-runs' body is: the
 * description, ~385 MB, was not installed again to extract them); a `workflow_run` that another
 * workflow named "orgctl review trigger" starts (any branch may add one) is reviewed only when the
 * pull request it names has the run's head commit, as pinned in workflows.test, and was not probed
 * further; GitHub's Goomba filters other than the emoji one (e.g. a repository's own autolink
 * references, set by its admins) were not modelled; the emoji list is gemoji 8.1.0's and grows stale
 * as GitHub adds names. Left open, not a finding of this surface's code but of the design: org/org.ts
 * is code, and a member's change to it that an admin approves for its access diff (engine-change
 * passes: only org/ and dist/ change) runs, once merged, wherever `synth` runs it next: the check
 * jobs (read-only tokens) and every admin's own machine at their next `npm run synth`. The comment
 * says what the change grants, not what that code does; the approving admin must read org/'s diff
 * (a rule that names org/ code reaching beyond orgctl's constructs, e.g. an import of node:
 * modules, was not written; org-code, since, discloses it: test/org-code-review.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { workflowTemplates } from '../cli/workflows.ts';
import { escapeMarkdown, renderMarkdown } from '../report/markdown.ts';
import { GITHUB_EMOJI_NAMES } from '../report/emoji-names.ts';
import { longLineCuts, seededTexts, textGitHubSees, textShown } from './github-rendering.ts';
import { ROOT } from './helpers.ts';
import { baseSpec, diffOf, distOf, erinGainsConfigMaps } from './review/scenarios.ts';
import * as standinOf from './github/standin.ts';

/**
 * The first `:name:` GitHub draws as an emoji in the text its filter sees: any colon may open one
 * (every name-like run between two colons is looked up, overlapping), and only its names draw.
 */
function emojiIn(md: string): string | undefined {
  const seen = textGitHubSees(md);
  for (const m of seen.matchAll(/:(?=([a-z0-9_+-]+):)/gi))
    if (GITHUB_EMOJI_NAMES.has(m[1]!.toLowerCase())) return `:${m[1]}:`;
  return undefined;
}

describe('R72-1: no declared text becomes a GitHub emoji', () => {
  // A check mark, a cross inside a word, names with + and -, two touching, GitHub's own.
  const texts = [
    ':white_check_mark: approved by security',
    'a:x:b@acme.io',
    ':+1: :-1:',
    ':lock::key:',
    'ship it :shipit:',
  ];
  it.each(texts)('%s: drawn as written, never as an emoji', (text) => {
    for (const inTable of [false, true]) {
      const md = escapeMarkdown(text, inTable);
      expect(emojiIn(md), md).toBeUndefined();
      expect(textShown(inTable ? md.replace(/\\\|/g, '|') : md), md).toBe(text);
    }
  });

  it('nor any text of these characters, however they run (2,000 of them, seeded)', () => {
    // 15 characters: an alphabet of 2^n would meet the generator's short low-bit cycles (all colons).
    const alphabet = [':', ':', 'x', '_', '+', '-', '1', 'a', ' ', '\\', '`', '@', '$', '|', 'f'];
    for (const text of seededTexts(alphabet, 72, 2_000, 20)) {
      const md = escapeMarkdown(text);
      expect(emojiIn(md), `${JSON.stringify(text)} → ${md}`).toBeUndefined();
      expect(textShown(md), md).toBe(text);
    }
  });

  it('end to end: a token renamed and a namespace annotated with emoji names show them as written', () => {
    const name = 'deploy :white_check_mark: :lock:';
    const note = ':heavy_check_mark: approved by security';
    const d = diffOf(baseSpec(), (s) => {
      s.spec.tokens[0].name = name;
      s.spec.namespaces = [{ name: 'web', annotations: { 'example.com/note': note } }, { name: 'data' }];
    });
    const md = renderMarkdown(d, { ok: true, results: [{ rule: 'self-edit', ok: true, message: `owner ${note}` }] });
    expect(emojiIn(md), md).toBeUndefined();
    // A name GitHub has no emoji for is left as written: a Kubernetes identity reads as it is.
    expect(escapeMarkdown('system:serviceaccount:argocd:argocd-application-controller')).toBe(
      'system:serviceaccount:argocd:argocd-application-controller',
    );
    expect(textShown(md)).toContain(name);
    expect(textShown(md)).toContain(note);
  });
});

describe('R72-1 held where a long line is cut', () => {
  it('no emoji wherever the cut falls (the comment, the check-run summary)', () => {
    for (const md of longLineCuts(':white_check_mark: ok:x::+1: '.repeat(300), 48)) {
      expect(md).toContain(' … '); // the line is clipped
      expect(emojiIn(md), md).toBeUndefined();
    }
  });
});

/**
 * What held, pinned: whose approval of what counts, read end to end through the GitHub stand-in
 * (every body it serves checked against GitHub's OpenAPI description: schemaErrors stays empty).
 * bob (no admin) gives erin w:configmaps: an admin's approval of the head is what passes it.
 */
describe('R72 pins: an approval counts only from a base admin who may write, of the head commit, as their latest word', () => {
  let base = '';
  let head = '';
  let eventPath = '';
  let standin: standinOf.Standin | undefined;
  beforeAll(async () => {
    const acme = readFileSync(join(ROOT, 'test/fixtures/specs/acme.yaml'), 'utf8');
    base = await distOf(acme);
    head = await distOf(erinGainsConfigMaps(acme));
    eventPath = standinOf.pullRequestEvent();
  });
  afterEach(async () => {
    if (standin) expect(standin.schemaErrors).toEqual([]);
    await standin?.close();
    standin = undefined;
  });
  const conclusionWith = async (reviews: standinOf.StandinState['reviews']) => {
    standin = await standinOf.startStandin(standinOf.defaultState({ reviews }));
    await standinOf.reviewOnStandin(standin, { base, head }, eventPath);
    return standinOf.verdicts(standin.state).at(-1)?.conclusion;
  };
  const HEAD = standinOf.fakeSha('head');
  const OLDER = standinOf.fakeSha('older');

  it("frank's (a base admin) approval of the head passes it: the baseline the pins below fail from", async () => {
    expect(await conclusionWith([{ user: 'frank', state: 'APPROVED', commitId: HEAD }])).toBe('success');
  });

  it.each<[string, standinOf.StandinState['reviews']]>([
    // GitHub lists reviews in chronological order (docs.github.com, REST "List reviews for a pull
    // request"): a review submitted through the API may name any commit of the pull request
    // (`commit_id`), so an admin's later approval of an older commit is their latest word, not the head's.
    [
      'a later approval of an older commit',
      [
        { user: 'frank', state: 'APPROVED', commitId: HEAD },
        { user: 'frank', state: 'APPROVED', commitId: OLDER },
      ],
    ],
    // A dismissal turns the review's state to DISMISSED (GitHub's "Dismiss a review for a pull request").
    ['a dismissed approval', [{ user: 'frank', state: 'DISMISSED', commitId: HEAD }]],
    // A workflow's token may approve where the repository lets GitHub Actions approve pull requests: the
    // bot is no base admin, and its account no collaborator with write access.
    [
      "github-actions[bot]'s approval",
      [{ user: 'github-actions[bot]', state: 'APPROVED', commitId: HEAD, association: 'NONE' }],
    ],
    // A login is matched whatever its case, but only a declared admin's: Frank-lookalike logins are others.
    ['an approval by a login one letter from an admin', [{ user: 'frank1', state: 'APPROVED', commitId: HEAD }]],
  ])('%s does not pass it', async (_, reviews) => {
    expect(await conclusionWith(reviews)).toBe('failure');
  });

  it('an admin approving the head again after changes requested passes it; a plain comment after the approval withdraws nothing', async () => {
    expect(
      await conclusionWith([
        { user: 'frank', state: 'CHANGES_REQUESTED', commitId: HEAD },
        { user: 'frank', state: 'APPROVED', commitId: HEAD },
        { user: 'frank', state: 'COMMENTED', commitId: HEAD },
      ]),
    ).toBe('success');
  });
});

/**
 * What held, pinned: no shipped workflow reads a pull request's own words into an expression. GitHub's
 * security hardening guide (docs.github.com, "Security hardening for GitHub Actions", script
 * injections) names the title, the body, the head branch's name, commit messages, review and comment
 * bodies as untrusted input that `${{ }}` pastes into a script before it runs. Every expression here
 * reads a number, a commit, the default branch, the token or an output of the run's own steps; none
 * stands in a `run:` script (values come through `env:`). A step output head-engine sets (it runs the
 * pull request's code, which may write any line to $GITHUB_OUTPUT) is only compared, in an `if:`.
 */
describe('R72 pins: the workflows orgctl ships paste no text of the pull request into a script', () => {
  const TRUSTED =
    /^(github\.token|runner\.temp|github\.event\.repository\.default_branch|github\.event\.pull_request\.(number|merged)|github\.event\.workflow_run\.(id|head_sha)|github\.event\.action|inputs\.pull|needs\.[\w-]+\.(outputs\.[\w-]+|result)|steps\.[\w-]+\.(outputs\.[\w-]+|outcome)|cancelled\(\)|format)$/;
  const templates = [...workflowTemplates()];

  it.each(
    templates.map(([name]) => name),
  )('%s: every expression reads a trusted context, and none is in a run script', (name) => {
    const text = workflowTemplates().get(name)!;
    // orgctl-check.yaml has none: it is the unprivileged job, running the branch's own code anyway.
    for (const [, e] of text.matchAll(/\$\{\{(.*?)\}\}/g)) {
      const operands = e!.replace(/'[^']*'/g, '').match(/[a-z_][\w.-]*(\(\))?/gi) ?? [];
      for (const o of operands) expect(o, `${name}: \${{${e}}}`).toMatch(TRUSTED);
    }
    const runs = (parse(text) as { jobs: Record<string, { steps?: { run?: string }[] }> }).jobs;
    for (const job of Object.values(runs))
      for (const step of job.steps ?? []) expect(step.run ?? '').not.toContain('${{');
  });

  it("head-engine's output, which the pull request's code may write, is only compared in an if:", () => {
    const review = workflowTemplates().get('orgctl-review.yaml')!;
    const uses = review.split('\n').filter((l) => l.includes('needs.head-engine.'));
    expect(uses).toEqual([
      "        if: needs.head-engine.result == 'success' && needs.head-engine.outputs.proved == 'true'",
    ]);
  });
});
