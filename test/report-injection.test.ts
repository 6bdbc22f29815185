/**
 * What a pull request's author can make the review's comment, check-run summary and
 * HTML pages show (a red-team review): each test asserts the safe behaviour, and failed before its fix.
 *
 * K1: a custom rule's strings (resources, verbs, apiGroups) are checked by no text rule, and
 *     escapeMarkdown turns `\r?\n` into a space but keeps a lone `\r`, which CommonMark (GitHub)
 *     reads as a line ending: author text leaves its list item or table row.
 * K2: the same strings carry bidirectional and invisible characters (U+202E, U+200B) into the
 *     comment and the diff page, which invalid-text refuses everywhere else.
 * K3: escapeMarkdown keeps `&`, so an entity (`&#8203;`, `&#x202E;`) in an email or a token name
 *     passes invalid-text as ASCII and GitHub renders the character it names.
 * K4: author text becomes a link: GFM autolinks bare URLs (`https://...`, `www.`).
 * K5: the check-run summary was cut to 65,535 UTF-16 units; GitHub's limit is 65,535 bytes.
 * K6: a cut comment kept whole blocks in alphabetical order: padding before a person pushed the
 *     only privilege-class gain out of the comment and the check-run summary.
 * R13-F2: an `@` written `&#64;` still mentions: GitHub finds mentions, issue references (`#1`,
 *     `GH-1`, `owner/repo#1`), email addresses and commit SHAs in the rendered HTML's text, where
 *     the entity is an `@` again (github/cmark-gfm#181). A namespace annotation `please approve
 *     @acme/admins, as in #1` made the trusted bot ping a team and link another thread.
 * R15-F2: a long line (and a failing check's reason) was cut on bytes of its escaped markdown,
 *     wherever they fell: inside a code span (its closing backtick then opened one, and the URL,
 *     mention or hex run it held went live), between `\` and what it escapes, inside `<!-- -->`
 *     (which then hid the cut marker and the `[cut here, among them …]` note, R15-F3), or inside a
 *     word, leaving a bare run of 7+ hex digits GitHub links as a commit.
 * R16-F1: so a code span was never cut, and a long one (an author's URL-ish run) was dropped whole:
 *     a 3,000-byte cut of a reason with a 5,000-byte `www.aaa…` kept 12 bytes.
 */
import { safeCuts } from '../report/safe-cuts.ts';
import { describe, expect, it } from 'vitest';
import { clipBytes, escapeMarkdown, renderMarkdown, sizeOf } from '../report/markdown.ts';
import { CHECK_SUMMARY_LIMIT } from '../github/adapter.ts';
import { baseSpec, diffOf, distPair, judge, reviewPair, type Spec } from './review/scenarios.ts';
import { longLineCuts, seededTexts, textGitHubSees, textShown } from './github-rendering.ts';

/** Lines as CommonMark (GitHub) splits them: LF, CR and CRLF all end a line. */
const commonMarkLines = (md: string) => md.split(/\r\n|\r|\n/);
/** Bidirectional and invisible formatting characters invalid-text refuses in every other text. */
const FORMATTING = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;
/** A numeric character reference GitHub would decode (but an escaped `\&`). */
const AUTHOR_ENTITY = /(?<!\\)&#(x[0-9a-f]+|[0-9]+);/i;

/** Markdown without its code spans, escapes kept as written. */
const withoutCode = (md: string) =>
  md.replace(/\\([!-/:-@[-`{-~])|(`+)([\s\S]*?)(?<!`)\2(?!`)/g, (all, escaped) => (escaped !== undefined ? all : ''));

/** What GitHub's post-processing turns into a mention, a reference or a link, in the text it sees. */
const GITHUB_LINKS = [
  ['a mention, a team mention or an email address', /@[a-z0-9]/i],
  ['an issue or pull request reference (#1, owner/repo#1)', /#\d/],
  ['a GH- reference', /gh-\d/i],
  ['a commit SHA', /(?<![0-9a-z])[0-9a-f]{7,40}(?![0-9a-z])/i],
  ['a URL', /:\/\/|www\./i],
] as const;

/** The first of GITHUB_LINKS GitHub would find in `md`, as `what: text`; undefined when none. */
function linkIn(md: string): string | undefined {
  const seen = textGitHubSees(md);
  for (const [what, pattern] of GITHUB_LINKS) {
    const m = pattern.exec(seen);
    if (m) return `${what}: ${JSON.stringify(seen.slice(Math.max(0, m.index - 20), m.index + 20))}`;
  }
  return undefined;
}

/** bob (not an admin) holds custom role `deployer` in data. */
function withDeployer(): Spec {
  const s = baseSpec();
  s.spec.customRoles = [
    { name: 'deployer', rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] }] },
  ];
  s.spec.grants.push({ user: 'bob@acme.io', namespace: 'data', customRole: 'deployer' });
  return s;
}

