/**
 * The API server's own rules for names, labels, annotations and sizes, as orgctl's output meets
 * them. Each function returns why a value is refused, or undefined when the server accepts it.
 *
 * Sources (kubernetes/kubernetes and k8s.io/apimachinery):
 * - `IsDNS1123Label` (`[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63) and `IsDNS1123Subdomain`
 *   (labels joined by `.`, at most 253): apimachinery `pkg/util/validation/validation.go`.
 *   Namespaces are DNS-1123 labels (`ValidateNamespaceName`); ServiceAccounts, Secrets and
 *   ConfigMaps DNS-1123 subdomains (`NameIsDNSSubdomain`) — `pkg/apis/core/validation`.
 * - RBAC objects (Role, ClusterRole, RoleBinding) only need to be a path segment:
 *   `path.ValidatePathSegmentName` / `IsValidPathSegmentName` in `pkg/api/validation/path/name.go`:
 *   `NameMayNotBe = [".", ".."]`, `NameMayNotContain = ["/", "%"]` (RBAC's `ValidateRBACName`).
 * - Label values: `IsValidLabelValue`, at most 63 (`LabelValueMaxLength`), empty or
 *   `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]` — apimachinery `pkg/util/validation/validation.go`.
 * - Annotations: all keys and values together at most 256 KiB (`TotalAnnotationSizeLimitB`,
 *   apimachinery `pkg/api/validation/objectmeta.go`, `ValidateAnnotationsSize`).
 * - A ConfigMap's data at most 1 MiB (`MaxSecretSize`, `ValidateConfigMap`: "Too long: may not be
 *   more than 1048576 bytes"); etcd refuses any request over 1.5 MiB (`--max-request-bytes`).
 * - Bindings: `ValidateRoleBinding` and `ValidateRoleBindingSubject` in `pkg/apis/rbac/validation/
 *   validation.go`, after v1's defaulting (`pkg/apis/rbac/v1/defaults.go`: an empty roleRef
 *   apiGroup is RBAC's, an empty subject apiGroup is RBAC's for a User or Group and '' for a
 *   ServiceAccount); roles' rules: `ValidatePolicyRule` (analysis/rules.ts, ruleDefects).
 * - Fields: rbac/v1's types (`k8s.io/api/rbac/v1/types.go`) and ObjectMeta's; a field neither
 *   declares is refused by strict field validation, kubectl's default since 1.27 (`--validate=strict`).
 */
import { isObj, policyRulesProblem } from '../../analysis/objects.ts';
import { type RuleDefect, ruleDefects } from '../../analysis/rules.ts';
import type { PolicyRule } from '../../model/catalog.ts';
import { byteLength } from '../../model/text.ts';
import { isWrittenNamespaced, RBAC_GROUP } from '../../synth/kinds.ts';

export const DNS1123_LABEL_MAX = 63;
const DNS1123_SUBDOMAIN_MAX = 253;
export const LABEL_VALUE_MAX = 63;
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;
/**
 * What Argo CD adds to an object's annotations as it applies it, at most: its tracking
 * (`argocd.argoproj.io/tracking-id: <application>:<group>/<kind>:<namespace>/<name>`, under 900
 * bytes: each part a Kubernetes name) and an installation id when one is configured.
 */
const ARGO_CD_ANNOTATIONS_RESERVE = 2 * 1024;
/**
 * The annotations orgctl writes on one object, at most: the API server counts Argo CD's with them
 * (ANNOTATIONS_MAX_BYTES), and refusing one object holds its whole Application (red team R65-5).
 */
export const WRITTEN_ANNOTATIONS_MAX_BYTES = ANNOTATIONS_MAX_BYTES - ARGO_CD_ANNOTATIONS_RESERVE;
/** WRITTEN_ANNOTATIONS_MAX_BYTES for a person: why it is less than the API server's limit. */
export const WRITTEN_ANNOTATIONS_LIMIT_TEXT = `${WRITTEN_ANNOTATIONS_MAX_BYTES} bytes orgctl writes (the API server's ${ANNOTATIONS_MAX_BYTES}, 256 KiB, less what Argo CD adds: its tracking)`;
export const CONFIGMAP_DATA_MAX_BYTES = 1024 * 1024;
export const REQUEST_MAX_BYTES = 1.5 * 1024 * 1024;

