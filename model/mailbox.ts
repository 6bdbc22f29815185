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
  /** What splits a subaddress from a name beside `+` (`-`: `mary-jane@` is mary's). */
  readonly separators?: readonly string[];
  /** Where it is declared, said after each of its readings; absent for a provider's, built in. */
  readonly declaredIn?: string;
}

/**
 * A group of the organization's own mail domains (`identity.mailDomains`), which no rule can know
 * of a domain of one's own (red team R78-1): `domains` reach one set of mailboxes (acme.io and
 * acme.com aliases of each other), their mail server splits a subaddress on each of
 * `subaddressSeparators` as well as `+` (qmail's `-`, Postfix's recipient_delimiter), and with
 * `subdomainAddressing` (a domain hosted at Fastmail) `tag@name.domain` is name@domain's.
 */
export interface MailDomain {
  readonly domains: readonly string[];
  readonly subaddressSeparators?: readonly string[];
  readonly subdomainAddressing?: boolean;
}

/** Where MailDomain is declared, as its readings say it. */
const MAIL_DOMAINS = 'identity.mailDomains';

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

/** Each domain of `hosts` to its host. */
const byDomain = (hosts: readonly MailHost[]): Map<string, MailHost> =>
  new Map(hosts.flatMap((h) => h.domains.map((d) => [d, h])));

/** Each provider's domain to the provider (PROVIDERS). */
const HOSTS: ReadonlyMap<string, MailHost> = byDomain(PROVIDERS);

/**
 * Whether a domain's last label is digits alone, which no host name's is (RFC 3696 §2: a top-level
 * domain is never all-numeric): `10.0.0.1` is an IP address, no mail domain.
 */
export const hasNumericTopLevel = (domain: string): boolean => /^[0-9]+$/.test(domain.split('.').at(-1)!);

/** Whether a domain's mail is a provider's, read as built in: the organization declares none of them. */
export const isProviderDomain = (domain: string): boolean => HOSTS.has(domainOf(domain));

/** The hosts of each organization's declaration, made once: every address of a review is read by them. */
const declaredHosts = new WeakMap<readonly MailDomain[], ReadonlyMap<string, MailHost>>();

/** The providers' hosts, and the organization's own mail domains (`declared`, its base's) beside them. */
function hostsOf(declared: readonly MailDomain[] | undefined): ReadonlyMap<string, MailHost> {
  if (!declared?.length) return HOSTS;
  let hosts = declaredHosts.get(declared);
  if (!hosts) {
    const own = declared.map(
      (m): MailHost => ({
        provider: "the organization's mail",
        domains: m.domains.map(domainOf),
        ...(m.subdomainAddressing ? { subdomains: true } : {}),
        ...(m.subaddressSeparators?.length ? { separators: m.subaddressSeparators } : {}),
        declaredIn: MAIL_DOMAINS,
      }),
    );
    hosts = new Map([...HOSTS, ...byDomain(own)]);
    declaredHosts.set(declared, hosts);
  }
  return hosts;
}

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
 * The domain above `domain` (at any depth) whose subdomains a provider or the organization
 * (`declared`) reads as subdomain addressing, if any: a domain below it names a mailbox of that
 * domain, never a domain of its own (red team R78-3).
 */
export function addressingAbove(domain: string, declared?: readonly MailDomain[]): string | undefined {
  const hosts = hostsOf(declared);
  const labels = domainOf(domain).split('.');
  for (let i = 1; i < labels.length - 1; i++) {
    const parent = labels.slice(i).join('.');
    if (hosts.get(parent)?.subdomains) return parent;
  }
  return undefined;
}

/** An address read by its host: its name, and its host's domain. */
interface Parts {
  readonly name: string;
  /** What split a subaddress `name+tag@` off its name (`+`, or a host's separator), if one did. */
  readonly tag?: string;
  /** Read by subdomain addressing, `tag@name.domain` as name@domain (its whole name the tag). */
  readonly subdomain: boolean;
  readonly domain: string;
  readonly host?: MailHost;
}

