/**
 * Red team R67 (base 4c09955). Each test asserts the safe behaviour and fails on the code it was
 * written against.
 *
 * R67-1 (medium; what a terminal or a report shows): a character that draws as nothing but is no
 *     control or format character (a Hangul filler U+3164 or U+115F, the combining grapheme joiner
 *     U+034F, the braille blank U+2800, a variation selector after a letter) passed showHidden and
 *     terminalText as it is (model/text.ts's HIDDEN is Cc, Cf and the separators), while
 *     invalid-text refuses it in a declaration (its INVISIBLE). A cluster dump or a forged dist/
 *     names subjects freely: a ClusterRoleBinding to cluster-admin for User `alice` + U+3164 reads
 *     as `User alice` in who-can, access (text and the HTML page) and import's report, another
 *     identity than alice holding the cluster.
 *
 * R67-2 (low; R29-1's class, a path it did not reach): can-i prints a cluster dump's RBAC as it is.
 *     --list's table (tabwriter, cli/can-i.ts) writes a rule's resources, verbs, resource names and
 *     URLs raw, and --why's line a binding's and a role's names and the rule: a ClusterRole whose
 *     verb is `list` + a line break + `::error title=orgctl::…` prints a line of its author's, on a
 *     terminal (terminalText keeps the line break) and in a CI log (a workflow command); a
 *     direction override or a Hangul filler passed through a pipe as it is. who-can's table showed
 *     each cell on one line (R29-1); can-i's did not.
 *
 * R67-3 (low; R29-1's class): can-i's and who-can's warning for a user named in no binding offers
 *     the nearest name the dump binds (`did you mean …?`, warnUnknown, cli/rbac.ts) as it is: a
 *     subject `dave@acme.io` + a line break + `::error …` puts a line of its author's on standard
 *     error for whoever mistypes dave's name (through a pipe: a CI log), and one + U+3164 reads
 *     as `dave@acme.io` itself.
 *
 * R67-4 (low; R30-1's class, a path it did not reach): import --from DIR refuses a dump whose file
 *     does not parse, naming the file as it is (unreadable, cli/import.ts): a file of the dump named
 *     `x` + a line break + `::error …` prints a line of its own on standard error. access --dir
 *     names the same file on one line (loadAuthorizer's warn).
 *
 * R67-5 (low; R29-1's class): the file a missing path meant (`did you mean …?`, meantBeside,
 *     cli/manifests.ts) is named as it is: a sibling named `x` + a line break + `::error …` is
 *     offered with its line break for a path one slip from it.
 *
 * Held (probed with a dump's names, rule fields and a forged dist/ holding ESC, CR, U+202E and line
 *     breaks): on a terminal processIo writes every line through terminalText (ESC, U+009B, OSC 8,
 *     CR, BS, NUL, U+202E as code points; the progress line too); who-can's, access's and
 *     members' tables show each cell on one line; import's notes, loadAuthorizer's warnings and
 *     findings go through showHidden; the HTML pages (access, diff) through escapeHtml (markup
 *     escaped, then showHidden; a CSP); access --format json (the only outLine) is ASCII JSON; a
 *     forged dist/'s odd line is refused by the strict reader, quoted with JSON.stringify.
 *
 * Not done: through a pipe or into a file, a plain line (no table) keeps ESC, U+202E and what
 *     draws as nothing as they are, by design (terminal-output: a typed --as keeps its bytes), so
 *     the strict reader's quoted line keeps a raw U+202E or U+3164 in a CI log; space-like
 *     characters (U+00A0, U+2000-U+200A, U+3000, a trailing space) in a dump's subject are not
 *     shown (`alice` + U+00A0 reads as `alice `); confusables in a dump's names (a Cyrillic `а`)
 *     are not flagged by who-can or access (lookalike-identity judges declarations); explain,
 *     diff and review text were probed with names only, not with every field.
 */
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { showHidden, terminalText } from '../model/text.ts';
import { ROOT, run, tempDir } from './helpers.ts';

const DUMP = join(ROOT, 'test/fixtures/redteam-r67');
const DRAWS_AS_NOTHING = /\u3164|\u115f|\u034f|\u2800/u;

