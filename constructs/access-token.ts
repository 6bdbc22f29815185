import { Construct } from 'constructs';
import { CustomRole } from './access-role.ts';
import type { Level, PolicyRule } from '../model/catalog.ts';
import { STATUSES, type TokenRbacModel, type UserStatus } from '../model/model.ts';
import type { Namespace } from './namespace.ts';
import {
  DeclarationError,
  assertDate,
  assertList,
  assertNamespace,
  assertOneOf,
  assertRuleShapes,
  declaredSource,
  show,
} from './props.ts';
import { sourceText, type Source } from '../model/findings.ts';
import type { User } from './user.ts';

export interface AccessTokenProps {
  /** Stable id: names the ServiceAccount, so renaming the token never rotates it (a DNS label). */
  readonly id: string;
  /** Display name, free text. @default none */
  readonly name?: string;
  /** Namespaces the token grants access to; none makes a "blank" token for custom RBAC. @default [] */
  readonly namespaces?: readonly (Namespace | string)[];
  /** Levels held in each namespace. @default ['w:full'] */
  readonly levels?: readonly (Level | string)[];
  /** The user it was made for; tokens outlive users, so a deactivated owner is an error. @default none */
  readonly owner?: User | string;
  /** Raise it to rotate: a new ServiceAccount and token replace the old, which dies. @default 0 */
  readonly rotation?: number;
  /** What the token is for. @default none */
  readonly note?: string;
  /** Last day the token holds (YYYY-MM-DD); later it is left out of the output, so it dies. @default no end */
  readonly expires?: string;
  /**
   * A deactivated token's ServiceAccount and Secret are left out of the output, so the token dies;
   * its access stays declared, and `activate()` brings the token back with a new secret value.
   * @default 'active'
   */
  readonly status?: UserStatus;
  /** @internal spec path. */
  readonly source?: string;
}

const nameOf = (ns: Namespace | string): string => (typeof ns === 'string' ? ns : ns.namespaceName);

/**
 * An API access token: a ServiceAccount in the organization's system namespace and a
 * token Secret the cluster fills in. Owned by the organization, not by a user.
 *
 * ```ts
 * org.token('ci-deploy', { name: 'CI deploy', namespaces: [web], owner: alice });
 * org.token('metrics-reader').allow(web, [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }]);
 * org.token('old-ci', { namespaces: [web] }).deactivate(); // the seed: deactivate a departing user's tokens
 * ```
 */
export class AccessToken extends Construct {
  public readonly tokenId: string;
  public readonly source: Source;
  private _name?: string;
  private readonly _namespaces: string[];
  private readonly _levels: string[];
  private readonly _owner?: string;
  private readonly _rbac: TokenRbacModel[] = [];
  private _rotation: number;
  public readonly note?: string;
  private _expires?: string;
  private _status: UserStatus;

  constructor(scope: Construct, id: string, props: AccessTokenProps) {
    super(scope, id);
    this.source = declaredSource(this.node.path, props.source);
    this.tokenId = props.id;
    this._name = props.name;
    assertList(this, 'namespaces', props.namespaces, "the namespaces' names, e.g. { namespaces: ['web'] }");
    assertList(this, 'levels', props.levels, "access levels, e.g. { levels: ['r:pods'] }");
    for (const ns of props.namespaces ?? []) assertNamespace(this, 'namespaces', ns, "a namespace's name, e.g. 'web'");
    this._namespaces = (props.namespaces ?? []).map(nameOf);
    this._levels = [...(props.levels ?? ['w:full'])];
    this._owner = typeof props.owner === 'string' ? props.owner : props.owner?.email;
    this._rotation = props.rotation ?? 0;
    if (!Number.isInteger(this._rotation) || this._rotation < 0) {
      throw new DeclarationError(
        sourceText(this.source),
        `rotation ${this._rotation} is not allowed (expected a whole number of 0 or more)`,
      );
    }
    this.note = props.note;
    if (props.expires !== undefined) this.until(props.expires);
    if (props.status !== undefined) assertOneOf(this, 'status', props.status, STATUSES);
    this._status = props.status ?? 'active';
  }

  public get status(): UserStatus {
    return this._status;
  }

  /**
   * Stops the token: its ServiceAccount and Secret are left out of the output (Argo CD prunes them),
   * so the secret value in use dies. Its access stays declared for `activate()`.
   */
  public deactivate(): this {
    this._status = 'deactivated';
    return this;
  }

  /** Brings a deactivated token back: a new ServiceAccount under the same name, so a new secret value to hand over. */
  public activate(): this {
    this._status = 'active';
    return this;
  }

  public get rotation(): number {
    return this._rotation;
  }
  public get expires(): string | undefined {
    return this._expires;
  }

  /** Replaces the token: a new ServiceAccount and Secret under new names; the old token dies. */
  public rotate(): this {
    this._rotation++;
    return this;
  }

  /** The token holds through this day (YYYY-MM-DD), then it is left out of the output. */
  public until(date: string): this {
    assertDate(this, 'expires', date);
    this._expires = date;
    return this;
  }

  public get displayName(): string | undefined {
    return this._name;
  }
  public get namespaces(): readonly string[] {
    return [...this._namespaces];
  }
  public get levels(): readonly string[] {
    return [...this._levels];
  }
  public get owner(): string | undefined {
    return this._owner;
  }
  public get rbac(): readonly TokenRbacModel[] {
    return this._rbac.map((r) => ({ ...r }));
  }

  /** Changes the display name only: the ServiceAccount and its token stay the same. */
  public rename(name: string): this {
    this._name = name;
    return this;
  }

  /** Adds a namespace the token grants its levels in. */
  public addNamespace(ns: Namespace | string): this {
    this._namespaces.push(nameOf(ns));
    return this;
  }

  /** Custom RBAC (the seed's blank tokens): binds rules or a CustomRole to this token in a namespace. */
  public allow(ns: Namespace | string, access: CustomRole | readonly PolicyRule[], source?: string): this {
    assertNamespace(this, 'allow(ns)', ns, "the namespace or its name, e.g. token.allow('web', [...])");
    if (!(access instanceof CustomRole) && !Array.isArray(access))
      throw new DeclarationError(
        `${this.node.path} (allow(rules))`,
        `${show(access)} is not a CustomRole or a list of rules: give e.g. [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]`,
      );
    if (Array.isArray(access)) assertRuleShapes(this, 'allow(rules)', access);
    return access instanceof CustomRole
      ? this.allowCustomRole(ns, access.roleName, source)
      : this.addRbac(ns, access, [], source);
  }

  /** Binds a CustomRole, by name, to this token in a namespace. */
  public allowCustomRole(ns: Namespace | string, roleName: string, source?: string): this {
    return this.addRbac(ns, [], [roleName], source);
  }

  private addRbac(ns: Namespace | string, rules: readonly PolicyRule[], customRoles: string[], source?: string): this {
    if (rules.length === 0 && customRoles.length === 0) {
      throw new DeclarationError(source ?? this.node.path, 'custom RBAC needs at least one rule');
    }
    this._rbac.push({
      namespace: nameOf(ns),
      rules: rules.map((r) => ({ ...r })),
      customRoles,
      source: declaredSource(`${this.node.path}/rbac[${this._rbac.length}]`, source),
    });
    return this;
  }
}
