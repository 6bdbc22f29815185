/**
 * Characters that read as ASCII ones, by what they read as. Derived from UTS #39's confusables.txt
 * (Unicode 10.0): every entry mapping one character NFKC leaves as it is to ASCII letters, digits or
 * punctuation, less a letter with a hook (`Ɓ` read as `'B`, `ơ` as `o'`: the hook shows) and the
 * ligatures `æ` and `œ` (letters of living alphabets, each read as one letter). Added: the Latin
 * small capitals confusables.txt leaves out (`ʙ` reads as `B`: an address's letter case does not
 * matter) and the dots IDNA and readers take for `.` (`·` outside Catalan's `l·l`, `。`). Written
 * as escapes: they read as their ASCII ones, which is the point.
 */
import { domainToASCII, domainToUnicode } from 'node:url';
import { isAscii } from '../../model/text.ts';

const BY_READING: Readonly<Record<string, string>> = {
  _: '\u07fa',
  '-': '\u02d7\u06d4\u2010\u2012\u2013\u2043\u2212\u2796\u2cba',
  '-.': '\ua4fe',
  ',': '\u060d\u066b\u201a\ua4f9',
  ':': '\u02d0\u02f8\u0589\u05c3\u0703\u0704\u0903\u0a83\u16ec\u1803\u1809\u205a\u2236\ua4fd\ua789',
  '!': '\u01c3\u2d51',
  '?': '\u0241\u0294\u097d\u13ae\ua6eb',
  '.': '\u00b7\u0660\u06f0\u0701\u0702\u1427\u16eb\u2022\u2027\u2219\u22c5\u2e31\u3002\u30fb\ua4f8\ua60e\ua78f\u{10101}\u{10a50}\u{1d16d}',
  '.,': '\ua4fb',
  '..': '\ua4fa',
  '...': '\u22ef\u2d48',
  '.<': '\u1444',
  '.>': '\u1437\u1440\u22d7',
  "'": '\u02b9\u02bb\u02bc\u02bd\u02be\u02c8\u02ca\u02cb\u02f4\u055a\u055d\u05d9\u05f3\u07f4\u07f5\u144a\u16cc\u2018\u2019\u201b\u2032\u2035\ua78c\u{16f51}\u{16f52}',
  "''": '\u02ba\u02ee\u02f6\u05f2\u05f4\u1cd3\u201c\u201d\u201f\u3003',
  '(': '\u2768\u2772\u3014\ufd3e',
  '((': '\u2e28',
  ')': '\u2769\u2773\u3015\ufd3f',
  '))': '\u2e29',
  '{': '\u2774\u{1d114}',
  '}': '\u2775',
  '*': '\u066d\u204e\u2217\u{1031f}',
  '/': '\u1735\u2041\u2044\u2215\u2571\u27cb\u29f8\u2cc6\u3033\u30ce\u31d3\u4e3f\u{1d23a}',
  '//': '\u2afd',
  '///': '\u2afb',
  '\\': '\u2216\u27cd\u29f5\u29f9\u31d4\u4e36\u{1d20f}\u{1d23b}',
  '\\\\': '\u244a\u2cf9',
  '&': '\ua778',
  '^': '\u02c4\u02c6',
  '+': '\u16ed\u2795\u{1029b}',
  '<': '\u02c2\u1438\u16b2\u2039\u276e\u{1d236}',
  '<.': '\u1445\u22d6\u2cb4',
  '<<': '\u226a',
  '<<<': '\u22d8',
  '=': '\u1400\u2e40\u30a0\ua4ff',
  '>': '\u02c3\u1433\u203a\u276f\u{16f3f}\u{1d237}',
  '>.': '\u1441',
  '><': '\u2aa5',
  '>>': '\u226b\u2a20',
  '>>>': '\u22d9',
  '~': '\u2053\u223c',
  2: '\u01a7\u03e8\u14bf\ua644\ua6ef\ua75a',
  3: '\u01b7\u021c\u0417\u04e0\u2ccc\ua76a\ua7ab\u{118ca}\u{16f3b}\u{1d206}',
  4: '\u13ce\u{118af}',
  5: '\u01bc\u{118bb}',
  6: '\u0431\u13ee\u2cd2\u{118d5}',
  7: '\u{104d2}\u{118c6}\u{1d212}',
  8: '\u0222\u0223\u09ea\u0a6a\u0b03\u{1031a}\u{1e8cb}',
  9: '\u09ed\u0a67\u0b68\u0d6d\u2cca\ua76e\u{118ac}\u{118cc}\u{118d6}',
  a: '\u0251\u03b1\u0430\u237a',
  A: '\u0391\u0410\u13aa\u15c5\u1d00\ua4ee\uab7a\u{102a0}\u{16f40}',
  aa: '\ua733',
  AA: '\ua732',
  ae: '\u04d5',
  AE: '\u04d4',
  ao: '\ua735',
  AO: '\ua734',
  AR: '\u{1f707}',
  au: '\ua737',
  AU: '\ua736',
  av: '\ua739\ua73b',
  AV: '\ua738\ua73a',
  ay: '\ua73d',
  AY: '\ua73c',
  b: '\u0184\u042c\u13cf\u15af',
  B: '\u0299\u0392\u0412\u0432\u13f4\u13fc\u15f7\ua4d0\ua7b4\u{10282}\u{102a1}\u{10301}',
  bl: '\u042b',
  c: '\u0441\u1d04\u2ca5\uabaf\u{1043d}',
  C: '\u0421\u13df\u2ca4\ua4da\u{102a2}\u{10302}\u{10415}\u{1051c}\u{118e9}\u{118f2}\u{1f74c}',
  d: '\u0501\u13e7\u146f\ua4d2',
  D: '\u13a0\u15de\u15ea\u1d05\ua4d3\uab70',
  dz: '\u02a3',
  e: '\u0435\u04bd\u212e\uab32',
  E: '\u0395\u0415\u13ac\u1d07\u22ff\u2d39\ua4f0\uab7c\u{10286}\u{118a6}\u{118ae}',
  f: '\u0584\u1e9d\ua799\uab35',
  F: '\u03dc\u15b4\ua4dd\ua730\ua798\u{10287}\u{102a5}\u{10525}\u{118a2}\u{118c2}\u{1d213}',
  g: '\u018d\u0261\u0581\u1d83',
  G: '\u0262\u050c\u050d\u13c0\u13f3\u13fb\ua4d6\uab90',
  h: '\u04bb\u0570\u13c2',
  H: '\u029c\u0397\u041d\u043d\u13bb\u157c\u2c8e\ua4e7\uab8b\u{102cf}',
  i: '\u0131\u0269\u026a\u03b9\u0456\u13a5\u2373\ua647\uab75\u{118c3}',
  I: '\u0399\u0406',
  j: '\u0237\u03f3\u0458',
  J: '\u037f\u0408\u13ab\u148d\u1d0a\ua4d9\ua7b2\uab7b',
  k: '\u03ba',
  K: '\u039a\u041a\u13e6\u16d5\u1d0b\u2c94\ua4d7\u{10518}',
  l: '\u0196\u01c0\u04c0\u04cf\u05c0\u05d5\u05df\u0627\u0661\u06f1\u07ca\u16c1\u2223\u23fd\u2c92\u2d4f\ua4f2\u{1028a}\u{10309}\u{10320}\u{16f28}\u{1e8c7}',
  L: '\u029f\u13de\u14aa\u2cd0\u2cd1\ua4e1\uabae\u{1041b}\u{10443}\u{10526}\u{118a3}\u{118b2}\u{16f16}\u{1d22a}',
  ll: '\u01c1\u05f0\u2016\u2225',
  lO: '\u042e',
  ls: '\u02aa',
  lt: '\u20b6',
  lz: '\u02ab',
  M: '\u039c\u03fa\u041c\u13b7\u15f0\u16d6\u1d0d\u2c98\ua4df\u{102b0}\u{10311}',
  MB: '\u{1f76b}',
  n: '\u0578\u057c',
  N: '\u0274\u039d\u2c9a\ua4e0\u{10513}',
  o: '\u03bf\u03c3\u043e\u0585\u05e1\u0647\u0665\u06be\u06c1\u06d5\u06f5\u0966\u0a66\u0ae6\u0be6\u0c02\u0c66\u0c82\u0ce6\u0d02\u0d20\u0d66\u0d82\u0e50\u0ed0\u101d\u1040\u10ff\u1d0f\u1d11\u2c9f\uab3d\u{1042c}\u{104ea}\u{118c8}\u{118d7}',
  O: '\u039f\u041e\u0555\u07c0\u09e6\u0b20\u0b66\u12d0\u2c9e\u2d54\u3007\ua4f3\u{10292}\u{102ab}\u{10404}\u{104c2}\u{10516}\u{114d0}\u{118b5}\u{118e0}',
  oE: '\u0276',
  oo: '\u221e\ua699\ua74f',
  OO: '\ua698\ua74e',
  p: '\u03c1\u0440\u2374\u2ca3',
  P: '\u03a1\u0420\u13e2\u146d\u1d18\u1d29\u2ca2\ua4d1\uabb2\u{10295}',
  q: '\u051b\u0563\u0566',
  Q: '\u051a\u2d55\ua7af',
  QE: '\u{1f700}',
  r: '\u0433\u1d26\u2c85\uab47\uab48\uab81',
  R: '\u01a6\u0280\u13a1\u13d2\u1587\ua4e3\uab71\uaba2\u{104b4}\u{16f35}\u{1d216}',
  rn: '\u{11700}\u{118e3}',
  s: '\u01bd\u0455\ua731\uabaa\u{10448}\u{118c1}',
  S: '\u0405\u054f\u13d5\u13da\ua4e2\u{10296}\u{10420}\u{16f3a}',
  sss: '\u{1f75c}',
  T: '\u03a4\u03c4\u0422\u0442\u13a2\u1d1b\u22a4\u27d9\u2ca6\ua4d4\uab72\u{10297}\u{102b1}\u{10315}\u{118bc}\u{16f0a}\u{1f768}',
  T3: '\ua728',
  tf: '\ua777',
  ts: '\u02a6',
  u: '\u028b\u03c5\u057d\u1d1c\ua79f\uab4e\uab52\u{104f6}\u{118d8}',
  U: '\u054d\u1200\u144c\u222a\u22c3\ua4f4\u{104ce}\u{118b8}\u{16f42}',
  ue: '\u1d6b',
  uo: '\uab63',
  v: '\u03bd\u0475\u05d8\u1d20\u2228\u22c1\uaba9\u{11706}\u{118c0}',
  V: '\u0474\u0667\u06f7\u13d9\u142f\u2d38\ua4e6\ua6df\u{1051d}\u{118a0}\u{16f08}\u{1d20d}',
  VB: '\u{1f76c}',
  w: '\u026f\u0461\u051d\u0561\u1d21\uab83\u{1170a}\u{1170e}\u{1170f}',
  W: '\u051c\u13b3\u13d4\ua4ea\u{118e6}\u{118ef}',
  x: '\u00d7\u03c7\u0445\u1541\u157d\u166e\u292b\u292c\u2a2f',
  X: '\u03a7\u0425\u166d\u16b7\u2573\u2cac\u2d5d\ua4eb\ua7b3\u{10290}\u{102b4}\u{10317}\u{10322}\u{10527}\u{118ec}',
  y: '\u0263\u028f\u03b3\u0443\u04af\u10e7\u1d8c\u1eff\uab5a\u{118dc}',
  Y: '\u03a5\u0423\u04ae\u13a9\u13bd\u2ca8\ua4ec\u{102b2}\u{118a4}\u{16f43}',
  z: '\u1d22\uab93\u{118c4}',
  Z: '\u0396\u13c3\ua4dc\u{102f5}\u{118a9}\u{118e5}',
};

