/**
 * The declaration checked as a whole. `orgctl check` runs the declaration's own rules
 * (checkDeclaration); `explain` places the objects of a declaration that passes them
 * (placeCheckedDeclaration); synthesis runs every rule and judges the objects' RBAC
 * (analyzeOrganization), then writes YAML, checks it against the Kubernetes schema and sizes it
 * for Argo CD. Apart from synthesize.ts so that these commands do not load the Kubernetes schemas.
 */
import type { IConstruct } from 'constructs';
import { MODEL_RULES, runPolicies } from '../policies/org/index.ts';
import type { OrgRule } from '../policies/org/context.ts';
import { compareFindings, type Finding } from '../model/findings.ts';
import { judgeManifests } from '../policies/output/judge.ts';
import { modelInNamespace, type OrgModel } from '../model/model.ts';
import { objectsOnce, placeOrganization, type Placed } from '../synth/render.ts';
import type { Manifest } from '../synth/manifest.ts';
import { declaredOrganization, isDeclaredData, type DeclaredOrganization } from './declared.ts';

/** A declaration: a construct tree, or what one declares as data (a declaration module's, from its own process). */
export type Declaration = IConstruct | DeclaredOrganization;

const hasError = (findings: readonly Finding[]): boolean => findings.some((f) => f.severity === 'error');

/** The organization's model, and the findings of `rules` over it and of the rest of the construct tree. */
function judgeDeclaration(declaration: Declaration, today: string, rules?: readonly OrgRule[]) {
  const { model, treeFindings } = isDeclaredData(declaration) ? declaration : declaredOrganization(declaration);
  return { model, findings: [...runPolicies(model, { today }, rules), ...treeFindings] };
}

/** The declaration's own rules (what `orgctl check` judges): its policies and the construct tree's findings, sorted. */
export function checkDeclaration(
  root: Declaration,
  options: { readonly today: string },
): { readonly ok: boolean; readonly findings: readonly Finding[]; readonly model: OrgModel } {
  const { model, findings } = judgeDeclaration(root, options.today, MODEL_RULES);
  const sorted = findings.sort(compareFindings);
  return { ok: !hasError(sorted), findings: sorted, model };
}

/**
 * A declaration that passes `orgctl check`, with the objects it renders placed (what `explain`
 * reads), but the membership ConfigMaps: of one `namespace`, when given, only what it renders
 * there and cluster-wide (modelInNamespace). The rules over those objects are synthesis's
 * (analyzeOrganization), so what explain refuses is what check reports.
 */
export function placeCheckedDeclaration(
  root: Declaration,
  options: { readonly today: string; readonly namespace?: string },
): AnalyzedOrganization {
  const checked = checkDeclaration(root, options);
  if (!checked.ok) return checked;
  const placing = options.namespace === undefined ? checked.model : modelInNamespace(checked.model, options.namespace);
  const placed = placeOrganization(placing, { today: options.today, withoutMembership: true });
  return { ...checked, placed, objects: objectsOnce(placed) };
}

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
 * Every policy, then (only when no error) the objects, placed and judged by what their RBAC really
 * allows: what synthesis writes, before writing YAML.
 */
export function analyzeOrganization(root: Declaration, options: { readonly today: string }): AnalyzedOrganization {
  const { model, findings } = judgeDeclaration(root, options.today);
  if (hasError(findings)) return { ok: false, findings, model };
  const placed = placeOrganization(model, { today: options.today });
  // Clusters share the same objects: judge and check each once.
  const objects = objectsOnce(placed);
  // The output is judged by what its RBAC really allows, not by level names.
  const judged = [...findings, ...judgeManifests(model, objects)].sort(compareFindings);
  return { ok: !hasError(judged), findings: judged, model, placed, objects };
}
