import type { Finding } from '../findings.ts';
import type { OrgRule } from './context.ts';

/** Namespaces, roles, custom roles and token ids are each declared once. */
export const duplicateName: OrgRule = {
  id: 'duplicate-name',
  description: 'a namespace, role, custom role or token id is declared twice',
  check(model) {
    const out: Finding[] = [];
    const once = <T extends { source: string }>(kind: string, items: readonly T[], name: (t: T) => string) => {
      const seen = new Map<string, string>();
      for (const it of items) {
        const first = seen.get(name(it));
        if (first) out.push({ severity: 'error', rule: this.id, subject: `${kind}/${name(it)}`, message: `already declared at ${first}`, source: it.source });
        else seen.set(name(it), it.source);
      }
    };
    once('namespaces', model.namespaces, (n) => n.name);
    once('roles', model.roles, (r) => r.name);
    once('customRoles', model.customRoles, (r) => r.name);
    once('tokens', model.tokens, (t) => t.id);
    return out;
  },
};
