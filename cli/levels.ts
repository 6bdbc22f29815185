import { CATALOG } from '../model/catalog.ts';
import { parseArgs } from './args.ts';
import { UsageError } from '../model/errors.ts';
import type { Io } from '../model/io.ts';

export function levelsCommand(argv: readonly string[], io: Io): number {
  const { flags, positionals } = parseArgs(argv, { format: ['text', 'json'], help: 'boolean' }, { h: 'help' });
  if (flags.help) {
    io.out('Usage: orgctl levels [--format text|json]\n\nThe access-level catalog: every level a grant may name.');
    return 0;
  }
  if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  if (flags.format === 'json') {
    io.out(JSON.stringify(CATALOG, null, 2));
    return 0;
  }
  for (const l of CATALOG) io.out(`${l.id.padEnd(20)} ${l.adminOnly ? 'admin-only ' : '           '}${l.description}`);
  return 0;
}
