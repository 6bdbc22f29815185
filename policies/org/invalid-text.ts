/**
 * Text a person reads in a review, or that names someone to Kubernetes, must be what it looks
 * like, and must survive Go's YAML. Refused: control characters (Go's reader refuses C0, DEL and C1
 * raw; orgctl escapes them, but an email holding one reads as another in a review), a lone
 * surrogate (no escape Go accepts: the whole file would be refused, and the shard never syncs,
 * revocations included), U+FFFE/U+FFFF, line and paragraph separators, the byte-order mark, and
 * the invisible and bidirectional formatting characters that make one name look like another
 * (every format and default-ignorable character: U+200B-U+200F, U+202A-U+202E, a soft hyphen, the
 * Arabic letter mark, tag characters). An email must also read as itself (UTS #39's confusables).
 */
import { LONE_SURROGATE } from '../../synth/yaml.ts';
import { codePoint, DRAWS_AS_NOTHING, isAscii, unicodeEscape } from '../../model/text.ts';
import { idnaDecoded, READS_AS } from './lookalikes.ts';
import { GITHUB_LOGIN, GITHUB_LOGIN_FORM, usernameOf } from '../../model/model.ts';
import { at, type Finding, type Source, sourceText } from '../../model/findings.ts';
import type { OrgRule } from './context.ts';
import type { RuleId } from '../../model/rules.ts';
import { hasNumericTopLevel } from '../../model/mailbox.ts';
import { POLICY_RULE_FIELDS, type PolicyRule } from '../../model/catalog.ts';

const UNSAFE = new RegExp(
  `[\\u0000-\\u001f\\u007f-\\u009f\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u2069\\ufeff\\ufffe\\uffff]|${LONE_SURROGATE.source}`,
);
/** A note may span lines; nothing else may. */
const UNSAFE_IN_NOTE = new RegExp(UNSAFE.source.replace('\\u0000-\\u001f', '\\u0000-\\u0009\\u000b-\\u001f'));
/**
 * A namespace annotation's value may span lines and hold tabs too (a tool's configuration), and
 * U+FFFE and U+FFFF, which a browser draws as a box (the writer escapes them for Go: R57-1), as
 * guard rails take it.
 */
const UNSAFE_IN_ANNOTATION = new RegExp(
  UNSAFE.source.replace('\\u0000-\\u001f', '\\u0000-\\u0008\\u000b-\\u001f').replace('\\ufffe\\uffff', ''),
);
/** Whatever else Unicode draws as nothing (model/text.ts): a note may hold variation selectors, an emoji's. */
const INVISIBLE = DRAWS_AS_NOTHING;
const INVISIBLE_IN_NOTE = new RegExp(`(?![\\ufe00-\\ufe0f\\u{e0100}-\\u{e01ef}])${INVISIBLE.source}`, 'u');

/** The text as a person can read it: every refused character shown as its escape. */
const visible = (text: string) =>
  JSON.stringify(text)
    .replace(new RegExp(UNSAFE.source, 'g'), unicodeEscape)
    .replace(new RegExp(INVISIBLE.source, 'gu'), (c) => c.split('').map(unicodeEscape).join(''));

/**
 * What a text may hold beyond one line of visible characters: a note, lines and an emoji's variation
 * selector; an annotation's value, lines and tabs, but no variation selector, since a tool reading
 * it compares it as written (`false` and `false` + U+FE0F look alike and differ: R64-3).
 */
type TextKind = 'line' | 'note' | 'annotation';
const UNSAFE_IN: Record<TextKind, RegExp> = { line: UNSAFE, note: UNSAFE_IN_NOTE, annotation: UNSAFE_IN_ANNOTATION };
const INVISIBLE_IN: Record<TextKind, RegExp> = { line: INVISIBLE, note: INVISIBLE_IN_NOTE, annotation: INVISIBLE };

