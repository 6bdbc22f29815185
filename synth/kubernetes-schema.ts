/**
 * Every synthesized object, checked against the Kubernetes API schema (validators generated
 * from Kubernetes' OpenAPI description, in the kubernetes-models package).
 */
// Each kind from its own module: a group's index loads every kind of the group (`v1` alone is
// hundreds), which cost every synthesis reading and compiling them.
import { ValidatingAdmissionPolicy } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy';
import { ValidatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { Subject } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Subject';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { LimitRange } from 'kubernetes-models/v1/LimitRange';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { ResourceQuota } from 'kubernetes-models/v1/ResourceQuota';
import { Secret } from 'kubernetes-models/v1/Secret';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { isRecord } from '../model/data.ts';
import type { Manifest } from './manifest.ts';

interface Validatable {
  validate(): void;
}
type ModelClass = { readonly prototype: Validatable };

/**
 * Per kind, the model class whose prototype's validate() runs the schema's validator on `this`: it
 * is called on the object as it is. (Constructing a model deep-copies the object: at 100,000
 * subjects that copy cost more than the validation itself.) kubernetes-models 4.x, whose engines
 * include Node 20, does not export its schemas' validators (5.x, Node >= 22 only, does).
 */
const KINDS: Readonly<Record<string, ModelClass>> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/Secret': Secret,
  'v1/ConfigMap': ConfigMap,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  // Guard rails (synth/guard-rails.ts).
  'v1/ResourceQuota': ResourceQuota,
  'v1/LimitRange': LimitRange,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy': ValidatingAdmissionPolicy,
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding': ValidatingAdmissionPolicyBinding,
};

const ROLE_BINDING = 'rbac.authorization.k8s.io/v1/RoleBinding';

/**
 * Whether Subject's schema passes `s` for what any subject synth makes shows: kind and name
 * strings, apiGroup and namespace absent or strings. The schema reads no more of a subject (no
 * enum, no other keys refused; test/delivery.test.ts holds it to that), so such a subject is
 * passed without the validator; any other goes to it, for its words.
 */
export const plainSubject = (s: unknown): boolean => {
  if (typeof s !== 'object' || s === null) return false;
  const { kind, name, apiGroup, namespace } = s as Record<string, unknown>;
  return (
    typeof kind === 'string' &&
    typeof name === 'string' &&
    (apiGroup === undefined || typeof apiGroup === 'string') &&
    (namespace === undefined || typeof namespace === 'string') &&
    !Array.isArray(s)
  );
};

/**
 * A RoleBinding's subjects, checked apart: the schema's `subjects` is a list of Subject and no
 * more (no bound on its length, no uniqueness), so the binding without them and each subject
 * against Subject are the same check. A subject is read where it is (plainSubject), not looked up
 * among those checked (one per person, in each of their bindings: a lookup each, 135 ms at size
 * XL). Returns the problem, if any.
 */
function subjectsProblem(subjects: unknown): string | undefined {
  if (subjects === undefined || subjects === null) return undefined;
  if (!Array.isArray(subjects)) return 'subjects must be array';
  for (let i = 0; i < subjects.length; i++) {
    const s: unknown = subjects[i];
    if (plainSubject(s)) continue;
    try {
      Subject.prototype.validate.call(s);
    } catch (e) {
      return `subjects[${i}]: ${(e as Error).message}`;
    }
  }
  return undefined;
}

/** ObjectMeta's fields the schema types that synth never writes: a plain head has none of them. */
const UNWRITTEN_META = [
  'creationTimestamp',
  'deletionGracePeriodSeconds',
  'deletionTimestamp',
  'finalizers',
  'generateName',
  'generation',
  'managedFields',
  'ownerReferences',
  'resourceVersion',
  'selfLink',
  'uid',
] as const;

/**
 * Whether ObjectMeta's labels or annotations schema (a mapping of strings) passes `m`, without the
 * validator: read each time (two or three keys), as remembering frozen ones measured no faster.
 */
function stringMap(m: unknown): boolean {
  if (!isRecord(m)) return false;
  for (const key in m) if (typeof m[key] !== 'string') return false;
  return true;
}

/**
 * Whether RoleBinding's schema passes `o` without its subjects for what any binding synth makes
 * shows, reading what the schema reads (kubernetes-models 4.x): the apiVersion and kind it names, a
 * metadata of name and namespace strings and mappings of strings (none of ObjectMeta's other
 * fields), a roleRef of apiGroup, kind and name strings. The schema refuses no other key, so such a
 * binding is passed without the validator (100,000 of them at size XL: most of the stage's time);
 * any other goes to it, for its words. test/delivery.test.ts holds the validator to every such head.
 */
export const plainRoleBinding = (o: unknown): boolean => {
  if (!isRecord(o)) return false;
  const { apiVersion, kind, metadata: m, roleRef: r } = o;
  if (apiVersion !== 'rbac.authorization.k8s.io/v1' || kind !== 'RoleBinding' || !isRecord(m)) return false;
  if (m.name !== undefined && typeof m.name !== 'string') return false;
  if (m.namespace !== undefined && typeof m.namespace !== 'string') return false;
  if (m.labels !== undefined && !stringMap(m.labels)) return false;
  if (m.annotations !== undefined && !stringMap(m.annotations)) return false;
  for (const field of UNWRITTEN_META) if (m[field] !== undefined) return false;
  return isRecord(r) && typeof r.apiGroup === 'string' && typeof r.kind === 'string' && typeof r.name === 'string';
};

/** An object as a schema problem names it: `RoleBinding web/x`. */
const objectName = (o: Manifest): string =>
  `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

/**
 * One line per object that does not validate (or whose kind orgctl does not emit). `objects` holds
 * each object once (objectsOnce: clusters share them), as synthesis gives them: a second Set of
 * them here, to check each once, cost a lookup and an insertion per object (24,531 at size L).
 */
export function schemaProblems(objects: Iterable<Manifest>): string[] {
  const problems: string[] = [];
  for (const o of objects) {
    const key = `${String(o.apiVersion)}/${o.kind}`;
    const Model = KINDS[key];
    if (!Model) {
      problems.push(`${objectName(o)}: ${key} is not a kind orgctl emits`);
      continue;
    }
    try {
      if (key === ROLE_BINDING) {
        if (!plainRoleBinding(o)) Model.prototype.validate.call({ ...o, subjects: undefined });
        const problem = subjectsProblem((o as { subjects?: unknown }).subjects);
        if (problem) throw new Error(problem);
      } else Model.prototype.validate.call(o);
    } catch (e) {
      problems.push(`${objectName(o)}: ${(e as Error).message}`);
    }
  }
  return problems;
}
