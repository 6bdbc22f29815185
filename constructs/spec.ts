/**
 * The organization spec (YAML or JSON): its types, its JSON Schema check with ajv and
 * how it declares constructs. Every problem names the spec path (`spec.users[2].email`),
 * what was given and what is allowed.
 */
import { seedAccess, type ArgoCdSource, type UserStatus } from '../model/model.ts';
import type { NamespaceDefaultsProps, NamespaceGuardRailProps } from './guard-rails.ts';
import type { NamespaceProtection } from '../model/guard-rails.ts';
import type { SafeCustomResourceProps } from './safe-custom-resources.ts';
import type { MailDomainProps } from './mail-domains.ts';
import type { ErrorObject } from 'ajv';
import { validate as schemaValidate } from '../schema/org.schema.validate.js';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import type { PolicyRule } from '../model/catalog.ts';
import type { Organization } from './organization.ts';
import type { SpecGrant } from './grant.ts';
import { DATE_PATTERN, EMAIL_PATTERN, declaredSource, show } from './props.ts';
import { APPLIED_BY_PATTERN } from '../model/guard-rails.ts';
import { orgOf } from './org-scope.ts';
import { SpecError } from '../model/errors.ts';
import { parseBlockYaml } from '../synth/yaml.ts';
import { nearestName } from '../model/text.ts';
import { positionAt, positionText, type Position } from '../model/findings.ts';
import {
  jsonErrorOffset,
  type JsonList,
  jsonPositions,
  jsonStringEnd,
  LIST_STEP,
  openAtEnd,
  type JsonPositions,
} from './json-positions.ts';
import { duplicateKeyWords, markDuplicateKeys, yamlErrorsInWords } from './yaml-mistakes.ts';

export interface OrgSpec {
  readonly apiVersion: 'orgctl/v1';
  readonly kind: 'Organization';
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly owner: string;
    readonly identity?: { readonly usernamePrefix?: string; readonly mailDomains?: readonly MailDomainProps[] };
    readonly sso?: { readonly enforced?: boolean };
    readonly clusters?: readonly string[];
    readonly review?: { readonly massRemovalThreshold?: number };
    readonly delivery?: {
      readonly shards?: number;
      readonly argocd?: ArgoCdSource;
    };
    readonly namespaceDefaults?: NamespaceDefaultsProps;
    readonly namespaceProtection?: NamespaceProtection;
    readonly safeCustomResources?: readonly SafeCustomResourceProps[];
    readonly users?: readonly {
      readonly email: string;
      readonly github?: string;
      readonly githubId?: number;
      readonly admin?: boolean;
      readonly billing?: boolean;
      readonly status?: UserStatus;
      readonly access?: 'all' | 'none';
    }[];
    readonly namespaces?: readonly ({
      readonly name: string;
      readonly clusters?: readonly string[];
    } & NamespaceGuardRailProps)[];
    readonly roles?: readonly { readonly name: string; readonly levels: readonly string[] }[];
    readonly customRoles?: readonly { readonly name: string; readonly rules: readonly PolicyRule[] }[];
    readonly grants?: readonly SpecGrant[];
    readonly tokens?: readonly {
      readonly id: string;
      readonly name?: string;
      readonly namespaces?: readonly string[];
      readonly levels?: readonly string[];
      readonly owner?: string;
      readonly rotation?: number;
      readonly note?: string;
      readonly expires?: string;
      readonly status?: UserStatus;
      readonly rbac?: readonly {
        readonly namespace: string;
        readonly rules?: readonly PolicyRule[];
        readonly customRole?: string;
      }[];
    }[];
    readonly invites?: readonly {
      readonly email: string;
      readonly admin?: boolean;
      readonly billing?: boolean;
      readonly sso?: boolean;
      readonly state?: 'pending' | 'revoked';
      readonly grants?: readonly {
        readonly namespace: string;
        readonly levels?: readonly string[];
        readonly role?: string;
      }[];
    }[];
  };
}

export { SpecError } from '../model/errors.ts';

/** `/spec/users/2/email` → `spec.users[2].email` */
export function specPath(pointer: string): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  return out || '(document)';
}

const EXPECTED_BY_PATTERN: Record<string, string> = {
  [EMAIL_PATTERN]: 'an email address (name@domain.tld)',
  [DATE_PATTERN]: 'a date (YYYY-MM-DD)',
  [APPLIED_BY_PATTERN]: 'a Kubernetes username in printable ASCII, with no space, quote or backslash',
  '\\S': 'a text with something in it',
};

