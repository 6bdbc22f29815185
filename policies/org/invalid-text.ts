/**
 * Text a person reads in a review, or that names someone to Kubernetes, must be what it looks
 * like, and must survive Go's YAML. Refused: control characters (Go's reader refuses C0, DEL and C1
 * raw; orgctl escapes them, but an email holding one reads as another in a review), a lone
 * surrogate (no escape Go accepts: the whole file would be refused, and the shard never syncs,
 * revocations included), U+FFFE/U+FFFF, line and paragraph separators, the byte-order mark, and
 * the invisible and bidirectional formatting characters that make one name look like another
 * (U+200B-U+200F, U+202A-U+202E, U+2060-U+2064, U+2066-U+2069).
 */
import { LONE_SURROGATE } from '../../synth/yaml.ts';
import { codePoint, unicodeEscape } from '../../model/text.ts';
import { at, type Finding, type Source, sourceText } from '../../model/findings.ts';
import type { OrgRule } from './context.ts';
import type { PolicyRule } from '../../model/catalog.ts';

/** A rule's fields that hold strings a person reads. */
const RULE_FIELDS = ['apiGroups', 'resources', 'verbs', 'resourceNames', 'nonResourceURLs'] as const;

const UNSAFE = new RegExp(
  `[\\u0000-\\u001f\\u007f-\\u009f\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u2069\\ufeff\\ufffe\\uffff]|${LONE_SURROGATE.source}`,
);
/** A note may span lines; nothing else may. */
const UNSAFE_IN_NOTE = new RegExp(UNSAFE.source.replace('\\u0000-\\u001f', '\\u0000-\\u0009\\u000b-\\u001f'));

/** The text as a person can read it: every refused character shown as its escape. */
const visible = (text: string) => JSON.stringify(text).replace(new RegExp(UNSAFE.source, 'g'), unicodeEscape);

/** Why `text` is refused, or undefined. */
function unsafeTextProblem(text: string, multiline = false): string | undefined {
  const bad = (multiline ? UNSAFE_IN_NOTE : UNSAFE).exec(text);
  return bad
    ? `holds ${codePoint(bad[0])} at position ${bad.index + 1}, an invisible, control or formatting character: write the text without it`
    : undefined;
}

/**
 * Letters that read as an ASCII one, from UTS #39's confusables (the entries mapping a letter to one
 * ASCII letter): Latin letters without a mark, refused wherever they stand, and Cyrillic, Greek,
 * Armenian and Cherokee ones, refused where a whole label is made of them (`асе` for `ace`: mixed
 * with Latin in one label, the script check refuses them first). Each pair is the letters, written
 * as escapes (they read as their ASCII ones, which is the point), and letter for letter what each
 * reads as.
 */
const LOOKALIKES: readonly (readonly [letters: string, readAs: string])[] = [
  // Latin
  [
    '\u0131\u0269\u026a\u0237\u0251\u0261\u01c0\u1d0f\u1d04\u1d20\u1d21\u1d22\ua731\u1d1c\u028f\u0274',
    'iiijaglocvwzsuyn',
  ],
  // Cyrillic
  [
    '\u0430\u0441\u0501\u0435\u04bb\u0456\u0458\u04cf\u043e\u0440\u051b\u0455\u051d\u0445\u0443\u04af\u0410\u0412\u0421\u0415\u041d\u0406\u0408\u041a\u041c\u041e\u0420\u0405\u0422\u0425\u0423\u04ae\u051a\u051c\u04c0',
    'acdehijlopqswxyyABCEHIJKMOPSTXYYQWl',
  ],
  // Greek
  [
    '\u03b1\u03bf\u03bd\u03c1\u03c5\u03b9\u03ba\u03b3\u03c7\u0391\u0392\u0395\u0396\u0397\u0399\u039a\u039c\u039d\u039f\u03a1\u03a4\u03a5\u03a7',
    'aovpuikyxABEZHIKMNOPTYX',
  ],
  // Armenian
  ['\u0585\u057d\u0570\u0578\u0566\u0581\u0555\u054d', 'ouhnqgOU'],
  // Cherokee
  ['\u13aa\u13f4\u13df\u13ac\u13bb\u13ab\u13e6\u13b7\u13e2\u13da\u13a2\u13d9\u13b3\u13c3', 'ABCEHJKMPSTVWZ'],
];
const READS_AS: Readonly<Record<string, string>> = Object.fromEntries(
  LOOKALIKES.flatMap(([letters, readAs]) => [...letters].map((c, i) => [c, readAs[i]!])),
);

/**
 * The alphabets a label may not mix (any two of them, Latin included), named as a reader knows
 * them. Han, Hiragana, Katakana, Hangul and Bopomofo may stand beside Latin, as UTS #39's highly
 * restrictive profile allows; a letter of a script not listed counts as a script of its own.
 */
const SCRIPTS = [
  'Latin',
  'Cyrillic',
  'Greek',
  'Armenian',
  'Cherokee',
  'Coptic',
  'Georgian',
  'Lisu',
  'Tifinagh',
  'Canadian_Aboriginal',
] as const;
const SCRIPT_LETTER = Object.fromEntries(SCRIPTS.map((s) => [s, new RegExp(`^\\p{Script=${s}}$`, 'u')]));
const CJK_LETTER = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}]$/u;
const LETTER = /^\p{L}$/u;
/** A mark NFC left on a letter of an alphabet (it has no composed form): `i` + U+0307 reads as i. */
const MARK_ON_LETTER = /(?<=[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}]\p{M}*)\p{M}/u;

/** The script of a letter (`undefined` for digits, punctuation and CJK), named for the finding. */
function scriptOf(c: string): string | undefined {
  if (!LETTER.test(c) || CJK_LETTER.test(c)) return undefined;
  return SCRIPTS.find((s) => SCRIPT_LETTER[s]!.test(c))?.replace('_', ' ') ?? `${codePoint(c)}'s`;
}

