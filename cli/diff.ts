import { diffSnapshots, type AccessDiff } from '../analysis/diff.ts';
import { refuseAggregatedRoles, refuseUnrecordedArgoCd, withHandApplied } from '../analysis/hand-applied.ts';
import { diffHtml } from '../report/diff-html.ts';
import { renderMarkdown, WHOLE } from '../report/markdown.ts';
import { markdownAsText } from '../report/markdown-text.ts';
import { readRbac } from '../analysis/objects.ts';
import {
  MembershipLines,
  readMembership,
  readSnapshotPair,
  type SideDocs,
  type Snapshot,
} from '../analysis/snapshot.ts';
import { defineCommand } from './command.ts';
import { isKind, SideError, UsageError } from '../model/errors.ts';
import { loadSide, type LoadedSide } from './git.ts';
import { DocumentCache } from './output-read.ts';
import { lackingClusterShard, lackingClusterShardNote } from './partial-read.ts';
import { showHidden } from '../model/text.ts';
import type { FileDocuments } from '../synth/yaml.ts';
import type { Io } from '../model/io.ts';
import { resolveToday } from '../model/model.ts';

const DIFF_HELP = `Usage: orgctl diff --base DIR|REF --head DIR|REF [--format text|md|json|html]

Who gains or loses what between two synthesized outputs: per person and per token, levels and
privilege classes gained and lost in each namespace, admin, billing and status changes, invites,
namespaces, tokens added, removed, renamed or moved, custom RBAC. Judged by effective access.

  --base, --head   a folder, or a git ref whose dist/ is read from git objects (origin/main,
                   HEAD~1, or REF:folder), without checking anything out or running it
  --format         text (the default when standard output is a terminal: the report as a person
                   reads it there), md (the default otherwise: the pull-request comment, as scripts
                   and CI read it), json, or html (gains and losses coloured)`;

/** `read()` of one side; an input error names the side (exit 2). */
function onSide<T>(label: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (isKind(e, 'input')) throw new SideError(label, e.message);
    throw e;
  }
}

/** Who gains or loses what between two loaded sides, with what an admin then does by hand: diff and review alike. */
export function accessDiff(
  sides: Pick<ReturnType<typeof loadSnapshots>, 'base' | 'head' | 'baseSide' | 'headSide'>,
  today: string,
): AccessDiff {
  const { base, head, baseSide, headSide } = sides;
  return withHandApplied(diffSnapshots(base, head, today), baseSide.files, headSide.files, {
    base: base.org,
    head: head.org,
  });
}

/**
 * One side of a diff read and judged as every side is (base, head, a window): its files, its
 * membership, and refused when it holds an aggregated ClusterRole, whose rules the cluster decides
 * (R129-1; a window read apart once missed it, R132-2).
 */
function readSide(spec: string, label: string, cache: DocumentCache | undefined, lines?: MembershipLines) {
  const side = loadSide(spec, cache, label);
  const membership = readMembership(side.docs, label, lines);
  refuseAggregatedRoles(side.docs, label);
  return { side, membership };
}

/**
 * Reads both sides as snapshots for a diff of the two (access computed only for the subjects the
 * change touches: see readSnapshotPair); a side without membership data is an input error (exit 2).
 */
