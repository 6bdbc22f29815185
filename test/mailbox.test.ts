/**
 * mailboxOf's shortcut (isOwnMailbox): an address it reads as its own mailbox without taking it apart
 * must be one the full reading reads so too. Each address here is asked after a plain one of its
 * domain (the shortcut's answer for the domain kept), and must still reach the mailbox it reaches.
 */
import { describe, expect, it } from 'vitest';
import { type MailDomain, mailboxOf } from '../model/mailbox.ts';

/** `email` asked after a plain address of its domain (the shortcut's answer for it kept) reads as `mailbox`. */
function readsAfterPlainAddress(email: string, mailbox: string): void {
  mailboxOf(`plain@${email.slice(email.lastIndexOf('@') + 1)}`);
  expect(mailboxOf(email)).toBe(mailbox);
}

describe('mailboxOf: an address read as its own mailbox is one', () => {
  it('reads a plain address as itself, and the same string', () => {
    const email = 'frank@acme.io';
    expect(mailboxOf(email)).toBe(email);
    expect(mailboxOf('+frank@acme.io')).toBe('+frank@acme.io');
  });

  it.each([
    ['frank+ops@acme.io', 'frank@acme.io'],
    ['frank%acme.io@relay.io', 'frank@acme.io'],
    ['acme.io!frank@relay.io', 'frank@acme.io'],
    ['frank@xn--bcher-kva.de', 'frank@bücher.de'],
    ['f.rank@googlemail.com', 'frank@gmail.com'],
    ['f_rank@pm.me', 'frank@proton.me'],
    ['x@frank.fastmail.com', 'frank@fastmail.com'],
  ])('reads %s, after a plain address of its domain, as %s', readsAfterPlainAddress);

  // Where the shortcut looks for `%`, `!` and `+`: in the name only (before the last @), a `+` first
  // part of the name; each answer the full reading's.
  it.each([
    ['frank+@acme.io', 'frank@acme.io'],
    ['f+x+y@acme.io', 'f@acme.io'],
    ['+@acme.io', '+@acme.io'],
    ['frank@ac+me.io', 'frank@ac+me.io'],
    ['frank@a%b.io', 'frank@a%b.io'],
    ['frank@a!b.io', 'frank@a!b.io'],
    ['%frank@relay.io', '%frank@relay.io'],
    ['!frank@acme.io', '!frank@acme.io'],
    ['frank%@relay.io', 'frank%@relay.io'],
    ['frank!@relay.io', 'frank!@relay.io'],
    ['x+y@z@acme.io', 'x@acme.io'],
    ['x@y+z@acme.io', 'x@y@acme.io'],
    ['x%acme.io@y+z@relay.io', 'x@acme.io@y+z'],
    ['a+b%acme.io@relay.io', 'a@acme.io'],
  ])('reads %s, with `%%`, `!` or `+` at an edge of its name or past it, as %s', readsAfterPlainAddress);

  it("reads the organization's own mail by its declaration, a domain read plain without one", () => {
    const declared: MailDomain[] = [
      { domains: ['acme.io', 'acme.com'], subaddressSeparators: ['-'], subdomainAddressing: true },
    ];
    expect(mailboxOf('frank-ops@acme.io')).toBe('frank-ops@acme.io');
    expect(mailboxOf('frank-ops@acme.com')).toBe('frank-ops@acme.com');
    expect(mailboxOf('frank-ops@acme.io', declared)).toBe('frank@acme.io');
    expect(mailboxOf('frank@acme.com', declared)).toBe('frank@acme.io');
    expect(mailboxOf('x@frank.acme.io', declared)).toBe('frank@acme.io');
  });
});

describe('mailboxOf past the bound of its domain caches (domainOf, plainDomain: 1,024 domains each)', () => {
  it('a domain first read past the bound reads as one read before it, asked once or again', () => {
    // Three times the bound of distinct domains, plain and in IDNA's ASCII form: most never kept.
    const read = (i: number) => [
      mailboxOf(`frank@d${i}.example`),
      mailboxOf(`frank+ops@d${i}.example`),
      mailboxOf(`frank+ops@xn--bcher-kva.d${i}.de`),
    ];
    const want = (i: number) => [`frank@d${i}.example`, `frank@d${i}.example`, `frank@bücher.d${i}.de`];
    for (const pass of [1, 2]) {
      const wrong = Array.from({ length: 3_072 }, (_, i) => i).filter((i) => read(i).join(' ') !== want(i).join(' '));
      expect({ pass, wrong }).toEqual({ pass, wrong: [] });
    }
    // Domains first read now, past the bound: a provider's, IDNA's, the organization's declared mail.
    expect(mailboxOf('f.rank+x@googlemail.com')).toBe('frank@gmail.com');
    expect(mailboxOf('x@frank.fastmail.com')).toBe('frank@fastmail.com');
    expect(mailboxOf('frank@xn--bcher-kva.late.de')).toBe('frank@bücher.late.de');
    const declared: MailDomain[] = [
      { domains: ['late.example', 'xn--bcher-kva.late.io'], subaddressSeparators: ['-'] },
    ];
    expect(mailboxOf('frank-ops@late.example')).toBe('frank-ops@late.example');
    expect(mailboxOf('frank-ops@late.example', declared)).toBe('frank@late.example');
    expect(mailboxOf('frank@bücher.late.io', declared)).toBe('frank@late.example');
    expect(mailboxOf('frank-x@xn--bcher-kva.late.io', declared)).toBe('frank@late.example');
  });
});