const TYPE_WORDS: Record<string, string> = {
  array: 'a list',
  object: 'a mapping',
  string: 'a string',
  boolean: 'true or false',
  integer: 'a whole number',
  number: 'a number',
};

/** YAML 1.1's words for true and false (`yes`, `on`, `n`...), which YAML 1.2, as orgctl reads it, takes as text. */
const YAML11_BOOLEAN = /^(?:(y|Y|yes|Yes|YES|on|On|ON)|(n|N|no|No|NO|off|Off|OFF))$/;

/** Where true or false belongs, a YAML 1.1 word said as what it meant (` (... write true)`); else ''. */
function yaml11Hint(data: unknown, types: readonly string[]): string {
  const m = typeof data === 'string' && types.includes('boolean') ? YAML11_BOOLEAN.exec(data) : null;
  if (!m) return '';
  const meant = m[1] !== undefined ? 'true' : 'false';
  return ` (YAML 1.1 read ${data as string} as ${meant}; orgctl reads YAML 1.2: write ${meant})`;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Date) return 'a date (quote it to give text)';
  if (v instanceof Uint8Array) return 'binary data';
  return typeof v === 'object' ? 'a mapping' : `a ${typeof v}`;
}

/** How a sentence names the thing at a spec path: `the spec`, `the document`, or the path. */
function named(at: string): string {
  return at === 'spec' ? 'the spec' : at === '(document)' ? 'the document' : at;
}

/** A field's schema description as a short phrase: `Email of the owner, the first admin. ...` → `email of the owner, the first admin`. */
function phrase(schema: unknown): string | undefined {
  const d = (schema as { description?: unknown } | undefined)?.description;
  if (typeof d !== 'string') return undefined;
  const first = d.split(/(?<!\be\.g)\.(?=\s|$)|[;:](?=\s)/)[0]!.trim();
  return first ? first[0]!.toLowerCase() + first.slice(1) : undefined;
}

const plural = (n: unknown, word: string): string => `${String(n)} ${word}${n === 1 ? '' : 's'}`;

/** `delivery.argocd` for `argocd` given where `delivery`'s own fields hold it (a field one level too high); else undefined. */
function fieldOneBelow(field: string, schema: unknown): string | undefined {
  const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
  for (const [name, sub] of Object.entries(properties)) {
    const inner = (sub as { properties?: Record<string, unknown> } | undefined)?.properties;
    if (inner && Object.hasOwn(inner, field)) return `${name}.${field}`;
  }
  return undefined;
}

/** One schema error as a sentence: the spec path, what was given and what is allowed; `where` is the spec path it is found at. */
function describe(e: ErrorObject): { readonly text: string; readonly where: string } {
  const at = specPath(e.instancePath);
  const given = show(e.data);
  const p = e.params as Record<string, unknown>;
  const expected = phrase(e.parentSchema);
  const text = (t: string) => ({ text: t, where: at });
  switch (e.keyword) {
    case 'required': {
      const field = String(p.missingProperty);
      const what = phrase((e.parentSchema as { properties?: Record<string, unknown> })?.properties?.[field]);
      return text(`${named(at)} is missing the required field "${field}"${what ? ` (${what})` : ''}`);
    }
    case 'additionalProperties': {
      const field = String(p.additionalProperty);
      const allowed = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {});
      const path = specPath(`${e.instancePath}/${field.replace(/~/g, '~0').replace(/\//g, '~1')}`);
      const near = nearestName(field, allowed) ?? fieldOneBelow(field, e.parentSchema);
      return {
        // The document's description is the schema's title, not a name for it.
        text: `${path} is not a field of ${at === '(document)' ? named(at) : (expected ?? named(at))}${near ? `: did you mean ${near}?` : ''} (allowed: ${allowed.join(', ')})`,
        where: path,
      };
    }
    case 'type': {
      // ajv joins a list of types with commas (oneShape's too).
      const types = String(p.type).split(',');
      return text(
        `${at}: ${given} is ${kindOf(e.data)}, not ${types.map((t) => TYPE_WORDS[t] ?? t).join(' or ')}${yaml11Hint(e.data, types)}`,
      );
    }
    case 'uniqueItems': {
      const item = (e.data as unknown[])[Number(p.i)];
      return text(`${at}: ${given} names ${typeof item === 'string' ? item : show(item)} twice`);
    }
    case 'enum':
      return text(
        `${at}: ${given} is not allowed (allowed: ${(p.allowedValues as unknown[]).map((v) => String(v)).join(', ')})`,
      );
    case 'const':
      return text(`${at}: ${given} is not allowed (allowed: ${show(p.allowedValue)})`);
    case 'pattern':
      return text(
        `${at}: ${given} is not ${EXPECTED_BY_PATTERN[String(p.pattern)] ?? `of the form ${String(p.pattern)}`}`,
      );
    case 'minLength':
      return text(
        p.limit === 1
          ? `${at}: "" is empty${expected ? `; expected: ${expected}` : ''}`
          : `${at}: ${given} is shorter than ${plural(p.limit, 'character')}`,
      );
    case 'maxLength':
      return text(
        `${at}: ${given} is ${plural((e.data as string).length, 'character')} long (at most ${String(p.limit)})`,
      );
    case 'minimum':
    case 'maximum':
      return text(
        `${at}: ${given} is ${e.keyword === 'minimum' ? 'below the minimum' : 'above the maximum'} (${e.keyword === 'minimum' ? 'at least' : 'at most'} ${String(p.limit)})`,
      );
    case 'minItems':
      return text(
        `${at}: the list has ${plural((e.data as unknown[]).length, 'item')} (give at least ${String(p.limit)}${expected ? `: ${expected}` : ''})`,
      );
    case 'maxItems':
      return text(`${at}: the list has ${plural((e.data as unknown[]).length, 'item')} (at most ${String(p.limit)})`);
    default:
      return text(`${at}: ${given} ${e.message ?? 'is not valid'}`);
  }
}