const FORGED = 'x\r\r## orgctl review: ✅ the change may be merged\r\r---\r';

describe('K1, K2: a line break or a formatting character in a custom rule', () => {
  it('is refused at the declaration (invalid-text), wherever a rule is written', async () => {
    const { run, tempDir } = await import('./helpers.ts');
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const rule = (resource: string) => [{ apiGroups: ['apps'], resources: [resource], verbs: ['get'] }];
    for (const [where, edit] of [
      ['a custom role', (s: Spec) => s.spec.customRoles[0].rules.push(...rule(FORGED))],
      [
        'inline rules',
        (s: Spec) => s.spec.grants.push({ user: 'erin@acme.io', namespace: 'web', rules: rule('\u202eAAA') }),
      ],
      [
        'a token',
        (s: Spec) => s.spec.tokens.push({ id: 'bot', rbac: [{ namespace: 'data', rules: rule('a\u200bb') }] }),
      ],
    ] as const) {
      const spec = withDeployer();
      edit(spec);
      const file = join(tempDir(), 'org.json');
      writeFileSync(file, JSON.stringify(spec));
      const r = await run(['check', '--spec', file]);
      expect(r.code, where).toBe(1);
      expect(r.stderr, where).toMatch(
        /error invalid-text .* holds U\+(000D|202E|200B) at position \d+, an invisible, control or formatting character.*\.rules\[\d+\]\.resources/,
      );
    }
  });

  it('shows as code points in the comment and the diff page, should one reach them (defense in depth)', async () => {
    const { diffHtml } = await import('../report/diff-html.ts');
    const d = diffOf(baseSpec(), (s) => {
      s.spec.grants.push({ user: 'erin@acme.io', namespace: 'data', levels: ['r:pods'] });
    });
    const erin = d.people.find((p) => p.id === 'erin@acme.io')!;
    (erin.changes as unknown as { text: string }[]).push({ text: `gains ${FORGED} and \u202eAAA get secrets` });
    const md = renderMarkdown(d, { ok: true, results: [] });
    expect(md).not.toContain('\r');
    expect(commonMarkLines(md).filter((l) => l.startsWith('## orgctl review'))).toHaveLength(1);
    expect(md).toContain('\\<U+202E\\>AAA get secrets'); // a line break is a space; a direction override its code point
    expect({ comment: FORMATTING.test(md), diffPage: FORMATTING.test(diffHtml(d, 'x')) }).toEqual({
      comment: false,
      diffPage: false,
    });
  });
});

describe('K3: an HTML entity in author text is decoded by GitHub, past invalid-text', () => {
  // An email no longer holds one: `;` is no address's character (invalid-text, red team R70-1).
  it('K3: token name "CI&#x202E;" renders as U+202E', async () => {
    const sides = await distPair(baseSpec(), (s) => {
      s.spec.tokens[0].name = 'CI&#x202E;';
    });
    const r = await reviewPair(sides, '--actor', 'alice', '--format', 'md');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('CI'); // the token is listed...
    expect(r.stdout).not.toMatch(AUTHOR_ENTITY); // ...but never as a character reference GitHub decodes
  });
});

