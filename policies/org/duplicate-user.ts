import { type Finding, type Source, sourceText } from '../../model/findings.ts';
import type { OrgRule } from './context.ts';

/** One person, one entry: emails and GitHub logins compared case-insensitively, GitHub account ids exactly. */
export const duplicateUser: OrgRule = {
  id: 'duplicate-user',
  check(model) {
    const out: Finding[] = [];
    const found = (subject: string, message: string, source: Source) =>
      out.push({ severity: 'error', rule: this.id, subject, message, source: sourceText(source) });
    const emails = new Map<string, string>();
    const logins = new Map<string, { email: string; source: string }>();
    // One account, one person: a second user declaring an id is a copy or a typo of it.
    const accounts = new Map<number, { email: string; source: string }>();
    for (const u of model.users) {
      const subject = `users/${u.email}`;
      const first = emails.get(u.key);
      if (first) found(subject, `email already declared at ${first}`, u.source);
      else emails.set(u.key, sourceText(u.source));
      if (u.github !== undefined) {
        const seen = logins.get(u.github.toLowerCase());
        if (seen)
          found(subject, `GitHub login ${u.github} already belongs to ${seen.email} (${seen.source})`, u.source);
        else logins.set(u.github.toLowerCase(), { email: u.email, source: sourceText(u.source) });
      }
      if (u.githubId !== undefined) {
        const seen = accounts.get(u.githubId);
        if (seen)
          found(subject, `GitHub account id ${u.githubId} already belongs to ${seen.email} (${seen.source})`, u.source);
        else accounts.set(u.githubId, { email: u.email, source: sourceText(u.source) });
      }
    }
    const invited = new Map<string, string>();
    for (const inv of model.invites) {
      if (inv.state !== 'pending') continue;
      const subject = `invites/${inv.email}`;
      const member = emails.get(inv.key);
      if (member)
        found(subject, `already a user (${member}): an accepted invite is removed from the declaration`, inv.source);
      const first = invited.get(inv.key);
      if (first) found(subject, `already invited at ${first}`, inv.source);
      else invited.set(inv.key, sourceText(inv.source));
    }
    return out;
  },
};
