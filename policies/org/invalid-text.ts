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

const SCRIPTS = ['Latin', 'Cyrillic', 'Greek'] as const;
const SCRIPT_LETTER = Object.fromEntries(SCRIPTS.map((s) => [s, new RegExp(`\\p{Script=${s}}`, 'u')]));

/**
 * Why an email would read as another address in a review, or undefined: letters written
 * decomposed (NFD: `e` + U+0301 for `é`, which NFC writes as one letter), or a label mixing Latin,
 * Cyrillic and Greek letters (`bоb` with a Cyrillic `о`), the confusables UTS #39 warns of.
 */
function emailLookalikeProblem(email: string): string | undefined {
  if (/^[\x00-\x7f]*$/.test(email)) return undefined; // ASCII: nothing to confuse
  if (email !== email.normalize('NFC'))
    return 'is not written composed (Unicode NFC): the same letters have another encoding, so two addresses would look alike in a review; write it composed';
  for (const label of email.split(/[@.]/)) {
    const scripts = SCRIPTS.filter((s) => [...label].some((c) => SCRIPT_LETTER[s]!.test(c)));
    if (scripts.length > 1)
      return `mixes ${scripts.join(' and ')} letters in ${JSON.stringify(label)}: it reads as another address in a review; write it in one script`;
  }
  return undefined;
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
