/**
 * Every synthesized object, checked against the Kubernetes API schema (validators generated
 * from Kubernetes' OpenAPI description, in the kubernetes-models package).
 */
import { ClusterRole, Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, Namespace, Secret, ServiceAccount } from 'kubernetes-models/v1';
import { validate as validConfigMap } from 'kubernetes-models/_schemas/IoK8sApiCoreV1ConfigMap';
import { validate as validNamespace } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Namespace';
import { validate as validSecret } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Secret';
import { validate as validServiceAccount } from 'kubernetes-models/_schemas/IoK8sApiCoreV1ServiceAccount';
import { validate as validClusterRole } from 'kubernetes-models/_schemas/IoK8sApiRbacV1ClusterRole';
import { validate as validRole } from 'kubernetes-models/_schemas/IoK8sApiRbacV1Role';
import { validate as validRoleBinding } from 'kubernetes-models/_schemas/IoK8sApiRbacV1RoleBinding';
import type { Manifest } from './render.ts';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: never) => Validatable;

/**
 * Per kind: the schema's validator, run on the object as it is, and the model class, which says
 * what is wrong when it is not valid. (Constructing a model deep-copies the object: at 100,000
 * subjects that copy cost more than the validation itself.)
 */
const KINDS: Readonly<Record<string, { valid: (data: unknown) => boolean; Model: ModelClass }>> = {
  'v1/Namespace': { valid: validNamespace, Model: Namespace as unknown as ModelClass },
  'v1/ServiceAccount': { valid: validServiceAccount, Model: ServiceAccount as unknown as ModelClass },
  'v1/Secret': { valid: validSecret, Model: Secret as unknown as ModelClass },
  'v1/ConfigMap': { valid: validConfigMap, Model: ConfigMap as unknown as ModelClass },
  'rbac.authorization.k8s.io/v1/ClusterRole': { valid: validClusterRole, Model: ClusterRole as unknown as ModelClass },
  'rbac.authorization.k8s.io/v1/Role': { valid: validRole, Model: Role as unknown as ModelClass },
  'rbac.authorization.k8s.io/v1/RoleBinding': { valid: validRoleBinding, Model: RoleBinding as unknown as ModelClass },
};

/** One line per object that does not validate (or whose kind orgctl does not emit). */
export function schemaProblems(objects: Iterable<Manifest>): string[] {
  const problems: string[] = [];
  const seen = new Set<Manifest>();
  for (const o of objects) {
    if (seen.has(o)) continue; // the same object in several clusters is checked once
    seen.add(o);
    const key = `${String(o.apiVersion)}/${o.kind}`;
    const kind = KINDS[key];
    const what = () => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
    if (!kind) {
      problems.push(`${what()}: ${key} is not a kind orgctl emits`);
      continue;
    }
    if (kind.valid(o)) continue;
    try {
      new kind.Model(o as never).validate();
      problems.push(`${what()}: does not match the ${key} schema`);
    } catch (e) {
      problems.push(`${what()}: ${(e as Error).message}`);
    }
  }
  return problems;
}