/** A DNS label's characters, without anchors or its length limit: for patterns built of labels. */
export const DNS1123_LABEL_BODY = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL = new RegExp(`^${DNS1123_LABEL_BODY}$`);
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Bounds of frozen values (the subjects every binding shares): they cannot change. */
const frozenBounds = new WeakMap<object, number>();
/** Whether a value inside a deeply frozen one is itself: a scalar, or an object whose bound is kept. */
const isKept = (item: unknown): boolean => typeof item !== 'object' || item === null || frozenBounds.has(item);

/**
 * At least `byteLength(JSON.stringify(value))`, and Go's encoding of it (goJsonBytes), without
 * writing it: a UTF-16 unit is at most 6 bytes of JSON (`\uXXXX`; 3 bytes of UTF-8 otherwise), a number at most 24 characters. Objects far
 * under a limit need no exact measure: the bound is summed once per shared (frozen) value.
 */
export function jsonBytesAtMost(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return 6 * value.length + 2;
    case 'number':
      return 24;
    case 'boolean':
      return 5;
    case 'object':
      break;
    default:
      return 4; // undefined is left out of objects and written as null in arrays
  }
  if (value === null) return 4;
  const known = frozenBounds.get(value);
  if (known !== undefined) return known;
  // A value with its own toJSON writes what it says: measured exactly.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return byteLength(JSON.stringify(value) ?? 'null');
  let bytes = 2;
  // Kept only for a value frozen all the way down (each object in it kept too): nothing in it can change.
  let deeplyFrozen = Object.isFrozen(value);
  if (Array.isArray(value)) {
    bytes += value.length;
    for (const item of value) {
      bytes += jsonBytesAtMost(item);
      deeplyFrozen &&= isKept(item);
    }
  } else
    for (const key in value) {
      const item = (value as Record<string, unknown>)[key];
      bytes += 6 * key.length + 4 + jsonBytesAtMost(item);
      deeplyFrozen &&= isKept(item);
    }
  if (deeplyFrozen) frozenBounds.set(value, bytes);
  return bytes;
}

/** `IsDNS1123Label`. */
export function dns1123LabelProblem(name: string, max = DNS1123_LABEL_MAX): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.length > max) return `is ${name.length} characters long (at most ${max})`;
  if (!DNS1123_LABEL.test(name))
    return 'must be lower-case letters, digits and "-", starting and ending with a letter or digit (a DNS-1123 label)';
  return undefined;
}

/** `IsDNS1123Subdomain`. */
export function dns1123SubdomainProblem(name: string, max = DNS1123_SUBDOMAIN_MAX): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.length > max) return `is ${name.length} characters long (at most ${max})`;
  if (!DNS1123_SUBDOMAIN.test(name))
    return 'must be lower-case letters, digits, "-" and ".", starting and ending with a letter or digit (a DNS-1123 subdomain)';
  return undefined;
}

/** `path.ValidatePathSegmentName(name, false)`: RBAC object names. */
export function pathSegmentProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name === '.' || name === '..') return `may not be '${name}'`;
  // Each character looked for once, and no list made for the usual name, which holds neither.
  const slash = name.includes('/');
  const percent = name.includes('%');
  if (!slash && !percent) return undefined;
  return [slash ? "may not contain '/'" : '', percent ? "may not contain '%'" : ''].filter(Boolean).join(' and ');
}

/** `IsValidLabelValue`. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > LABEL_VALUE_MAX)
    return `is ${value.length} characters long (at most ${LABEL_VALUE_MAX} in a label value)`;
  if (!LABEL_VALUE.test(value))
    return 'must be empty or letters, digits, "-", "_" and ".", starting and ending with a letter or digit (a label value)';
  return undefined;
}

/** Why a label is refused: its key (`IsQualifiedName`) or its value (`IsValidLabelValue`); undefined when it is not. */
function labelProblem(key: string, value: unknown): string | undefined {
  return qualifiedNameProblem(key) ?? (typeof value === 'string' ? labelValueProblem(value) : 'is not a string');
}

/** The bytes annotations count against the API server's limit (ANNOTATIONS_MAX_BYTES): keys and values, as UTF-8. */
export const annotationsBytes = (annotations: Readonly<Record<string, unknown>>): number =>
  Object.entries(annotations).reduce((bytes, [k, v]) => bytes + byteLength(k) + byteLength(String(v)), 0);