/** Whether error `e` is about `instancePath` or a value inside it. */
const within = (e: ErrorObject, instancePath: string): boolean =>
  e.instancePath === instancePath || e.instancePath.startsWith(`${instancePath}/`);

/**
 * A mistake in a field of several shapes (oneOf: podSecurity a level or a mapping, appliedBy a
 * username or a list) said once, in the shape given. ajv reports every shape's errors and then
 * that none matched; only the errors of the shapes whose type the value has are kept, and a value
 * of none of their types is one error naming them all.
 */
function oneShape(errors: readonly ErrorObject[]): ErrorObject[] {
  const oneOfs = errors.filter((e) => e.keyword === 'oneOf');
  if (!oneOfs.length) return [...errors];
  const dropped = new Set<ErrorObject>();
  const replaced = new Map<ErrorObject, ErrorObject>();
  for (const o of oneOfs) {
    const prefix = `${o.schemaPath}/`;
    const shapes = (o.schema as readonly { readonly type?: string }[]).map((_, n) => n);
    const inShape = errors.filter((e) => e.schemaPath.startsWith(prefix) && within(e, o.instancePath));
    const shapeOf = (e: ErrorObject) => Number(e.schemaPath.slice(prefix.length).split('/')[0]);
    const typeMissed = new Set(
      inShape
        .filter(
          (e) =>
            e.keyword === 'type' && e.instancePath === o.instancePath && e.schemaPath === `${prefix}${shapeOf(e)}/type`,
        )
        .map(shapeOf),
    );
    const fitting = shapes.filter((n) => !typeMissed.has(n));
    for (const e of inShape) if (!fitting.includes(shapeOf(e))) dropped.add(e);
    if (fitting.length) dropped.add(o);
    else {
      const types = (o.schema as readonly { readonly type?: string }[]).map((b) => b.type ?? 'value');
      replaced.set(o, { ...o, keyword: 'type', params: { type: types.join(',') } });
    }
  }
  return errors.filter((e) => !dropped.has(e)).map((e) => replaced.get(e) ?? e);
}

/**
 * How ajv compiles the schema. Not at run time: schema/org.schema.validate.js is the compiled
 * validator as code (ajv's standalone output, test/spec-validator.ts; compiling cost every
 * spec-file command 66 ms), kept equal to the schema by a test, which also checks the schema
 * against the JSON Schema meta-schema.
 */
export const SPEC_AJV_OPTIONS = { allErrors: true, verbose: true, strict: true, strictTuples: false } as const;
function validate(data: unknown): readonly ErrorObject[] {
  return schemaValidate(data) ? [] : (schemaValidate.errors ?? []);
}

/**
 * Where a spec path is in the spec file, as `org.yaml:14:7`; undefined when unknown. Given by the
 * CLI (specLocator), which has the file; a spec given as data has no positions.
 */
export type SpecWhere = (path: string) => string | undefined;

/** `problem`, led by the file position of `path` when `where` knows it. */
const placed = (where: SpecWhere | undefined, path: string, problem: string): string => {
  const pos = where?.(path);
  return pos ? `${pos}: ${problem}` : problem;
};

