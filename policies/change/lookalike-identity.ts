import type { Membership } from '../../analysis/snapshot.ts';
import { READS_AS } from '../org/lookalikes.ts';
import { earlierSides, type ChangeRule, type RuleResult } from './context.ts';

/**
 * ASCII that reads as other ASCII, several letters for one or a digit for a letter (UTS #39's
 * confusables): what invalid-text cannot refuse in one name, since `arnold` and `b0b` are names of
 * their own. Each is written as the longer reading, so both spellings meet.
 */
const ASCII_READINGS: readonly (readonly [RegExp, string])[] = [
  [/m/g, 'rn'],
  [/w/g, 'vv'],
  [/d/g, 'cl'],
  [/0/g, 'o'],
  [/[1|]/g, 'l'],
];

/**
 * What a name reads as, in lower case (emails and GitHub logins compare so): each character as
 * the ASCII it reads as (lookalikes.ts), then ASCII look-alikes spelled one way. Two names of one
 * reading read as one name in a review.
 */
export function readingOf(name: string): string {
  let out = '';
  for (const c of name.normalize('NFKC').toLowerCase()) out += READS_AS.get(c) ?? c;
  for (const [from, to] of ASCII_READINGS) out = out.replace(from, to);
  return out;
}

interface Named {
  /** The name as compared: a lower-cased email, a GitHub login. */
  readonly name: string;
  /** Who holds it, for the message: `users/bob@acme.io`. */
  readonly who: string;
}

const addressesOf = (m: Membership): Named[] => [
  ...[...m.users.values()].map((u) => ({ name: u.email, who: `user ${u.email}` })),
  ...[...m.invites.values()].map((i) => ({ name: i.email, who: `invitee ${i.email}` })),
];
const loginsOf = (m: Membership): Named[] =>
  [...m.users.values()].flatMap((u) =>
    u.github ? [{ name: u.github.toLowerCase(), who: `the GitHub login of ${u.email}` }] : [],
  );

/**
 * A name head brings in that reads as another name, of head or of an earlier side (base, the
 * rolling window's older output), which is not the same name: the reviewer reads one person where
 * Kubernetes binds, or GitHub counts the approvals of, another. `bob@acme.io` removed and
 * `bob@acrne.io` added read as a no-op; `a1ice` as alice's login counts a1ice's approvals as hers.
 */
export const lookalikeIdentity: ChangeRule = {
  id: 'lookalike-identity',
  check(input) {
    const out: RuleResult[] = [];
    const earlier = earlierSides(input);
    for (const [what, namesOf] of [
      ['address', addressesOf],
      ['GitHub login', loginsOf],
    ] as const) {
      const head = namesOf(input.head);
      const inHead = new Set(head.map((n) => n.name));
      const known = new Set(earlier.flatMap(({ side }) => namesOf(side).map((n) => n.name)));
      // Most changes bring no name in: then no reading is worked out (a review at size L reads 20,000).
      if (head.every((n) => known.has(n.name))) continue;
      // Each name's reading worked out once: a first review of 10,000 people adds them all.
      const byReading = new Map<string, (Named & { readonly where: string })[]>();
      const place = (n: Named, where: string) => {
        const reading = readingOf(n.name);
        const list = byReading.get(reading);
        if (!list) byReading.set(reading, [{ ...n, where }]);
        else if (!list.some((o) => o.name === n.name)) list.push({ ...n, where });
      };
      for (const n of head) place(n, 'in head');
      for (const { label, side } of earlier)
        for (const n of namesOf(side)) place(n, inHead.has(n.name) ? `in ${label}` : `in ${label}, gone from head`);
      const said = new Set<string>();
      for (const added of head) {
        if (known.has(added.name)) continue;
        const alike = byReading.get(readingOf(added.name))!.find((o) => o.name !== added.name);
        // Two names both new in head: said once.
        if (!alike || said.has(alike.name)) continue;
        said.add(added.name);
        out.push({
          rule: this.id,
          ok: false,
          message: `the ${what} ${added.name} (${added.who}), new in head, reads as ${alike.name} (${alike.who}, ${alike.where}): a reviewer reads one name where ${what === 'address' ? 'Kubernetes binds two identities' : 'GitHub counts the approvals of two accounts'}; write the ${what} exactly as the person's own, or, for another person, one that does not read as it`,
        });
      }
    }
    return out.length
      ? out
      : [{ rule: this.id, ok: true, message: 'no address or GitHub login new in head reads as another' }];
  },
};