/** What Go's encoding/json writes as a \\u escape and JSON.stringify as itself: `<`, `>`, `&` (1 byte, 6 escaped), U+2028/2029 (3, 6). */
const GO_ESCAPED = /[<>&\u2028\u2029]/g;

/**
 * The bytes of a JSON text as Go's encoder writes it: the request kubectl and Argo CD send (the API
 * server refuses one over 3 MiB; what etcd stores is smaller). A text of `&` is six times its
 * JSON.stringify (red team R135-1).
 */
export function goJsonBytes(json: string): number {
  let bytes = byteLength(json);
  for (const [c] of json.matchAll(GO_ESCAPED)) bytes += c.charCodeAt(0) < 128 ? 5 : 3;
  return bytes;
}

/** An object's JSON bytes as sent (goJsonBytes) when they could be over one request's limit (REQUEST_MAX_BYTES), else 0: measured exactly only then. */
export const requestBytes = (o: unknown): number =>
  jsonBytesAtMost(o) > REQUEST_MAX_BYTES ? goJsonBytes(JSON.stringify(o)) : 0;

/** Which name rule each kind orgctl writes follows (the API server's, per kind). */
export const NAME_RULE: Readonly<Record<string, (name: string) => string | undefined>> = {
  Namespace: (n) => dns1123LabelProblem(n),
  ServiceAccount: (n) => dns1123SubdomainProblem(n),
  Secret: (n) => dns1123SubdomainProblem(n),
  ConfigMap: (n) => dns1123SubdomainProblem(n),
  Role: pathSegmentProblem,
  ClusterRole: pathSegmentProblem,
  RoleBinding: pathSegmentProblem,
  // Guard rails: names orgctl chooses (`orgctl-quota`, `<org>-namespace-protection`), DNS-1123 subdomains.
  ResourceQuota: (n) => dns1123SubdomainProblem(n),
  LimitRange: (n) => dns1123SubdomainProblem(n),
  NetworkPolicy: (n) => dns1123SubdomainProblem(n),
  ValidatingAdmissionPolicy: (n) => dns1123SubdomainProblem(n),
  ValidatingAdmissionPolicyBinding: (n) => dns1123SubdomainProblem(n),
};

/** `IsQualifiedName`: a label or annotation key, `[prefix/]name`, the prefix a DNS-1123 subdomain. */
export function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'may hold at most one "/" (a key is [prefix/]name)';
  const name = parts[parts.length - 1]!;
  if (parts.length === 2) {
    const bad = dns1123SubdomainProblem(parts[0]!);
    if (bad) return `has a prefix that ${bad}`;
  }
  if (name.length === 0) return 'has an empty name';
  if (name.length > 63) return `has a name of ${name.length} characters (at most 63)`;
  if (!/^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/.test(name))
    return 'must be letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
  return undefined;
}

/** A ConfigMap's data as the API server counts it against CONFIGMAP_DATA_MAX_BYTES: keys and values, as UTF-8, as annotations are counted. */
export const configMapDataBytes = annotationsBytes;

/** A ConfigMap's binaryData as the API server counts it with its data: keys as UTF-8, values decoded (base64: configMapRefused). */
const binaryDataBytes = (binary: Readonly<Record<string, unknown>>): number =>
  Object.entries(binary).reduce((bytes, [k, v]) => {
    const b64 = String(v);
    return bytes + byteLength(k) + (b64.length / 4) * 3 - (b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0);
  }, 0);

/** `IsConfigMapKey`: a key of a ConfigMap's data or binaryData. */
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]{1,253}$/;
/** What Go's encoding/json decodes into []byte (base64.StdEncoding, padded). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Why the API server refuses a ConfigMap's data or binaryData (ValidateConfigMap, and decoding it),
 * or undefined: either not a mapping of strings, a key not `IsConfigMapKey` (letters, digits, `-`,
 * `_`, `.`, at most 253, not `.`, `..` or `..`-prefixed), a key in both, binaryData not base64.
 * Their size is sizeRefused's. orgctl writes one data key a ConfigMap and no binaryData (R135-2).
 */
