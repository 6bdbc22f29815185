/** orgctl's public API for `org/org.ts`. */
export { AccessRole, CustomRole, type AccessRoleProps, type CustomRoleProps } from './access-role.ts';
export { AccessToken, type AccessTokenProps } from './access-token.ts';
export { OrganizationChart } from './chart.ts';
export {
  CATALOG,
  findLevel,
  grantableLevels,
  isAdminOnly,
  type AccessLevel,
  type Level,
  type PolicyRule,
} from '../model/catalog.ts';
export { Grant, type GrantProps } from './grant.ts';
export { Invite, type InviteProps } from './invite.ts';
export type { OrgModel } from '../model/model.ts';
export { Namespace, type Access, type NamespaceProps } from './namespace.ts';
export { Organization, type OrganizationProps } from './organization.ts';
export type { SafeCustomResourceProps } from './safe-custom-resources.ts';
export type { MailDomainProps } from './mail-domains.ts';
export { resolveToday } from '../model/model.ts';
export { DeclarationError } from './props.ts';
export { SpecError, parseSpec, parseSpecText, type OrgSpec } from './spec.ts';
export type { OutputFile } from '../synth/files.ts';
export { synthesize, type SynthOptions, type SynthResult } from './synthesize.ts';
export { User, type UserOptions, type UserProps } from './user.ts';
