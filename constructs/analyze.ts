/**
 * The declaration checked as a whole: every policy, then the objects it would synthesize, judged
 * by what their RBAC really allows. `orgctl check` and `explain` stop here; `synth` goes on to
 * write YAML, check it against the Kubernetes schema and size it for Argo CD. Apart from
 * synthesize.ts so that these commands do not load the Kubernetes schemas.
 */
import type { IConstruct } from 'constructs';
import { runPolicies } from '../policies/org/index.ts';
import { compareFindings, type Finding } from '../model/findings.ts';
import { judgeManifests } from '../policies/output/judge.ts';
import type { OrgModel } from '../model/model.ts';
import { objectsOnce, placeOrganization, type Manifest, type Placed } from '../synth/render.ts';
import { findOrganization, treeFindings } from './tree.ts';

interface AnalyzedOrganization {
  /** True when no finding is an error. */
  readonly ok: boolean;
  /** Policy findings, then (when they pass) the judgement of the objects' RBAC. */
  readonly findings: readonly Finding[];
  readonly model: OrgModel;
  /** Every object in its cluster and shard; absent when a policy failed. */
  readonly placed?: readonly Placed[];
  /** Every object once (clusters share them). */
  readonly objects?: readonly Manifest[];
}

/**
 * Policies, then (only when no error) the objects, placed and judged by what their RBAC really
 * allows: what analysis (`orgctl explain`) needs, without writing YAML.
 */
export function analyzeOrganization(root: IConstruct, options: { readonly today: string }): AnalyzedOrganization {
  const model = findOrganization(root).toModel();
  const findings = [...runPolicies(model, { today: options.today }), ...treeFindings(root)];
  if (findings.some((f) => f.severity === 'error')) return { ok: false, findings, model };
  const placed = placeOrganization(model, { today: options.today });
  // Clusters share the same objects: judge and check each once.
  const objects = objectsOnce(placed);
  // The output is judged by what its RBAC really allows, not by level names.
  const judged = [...findings, ...judgeManifests(model, objects)].sort(compareFindings);
  return { ok: !judged.some((f) => f.severity === 'error'), findings: judged, model, placed, objects };
}