function configMapRefused(o: Record<string, unknown>): string | undefined {
  if (o.kind !== 'ConfigMap') return undefined;
  for (const field of ['data', 'binaryData'] as const) {
    const bag = o[field];
    if (bag === undefined || bag === null) continue;
    if (!isObj(bag)) return `${field} is not a mapping of strings`; // isObj: not a list either
    for (const [key, value] of Object.entries(bag)) {
      const where = `${field} key ${JSON.stringify(key)}`;
      if (!CONFIG_MAP_KEY.test(key) || key === '.' || key.startsWith('..'))
        return `${where} is not a ConfigMap key (letters, digits, "-", "_" and ".", at most 253, not "." or starting "..")`;
      if (typeof value !== 'string') return `${where} holds no string`;
      if (field === 'binaryData' && !BASE64.test(value)) return `${where} holds no base64`;
      if (field === 'binaryData' && isObj(o.data) && Object.hasOwn(o.data, key)) return `${where} is in data too`;
    }
  }
  return undefined;
}

/** A ConfigMap's data in UTF-16 units, keys and values: at least a third of configMapDataBytes. */
const dataUnits = (data: Readonly<Record<string, unknown>>): number =>
  Object.entries(data).reduce((units, [k, v]) => units + k.length + String(v).length, 0);

/** What the API server refuses in labels and annotations (`where` says whose; `skip`: entries judged elsewhere). */
export function metadataRefused(metadata: unknown, where: string, skip: Skip = nothingSkipped): string | undefined {
  const meta = (metadata ?? {}) as { labels?: Record<string, unknown>; annotations?: Record<string, unknown> };
  return labelsRefused(meta.labels ?? {}, where, skip) ?? annotationsRefused(meta.annotations ?? {}, where, skip);
}

type Skip = (key: string, value: unknown) => boolean;

/** A label the API server refuses, and why (labelProblem). */
interface RefusedLabel {
  readonly key: string;
  readonly value: unknown;
  readonly problem: string;
}

/** Each label the API server refuses, in order, but those `skip` says are judged elsewhere. */
export function refusedLabels(labels: Readonly<Record<string, unknown>>, skip: Skip = nothingSkipped): RefusedLabel[] {
  return Object.entries(labels).flatMap(([key, value]) => {
    const problem = skip(key, value) ? undefined : labelProblem(key, value);
    return problem ? [{ key, value, problem }] : [];
  });
}

function labelsRefused(labels: Record<string, unknown>, where: string, skip: Skip): string | undefined {
  const [first] = refusedLabels(labels, skip);
  return (
    first && `label ${first.key} ${JSON.stringify(first.value)} ${first.problem}${where}: the API server refuses it`
  );
}

function annotationsRefused(annotations: Record<string, unknown>, where: string, skip: Skip): string | undefined {
  // One pass: each judged entry checked and its bytes counted as annotationsBytes counts them
  // (every value counted is a string: any other was refused first), no copies of the entries.
  let bytes = 0;
  for (const [k, v] of Object.entries(annotations)) {
    if (skip(k, v)) continue;
    const bad = qualifiedNameProblem(k) ?? (typeof v === 'string' ? undefined : 'is not a string');
    if (bad) return `annotation ${k} ${bad}${where}: the API server refuses it`;
    bytes += byteLength(k) + byteLength(v as string);
  }
  if (bytes > WRITTEN_ANNOTATIONS_MAX_BYTES)
    return `its annotations${where} are ${bytes} bytes, over the ${WRITTEN_ANNOTATIONS_LIMIT_TEXT}`;
  return undefined;
}

/**
 * `judge`, each frozen value's verdict kept (one that cannot change): the store is the judge's own,
 * so no two judges can share one. A verdict kept by object for labels and for annotations alike was
 * read for the other: the YAML reader reads one text as one frozen object wherever it is written,
 * and annotations accepted made the same text accepted as labels (red team R123-1). A WeakMap: an
 * output's objects go with it.
 */
export function judgedEach<V extends object, R>(judge: (v: V) => R): (v: V) => R {
  const known = new WeakMap<V, R>();
  return (value) => {
    // Looked up first: only a frozen value is kept, and frozen it stays.
    let r = known.get(value);
    if (r === undefined) {
      r = judge(value);
      if (Object.isFrozen(value)) known.set(value, r);
    }
    return r;
  };
}

const nothingSkipped: Skip = () => false;

/**
 * Verdicts on labels and on annotations the YAML reader shares (one frozen object for the labels
 * every binding carries), each judged once by its own rules. '' is accepted.
 */
