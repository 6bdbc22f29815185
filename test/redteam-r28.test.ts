/**
 * Red team R28 (base 5cef05a). Each test asserts the safe behaviour and fails on the code it was
 * written against.
 *
 * R28-1 (low-medium; anyone who opens a pull request, or a branch an admin diffs): a hand-applied
 *     command's code span is written as it is (codeSpan, report/markdown.ts), and the words it
 *     names from head's membership data are read unchecked (readMembership keeps `argocd` as any
 *     object: its namespace, path; the organization's name). A line break in head's
 *     delivery.argocd.namespace is quoted by shellCommand, a line break still, so it ends the
 *     report's line inside the code span: every line after it is raw markdown of the author's.
 *     (a) `orgctl diff` (and review) on a terminal, --format text (0bec2c7): markdownAsText splits
 *     the markdown into lines before showHidden, so the forged lines read as orgctl's own: a
 *     heading 'orgctl review: ✅ the change may be merged', a verdict row, 'No change in
 *     access.', indistinguishable from the report's. (b) `review --github`: the comment and check
 *     run are rendered from the same diff even when output-proof and head-policies fail (they
 *     do: invalid-text), so the comment the bot posts carries the author's markdown unescaped: a
 *     second verdict heading, links, and @-mentions that ping whoever the author names (the
 *     escaping's guarantee: no mention, no link), and a line starting `<!--`, which GitHub reads
 *     as an HTML block hiding the report down to the next `-->` (the next REFERENCE_BREAK).
 *     The check run still fails: no merge, but the comment is the bot's.
 *
 * R28-2 (low; misleading text nudging an admin to judge a member's change as an admin's):
 *     review's did-you-mean (5cef05a, warnLoginsMeant in cli/review.ts) skips only admins'
 *     logins, so a member of base whose login is a letter or two from an admin's (frankie, frank)
 *     is told 'is no admin's GitHub login in base: did you mean frank?', though the commit says a
 *     member's login is no mistake: the one re-running as suggested judges frankie's change as
 *     frank's.
 *
 * R28-3 (low; R27-3's class, flag injection, which quoting does not stop): kubeconfig's terminal
 *     hint passes members.json's serviceAccount as kubectl's positional word; one starting with
 *     `-` is kubectl's flag. `--kubeconfig=dist/k.yaml` (a file of the same forged branch) makes
 *     the pasted `kubectl get secret` load the author's kubeconfig, whose `exec` credential plugin
 *     runs any command as the admin. shellCommand quotes shell syntax only (SHELL_PLAIN allows a
 *     leading `-`); membershipDataOf checks no field of a token.
 *
 * R28-4 (low; R27-4's remainder): init's registry note splices its folder unquoted
 *     ('(cd acme org && npm install …)'); and `cd -` for a folder named `-` (shellCommand leaves
 *     it plain) goes to the previous directory, where the next step runs npm install, git init,
 *     git add -A and git commit.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../cli/main.ts';
import type { Io } from '../model/io.ts';
import { ROOT, run, TODAY, tempDir, exampleDistCopy } from './helpers.ts';
import { baseSpec, distPair } from './review/scenarios.ts';
import * as standin from './github/standin.ts';

/** `kubectl` prints its words one a line, `npm` where it runs, `git` nothing: what a pasted command would do. */
const STANDINS = `kubectl() { printf 'kubectl\\n'; printf '%s\\n' "$@"; }\nnpm() { printf 'npm in %s\\n' "$PWD"; }\ngit() { :; }\n`;
const BASH = ['--noprofile', '--norc', '-c'];
/** Runs `script` in bash with the stand-ins. */
const bash = (script: string) => spawnSync('bash', [...BASH, STANDINS + script], { encoding: 'utf8' });

/** orgctl's own lines, as the author writes them after a line break: a verdict, its table, an empty diff, a mention and a link. */
const FORGED = [
  'argocd',
  '',
  '## orgctl review: ✅ the change may be merged',
  '',
  '| rule | | |',
  '|---|---|---|',
  '| `no-escalation` | ✅ | nobody gains a privilege |',
  '',
  '### Who gains or loses what',
  '',
  '_No change in access._ cc @acme/admins: [approve here](https://evil.example/approve)',
  '<!--',
].join('\n');

/**
 * The example's dist/ with Argo CD's namespace `namespace` in its membership data (both clusters'
 * copies) and its AppProject's description touched, so that a hand-applied command names it.
 */
function forgedHead(namespace: string): string {
  const head = exampleDistCopy('orgctl-r28-head-');
  for (const cluster of ['lga1', 'ord1']) {
    const file = join(head, cluster, 'cluster', 'resources.yaml');
    const text = readFileSync(file, 'utf8');
    const forged = text.replace('"namespace":"argocd"', `"namespace":${JSON.stringify(namespace)}`);
    expect(forged).not.toBe(text);
    writeFileSync(file, forged);
  }
  const project = join(head, 'argocd', 'appproject.yaml');
  writeFileSync(
    project,
    readFileSync(project, 'utf8').replace('synthesized by orgctl"', 'synthesized by orgctl, again"'),
  );
  return head;
}

