/** orgctl's public API for `org/org.ts`. */
export { AccessRole, CustomRole, type AccessRoleProps, type CustomRoleProps } from './access-role.ts';
export { AccessToken, type AccessTokenProps } from './access-token.ts';
export { CATALOG, findLevel, grantableLevels, isAdminOnly, type AccessLevel, type Level, type PolicyRule } from './catalog.ts';
export { Grant, type GrantProps } from './grant.ts';
export { Invite, type InviteProps } from './invite.ts';
export type { OrgModel } from './model.ts';
export { Namespace, type Access, type NamespaceProps } from './namespace.ts';
export { Organization, resolveToday, type OrganizationProps } from './organization.ts';
export { DeclarationError } from './props.ts';
export { SpecError, parseSpec, parseSpecText, type OrgSpec } from './spec.ts';
export { synthesize, type OutputFile, type SynthOptions, type SynthResult } from './synth.ts';
export { User, type UserOptions, type UserProps } from './user.ts';
