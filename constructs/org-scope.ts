/**
 * The organization as the constructs below it reach it (OrgScope), apart from props.ts so that the
 * checks every construct uses import no construct.
 */
import type { Construct } from 'constructs';
import type { PolicyRule } from '../model/catalog.ts';
import type { AccessRole, CustomRole } from './access-role.ts';
import type { Grant, GrantProps, SpecGrant } from './grant.ts';
import type { SpecUser } from './user.ts';
import type { NamespaceProps } from './namespace-props.ts';
import { DeclarationError } from './props.ts';

/**
 * What constructs below an Organization, and the spec loader, need from it without importing it
 * (no import cycle) and without it being public API: people declare grants with
 * `Namespace.grant`, roles with `Organization.role` and `customRole`.
 */
export interface OrgScope {
  readonly orgName: string;
  addGrant(props: GrantProps): Grant;
  /**
   * The grants of a spec, each at its spec path `path(i)` (no `path`: at its construct path): kept
   * as the model's records (Organization.grants makes a Grant of each when asked).
   */
  addSpecGrants(grants: readonly SpecGrant[], path?: (i: number) => string): void;
  /** A user as loaded from a spec, at its spec path (undefined: at its construct path): kept as the model's record. */
  addSpecUser(user: SpecUser, path: string | undefined): void;
  /** A namespace as loaded from a spec, at its spec path (undefined: at its construct path): kept as the model's record. */
  addSpecNamespace(namespace: NamespaceProps, path: string | undefined): void;
  /** A role bundle as loaded from a spec (levels unchecked: policies report them). */
  addRole(name: string, levels: readonly string[], source: string | undefined): AccessRole;
  addCustomRole(name: string, rules: readonly PolicyRule[], source: string | undefined): CustomRole;
}

export const ORG_SCOPE = Symbol.for('orgctl.Organization');
/** Marks the organization's own cdk8s charts (one per cluster): any other chart is foreign to orgctl. */
export const ORG_CHART = Symbol.for('orgctl.OrganizationChart');

/** The Organization a construct belongs to. */
export function orgOf(c: Construct): OrgScope {
  for (const s of [...c.node.scopes].reverse()) {
    const org = (s as unknown as { [ORG_SCOPE]?: OrgScope })[ORG_SCOPE];
    if (org) return org;
  }
  throw new DeclarationError(c.node.path, 'must be declared inside an Organization');
}