/** Why `text` is refused, or undefined (`workflows` asks it of the revision members.json records, R141-3). */
export function unsafeTextProblem(text: string, kind: TextKind = 'line'): string | undefined {
  const bad = UNSAFE_IN[kind].exec(text) ?? INVISIBLE_IN[kind].exec(text);
  return bad
    ? `holds ${codePoint(bad[0])} at position ${bad.index + 1}, an invisible, control or formatting character: write the text without it`
    : undefined;
}

/**
 * The alphabets named in a finding when a label mixes them (any two of them, Latin included). Han,
 * Hiragana, Katakana, Hangul and Bopomofo may stand beside Latin, as UTS #39's highly restrictive
 * profile allows; the letters of scripts not listed count as one more (`another alphabet's`), so
 * beside Latin or a listed one they mix, and a word of one such script (Meetei Mayek, Adlam) does not.
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
  'Arabic',
  'Hebrew',
  'Syriac',
  'Thaana',
  'Nko',
  'Devanagari',
  'Bengali',
  'Gurmukhi',
  'Gujarati',
  'Oriya',
  'Tamil',
  'Telugu',
  'Kannada',
  'Malayalam',
  'Sinhala',
  'Thai',
  'Lao',
  'Myanmar',
  'Khmer',
  'Tibetan',
  'Mongolian',
  'Ethiopic',
  'Vai',
  'Warang_Citi',
] as const;
const SCRIPT_LETTER = Object.fromEntries(SCRIPTS.map((s) => [s, new RegExp(`^\\p{Script=${s}}$`, 'u')]));
/** By Script_Extensions: the prolonged sound mark ー is of no one script, but of Hiragana's and Katakana's. */
const CJK_LETTER = /^[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}\p{scx=Bopomofo}]$/u;
const LETTER = /^\p{L}$/u;
/** A digit or a mark of one script (`٥`, a Devanagari vowel sign): it belongs to its label's alphabet. */
const SCRIPT_DIGIT_OR_MARK = /^(?![\p{Script=Common}\p{Script=Inherited}])[\p{Nd}\p{M}]$/u;
/**
 * A letter, digit or mark of an alphabet other than Latin: what reads as ASCII among these is refused
 * where the label is wholly of them (`асе`), and the rest (a Latin letter, a hyphen `‐`, an Arabic
 * full stop) wherever it stands.
 */
const OF_ANOTHER_ALPHABET = /^(?![\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}])[\p{L}\p{Nd}\p{M}]$/u;
/** A mark NFC left on a letter of an alphabet (it has no composed form): `i` + U+0307 reads as i. */
const MARK_ON_LETTER = /(?<=[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}]\p{M}*)\p{M}/u;
/** A mark on no letter (on a digit, a dot, `@`): nothing composes it, and it reads as a speck. */
const MARK_ON_NO_LETTER = /(?<![\p{L}\p{M}])\p{M}/u;
/**
 * The middle dots IDNA lets stand (RFC 5892, appendix A.3 and A.7): Catalan's `l·l`, and the
 * katakana middle dot between Japanese letters (`ジョン・スミス`). Anywhere else either reads as `.`.
 */
const IDNA_MIDDLE_DOT =
  /(?<=l)\u00b7(?=l)|(?<=[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}])\u30fb(?=[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}])/giu;

/** The script of a letter, or of a digit or mark of one (`undefined` for the rest and CJK), named for the finding. */
function scriptOf(c: string): string | undefined {
  if (!(LETTER.test(c) || SCRIPT_DIGIT_OR_MARK.test(c)) || CJK_LETTER.test(c)) return undefined;
  return SCRIPTS.find((s) => SCRIPT_LETTER[s]!.test(c))?.replace('_', ' ') ?? "another alphabet's";
}

/** What the address reads as: compatibility forms as NFKC writes them, look-alikes as ASCII, stray marks gone. */
const readsAs = (text: string): string =>
  [...text.normalize('NFKC').replace(new RegExp(`${MARK_ON_LETTER.source}|${MARK_ON_NO_LETTER.source}`, 'gu'), '')]
    .map((c) => READS_AS.get(c) ?? c)
    .join('');

