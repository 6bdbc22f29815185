/**
 * Which mailbox an address reaches, and why two addresses reach one: a fact of mail delivery, not
 * of any rule. An invitation sent to an address is accepted by that mailbox's owner, who then holds
 * what it gives under a second username (red team R62-1), so the change rules read one person per
 * mailbox (policies/change/context.ts).
 */

import { domainToUnicode } from 'node:url';

/**
 * How a provider reads the names of its domains, beyond a subaddress (mailboxOf): a name on any of
 * its `domains` is one account's, each read as the first, and `unread` are characters it reads no
 * name with. Gmail reads `googlemail.com` as `gmail.com` and no dots in a name, so
 * `f.rank@googlemail.com` is `frank@gmail.com`'s mailbox (a social login's address); Proton
 * reserves a name on proton.me, protonmail.com, protonmail.ch and pm.me for one account (red team
 * R70-2), and reads no dots, hyphens or underscores in it (`f.rank@pm.me` and `f_rank@proton.me`
 * are frank@proton.me's: red team R75-1); iCloud gives an account its name on icloud.com, me.com
 * and mac.com, and Yandex on yandex.ru, yandex.com, ya.ru, yandex.by, yandex.kz and yandex.ua
 * (R75-4). Not Outlook's outlook.com, hotmail.com and live.com: each hands a name out apart.
 * Fastmail delivers `x@frank.fastmail.com` to frank@fastmail.com (subdomain addressing, "the same
 * as plus addressing": Fastmail's help; red team R78-2), on each of its domains apart.
 */
interface MailHost {
  readonly provider: string;
  readonly domains: readonly string[];
  readonly unread?: { readonly chars: RegExp; readonly what: string };
  /** Why, said as one phrase for both readings (its domains and `unread`): else each is said apart. */
  readonly said?: string;
  /** Subdomain addressing: `tag@name.domain` is delivered to name@domain, as a subaddress is. */
  readonly subdomains?: boolean;
}

const PROVIDERS: readonly MailHost[] = [
  {
    provider: 'Gmail',
    domains: ['gmail.com', 'googlemail.com'],
    unread: { chars: /\./g, what: 'dots' },
    said: 'Gmail reads no dots in a name, and googlemail.com as gmail.com',
  },
  {
    provider: 'Proton',
    domains: ['proton.me', 'protonmail.com', 'protonmail.ch', 'pm.me'],
    unread: { chars: /[._-]/g, what: 'dots, hyphens or underscores' },
  },
  { provider: 'iCloud', domains: ['icloud.com', 'me.com', 'mac.com'] },
  { provider: 'Yandex', domains: ['yandex.ru', 'yandex.com', 'ya.ru', 'yandex.by', 'yandex.kz', 'yandex.ua'] },
  // Its fastmail.* domains (its other ones, sent.com and the like, are not listed here): a name on
  // each is its own account's, so each is a host of its own.
  ...[
    'com',
    'fm',
    'cn',
    'co.uk',
    'com.au',
    'de',
    'es',
    'fr',
    'im',
    'in',
    'jp',
    'mx',
    'net',
    'nl',
    'org',
    'se',
    'to',
    'tw',
    'uk',
    'us',
  ].map((tld) => ({ provider: 'Fastmail', domains: [`fastmail.${tld}`], subdomains: true })),
];

/** Each provider's domain to the provider (PROVIDERS). */
const HOSTS: ReadonlyMap<string, MailHost> = new Map(PROVIDERS.flatMap((p) => p.domains.map((d) => [d, p])));

/**
 * The address a routed one is sent on to, or undefined: `name%domain@relay` (the percent hack) and
 * `domain!name@relay` (a UUCP bang path) are delivered to name@domain, as Postfix rewrites both by
 * default (allow_percent_hack, swap_bangpath) and other relays may (red team R70-2).
 */
function routedTo(email: string): string | undefined {
  const name = email.slice(0, Math.max(email.lastIndexOf('@'), 0));
  const percent = name.lastIndexOf('%');
  if (percent > 0 && percent < name.length - 1) return `${name.slice(0, percent)}@${name.slice(percent + 1)}`;
  const bang = name.indexOf('!');
  return bang > 0 && bang < name.length - 1 ? `${name.slice(bang + 1)}@${name.slice(0, bang)}` : undefined;
}