/** Where the first of `+` and `separators` is in `local` (each UTF-16 unit read alone), or -1. */
function separatorAt(local: string, separators: readonly string[] | undefined): number {
  for (let i = 0; i < local.length; i++) {
    const c = local[i]!;
    if (c === '+' || separators?.includes(c)) return i;
  }
  return -1;
}

/**
 * The host whose subdomain addressing reads `domain` (`frank.fastmail.com`: Fastmail's), or
 * undefined: a domain that is a host's own is read as that host's, not as a subdomain.
 */
function subdomainHostOf(domain: string, hosts: ReadonlyMap<string, MailHost>): MailHost | undefined {
  const dot = domain.indexOf('.');
  const parent = hosts.has(domain) || dot < 1 ? undefined : hosts.get(domain.slice(dot + 1));
  return parent?.subdomains ? parent : undefined;
}

/** Where an address's name ends and its domain starts, by `hosts`, or undefined for no address (a forged dist/'s). */
function partsOf(email: string, hosts: ReadonlyMap<string, MailHost>): Parts | undefined {
  const at = email.lastIndexOf('@');
  if (at < 1) return undefined;
  const domain = domainOf(email.slice(at + 1));
  const parent = subdomainHostOf(domain, hosts);
  if (parent) {
    const dot = domain.indexOf('.');
    return { name: domain.slice(0, dot), subdomain: true, domain: domain.slice(dot + 1), host: parent };
  }
  const host = hosts.get(domain);
  // The first separator in the name splits it (Postfix's recipient_delimiter); one first is part of the name.
  const local = email.slice(0, at);
  const split = separatorAt(local, host?.separators);
  const tag = split > 0 ? local[split] : undefined;
  return { name: tag ? local.slice(0, split) : local, ...(tag ? { tag } : {}), subdomain: false, domain, host };
}

/**
 * Each domain as domainOf read it, once a process: a review reads 20,000 addresses on a few domains,
 * and domainToUnicode costs about as much as the rest of mailboxOf. Bounded, as plainDomains' answers
 * for each set of hosts: a forged input of many made-up domains is read without keeping them.
 */
const domainsRead = new Map<string, string>();
const DOMAINS_READ_MAX = 1024;

/**
 * A domain as mail delivery reads it: one written in IDNA's ASCII form is the domain it decodes to
 * (`xn--bcher-kva.de` is `bücher.de`, RFC 5891), so both spellings reach one mailbox (red team
 * R66-1). A domain that decodes to nothing stays as written.
 */
function domainOf(domain: string): string {
  let read = domainsRead.get(domain);
  if (read === undefined) {
    read = domainToUnicode(domain) || domain;
    if (domainsRead.size < DOMAINS_READ_MAX) domainsRead.set(domain, read);
  }
  return read;
}

/** Whether a domain is written in IDNA's ASCII form: `domainOf` reads it as another spelling. */
const isAsciiForm = (domain: string): boolean => domainOf(domain) !== domain;

/**
 * Whether `email` is its own mailbox, read without taking it apart: nothing routes it (no `%` or
 * `!`), no `+` after its first character splits a subaddress off, and its domain is plain
 * (plainDomain). Most addresses of an organization are (a review reads 20,000); any other is read
 * in full by mailboxOf, which gives the same answer for these.
 */
function isOwnMailbox(email: string, hosts: ReadonlyMap<string, MailHost>): boolean {
  const at = email.lastIndexOf('@');
  if (at < 1) return false;
  for (let i = 0; i < at; i++) {
    const c = email.charCodeAt(i);
    // `%`, `!`, and `+` (a `+` first is part of the name: partsOf).
    if (c === 0x25 || c === 0x21 || (c === 0x2b && i > 0)) return false;
  }
  return plainDomain(email.slice(at + 1), hosts);
}

/**
 * Whether a domain is read as written by `hosts`: no IDNA ASCII form (domainOf), no host of it (a
 * provider's or the organization's, which may read its names or split them on other separators),
 * and no subdomain addressing above it. Each domain worked out once for each set of hosts.
 */
