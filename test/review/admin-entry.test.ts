/**
 * Someone made an admin, or no longer one, is one entry of the report: w:full in every namespace
 * and what admins alone may, said once, not two lines a namespace repeating the privilege classes
 * (an adopter's walk-through: with 50 namespaces the admin change was buried). What does not
 * follow from it (a grant kept, a grant beside it) is still said on its own.
 */
import { describe, expect, it } from 'vitest';
import { renderMarkdown, WHOLE } from '../../report/markdown.ts';
import { markdownAsText } from '../../report/markdown-text.ts';
import { diffHtml } from '../../report/diff-html.ts';
import type { AccessDiff } from '../../analysis/diff.ts';
import { baseSpec, diffOf, grantsOf, judge, user, type Spec } from './scenarios.ts';

const CLASSES =
  'run arbitrary pods, exec into pods, read Secrets, take over identities, escalate RBAC, hold up revocations, control admission webhooks, reach nodes and the host, intercept network traffic';

/** baseSpec with `n` namespaces (web, data, then ns-2 …). */
function withNamespaces(n: number): Spec {
  const s = baseSpec();
  for (let i = 2; i < n; i++) s.spec.namespaces.push({ name: `ns-${i}` });
  return s;
}

/** A person's lines in the comment: from their title to the next blank line. */
function linesOf(md: string, email: string): string[] {
  const at = md.indexOf(`**${email.replace('@', '@<!-- -->')}`);
  expect(at, md).toBeGreaterThanOrEqual(0);
  const part = md.slice(at).split('\n\n')[0]!;
  return part.split('\n').slice(1).filter(Boolean);
}

const changesOf = (d: AccessDiff, email: string) => d.people.find((p) => p.id === email)?.changes ?? [];

describe('an admin change is one entry', () => {
  it('made admin in an organization of 50 namespaces: one line, every namespace counted, classes once', () => {
    const d = diffOf(withNamespaces(50), (s) => (user(s, 'bob@acme.io').admin = true));
    const entry = `becomes admin: gains w:full in every namespace (51, acme-system included), so can now ${CLASSES}`;
    const bob = changesOf(d, 'bob@acme.io');
    expect(bob.map((c) => c.text)).toEqual([entry]);
    const md = renderMarkdown(d, undefined, WHOLE);
    expect(linesOf(md, 'bob@acme.io')).toEqual([`- ${entry}`]);
    expect(md.split('run arbitrary pods')).toHaveLength(2);
    const text = markdownAsText(md);
    expect(text).toContain(entry);
    expect(text.split('run arbitrary pods')).toHaveLength(2);
    const html = diffHtml(d, 'Access changes');
    expect(html).toContain(`<li class="gain">${entry}</li>`);
    expect(html.split('run arbitrary pods')).toHaveLength(2);
  });

  it('no longer admin: one line, the loss counted, classes once', () => {
    const d = diffOf(withNamespaces(50), (s) => (user(s, 'frank@acme.io').admin = false));
    const entry = `is no longer admin: loses w:full in every namespace (51, acme-system included), so can no longer ${CLASSES}`;
    // Then the tokens whose Secrets being an admin let them read, kept live by head (red team R92-1).
    const kept =
      'could read the Secrets of tokens bots, ci in acme-system: their values still work (rotate, deactivate or remove each)';
    expect(changesOf(d, 'frank@acme.io')).toMatchObject([
      { kind: 'admin', text: entry, removes: true },
      { kind: 'token-values-kept', text: kept },
    ]);
    expect(linesOf(renderMarkdown(d, undefined, WHOLE), 'frank@acme.io')).toEqual([`- ${entry}`, `- ${kept}`]);
    expect(diffHtml(d, 'x')).toContain(`<li class="loss">${entry}</li>`);
  });

  it('a grant kept once no longer admin still shows on its own, with what it still allows', () => {
    const base = baseSpec();
    grantsOf(base).push({ user: 'frank@acme.io', namespace: 'data', levels: ['r:secrets'] });
    const lines = linesOf(
      renderMarkdown(
        diffOf(base, (s) => (user(s, 'frank@acme.io').admin = false)),
        undefined,
        WHOLE,
      ),
      'frank@acme.io',
    );
    expect(lines[0]).toMatch(/^- is no longer admin: loses w:full in every namespace \(3, acme-system included\)/);
    expect(lines).toContain('- loses w:full in data (keeps r:secrets)');
    expect(lines.some((l) => / in (web|acme-system)$/.test(l))).toBe(false);
  });

  it('a grant beside the admin change, and another change, still show', () => {
    const d = diffOf(baseSpec(), (s) => {
      user(s, 'bob@acme.io').admin = true;
      user(s, 'bob@acme.io').billing = true;
      grantsOf(s).push({ user: 'bob@acme.io', namespace: 'data', levels: ['r:secrets'] });
    });
    const lines = linesOf(renderMarkdown(d, undefined, WHOLE), 'bob@acme.io');
    expect(lines).toEqual([
      `- becomes admin: gains w:full in every namespace (3, acme-system included), so can now ${CLASSES}`,
      '- gains billing access',
      '- is granted r:secrets in data: covered by w:full while an admin, held once no longer one',
    ]);
  });

  it("admin-change-approval's row refers to the entry, without the classes", () => {
    // bob's account id declared before: admin-github-id's note would stand between the list and the verdict.
    const base = withNamespaces(50);
    user(base, 'bob@acme.io').githubId = 4000007;
    const v = judge(base, (s) => (user(s, 'bob@acme.io').admin = true), { actors: ['alice'] });
    const message = v.results.find((r) => r.rule === 'admin-change-approval' && !r.ok)!.message;
    expect(message).toMatch(
      /^bob@acme\.io \(made admin\): becomes admin: gains w:full in every namespace \(51, acme-system included\), with the privilege classes listed under "Who gains or loses what": needs an approval/,
    );
    expect(message).not.toContain('run arbitrary pods');
  });

  it('a comment cut to fit keeps the admin entry whole, first', () => {
    const base = withNamespaces(50);
    for (let i = 0; i < 30; i++) {
      base.spec.users.push({ email: `m${i}@acme.io`, github: `m${i}` });
      grantsOf(base).push({ user: `m${i}@acme.io`, namespace: 'data', levels: ['r:pods'] });
    }
    const d = diffOf(base, (s) => {
      user(s, 'frank@acme.io').admin = false;
      // Many lines that rank lower: every member loses their grant.
      s.spec.grants = [];
    });
    const md = renderMarkdown(d, undefined, { maxBytes: 1_000 });
    expect(md.length).toBeLessThanOrEqual(1_000);
    expect(md).toContain(
      `- is no longer admin: loses w:full in every namespace (51, acme-system included), so can no longer ${CLASSES}`,
    );
    expect(md).toMatch(/_… and \d+ more\./);
  });
});