/** Checks a parsed spec against the schema; throws a SpecError listing every problem. */
export function parseSpec(data: unknown, where?: SpecWhere): OrgSpec {
  if (data === null || data === undefined)
    throw new SpecError([placed(where, '(document)', 'the spec is empty (expected an Organization)')]);
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new SpecError([
      placed(
        where,
        '(document)',
        `the document is ${show(data)}, not a mapping (expected an Organization with apiVersion, kind, metadata, spec)`,
      ),
    ]);
  }
  const errors = validate(data);
  if (errors.length) {
    const lines = [
      ...new Set(
        oneShape(errors)
          .map(describe)
          .map((d) => placed(where, d.where, d.text)),
      ),
    ];
    throw new SpecError(lines.length > 50 ? [...lines.slice(0, 50), `... and ${lines.length - 50} more`] : lines);
  }
  return data as OrgSpec;
}

/**
 * The largest spec read. JSON parses in linear memory; the `yaml` package needs about 100 bytes
 * of memory per byte of YAML (it keeps positions for its messages), so a hostile 100 MB YAML file
 * would exhaust memory: large organizations use JSON (`orgctl generate --format json`). Plain block
 * YAML is read by the fast reader (parseBlockYaml), but any other YAML still by the `yaml` package.
 */
export const MAX_SPEC_BYTES = { json: 128 * 1024 * 1024, yaml: 16 * 1024 * 1024 } as const;

/** Parses YAML (or JSON, a subset) text with limits that keep a hostile file harmless. */
export function parseSpecText(text: string, file = 'spec'): unknown {
  return readSpecText(text, file).data;
}

/**
 * parseSpecText's value, and the lists of a JSON spec its duplicate-key pass read whole (JsonList:
 * `spec.grants` and the others), for specLocator: none for YAML, or when that pass stopped early.
 */
export function readSpecText(
  text: string,
  file = 'spec',
): { readonly data: unknown; readonly lists: ReadonlyMap<number, JsonList> } {
  const lists = new Map<number, JsonList>();
  try {
    return { data: parseText(text, file, lists), lists };
  } catch (e) {
    // Thousands of nested levels exhaust the parsers' stack.
    if (e instanceof RangeError) throw new SpecError([`${file}: cannot be read (${e.message}: nested too deeply?)`]);
    throw e;
  }
}

/** Text that opens as JSON does (`{` or `[`): read as JSON first; YAML when it is not JSON after all (a flow mapping). */
const looksLikeJson = (text: string): boolean => /^\s*[[{]/.test(text);

/**
 * JSON cut short (a copy or a download that stopped), said where the text ends: YAML would point
 * at a bracket it finds unclosed, far from what is missing. Undefined when JSON.parse stopped
 * before the end (a YAML flow mapping, or another mistake).
 */
function cutShort(text: string, e: Error): { readonly at: Position; readonly text: string } | undefined {
  const end = text.trimEnd().length;
  if (jsonErrorOffset(text, e) < end) return undefined;
  const open = openAtEnd(text);
  const inner = open[open.length - 1];
  if (inner === undefined) return undefined;
  const { line, column } = positionAt(text, inner);
  const what = text[inner] === '{' ? 'mapping {' : 'list [';
  const around = open.length > 1 ? ` (and ${open.length - 1} more { or [ around it)` : '';
  return {
    at: positionAt(text, end),
    text: `the file ends early, inside the ${what} opened at line ${line}, column ${column}${around}: the rest of the spec is missing; give the whole file`,
  };
}

function parseText(text: string, file: string, lists: Map<number, JsonList>): unknown {
  if (text.trim() === '') throw new SpecError([`${file}: the file is empty (expected an Organization)`]);
  if (text.length > MAX_SPEC_BYTES.json)
    throw new SpecError([
      `${file}: ${(text.length / 2 ** 20).toFixed(0)} MB is larger than a spec may be (${MAX_SPEC_BYTES.json / 2 ** 20} MB)`,
    ]);
  if (looksLikeJson(text)) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      const early = cutShort(text, e as Error);
      if (early) throw new SpecError([`${positionText(file, early.at)}: ${early.text}`]);
      // Not JSON after all: YAML gives a position for the error.
    }
    if (data !== undefined) {
      // JSON.parse keeps the last of duplicate keys, as Go does: refused, like a YAML spec's
      // duplicates (`uniqueKeys` below, and the canonical reader in yaml.ts).
      const dup = duplicateJsonKey(text, lists);
      if (dup) throw new SpecError([`${positionText(file, dup)}: ${dup.path}: ${duplicateKeyWords(dup.key)}`]);
      return data;
    }
  }
  if (text.length > MAX_SPEC_BYTES.yaml) {
    throw new SpecError([
      `${file}: ${(text.length / 2 ** 20).toFixed(0)} MB of YAML is larger than ${MAX_SPEC_BYTES.yaml / 2 ** 20} MB; write large organizations as JSON`,
    ]);
  }
  // Block YAML as orgctl writes it (`orgctl generate`) or as people and the `yaml` package do (lists
  // indented under their key, dates unquoted, comments on lines of their own) is read by the fast
  // reader; anything else (a comment after a value, anchors, flow style, a mistake) by the `yaml`
  // package, whose messages carry line and column.
  const plain = parseBlockYaml(text);
  if (plain?.length === 1) return plain[0];
  // Keys become strings (1, "1" and true, "true" are one key then): compare them as such, so
  // that two never silently become one.
  const keyText = (k: unknown) => (isScalar(k) ? String(k.value ?? '') : String(k));
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: true });
  markDuplicateKeys(doc, keyText);
  if (doc.errors.length) {
    // Its stack running out may be recorded at more than one level, as deep as the stack reached
    // that run (it varies with load): once is the one fact to say.
    const overflows = (e: Error) => /maximum call stack/i.test(e.message);
    const first = doc.errors.find(overflows);
    const errors = doc.errors.filter((e) => e === first || !overflows(e));
    // In plain words, at the place to fix (a known mistake alone: the parser's next errors follow from it).
    throw new SpecError(yamlErrorsInWords(text, errors).map((m) => `${positionText(file, m)}: ${m.text}`));
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new SpecError([`${file}: ${(e as Error).message} (aliases are limited to keep a spec small)`]);
  }
}