/** The address a message to `email` is delivered to: each hop of a routed one followed (routedTo). */
function deliveredTo(email: string): string {
  // Each hop drops a `%` or `!`: it ends.
  for (let routed = routedTo(email); routed; routed = routedTo(email)) email = routed;
  return email;
}

/**
 * Where an address's name ends and its domain starts, or undefined for no address (a forged
 * dist/'s): `tag`, a subaddress `name+tag@` is read as name@; `subdomain`, a provider's subdomain
 * addressing `tag@name.domain` is read as name@domain (its whole name the tag).
 */
function partsOf(
  email: string,
): { readonly name: string; readonly tag: boolean; readonly subdomain: boolean; readonly domain: string } | undefined {
  const at = email.lastIndexOf('@');
  if (at < 1) return undefined;
  const domain = domainOf(email.slice(at + 1));
  const dot = domain.indexOf('.');
  if (dot > 0 && !HOSTS.has(domain) && HOSTS.get(domain.slice(dot + 1))?.subdomains)
    return { name: domain.slice(0, dot), tag: false, subdomain: true, domain: domain.slice(dot + 1) };
  const plus = email.indexOf('+');
  const tag = plus > 0 && plus < at;
  return { name: email.slice(0, tag ? plus : at), tag, subdomain: false, domain };
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
 * providers, a domain in IDNA's ASCII form is the domain it decodes to (domainOf), a provider's
 * domains for one account are one, Gmail reads no dots, Proton no dots, hyphens or underscores,
 * and Fastmail's `x@frank.fastmail.com` is frank's subaddress (PROVIDERS), and a routed address is
 * the one it is sent on to (deliveredTo). An address without an @ is its own mailbox.
 */
export function mailboxOf(email: string): string {
  const sent = deliveredTo(email);
  const parts = partsOf(sent);
  if (!parts) return sent;
  const host = HOSTS.get(parts.domain);
  if (!host) return `${parts.name}@${parts.domain}`;
  return `${host.unread ? parts.name.replace(host.unread.chars, '') : parts.name}@${host.domains[0]}`;
}

/**
 * Why `a` and `b`, of one mailbox (mailboxOf), are: a message's parenthesis. A routing, a
 * subaddress or a provider's subdomain addressing, a domain's IDNA spelling, Gmail's reading, a
 * provider's domains for one account, or several (`f.rank+x@googlemail.com` and `frank@gmail.com`).
 */
export function oneMailboxWhy(a: string, b: string): string {
  // What makes the addresses they are delivered to one mailbox: a routed one is sent on, every hop (deliveredTo).
  const sent = [a, b].map(deliveredTo);
  const [pa, pb] = sent.map(partsOf);
  const why: string[] = [];
  if (sent[0] !== a || sent[1] !== b)
    why.push('a routed address name%domain@ or domain!name@ is delivered to name@domain');
  if (pa?.tag || pb?.tag) why.push('a subaddress name+tag@ is delivered to name@');
  const subdomain = [pa, pb].find((p) => p?.subdomain);
  if (subdomain) why.push(`${HOSTS.get(subdomain.domain)!.provider} delivers tag@name.domain to name@domain`);
  const domains = sent.map((email) => email.slice(email.lastIndexOf('@') + 1));
  if (pa && pb && domains[0] !== domains[1] && domains.some(isAsciiForm))
    why.push("a domain in IDNA's ASCII form is the domain it decodes to");
  // One mailbox, so at a provider both or neither: its reading is why when more than a tag differs.
  const host = pa && pb ? HOSTS.get(pa.domain) : undefined;
  const readings = [
    ...(host?.unread && pa!.name !== pb!.name ? [`${host.provider} reads no ${host.unread.what} in a name`] : []),
    ...(host && pa!.domain !== pb!.domain ? [`${host.provider} gives an account its name on each of its domains`] : []),
  ];
  if (readings.length) why.push(...(host!.said ? [host!.said] : readings));
  return why.join('; ');
}
