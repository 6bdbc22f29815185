/**
 * Addresses one slip of the fingers apart (`pet@exmaple.com` for `pet@example.com`, `pte@` for
 * `pet@`): `org.user(email)` declares whoever it names, so a slip declares another person where an
 * admin meant to change one. Shared by near-duplicate-user (the review) and near-duplicate-idle
 * (`orgctl check`). What reads as another (`rn` for `m`) is lookalikes.ts' and lookalike-identity's.
 */
import { editDistance } from '../../model/text.ts';

/** A given address and the one it may have meant; `part`: where they differ. */
interface NearPair {
  readonly given: string;
  readonly meant: string;
  readonly part: 'name' | 'domain';
}

/** Edits between the names (local parts) of one domain: one slip (a letter missed, doubled, wrong, or two swapped). */
const NAME_EDITS = 1;
/** Edits between the domains of one name: `exmaple.com` (a swap), `acme.com` for `acme.io` (two). */
const DOMAIN_EDITS = 2;
/** A name shorter than this is one edit from many others (`jo`, `jb`): no slip is read into it. */
const SHORTEST_NAME = 3;
/**
 * More given addresses than this under one key are a crowd of names made alike (numbered, or
 * generated), not slips: the key is left out, so that crafted addresses cannot make the work, and
 * the pairs, grow with their square (R33-2: 4,000 names one letter from one stem made 2,000,000 pairs).
 */
const CROWD = 16;

const withoutDigits = (s: string): string => s.replace(/[0-9]/g, '');
/** `user1` and `user2`, `pet` and `pet2`: accounts numbered on purpose, no slip. */
const numbered = (a: string, b: string): boolean => withoutDigits(a) === withoutDigits(b);

/** A prime below 2^26: a hash (below it) times BASE, or times a power (below it), stays exact in a double. */
const MOD = 67_108_859;
const BASE = 131;
/** Powers of BASE, a text's prefix hashes and its keys, kept between calls (grown for a longer address). */
let POWERS = new Float64Array(0);
let PREFIX = new Float64Array(0);
let KEYS = new Int32Array(0);

/**
 * Address lists by a key's length, then its polynomial hash: two integers V8 keeps unboxed (below
 * 2^30), where one number of both (length × MOD + hash, above it) was a heap number made for each
 * lookup (750,000 at size XL). The same keys as that number's, so the same lists and crowds.
 */
type KeyIndex = Map<number, Map<number, string[]>>;

/**
 * Hashes `email`: its keys, in KEYS, are the hashes of the whole address (of its length) and of each
 * address one character of the name (the part before `at`) shorter (of one less): two addresses of
 * one domain whose names are within one edit share one. The name alone is `PREFIX[at]`, of length
 * `at`. Numbers, not strings: at size XL
 * (20,000 invites, 50,000 users) that is 700,000 of them, and building each as a string took half a
 * second of `check`. Two addresses of one key are no pair until editDistance says so.
 */
function hashShortenings(email: string, at: number): number {
  const n = email.length;
  if (POWERS.length <= n) {
    POWERS = new Float64Array(2 * n + 2);
    POWERS[0] = 1;
    for (let i = 1; i < POWERS.length; i++) POWERS[i] = (POWERS[i - 1]! * BASE) % MOD;
    PREFIX = new Float64Array(POWERS.length);
    KEYS = new Int32Array(POWERS.length);
  }
  for (let i = 0; i < n; i++) PREFIX[i + 1] = (PREFIX[i]! * BASE + email.charCodeAt(i)) % MOD;
  const whole = PREFIX[n]!;
  let count = 0;
  KEYS[count++] = whole;
  for (let i = 0; i < at; i++) {
    // Leaving out either of two letters alike leaves one string.
    if (i > 0 && email.charCodeAt(i) === email.charCodeAt(i - 1)) continue;
    const rest = n - i - 1;
    const tail = (whole - ((PREFIX[i + 1]! * POWERS[rest]!) % MOD) + MOD) % MOD;
    KEYS[count++] = (((PREFIX[i]! * POWERS[rest]!) % MOD) + tail) % MOD;
  }
  return count;
}

/**
 * A cheap test that a name of `existing` may be within one edit of some given name: two names one
 * edit apart (a letter changed, added, dropped, or two swapped at `p`) share their first `k` letters
 * when `p >= k`, else the `length - k - 1` letters after the edit, aligned from their end. With
 * `k = length >> 1`, each name of `existing` is asked two small hashes of its own halves, where
 * hashShortenings hashed it whole and once for each letter of its name (10,000 names at size L,
 * none of which a given name comes near). A name it lets pass is hashed and measured as before.
 */
type NameHalves = Set<number>;

/** A hash of `text`'s code units from `start` to `end` with the name length it is for: a small integer (below 2^30). */
function halfKey(text: string, start: number, end: number, length: number, suffix: boolean): number {
  let h = 0;
  for (let i = start; i < end; i++) h = (h * 31 + text.charCodeAt(i)) & 0xfffff;
  return ((length & 0x1ff) << 21) | (suffix ? 0x100000 : 0) | h;
}