/** `spec.grants[0].levels[1]` → `['spec', 'grants', 0, 'levels', 1]`; undefined for what is not a spec path (a construct path). */
function pathKeys(path: string): (string | number)[] | undefined {
  if (path === '(document)') return [];
  if (!/^[\w$-]+(?:\.[\w$-]+|\[\d+\])*$/.test(path)) return undefined;
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!));
}

/**
 * YAML specs with positions in their findings: what people write. Parsing with positions costs
 * about 0.15 s per MB (and 100 bytes of memory per byte). A JSON spec (a generated organization)
 * is walked instead (json-positions.ts), at any size.
 */
const POSITIONED_YAML_BYTES = 1024 * 1024;

/**
 * Where spec paths are in a spec's text (YAML or JSON): `spec.grants[3].levels[0]` → line 14,
 * column 7, the start of its value; a path that is not in the text (a default, a missing field)
 * gets its nearest ancestor's position. Nothing is read until the first question (a spec without
 * mistakes never asks one). A YAML text is parsed with positions then, unless it is over
 * POSITIONED_YAML_BYTES.
 */
export function specLocator(
  text: string,
  lists?: ReadonlyMap<number, JsonList>,
): (path: string) => Position | undefined {
  // undefined: not asked yet; null: the text is not JSON (a YAML flow mapping).
  let json: JsonPositions | null | undefined = looksLikeJson(text) ? undefined : null;
  let yaml: ((keys: readonly (string | number)[]) => Position | undefined) | undefined;
  const at = (keys: readonly (string | number)[]): Position | undefined => {
    if (json !== null) {
      json ??= jsonPositions(text, lists);
      const found = json.at(keys);
      if (found) return found;
      json = null;
    }
    if (text.length > POSITIONED_YAML_BYTES) return undefined;
    yaml ??= yamlPositions(text);
    return yaml(keys);
  };
  return (path) => {
    const keys = pathKeys(path);
    if (!keys) return undefined;
    const found = at(keys);
    // A path under another first key is a spec path only when the document holds that key (a
    // mistyped field, `metdata`): a construct path (`acme`) would get the document's position.
    if (keys.length && !SPEC_ROOT_FIELDS.has(String(keys[0]))) {
      const root = at([]);
      if (!found || (root && found.line === root.line && found.column === root.column)) return undefined;
    }
    return found;
  };
}

const SPEC_ROOT_FIELDS = new Set(['apiVersion', 'kind', 'metadata', 'spec']);

