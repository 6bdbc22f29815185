/**
 * explain's index (cli/explain-cache.ts) of a small organization where bob holds one level in web:
 * what the red teams on the index (R73, R77) write and ask it.
 */
import { readExplainIndex, type ExplainIndex } from '../cli/explain-cache.ts';

/** A spec of acme (JSON) where bob holds `level` in web. */
export const bobHolds = (level: string): string =>
  JSON.stringify({
    apiVersion: 'orgctl/v1',
    kind: 'Organization',
    metadata: { name: 'acme' },
    spec: {
      owner: 'alice@acme.io',
      users: [{ email: 'alice@acme.io', github: 'alice', admin: true }, { email: 'bob@acme.io' }],
      namespaces: [{ name: 'web' }],
      grants: [{ user: 'bob@acme.io', namespace: 'web', levels: [level] }],
    },
  });

/** What explain's index of `file` holds for bob in web: the levels of the bindings naming him, or undefined (no index). */
export function bobInIndex(index: ExplainIndex): string[] | undefined {
  const view = readExplainIndex(index, 'web', 'bob@acme.io');
  return view?.objects
    .filter((o) => o.kind === 'RoleBinding' && JSON.stringify(o).includes('bob@acme.io'))
    .map((o) => o.metadata.name as string);
}
