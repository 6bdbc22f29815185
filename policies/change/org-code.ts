/**
 * What the org/ code a change adds or modifies reaches for beyond orgctl's constructs. org/org.ts is
 * a program: once merged it runs wherever synth runs next (the check jobs, every admin's machine at
 * their next `npm run synth`, with that person's files and environment), while the comment shows
 * what the change grants. A warning the approving admin reads, never a verdict: a reading discloses,
 * it does not confine (a declaration evaluated apart, with no permissions, is synth's to do).
 */
import { firstOf } from '../../model/text.ts';
import type { ChangeRule, RuleResult } from './context.ts';

/** What every warning says after its findings: what to do, and what this is not. */
const READ_IT =
  "read this code before approving; a declaration needs only orgctl's constructs. Once merged, it runs wherever synth runs next: every admin's machine at `npm run synth`, in a process of its own that Node's permission model limits (a seat belt, not a sandbox). A disclosure, not a sandbox: code can compute what no reading sees, so read the whole of every changed org/ file either way";

export const orgCode: ChangeRule = {
  id: 'org-code',
  check({ orgCode: read, changedPaths }) {
    if (read === undefined || 'unread' in read)
      return [
        {
          rule: this.id,
          ok: true,
          notJudged: true,
          message:
            read !== undefined
              ? read.unread
              : changedPaths
                ? 'the org/ code of head was not read: read the org/ diff as code before approving'
                : 'changed paths unknown (--changed-path not given): not judged',
        },
      ];
    const reaching = read.files.filter((f) => f.findings.length);
    if (!reaching.length)
      return [
        {
          rule: this.id,
          ok: true,
          message: read.files.length
            ? `the ${read.files.length} code file(s) of org/ the change adds or modifies import only org/'s files, JSON and orgctl's constructs, and name no capability (esbuild's reading: a disclosure, not a sandbox)`
            : 'the change adds or modifies no code file of org/',
        },
      ];
    return reaching.map(
      (f): RuleResult => ({
        rule: this.id,
        ok: true,
        warning: true,
        message: `${firstOf(
          f.findings.map((x) => `${f.path}${x.line !== undefined ? `:${x.line}` : ''} ${x.text}`),
          8,
          '; ',
        )}: ${READ_IT}`,
      }),
    );
  },
};