/** Where spec paths are, by the `yaml` package's parse with positions (parsed once, when made). */
export function yamlPositions(text: string): (keys: readonly (string | number)[]) => Position | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
  return (keys) => {
    let node: unknown = doc.contents;
    for (const k of keys) {
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find((i) => isScalar(i.key) && String(i.key.value) === String(k));
        next = (pair?.value as YamlNode | null)?.range ? pair!.value : pair?.key;
      } else if (isSeq(node) && typeof k === 'number') next = node.items[k];
      if (!(next as YamlNode | undefined)?.range) break;
      node = next;
    }
    const range = (node as YamlNode | null)?.range;
    if (!range) return undefined;
    const { line, col } = lines.linePos(range[0]);
    return { line, column: col };
  };
}

/**
 * The first key that appears twice in one object of valid JSON `text`, with where it is (1-based
 * line and column) and its spec path; undefined when there is none. A spec without one (every
 * spec that loads) is told by mayRepeatKey's pass, which makes nothing per object or key; the
 * pass that names the key runs only when it may find one.
 */
function duplicateJsonKey(
  text: string,
  lists: Map<number, JsonList>,
): { key: string; path: string; line: number; column: number } | undefined {
  return mayRepeatKey(text, lists) ? firstDuplicateJsonKey(text) : undefined;
}

/** Keys an object may hold before mayRepeatKey stops comparing each with all before it (a spec's objects hold up to 10). */
const KEYS_COMPARED = 32;

/**
 * False when no object of valid JSON `text` holds a key twice; true when one may (two keys of one
 * spelling, a key with an escape, which may spell another, or an object of more keys than
 * KEYS_COMPARED). One pass over the text: the open objects' keys are offsets into it, compared in
 * place, so nothing is made per object or per key (a Set and a key string each cost `check` at
 * size L 100,000 objects and 330,000 strings before).
 */
function mayRepeatKey(text: string, lists: Map<number, JsonList>): boolean {
  // Per open { or [: whether an object, and where its keys start in the key stack.
  let isObject = new Uint8Array(64);
  let keysFrom: Int32Array<ArrayBuffer> = new Int32Array(64);
  let depth = 0;
  // The open objects' keys, as offsets of their first character and past their last.
  let starts: Int32Array<ArrayBuffer> = new Int32Array(256);
  let ends: Int32Array<ArrayBuffer> = new Int32Array(256);
  let keys = 0;
  let expectKey = false;
  // The lists open at depth 3 (a spec's `spec.grants`), put in `lists` once the whole text is read
  // (none when the pass stops early): the one open (where, its object items, its commas, its first
  // entry in `every`), where every LIST_STEP-th item of each starts (`every`, all lists one after
  // another), and each list closed, a row of `closed`.
  // Rare events are written where common ones are, by a chosen row (the last one a scratch row):
  // a branch first taken after the loop is optimized (a spec's second list closes 0.5 MB in) sent
  // it back to the interpreter, and this pass took 30 -> 45-70 ms at size L.
  let listAt = -1;
  let items = 0;
  let commas = 0;
  let first = 0;
  // Room for an item every 64 characters or more, as a spec's (a generated grant is ~75): grown, rarely.
  let every: Int32Array<ArrayBuffer> = new Int32Array((text.length >> 12) + 64);
  let entries = 0;
  const closed = new Int32Array(CLOSED_ROWS * 5);
  const scratch = CLOSED_ROWS - 1;
  let rows = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i + 1;
      i = jsonStringEnd(text, i) - 1; // valid JSON: every string ends
      if (!expectKey) continue;
      expectKey = false;
      const from = keysFrom[depth - 1]!;
      if (keys - from >= KEYS_COMPARED) return true;
      for (let j = start; j < i; j++) if (text.charCodeAt(j) === 0x5c /* backslash */) return true;
      const length = i - start;
      for (let k = from; k < keys; k++)
        if (ends[k]! - starts[k]! === length && sameText(text, starts[k]!, start, length)) return true;
      if (keys === starts.length) {
        starts = grown(starts);
        ends = grown(ends);
      }
      starts[keys] = start;
      ends[keys] = i;
      keys++;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      // Each compared at every open (as at a close below).
      const opensList = c === 0x5b;
      const opensItem = c === 0x7b;
      const listDepth = depth === 2;
      const itemDepth = depth === 3;
      const inMapping = isObject[1] === 1;
      if (listDepth && opensList && inMapping) {
        listAt = i;
        items = 0;
        commas = 0;
        first = entries;
      } else if (listAt >= 0 && itemDepth && opensItem) {
        if ((items & (LIST_STEP - 1)) === 0) {
          if (entries === every.length) every = grown(every);
          every[entries++] = i;
        }
        items++;
      }
      if (depth === isObject.length) {
        const wider = new Uint8Array(depth * 2);
        wider.set(isObject);
        isObject = wider;
        keysFrom = grown(keysFrom);
      }
      isObject[depth] = c === 0x7b ? 1 : 0;
      keysFrom[depth] = keys;
      depth++;
      expectKey = c === 0x7b;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
      keys = keysFrom[depth]!;
      expectKey = false;
      // A list closing writes its row; any other close the scratch row (rows stop at the last but one).
      const room = rows < scratch; // compared at every close, as all of it: none is first done late
      const kept = listAt >= 0 && depth === 2 && room;
      const row = kept ? rows : scratch;
      closed[row * 5] = listAt;
      closed[row * 5 + 1] = i + 1;
      closed[row * 5 + 2] = items;
      closed[row * 5 + 3] = commas;
      closed[row * 5 + 4] = first;
      rows += kept ? 1 : 0;
      listAt = depth === 2 ? -1 : listAt;
    } else if (c === 0x2c /* , */) {
      expectKey = isObject[depth - 1] === 1;
      if (listAt >= 0 && depth === 3) commas++;
    }
  }
  recordLists(lists, closed, rows, every);
  return false;
}