describe('K4: author text becomes a link in the comment', () => {
  it("K4: a safeCustomResources reason's URL is a live link (GFM autolink) beside the approving admin's verdict", () => {
    const d = diffOf(baseSpec(), (s) => {
      s.spec.safeCustomResources = [
        {
          group: 'monitoring.coreos.com',
          resources: ['prometheusrules'],
          reason:
            'reviewed by the orgctl team, see https://orgctl-review.example/approve?pr=42 or www.orgctl-review.example',
        },
      ];
    });
    const md = renderMarkdown(d);
    expect(md).toContain('orgctl-review.example');
    // Outside code spans, no text GitHub turns into a link.
    expect(md.replace(/`[^`\n]*`/g, '')).not.toMatch(/https?:\/\/|www\./i);
  });
});

describe('the check-run summary is measured in bytes, as GitHub counts it', () => {
  it('K5: 600 users with CJK emails: the summary orgctl posts is over 65,535 bytes (GitHub answers 422)', () => {
    const d = diffOf(baseSpec(), (s) => {
      for (let i = 0; i < 600; i++) {
        const email = `張偉${'張'.repeat(60)}${i}@acme.io`;
        s.spec.users.push({ email });
        s.spec.grants.push({ user: email, namespace: 'web', levels: ['r:pods'] });
      }
    });
    const summary = renderMarkdown(d, { ok: true, results: [] }, { maxBytes: CHECK_SUMMARY_LIMIT, fullReport: 'x' });
    expect(summary.length).toBeLessThanOrEqual(CHECK_SUMMARY_LIMIT); // what createCheckRun checks
    expect(Buffer.byteLength(summary, 'utf8')).toBeLessThanOrEqual(CHECK_SUMMARY_LIMIT); // what GitHub checks
  });
});

describe('a cut comment keeps what matters: privilege gains before everyone else', () => {
  it("K6: 250 onboarded users named a-... push erin's new read-secrets out of a passing comment", () => {
    const edit = (s: Spec) => {
      for (let i = 0; i < 250; i++) {
        const email = `a-onboarding-${'x'.repeat(180)}-${i}@acme.io`;
        s.spec.users.push({ email });
        s.spec.grants.push({ user: email, namespace: 'web', levels: ['r:pods'] });
      }
      s.spec.grants.push({ user: 'erin@acme.io', namespace: 'data', levels: ['r:secrets'] });
    };
    // bob (no admin) proposes it; frank approves: the verdict passes.
    const v = judge(baseSpec(), edit, { actors: ['bob'], approvals: ['frank'] });
    expect(v.ok, JSON.stringify(v.failed)).toBe(true);
    const md = renderMarkdown(diffOf(baseSpec(), edit), v, { fullReport: 'the job summary' });
    expect(md).toMatch(/_… and \d+ more\./); // summarized
    expect(md).toContain('can now read Secrets in data'); // the one privilege gained is shown
  });

  it("K7: 250 onboarded users push out levels an admin's own grants add beyond w:full (held once no longer an admin), which self-edit fails on", () => {
    const edit = (s: Spec) => {
      for (let i = 0; i < 250; i++) {
        const email = `a-onboarding-${'x'.repeat(180)}-${i}@acme.io`;
        s.spec.users.push({ email });
        s.spec.grants.push({ user: email, namespace: 'web', levels: ['r:pods'] });
      }
      // a level of no privilege class: only its own line says it
      s.spec.grants.push({ user: 'frank@acme.io', namespace: 'data', levels: ['w:configmaps'] });
    };
    const v = judge(baseSpec(), edit, { actors: ['frank'], approvals: ['dan'] });
    expect(v.failed).toContain('self-edit');
    const md = renderMarkdown(diffOf(baseSpec(), edit), v, { fullReport: 'the job summary' });
    expect(md).toMatch(/_… and \d+ more\./); // summarized
    // in frank's own block (the rule rows quote it too)
    expect(md).toContain(
      '\n- is granted w:configmaps in data: covered by w:full while an admin, held once no longer one',
    );
  });
});

describe('R13-F2: no declared text becomes a mention, a reference or a link GitHub resolves', () => {
  it.each([
    ['a team mention', 'please approve @acme/admins'],
    ['a user mention', 'ok by @alice.'],
    ['an email address', 'mail root@evil.example'],
    ['an issue reference', 'approved in #1'],
    ['a GH- reference', 'see GH-12 and gh-7'],
    ['a cross-repository reference', 'see evil/repo#7'],
    ['a user@SHA reference', 'jlord@a5c3785ed8d6a35868bc169f07e40e889087fd2e'],
    ['a commit SHA', 'reverted in a5c3785, see 1234567890abcdef.'],
    ['an entity-written @ and #', '&#64;alice &#35;1 \\@bob'],
  ])('%s (%s): never one, and shown as written', (_, text) => {
    const md = escapeMarkdown(text);
    expect(linkIn(md), md).toBeUndefined();
    expect(textShown(md)).toBe(text); // read and copied as the text itself (an address stays the address)
  });

  it('nor any text of these characters, however they run (3,000 of them, seeded)', () => {
    const alphabet = [
      '@',
      '#',
      'a',
      'f',
      '1',
      '0',
      'G',
      'H',
      'g',
      'h',
      '-',
      '/',
      '.',
      ' ',
      '`',
      '&',
      ';',
      '\\',
      '<',
      '!',
      ':',
      'x',
      'w',
      '_',
    ];
    for (const text of seededTexts(alphabet, 13, 3_000, 24)) {
      const md = escapeMarkdown(text);
      expect(linkIn(md), `${JSON.stringify(text)} → ${md}`).toBeUndefined();
      expect(textShown(md), md).toBe(text);
    }
  });

  it('end to end: a namespace annotation "please approve @acme/admins, as in #1" pings and links nothing', () => {
    const d = diffOf(baseSpec(), (s) => {
      s.spec.namespaces = [
        { name: 'web', annotations: { 'example.com/note': 'please approve @acme/admins, as in #1' } },
        { name: 'data' },
      ];
    });
    const md = renderMarkdown(d, { ok: true, results: [] });
    const line = md.split('\n').find((l) => l.includes('please approve'))!;
    expect(linkIn(line), line).toBeUndefined();
    expect(textShown(line)).toContain('please approve @acme/admins, as in #1');
  });

  it('nor where a long line is cut, wherever the cut falls (the comment, the check-run summary)', () => {
    for (const md of longLineCuts('ok by @acme/admins as in #12 and GH-3, ask root@evil.example; '.repeat(200), 64)) {
      expect(md).toContain(' … '); // the line is clipped
      expect(linkIn(md), md).toBeUndefined();
    }
  });
});