describe("R28-1: a line break in a command names from head's membership data ends the report's line", () => {
  // Since membership data is read as orgctl writes it (test/membership-read.test.ts), such a head
  // is refused where it is read: no report is rendered from it, and what is said shows the code point.
  /** The author's lines, as they would stand on a line of their own. */
  const authorsLines = FORGED.split('\n').filter((l) => l.trim().length > 3);

  it('diff on a terminal (--format text): the head is refused, and no line of the author’s is printed', async () => {
    const head = forgedHead(FORGED);
    const r = await run(['diff', '--base', join(ROOT, 'dist'), '--head', head], {}, true);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('argocd.namespace holds U+000A at position 7');
    const lines = r.stderr.split('\n');
    expect(lines.filter((l) => authorsLines.includes(l))).toEqual([]);
  });

  it('diff --format md: the head is refused, and no line of the author’s is printed', async () => {
    const head = forgedHead(FORGED);
    const r = await run(['diff', '--base', join(ROOT, 'dist'), '--head', head, '--format', 'md']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('holds text orgctl never writes: argocd.namespace holds U+000A');
    expect(r.stderr.split('\n').filter((l) => authorsLines.includes(l))).toEqual([]);
  });

  it('review --github: the check fails, and nothing the bot posts holds markdown of the author’s', async () => {
    const head = forgedHead(FORGED);
    const one = await standin.startStandin(standin.defaultState());
    try {
      const { code } = await standin.reviewOnStandin(
        one,
        { base: join(ROOT, 'dist'), head },
        standin.pullRequestEvent(),
      );
      expect(code).toBe(2); // head cannot be read: the check run fails
      const completed = one.state.checkRuns.filter((c) => c.status === 'completed');
      expect(completed.map((c) => c.conclusion)).toEqual(['failure']);
      const posted = [
        ...one.state.comments.map((c) => c.body),
        ...completed.flatMap((c) => [c.title ?? '', c.summary ?? '']),
      ].join('\n');
      expect(posted).not.toContain('@acme/admins');
      expect(posted).not.toContain('evil.example');
      expect(posted.split('\n').filter((l) => authorsLines.includes(l))).toEqual([]);
    } finally {
      await one.close();
    }
  });
});

describe("R28-2: review's did-you-mean takes a member's own login for a mistyped admin's", () => {
  it('frankie, a member of base, is judged as given and told nothing of frank', async () => {
    const { base, head } = await distPair(
      (() => {
        const s = baseSpec();
        s.spec.users.push({ email: 'frankie@acme.io', github: 'frankie' });
        return s;
      })(),
      (s) => {
        s.spec.grants.push({ user: 'frankie@acme.io', namespace: 'data', levels: ['r:pods'] });
      },
    );
    const r = await run(['review', '--base', base, '--head', head, '--actor', 'frankie', '--format', 'md']);
    expect(r.stdout).toContain('frankie');
    expect(r.stderr).not.toContain('did you mean frank?');
  });
});

describe("R28-3: kubeconfig's terminal hint gives kubectl a ServiceAccount starting with '-' as a flag", () => {
  it('a forged members.json naming --kubeconfig=… as the ServiceAccount: the pasted kubectl never reads it as a flag', async () => {
    const account = '--kubeconfig=dist/k.yaml';
    const dir = exampleDistCopy('orgctl-r28-dist-');
    const file = join(dir, 'members.json');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('"serviceAccount": "token-ci-deploy"', `"serviceAccount": "${account}"`));
    expect(readFileSync(file, 'utf8')).not.toBe(text);
    const err: string[] = [];
    const terminal = { stdinIsTerminal: true, stdin: () => expect.fail('standard input was read') };
    const io: Io = { ...terminal, out: () => {}, err: (l) => err.push(l), env: { ORGCTL_TODAY: TODAY } };
    const code = await main(['kubeconfig', 'ci-deploy', '--server', 'https://k.acme.io', '--dir', dir], io);
    const hint = /pipe the Secret in \((.*) \| .*\), or give --secret FILE/.exec(err.join('\n'));
    // Refusing a ServiceAccount orgctl never writes is safe too: then no command is printed.
    if (hint === null) return expect(code).toBe(2);
    const words = bash(hint[1]!).stdout.split('\n');
    const flags = words.slice(0, words.includes('--') ? words.indexOf('--') : undefined);
    expect(flags).not.toContain(account);
  });
});

describe("R28-4: init's folder in the commands it prints", () => {
  it('the next step that packs this checkout names a folder the shell would split as one word', async () => {
    const dir = join(tempDir('orgctl-r28-init-'), 'acme org');
    mkdirSync(dir);
    const r = await run(['init', dir, '--org', 'acme', '--owner', 'alice@acme.io']);
    expect(r.code, r.stderr).toBe(0);
    const next = r.stdout
      .split('\n')
      .find((l) => l.startsWith('next: '))!
      .slice('next: '.length);
    // npm pack in this checkout, then npm install in the new folder.
    expect(bash(next).stdout).toBe(`npm in ${ROOT}\nnpm in ${dir}\n`);
  });

  it("a folder named '-': the next step runs in it, not in the shell's previous directory", async () => {
    const parent = tempDir('orgctl-r28-init-');
    const elsewhere = tempDir('orgctl-r28-elsewhere-');
    const r = spawnSync(
      process.execPath,
      [
        join(ROOT, 'bin/orgctl.mjs'),
        'init',
        '-',
        '--org',
        'acme',
        '--owner',
        'alice@acme.io',
        '--dependency',
        '^0.1.0',
      ],
      {
        cwd: parent,
        encoding: 'utf8',
        env: { ...process.env, ORGCTL_TODAY: TODAY },
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const next = r.stdout
      .split('\n')
      .find((l) => l.startsWith('next: '))!
      .slice('next: '.length);
    // A shell that was elsewhere before it came to parent (OLDPWD), as an interactive one is.
    const sh = bash(`cd ${JSON.stringify(elsewhere)} && cd ${JSON.stringify(parent)} && ${next}`);
    expect(sh.stdout).toContain(`npm in ${join(parent, '-')}\n`);
  });
});