/**
 * Whether every character of `label` in `script` reads as an ASCII letter or digit, together spelled
 * as a name is (`асе` as `ace`, `ВОВ` as `BOB`).
 */
const readsAsLatin = (label: string, script: string): boolean => {
  const readings = [...label].filter((c) => scriptOf(c) === script).map((c) => READS_AS.get(c) ?? '');
  // As a name is spelled (bob, Bob, BOB): `анна` reads as `aHHa`, which reads as no one's name.
  return readings.every((r) => /^[a-z0-9]+$/i.test(r)) && /^(?:[A-Z]?[a-z0-9]*|[A-Z0-9]*)$/.test(readings.join(''));
};

/** What every look-alike finding ends with: what to do. */
const AS_ISSUED = 'write the address as the identity provider issues it';

/**
 * Why an address, as written, reads as another one in a review, or undefined: the confusables
 * UTS #39 warns of. Letters written decomposed (NFD: `e` + U+0301 for `é`), compatibility forms
 * (a fullwidth `ｂ`, a mathematical `𝐛`), a Latin letter or a character of no alphabet that reads as
 * an ASCII one (`ı`, `ʙ`, a hyphen `‐`, an apostrophe `ʼ`), a mark NFC leaves on a letter or a mark
 * on no letter, a label mixing alphabets (`bоb` with a Cyrillic `о`, `i٥` with an Arabic-Indic
 * five), or a label whose letters of another alphabet each read as Latin ones (`асе`, `山田+асе`).
 */
function lookalikeProblem(email: string): string | undefined {
  if (email !== email.normalize('NFC'))
    return 'is not written composed (Unicode NFC): the same letters have another encoding, so two addresses would look alike in a review; write it composed';
  const reads = `it reads as ${JSON.stringify(readsAs(email))} in a review`;
  const chars = [...email.replace(IDNA_MIDDLE_DOT, 'l')];
  let position = 1; // in UTF-16 units, as the other findings of this rule count
  for (const c of chars) {
    if (c.normalize('NFKC') !== c)
      return `holds ${codePoint(c)} at position ${position}, a compatibility form of ${JSON.stringify(c.normalize('NFKC'))} (Unicode NFKC): ${reads}; ${AS_ISSUED}`;
    const reading = READS_AS.get(c);
    if (reading && !OF_ANOTHER_ALPHABET.test(c))
      return `holds ${codePoint(c)} at position ${position}, which reads as ${JSON.stringify(reading)}: ${reads}; ${AS_ISSUED}`;
    position += c.length;
  }
  const mark = MARK_ON_LETTER.exec(email);
  if (mark)
    return `holds ${codePoint(mark[0])} at position ${mark.index + 1}, a mark on a letter that has no composed form: ${reads}; ${AS_ISSUED}`;
  const stray = MARK_ON_NO_LETTER.exec(email);
  if (stray)
    return `holds ${codePoint(stray[0])} at position ${stray.index + 1}, a mark on no letter: ${reads}; ${AS_ISSUED}`;
  for (const label of email.split(/[@.]/)) {
    const scripts = [...new Set([...label].map(scriptOf).filter((s) => s !== undefined))];
    const kinds = [...label].some((c) => SCRIPT_DIGIT_OR_MARK.test(c) && scriptOf(c)) ? 'letters or digits' : 'letters';
    if (scripts.length > 1)
      return `mixes ${scripts.join(' and ')} ${kinds} in ${JSON.stringify(label)}: it reads as another address in a review; write it in one script`;
    if (scripts.length === 1 && scripts[0] !== 'Latin' && readsAsLatin(label, scripts[0]!))
      return `writes ${JSON.stringify(label)} in ${scripts[0]} letters that each read as a Latin one: ${reads}; ${AS_ISSUED}`;
  }
  return undefined;
}

