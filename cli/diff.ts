import { diffSnapshots, type AccessDiff } from '../analysis/diff.ts';
import { diffHtml } from '../report/diff-html.ts';
import { renderMarkdown } from '../report/markdown.ts';
import { readSnapshot, type Snapshot } from '../analysis/snapshot.ts';
import { defineCommand } from './command.ts';
import { isKind, SideError, UsageError } from '../model/errors.ts';
import { loadSide, type LoadedSide } from './git.ts';
import type { DocumentCache } from './manifests.ts';
import type { Io } from '../model/io.ts';

const DIFF_HELP = `Usage: orgctl diff --base DIR|REF --head DIR|REF [--format md|json|html]

Who gains or loses what between two synthesized outputs: per person and per token, levels and
privilege classes gained and lost in each namespace, admin, billing and status changes, invites,
namespaces, tokens added, removed, renamed or moved, custom RBAC. Judged by effective access.

  --base, --head   a folder, or a git ref whose dist/ is read from git objects (origin/main,
                   HEAD~1, or REF:folder), without checking anything out or running it
  --format         md (default: the pull-request comment), json, or html (gains and losses coloured)`;

/** One side read strictly as orgctl's output, and its snapshot; any failure names the side (exit 2). */
function readSide(
  spec: string,
  label: string,
  io: Io,
  cache?: DocumentCache,
): { side: LoadedSide; snapshot: Snapshot } {
  io.progress?.(`reading ${label} ${spec}...`);
  try {
    const side = loadSide(spec, cache, `${label} (${spec})`);
    return { side, snapshot: readSnapshot(side.docs, `${label} (${spec})`) };
  } catch (e) {
    if (isKind(e, 'input')) throw new SideError(label, e.message);
    throw e;
  }
}

/** Reads both sides as snapshots; a side without membership data is an input error (exit 2). */
export function loadSnapshots(
  base: string,
  head: string,
  io: Io,
): { base: Snapshot; head: Snapshot; headSide: LoadedSide } {
  const cache: DocumentCache = new Map(); // what did not change is parsed once
  const b = readSide(base, 'base', io, cache);
  const h = readSide(head, 'head', io, cache);
  io.progress?.('');
  return { base: b.snapshot, head: h.snapshot, headSide: h.side };
}

/**
 * The rolling window of mass-removal: the diff from an older output of the base branch (`spec`, a
 * folder or `REF[:folder]`, e.g. `origin/main~10`) to head, so removals split across pull
 * requests add up.
 */
export function loadWindow(spec: string, head: Snapshot, io: Io): { label: string; diff: AccessDiff } {
  const { snapshot } = readSide(spec, 'window', io);
  io.progress?.('');
  return { label: spec, diff: diffSnapshots(snapshot, head) };
}

export function requireSides(flags: { readonly base?: string; readonly head?: string }): {
  base: string;
  head: string;
} {
  if (!flags.base) throw new UsageError('--base DIR|REF is required');
  if (!flags.head) throw new UsageError('--head DIR|REF is required');
  return { base: flags.base, head: flags.head };
}

function printDiff(io: Io, diff: AccessDiff, format: 'md' | 'json' | 'html' | undefined): void {
  if (format === 'html') io.out(diffHtml(diff, 'Access changes'));
  else io.out(format === 'json' ? JSON.stringify(diff, null, 2) : renderMarkdown(diff));
}

export const command = defineCommand({
  name: 'diff',
  summary: 'Who gains or loses what, per person and per token.',
  help: DIFF_HELP,
  flags: { base: 'string', head: 'string', format: ['md', 'json', 'html'] },
  run({ flags }, io) {
    const sides = requireSides(flags);
    const { base, head } = loadSnapshots(sides.base, sides.head, io);
    printDiff(io, diffSnapshots(base, head), flags.format);
    return 0;
  },
});
