/** Early checks of construct props: they throw a DeclarationError naming the construct path. */
import type { Construct } from 'constructs';
import { POLICY_RULE_FIELDS } from '../model/catalog.ts';
import { DeclarationError } from '../model/errors.ts';
import { constructSource, sourceText, specSource, type Source } from '../model/findings.ts';
import { DATE_PATTERN, EMAIL_PATTERN, isCalendarDate } from '../model/model.ts';
import { inheritedKey } from '../model/own-keys.ts';
import { clipShown } from '../model/text.ts';
import { isObj } from '../analysis/objects.ts';

export { DeclarationError };

const EMAIL = new RegExp(EMAIL_PATTERN);
export { DATE_PATTERN, EMAIL_PATTERN };

export function show(value: unknown): string {
  // JSON has no Infinity or NaN (a spec's 1e400 is Infinity): say them as they are, not as null.
  const s =
    typeof value === 'number' && !Number.isFinite(value)
      ? String(value)
      : typeof value === 'string'
        ? JSON.stringify(value)
        : (JSON.stringify(value) ?? String(value));
  return clipShown(s);
}

/** A prop (`prop`, a path below `where`, the organization's) wrong as `message` says: an early DeclarationError. */
export function failAt(where: string, prop: string, message: string): never {
  throw new DeclarationError(`${where} (${prop})`, message);
}

/**
 * A declared list of records (`prop`, such as `safeCustomResources`), each a JSON object holding
 * `fields` only: each with its path (`prop[i]`), else an early DeclarationError saying what to
 * write (`example`, one record).
 */
export function declaredRecords(
  where: string,
  prop: string,
  value: unknown,
  fields: readonly string[],
  example: string,
): { readonly at: string; readonly entry: Record<string, unknown> }[] {
  if (!Array.isArray(value)) failAt(where, prop, `${show(value)} is not a list of ${example}`);
  return value.map((entry: unknown, i) => {
    const at = `${prop}[${i}]`;
    if (!isObj(entry)) failAt(where, at, `${show(entry)} is not ${example}`);
    for (const k of Object.keys(entry))
      if (!fields.includes(k)) failAt(where, `${at}.${k}`, `is not a field (allowed: ${fields.join(', ')})`);
    return { at, entry };
  });
}

/** A construct, or a light declaration object (a Grant) that knows where it was declared. */
type Declared = Construct | { readonly source: Source };

function where(scope: Declared, prop: string): string {
  const source = (scope as { source?: Source }).source;
  if (source && 'spec' in source) return source.spec;
  return `${'node' in scope ? scope.node.path : sourceText(source!)} (${prop})`;
}

/** Where a construct (or a grant) was declared: the spec path it was given, else its construct path. */
export const declaredSource = (path: string | (() => string), specPath: string | undefined): Source =>
  specPath !== undefined ? specSource(specPath) : constructSource(typeof path === 'string' ? path : path());

export function assertEmail(scope: Declared, prop: string, value: unknown): void {
  if (value === undefined)
    throw new DeclarationError(where(scope, prop), 'missing: give an email address (name@domain.tld)');
  if (typeof value !== 'string' || !EMAIL.test(value)) {
    throw new DeclarationError(where(scope, prop), `${show(value)} is not an email address (expected name@domain.tld)`);
  }
}

/**
 * A prop that must be text (a name, an id): missing or of another type, the message says where
 * and what to write (`example`), instead of a TypeError from deep inside.
 */
export function assertText(scope: Declared, prop: string, value: unknown, example: string): asserts value is string {
  if (typeof value === 'string') return;
  throw new DeclarationError(
    where(scope, prop),
    value === undefined ? `missing: give ${example}` : `${show(value)} is not text: give ${example}`,
  );
}

/** A prop that must be a positive whole number (an account id): the message names the prop and gives `example`. */
export function assertPositiveWholeNumber(scope: Declared, prop: string, value: unknown, example: string): void {
  if (value === undefined || (typeof value === 'number' && Number.isSafeInteger(value) && value > 0)) return;
  throw new DeclarationError(
    where(scope, prop),
    `${prop} ${show(value)} is not a positive whole number: give ${example}`,
  );
}

export function assertDate(scope: Declared, prop: string, value: unknown): void {
  if (!isCalendarDate(value)) {
    throw new DeclarationError(where(scope, prop), `${show(value)} is not a date (expected YYYY-MM-DD)`);
  }
}

export function assertOneOf(scope: Declared, prop: string, value: unknown, allowed: readonly string[]): void {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw new DeclarationError(
      where(scope, prop),
      `${show(value)} is not allowed (expected one of ${allowed.join(', ')})`,
    );
  }
}

/** An optional list prop: absent, or a list (a string where a list belongs would be read letter by letter). */
export function assertList(scope: Declared, prop: string, value: unknown, example: string): void {
  if (value === undefined || Array.isArray(value)) return;
  throw new DeclarationError(where(scope, prop), `${show(value)} is not a list: give ${example}`);
}

/** An optional true/false prop: `'yes'` or `1` is refused, never read as true. */
export function assertBoolean(scope: Declared, prop: string, value: unknown): void {
  if (value === undefined || typeof value === 'boolean') return;
  throw new DeclarationError(where(scope, prop), `${show(value)} is not true or false`);
}