/**
 * Why a name compared in lower case holds an I or an l read as the other, or undefined: in the review
 * comment's font they are one shape, read by the letters around them. In a label with lower-case
 * letters an upper-case I reads as l (`aIice` reads as `alice` but is `aiice`); in a label of
 * upper-case letters a lower-case l reads as I (`ALlCE` reads as `ALICE` but is `allce`).
 */
function capitalIProblem(name: string, lowerCased: () => string, what: string): string | undefined {
  // Without an upper-case letter neither can be: every lower-case name, as nearly all are.
  if (!/[A-Z]/.test(name)) return undefined;
  let start = 0;
  for (const label of name.split(/[@.]/)) {
    const lower = /[a-km-z]/.test(label);
    const upper = /[A-HJ-Z]/.test(label);
    const [c, readAs, described] = lower
      ? (['I', 'l', 'an upper-case I'] as const)
      : (['l', 'I', 'a lower-case l among upper-case letters'] as const);
    const at = label.indexOf(c);
    if (at >= 0 && (lower || upper || label.includes('I'))) {
      const reads = name.slice(0, start) + label.replaceAll(c, readAs) + name.slice(start + label.length);
      return `holds ${described} at position ${start + at + 1}, which reads as ${readAs === 'l' ? 'a lower-case l' : 'an upper-case I'}: it reads as ${JSON.stringify(reads)} in a review, and ${lowerCased()}; write the ${what} in lower case`;
    }
    start += label.length + 1;
  }
  return undefined;
}

/** Why a GitHub login names no account, or reads as another one, or undefined. */
const githubLoginProblem = (login: string): string | undefined =>
  GITHUB_LOGIN.test(login)
    ? capitalIProblem(login, () => `GitHub reads it as the login ${login.toLowerCase()}`, 'login')
    : `is not a GitHub login (${GITHUB_LOGIN_FORM}): it names no account, so its holder's approvals would never count; write the login GitHub shows`;

/**
 * What a name may hold beside a dot and letters of other alphabets (RFC 6531): RFC 5322's atext.
 * The rest is an address's syntax, not its name: a comment `frank(ops)@` (§3.2.2, no part of the
 * address), a display name `bob<frank@acme.io>`, a list `frank,bob@`, a quoted pair `fr\ank@`.
 */
const NOT_ATEXT = /[^A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.\u0080-\u{10ffff}]/u;
/**
 * A host name's label (RFC 1123): letters, digits and hyphens, neither first nor last; a label of
 * another alphabet is judged by IDNA and the look-alike checks. An IP literal (`[10.0.0.1]`), a port,
 * an underscore or a `+` is no host name a mail system delivers to as written.
 */
const HOST_LABEL = /^(?!-)[A-Za-z0-9\u0080-\u{10ffff}-]+(?<!-)$/u;

/**
 * Why an address is not one a mail system reads as written (RFC 5322's dot-atom, at a host name),
 * or undefined: a header's parser reads `bob<frank@acme.io>` and `frank(ops)@acme.io` as
 * frank@acme.io, and no rule can say whose mailbox `frank@[10.0.0.1]` is (red team R70-1).
 */
function addressFormProblem(name: string, domain: string): string | undefined {
  const bad = NOT_ATEXT.exec(name);
  if (bad)
    return `holds ${JSON.stringify(bad[0])} at position ${bad.index + 1}, which no address's name holds (RFC 5322's atext): a mail system reads it as syntax (a comment, a display name, a list), so the address reaches another mailbox or none, and Kubernetes binds another username; ${AS_ISSUED}`;
  const labels = domain.split('.');
  // `frank@10.0.0.1` is an IP address without its brackets.
  if (!labels.every((label) => HOST_LABEL.test(label)) || hasNumericTopLevel(domain))
    return `has ${JSON.stringify(domain)} for its domain, which is no host name (letters, digits and hyphens between dots, RFC 1123, its last label not digits alone; no IP address): no one can say whose mailbox it is; ${AS_ISSUED}`;
  return undefined;
}

