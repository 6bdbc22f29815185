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
 */
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../report/markdown.ts';
import { CHECK_SUMMARY_LIMIT } from '../github/adapter.ts';
import { baseSpec, diffOf, distPair, judge, reviewPair, type Spec } from './review/scenarios.ts';

/** Lines as CommonMark (GitHub) splits them: LF, CR and CRLF all end a line. */
const commonMarkLines = (md: string) => md.split(/\r\n|\r|\n/);
/** Bidirectional and invisible formatting characters invalid-text refuses in every other text. */
const FORMATTING = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;
/** A numeric character reference GitHub would decode, but orgctl's own `&#64;` (and an escaped `\&`). */
const AUTHOR_ENTITY = /(?<!\\)&#(?!64;)(x[0-9a-f]+|[0-9]+);/i;

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
  it('K3: "frank&#8203;@acme.io" renders as frank@acme.io; token name "CI&#x202E;" as U+202E', async () => {
    const sides = await distPair(baseSpec(), (s) => {
      s.spec.users.push({ email: 'frank&#8203;@acme.io', github: 'frank2' });
      s.spec.grants.push({ user: 'frank&#8203;@acme.io', namespace: 'data', levels: ['r:secrets'] });
      s.spec.tokens[0].name = 'CI&#x202E;';
    });
    const r = await reviewPair(sides, '--actor', 'alice', '--format', 'md');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('frank'); // the user is listed...
    expect(r.stdout).not.toMatch(AUTHOR_ENTITY); // ...but never as a character reference GitHub decodes
  });
});

describe('K4: author text becomes a link in the comment', () => {
  it("K4: a safeCustomResources reason's URL is a live link (GFM autolink) beside the approving admin's verdict", () => {
    const d = diffOf(baseSpec(), (s) => {
      s.spec.safeCustomResources = [
        {
          group: 'cert-manager.io',
          resources: ['certificates'],
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