/** What the address reads as: compatibility forms as NFKC writes them, look-alikes as ASCII, stray marks gone. */
const readsAs = (text: string): string =>
  [...text.normalize('NFKC').replace(new RegExp(MARK_ON_LETTER.source, 'gu'), '')]
    .map((c) => READS_AS[c] ?? c)
    .join('');

/**
 * Why an address, as written, reads as another one in a review, or undefined: the confusables
 * UTS #39 warns of. Letters written decomposed (NFD: `e` + U+0301 for `é`), compatibility forms
 * (a fullwidth `ｂ`, a mathematical `𝐛`), a mark NFC leaves on a letter, a Latin letter that reads
 * as another (`ı`), a label mixing alphabets (`bоb` with a Cyrillic `о`), or a label wholly of
 * letters of another alphabet that each read as Latin ones (`асе`).
 */
function lookalikeProblem(email: string): string | undefined {
  if (email !== email.normalize('NFC'))
    return 'is not written composed (Unicode NFC): the same letters have another encoding, so two addresses would look alike in a review; write it composed';
  const reads = `it reads as ${JSON.stringify(readsAs(email))} in a review`;
  const chars = [...email];
  let position = 1; // in UTF-16 units, as the other findings of this rule count
  for (const c of chars) {
    if (c.normalize('NFKC') !== c)
      return `holds ${codePoint(c)} at position ${position}, a compatibility form of ${JSON.stringify(c.normalize('NFKC'))} (Unicode NFKC): ${reads}; write the address as the identity provider issues it`;
    if (READS_AS[c] && scriptOf(c) === 'Latin')
      return `holds ${codePoint(c)} at position ${position}, which reads as ${JSON.stringify(READS_AS[c])}: ${reads}; write the address as the identity provider issues it`;
    position += c.length;
  }
  const mark = MARK_ON_LETTER.exec(email);
  if (mark)
    return `holds ${codePoint(mark[0])} at position ${mark.index + 1}, a mark on a letter that has no composed form: ${reads}; write the address as the identity provider issues it`;
  for (const label of email.split(/[@.]/)) {
    const scripts = [...new Set([...label].map(scriptOf).filter((s) => s !== undefined))];
    if (scripts.length > 1)
      return `mixes ${scripts.join(' and ')} letters in ${JSON.stringify(label)}: it reads as another address in a review; write it in one script`;
    const letters = [...label].filter((c) => LETTER.test(c));
    if (scripts.length === 1 && scripts[0] !== 'Latin' && letters.every((c) => READS_AS[c]))
      return `writes ${JSON.stringify(label)} in ${scripts[0]} letters that each read as a Latin one: ${reads}; write the address as the identity provider issues it`;
  }
  return undefined;
}

/**
 * Why an email would read as another address in a review, or undefined: as written, and in lower
 * case, which is the username orgctl binds (`İ` lower-cased is `i` + U+0307).
 */
function emailLookalikeProblem(email: string): string | undefined {
  if (/^[\x00-\x7f]*$/.test(email)) return undefined; // ASCII: nothing to confuse
  const written = lookalikeProblem(email);
  if (written) return written;
  const username = email.toLowerCase();
  const lower = username === email ? undefined : lookalikeProblem(username);
  return lower && `in lower case (its username) ${lower}`;
}

export const invalidText: OrgRule = {
  id: 'invalid-text',
  check(model) {
    const out: Finding[] = [];
    const refuse = (subject: string, text: string, problem: string | undefined, source: string) => {
      if (problem)
        out.push({ severity: 'error', rule: this.id, subject, message: `${visible(text)} ${problem}`, source });
    };
    const check = (subject: string, text: string | undefined, source: string, multiline = false) => {
      if (text !== undefined) refuse(subject, text, unsafeTextProblem(text, multiline), source);
    };
    check('identity/usernamePrefix', model.usernamePrefix, sourceText(model.source));
    for (const [k, v] of Object.entries(model.argocd ?? {}))
      check(`delivery/argocd/${k}`, v as string, sourceText(model.source));
    // A reason lifts a policy: the reviewer must read what it says.
    for (const s of model.safeCustomResources ?? [])
      check(`safeCustomResources/${s.group}`, s.reason, sourceText(model.source));
    const email = (subject: string, text: string, source: string) => {
      check(subject, text, source);
      refuse(subject, text, emailLookalikeProblem(text), source);
    };
    for (const u of model.users) {
      email(`users/${u.key}`, u.email, at(u.source, '.email'));
      check(`users/${u.key}`, u.github, at(u.source, '.github'));
    }
    for (const i of model.invites) email(`invites/${i.key}`, i.email, at(i.source, '.email'));
    for (const t of model.tokens) {
      check(`tokens/${t.id}`, t.name, at(t.source, '.name'));
      check(`tokens/${t.id}`, t.note, at(t.source, '.note'), true);
    }
    // A rule's strings reach the review comment too (the access a change gives): the API server
    // takes any string there, but a line break or a direction override would act in the comment.
    const rules = (subject: string, list: readonly PolicyRule[], source: Source) =>
      list.forEach((r, i) => {
        for (const field of RULE_FIELDS)
          for (const text of r[field] ?? []) check(subject, text, at(source, `.rules[${i}].${field}`));
      });
    for (const r of model.customRoles) rules(`customRoles/${r.name}`, r.rules, r.source);
    for (const g of model.grants) rules(`grants/${g.user} → ${g.namespace}`, g.rules, g.source);
    for (const t of model.tokens) for (const b of t.rbac) rules(`tokens/${t.id} → ${b.namespace}`, b.rules, b.source);
    return out;
  },
};
