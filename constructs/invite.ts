import { Construct } from 'constructs';
import { AccessRole } from './access-role.ts';
import type { Level } from '../model/catalog.ts';
import type { InviteGrantModel, InviteState } from '../model/model.ts';
import type { Namespace } from './namespace.ts';
import {
  DeclarationError,
  assertBoolean,
  assertEmail,
  assertNamespace,
  assertOneOf,
  show,
  declaredSource,
} from './props.ts';
import { constructSource, type Source } from '../model/findings.ts';

export interface InviteProps {
  readonly email: string;
  /** The invitee becomes an admin on accepting. @default false */
  readonly admin?: boolean;
  /** The invitee may view billing on accepting. @default false */
  readonly billing?: boolean;
  /** Sent through the organization's identity provider; false lets the invitee log in without SSO. @default false */
  readonly sso?: boolean;
  /** `revoked` keeps the record of a withdrawn invite. @default 'pending' */
  readonly state?: InviteState;
  /** @internal spec path. */
  readonly source?: string;
}

/**
 * An invitation. Its access is recorded but bound to nothing until it is accepted:
 * accepting means replacing the invite with a `User` and grants in the declaration.
 */
export class Invite extends Construct {
  public readonly email: string;
  public readonly admin: boolean;
  public readonly billing: boolean;
  public readonly sso: boolean;
  public readonly source: Source;
  private _state: InviteState;
  private readonly _grants: InviteGrantModel[] = [];

  constructor(scope: Construct, id: string, props: InviteProps) {
    super(scope, id);
    this.source = declaredSource(this.node.path, props.source);
    assertEmail(this, 'email', props.email);
    if (props.state !== undefined) assertOneOf(this, 'state', props.state, ['pending', 'revoked']);
    for (const flag of ['admin', 'billing', 'sso'] as const) assertBoolean(this, flag, props[flag]);
    this.email = props.email;
    this.admin = props.admin ?? false;
    this.billing = props.billing ?? false;
    this.sso = props.sso ?? false;
    this._state = props.state ?? 'pending';
  }

  public get state(): InviteState {
    return this._state;
  }
  public get grants(): readonly InviteGrantModel[] {
    return this._grants.map((g) => ({ ...g }));
  }

  /** Access the invitee will have once they accept. */
  public grant(ns: Namespace | string, ...access: (Level | AccessRole)[]): this {
    const path = `${this.node.path}/grants[${this._grants.length}]`;
    assertNamespace(this, 'grant(ns)', ns, "the namespace or its name, e.g. invite.grant('web', 'r:pods')");
    if (access.length === 0) throw new DeclarationError(path, 'an invite grant needs at least one level or AccessRole');
    const levels: string[] = [];
    const roles: string[] = [];
    for (const a of access) {
      if (typeof a === 'string') levels.push(a);
      else if (a instanceof AccessRole) roles.push(a.roleName);
      else throw new DeclarationError(path, `${show(a)} is not an access level or AccessRole`);
    }
    return this.addGrant({
      namespace: typeof ns === 'string' ? ns : ns.namespaceName,
      levels,
      roles,
      source: constructSource(path),
    });
  }

  /** Records a grant as loaded from a spec (the spec loader calls it as `invite['addGrant']`). */
  private addGrant(grant: InviteGrantModel): this {
    this._grants.push({ ...grant });
    return this;
  }

  /** Withdraws the invitation (the seed's "revoke"). */
  public revoke(): this {
    this._state = 'revoked';
    return this;
  }
}
