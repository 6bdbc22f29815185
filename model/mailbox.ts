/**
 * Which mailbox an address reaches, and why two addresses reach one: a fact of mail delivery, not
 * of any rule. An invitation sent to an address is accepted by that mailbox's owner, who then holds
 * what it gives under a second username (red team R62-1), so the change rules read one person per
 * mailbox (policies/change/context.ts).
 */

import { domainToUnicode } from 'node:url';

/**
 * Domains whose mail Gmail delivers, each to the domain Gmail reads it as: it reads
 * `googlemail.com` as `gmail.com` and ignores dots in a name, so `f.rank@googlemail.com` is
 * `frank@gmail.com`'s mailbox (a social login's address).
 */
const GMAIL: ReadonlyMap<string, string> = new Map([
  ['gmail.com', 'gmail.com'],
  ['googlemail.com', 'gmail.com'],
]);

/** Where an address's name ends and its domain starts, or undefined for no address (a forged dist/'s). */
function partsOf(email: string): { readonly name: string; readonly tag: boolean; readonly domain: string } | undefined {
  const at = email.lastIndexOf('@');
  if (at < 1) return undefined;
  const plus = email.indexOf('+');
  const tag = plus > 0 && plus < at;
  return { name: email.slice(0, tag ? plus : at), tag, domain: domainOf(email.slice(at + 1)) };
}

/**
 * A domain as mail delivery reads it: one written in IDNA's ASCII form is the domain it decodes to
 * (`xn--bcher-kva.de` is `bücher.de`, RFC 5891), so both spellings reach one mailbox (red team
 * R66-1). A domain that decodes to nothing stays as written.
 */
const domainOf = (domain: string): string => domainToUnicode(domain) || domain;

/** Whether a domain is written in IDNA's ASCII form: `domainOf` reads it as another spelling. */
const isAsciiForm = (domain: string): boolean => domainOf(domain) !== domain;

/**
 * The mailbox a (lower-cased) address reaches: a subaddress (RFC 5233, `frank+ops@acme.io`) is
 * delivered to its base mailbox (`frank@acme.io`) by Google Workspace, Microsoft 365 and most
 * providers, a domain in IDNA's ASCII form is the domain it decodes to (domainOf), and Gmail reads
 * no dots (GMAIL). An address without an @ is its own mailbox.
 */
export function mailboxOf(email: string): string {
  const parts = partsOf(email);
  if (!parts) return email;
  const gmail = GMAIL.get(parts.domain);
  return gmail === undefined ? `${parts.name}@${parts.domain}` : `${parts.name.replaceAll('.', '')}@${gmail}`;
}

/**
 * Why `a` and `b`, of one mailbox (mailboxOf), are: a message's parenthesis. A subaddress, a
 * domain's IDNA spelling, Gmail's reading, or several (`f.rank+x@googlemail.com` and
 * `frank@gmail.com`).
 */
export function oneMailboxWhy(a: string, b: string): string {
  const [pa, pb] = [partsOf(a), partsOf(b)];
  const why: string[] = [];
  if (pa?.tag || pb?.tag) why.push('a subaddress name+tag@ is delivered to name@');
  const domains = [a, b].map((email) => email.slice(email.lastIndexOf('@') + 1));
  if (pa && pb && domains[0] !== domains[1] && domains.some(isAsciiForm))
    why.push("a domain in IDNA's ASCII form is the domain it decodes to");
  // One mailbox, so at Gmail both or neither: its reading is why when more than a tag differs.
  if (pa && pb && GMAIL.has(pa.domain) && (pa.name !== pb.name || pa.domain !== pb.domain))
    why.push('Gmail reads no dots in a name, and googlemail.com as gmail.com');
  return why.join('; ');
}
