/** How findings reach a person (text lines on stderr) or a machine (JSON on stdout). */
import { formatFinding, type Finding } from '../model/findings.ts';
import type { Io } from '../model/io.ts';

export function summary(findings: readonly Finding[]): string {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
}

export function printFindings(io: Io, findings: readonly Finding[]): void {
  for (const f of findings) io.err(formatFinding(f));
}
