/** What an orgctl-synthesized role name stands for: `<org>:<level>`, `<org>:custom:<name|email>`, `<org>:token:<id>`. */
import { findLevel } from '../model/catalog.ts';
import { customRoleName, levelRoleName, tokenRoleName } from '../model/model.ts';

export type OrgRole =
  | { readonly kind: 'level'; readonly level: string }
  | { readonly kind: 'custom'; readonly name: string }
  | { readonly kind: 'user-rules'; readonly email: string }
  | { readonly kind: 'token-rules'; readonly id: string }
  | { readonly kind: 'other' };

export function orgRoleOf(org: string, roleName: string): OrgRole {
  const orgPrefix = levelRoleName(org, '');
  if (!roleName.startsWith(orgPrefix)) return { kind: 'other' };
  const short = roleName.slice(orgPrefix.length);
  if (findLevel(short)) return { kind: 'level', level: short };
  const customPrefix = customRoleName(org, '');
  if (roleName.startsWith(customPrefix)) {
    const name = roleName.slice(customPrefix.length);
    // Custom role names are DNS subdomains; a name with @ is a user's inline rules.
    return name.includes('@') ? { kind: 'user-rules', email: name } : { kind: 'custom', name };
  }
  const tokenPrefix = tokenRoleName(org, '');
  if (roleName.startsWith(tokenPrefix)) return { kind: 'token-rules', id: roleName.slice(tokenPrefix.length) };
  return { kind: 'other' };
}
