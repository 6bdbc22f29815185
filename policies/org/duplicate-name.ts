import { type Finding, type Source, sourceText } from '../../model/findings.ts';
import type { OrgRule } from './context.ts';

/**
 * Namespaces, roles, custom roles and token ids are each declared once. (Two token ids never share
 * a ServiceAccount name: an id ending in -r<number>, which would name another's rotation, is
 * invalid-name.)
 */
export const duplicateName: OrgRule = {
  id: 'duplicate-name',
  check(model) {
    const out: Finding[] = [];
    const once = <T extends { source: Source }>(kind: string, items: readonly T[], name: (t: T) => string) => {
      const seen = new Map<string, string>();
      for (const it of items) {
        const first = seen.get(name(it));
        if (first)
          out.push({
            severity: 'error',
            rule: this.id,
            subject: `${kind}/${name(it)}`,
            message: `already declared at ${first}`,
            source: sourceText(it.source),
          });
        else seen.set(name(it), sourceText(it.source));
      }
    };
    once('namespaces', model.namespaces, (n) => n.name);
    once('roles', model.roles, (r) => r.name);
    once('customRoles', model.customRoles, (r) => r.name);
    once('tokens', model.tokens, (t) => t.id);
    return out;
  },
};
