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

describe('K1: a lone CR in a custom rule leaves its line in the review comment', () => {
  it('K1a: a resource name forges a second "✅ the change may be merged" heading below the real verdict', async () => {
    const sides = await distPair(withDeployer(), (s) => {
      s.spec.customRoles[0].rules.push({ apiGroups: ['apps'], resources: [FORGED], verbs: ['list'] });
    });
    const r = await reviewPair(sides, '--actor', 'frank', '--format', 'md');
    expect(r.code, r.stderr).toBe(0); // head passes synth, every policy and the review
    expect(r.stdout).not.toContain('\r');
    expect(commonMarkLines(r.stdout).filter((l) => l.startsWith('## orgctl review'))).toHaveLength(1);
  });

  it("K1b: in a failing rule's message it ends the verdict table: the rows after it render as a paragraph", async () => {
    const base = baseSpec();
    base.spec.tokens.push({
      id: 'bob-tool',
      owner: 'bob@acme.io',
      rbac: [{ namespace: 'data', rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] }] }],
    });
    const sides = await distPair(base, (s) => {
      s.spec.tokens[2].rbac[0].rules.push({ apiGroups: ['apps'], resources: [FORGED], verbs: ['list'] });
    });
    // bob owns blank token bob-tool: self-edit fails, and its message lists the token's changes.
    const r = await reviewPair(sides, '--actor', 'bob', '--approved-by', 'frank', '--format', 'json');
    expect(
      JSON.parse(r.stdout)
        .results.filter((x: { ok: boolean }) => !x.ok)
        .map((x: { rule: string }) => x.rule),
    ).toEqual(['self-edit']); // head proves; only self-edit fails
    const md = await reviewPair(sides, '--actor', 'bob', '--approved-by', 'frank', '--format', 'md');
    const lines = commonMarkLines(md.stdout);
    const start = lines.indexOf('|---|---|---|');
    const end = lines.indexOf('', start);
    // Every line of the verdict table is a row of it.
    expect(lines.slice(start + 1, end).every((l) => l.startsWith('| `'))).toBe(true);
    expect(lines.slice(end).some((l) => l.startsWith('| `'))).toBe(false);
  });
});

describe('K2: bidirectional and invisible characters in custom rules reach the comment and the diff page', () => {
  it('K2: a U+202E resource reverses the rest of the line ("get secrets" reads "sterces teg")', async () => {
    // The rule's atoms print in order: the decoy first, then what bob really gains.
    const sides = await distPair(withDeployer(), (s) => {
      s.spec.customRoles[0].rules.unshift({ apiGroups: [''], resources: ['\u202eAAA'], verbs: ['get'] });
      s.spec.customRoles[0].rules.push({ apiGroups: [''], resources: ['secrets'], verbs: ['get'] });
    });
    const md = await reviewPair(sides, '--actor', 'frank', '--format', 'md');
    expect(md.code, md.stderr).toBe(0);
    const { run } = await import('./helpers.ts');
    const html = await run(['diff', '--base', sides.base, '--head', sides.head, '--format', 'html']);
    expect(html.stdout).toContain('secrets');
    expect({ comment: FORMATTING.test(md.stdout), diffPage: FORMATTING.test(html.stdout) }).toEqual({
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
});
