/** What import's tests compare: a spec synthesized into documents, and each subject's effective access. */
import { Construct } from 'constructs';
import { Organization } from '../../constructs/index.ts';
import type { OrgSpec } from '../../constructs/spec.ts';
import { synthesize } from '../../constructs/synthesize.ts';
import { parseCanonicalYaml } from '../../synth/yaml.ts';
import { accessIndex, CellMaker } from '../../analysis/access.ts';
import { Authorizer } from '../../analysis/authorizer.ts';
import { readRbac, type ManifestDoc } from '../../analysis/objects.ts';
import { TODAY } from '../helpers.ts';

/** The documents orgctl synthesizes from a spec; throws with the errors when a policy refuses it. */
export function synthDocs(spec: OrgSpec): ManifestDoc[] {
  const root = new Construct(undefined as never, '');
  Organization.fromSpec(root, spec, { today: TODAY });
  const r = synthesize(root, { today: TODAY, declaredIn: 'test' });
  if (!r.ok)
    throw new Error(
      r.findings
        .filter((f) => f.severity === 'error')
        .map((f) => `${f.rule} ${f.subject}: ${f.message}`)
        .join('\n'),
    );
  return r.files
    .filter((f) => f.path.endsWith('/resources.yaml'))
    .flatMap((f) => parseCanonicalYaml(f.content)!.map((object, index) => ({ file: f.path, index, object })));
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
