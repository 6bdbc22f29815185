/**
 * `orgctl diff` and `orgctl review` for a person at a terminal (`--format text`, the default when
 * standard output is one): the report the pull-request comment holds, as a reader of the rendered
 * comment sees it: no HTML comment (`bob@<!-- -->acme.io`), backslash escape, entity or code-span
 * fence, and no character that acts on the terminal (a forged dist/ may name anything).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeMarkdown, renderMarkdown, WHOLE } from '../report/markdown.ts';
import { markdownAsText } from '../report/markdown-text.ts';
import type { AccessDiff } from '../analysis/diff.ts';
import { ROOT, TODAY, run, exampleDistCopy } from './helpers.ts';
import { baseSpec, distPair, reviewPair, type Spec } from './review/scenarios.ts';

/** A character that acts on a terminal rather than showing: C0 and C1 controls, format characters. */
const ACTS = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
/** The lines of `text` holding a character that acts on a terminal (its line breaks are its own). */
const acting = (text: string) => text.split('\n').filter((line) => ACTS.test(line));

/** `orgctl ARGS` in this process, standard output a terminal or not. */
async function runOn(terminal: boolean, args: readonly string[]): Promise<{ code: number; stdout: string }> {
  const { code, stdout } = await run(args, {}, terminal);
  return { code, stdout };
}

describe('markdownAsText: what a reader of the rendered comment sees', () => {
  // Each is declared text the comment escapes; a reader of the rendered comment sees it as written.
  const texts = [
    'bob@acme.io',
    'new_hire@acme.io (GitHub new-hire)',
    'a | b \\| c \\',
    '*bold* **x** _it_ ~~s~~',
    '`x` ``y`` ```z``` ` a `',
    'see https://ci.acme.io/a_b?q=1|x, then www.acme.io.',
    '&amp; &#64; &lt; & <b> <!-- hidden --> <!-- -->',
    '@acme/admins #1 GH-2 acme/org#3',
    'commit a5c3785 and deadbeefcafe',
    '[link](https://x.io) ![img](y) \\_ \\\\',
    '-p \'{"spec":{"prune":false}}\'',
  ];

  it.each(texts)('%s: as written, outside a table and in one', (text) => {
    expect(markdownAsText(`- ${escapeMarkdown(text)}`)).toBe(`- ${text}`);
    const table = ['| rule | | |', '|---|---|---|', `| \`a-rule\` | ✅ | ${escapeMarkdown(text, true)} |`].join('\n');
    expect(markdownAsText(table)).toBe(`a-rule  ✅  ${text}`);
  });

  it('a character that would act on the terminal is shown as its code point, as the comment shows it', () => {
    const forged = 'CI \x1b[31mdeploy\r\u202eevil\u200b\x07\u009b';
    const text = markdownAsText(`- ${escapeMarkdown(forged)}`);
    expect(text).toBe('- CI <U+001B>[31mdeploy <U+202E>evil<U+200B><U+0007><U+009B>');
    expect(text).not.toMatch(ACTS);
  });

  it('and so is one in a code span, which the comment writes as it is (a command names what dist/ holds)', () => {
    const md = `- apply it: \`kubectl delete ns a\x1b]8;;x\x07\u202e\`, then \`\x1b[2J\``;
    expect(markdownAsText(md)).toBe('- apply it: kubectl delete ns a<U+001B>]8;;x<U+0007><U+202E>, then <U+001B>[2J');
  });

  it("orgctl's own markup: the marker and headings, titles in bold, italics, the verdict's table", () => {
    const md = [
      '<!-- orgctl-review -->',
      '## orgctl review: ❌ the change breaks a rule',
      '',
      '| rule | | |',
      '|---|---|---|',
      "| `self-edit` | ✅ | no author's own privileges change |",
      '| `settings-change` | ❌ | settings change (shards 8 → 2) |',
      '',
      '**Failing findings**',
      '',
      '- `mass-removal` ❌ removes bob\\_x@<!-- -->acme.io',
      '- _… and 3 more. Run `orgctl review` for every one._',
      '',
      '### Who gains or loses what',
      '',
      '**bob@<!-- -->acme.io (GitHub bob)**',
      '- gains w:configmaps in web',
      '- _… and 2 more_',
      '',
      '_No change in access._',
      '',
    ].join('\n');
    expect(markdownAsText(md)).toBe(
      [
        'orgctl review: ❌ the change breaks a rule',
        '',
        "self-edit        ✅  no author's own privileges change",
        'settings-change  ❌  settings change (shards 8 → 2)',
        '',
        'Failing findings',
        '',
        '- mass-removal ❌ removes bob_x@acme.io',
        '- … and 3 more. Run orgctl review for every one.',
        '',
        'Who gains or loses what',
        '',
        'bob@acme.io (GitHub bob)',
        '- gains w:configmaps in web',
        '- … and 2 more',
        '',
        'No change in access.',
        '',
      ].join('\n'),
    );
  });

  it('a hand-applied command reads as written, whole (a person copies it), and nothing is cut', () => {
    const command = `kubectl -n argocd patch applicationset acme-access --type merge -p '{"spec":{"template":{"spec":{"syncPolicy":{"automated":{"prune":false}}}}}}'`;
    const many = Array.from({ length: 3000 }, (_, i) => `user_${i}@acme.io`);
    const diff: AccessDiff = {
      namespaces: { added: [], removed: [] },
      people: many.map((id) => ({ id, changes: [{ kind: 'gains', text: 'gains r:pods in web_1' }] })),
      tokens: [],
      customRbac: [],
      clusters: [],
      settings: [],
      guardRails: [],
      handApplied: [
        { file: 'dist/', change: 'changed', text: 'suspend pruning', commands: [command, 'argocd app sync'] },
      ],
      stats: { users: { base: 0, losing: 0 }, grants: { base: 0, lost: 0 }, tokens: { base: 0, losing: 0 } },
    };
    const text = markdownAsText(renderMarkdown(diff, undefined, WHOLE));
    expect(text).toContain(`\nApplied by hand after merge\n- suspend pruning: ${command}, then argocd app sync\n`);
    expect(text).toContain('\nuser_2999@acme.io\n- gains r:pods in web_1\n');
    expect(text.split('\n').filter((l) => l === '- gains r:pods in web_1')).toHaveLength(many.length);
  });
});