/** A given name's halves (its name: `at` letters) for the names of `existing` one letter shorter, as long, or longer. */
function addHalves(halves: NameHalves, g: string, at: number): void {
  for (let length = Math.max(SHORTEST_NAME, at - 1); length <= at + 1; length++) {
    const k = length >> 1;
    halves.add(halfKey(g, 0, k, length, false));
    halves.add(halfKey(g, at - (length - k - 1), at, length, true));
  }
}

/** Whether the name of `e` (its first `at` letters) may be one edit from a given one (addHalves). */
function mayBeNear(halves: NameHalves, e: string, at: number): boolean {
  const k = at >> 1;
  return halves.has(halfKey(e, 0, k, at, false)) || halves.has(halfKey(e, k + 1, at, at, true));
}

const push = (index: KeyIndex, length: number, hash: number, value: string) => {
  let map = index.get(length);
  if (!map) index.set(length, (map = new Map()));
  const list = map.get(hash);
  if (!list) map.set(hash, [value]);
  else if (list[list.length - 1] !== value) list.push(value);
};

/**
 * Each of `given` (lower-cased emails) one slip from one of `existing` (lower-cased too), by
 * `given` then `existing`'s order: the same domain and names within NAME_EDITS (the name meant at
 * least SHORTEST_NAME long, not a numbered sibling), or the same name and domains within
 * DOMAIN_EDITS where no one of `existing` but the given uses the given domain (a domain in use is
 * a second person there, a contractor's `acme.co`). An address is never its own pair.
 *
 * Never every pair: `given` is indexed by its hashes (hashShortenings; its name's), a key of more
 * than CROWD left out, and each of `existing` read once, hashed, its keys looked up, nothing built
 * but what matches; each given address is said once of each part (its first match). At size L
 * (10,000 users, 40 pending invites) one pass of 10,000 addresses.
 */
export function nearPairs(existing: readonly string[], given: readonly string[]): NearPair[] {
  if (!given.length) return [];
  const unique = [...new Set(given)];
  const givenSet = new Set(unique);
  const domainOf = (email: string) => email.slice(email.lastIndexOf('@'));
  // The given domains nobody else uses: only there may a domain have slipped. Mostly one domain, in
  // use by the first address read.
  const unused = new Set(unique.map(domainOf));
  for (const e of existing) {
    if (!unused.size) break;
    if (!givenSet.has(e)) for (const d of unused) if (e.endsWith(d)) unused.delete(d);
  }
  const byShortening: KeyIndex = new Map();
  const byName: KeyIndex = new Map();
  const lengths = new Set<number>();
  const halves: NameHalves = new Set();
  for (const g of unique) {
    const at = g.lastIndexOf('@');
    if (at < 1) continue; // no address (a forged dist/'s): nothing to slip from
    lengths.add(at);
    addHalves(halves, g, at);
    const count = hashShortenings(g, at);
    for (let k = 0; k < count; k++) push(byShortening, k === 0 ? g.length : g.length - 1, KEYS[k]!, g);
    if (unused.has(g.slice(at))) push(byName, at, PREFIX[at]!, g);
  }
  for (const index of [byShortening, byName])
    for (const map of index.values()) for (const [hash, list] of map) if (list.length > CROWD) map.delete(hash);
  const named = [...byName.values()].some((map) => map.size > 0);
  const pairs: NearPair[] = [];
  // Each given address said once of each part, at its first match in `existing`'s order.
  const said = { name: new Set<string>(), domain: new Set<string>() };
  const pair = (given: string, meant: string, part: NearPair['part']) => {
    said[part].add(given);
    pairs.push({ given, meant, part });
  };
  for (const e of existing) {
    const at = e.lastIndexOf('@');
    if (at < 1) continue;
    const near =
      at >= SHORTEST_NAME &&
      (lengths.has(at) || lengths.has(at - 1) || lengths.has(at + 1)) &&
      mayBeNear(halves, e, at);
    if (!near && !named) continue;
    const count = hashShortenings(e, at);
    for (const g of byName.get(at)?.get(PREFIX[at]!) ?? []) {
      if (g === e || said.domain.has(g) || !g.startsWith(e.slice(0, at + 1))) continue;
      if (editDistance(g.slice(at + 1), e.slice(at + 1), DOMAIN_EDITS) <= DOMAIN_EDITS) pair(g, e, 'domain');
    }
    if (!near) continue;
    let found: Set<string> | undefined;
    const whole = byShortening.get(e.length);
    const shorter = byShortening.get(e.length - 1);
    for (let k = 0; k < count; k++)
      for (const g of (k === 0 ? whole : shorter)?.get(KEYS[k]!) ?? []) (found ??= new Set()).add(g);
    for (const g of found ?? []) {
      const [gAt, name] = [g.lastIndexOf('@'), e.slice(0, at)];
      const gName = g.slice(0, gAt);
      if (g === e || said.name.has(g) || g.slice(gAt) !== e.slice(at) || numbered(gName, name)) continue;
      if (editDistance(gName, name, NAME_EDITS) <= NAME_EDITS) pair(g, e, 'name');
    }
  }
  const order = new Map(unique.map((g, i) => [g, i]));
  // By the given address; a slip of the name before one of the domain.
  return pairs.sort(
    (a, b) => order.get(a.given)! - order.get(b.given)! || (a.part === 'name' ? -1 : 1) - (b.part === 'name' ? -1 : 1),
  );
}
