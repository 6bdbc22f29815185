import { type Finding, type Source, sourceText } from '../../model/findings.ts';
import type { UserModel } from '../../model/model.ts';
import type { OrgRule } from './context.ts';

/**
 * What to do about a person declared again in code, where a second org.user() reads as a lookup
 * to a newcomer (adopter walk-through 2); a spec's second entry says enough by its path.
 */
const declareOnce = (email: string, source: Source): string =>
  'construct' in source
    ? `: declare each person once, and grant the User that declaration returns (const ${email.split('@')[0]!.replace(/[^A-Za-z0-9_$]/g, '_')} = org.user('${email}')) wherever they are given access`
    : '';

/** One person, one entry: emails and GitHub logins compared case-insensitively, GitHub account ids exactly. */
export const duplicateUser: OrgRule = {
  id: 'duplicate-user',
  check(model) {
    const out: Finding[] = [];
    const found = (subject: string, message: string, source: Source) =>
      out.push({ severity: 'error', rule: this.id, subject, message, source: sourceText(source) });
    // The first user of each email, login and account id: their texts made only for a finding
    // (10,000 users at size L, and one subject and three sources each were made for none).
    const emails = new Map<string, UserModel>();
    const logins = new Map<string, UserModel>();
    // One account, one person: a second user declaring an id is a copy or a typo of it.
    const accounts = new Map<number, UserModel>();
    // A user declaring what `first` declared: the finding is the later one's.
    const again = (u: UserModel, message: string) => found(`users/${u.email}`, message, u.source);
    const whose = (first: UserModel) => `${first.email} (${sourceText(first.source)})`;
    for (const u of model.users) {
      const first = emails.get(u.key);
      if (first) again(u, `email already declared at ${sourceText(first.source)}${declareOnce(first.email, u.source)}`);
      else emails.set(u.key, u);
      if (u.github !== undefined) {
        const login = u.github.toLowerCase();
        const seen = logins.get(login);
        if (seen) again(u, `GitHub login ${u.github} already belongs to ${whose(seen)}`);
        else logins.set(login, u);
      }
      if (u.githubId !== undefined) {
        const seen = accounts.get(u.githubId);
        if (seen) again(u, `GitHub account id ${u.githubId} already belongs to ${whose(seen)}`);
        else accounts.set(u.githubId, u);
      }
    }
    const invited = new Map<string, string>();
    for (const inv of model.invites) {
      if (inv.state !== 'pending') continue;
      const subject = `invites/${inv.email}`;
      const member = emails.get(inv.key);
      if (member)
        found(
          subject,
          `already a user (${sourceText(member.source)}): an accepted invite is removed from the declaration`,
          inv.source,
        );
      const first = invited.get(inv.key);
      if (first) found(subject, `already invited at ${first}`, inv.source);
      else invited.set(inv.key, sourceText(inv.source));
    }
    return out;
  },
};