/** Argo CD delivery in two clusters, 8 shards. */
function withArgo(): Spec {
  const s = baseSpec();
  s.spec.clusters = ['lga1', 'ord1'];
  s.spec.delivery = { argocd: { repoURL: 'https://github.com/acme/org.git', namedClusterResources: true }, shards: 8 };
  return s;
}

/** 8 shards to 2 (a hand-applied rollout with a quoted patch), a token renamed with markdown in its name, a user with `_`. */
const CHANGE = (h: Spec) => {
  h.spec.delivery.shards = 2;
  h.spec.tokens[0].name = 'CI | deploy_bot `x` *y* https://ci.acme.io/a_b?q=1 & <b> @frank #1 &#64;';
  h.spec.users.push({ email: 'new_hire@acme.io', github: 'new-hire' });
  h.spec.grants.push({ user: 'new_hire@acme.io', namespace: 'web', levels: ['r:pods'] });
};

describe('orgctl diff and review --format text', () => {
  it('diff: the same report as the markdown, line for line, as its reader sees it', async () => {
    const sides = await distPair(withArgo(), CHANGE);
    const args = ['diff', '--base', sides.base, '--head', sides.head];
    const md = (await run([...args, '--format', 'md'])).stdout;
    const text = (await run([...args, '--format', 'text'])).stdout;
    expect(text).toBe(markdownAsText(md));
    const lines = text.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'Who gains or loses what',
      '',
      'Organization',
      expect.stringMatching(/^- setting shards 8 → 2: /),
    ]);
    expect(lines).toContain('new_hire@acme.io (GitHub new-hire)');
    expect(lines).toContain(
      '- is renamed "CI" → "CI | deploy_bot `x` *y* https://ci.acme.io/a_b?q=1 & <b> @frank #1 &#64;" (same ServiceAccount: the token is not rotated)',
    );
    const applied = lines[lines.indexOf('Applied by hand after merge') + 1]!;
    expect(applied).toMatch(
      /^- shards change from 8 to 2: .*\(what they applied stays, now the new Applications'\): kubectl -n argocd patch /,
    );
    expect(applied).toContain(
      `: kubectl -n argocd patch applicationset acme-access --type merge -p '{"spec":{"template":{"spec":{"syncPolicy":{"automated":{"prune":false}}}}}}', then kubectl get -n argocd applications.argoproj.io `,
    );
    expect(text).not.toMatch(/<!--|\\|&amp;|\*\*|`kubectl|^#/m);
  });

  it('review: the verdict as a table of rule, mark and message, then the same diff', async () => {
    const sides = await distPair(withArgo(), CHANGE);
    const r = await reviewPair(sides, '--actor', 'alice', '--format', 'text');
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'orgctl review: ❌ the change breaks a rule',
      '',
      expect.stringMatching(/^output-proof +✅ {2}head dist\/ is /),
    ]);
    expect(lines).toContain('owner-immutable         ✅  the owner alice@acme.io stays an active admin');
    expect(lines).toContain(
      'settings-change         ❌  settings change (shards 8 → 2): an admin who is not an author must approve the head commit',
    );
    expect(lines).toContain('new_hire@acme.io (GitHub new-hire)');
    const md = (await reviewPair(sides, '--actor', 'alice', '--format', 'md')).stdout;
    expect(r.stdout).toBe(markdownAsText(md));
  });

  it('a forged dist/ naming a token with ESC, CR and U+202E: their code points reach the terminal, never they', async () => {
    const head = exampleDistCopy();
    for (const cluster of ['lga1', 'ord1']) {
      const file = join(head, cluster, 'cluster', 'resources.yaml');
      const forged = readFileSync(file, 'utf8').replace(
        '"name":"CI deploy"',
        '"name":"CI \\u001b[31mdeploy\\r\\u202eevil_x|y \\u001b]8;;https://evil.example\\u0007"',
      );
      writeFileSync(file, forged);
    }
    const r = await run(['diff', '--base', join(ROOT, 'dist'), '--head', head], {}, true);
    // Refused where the membership data is read (test/membership-read.test.ts): nothing is printed but why.
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('tokens.jsonl line 1 holds text orgctl never writes: name holds U+001B at position 4');
    expect(acting(r.stderr)).toEqual([]);
  });
});

describe('the default: text on a terminal, markdown anywhere else', () => {
  const args = ['--base', join(ROOT, 'dist'), '--head', join(ROOT, 'dist')];
  const reviewArgs = ['review', ...args, '--actor', 'alice'];

  it('diff and review print text to a terminal, the markdown to a pipe or file, byte for byte as --format md', async () => {
    for (const command of [['diff', ...args], reviewArgs]) {
      const md = await runOn(false, [...command, '--format', 'md']);
      expect(md.stdout.startsWith('<!-- orgctl-review -->\n'), command[0]).toBe(true);
      expect(await runOn(false, command)).toEqual(md);
      expect(await runOn(true, command)).toEqual({ code: md.code, stdout: markdownAsText(md.stdout) });
      expect(await runOn(true, [...command, '--format', 'text'])).toEqual(
        await runOn(false, [...command, '--format', 'text']),
      );
      // Asked for, markdown it is, on a terminal too.
      expect(await runOn(true, [...command, '--format', 'md'])).toEqual(md);
    }
  });

  it('the real process asks its standard output: a pseudo-terminal gets text, a pipe markdown', () => {
    // Standard error elsewhere: on a terminal it shows progress lines, which are not the report.
    const orgctl = [process.execPath, join(ROOT, 'bin/orgctl.mjs'), 'diff', ...args, '2>/dev/null'].join(' ');
    const env = { ...process.env, ORGCTL_TODAY: TODAY, SHELL: '/bin/sh' };
    // script(1) runs the command on a pseudo-terminal (util-linux: -q quiet, -e its exit code, -c the command).
    const tty = spawnSync('script', ['-qec', orgctl, '/dev/null'], { env, encoding: 'utf8' });
    expect(tty.status, tty.stderr).toBe(0);
    expect(tty.stdout.replace(/\r\n/g, '\n')).toBe('Who gains or loses what\n\nNo change in access.\n\n');
    const piped = spawnSync('/bin/sh', ['-c', orgctl], { env, encoding: 'utf8' });
    expect(piped.stdout).toBe('<!-- orgctl-review -->\n### Who gains or loses what\n\n_No change in access._\n\n');
  });

  it("each command's help says which is the default where", async () => {
    for (const command of ['diff', 'review']) {
      const help = (await run([command, '--help'])).stdout;
      expect(help, command).toMatch(/--format text\|md\|json/);
      expect(help, command).toMatch(/text \(the default when standard output is a terminal/);
      expect(help, command).toMatch(/md \(the default otherwise/);
    }
  });
});
