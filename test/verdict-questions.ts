/**
 * What the verdict-cache tests (and their red teams') share: a partial read's answer asked with the
 * verdicts kept of an output folder and without them, and a RoleBinding's text to add to a shard.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSpec } from '../constructs/generate.ts';
import { readForQuestion, type PartialRead, type Question } from '../cli/partial-read.ts';
import { verdictCacheOf } from '../cli/verdict-cache.ts';
import { run, tempDir, withEveryKindOfBinding } from './helpers.ts';

/** The engine id the tests keep verdicts under (the sources run through tsx have none of their own). */
export const TEST_ENGINE = '0123456789abcdef';

/** What an answer is made of (which files were parsed aside). */
export const answerOf = (read: PartialRead | undefined) => read && { rbac: read.rbac, dated: read.dated };

/** The partial read with the verdicts of `dir` by `engine`, which are then kept. */
export function cached(dir: string, question: Question, engine = TEST_ENGINE) {
  const verdicts = verdictCacheOf(dir, engine);
  const read = readForQuestion(dir, question, undefined, verdicts);
  verdicts?.keep();
  return answerOf(read);
}

/** The partial read without verdicts. */
export const uncached = (dir: string, question: Question) => answerOf(readForQuestion(dir, question));

/** A RoleBinding of `ns` (of `acme:r:pods`) with these subjects, as YAML lines under `subjects:` (none: no such key). */
export const roleBindingText = (ns: string, name: string, subjects: readonly string[]): string =>
  [
    '---',
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: RoleBinding',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${ns}`,
    'roleRef:',
    '  apiGroup: rbac.authorization.k8s.io',
    '  kind: ClusterRole',
    '  name: acme:r:pods',
    ...(subjects.length ? ['subjects:', ...subjects] : []),
    '',
  ].join('\n');

/** A User subject's lines under `subjects:`, its name written as given. */
export const userSubjectLines = (written: string): string[] => [
  '- apiGroup: rbac.authorization.k8s.io',
  '  kind: User',
  `  name: ${written}`,
];

/**
 * A generated organization of `size` with every kind of binding orgctl writes (from user `first`
 * on), in `shards` shards, synthesized into a folder: its spec file and output folder.
 */
export async function synthesizedOrganization(
  size: { readonly users: number; readonly namespaces: number; readonly grants: number; readonly tokens: number },
  seed: number,
  shards: number,
  first: number,
): Promise<{ readonly spec: string; readonly out: string }> {
  const spec = generateSpec({ ...size, seed }) as unknown as { spec: Record<string, any> };
  spec.spec.delivery = { shards };
  withEveryKindOfBinding(spec.spec, first);
  return synthesizedInto(spec, 'orgctl-verdicts-');
}

/** A spec written to a temporary folder (named from `prefix`) and synthesized there: its file and output folder. */
export async function synthesizedInto(
  spec: unknown,
  prefix: string,
): Promise<{ readonly spec: string; readonly out: string }> {
  const dir = tempDir(prefix);
  const file = join(dir, 'org.json');
  writeFileSync(file, JSON.stringify(spec));
  const out = join(dir, 'dist');
  const r = await run(['synth', '--spec', file, '--out', out]);
  if (r.code !== 0) throw new Error(r.stderr);
  return { spec: file, out };
}