const labelsJudged = judgedEach((l: Record<string, unknown>) => labelsRefused(l, '', nothingSkipped) ?? '');
const annotationsJudged = judgedEach((a: Record<string, unknown>) => annotationsRefused(a, '', nothingSkipped) ?? '');

/** metadataRefused of an object's own metadata, its shared labels and annotations judged once. */
function ownMetadataRefused(metadata: unknown): string | undefined {
  const meta = isObj(metadata) ? metadata : {};
  const labels = isObj(meta.labels) ? meta.labels : {};
  const annotations = isObj(meta.annotations) ? meta.annotations : {};
  return labelsJudged(labels) || annotationsJudged(annotations) || undefined;
}

/**
 * The most bytes of JSON (JSON.stringify's, as UTF-8, and Go's: goJsonBytes) an object holds that orgctl's YAML reader
 * (synth/yaml.ts readCanonicalYaml) read from `units` UTF-16 units of text: at most 3 bytes a unit
 * and a few a line, with room. Each line of n units gives at most 3n bytes: a plain scalar or key
 * k units and 2 quotes (a key's `: `, a line break and an item's `- ` pay for them, and for `,`,
 * `{`, `[` and their ends), a quoted one is JSON and is written again in no more units (each at most
 * 3 bytes), a block scalar's character at most 2 units (`\"`, `\\`, `\n`: raw controls are refused)
 * or 3 bytes, a number or true, false, null as written. Go's encoder writes `<`, `>`, `&` in 6
 * bytes: still at most 6 a unit, with the line's units (`: `, its break) for its quotes.
 */
export const jsonBytesOfUnitsAtMost = (units: number): number => 6 * units + 8;

/**
 * Why the API server refuses an object for its size (one request, a ConfigMap's data), or undefined.
 * `unitsAtMost`: at least the units of the text it was read from by orgctl's YAML reader, when it
 * was (jsonBytesOfUnitsAtMost): an object that bound keeps far under the limit is not walked.
 */
export function sizeRefused(o: Record<string, unknown>, unitsAtMost?: number): string | undefined {
  const bytes =
    unitsAtMost !== undefined && jsonBytesOfUnitsAtMost(unitsAtMost) <= REQUEST_MAX_BYTES ? 0 : requestBytes(o);
  if (bytes > REQUEST_MAX_BYTES)
    return `is ${bytes} bytes, over the ${REQUEST_MAX_BYTES} the API server (etcd) accepts`;
  if (o.kind !== 'ConfigMap' || (!isObj(o.data) && !isObj(o.binaryData))) return undefined;
  // data and binaryData count together (ValidateConfigMap, red team R135-2).
  const [text, binary] = [isObj(o.data) ? o.data : {}, isObj(o.binaryData) ? o.binaryData : {}];
  // A UTF-16 unit is at most 3 bytes of UTF-8: data this far under the limit needs no exact measure
  // (the membership lists, 1.7 million units at size L, took longer to measure than to parse). The
  // data's units are at most its text's (an escape is longer than what it stands for; base64 is 4
  // units for 3 bytes).
  if (3 * (unitsAtMost ?? dataUnits(text) + dataUnits(binary)) <= CONFIGMAP_DATA_MAX_BYTES) return undefined;
  const data = configMapDataBytes(text) + binaryDataBytes(binary);
  return data > CONFIGMAP_DATA_MAX_BYTES
    ? `holds ${data} bytes of data, over the ${CONFIGMAP_DATA_MAX_BYTES} bytes (1 MiB) the API server accepts in a ConfigMap`
    : undefined;
}

/** Why a role's rules would be refused by the API server (ruleDefects), for a finding; undefined when they would not. */
export function rulesRefused(o: Record<string, unknown>): string | undefined {
  const problem = rulesProblem(o);
  return problem && `${problem}, which the API server refuses (and Argo CD then applies nothing of the Application)`;
}

/** How a finding says each rule defect (ruleDefects). */
const DEFECT_SAID: Readonly<Record<RuleDefect, string>> = {
  'no-verbs': 'names no verbs',
  'namespaced-urls': 'names non-resource URLs in a namespaced Role',
  'urls-and-resources': 'names non-resource URLs and resources together',
  'no-api-groups': 'names no API group',
  'no-resources': 'names no resource',
};