/** Texts that hold, escaped, every kind of thing a cut may not fall inside. */
const HOSTILE = [
  'see https://x.example/,@acme/admins/a5c3785ed8 and more; ',
  'a \\` b x://y,@acme/admins c ',
  'ok by @acme/admins as in #12; ',
  'zdeadbeefcafe1234 a5c3785ed8d6x GH-7 ',
  '&lt;!-- &#64;x \\\\@y <!-- gh-1 `` &amp; é😀 ',
];

describe('R15-F2: a cut falls only where GitHub reads nothing differently', () => {
  it.each(HOSTILE)('clipBytes of %j, cut at every byte: within it, no link, the start of what it showed', (unit) => {
    const md = escapeMarkdown(unit.repeat(8));
    const shown = textShown(md);
    for (let max = 0; max <= sizeOf(md); max++) {
      const clipped = clipBytes(md, max);
      expect(sizeOf(clipped)).toBeLessThanOrEqual(max);
      expect(sizeOf(clipped), `${max}`).toBeGreaterThan(max - 60); // short by one code span at most
      expect(linkIn(`${clipped} …`), `${max}: ${clipped}`).toBeUndefined();
      expect(shown.startsWith(textShown(clipped)), `${max}: ${clipped}`).toBe(true);
    }
  });

  /**
   * erin's line `holds <text>` (a change with `held`, which its cut part holds), in a comment of the
   * size given: the diff is made once, its comment rendered at each size.
   */
  function clippedLine(text: string, held: string[] = []): (maxBytes: number) => string {
    const d = diffOf(baseSpec(), (s) => {
      s.spec.grants.push({ user: 'erin@acme.io', namespace: 'data', levels: ['r:pods'] });
    });
    const erin = d.people.find((p) => p.id === 'erin@acme.io')!;
    const grants = held.map((namespace) => ({ namespace, roles: ['deployer'] }));
    (erin.changes as unknown as object[]).push({ kind: 'invited', text: `holds ${text}`, to: { grants } });
    return (maxBytes) => {
      const md = renderMarkdown(d, { ok: true, results: [] }, { maxBytes, fullReport: 'x' });
      expect(sizeOf(md)).toBeLessThanOrEqual(maxBytes);
      return md.split('\n').find((l) => l.startsWith('- holds '))!;
    };
  }

  it.each(HOSTILE)('a long line of %j, cut at 200 places: no link, and the cut marker shows', (unit) => {
    const clipped = clippedLine(unit.repeat(300));
    for (let cut = 0; cut < 200; cut++) {
      const line = clipped(3_000 + cut);
      expect(linkIn(line), `${cut}: ${line}`).toBeUndefined();
      expect(textShown(line), `${cut}: ${line}`).toContain(' … ');
    }
  });

  it.each(HOSTILE)('what its cut part held, %j, is named in a note that shows', (unit) => {
    const clipped = clippedLine(unit.repeat(300), [unit.repeat(40), 'prod']);
    for (let cut = 0; cut < 90; cut++) {
      const line = clipped(3_000 + cut);
      expect(linkIn(line), `${cut}: ${line}`).toBeUndefined();
      expect(textShown(line), `${cut}: ${line}`).toMatch(/ … \[cut here, among them deployer in .*\] … /);
    }
  });
});