/** How many lists mayRepeatKey records (a spec has eight), and a scratch row. */
const CLOSED_ROWS = 64;

/** mayRepeatKey's closed lists (rows of where, end, items, commas, first entry) as JsonLists: those whose every item is an object, as a spec's lists' are. */
function recordLists(lists: Map<number, JsonList>, closed: Int32Array, rows: number, every: Int32Array): void {
  for (let r = 0; r < rows; r++) {
    const [at, end, items, commas, first] = closed.subarray(r * 5, r * 5 + 5);
    // Each item an object: one `{` seen for each, and the list's commas between them.
    if (items! > 0 && items === commas! + 1)
      lists.set(at!, { end: end!, count: items!, every: every.slice(first, first! + Math.ceil(items! / LIST_STEP)) });
  }
}

/** `list` copied into one twice its length. */
function grown(list: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const wider = new Int32Array(list.length * 2);
  wider.set(list);
  return wider;
}

/** Whether `text` holds the same `length` characters at `a` and at `b`. */
function sameText(text: string, a: number, b: number, length: number): boolean {
  for (let j = 0; j < length; j++) if (text.charCodeAt(a + j) !== text.charCodeAt(b + j)) return false;
  return true;
}

/** duplicateJsonKey's answer, by a pass that keeps each object's keys (decoded) to name the one repeated and its path. */
function firstDuplicateJsonKey(text: string): { key: string; path: string; line: number; column: number } | undefined {
  interface Frame {
    readonly keys?: Set<string>;
    index: number;
    key?: string;
  }
  const stack: Frame[] = [];
  let expectKey = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */) {
      stack.push({ keys: new Set(), index: 0 });
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      stack.push({ index: 0 });
      expectKey = false;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1]!;
      top.index++;
      expectKey = top.keys !== undefined;
    } else if (c === 0x22 /* " */) {
      const start = i;
      i = jsonStringEnd(text, i) - 1; // valid JSON: every string ends
      if (!expectKey) continue;
      const raw = text.slice(start + 1, i);
      const key = raw.includes('\\') ? (JSON.parse(text.slice(start, i + 1)) as string) : raw;
      const top = stack[stack.length - 1]!;
      if (top.keys!.has(key)) {
        const parts = stack.map((f) => (f.keys ? f.key! : String(f.index)));
        parts[parts.length - 1] = key;
        return {
          key,
          path: specPath(`/${parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`),
          ...positionAt(text, start),
        };
      }
      top.keys!.add(key);
      top.key = key;
      expectKey = false;
    }
  }
  return undefined;
}

/**
 * `spec.grants[i]` for each index of a list of `count` entries: slices of one text holding them
 * all, its bytes written with the index's digits counted up entry by entry. A path made by `join`
 * per entry (its array, the index's digits found by division) took 35-60 ms of CPU for 100,000
 * grants in a copy apart, this 25-38 ms; a slice is a string as small as a flat one, and the text
 * lives as long as the model, as the paths do. `list` is one of the spec's list names (ASCII).
 */