/** A namespace given by name or as the Namespace construct. */
export function assertNamespace(scope: Declared, prop: string, value: unknown, example: string): void {
  if (typeof value === 'string' || typeof (value as { namespaceName?: unknown } | null)?.namespaceName === 'string')
    return;
  throw new DeclarationError(
    where(scope, prop),
    value === undefined ? `missing: give ${example}` : `${show(value)} is not a namespace: give ${example}`,
  );
}

/** A User construct, where a grant names whom it is for. */
export function assertUser(scope: Declared, prop: string, value: unknown, example: string): void {
  if (typeof (value as { email?: unknown } | null)?.email === 'string') return;
  throw new DeclarationError(
    where(scope, prop),
    `${value === undefined ? 'missing' : `${show(value)} is not a User`}: give the User construct, e.g. ${example}`,
  );
}

/**
 * Each rule of a list in the shape Kubernetes reads: an object whose `verbs` is a non-empty list
 * and whose fields are lists of strings. What the rules allow is the invalid-rule policy's.
 */
export function assertRuleShapes(scope: Declared, prop: string, rules: readonly unknown[]): void {
  rules.forEach((rule, i) => {
    const at = `${prop}[${i}]`;
    if (typeof rule !== 'object' || rule === null || Array.isArray(rule))
      throw new DeclarationError(
        where(scope, at),
        `${show(rule)} is not a rule: give e.g. { apiGroups: [''], resources: ['pods'], verbs: ['get'] }`,
      );
    const r = rule as Record<string, unknown>;
    if (!Array.isArray(r.verbs) || r.verbs.length === 0)
      throw new DeclarationError(
        where(scope, `${at}.verbs`),
        `${r.verbs === undefined ? 'missing' : Array.isArray(r.verbs) ? 'no verbs' : `${show(r.verbs)} is not a list of verbs`}: give at least one, e.g. ['get', 'list'] (or ['*'])`,
      );
    for (const key of POLICY_RULE_FIELDS) {
      const v = r[key];
      if (v !== undefined && !(Array.isArray(v) && v.every((x) => typeof x === 'string')))
        throw new DeclarationError(where(scope, `${at}.${key}`), `${show(v)} is not a list of strings`);
    }
  });
}

/** Each level of a list is a level's name (a string); which names exist is the unknown-level policy's. */
export function assertLevelNames(scope: Declared, prop: string, levels: readonly unknown[]): void {
  levels.forEach((level, i) => {
    if (typeof level !== 'string')
      throw new DeclarationError(
        where(scope, `${prop}[${i}]`),
        `${show(level)} is not a level: give its name, e.g. 'r:pods' (\`orgctl levels\` lists them)`,
      );
  });
}

export function assertNonEmpty(scope: Declared, prop: string, values: readonly unknown[], what: string): void {
  if (values.length === 0) throw new DeclarationError(where(scope, prop), `give at least one ${what}`);
}

/**
 * A construct id that is free under `scope` (and not in `alsoTaken`, ids its records hold without a
 * construct): `base`, else `base#2`, `base#3`... (duplicates are a policy's job).
 * The constructs library keeps children in a plain object: a name Object's prototype holds
 * (`constructor`, a valid namespace or token id) reads as a child there, and adding it throws (R12).
 */
export function freeId(scope: Construct, base: string, alsoTaken?: ReadonlySet<string>): string {
  const safe = base.replace(/\//g, '∕') || '(empty)';
  const taken = (id: string) =>
    inheritedKey(id) || scope.node.tryFindChild(id) !== undefined || alsoTaken?.has(id) === true;
  if (!taken(safe)) return safe;
  for (let i = 2; ; i++) if (!taken(`${safe}#${i}`)) return `${safe}#${i}`;
}

/**
 * The construct ids under `scope` that a spec's records hold (users, namespaces: kept as the
 * model's records, with no construct), each made as freeId would have made it then. A record at a
 * spec path is known by it, so its id serves only to keep a construct declared after it from
 * taking it: made when first needed (a construct declared in code, a record without a path), not
 * for each record: at size L, 10,000 ids (each name looked up on Object's prototype, among the
 * children and the ids taken) were half the CPU of declaring the spec's users, for nothing `check`
 * or `synth` prints. Nothing else adds a child to `scope` between (the organization keeps it private).
 */
export class RecordIds {
  private readonly ids = new Set<string>();
  /** The names of records at a spec path whose ids are not made yet, in order. */
  private readonly unnamed: string[] = [];

  constructor(private readonly scope: Construct) {}

  /**
   * A record's source: its spec path, its id made when one is next asked for; else (no path) its
   * construct path, its id made now.
   */
  public source(base: string, path: string | undefined): Source {
    if (path !== undefined) {
      this.unnamed.push(base);
      return specSource(path);
    }
    const id = this.free(base);
    this.ids.add(id);
    return constructSource(`${this.scope.node.path}/${id}`);
  }

  /** An id under the scope for `base` (freeId) that no record holds: a construct's declared in code. */
  public free(base: string): string {
    return freeId(this.scope, base, this.taken());
  }

  /** Every id the records hold, those not made yet made in order. */
  private taken(): ReadonlySet<string> {
    for (const base of this.unnamed) this.ids.add(freeId(this.scope, base, this.ids));
    this.unnamed.length = 0;
    return this.ids;
  }
}