/**
 * Why an email would read as another address in a review, or undefined: as written, and in lower
 * case, which is the username orgctl binds (`İ` lower-cased is `i` + U+0307).
 */
function emailLookalikeProblem(email: string, username: () => string): string | undefined {
  const capital = capitalIProblem(email, () => `its username is ${username()}`, 'address');
  if (capital) return capital;
  // A trailing dot or two in a row: a domain's labels are never empty (RFC 5321), and the dots read past.
  const at = email.lastIndexOf('@');
  const labels = email.slice(at + 1).split('.');
  if (at >= 0 && labels.includes(''))
    return `has an empty label in its domain: it reads as ${JSON.stringify(`${email.slice(0, at + 1)}${labels.filter(Boolean).join('.')}`)} in a review, and no mail system issues it (RFC 5321); ${AS_ISSUED}`;
  // The local part alike (R32b-3): a dot first, last or two in a row, which RFC 5321's dot-string
  // never has, and quotes (`"bob"@acme.io` is bob@acme.io's mailbox, another Kubernetes username).
  const words = email.slice(0, at).split('.');
  if (at >= 0 && (words.includes('') || email.slice(0, at).includes('"')))
    return `has ${words.includes('') ? 'an empty part between dots' : 'quotes'} in its local part: it reads as ${JSON.stringify(
      `${words
        .map((w) => w.replaceAll('"', ''))
        .filter(Boolean)
        .join('.')}${email.slice(at)}`,
    )} in a review, and Kubernetes binds another username; ${AS_ISSUED}`;
  const idna = idnaDecoded(email);
  if (idna && 'invalid' in idna)
    return `holds ${JSON.stringify(idna.invalid)}, which is not a domain label IDNA writes: no one can read what domain it names; ${AS_ISSUED.replace('address', 'domain')}`;
  const form = at >= 0 ? addressFormProblem(email.slice(0, at), email.slice(at + 1)) : undefined;
  if (form) return form;
  if (idna) {
    // Decoded, as a mail client shows it: all in lower case, so the rest of the checks suffice.
    const decoded = lookalikeProblem(idna.address);
    if (decoded)
      return `writes ${JSON.stringify(idna.label)}, the ASCII form (IDNA) of ${JSON.stringify(idna.unicode)}: the address is ${idna.address}, which ${decoded}`;
  }
  if (isAscii(email)) return undefined; // nothing else to confuse
  const written = lookalikeProblem(email);
  if (written) return written;
  const lowerCased = email.toLowerCase();
  const lower = lowerCased === email ? undefined : lookalikeProblem(lowerCased);
  return lower && `in lower case (its username) ${lower}`;
}

/**
 * An address no check of an email can refuse: lower-case ASCII letters and digits (`_`, `+`, `-` in
 * the name), dots only between words, a host name's labels (no hyphen first, last or doubled, so no
 * `xn--`) and a top-level label of letters. Nothing in it is unsafe, invisible, upper case, quoted,
 * empty, IDNA or not ASCII: unsafeTextProblem and emailLookalikeProblem would find nothing. Asking
 * them anyway (their regular expressions, splits and slices) was most of invalid-text's 26 ms at
 * size L, 10,000 such addresses; anything else is judged in full.
 */
export const PLAIN_ADDRESS = /^[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*@(?:[a-z0-9]+(?:-[a-z0-9]+)*\.)+[a-z]+$/;

/** A GitHub login (GITHUB_LOGIN) in lower case: nothing unsafe, no I or l to confuse (loginProblem would find nothing). */
export const PLAIN_LOGIN = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,38}$/;

/** Why an email is refused, in full (PLAIN_ADDRESS need not ask): `username` made only for a finding. */
export const addressProblem = (email: string, username: () => string): string | undefined =>
  unsafeTextProblem(email) ?? emailLookalikeProblem(email, username);

/** Why a GitHub login is refused, in full (PLAIN_LOGIN need not ask). */
export const loginProblem = (login: string): string | undefined =>
  unsafeTextProblem(login) ?? githubLoginProblem(login);

