/**
 * Red team R29 (base 3efb291). Each test asserts the safe behaviour and fails on the code it was
 * written against.
 *
 * R29-1 (low; R28-1's class, a line break from data): a value a message or a table embeds is
 *     written with its line break as it is, and a line break is the one character neither the
 *     report's escaping (it writes the verdict table's messages with a space) nor 3efb291's
 *     terminalText (it keeps `\n` and `\t`) touches on standard output and standard error.
 *     (a) The privileged review job's log: review --github prints every failed rule's message on
 *     standard error (`error RULE MESSAGE`, cli/github.ts:579), a pipe in GitHub Actions, and
 *     settings-change shows a changed setting raw (`show`, policies/change/settings-change.ts:29:
 *     `'${v}'`). A head whose Argo CD namespace is `argocd\n::error title=…::…` puts a line of the
 *     author's in the log starting `::`: a workflow command the runner obeys (an annotation titled
 *     as orgctl's on the check, `::add-mask::` blanking words of the log, `::stop-commands::`).
 *     (b) The same job's access step (`orgctl access --format html --dir <head's dist>`, and diff's
 *     page beside it): loadAuthorizer's warnings splice a binding's namespace and name raw
 *     (cli/rbac.ts:141), so a binding named `x\n::error …` in the head's dist/ is a workflow command too.
 *     (c) On a terminal: a token's name in a forged members.json with a line break makes `orgctl
 *     members` print a row of the author's own (terminalText keeps the line break by design).
 *
 * R29-2 (low; usability, not security): the access page's cell tooltips join their lines with
 *     `\n` (cellTip, report/access-html.ts:55) and then escapeHtml shows every line break as its
 *     code point (showHidden), so every tooltip reads `… → ClusterRole acme:w:full<U+000A>classes: …`
 *     where a title attribute would show two lines.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, run, TODAY, tempDir, exampleDistCopy } from './helpers.ts';
import * as standin from './github/standin.ts';

/** A GitHub Actions workflow command, as the runner reads one from any line of a step's output. */
const WORKFLOW_COMMAND = '::error title=orgctl review::approved by alice, merge away';
const linesOf = (texts: readonly string[]) => texts.join('\n').split('\n');

/** The example's dist/ with Argo CD's namespace `namespace` in its membership data (both clusters' copies). */
function forgedHead(namespace: string): string {
  const head = exampleDistCopy('orgctl-r29-head-');
  const files = ['lga1', 'ord1'].map((cluster) => join(head, cluster, 'cluster', 'resources.yaml'));
  const texts = files.map((file) => readFileSync(file, 'utf8'));
  files.forEach((file, k) =>
    writeFileSync(file, texts[k]!.replace('"namespace":"argocd"', `"namespace":${JSON.stringify(namespace)}`)),
  );
  expect(files.map((file) => readFileSync(file, 'utf8'))).not.toEqual(texts);
  return head;
}

describe('R29-1: a line break from data in what orgctl prints', () => {
  it('(a) review --github: no line of its output is a workflow command of the author’s', async () => {
    const head = forgedHead(`argocd\n${WORKFLOW_COMMAND}`);
    const one = await standin.startStandin(standin.defaultState());
    try {
      const { code, io } = await standin.reviewOnStandin(
        one,
        { base: join(ROOT, 'dist'), head },
        standin.pullRequestEvent(),
      );
      // The check fails, and the log says why: head's membership data is refused where it is read
      // (test/membership-read.test.ts), and the character is shown as its code point.
      expect(code).toBe(2);
      const lines = linesOf([...io.outs, ...io.errs]);
      expect(lines.some((l) => l.includes('argocd.namespace holds U+000A at position 7'))).toBe(true);
      expect(lines.filter((l) => l.startsWith('::'))).toEqual([]);
    } finally {
      await one.close();
    }
  });

  it('(b) access --format html on a head’s manifests: no warning line is a workflow command', async () => {
    const dir = tempDir('orgctl-r29-manifests-');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'binding.yaml'),
      [
        'apiVersion: rbac.authorization.k8s.io/v1',
        'kind: RoleBinding',
        'metadata:',
        `  name: ${JSON.stringify(`x\n${WORKFLOW_COMMAND}`)}`,
        '  namespace: apps',
        'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: nothing}',
        'subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: bob}]',
        '',
      ].join('\n'),
    );
    const r = await run(['access', '--format', 'html', '--dir', dir, '--out', join(dir, 'access.html')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('warning manifests RoleBinding apps/x'); // the binding is warned about
    expect(r.stderr.split('\n').filter((l) => l.startsWith('::'))).toEqual([]);
  });

  it('(c) orgctl members on a terminal: a token’s name prints no row of the author’s', () => {
    const dir = exampleDistCopy('orgctl-r29-tty-');
    const file = join(dir, 'members.json');
    const text = readFileSync(file, 'utf8');
    const forgedRow = 'eve@evil.example       eve      yes    yes      active';
    writeFileSync(file, text.replace('"name": "Notebook"', `"name": ${JSON.stringify(`Notebook\n${forgedRow}`)}`));
    expect(readFileSync(file, 'utf8')).not.toBe(text);
    const orgctl = [process.execPath, join(ROOT, 'bin/orgctl.mjs'), 'members', '--dir', dir]
      .map((w) => `'${w}'`)
      .join(' ');
    const env = { ...process.env, ORGCTL_TODAY: TODAY, SHELL: '/bin/sh' };
    const tty = spawnSync('script', ['-qec', `${orgctl} 2>&1`, '/dev/null'], { env, encoding: 'utf8' });
    const lines = tty.stdout.replace(/\r\x1b\[K/g, '').split(/\r?\n/);
    expect(lines.some((l) => l.startsWith('mallory-notebook'))).toBe(true); // the token's row is there
    expect(lines.filter((l) => l.startsWith('eve@evil.example'))).toEqual([]);
  });
});

describe('R29-2: the access page’s tooltips', () => {
  it('a cell’s tooltip puts its classes on a line of their own, not after <U+000A>', async () => {
    const r = await run(['access', '--format', 'html', '--dir', join(ROOT, 'dist')]);
    expect(r.code, r.stderr).toBe(0);
    const titles = [...r.stdout.matchAll(/title="([^"]*)"/g)].map((m) => m[1]!);
    expect(titles.some((t) => t.includes('classes: '))).toBe(true);
    expect(titles.filter((t) => t.includes('&lt;U+000A&gt;'))).toEqual([]);
  });
});
