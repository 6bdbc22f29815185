/**
 * Red team R30 (base 03816d7). Each test asserts the safe behaviour and fails on the code it was
 * written against.
 *
 * R30-1 (low; R29-1's class, a path it did not reach): an error's message names a file of head's
 *     dist/ as it is, line break and all. A head whose dist/ holds a file named
 *     `x\n::error title=orgctl review::…` (git keeps any byte but NUL and / in a name) is refused
 *     (parseOutput, cli/output-read.ts:66: `${f.label}: not a file orgctl writes`; readRefOutput's
 *     label, cli/git.ts:61, for a git ref), and review --github writes the refusal on standard error
 *     raw (failUnjudged, cli/github.ts:148: `orgctl review: ${reason}`), as does every command's
 *     error (cli/main.ts:19, ERROR_TEXT.input): in the privileged review job's log, a line of the
 *     author's starting `::` is a workflow command (an annotation titled as orgctl's, add-mask,
 *     stop-commands). The posted comment and check run are fine (escapeMarkdown writes a space).
 *
 * R30-2 (low; R29-1's class): import's report (not imported, cannot carry over) names a cluster
 *     dump's RoleBindings, Groups and Users as they are (labelOf, review/import.ts:227; `Group ${name}`,
 *     :654; lossesOf, :1400). An RBAC object's name is a path segment (anything but /, %, . and ..) and a
 *     subject's name any string, so a namespace's admin who names a RoleBinding
 *     `viewers\nnot imported: …` prints lines of their own in the report the cluster's admin reads
 *     to judge the import (orgctl import --from -, init --from): on a terminal too, where
 *     terminalText keeps the line break.
 *
 * R30-3 (low; R29-1 (c)'s forged members.json): kubeconfig takes a token's namespaces from
 *     members.json unchecked (buildKubeconfig, cli/kubeconfig.ts:88): a namespace that is no DNS
 *     label is written into the kubeconfig as a context's name and namespace and current-context,
 *     and into the line on standard error (`wrote … contexts …`, cli/kubeconfig.ts:264) raw.
 */
import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, run, tempDir, exampleDistCopy } from './helpers.ts';
import * as standin from './github/standin.ts';

/** A GitHub Actions workflow command, as the runner reads one from any line of a step's output. */
const WORKFLOW_COMMAND = '::error title=orgctl review::approved by alice, merge away';
const linesOf = (texts: readonly string[]) => texts.join('\n').split('\n');

/** The example's dist/ with one more file, named `name` (under lga1/). */
function headWithFile(name: string): string {
  const head = exampleDistCopy('orgctl-r30-head-');
  writeFileSync(join(head, 'lga1', name), 'x: 1\n');
  return head;
}

describe('R30-1: a file name of head’s dist/ in an error', () => {
  const review = standin.reviewsOnStandin(
    () => join(ROOT, 'dist'),
    () => standin.pullRequestEvent(),
  );

  it('review --github: no line of its log is a workflow command of the author’s', async () => {
    const { code, io, conclusion } = await review(headWithFile(`x\n${WORKFLOW_COMMAND}`), {});
    expect([code, conclusion]).toEqual([2, 'failure']); // head cannot be read: the check fails, and the log says why
    const lines = linesOf([...io.outs, ...io.errs]);
    expect(lines.some((l) => l.includes('not a file orgctl writes'))).toBe(true);
    expect(lines.filter((l) => l.startsWith('::'))).toEqual([]);
  });

  it('diff: the refusal on standard error is no workflow command', async () => {
    const head = headWithFile(`x\n${WORKFLOW_COMMAND}`);
    const r = await run(['diff', '--base', join(ROOT, 'dist'), '--head', head, '--format', 'md']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not a file orgctl writes');
    expect(r.stderr.split('\n').filter((l) => l.startsWith('::'))).toEqual([]);
  });
});

describe('R30-2: import’s report names a cluster dump’s objects as they are', () => {
  it('every line of the report is orgctl’s: a name with a line break prints none of its own', async () => {
    const r = await run(['import', '--from', join(ROOT, 'test/fixtures/redteam-r30/line-break-names.yaml')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('RoleBinding shop/viewers'); // the binding is reported
    const lines = r.stderr.split('\n');
    expect(lines.filter((l) => l.startsWith('not imported: nothing else'))).toEqual([]);
    expect(lines.filter((l) => l.startsWith('::'))).toEqual([]);
  });
});

describe('R30-3: kubeconfig’s namespaces from members.json', () => {
  it('a namespace that is no DNS label is refused, never written as a context', async () => {
    const dir = tempDir('orgctl-r30-kubeconfig-');
    const dist = join(dir, 'dist');
    cpSync(join(ROOT, 'dist'), dist, { recursive: true });
    const members = join(dist, 'members.json');
    const data = JSON.parse(readFileSync(members, 'utf8'));
    const token = data.tokens.find((t: { id: string }) => t.id === 'ci-deploy');
    token.namespaces = [`web\n${WORKFLOW_COMMAND}`, 'data'];
    writeFileSync(members, JSON.stringify(data, null, 2));
    const secret = join(ROOT, 'test/fixtures/secrets/token-ci-deploy.json');
    const out = join(dir, 'kube', 'ci-deploy');
    const server = 'https://k.example:6443';
    const r = await run([
      'kubeconfig',
      'ci-deploy',
      `--server=${server}`,
      `--secret=${secret}`,
      `--dir=${dist}`,
      `--out=${out}`,
    ]);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('::'))).toEqual([]);
    expect(r.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});