function plainDomain(domain: string, hosts: ReadonlyMap<string, MailHost>): boolean {
  let plain = plainDomains.get(hosts);
  if (!plain) plainDomains.set(hosts, (plain = new Map()));
  let is = plain.get(domain);
  if (is === undefined) {
    is = !isAsciiForm(domain) && !hosts.has(domain) && !subdomainHostOf(domain, hosts);
    if (plain.size < DOMAINS_READ_MAX) plain.set(domain, is);
  }
  return is;
}

/** Each set of hosts' plainDomain answers. */
const plainDomains = new WeakMap<ReadonlyMap<string, MailHost>, Map<string, boolean>>();

/**
 * The mailbox a (lower-cased) address reaches: a subaddress (RFC 5233, `frank+ops@acme.io`) is
 * delivered to its base mailbox (`frank@acme.io`) by Google Workspace, Microsoft 365 and most
 * providers, a domain in IDNA's ASCII form is the domain it decodes to (domainOf), a provider's
 * domains for one account are one, Gmail reads no dots, Proton no dots, hyphens or underscores,
 * and Fastmail's `x@frank.fastmail.com` is frank's subaddress (PROVIDERS), and a routed address is
 * the one it is sent on to (deliveredTo). An address without an @ is its own mailbox.
 */
export function mailboxOf(email: string, declared?: readonly MailDomain[]): string {
  const hosts = hostsOf(declared);
  if (isOwnMailbox(email, hosts)) return email;
  const sent = deliveredTo(email);
  const parts = partsOf(sent, hosts);
  if (!parts) return sent;
  const { name, domain, host } = parts;
  if (!host) return `${name}@${domain}`;
  return `${host.unread ? name.replace(host.unread.chars, '') : name}@${host.domains[0]}`;
}

/**
 * Why `a` and `b`, of one mailbox (mailboxOf, by the organization's `declared` mail domains), are:
 * a message's parenthesis. A routing, a subaddress or a provider's subdomain addressing, a domain's
 * IDNA spelling, Gmail's reading, a provider's domains for one account, the organization's own
 * mail's, or several (`f.rank+x@googlemail.com` and `frank@gmail.com`).
 */
export function oneMailboxWhy(a: string, b: string, declared?: readonly MailDomain[]): string {
  // What makes the addresses they are delivered to one mailbox: a routed one is sent on, every hop (deliveredTo).
  const sent = [a, b].map(deliveredTo);
  const hosts = hostsOf(declared);
  const [pa, pb] = sent.map((email) => partsOf(email, hosts));
  // A reading of a declared host says where it is declared.
  const said = (text: string, host: MailHost) => (host.declaredIn ? `${text} (${host.declaredIn})` : text);
  const why: string[] = [];
  if (sent[0] !== a || sent[1] !== b)
    why.push('a routed address name%domain@ or domain!name@ is delivered to name@domain');
  const tags = [pa, pb].flatMap((p) =>
    p?.tag === '+'
      ? ['a subaddress name+tag@ is delivered to name@']
      : p?.tag
        ? [said(`${p.host!.provider} delivers name${p.tag}tag@ to name@`, p.host!)]
        : [],
  );
  why.push(...new Set(tags));
  const subdomain = [pa, pb].find((p) => p?.subdomain);
  if (subdomain) why.push(said(`${subdomain.host!.provider} delivers tag@name.domain to name@domain`, subdomain.host!));
  const domains = sent.map((email) => email.slice(email.lastIndexOf('@') + 1));
  if (pa && pb && domains[0] !== domains[1] && domains.some(isAsciiForm))
    why.push("a domain in IDNA's ASCII form is the domain it decodes to");
  // One mailbox, so at a host both or neither: its reading is why when more than a tag differs.
  const host = pa && pb ? pa.host : undefined;
  if (!host) return why.join('; ');
  const readings = [
    ...(host.unread && pa!.name !== pb!.name ? [`${host.provider} reads no ${host.unread.what} in a name`] : []),
    ...(pa!.domain === pb!.domain
      ? []
      : host.declaredIn
        ? [said(`${host.provider} reads ${pa!.domain} and ${pb!.domain} as one`, host)]
        : [`${host.provider} gives an account its name on each of its domains`]),
  ];
  if (readings.length) why.push(...(host.said ? [host.said] : readings));
  return why.join('; ');
}