export function loadSnapshots(
  base: string,
  head: string,
  io: Io,
): {
  base: Snapshot;
  head: Snapshot;
  baseSide: LoadedSide;
  headSide: LoadedSide;
  /** Each side's documents of one file of its output, as read (texts and objects). */
  documents: { base: (path: string) => FileDocuments | undefined; head: (path: string) => FileDocuments | undefined };
  headDocs: SideDocs & Required<Pick<SideDocs, 'rbac'>>;
  cache: DocumentCache;
} {
  // What did not change is parsed once, and is one object; each file's readings are kept in the
  // order read (base, then head), for the review's proof against base.
  const cache = new DocumentCache();
  // And a membership list's line unchanged is read once, its record shared.
  const lines = new MembershipLines();
  const read = (spec: string, label: string) => {
    io.progress?.(`reading ${label} ${spec}...`);
    return onSide(label, () => {
      const { side, membership } = readSide(spec, `${label} (${spec})`, cache, lines);
      refuseUnrecordedArgoCd(side.files, membership.org, `${label} (${spec})`);
      // A folder of shards without its cluster shard is no cluster, its objects counted as any cluster's: said.
      for (const lacking of lackingClusterShard(side.files.map((f) => f.path)))
        io.err(showHidden(lackingClusterShardNote(`${label} (${spec}): ${lacking.folder}`, lacking)));
      return { side, membership };
    });
  };
  const b = read(base, 'base');
  const h = read(head, 'head');
  // Head's RBAC is read once, for the diff and for the proof.
  const headDocs = { docs: h.side.docs, membership: h.membership, rbac: readRbac(h.side.docs) };
  const pair = readSnapshotPair({ docs: b.side.docs, membership: b.membership }, headDocs);
  io.progress?.('');
  // Base was read first and head second: their readings of each file are in that order.
  const documents = { base: (p: string) => cache.readings(p)[0], head: (p: string) => cache.readings(p)[1] };
  return { base: pair.base, head: pair.head, baseSide: b.side, headSide: h.side, headDocs, cache, documents };
}

/**
 * The rolling window of mass-removal: the diff from an older output of the base branch (`spec`, a
 * folder or `REF[:folder]`, e.g. `origin/main~10`) to head, so removals split across pull
 * requests add up; and that output's membership, whose identities the cluster may still hold.
 */
export function loadWindow(
  spec: string,
  head: SideDocs,
  io: Io,
  today: string,
  cache?: DocumentCache,
): { label: string; diff: AccessDiff; head: Snapshot; base: Snapshot } {
  io.progress?.(`reading window ${spec}...`);
  const window = onSide('window', () => {
    // No refuseUnrecordedArgoCd: a window counts removals only, never what is applied by hand after
    // merge (which the delivery settings say), so an output written before they were recorded is
    // still a window (test/older-output; the last note's question, decided by R134).
    const { side, membership } = readSide(spec, `window (${spec})`, cache);
    return { docs: side.docs, membership };
  });
  const pair = readSnapshotPair(window, head);
  io.progress?.('');
  return { label: spec, diff: diffSnapshots(pair.base, pair.head, today), head: pair.head, base: pair.base };
}

export function requireSides(flags: { readonly base?: string; readonly head?: string }): {
  base: string;
  head: string;
} {
  if (!flags.base) throw new UsageError('--base DIR|REF is required');
  if (!flags.head) throw new UsageError('--head DIR|REF is required');
  return { base: flags.base, head: flags.head };
}

/**
 * The report (diff, review) as people get it unasked: text on a terminal, else the pull-request
 * comment's markdown (what scripts and CI pipe, and the README shows).
 */
export const reportFormat = <F extends string>(given: F | undefined, io: Io): F | 'text' | 'md' =>
  given ?? (io.stdoutIsTerminal ? 'text' : 'md');

/** The markdown report as `format` says: as it is, or as text for a terminal. */
export const reportIn = (format: string, md: string): string => (format === 'text' ? markdownAsText(md) : md);

function printDiff(io: Io, diff: AccessDiff, format: 'text' | 'md' | 'json' | 'html'): void {
  if (format === 'html') io.out(diffHtml(diff, 'Access changes'));
  else if (format === 'json') io.out(JSON.stringify(diff, null, 2));
  // Whole: this is the full report a cut comment points to (only what GitHub is sent has a limit).
  else io.out(reportIn(format, renderMarkdown(diff, undefined, WHOLE)));
}

export const command = defineCommand({
  name: 'diff',
  summary: 'Who gains or loses what, per person and per token.',
  help: DIFF_HELP,
  flags: { base: 'string', head: 'string', format: ['text', 'md', 'json', 'html'] },
  run({ flags }, io) {
    const sides = requireSides(flags);
    const format = reportFormat(flags.format, io);
    printDiff(io, accessDiff(loadSnapshots(sides.base, sides.head, io), resolveToday(undefined, io.env)), format);
    return 0;
  },
});
