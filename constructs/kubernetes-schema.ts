/**
 * Every synthesized object, checked against the Kubernetes API schema (validators generated
 * from Kubernetes' OpenAPI description, in the kubernetes-models package).
 */
import { ClusterRole, Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, Namespace, Secret, ServiceAccount } from 'kubernetes-models/v1';
import type { Manifest } from './render.ts';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: never) => Validatable;

const MODELS: Readonly<Record<string, ModelClass>> = {
  'v1/Namespace': Namespace as unknown as ModelClass,
  'v1/ServiceAccount': ServiceAccount as unknown as ModelClass,
  'v1/Secret': Secret as unknown as ModelClass,
  'v1/ConfigMap': ConfigMap as unknown as ModelClass,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole as unknown as ModelClass,
  'rbac.authorization.k8s.io/v1/Role': Role as unknown as ModelClass,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding as unknown as ModelClass,
};

/** One line per object that does not validate (or whose kind orgctl does not emit). */
export function schemaProblems(objects: Iterable<Manifest>): string[] {
  const problems: string[] = [];
  const seen = new Set<Manifest>();
  for (const o of objects) {
    if (seen.has(o)) continue; // the same object in several clusters is checked once
    seen.add(o);
    const key = `${String(o.apiVersion)}/${o.kind}`;
    const what = `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
    const Model = MODELS[key];
    if (!Model) {
      problems.push(`${what}: ${key} is not a kind orgctl emits`);
      continue;
    }
    try {
      new Model(o as never).validate();
    } catch (e) {
      problems.push(`${what}: ${(e as Error).message}`);
    }
  }
  return problems;
}
