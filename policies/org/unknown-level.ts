import { CATALOG, findLevel } from '../../model/catalog.ts';
import { at, type Finding, type Source } from '../../model/findings.ts';
import { grantSubject, type OrgRule } from './context.ts';
import type { RuleId } from '../../model/rules.ts';

/** Closest catalog ids by edit distance, for "did you mean". */
function suggest(given: string): string {
  const dist = (a: string, b: string): number => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0]![j] = j;
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
    }
    return d[a.length]![b.length]!;
  };
  const best = CATALOG.map((l) => ({ id: l.id, d: dist(given, l.id) })).sort((x, y) => x.d - y.d)[0]!;
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
