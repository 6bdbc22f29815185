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
