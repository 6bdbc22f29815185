import { CATALOG, findLevel, WRITE_VERBS } from '../../model/catalog.ts';
import { editDistance } from '../../model/text.ts';
import { resourceRequestOf } from '../../analysis/authorizer.ts';
import { rulesAllow } from '../../analysis/rules.ts';
import { resolveResource, type ApiResource } from '../../analysis/resources.ts';
import { at, type Finding, type Source } from '../../model/findings.ts';
import { grantSubject, type OrgRule } from './context.ts';
import type { RuleId } from '../../model/rules.ts';

/** The API resource a level-like name is named for (`w:deploy`: deployments), as kubectl reads a TYPE; its mode. */
function resourceNamed(
  given: string,
): { readonly access: 'read' | 'write'; readonly resource: ApiResource } | undefined {
  const m = /^([rw]):([a-z]+)$/i.exec(given);
  if (!m) return undefined;
  // resolveResource takes plural, kind and short names; `endpoint` is none of Endpoints' three.
  const resource = resolveResource(m[2]!) ?? resolveResource(`${m[2]!}s`);
  return resource && { access: m[1]!.toLowerCase() === 'r' ? 'read' : 'write', resource };
}

/**
 * The level of that mode (reads, writes) that allows the resource, as a new admin guesses a level
 * (`w:deployments` → w:workloads; `r:cronjob` → r:jobs); the full levels, which hold everything,
 * are no answer.
 */
function levelHolding(named: NonNullable<ReturnType<typeof resourceNamed>>): string | undefined {
  const { access, resource } = named;
  const verbs = access === 'read' ? ['get'] : WRITE_VERBS;
  return CATALOG.find(
    (l) =>
      l.access === access &&
      l.family !== 'full' &&
      verbs.some((verb) =>
        rulesAllow(l.rules, resourceRequestOf({ verb, apiGroup: resource.group, resource: resource.resource })),
      ),
  )?.id;
}

/**
 * The level meant, for "did you mean": one a letter away, else the one holding the resource named,
 * else none for a cluster-wide resource (no level can grant one: a level is bound in a namespace,
 * and a RoleBinding reaches no cluster-wide resource), else the closest.
 */
function suggest(given: string): string {
  const best = CATALOG.map((l) => ({ id: l.id, d: editDistance(given, l.id) })).sort((x, y) => x.d - y.d)[0]!;
  if (best.d <= 1) return `did you mean ${best.id}? `;
  const named = resourceNamed(given);
  const holding = named && levelHolding(named);
  if (holding) return `did you mean ${holding}? it holds ${named!.resource.resource}; `;
  if (named && !named.resource.namespaced)
    return `no level grants ${named.resource.resource}: they are cluster-wide, and a level grants in a namespace; `;
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
