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
   * approves as an admin; for a `status` change, an admin reactivated: an admin again (what a cut
   * comment keeps first, either way).
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
  /**
   * The sentence as a rule's row names it, when `text` says more than a row should repeat (an admin
   * made or unmade: w:full in every namespace, the classes said once, in the report's entry).
   */
  readonly brief?: string;
  /** `text` with its lists (listedSentence): what a line cut to fit keeps of it, list by list. */
  readonly list?: ListedText;
}

/**
 * A sentence listing items of one kind (a token created for 900 namespaces, an invitation's
 * grants): `before`, the items joined by `separator`, then `after`, then the sentence's next list
 * if any (a token moved: the namespaces it leaves, those it is in). A line cut to fit keeps the
 * first items of each list and says how many it leaves out, of how many, and what each holds,
 * where a cut in the middle of the text said neither (red team R13, N2's leftover).
 */
export interface ListedText extends Items {
  readonly before: string;
  readonly after: string;
  /** The rest of the sentence, from its next list on. */
  readonly next?: ListedText;
}

/** One list of a ListedText: its items and what they are. */
export interface Items {
  readonly items: readonly string[];
  /** What the items are, plural: `namespaces`. */
  readonly noun: string;
  /** What each item holds, when the sentence says it elsewhere or not at all: `r:pods, r:events`. */
  readonly each?: string;
  /** Between two items: `, ` when absent (an invitation's grants, which hold commas: `; `). */
  readonly separator?: string;
}

/** A list's items as its sentence joins them. */
export const joinedItems = (l: Items): string => l.items.join(l.separator ?? ', ');

/** A ListedText's lists, in the order its sentence says them. */
export const listsOf = (list: ListedText): ListedText[] => [list, ...(list.next ? listsOf(list.next) : [])];

/** The whole sentence of a ListedText. */
const listedText = (l: ListedText): string =>
  listsOf(l)
    .map((x) => `${x.before}${joinedItems(x)}${x.after}`)
    .join('');

/**
 * A sentence of text and lists, as a change carries it: its text, and the sentence as a
 * ListedText when it holds a list (an empty list is for the caller to say: `(none)`).
 */
export function listedSentence(parts: readonly (string | Items)[]): { text: string; list?: ListedText } {
  let list: ListedText | undefined;
  let tail = '';
  // From the end: the text after a list, up to the next one, is its `after`.
  for (const part of [...parts].reverse()) {
    if (typeof part === 'string') tail = part + tail;
    else {
      list = { ...part, before: '', after: tail, ...(list ? { next: list } : {}) };
      tail = '';
    }
  }
  if (!list) return { text: tail };
  list = { ...list, before: tail };
  return { text: listedText(list), list };
}
