import { Construct } from 'constructs';
import { AccessRole, CustomRole } from './access-role.ts';
import type { Level, PolicyRule } from '../model/catalog.ts';
import type { Grant } from './grant.ts';
import { DeclarationError, assertList, assertRuleShapes, assertUser, show, declaredSource } from './props.ts';
import { orgOf } from './org-scope.ts';
import { sourceText, type Source } from '../model/findings.ts';
import type { NamespaceModel } from '../model/model.ts';
import type { User } from './user.ts';
import type { NamespaceSettings } from '../model/guard-rails.ts';
import { namespaceSettingsOf } from './guard-rails.ts';
import type { NamespaceProps } from './namespace-props.ts';

export type { NamespaceProps };

/** What a grant can give: a catalog level, an AccessRole bundle or a CustomRole. */
export type Access = Level | AccessRole | CustomRole;

/**
 * A namespace as the model holds it, its props checked as a Namespace checks them, at `source` (a
 * spec's namespaces are kept as these records, with no construct: Organization.addSpecNamespace).
 */
export function namespaceModel(source: Source, props: NamespaceProps): NamespaceModel {
  assertList({ source }, 'clusters', props.clusters, "the clusters it is in, e.g. { clusters: ['eu'] }");
  const clusters = props.clusters ?? [];
  const settings = namespaceSettingsOf(sourceText(source), props);
  return settings ? { name: props.name, clusters, settings, source } : { name: props.name, clusters, source };
}

/** Splits a mixed access list into the three kinds a Grant holds. */
function splitAccess(scope: Construct, access: readonly Access[]) {
  const levels: string[] = [];
  const roles: string[] = [];
  const customRoles: string[] = [];
  for (const a of access) {
    if (typeof a === 'string') levels.push(a);
    else if (a instanceof AccessRole) roles.push(a.roleName);
    else if (a instanceof CustomRole) customRoles.push(a.roleName);
    else throw new DeclarationError(scope.node.path, `${show(a)} is not an access level, AccessRole or CustomRole`);
  }
  return { levels, roles, customRoles };
}

/**
 * A namespace of the organization. Access is granted per user and level:
 *
 * ```ts
 * const web = org.namespace('web');
 * web.grant(bob, 'r:pods', 'w:services');
 * web.grant(dan, developer).until('2027-03-31');
 * ```
 */
export class Namespace extends Construct {
  public readonly namespaceName: string;
  public readonly clusters: readonly string[];
  /** Its guard rails (Pod Security, quota, limits, network policy, labels, annotations); undefined when none. */
  public readonly settings?: NamespaceSettings;
  public readonly source: Source;

  constructor(scope: Construct, id: string, props: NamespaceProps) {
    super(scope, id);
    const { name, clusters, settings, source } = namespaceModel(declaredSource(this.node.path, props.source), props);
    this.source = source;
    this.namespaceName = name;
    this.clusters = clusters;
    this.settings = settings;
  }

  /** Gives `user` these levels, AccessRoles or CustomRoles in this namespace. */
  public grant(user: User, ...access: Access[]): Grant {
    assertUser(this, 'grant(user)', user, "web.grant(org.user('bob@acme.io'), 'r:pods')");
    if (access.length === 0) {
      throw new DeclarationError(
        `${this.node.path}`,
        `grant to ${user.email} names no access (give a level such as 'r:pods', an AccessRole or a CustomRole)`,
      );
    }
    return orgOf(this).addGrant({ user: user.email, namespace: this.namespaceName, ...splitAccess(this, access) });
  }

  /** Gives `user` custom Kubernetes RBAC rules in this namespace (a Role of its own). */
  public grantRules(user: User, rules: readonly PolicyRule[]): Grant {
    assertUser(this, 'grantRules(user)', user, "web.grantRules(org.user('bob@acme.io'), [...])");
    if (!Array.isArray(rules))
      throw new DeclarationError(
        `${this.node.path} (grantRules(rules))`,
        `${show(rules)} is not a list of rules: give e.g. [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]`,
      );
    assertRuleShapes(this, 'grantRules(rules)', rules);
    return orgOf(this).addGrant({ user: user.email, namespace: this.namespaceName, rules });
  }
}