/** What in a role's rules the API server refuses (ruleDefects), or undefined. */
function rulesProblem(o: Record<string, unknown>): string | undefined {
  // A role whose rules are not PolicyRules is refused whole (a role this engine writes too differs from its counterpart).
  const notRules = policyRulesProblem(o.rules);
  if (notRules) return notRules;
  const rules = Array.isArray(o.rules) ? (o.rules as PolicyRule[]) : [];
  for (const [i, rule] of rules.entries()) {
    const defects = ruleDefects({ ...rule, verbs: Array.isArray(rule.verbs) ? rule.verbs : [] }, o.kind === 'Role');
    if (defects.length) return `rule ${i} ${defects.map((d) => DEFECT_SAID[d]).join(' and ')}`;
  }
  return undefined;
}

/** An apiGroup as the API server reads it after v1's defaulting: absent or empty is `empty`. */
const groupOr = (v: unknown, empty: string): unknown => (v === undefined || v === '' ? empty : v);

/**
 * `ValidateRoleBindingSubject` (in a RoleBinding: `namespaced`), after defaulting: what of the
 * subject is refused (`.kind ...`, said after its place in the list), or undefined when accepted.
 */
function subjectRefused(s: unknown, namespaced: boolean): string | undefined {
  if (!isObj(s)) return ' is not a mapping';
  const field = undeclared(s, SUBJECT_FIELDS);
  if (field) return `${field}: not declared in the schema of a subject (strict field validation)`;
  if (typeof s.name !== 'string' || !s.name) return '.name is required';
  const group = (expected: string) =>
    groupOr(s.apiGroup, expected) === expected
      ? undefined
      : `.apiGroup ${JSON.stringify(s.apiGroup)} is not supported for a ${String(s.kind)} (only ${JSON.stringify(expected)})`;
  switch (s.kind) {
    case 'ServiceAccount': {
      const bad = dns1123SubdomainProblem(s.name);
      if (bad) return `.name ${JSON.stringify(s.name)} ${bad}`;
      if (!namespaced && !s.namespace) return '.namespace is required';
      return group('');
    }
    case 'User':
    case 'Group':
      return group(RBAC_GROUP);
    default:
      return `.kind ${JSON.stringify(s.kind)} is not supported (only ServiceAccount, User, Group)`;
  }
}

/**
 * A RoleBinding's subject judged once per subject object: the YAML reader reads a person named in
 * many bindings as one frozen object (200,000 subjects, some 10,000 objects at size L). '' is accepted.
 */
const subjectJudged = judgedEach((s: Record<string, unknown>) => subjectRefused(s, true) ?? '');

const roleBindingSubjectRefused = (s: unknown): string | undefined =>
  isObj(s) ? subjectJudged(s) || undefined : subjectRefused(s, true);

/** The kinds a RoleBinding's and a ClusterRoleBinding's roleRef may name. */
const ROLE_BINDING_REFS: readonly string[] = ['Role', 'ClusterRole'];
const CLUSTER_ROLE_BINDING_REFS: readonly string[] = ['ClusterRole'];

/** `ValidateRoleBinding` (and a ClusterRoleBinding's), after defaulting: its roleRef and subjects; undefined when accepted. */
function bindingRefused(o: Record<string, unknown>): string | undefined {
  const ref = isObj(o.roleRef) ? o.roleRef : {};
  if (groupOr(ref.apiGroup, RBAC_GROUP) !== RBAC_GROUP)
    return `roleRef.apiGroup ${JSON.stringify(ref.apiGroup)} is not supported (only ${JSON.stringify(RBAC_GROUP)})`;
  const kinds = o.kind === 'RoleBinding' ? ROLE_BINDING_REFS : CLUSTER_ROLE_BINDING_REFS;
  if (!kinds.includes(ref.kind as string))
    return `roleRef.kind ${JSON.stringify(ref.kind)} is not supported (only ${kinds.join(', ')})`;
  if (typeof ref.name !== 'string' || !ref.name) return 'roleRef.name is required';
  const badRef = pathSegmentProblem(ref.name);
  if (badRef) return `roleRef.name ${JSON.stringify(ref.name)} ${badRef}`;
  const subjects = Array.isArray(o.subjects) ? (o.subjects as unknown[]) : [];
  const namespaced = o.kind === 'RoleBinding';
  for (let i = 0; i < subjects.length; i++) {
    const s = subjects[i];
    const bad = namespaced ? roleBindingSubjectRefused(s) : subjectRefused(s, false);
    if (bad) return `subjects[${i}]${bad}`;
  }
  return undefined;
}