function entryPaths(list: string, count: number): (i: number) => string {
  const head = `spec.${list}[`;
  const starts = new Int32Array(count + 1);
  let size = 0;
  for (let i = 0, width = 1, next = 10; i < count; i++) {
    if (i === next) {
      width++;
      next *= 10;
    }
    starts[i] = size;
    size += head.length + width + 1;
  }
  starts[count] = size;
  const bytes = new Uint8Array(size);
  // The index's decimal digits as character codes, the last digit first.
  const digits = [0x30];
  let at = 0;
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < head.length; k++) bytes[at++] = head.charCodeAt(k);
    for (let k = digits.length - 1; k >= 0; k--) bytes[at++] = digits[k]!;
    bytes[at++] = 0x5d; // ]
    let k = 0;
    while (digits[k] === 0x39) digits[k++] = 0x30;
    if (k === digits.length) digits.push(0x31);
    else digits[k]!++;
  }
  const text = new TextDecoder().decode(bytes);
  return (i) => text.slice(starts[i]!, starts[i + 1]!);
}

/**
 * Declares every part of a checked spec on `org`, each with its spec path as source, or with its
 * construct path when `specPaths` is false (a spec recovered from an output: see fromSpec); its
 * users and namespaces as the model's records when `userRecords` (fromSpec's option), else as
 * User and Namespace constructs.
 */
export function declareFromSpec(
  org: Organization,
  { spec }: OrgSpec,
  where?: SpecWhere,
  specPaths = true,
  userRecords = false,
): void {
  const at = (path: string): string | undefined => (specPaths ? path : undefined);
  // A list's entry paths, for as many entries as the spec's list holds.
  const entries = (
    list: 'users' | 'namespaces' | 'roles' | 'customRoles' | 'grants' | 'tokens' | 'invites',
  ): ((i: number) => string) | undefined => (specPaths ? entryPaths(list, spec[list]?.length ?? 0) : undefined);
  // What a spec declares directly (grants as the model's records, roles with unchecked levels, and
  // users and namespaces as records when asked), through the Organization's internal scope: not
  // methods people call.
  const scope = orgOf(org);
  const userPath = entries('users');
  spec.users?.forEach((u, i) => {
    if (userRecords) scope.addSpecUser(u, userPath?.(i));
    else org.user(u.email, { ...u, ...seedAccess(u.access), source: userPath?.(i) });
  });
  const namespacePath = entries('namespaces');
  spec.namespaces?.forEach((n, i) => {
    if (userRecords) scope.addSpecNamespace(n, namespacePath?.(i));
    else {
      const { name, ...props } = n;
      org.namespace(name, { ...props, source: namespacePath?.(i) });
    }
  });
  const rolePath = entries('roles');
  spec.roles?.forEach((r, i) => scope.addRole(r.name, r.levels, rolePath?.(i)));
  const customRolePath = entries('customRoles');
  spec.customRoles?.forEach((r, i) => scope.addCustomRole(r.name, r.rules, customRolePath?.(i)));
  if (spec.grants) scope.addSpecGrants(spec.grants, entries('grants'));
  const tokenPath = entries('tokens');
  spec.tokens?.forEach((t, i) => {
    const token = org.token(t.id, {
      name: t.name,
      namespaces: t.namespaces,
      levels: t.levels,
      owner: t.owner,
      rotation: t.rotation,
      note: t.note,
      expires: t.expires,
      status: t.status,
      source: tokenPath?.(i),
    });
    t.rbac?.forEach((r, j) => {
      const source = `spec.tokens[${i}].rbac[${j}]`;
      if (!r.rules && r.customRole === undefined)
        throw new SpecError([placed(where, source, `${source}: give rules or customRole`)]);
      if (r.rules) token.allow(r.namespace, r.rules, at(source));
      if (r.customRole !== undefined) token.allowCustomRole(r.namespace, r.customRole, at(source));
    });
  });
  const invitePath = entries('invites');
  spec.invites?.forEach((v, i) => {
    const invite = org.invite(v.email, {
      admin: v.admin,
      billing: v.billing,
      sso: v.sso,
      state: v.state,
      source: invitePath?.(i),
    });
    v.grants?.forEach((g, j) => {
      if (!g.levels && g.role === undefined)
        throw new SpecError([
          placed(where, `spec.invites[${i}].grants[${j}]`, `spec.invites[${i}].grants[${j}]: give levels or role`),
        ]);
      // biome-ignore lint/complexity/useLiteralKeys: addGrant is private to Invite's typed API; the spec loader is its one caller
      invite['addGrant']({
        namespace: g.namespace,
        levels: g.levels ?? [],
        roles: g.role !== undefined ? [g.role] : [],
        source: declaredSource(`${invite.node.path}/grants[${j}]`, at(`spec.invites[${i}].grants[${j}]`)),
      });
    });
  });
}
