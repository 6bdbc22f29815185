import { tokenAccountName } from '../../model/model.ts';
import { at, type Finding, type Source, sourceText } from '../../model/findings.ts';
import type { OrgRule } from './context.ts';

/**
 * Namespaces, roles, custom roles and token ids are each declared once, and no two tokens share a
 * ServiceAccount name (`deploy` at rotation 1 and a token `deploy-r1` are both `token-deploy-r1`).
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
    // A token's identity is its ServiceAccount: one name, one token (ids that differ are checked here;
    // the same id twice is reported above).
    const accounts = new Map<string, { id: string; rotation: number; source: Source }>();
    for (const t of model.tokens) {
      const name = tokenAccountName(t.id, t.rotation);
      const first = accounts.get(name);
      if (!first) accounts.set(name, t);
      else if (first.id !== t.id) {
        const [a, b] = [first, t].map((x) => `token ${x.id}${x.rotation ? ` at rotation ${x.rotation}` : ''}`);
        out.push({
          severity: 'error',
          rule: this.id,
          subject: `tokens/${t.id}`,
          source: at(t.source, '.id'),
          message: `ServiceAccount ${name} would be both ${a} (${sourceText(first.source)}) and ${b}: the second token's holder would get the first one's access; choose another id (ids ending in -r<number> collide with rotations)`,
        });
      }
    }
    return out;
  },
};
