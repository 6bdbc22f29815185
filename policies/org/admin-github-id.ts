import { type Finding, sourceText } from '../../model/findings.ts';
import type { OrgRule } from './context.ts';
import { loginAlone } from '../../model/model.ts';
import { githubIdLookup } from '../../model/text.ts';

/**
 * An admin matched on GitHub by their login alone: a login is a name anyone may register once its
 * account is renamed or deleted, and review counts whoever holds it as the admin. A declared
 * `githubId` ties the login to one account (policies/change/context.ts heldByOther); a deactivated
 * admin acts as nobody, and one without a login cannot act on GitHub at all.
 */
export const adminGithubId: OrgRule = {
  id: 'admin-github-id',
  check(model) {
    return model.users.filter(loginAlone).map(
      (u): Finding => ({
        severity: 'warning',
        rule: this.id,
        subject: `users/${u.email}`,
        message: `admin ${u.email} declares GitHub login ${u.github} without its account id: once that account is renamed or deleted, whoever registers the login ${u.github} approves, authors and labels pull requests as this admin; declare githubId beside github (\`${githubIdLookup(u.github)}\` prints it)`,
        source: sourceText(u.source),
      }),
    );
  },
};
