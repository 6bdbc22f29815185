/** Findings: what a policy reports. Errors fail synthesis; warnings print and pass. */
import type { RuleId } from './rules.ts';
import { byText, showHidden } from './text.ts';
export type Severity = 'error' | 'warning';

export interface Finding {
  readonly severity: Severity;
  /** The rule's id in the registry (model/rules.ts), e.g. `forbidden-grant`. */
  readonly rule: RuleId;
  /** Who or what it is about, e.g. `users/bob@acme.io → web`. */
  readonly subject: string;
  /** What is wrong and what is allowed. */
  readonly message: string;
  /** Spec path or construct path of the declaration. */
  readonly source: string;
  /** Where a spec path is in the spec file (1-based), when the declaration is a YAML/JSON spec. */
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

/** A place in a spec file, 1-based. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** The line and column (1-based) of the character at `offset` in `text`. */
export function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}

/** `org.yaml:14:7`: where an editor or CI annotation finds it. */
export const positionText = (file: string, p: Position): string => `${file}:${p.line}:${p.column}`;

/**
 * `error forbidden-grant users/bob@acme.io → web: w:pods is reserved for admins (at spec.grants[0])`,
 * led by `org.yaml:14:7: ` when the finding knows where its spec path is.
 */
export function formatFinding(f: Finding): string {
  const where =
    f.file !== undefined && f.line !== undefined
      ? `${positionText(f.file, { line: f.line, column: f.column ?? 1 })}: `
      : '';
  // One line, whatever the data in it holds: a line break from a forged dist/ would start a line of
  // its author's (a workflow command `::error …` in a job's log, R29-1).
  return showHidden(`${where}${f.severity} ${f.rule} ${f.subject}: ${f.message} (at ${f.source})`);
}

/** Findings with the file position of their spec path, where `locate` finds one (others unchanged). */
export function locateFindings(
  findings: readonly Finding[],
  file: string,
  locate: (path: string) => Position | undefined,
): readonly Finding[] {
  return findings.map((f) => {
    const p = locate(f.source);
    return p ? { ...f, file, line: p.line, column: p.column } : f;
  });
}

/** Errors before warnings. */
const severityRank = (f: Finding): number => (f.severity === 'error' ? 0 : 1);

/**
 * The order findings are shown in, total: errors before warnings, then by rule id, subject, source
 * and message, then by where the spec path is (file, line, column; a finding without one first).
 * Texts by their UTF-16 code units (byText, never a locale's order: the same on every machine),
 * numbers by value. 0 only for findings alike in every field (test/findings-order.test.ts).
 */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(a) - severityRank(b) ||
    byText(a.rule, b.rule) ||
    byText(a.subject, b.subject) ||
    byText(a.source, b.source) ||
    byText(a.message, b.message) ||
    absentFirst(a.file, b.file, byText) ||
    absentFirst(a.line, b.line, byNumber) ||
    absentFirst(a.column, b.column, byNumber)
  );
}

const byNumber = (a: number, b: number): number => a - b;

/** `by`, with a field not given before any given. */
const absentFirst = <T>(a: T | undefined, b: T | undefined, by: (a: T, b: T) => number): number =>
  a === undefined ? (b === undefined ? 0 : -1) : b === undefined ? 1 : by(a, b);

/**
 * Where something was declared: a spec path (`spec.grants[3]`) or a construct path
 * (`acme/grants/bob@acme.io → web`). Typed, never told apart by their text: an organization whose
 * construct id is `spectrum` has construct paths that begin with "spec".
 */
export type Source = { readonly spec: string } | { readonly construct: string };

export const specSource = (path: string): Source => ({ spec: path });
export const constructSource = (path: string): Source => ({ construct: path });

/** A source as findings print it. */
export const sourceText = (source: Source): string => ('spec' in source ? source.spec : source.construct);

/** A sub-path of a declaration, as findings print it: spec paths get the suffix, construct paths stay as they are. */
export function at(source: Source, suffix: string): string {
  return 'spec' in source ? `${source.spec}${suffix}` : source.construct;
}