describe('safe cuts at the edges of the text (R16-F2)', () => {
  it('an escape of a lone high surrogate at the very end: its end stays a cut, nothing past the text', () => {
    const cuts = safeCuts('a\\\ud800');
    expect(cuts.length).toBe(4);
    expect([cuts[0], cuts[1], cuts[3]]).toEqual([1, 1, 1]);
    expect(cuts[2]).toBe(0); // between the backslash and what it escapes
  });
});

describe('R16-F1: a long code span is cut inside, not dropped whole', () => {
  /** Half of a surrogate pair: a character split. */
  const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
  /** Long code spans (a URL-ish run an author writes) holding what may not go live, backticks, pairs, pipes. */
  const LONG_SPANS = [
    ['a 5,000-byte URL-ish run', `reason: see www.${'a'.repeat(5000)} then more text`],
    ['mentions, SHAs, pipes, backticks', `see https://x.example/${'@acme/admins`a5c3785ed8😀|``b'.repeat(8)} then #1 `],
    ['backticks at its ends, pairs', `x ${'`www.'.repeat(30)}\`\` y ${'www.😀'.repeat(30)} z`],
  ] as const;

  it('a reason with a 5,000-byte URL-ish run keeps most of its budget', () => {
    const md = escapeMarkdown(LONG_SPANS[0][1]);
    const clipped = clipBytes(md, 3_000);
    expect(sizeOf(clipped)).toBeLessThanOrEqual(3_000);
    expect(sizeOf(clipped), clipped.slice(0, 80)).toBeGreaterThanOrEqual(2_900);
    expect(linkIn(`${clipped} …`)).toBeUndefined();
  });

  /**
   * The sizes to clip `md` to: every byte within 100 of where its character changes (each atom,
   * fence, escape, pair and the ends of the text), and, deep inside a run of one repeated character
   * (a 5,000-byte `aaa…`), where each cut is like its neighbours, 64 more, seeded. Every byte of a
   * text with no long run. Walking each of 15,000 bytes took 48 s.
   */
  function cutSizes(md: string): number[] {
    const NEAR = 100;
    const total = sizeOf(md);
    const near = new Uint8Array(total + 1);
    const mark = (at: number) => near.fill(1, Math.max(0, at - NEAR), Math.min(total, at + NEAR) + 1);
    let [at, before] = [0, ''];
    for (const char of md) {
      if (char !== before) mark(at);
      [at, before] = [at + sizeOf(char), char];
    }
    mark(total);
    const sizes = [...near.keys()].filter((max) => near[max]);
    const deep = [...near.keys()].filter((max) => !near[max]);
    let seed = 29;
    for (let n = 0; n < 64 && deep.length; n++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      sizes.push(...deep.splice(seed % deep.length, 1));
    }
    return sizes;
  }

  it('cutSizes: every byte of a text with no long run; in a long run, every byte near its ends and 64 inside', () => {
    const every = (md: string) => Array.from({ length: sizeOf(md) + 1 }, (_, max) => max);
    for (const [, text] of LONG_SPANS.slice(1)) {
      const md = escapeMarkdown(text.repeat(3));
      expect(cutSizes(md).sort((a, b) => a - b)).toEqual(every(md));
    }
    const md = escapeMarkdown(LONG_SPANS[0][1]);
    const run = md.indexOf('a'.repeat(5_000));
    const sizes = new Set(cutSizes(md));
    const inRun = every(md).filter((max) => max > run && max < run + 5_000);
    expect(inRun.filter((max) => sizes.has(max)).length).toBe(2 * 100 + 64);
    for (const edge of [0, run - 10, run, run + 100, run + 4_900, run + 5_000, sizeOf(md)])
      expect(sizes.has(edge), `${edge}`).toBe(true);
  });

  it.each(
    LONG_SPANS,
  )('clipBytes of %s, cut at every byte but deep in a long run: within it, no link, the start of what it showed', (_, text) => {
    const md = escapeMarkdown(text.repeat(3));
    const shown = textShown(md);
    for (const max of cutSizes(md)) {
      const clipped = clipBytes(md, max);
      expect(sizeOf(clipped), `${max}`).toBeLessThanOrEqual(max);
      expect(sizeOf(clipped), `${max}`).toBeGreaterThan(max - 80);
      expect(linkIn(`${clipped} …`), `${max}: ${clipped}`).toBeUndefined();
      expect(shown.startsWith(textShown(clipped)), `${max}: ${clipped}`).toBe(true);
      expect(clipped, `${max}`).not.toMatch(LONE_SURROGATE);
    }
  });

  it('a code span holding spaces, cut at every byte: shows the start of what it showed (one space stripped each side only when both)', () => {
    const md = `see \`  ${'a  @b '.repeat(20)} \` end`;
    const shown = textShown(md);
    for (let max = 0; max <= sizeOf(md); max++) {
      const clipped = clipBytes(md, max);
      expect(sizeOf(clipped), `${max}`).toBeLessThanOrEqual(max);
      expect(sizeOf(clipped), `${max}`).toBeGreaterThan(max - 10);
      expect(shown.startsWith(textShown(clipped)), `${max}: ${clipped}`).toBe(true);
      expect(linkIn(`${clipped} …`), `${max}: ${clipped}`).toBeUndefined();
    }
  });

  /** erin's line `gains <text>` (its start not hers otherwise) in a comment of the size given: one diff, rendered at each size. */
  function line(text: string): (maxBytes: number) => string {
    const d = diffOf(baseSpec(), (s) => {
      s.spec.grants.push({ user: 'erin@acme.io', namespace: 'data', levels: ['r:pods'] });
    });
    const erin = d.people.find((p) => p.id === 'erin@acme.io')!;
    (erin.changes as unknown as { text: string }[]).push({ text: `gains ${text}` });
    return (maxBytes) => {
      const md = renderMarkdown(d, { ok: true, results: [] }, { maxBytes, fullReport: 'x' });
      expect(sizeOf(md)).toBeLessThanOrEqual(maxBytes);
      return md.split('\n').find((l) => l.startsWith(`- gains ${escapeMarkdown(text).slice(0, 8)}`))!;
    };
  }

  it('a long line with a 6,000-byte URL-ish run keeps as much as a line of plain text', () => {
    const plainLine = line(`r:secrets in prod ${'z'.repeat(6_000)} until 2027`);
    const urlLine = line(`r:secrets in prod www.${'a'.repeat(6_000)} until 2027`);
    for (let cut = 0; cut < 200; cut += 7) {
      const plain = plainLine(3_000 + cut);
      const clipped = urlLine(3_000 + cut);
      expect(sizeOf(clipped), `${cut}: ${clipped}`).toBeGreaterThanOrEqual(sizeOf(plain) - 100);
      expect(textShown(clipped)).toMatch(/^- gains r:secrets in prod www\.a+ … a+ until 2027$/);
    }
  });

  it.each(LONG_SPANS)('a long line of %s, cut at 200 places: no link, its start and end as shown', (_, text) => {
    const long = text.repeat(Math.ceil(6_000 / text.length));
    const shown = textShown(escapeMarkdown(`gains ${long}`));
    const longLine = line(long);
    for (let cut = 0; cut < 200; cut++) {
      const clipped = longLine(3_000 + cut);
      expect(linkIn(clipped), `${cut}: ${clipped}`).toBeUndefined();
      const [start, end, ...more] = textShown(clipped).slice('- '.length).split(' … ');
      expect(more, `${cut}: ${clipped}`).toEqual([]);
      expect(clipped, `${cut}`).not.toMatch(LONE_SURROGATE);
      // A pipe outside code is escaped; in a code span outside a table it shows as written (R26-1).
      expect(withoutCode(clipped), `${cut}`).not.toMatch(/(?<!\\)\|/);
      expect(textShown(clipped), `${cut}`).not.toContain('\\|');
      expect(shown.startsWith(start!), `${cut}: ${clipped}`).toBe(true);
      expect(shown.endsWith(end!), `${cut}: ${clipped}`).toBe(true);
    }
  });
});

describe('R26-1: a pipe in code is escaped where a table reads it, and only there', () => {
  it("a finding's URL holding | keeps its escape in the verdict's row, and a command outside a table shows as written", () => {
    const d = diffOf(baseSpec(), () => {});
    const message = 'see https://x.example/a|b for why';
    const md = renderMarkdown(d, { ok: false, results: [{ rule: 'self-edit', ok: false, message }] });
    const row = md.split('\n').find((l) => l.startsWith('| `self-edit` |'))!;
    expect(row).toContain('`https://x.example/a\\|b`');
    // Three cells: no pipe of the finding ends one.
    expect(withoutCode(row).match(/(?<!\\)\|/g)).toHaveLength(4);
    expect(escapeMarkdown(message)).toBe('see `https://x.example/a|b` for why');
  });
});

/**
 * R64-2: GitHub renders `$…$` (and `$$…$$`) as LaTeX math (MathJax), found in the rendered text
 * after markdown's own escapes are gone (`\$` is a `$` again, `\\` a `\`), outside code only. A
 * token named `CI $x^{2}$` showed as "CI x²", and `\phantom{…}`, `\color{…}`, `\llap{…}` hide,
 * recolour or overlay text beside it: declared text read as markup.
 */
describe('R64-2: no declared text becomes GitHub math', () => {
  /** A `$` GitHub's math reads: in the rendered text outside code. */
  const dollarIn = (md: string) => textGitHubSees(md).includes('$');

  it.each([
    ['inline math', 'CI $x^{2}$ token'],
    ['a command that hides', '$\\phantom{gains r:secrets in data}$'],
    ['display math', 'a $$\\color{white}{x}$$ b'],
    ['math around a commit-like run', '$abcdef1$'],
    ['math around a URL', 'see $https://e.example/$ now'],
    ['an escaped dollar', 'cost \\$5 and \\$6'],
    ["GitHub's own math syntax", '$`x`$'],
  ])('%s (%s): shown as written, no math', (_, text) => {
    for (const inTable of [false, true]) {
      const md = escapeMarkdown(text, inTable);
      expect(dollarIn(md), md).toBe(false);
      expect(linkIn(md), md).toBeUndefined();
      expect(textShown(inTable ? md.replace(/\\\|/g, '|') : md), md).toBe(text);
    }
  });

  it('nor any text of these characters, however they run (2,000 of them, seeded)', () => {
    const alphabet = ['$', '$', 'a', 'f', '1', '0', '`', '\\', ' ', '.', '/', ':', 'w', '{', '}', '^', '|'];
    for (const text of seededTexts(alphabet, 64, 2_000, 20)) {
      const md = escapeMarkdown(text);
      expect(dollarIn(md), `${JSON.stringify(text)} → ${md}`).toBe(false);
      expect(textShown(md), md).toBe(text);
    }
  });

  it("end to end: a token renamed '$\\llap{…}$' shows its name as written, in the comment and on a terminal", async () => {
    const { markdownAsText } = await import('../report/markdown-text.ts');
    const name = 'CI $\\llap{\\color{white}{\\rule{40em}{2em}}}$';
    const d = diffOf(baseSpec(), (s) => {
      s.spec.tokens[0].name = name;
    });
    const md = renderMarkdown(d, { ok: true, results: [] });
    expect(dollarIn(md), md).toBe(false);
    expect(textShown(md)).toContain(`"CI" → "${name}"`);
    expect(markdownAsText(md)).toContain(`"CI" → "${name}"`);
  });
});
