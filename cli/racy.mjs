// Plain JavaScript, with its types in racy.d.mts: the launcher (bin/orgctl.mjs) runs before any
// TypeScript can be loaded, and reads this as cli/explain-cache.ts does (one window for both).

/**
 * The file systems' clock tick: a change time is kept to the nanosecond on ext4, XFS, btrfs and
 * APFS, to the second on ext3 and HFS+, to two seconds on FAT (modification times), truncated to
 * it. A change at a moment or after may then show a change time up to a tick earlier.
 */
const RACY_MS = 2_000;

/**
 * Whether a file whose stat says it changed at `ctimeMs` may have changed at `sinceMs` or later
 * (git's "racily clean"): a file read before that moment and stamped after, or stamped before it
 * and changed again after, may hold other bytes than its unchanged stat says.
 */
export const mayHaveChangedSince = (ctimeMs, sinceMs) => ctimeMs > sinceMs - RACY_MS;
