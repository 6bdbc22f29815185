import { CATALOG } from '../model/catalog.ts';
import { defineCommand } from './command.ts';

export const command = defineCommand({
  name: 'levels',
  summary: 'The access-level catalog.',
  help: 'Usage: orgctl levels [--format text|json]\n\nThe access-level catalog: every level a grant may name.',
  flags: { format: ['text', 'json'] },
  run({ flags }, io) {
    if (flags.format === 'json') {
      io.out(JSON.stringify(CATALOG, null, 2));
      return 0;
    }
    for (const l of CATALOG)
      io.out(`${l.id.padEnd(20)} ${l.adminOnly ? 'admin-only ' : '           '}${l.description}`);
    return 0;
  },
});
