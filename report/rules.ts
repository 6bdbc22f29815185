/** The rule registry (model/rules.ts) as the README's tables: the README holds exactly these (a test checks). */
import { rulesOf, type RuleInfo } from '../model/rules.ts';

/** A table cell: a `|` would end it. */
const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** Rules over a declaration and over what synth writes: id, who checks it, severity, what it finds, the fix. */
export function policiesTable(): string {
  const row = (r: RuleInfo) =>
    `| \`${r.id}\` | ${r.stage === 'output' ? 'synth' : 'check, synth'} | ${cell(r.severity)} | ${cell(r.description)} | ${cell(r.remediation)} |`;
  return [
    '| id | checked by | severity | finds | fix |',
    '|---|---|---|---|---|',
    ...[...rulesOf('declaration'), ...rulesOf('output')].map(row),
  ].join('\n');
}

/** The review's rules: when each fails (a warning rule: warns, and passes), and what passes it (an override where one exists). */
export function reviewRulesTable(): string {
  const row = (r: RuleInfo) =>
    `| \`${r.id}\` | ${r.severity === 'warning' ? '**warns, and passes:** ' : ''}${cell(r.description)} | ${cell(r.override ?? r.remediation)} |`;
  return ['| rule | fails when | passes with |', '|---|---|---|', ...rulesOf('change').map(row)].join('\n');
}
