/**
 * The organization's `identity.mailDomains`, checked where they are given (an early
 * DeclarationError naming the path, what was given and what is allowed) and normalized into the
 * model's sorted data. A declaration makes more addresses one person's mailbox (model/mailbox.ts
 * mailBoxOf), which the change rules read from base: it names host names exactly, once each, and
 * never a provider's domain, which orgctl reads as that provider delivers it.
 */
import { addressingAbove, hasNumericTopLevel, isProviderDomain, type MailDomain } from '../model/mailbox.ts';
import { sortBy } from '../model/model.ts';
import { dns1123SubdomainProblem } from '../policies/org/kubernetes-names.ts';
import { declaredRecords, failAt, show } from './props.ts';

/** A group of the organization's own mail domains and how its mail server reads their addresses. */
export interface MailDomainProps {
  /** Domains reaching one set of mailboxes (`['acme.io', 'acme.com']`: frank@acme.com is frank@acme.io's). */
  readonly domains: readonly string[];
  /**
   * Characters beside `+` the mail server splits a subaddress on (`['-']`: mary-jane@ is mary's).
   * @default none
   */
  readonly subaddressSeparators?: readonly string[];
  /** Subdomain addressing, as Fastmail hosts a domain: `x@mary.acme.io` is mary@acme.io's. @default false */
  readonly subdomainAddressing?: boolean;
}

const FIELDS = ['domains', 'subaddressSeparators', 'subdomainAddressing'];
const EXAMPLE = "{ domains: ['acme.io', 'acme.com'], subaddressSeparators: ['-'] }";
/**
 * One character of an address's name that is no letter or digit (RFC 5322's atext, or a dot): `+`
 * is read everywhere, and `%` and `!` route an address before any subaddress is read (R78-4).
 */
const SEPARATOR = /^[#$&'*/=?^_`{|}~.-]$/;

/** Why `domain` is no mail domain to declare, or undefined. */
function domainProblem(domain: unknown): string | undefined {
  if (typeof domain !== 'string' || dns1123SubdomainProblem(domain))
    return `${show(domain)} is not a domain (lower-case letters, digits and hyphens between dots, e.g. 'acme.io')`;
  const labels = domain.split('.');
  // A host name has a top-level domain, never digits alone.
  if (labels.length < 2 || hasNumericTopLevel(domain))
    return `${show(domain)} is not a mail domain (a host name under a top-level domain, e.g. 'acme.io')`;
  if (isProviderDomain(domain))
    return `${show(domain)} is a mail provider's: orgctl reads its addresses as the provider delivers them, so there is nothing to declare`;
  return undefined;
}

/** The declaration, checked and sorted (each group's domains and separators, the groups by their first domain); undefined when none. */
export function mailDomainsOf(where: string, value: unknown): readonly MailDomain[] | undefined {
  if (value === undefined) return undefined;
  const seen = new Set<string>();
  const out = declaredRecords(where, 'mailDomains', value, FIELDS, EXAMPLE).map(({ at, entry }): MailDomain => {
    const { domains, subaddressSeparators: separators, subdomainAddressing } = entry;
    if (!Array.isArray(domains) || !domains.length)
      failAt(where, `${at}.domains`, `${show(domains)} is not a list of domains, e.g. ['acme.io', 'acme.com']`);
    domains.forEach((d: unknown, j) => {
      const problem = domainProblem(d);
      if (problem) failAt(where, `${at}.domains[${j}]`, problem);
      if (seen.has(d as string))
        failAt(where, `${at}.domains[${j}]`, `${show(d)} is declared twice: list each domain in one group`);
      seen.add(d as string);
    });
    if (separators !== undefined && !Array.isArray(separators))
      failAt(where, `${at}.subaddressSeparators`, `${show(separators)} is not a list of characters, e.g. ['-']`);
    (separators ?? []).forEach((c: unknown, j: number) => {
      if (typeof c !== 'string' || !SEPARATOR.test(c))
        failAt(
          where,
          `${at}.subaddressSeparators[${j}]`,
          `${show(c)} is not a separator: one character of an address's name that is no letter or digit, e.g. '-' (+ is read on every domain; % and ! route an address elsewhere)`,
        );
    });
    if (subdomainAddressing !== undefined && typeof subdomainAddressing !== 'boolean')
      failAt(where, `${at}.subdomainAddressing`, `${show(subdomainAddressing)} is not true or false`);
    return {
      domains: [...(domains as string[])].sort(),
      ...(separators?.length ? { subaddressSeparators: [...new Set(separators as string[])].sort() } : {}),
      ...(subdomainAddressing ? { subdomainAddressing: true } : {}),
    };
  });
  // A domain below one read by subdomain addressing is an address of that domain's (R78-3).
  (value as readonly MailDomain[]).forEach((entry, i) =>
    entry.domains.forEach((d, j) => {
      const above = addressingAbove(d, out);
      if (above)
        failAt(
          where,
          `mailDomains[${i}].domains[${j}]`,
          `${show(d)} is below ${above}, whose subdomains are subdomain addressing (x@name.${above} is name@${above}'s): it is no domain of its own to declare`,
        );
    }),
  );
  return out.length ? sortBy(out, (m) => m.domains[0]!) : undefined;
}