/** What each character reads as. */
export const READS_AS: ReadonlyMap<string, string> = new Map(
  Object.entries(BY_READING).flatMap(([reading, chars]) => [...chars].map((c) => [c, reading] as const)),
);

/**
 * ASCII that reads as other ASCII, several letters for one or a digit for a letter: chosen by hand
 * after confusables.txt's entries for `m`, `w`, `d`, `0`, `1` and `|`, which invalid-text cannot
 * refuse in one name (`arnold` and `b0b` are names of their own). Each is written as the longer
 * reading, so both spellings meet.
 */
const ASCII_READING: Readonly<Record<string, string>> = { m: 'rn', w: 'vv', d: 'cl', 0: 'o', 1: 'l', '|': 'l' };

/**
 * What a name reads as beside another (UTS #39's skeleton, in lower case, as emails and GitHub
 * logins compare): compatibility forms as NFKC writes them, every mark dropped (a dot below, a
 * grave: `bob@acmẹ.io` beside `bob@acme.io`), each character as the ASCII it reads as, and ASCII
 * look-alikes spelled one way. Two names of one skeleton read as one in a review. A mark alone is
 * no look-alike (`jürgen` is a name); beside `jurgen` it is.
 */
export function skeletonOf(name: string): string {
  const decoded = idnaDecoded(name);
  let out = decoded && 'address' in decoded ? decoded.address : name; // ASCII, nearly every name, as it is
  if (!isAscii(out)) {
    const letters = out;
    out = '';
    for (const c of letters.normalize('NFKC').normalize('NFD').replace(/\p{M}/gu, '')) out += READS_AS.get(c) ?? c;
  }
  // One pass, a character at a time (a review of 20,000 names, one of them new, reads them all).
  let skeleton = '';
  for (const c of out.toLowerCase()) skeleton += ASCII_READING[c] ?? c;
  return skeleton;
}

