import { Construct } from 'constructs';
import { seedAccess, STATUSES, type UserStatus } from '../model/model.ts';
import {
  assertBoolean,
  assertEmail,
  assertOneOf,
  assertPositiveWholeNumber,
  assertText,
  declaredSource,
} from './props.ts';
import type { Source } from '../model/findings.ts';
import type { UserModel } from '../model/model.ts';

export interface UserOptions {
  /** GitHub login; pull-request authors and reviewers are matched to users by it. @default none */
  readonly github?: string;
  /**
   * The numeric id of the GitHub account holding `github` (`gh api users/<login> --jq .id`). A login
   * is a name anyone may register once its account is renamed or deleted: with the id declared, the
   * review counts the login as this user only when GitHub's account for it has this id.
   * @default none: the login alone is matched
   */
  readonly githubId?: number;
  /** Organization admin: manages the organization and holds `w:full` in every namespace. @default false */
  readonly admin?: boolean;
  /** May view the organization's billing (no Kubernetes access). @default false */
  readonly billing?: boolean;
  /** A deactivated user keeps their declared grants but is bound to nothing. @default 'active' */
  readonly status?: UserStatus;
  /** Seed "Add All": every level a non-admin may hold, in every namespace. @default false */
  readonly addAll?: boolean;
  /** Seed "Remove All": no namespace access at all, whatever grants say. @default false */
  readonly removeAll?: boolean;
  /** @internal spec path this user was declared at. */
  readonly source?: string;
}

export interface UserProps extends UserOptions {
  /** The person's email; compared case-insensitively. */
  readonly email: string;
}

/**
 * A person in the organization, identified by email (compared case-insensitively).
 *
 * ```ts
 * const bob = org.user('bob@acme.io', { github: 'bob' });
 * bob.deactivate(); // grants stay declared; reactivate() restores them
 * ```
 */
export class User extends Construct {
  /** The email as declared. */
  public readonly email: string;
  public readonly github?: string;
  /** The numeric id of the GitHub account holding `github`, when declared. */
  public readonly githubId?: number;
  /** Where this user was declared: a spec path or this construct's path. */
  public readonly source: Source;
  private _admin: boolean;
  private _billing: boolean;
  private _status: UserStatus;
  private _addAll: boolean;
  private _removeAll: boolean;

  constructor(scope: Construct, id: string, props: UserProps) {
    super(scope, id);
    this.source = declaredSource(this.node.path, props.source);
    const email = props.email;
    assertUserProps(this, props);
    this.email = email;
    this.github = props.github;
    this.githubId = props.githubId;
    this._admin = props.admin ?? false;
    this._billing = props.billing ?? false;
    this._status = props.status ?? 'active';
    this._addAll = props.addAll ?? false;
    this._removeAll = props.removeAll ?? false;
  }

  /** Lower-cased email: the identity used everywhere else. */
  public get key(): string {
    return this.email.toLowerCase();
  }
  public get admin(): boolean {
    return this._admin;
  }
  public get billing(): boolean {
    return this._billing;
  }
  public get status(): UserStatus {
    return this._status;
  }
  public get addsAll(): boolean {
    return this._addAll;
  }
  public get removesAll(): boolean {
    return this._removeAll;
  }

  /** Prevents access; declared grants are kept so that `activate()` restores them. */
  public deactivate(): this {
    this._status = 'deactivated';
    return this;
  }
  public activate(): this {
    this._status = 'active';
    return this;
  }
  /** Seed "Add All": every level a non-admin may hold, in every namespace (also those declared later). */
  public addAll(): this {
    this._addAll = true;
    this._removeAll = false;
    return this;
  }
  /** Seed "Remove All": this user holds no namespace access, whatever grants name them. */
  public removeAll(): this {
    this._removeAll = true;
    this._addAll = false;
    return this;
  }
  public makeAdmin(): this {
    this._admin = true;
    return this;
  }
  public grantBilling(): this {
    this._billing = true;
    return this;
  }
}

/** Refuses what a user may not be declared with, said at `scope` (a User, or a spec user's source). */
function assertUserProps(scope: User | { readonly source: Source }, props: UserProps): void {
  assertEmail(scope, 'email', props.email);
  if (props.status !== undefined) assertOneOf(scope, 'status', props.status, STATUSES);
  if (props.github !== undefined) assertText(scope, 'github', props.github, "the GitHub login, e.g. { github: 'bob' }");
  assertPositiveWholeNumber(
    scope,
    'githubId',
    props.githubId,
    "the GitHub account's id, e.g. { github: 'bob', githubId: 583231 }",
  );
  for (const flag of ['admin', 'billing', 'addAll', 'removeAll'] as const) assertBoolean(scope, flag, props[flag]);
}

/**
 * The model's record of a user, a User's or a spec's (one shape: both are read by the same rules).
 * A literal for each of the optional fields' four cases, not spreads of conditional objects: the
 * spreads made a spec's 10,000 users cost `check` at size L about 25 ms more (one copy of the
 * spec's object, two of the props and one per field given).
 */
function userModel(
  p: Pick<UserProps, 'email' | 'github' | 'githubId' | 'admin' | 'billing' | 'status'>,
  seed: Pick<UserModel, 'addAll' | 'removeAll'>,
  source: Source,
): UserModel {
  const { email, github, githubId } = p;
  const key = email.toLowerCase();
  const admin = p.admin ?? false;
  const billing = p.billing ?? false;
  const status = p.status ?? 'active';
  const { addAll, removeAll } = seed;
  if (github !== undefined)
    return githubId !== undefined
      ? { email, key, github, githubId, admin, billing, status, addAll, removeAll, source }
      : { email, key, github, admin, billing, status, addAll, removeAll, source };
  return githubId !== undefined
    ? { email, key, githubId, admin, billing, status, addAll, removeAll, source }
    : { email, key, admin, billing, status, addAll, removeAll, source };
}

/** A User as the model holds it. */
export const userModelOf = (u: User): UserModel =>
  userModel(u, { addAll: u.addsAll, removeAll: u.removesAll }, u.source);

/** A user as a spec writes it (`spec.users[i]`): seed access by its own key. */
export interface SpecUser extends Omit<UserProps, 'addAll' | 'removeAll' | 'source'> {
  readonly access?: 'all' | 'none';
}

/**
 * A spec's user, checked as a User checks its props, straight into the model's form (as a spec's
 * grants are, specGrantModel): a User construct of each of 10,000 people (its construct node, its
 * children's object, its path) cost `check` at size L about 8,000 new pages of memory and most of
 * a quarter second of CPU, and nothing of a spec reads it. `source` as the User's would be. Read
 * from the spec's own object into props of one shape (a spread of it copied each of its shapes).
 */
export function specUserModel(u: SpecUser, source: Source): UserModel {
  const seed = seedAccess(u.access);
  const props: UserProps = {
    email: u.email,
    github: u.github,
    githubId: u.githubId,
    admin: u.admin,
    billing: u.billing,
    status: u.status,
    addAll: seed.addAll,
    removeAll: seed.removeAll,
  };
  assertUserProps({ source }, props);
  return userModel(props, seed, source);
}
