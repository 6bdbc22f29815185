import type { Membership } from '../../analysis/membership.ts';
import { codePoint } from '../../model/text.ts';
import { skeletonOf } from '../org/lookalikes.ts';
import { earlierSides, secondAdmin, type ChangeRule, type RuleResult } from './context.ts';

interface Named {
  /** The name as compared: a lower-cased email, a GitHub login. */
  readonly name: string;
  /** Who holds it, for the message: `user bob@acme.io`, `the GitHub login of bob@acme.io`. */
  readonly who: string;
}

const addressesOf = (m: Membership): Named[] => [
  ...[...m.users.values()].map((u) => ({ name: u.email, who: `user ${u.email}` })),
  ...[...m.invites.values()].map((i) => ({ name: i.email, who: `invitee ${i.email}` })),
];
const loginsOf = (m: Membership): Named[] =>
  [...m.users.values()].flatMap((u) => (u.github ? [{ name: u.github, who: `the GitHub login of ${u.email}` }] : []));
const addressNames = (m: Membership): string[] => [...m.users.keys(), ...m.invites.keys()];
const loginNames = (m: Membership): string[] => [...m.users.values()].flatMap((u) => (u.github ? [u.github] : []));

/** A name as a reviewer must read it: each character outside ASCII named (`bob@acmẹ.io (U+1EB9)`). */
const spelled = (name: string): string => {
  const foreign = [...name].filter((c) => c > '\x7f');
  return foreign.length ? `${name} (${[...new Set(foreign)].map(codePoint).join(', ')})` : name;
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
    for (const [what, namesOf, named] of [
      ['addresses', addressNames, addressesOf],
      ['GitHub logins', loginNames, loginsOf],
    ] as const) {
      // Most changes bring no name in: then nothing more is worked out (a review at size L reads 20,000).
      const known = new Set(earlier.flatMap(({ side }) => namesOf(side).map((n) => n.toLowerCase())));
      if (namesOf(input.head).every((n) => known.has(n.toLowerCase()))) continue;
      const inHead = new Set(namesOf(input.head).map((n) => n.toLowerCase()));
      const bySkeleton = new Map<string, (Named & { readonly where: string })[]>();
      const place = (n: Named, where: string) => {
        const skeleton = skeletonOf(n.name);
        const group = bySkeleton.get(skeleton);
        if (!group) bySkeleton.set(skeleton, [{ ...n, where }]);
        else if (!group.some((o) => o.name.toLowerCase() === n.name.toLowerCase())) group.push({ ...n, where });
      };
      for (const n of named(input.head)) place(n, known.has(n.name.toLowerCase()) ? 'in head' : 'new in head');
      for (const { label, side } of earlier)
        for (const n of named(side)) if (!inHead.has(n.name.toLowerCase())) place(n, `in ${label}, gone from head`);
      // One line a group that holds a new name, naming every name in it, the new ones first.
      const isNew = (n: { readonly where: string }) => n.where === 'new in head';
      for (const group of bySkeleton.values())
        if (group.length > 1 && group.some(isNew)) {
          const names = [...group.filter(isNew), ...group.filter((n) => !isNew(n))];
          alike.push(
            `the ${what} ${names.map((n) => `${spelled(n.name)} (${n.who}, ${n.where})`).join(', ')} read as one`,
          );
        }
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