/** IDNA's ASCII-compatible prefix (RFC 5890): a domain label that starts with it is Punycode. */
const ACE_LABEL = /^xn--/i;

/** An address whose domain holds labels in IDNA's ASCII form, as a mail client shows it. */
type IdnaDecoded =
  /** `address` with every such label decoded; `label` the first of them, `unicode` what it decodes to. */
  | { readonly address: string; readonly label: string; readonly unicode: string }
  /** A label no IDNA encoder writes: not Punycode, or ASCII that needs no encoding (`xn--acme-` is `acme`). */
  | { readonly invalid: string };

/**
 * `bob@xn--80ak6aa92e.com` as `bob@аррӏе.com`: what a domain written in IDNA's ASCII form stands
 * for (RFC 5891, by Node's UTS #46 mapping), so that it is judged as what a person's mail client
 * and browser show. Undefined for an address without such a label (a local part is no label).
 */
export function idnaDecoded(address: string): IdnaDecoded | undefined {
  const at = address.lastIndexOf('@');
  if (at < 0 || !/xn--/i.test(address.slice(at))) return undefined;
  let first: { label: string; unicode: string } | undefined;
  const labels: string[] = [];
  for (const label of address.slice(at + 1).split('.')) {
    if (!ACE_LABEL.test(label)) {
      labels.push(label);
      continue;
    }
    const unicode = domainToUnicode(label);
    // Written back, it must be the label again: a label that decodes to nothing, or to what IDNA
    // would write otherwise (ASCII, capitals), is no name a registry hands out.
    if (!unicode || domainToASCII(unicode) !== label.toLowerCase()) return { invalid: label };
    first ??= { label, unicode };
    labels.push(unicode);
  }
  return first && { address: `${address.slice(0, at + 1)}${labels.join('.')}`, ...first };
}
