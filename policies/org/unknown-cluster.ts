import { at, type Finding } from '../../model/findings.ts';
import type { OrgRule } from './context.ts';

/** A namespace can only exist in clusters the organization spans. */
export const unknownCluster: OrgRule = {
  id: 'unknown-cluster',
  check(model) {
    const known = new Set(model.clusters);
    const out: Finding[] = [];
    for (const n of model.namespaces) {
      n.clusters.forEach((c, i) => {
        if (known.has(c)) return;
        out.push({
          severity: 'error',
          rule: this.id,
          subject: `namespaces/${n.name}`,
          source: at(n.source, `.clusters[${i}]`),
          message: `cluster ${JSON.stringify(c)} is not one of the organization's clusters (${model.clusters.length ? `declared: ${model.clusters.join(', ')}` : 'none is declared'})`,
        });
      });
    }
    return out;
  },
};
