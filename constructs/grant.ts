import type { PolicyRule } from '../model/catalog.ts';
import { DeclarationError, assertDate, declaredSource } from './props.ts';
import { sourceText, type Source } from '../model/findings.ts';
import { type GrantModel, NO_ITEMS } from '../model/model.ts';

export interface GrantProps {
  /** Email of the user (a User's `email`). */
  readonly user: string;
  /** Name of the namespace. */
  readonly namespace: string;
  /** Catalog levels. @default none */
  readonly levels?: readonly string[];
  /** Names of AccessRoles. @default none */
  readonly roles?: readonly string[];
  /** Names of CustomRoles. @default none */
  readonly customRoles?: readonly string[];
  /** Inline custom rules, synthesized as a Role of their own. @default none */
  readonly rules?: readonly PolicyRule[];
  /** Last day the grant holds, YYYY-MM-DD; later it is not synthesized. @default no end */
  readonly expires?: string;
  /** @internal spec path. */
  readonly source?: string;
}

/**
 * Access for one user in one namespace. A light declaration, not a construct node: an
 * organization holds 100,000 of them, and each holds data only; the Organization aggregates
 * every grant into one RoleBinding per (namespace, level).
 */
export class Grant {
  private _path: string | (() => string);
  public readonly user: string;
  public readonly namespace: string;
  public readonly levels: readonly string[];
  public readonly roles: readonly string[];
  public readonly customRoles: readonly string[];
  public readonly rules: readonly PolicyRule[];
  public readonly source: Source;
  private _expires?: string;

  /**
   * @param path where it is declared, as a construct path; a function when it is named only if
   * asked (a spec's grant is known by its spec path: 100,000s of construct paths never read)
   */
  constructor(path: string | (() => string), props: GrantProps) {
    this._path = path;
    this.source = declaredSource(() => this.path, props.source);
    this.user = props.user;
    this.namespace = props.namespace;
    // One shared empty list, not one each: an organization may declare 100,000s of grants.
    this.levels = props.levels ?? NO_ITEMS;
    this.roles = props.roles ?? NO_ITEMS;
    this.customRoles = props.customRoles ?? NO_ITEMS;
    this.rules = props.rules ?? NO_ITEMS;
    assertSomeAccess(this);
    if (props.expires !== undefined) this.until(props.expires);
  }

  /** Where it was declared, as a construct path (`acme/grants/bob@acme.io → web`). */
  public get path(): string {
    if (typeof this._path === 'function') this._path = this._path();
    return this._path;
  }

  public get expires(): string | undefined {
    return this._expires;
  }

  /** The grant holds through this day (YYYY-MM-DD), then stops being synthesized. */
  public until(date: string): this {
    assertDate(this, 'expires', date);
    this._expires = date;
    return this;
  }
}

type GrantFields = Pick<
  Grant,
  'user' | 'namespace' | 'levels' | 'roles' | 'customRoles' | 'rules' | 'source' | 'expires'
>;

function assertSomeAccess(g: Omit<GrantFields, 'expires'>): void {
  if (!g.levels.length && !g.roles.length && !g.customRoles.length && !g.rules.length)
    throw new DeclarationError(sourceText(g.source), 'a grant needs at least one level, role or custom rule');
}

/** A grant as the model holds it (the user's email lower-cased). */
export function grantModelOf(g: GrantFields): GrantModel {
  const { namespace, levels, roles, customRoles, rules, expires, source } = g;
  const user = g.user.toLowerCase();
  // Two literals, not a spread of a conditional one: 100,000s of grants at size L.
  return expires !== undefined
    ? { user, namespace, levels, roles, customRoles, rules, expires, source }
    : { user, namespace, levels, roles, customRoles, rules, source };
}

/** A grant as a spec writes it (`spec.grants[i]`): one role and one custom role by their own keys. */
export interface SpecGrant {
  readonly user: string;
  readonly namespace: string;
  readonly levels?: readonly string[];
  readonly role?: string;
  readonly roles?: readonly string[];
  readonly customRole?: string;
  readonly rules?: readonly PolicyRule[];
  readonly expires?: string;
}

/**
 * A spec's grant, checked as a Grant checks its props, straight into the model's form: a spec
 * declares 100,000s of grants, and a Grant object of each (with its path) cost memory and time
 * that only a declaration's code reads (Organization.grants makes them when asked). Read from the
 * spec's own object, with no props object between; the model's record made by grantModelOf, as a
 * Grant's is.
 */
export function specGrantModel(g: SpecGrant, source: Source): GrantModel {
  const fields: GrantFields = {
    user: g.user,
    namespace: g.namespace,
    levels: g.levels ?? NO_ITEMS,
    roles: g.role !== undefined ? [g.role, ...(g.roles ?? NO_ITEMS)] : (g.roles ?? NO_ITEMS),
    customRoles: g.customRole !== undefined ? [g.customRole] : NO_ITEMS,
    rules: g.rules ?? NO_ITEMS,
    expires: g.expires,
    source,
  };
  assertSomeAccess(fields);
  if (fields.expires !== undefined) assertDate(fields, 'expires', fields.expires);
  return grantModelOf(fields);
}