/** Text made only for a finding: at size L, 100,000 grants are read. */
type Lazy = string | (() => string);

/** invalid-text's refusals into `out`: of a text's problem, of an unsafe text, of a list of rules' strings. */
function textJudge(rule: RuleId, out: Finding[]) {
  const made = (s: Lazy) => (typeof s === 'string' ? s : s());
  const refuse = (subject: Lazy, text: string, problem: string | undefined, source: Lazy) => {
    if (problem)
      out.push({
        severity: 'error',
        rule,
        subject: made(subject),
        message: `${visible(text)} ${problem}`,
        source: made(source),
      });
  };
  const check = (subject: Lazy, text: string | undefined, source: Lazy, kind: TextKind = 'line') => {
    if (text !== undefined) refuse(subject, text, unsafeTextProblem(text, kind), source);
  };
  // A rule's strings reach the review comment too (the access a change gives): the API server
  // takes any string there, but a line break or a direction override would act in the comment.
  const rules = (subject: Lazy, list: readonly PolicyRule[], source: Source) =>
    list.forEach((r, i) => {
      for (const field of POLICY_RULE_FIELDS)
        for (const text of r[field] ?? []) check(subject, text, () => at(source, `.rules[${i}].${field}`));
    });
  return { refuse, check, rules };
}

export const invalidText: OrgRule = {
  id: 'invalid-text',
  grantsWith: 'rules',
  // A grant's inline rules in the rules' one walk of the grants (runPolicies), not a walk of its own.
  grant(_model, _ctx, out) {
    const { rules } = textJudge(this.id, out);
    return (g) => {
      if (g.rules.length) rules(() => `grants/${g.user} → ${g.namespace}`, g.rules, g.source);
    };
  },
  check(model) {
    const out: Finding[] = [];
    const { refuse, check, rules } = textJudge(this.id, out);
    check('identity/usernamePrefix', model.usernamePrefix, () => sourceText(model.source));
    for (const [k, v] of Object.entries(model.argocd ?? {}))
      check(`delivery/argocd/${k}`, v as string, () => sourceText(model.source));
    // A reason lifts a policy: the reviewer must read what it says.
    for (const s of model.safeCustomResources ?? [])
      check(`safeCustomResources/${s.group}`, s.reason, () => sourceText(model.source));
    // One finding a name: an invisible character first (a Hangul filler is a compatibility form too).
    const email = (subject: Lazy, text: string, source: Lazy) => {
      if (!PLAIN_ADDRESS.test(text))
        refuse(
          subject,
          text,
          addressProblem(text, () => usernameOf(model, text.toLowerCase())),
          source,
        );
    };
    for (const u of model.users) {
      email(
        () => `users/${u.key}`,
        u.email,
        () => at(u.source, '.email'),
      );
      if (u.github !== undefined && !PLAIN_LOGIN.test(u.github))
        refuse(
          () => `users/${u.key}`,
          u.github,
          loginProblem(u.github),
          () => at(u.source, '.github'),
        );
    }
    for (const i of model.invites)
      email(
        () => `invites/${i.key}`,
        i.email,
        () => at(i.source, '.email'),
      );
    for (const t of model.tokens) {
      check(`tokens/${t.id}`, t.name, () => at(t.source, '.name'));
      check(`tokens/${t.id}`, t.note, () => at(t.source, '.note'), 'note');
    }
    // A namespace's annotations are shown to the reviewer (a guard rail), and read by tools (R64-3).
    for (const n of model.namespaces)
      for (const [key, value] of Object.entries(n.settings?.annotations ?? {}))
        check(`namespaces/${n.name}`, value, () => at(n.source, `.annotations.${key}`), 'annotation');
    for (const r of model.customRoles) rules(`customRoles/${r.name}`, r.rules, r.source);
    for (const t of model.tokens) for (const b of t.rbac) rules(`tokens/${t.id} → ${b.namespace}`, b.rules, b.source);
    return out;
  },
};