describe('R67-1: characters that draw as nothing', () => {
  it('showHidden and terminalText write each as its code point; an emoji keeps its variation selector', () => {
    expect(showHidden('alice\u3164 bob\u034f ops\u115f x\u2800 y\ufe0f')).toBe(
      'alice<U+3164> bob<U+034F> ops<U+115F> x<U+2800> y<U+FE0F>',
    );
    expect(terminalText('alice\u3164\tbob\u034f\n\u2800')).toBe('alice<U+3164>\tbob<U+034F>\n<U+2800>');
    expect(showHidden('\u2764\ufe0f')).toBe('\u2764\ufe0f');
  });

  it('who-can names User alice + U+3164 as it is written, not as alice', async () => {
    const r = await run(['who-can', 'get', 'pods', '-n', 'web', '--dir', DUMP]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('alice<U+3164>');
    expect(r.stdout).toContain('bob<U+034F>');
    expect(r.stdout).not.toMatch(DRAWS_AS_NOTHING);
  });

  it('access, its text and its HTML page', async () => {
    for (const [format, shown] of [
      ['text', 'alice<U+3164>'],
      ['html', 'alice&lt;U+3164&gt;'],
    ]) {
      const r = await run(['access', '--dir', DUMP, '--format', format!]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(shown);
      expect(r.stdout).not.toMatch(DRAWS_AS_NOTHING);
    }
  });

  it("import's report names the binding and the subjects as written", async () => {
    const r = await run(['import', '--from', join(DUMP, 'invisible-names.yaml')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('ops-admins<U+2800>');
    expect(r.stderr).not.toMatch(DRAWS_AS_NOTHING);
  });
});

describe("R67-2: can-i's list and why name a dump's rules and bindings on one line", () => {
  const asked = ['-n', 'web', '--as', 'carol', '--dir', DUMP];
  const forged = (text: string) => text.split('\n').filter((l) => l.startsWith('::'));

  it('--list: every cell of the table is one line', async () => {
    const r = await run(['can-i', '--list', ...asked]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('list<U+000A>::error title=orgctl::verb');
    expect(forged(r.stdout)).toEqual([]);
  });

  it('--why: the binding, the role and the rule on one line', async () => {
    const r = await run(['can-i', 'get', 'pods', '--why', ...asked]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('readers<U+000A>::error title=orgctl::binding');
    expect(forged(r.stdout)).toEqual([]);
  });
});

describe('R67-3: the name a warning offers for a typo', () => {
  it("is shown on one line: no line of the dump's author's on standard error", async () => {
    const r = await run(['can-i', 'get', 'pods', '-n', 'web', '--as', 'dave@acme.i', '--dir', DUMP]);
    expect(r.stderr).toContain('did you mean dave@acme.io<U+000A>::error title=orgctl::near?');
    expect(r.stderr.split('\n').filter((l) => l.startsWith('::'))).toEqual([]);
  });
});

/** import --from (`from` of the folder) of a folder holding one file named with a line break and `content`: its refusal. */
async function importRefused(content: string, from: (dir: string) => string) {
  const dump = tempDir('orgctl-r67-dump-');
  writeFileSync(join(dump, 'x\n::error title=orgctl::file.yaml'), content);
  const r = await run(['import', '--from', from(dump)]);
  expect(r.code).toBe(2);
  expect(r.stderr.split('\n').filter((l) => l.startsWith('::'))).toEqual([]);
  return r.stderr;
}

describe("R67-4: import's refusal names a dump's file on one line", () => {
  it('a file named with a line break prints no line of its own', async () => {
    expect(await importRefused('a: [\n', (dump) => dump)).toContain('x<U+000A>::error title=orgctl::file.yaml');
  });
});

describe('R67-5: the file a missing path meant', () => {
  it('is named on one line', async () => {
    const path = (dump: string) => join(dump, 'x::error title=orgctl::file.yaml');
    expect(await importRefused('a: 1\n', path)).toContain('x<U+000A>::error title=orgctl::file.yaml?');
  });
});