/** ObjectMeta's fields (apimachinery `pkg/apis/meta/v1/types.go`): any other is not in the schema. */
const OBJECT_META_FIELDS = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

/** rbac/v1's fields of each RBAC kind, and of a roleRef (`k8s.io/api/rbac/v1/types.go`). */
const RBAC_FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  Role: new Set(['apiVersion', 'kind', 'metadata', 'rules']),
  ClusterRole: new Set(['apiVersion', 'kind', 'metadata', 'rules', 'aggregationRule']),
  RoleBinding: new Set(['apiVersion', 'kind', 'metadata', 'subjects', 'roleRef']),
  ClusterRoleBinding: new Set(['apiVersion', 'kind', 'metadata', 'subjects', 'roleRef']),
};
const ROLE_REF_FIELDS = new Set(['apiGroup', 'kind', 'name']);
const SUBJECT_FIELDS = new Set(['kind', 'apiGroup', 'name', 'namespace']);

/** The first key of `o` not in `fields`, as `<at>.key`, or undefined (a value not a mapping has none). */
const undeclared = (o: unknown, fields: ReadonlySet<string>, at = ''): string | undefined => {
  if (isObj(o)) for (const k in o) if (!fields.has(k)) return `${at}.${k}`;
  return undefined;
};

/**
 * What of an RBAC object its schema does not declare: a field the server's strict field validation
 * refuses (kubectl's default since 1.27, `--validate=strict`), or subjects that are not a list, which
 * do not decode at all (red team R96-5); subjects' own fields are judged with each (subjectRefused).
 */
function fieldsRefused(o: Record<string, unknown>): string | undefined {
  const fields = RBAC_FIELDS[String(o.kind)];
  if (!fields) return undefined;
  const bad =
    undeclared(o, fields) ??
    undeclared(o.metadata, OBJECT_META_FIELDS, '.metadata') ??
    undeclared(o.roleRef, ROLE_REF_FIELDS, '.roleRef');
  if (bad)
    return `field ${bad.slice(1)} is not declared in the schema of a ${String(o.kind)} (strict field validation)`;
  return o.subjects === undefined || o.subjects === null || Array.isArray(o.subjects)
    ? undefined
    : 'subjects is not a list';
}

/** Why the API server refuses an object's name for its kind (NAME_RULE) or, of a namespaced kind, its namespace. */
function namesRefused(o: Record<string, unknown>): string | undefined {
  const meta = isObj(o.metadata) ? o.metadata : {};
  const kind = String(o.kind);
  const name =
    Object.hasOwn(NAME_RULE, kind) && typeof meta.name === 'string' ? NAME_RULE[kind]!(meta.name) : undefined;
  if (name) return `metadata.name ${JSON.stringify(meta.name)} ${name} (the API server's rule for a ${kind})`;
  if (!isWrittenNamespaced(o.apiVersion, o.kind) || typeof meta.namespace !== 'string') return undefined;
  const ns = dns1123LabelProblem(meta.namespace);
  return ns && `metadata.namespace ${JSON.stringify(meta.namespace)} ${ns} (the API server's rule for a namespace)`;
}

/**
 * Why the API server refuses an object of a kind orgctl writes, whatever wrote it: an RBAC object's
 * fields its schema does not declare, its name or namespace, its labels and annotations, a ConfigMap's data, its size, a role's rules, a binding's roleRef and
 * subjects; undefined when it accepts it. One refused object stops its whole Argo CD Application.
 * `unitsAtMost`: as sizeRefused's, for an object orgctl's YAML reader read.
 */
export function objectRefused(o: Record<string, unknown>, unitsAtMost?: number): string | undefined {
  return (
    fieldsRefused(o) ??
    namesRefused(o) ??
    ownMetadataRefused(o.metadata) ??
    configMapRefused(o) ??
    sizeRefused(o, unitsAtMost) ??
    (o.kind === 'Role' || o.kind === 'ClusterRole' ? rulesProblem(o) : undefined) ??
    (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding' ? bindingRefused(o) : undefined)
  );
}
