/** What import's tests compare: a spec synthesized into documents, and each subject's effective access. */
import { App } from 'cdk8s';
import { Organization } from '../../constructs/index.ts';
import type { OrgSpec } from '../../constructs/spec.ts';
import { parseCanonicalYaml } from '../../synth/yaml.ts';
import { accessIndex, CellMaker } from '../../analysis/access.ts';
import { Authorizer } from '../../analysis/authorizer.ts';
import { readRbac, type ManifestDoc } from '../../analysis/objects.ts';
import { files, TODAY } from '../helpers.ts';

/** The documents orgctl synthesizes from a spec; throws with the errors when a policy refuses it. */
export function synthDocs(spec: OrgSpec): ManifestDoc[] {
  const app = new App();
  Organization.fromSpec(app, spec, { today: TODAY });
  return [...files(app)]
    .filter(([path]) => path.endsWith('/resources.yaml'))
    .flatMap(([file, content]) => parseCanonicalYaml(content)!.map((object, index) => ({ file, index, object })));
}

/** A subject's effective access in one namespace: the catalog levels it covers, and its privilege classes. */
export interface CellAccess {
  readonly covers: readonly string[];
  readonly classes: readonly string[];
}

/** subject (Kubernetes username, or namespace:serviceaccount) → namespace → access, from the analysis. */
export function accessOf(docs: readonly ManifestDoc[]): Record<string, Record<string, CellAccess>> {
  const cells = new CellMaker();
  const out: Record<string, Record<string, CellAccess>> = {};
  for (const s of accessIndex(new Authorizer(readRbac(docs)))) {
    const m: Record<string, CellAccess> = {};
    for (const [ns, c] of s.scopes) {
      if (!ns) continue;
      const cell = cells.cell(c);
      m[ns] = { covers: [...cell.covers].sort(), classes: [...cell.classes].sort() };
    }
    out[s.name] = m;
  }
  return out;
}

const RBAC = 'rbac.authorization.k8s.io/v1';

/** A dump's documents, as `kubectl get -o yaml` lists them. */
export const dump = (...objects: object[]): ManifestDoc[] =>
  objects.map((object, index) => ({ file: 'dump.yaml', index, object }));
export const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
export const clusterRole = (name: string, rules: object[]) => ({
  apiVersion: RBAC,
  kind: 'ClusterRole',
  metadata: { name },
  rules,
});
export const role = (namespace: string, name: string, rules: object[]) => ({
  apiVersion: RBAC,
  kind: 'Role',
  metadata: { name, namespace },
  rules,
});
export const binding = (namespace: string, name: string, ref: { kind: string; name: string }, subjects: object[]) => ({
  apiVersion: RBAC,
  kind: 'RoleBinding',
  metadata: { name, namespace },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...ref },
  subjects,
});

const objectKey = (o: unknown): string => {
  const { kind, metadata } = o as { kind: string; metadata?: { name?: string; namespace?: string } };
  return `${kind}/${metadata?.namespace ?? ''}/${metadata?.name ?? ''}`;
};

/**
 * The cluster after adoption: Argo CD prunes only what it tracks, so the dump's objects stay, with
 * the output's written over any of the same kind, namespace and name.
 */
export function adopted(input: readonly ManifestDoc[], output: readonly ManifestDoc[]): ManifestDoc[] {
  const written = new Set(output.map((d) => objectKey(d.object)));
  return [...input.filter((d) => !written.has(objectKey(d.object))), ...output];
}
