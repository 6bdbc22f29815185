/**
 * One change the review reports, of a person, a token, a namespace, a cluster or a setting: the
 * diff (diff.ts) and the guard rails' comparison (guard-rails.ts) both make them.
 */
export interface Change {
  /** What kind of change: `gains`, `loses`, `admin`, `joins`, ... */
  readonly kind: string;
  /** The sentence, without its subject: `gains w:services in web`. */
  readonly text: string;
  readonly namespace?: string;
  readonly levels?: readonly string[];
  readonly classes?: readonly string[];
  readonly from?: unknown;
  readonly to?: unknown;
  /** The setting, for `setting` changes: `usernamePrefix`, `shards`, `repoURL`, ... */
  readonly key?: string;
  /**
   * For a `github` change: the person is an admin in base or head, so whoever holds the new login
   * approves as an admin (what a cut comment keeps first).
   */
  readonly admin?: boolean;
  /** Removes access: counts for the mass-removal rule. */
  readonly removes?: boolean;
  /**
   * Why this follows from another change rather than editing anyone's privileges: `as an admin`
   * (an admin holds w:full in every namespace, so adding or removing one changes that for every
   * admin), `with its namespace` (a token losing a namespace that is removed). The change rules
   * judge the namespace change itself, not every admin editing themself.
   */
  readonly implied?: string;
  /** `text` as a list of items alike (listedText): what a line cut to fit keeps of it. */
  readonly list?: ListedText;
}

/**
 * A sentence listing items of one kind that each hold the same (a token created for 900
 * namespaces, the same levels in each): `before`, the items joined by `, `, then `after`. A line
 * cut to fit keeps the first items and says how many it leaves out, of how many, and what each
 * holds, where a cut in the middle of the text said neither (red team R13, N2's leftover).
 */
export interface ListedText {
  readonly before: string;
  readonly items: readonly string[];
  readonly after: string;
  /** What the items are, plural: `namespaces`. */
  readonly noun: string;
  /** What each item holds, when the sentence says it elsewhere or not at all: `r:pods, r:events`. */
  readonly each?: string;
}

/** The whole sentence of a ListedText. */
export const listedText = (l: ListedText): string => `${l.before}${l.items.join(', ')}${l.after}`;
