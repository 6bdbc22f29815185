/**
 * The proof's rule ids and the declaration a head dist/ names: what the proof against base, the
 * written output's judging and the GitHub run share with the full proof (review/proof.ts), in a
 * module of their own so that the full proof's renderer loads only when it runs.
 */
import type { OutputFile } from '../synth/files.ts';
import type { RuleId } from '../model/rules.ts';
import { declaredInOf } from '../synth/render.ts';

/** The review's rules over head dist/ itself (the change rules judge the diff); their docs are in model/rules.ts. */
export const OUTPUT_PROOF: RuleId = 'output-proof';
export const HEAD_POLICIES: RuleId = 'head-policies';

/** The declaration the headers name (part of every file's bytes), or a stand-in when there is none. */
export function declaredInFiles(files: readonly OutputFile[]): string {
  for (const f of files) {
    const named = declaredInOf(f.content);
    if (named !== undefined) return named;
  }
  return 'org/org.ts';
}
