import { CATALOG, findLevel } from '../../model/catalog.ts';
import { editDistance } from '../../model/text.ts';
import { at, type Finding, type Source } from '../../model/findings.ts';
import { grantSubject, type OrgRule } from './context.ts';
import type { RuleId } from '../../model/rules.ts';

/** Closest catalog ids by edit distance, for "did you mean". */
function suggest(given: string): string {
  const best = CATALOG.map((l) => ({ id: l.id, d: editDistance(given, l.id) })).sort((x, y) => x.d - y.d)[0]!;
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
