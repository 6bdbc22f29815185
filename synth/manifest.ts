/**
 * What every object orgctl writes is made of: its type, the metadata every object carries (orgctl's
 * labels, Argo CD's sync wave) and where it was declared. render.ts (access and membership) and
 * guard-rails.ts and argocd.ts (the objects beside it) build on these, so none imports another's.
 */
import type { OrgModel } from '../model/model.ts';
import type { Source } from '../model/findings.ts';
import { freezeWritten, WRITTEN_TEXTS, writtenTexts } from './yaml.ts';

export type Manifest = Record<string, unknown> & { kind: string; metadata: { name: string; namespace?: string } };

const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'orgctl' } as const;
/** The label naming the organization, on every object orgctl writes (after MANAGED_BY). */
export const ORGANIZATION_LABEL = 'orgctl.io/organization';

/** The annotation orgctl writes on every object for Argo CD: the order of its sync (SYNC_WAVE). */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/** Argo CD's per-object sync options, which orgctl writes on each Namespace (NAMESPACE_SYNC_OPTIONS). */
export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';

/**
 * The sync options of each of the organization's Namespaces: Argo CD deletes none, so neither does
 * anything that deletes what is in it. `Prune=false`: a sync's prune skips it (a namespace dropped
 * from the declaration keeps running). `Delete=false`: the cascade delete of its Application skips
 * it (red team R60-2: the controller's shouldBeDeleted reads this option alone, so whoever Argo
 * CD's RBAC lets delete a shard's Application would delete its Namespaces and all they hold). Argo
 * CD reads the annotation as a list (gitops-engine GetAnnotationCSVs: split at commas, trimmed).
 * The release before this one (46eeeaf) wrote `Prune=false` and read this as its own in an
 * upgrade's head dist/ (the stepping stone).
 */
export const NAMESPACE_SYNC_OPTIONS = 'Prune=false,Delete=false';

/** Argo CD sync waves: Namespace → roles → ServiceAccount, ConfigMap → token Secret → bindings. */
const SYNC_WAVE: Readonly<Record<string, string>> = {
  Namespace: '0',
  ClusterRole: '1',
  Role: '1',
  ServiceAccount: '2',
  ConfigMap: '2',
  Secret: '3',
  RoleBinding: '4',
  // Guard rails (synth/guard-rails.ts): once their Namespace exists; the policy before its binding.
  ResourceQuota: '1',
  LimitRange: '1',
  NetworkPolicy: '1',
  ValidatingAdmissionPolicy: '1',
  ValidatingAdmissionPolicyBinding: '2',
};

/**
 * The labels of every object of an organization, and the annotations of every object of a kind
 * that has no others: one frozen object each, shared (the YAML writer keeps their text; metadata
 * is copied, never changed, where it is extended).
 */
const SHARED_LABELS = new Map<string, Readonly<Record<string, string>>>();
const SHARED_ANNOTATIONS = new Map<string, Readonly<Record<string, string>>>();
/** The labels orgctl writes on every object of organization `org`. */
export const organizationLabels = (org: string): Readonly<Record<string, string>> => {
  let labels = SHARED_LABELS.get(org);
  if (!labels)
    SHARED_LABELS.set(
      org,
      (labels = freezeWritten({ ...MANAGED_BY, [ORGANIZATION_LABEL]: org, [WRITTEN_TEXTS]: writtenTexts() })),
    );
  return labels;
};
const waveAnnotations = (kind: string) => {
  let annotations = SHARED_ANNOTATIONS.get(kind);
  if (!annotations)
    SHARED_ANNOTATIONS.set(
      kind,
      (annotations = freezeWritten({ [SYNC_WAVE_ANNOTATION]: SYNC_WAVE[kind]!, [WRITTEN_TEXTS]: writtenTexts() })),
    );
  return annotations;
};

/** An object's metadata, keys in the order cdk8s' generated k8s classes write them (the output reads like theirs). */
export function meta(
  model: Pick<OrgModel, 'name'>,
  kind: string,
  name: string,
  namespace?: string,
  annotations?: Record<string, string>,
) {
  return {
    annotations: annotations ? { [SYNC_WAVE_ANNOTATION]: SYNC_WAVE[kind]!, ...annotations } : waveAnnotations(kind),
    labels: organizationLabels(model.name),
    name,
    ...(namespace !== undefined ? { namespace } : {}),
  };
}

/**
 * A manifest from typed props. The props are checked against cdk8s-plus' generated k8s types at
 * compile time; at run time the object is built directly: the generated classes' `manifest()`
 * re-walks every field, which costs more than all of rendering at 100,000 grants.
 */
export function manifest<P extends { metadata?: unknown }>(apiVersion: string, kind: string, props: P): Manifest {
  return { apiVersion, kind, ...props } as unknown as Manifest;
}

/**
 * Where each object was declared (construct path or spec path), for findings about the output: a
 * name the API server refuses, or two declarations writing one object. Objects made from the
 * organization as a whole (the catalog's ClusterRoles, membership) are not in it.
 */
const DECLARED_AT = new WeakMap<Manifest, Source>();

/** The declaration an object comes from, else undefined (the organization itself). */
export function declaredAt(o: Manifest): Source | undefined {
  return DECLARED_AT.get(o);
}

export const declared = (o: Manifest, source: Source | undefined): Manifest => {
  if (source !== undefined) DECLARED_AT.set(o, source);
  return o;
};

/**
 * `build`, once per model (frozen data, as render.ts's caches hold it): what both synthesis and a
 * policy read (the Argo CD files, which the object-size policy measures and synthesis writes).
 */
export function oncePerModel<T>(build: (model: OrgModel) => T): (model: OrgModel) => T {
  const built = new WeakMap<OrgModel, T>();
  return (model) => {
    let value = built.get(model);
    if (value === undefined) built.set(model, (value = build(model)));
    return value;
  };
}
