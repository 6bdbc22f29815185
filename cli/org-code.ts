/**
 * Reads the org/ code a change adds or modifies from head's git objects, as data (nothing checked
 * out, nothing run), and what each file reaches for (review/org-code.ts): org-code's input.
 */
import type { OrgCodeRead } from '../policies/change/context.ts';
import { isOrgCode, isOrgConfig, scanOrgCode } from '../review/org-code.ts';
import { importModule } from './es-import.ts';
import { MAX_CHANGED_CODE_BYTES, MAX_CODE_BYTES, readRefFiles, refOfSide } from './git.ts';

/** What a changed file of org/ that decides how synth reads the code beside it does. */
const CONFIG_REACH =
  "decides how synth resolves and compiles org/'s code (tsconfig's `paths` may point an import orgctl's constructs are named by at any file, package.json's `imports` and `type`)";

/**
 * The org/ code of `head` (a side as --head gives it) that `changedPaths` add or modify, each
 * file's findings; why it is not read when head is a folder; undefined when the paths are unknown.
 */
export async function readOrgCode(
  head: string,
  changedPaths: readonly string[] | undefined,
): Promise<OrgCodeRead | undefined> {
  if (changedPaths === undefined) return undefined;
  const code = changedPaths.filter(isOrgCode);
  const configs = changedPaths.filter(isOrgConfig);
  if (!code.length && !configs.length) return { files: [] };
  const ref = refOfSide(head);
  if (ref === undefined)
    return {
      unread:
        "head is a folder, not a git ref: its org/ code is not read (give --head a git ref; on GitHub the pull request's head commit is read)",
    };
  const { transform } = await importModule<typeof import('esbuild')>('esbuild');
  const paths = [...code, ...configs].sort();
  const texts = readRefFiles(ref, paths, MAX_CODE_BYTES, {
    bytes: MAX_CHANGED_CODE_BYTES,
    what: "a change's org/ code",
  });
  const files = [];
  for (const path of paths) {
    const text = texts.get(path)!;
    // Removed by the change: nothing of it runs.
    if (typeof text === 'object' && text.absent) continue;
    if (typeof text === 'object')
      files.push({ path, findings: [{ text: `${text.problem}: not read, so read it yourself` }] });
    else if (isOrgConfig(path)) files.push({ path, findings: [{ text: CONFIG_REACH }] });
    else files.push({ path, findings: await scanOrgCode(transform, path, text) });
  }
  return { files };
}
