import { CATALOG, findLevel, WRITE_VERBS } from '../../model/catalog.ts';
import { editDistance } from '../../model/text.ts';
import { verbMatches } from '../../analysis/rules.ts';
import { resolveResource } from '../../analysis/resources.ts';
import { at, type Finding, type Source } from '../../model/findings.ts';
import { grantSubject, type OrgRule } from './context.ts';
import type { RuleId } from '../../model/rules.ts';

/**
 * The level of `given`'s mode (r: reads, w: writes) whose rules name the resource it is named
 * for, as a new admin guesses a level (`w:deployments` → w:workloads; `r:cronjob` → r:jobs); the
 * full levels, which hold everything, are no answer.
 */
function levelHolding(given: string): { readonly id: string; readonly resource: string } | undefined {
  const m = /^([rw]):([a-z]+)$/i.exec(given);
  if (!m) return undefined;
  const access = m[1]!.toLowerCase() === 'r' ? 'read' : 'write';
  const name = m[2]!.toLowerCase();
  for (const resource of [name, `${name}s`]) {
    const level = CATALOG.find(
      (l) =>
        l.access === access &&
        l.family !== 'full' &&
        l.rules.some(
          (r) => r.resources?.includes(resource) && (access === 'read' || WRITE_VERBS.some((v) => verbMatches(r, v))),
        ),
    );
    if (level) return { id: level.id, resource };
  }
  return undefined;
}

/**
 * The cluster-wide resource a level is named for (`r:nodes`: nodes), which no level can grant: a
 * level is bound in a namespace, and a RoleBinding reaches no cluster-wide resource.
 */
function clusterWide(given: string): string | undefined {
  const name = /^[rw]:([a-z]+)$/i.exec(given)?.[1]?.toLowerCase();
  const known = name === undefined ? undefined : (resolveResource(name) ?? resolveResource(`${name}s`));
  return known && !known.namespaced ? known.resource : undefined;
}

/**
 * The level meant, for "did you mean": one a letter away, else the one holding the resource named,
 * else none for a cluster-wide resource (said), else the closest.
 */
function suggest(given: string): string {
  const best = CATALOG.map((l) => ({ id: l.id, d: editDistance(given, l.id) })).sort((x, y) => x.d - y.d)[0]!;
  if (best.d <= 1) return `did you mean ${best.id}? `;
  const holding = levelHolding(given);
  if (holding) return `did you mean ${holding.id}? it holds ${holding.resource}; `;
  const cluster = clusterWide(given);
  if (cluster) return `no level grants ${cluster}: they are cluster-wide, and a level grants in a namespace; `;
  return best.d <= 3 ? `did you mean ${best.id}? ` : '';
}

const isLevel = (id: string): boolean => findLevel(id) !== undefined;

/** Adds a finding to `out` for each level of `levels` not in the catalog. */
const unknownLevels =
  (rule: RuleId, out: Finding[]) => (levels: readonly string[], subject: () => string, source: Source) =>
    levels.forEach((l, i) => {
      if (!findLevel(l)) {
        out.push({
          severity: 'error',
          rule,
          subject: subject(),
          source: at(source, `.levels[${i}]`),
          message: `${JSON.stringify(l)} is not an access level (${suggest(l)}levels are r:X or w:X, see the catalog: orgctl levels)`,
        });
      }
    });

/** Every level named anywhere must be in the catalog. */
export const unknownLevel: OrgRule = {
  id: 'unknown-level',
  check(model) {
    const out: Finding[] = [];
    const check = unknownLevels(this.id, out);
    for (const r of model.roles) check(r.levels, () => `roles/${r.name}`, r.source);
    for (const t of model.tokens) check(t.levels, () => `tokens/${t.id}`, t.source);
    for (const inv of model.invites)
      for (const g of inv.grants) check(g.levels, () => `invites/${inv.key} → ${g.namespace}`, g.source);
    return out;
  },
  grant(_model, _ctx, out) {
    const check = unknownLevels(this.id, out);
    // A grant is judged only when it names an unknown level: this runs for every grant.
    return (g) => {
      if (!g.levels.every(isLevel)) check(g.levels, () => grantSubject(g.user, g.namespace), g.source);
    };
  },
};
