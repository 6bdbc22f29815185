/** What an orgctl-synthesized role name stands for: `<org>:<level>`, `<org>:custom:<name|email>`, `<org>:token:<id>`. */
import { findLevel } from '../model/catalog.ts';

export type OrgRole =
  | { readonly kind: 'level'; readonly level: string }
  | { readonly kind: 'custom'; readonly name: string }
  | { readonly kind: 'user-rules'; readonly email: string }
  | { readonly kind: 'token-rules'; readonly id: string }
  | { readonly kind: 'other' };

export function orgRoleOf(org: string, roleName: string): OrgRole {
  if (!roleName.startsWith(`${org}:`)) return { kind: 'other' };
  const short = roleName.slice(org.length + 1);
  if (findLevel(short)) return { kind: 'level', level: short };
  if (short.startsWith('custom:')) {
    const name = short.slice('custom:'.length);
    // Custom role names are DNS subdomains; a name with @ is a user's inline rules.
    return name.includes('@') ? { kind: 'user-rules', email: name } : { kind: 'custom', name };
  }
  if (short.startsWith('token:')) return { kind: 'token-rules', id: short.slice('token:'.length) };
  return { kind: 'other' };
}
