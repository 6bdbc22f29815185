/**
 * Rewrites the README's two rule tables from the registry (report/rules.ts): run it after changing
 * a rule in model/rules.ts (`npx tsx test/write-rule-tables.ts`); test/readme.test.ts checks them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { policiesTable, reviewRulesTable } from '../report/rules.ts';

const file = join(import.meta.dirname, '..', 'README.md');
let text = readFileSync(file, 'utf8');
for (const table of [policiesTable(), reviewRulesTable()]) {
  const header = table.slice(0, table.indexOf('\n'));
  const start = text.indexOf(header);
  if (start < 0) throw new Error(`README.md has no table beginning ${header}`);
  const end = text.indexOf('\n\n', start);
  text = text.slice(0, start) + table + (end < 0 ? '\n' : text.slice(end));
}
writeFileSync(file, text);
