import type { Membership } from '../../analysis/membership.ts';
import { codePoint } from '../../model/text.ts';
import { idnaDecoded, skeletonOf } from '../org/lookalikes.ts';
import { earlierSides, secondAdmin, type ChangeRule, type RuleResult } from './context.ts';

/** A name as compared (`key`: a lower-cased email or GitHub login) and whose it is. */
interface Named {
  readonly key: string;
  readonly name: string;
  /** The user's or invitee's email: the message says `user bob@acme.io`, `the GitHub login of ...`. */
  readonly of: string;
  readonly kind: 'user' | 'invitee' | 'login';
}

/** Emails are kept lower-cased (the membership's keys): only logins are lower-cased here. */
const addressesOf = (m: Membership): Named[] => [
  ...[...m.users.keys()].map((e): Named => ({ key: e, name: e, of: e, kind: 'user' })),
  ...[...m.invites.keys()].map((e): Named => ({ key: e, name: e, of: e, kind: 'invitee' })),
];
const loginsOf = (m: Membership): Named[] =>
  [...m.users.values()].flatMap((u): Named[] =>
    u.github ? [{ key: u.github.toLowerCase(), name: u.github, of: u.email, kind: 'login' }] : [],
  );
/** The keys alone, for the usual change that brings no name in. */
const addressKeys = (m: Membership): string[] => [...m.users.keys(), ...m.invites.keys()];
const loginKeys = (m: Membership): string[] => {
  const out: string[] = [];
  for (const u of m.users.values()) if (u.github) out.push(u.github.toLowerCase());
  return out;
};
/**
 * Whether each name of head's is one of an earlier side's, found by a lookup where it mostly is:
 * an address among the side's own, a login as the same user's there. False leaves it to the sets
 * of every key (a login moved to another user, or new).
 */
const addressesKnown = (head: Membership, earlier: readonly Membership[]): boolean => {
  for (const keys of [head.users.keys(), head.invites.keys()])
    for (const email of keys) {
      let known = false;
      for (const m of earlier) if ((known = m.users.has(email) || m.invites.has(email))) break;
      if (!known) return false;
    }
  return true;
};
const loginsKnown = (head: Membership, earlier: readonly Membership[]): boolean => {
  for (const u of head.users.values()) {
    const login = u.github;
    if (!login) continue;
    let known = false;
    for (const m of earlier) {
      const was = m.users.get(u.email)?.github;
      if ((known = was !== undefined && (was === login || was.toLowerCase() === login.toLowerCase()))) break;
    }
    if (!known) return false;
  }
  return true;
};
const whose = (n: Named): string => (n.kind === 'login' ? `the GitHub login of ${n.of}` : `${n.kind} ${n.of}`);

/**
 * A name as a reviewer must read it: a domain in IDNA's ASCII form decoded, and each character
 * outside ASCII named (`bob@acmẹ.io (U+1EB9)`, `bob@xn--acm-ljz.io (bob@acmẹ.io in IDNA, U+1EB9)`).
 */
const spelled = (name: string): string => {
  const decoded = idnaDecoded(name);
  const shown = decoded && 'address' in decoded ? decoded.address : name;
  const foreign = [...new Set([...shown].filter((c) => c > '\x7f'))].map(codePoint);
  const notes = shown === name ? foreign : [`${shown} in IDNA`, ...foreign];
  return notes.length ? `${name} (${notes.join(', ')})` : name;
};

/**
 * A name head brings in that reads as another, of head or of an earlier side (base, the rolling
 * window's older output): the reviewer reads one person where Kubernetes binds, or GitHub counts
 * the approvals of, another. `bob@acme.io` removed and `bob@acrne.io` (or `bob@acmẹ.io`) added read
 * as a no-op; `a1ice` as alice's login counts a1ice's approvals as hers. Real names read alike too
 * (`dara` and `clara`), so an admin who is not an author decides, reading each spelled out.
 */
export const lookalikeIdentity: ChangeRule = {
  id: 'lookalike-identity',
  check(input) {
    const alike: string[] = [];
    const earlier = earlierSides(input);
    const earlierNames = earlier.map(({ side }) => side);
    for (const [what, keysOf, namesOf, allKnown] of [
      ['addresses', addressKeys, addressesOf, addressesKnown],
      ['GitHub logins', loginKeys, loginsOf, loginsKnown],
    ] as const) {
      // Most changes bring no name in: then nothing more is worked out (a review at size L reads 20,000 names).
      if (allKnown(input.head, earlierNames)) continue;
      const known = new Set<string>();
      for (const { side } of earlier) for (const key of keysOf(side)) known.add(key);
      if (keysOf(input.head).every((key) => known.has(key))) continue;
      const head = namesOf(input.head);
      const sides = earlier.map(({ label, side }) => ({ label, names: namesOf(side) }));
      const added = head.filter((n) => !known.has(n.key));
      // The groups of the new names' skeletons; any other name joins one only if its skeleton is one
      // of them, which an ASCII name's first letter mostly rules out without working it out.
      const groups = new Map<string, (Named & { readonly where: string })[]>();
      for (const n of added) {
        const skeleton = skeletonOf(n.name);
        const group = groups.get(skeleton);
        // One name once, whoever holds it (an address both a user's and an invitee's).
        if (!group) groups.set(skeleton, [{ ...n, where: 'new in head' }]);
        else if (!group.some((o) => o.key === n.key)) group.push({ ...n, where: 'new in head' });
      }
      const firsts = new Set([...groups.keys()].map((k) => k[0]));
      const join = (n: Named, where: string) => {
        if (n.name.charCodeAt(0) < 0x80 && !firsts.has(skeletonOf(n.name[0]!)[0])) return;
        const group = groups.get(skeletonOf(n.name));
        if (group && !group.some((o) => o.key === n.key)) group.push({ ...n, where });
      };
      for (const n of head) if (known.has(n.key)) join(n, 'in head');
      const inHead = new Set(head.map((n) => n.key));
      for (const { label, names } of sides)
        for (const n of names) if (!inHead.has(n.key)) join(n, `in ${label}, gone from head`);
      // One line a group of more than one name, the new ones first (as they were placed).
      for (const group of groups.values())
        if (group.length > 1)
          alike.push(
            `the ${what} ${group.map((n) => `${spelled(n.name)} (${whose(n)}, ${n.where})`).join(', ')} read as one`,
          );
    }
    if (!alike.length)
      return [{ rule: this.id, ok: true, message: 'no address or GitHub login new in head reads as another' }];
    const second = secondAdmin(input);
    const said = alike.join('; ');
    return [
      {
        rule: this.id,
        ok: second.ok,
        message: second.ok
          ? `${said}; ${second.approved}`
          : `${said}: a reviewer reads one name where Kubernetes binds, or GitHub counts the approvals of, another; an admin who is not an author must approve the head commit, having read each name as spelled here${second.note}`,
      } satisfies RuleResult,
    ];
  },
};
