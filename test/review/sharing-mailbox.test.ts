/**
 * sharingMailbox reads every address of base and head from one index made a review: each call must
 * give what reading them all in order gives (every address of an owner's mailbox, to the first
 * owner of that mailbox, in the order of base's users and invites, then head's).
 */
import { describe, expect, it } from 'vitest';
import { type ReviewInput, sharingMailbox } from '../../policies/change/context.ts';

const side = (users: string[], invites: string[]) => ({
  org: {},
  users: new Map(users.map((e) => [e, { email: e }])),
  invites: new Map(invites.map((e) => [e, { email: e }])),
});

const input = {
  base: side(['a@acme.io', 'frank+x@acme.io', 'b@acme.io'], ['frank+inv@acme.io', 'f.rank@gmail.com']),
  head: side(['frank@acme.io', 'b+y@acme.io', 'frank+x@acme.io', 'frank@gmail.com'], ['b+z@acme.io']),
} as unknown as ReviewInput;

describe('sharingMailbox', () => {
  it("gives each address of an owner's mailbox, in the order read, to its first owner", () => {
    expect([...sharingMailbox(input, ['frank@acme.io', 'b@acme.io', 'frank+y@acme.io'])]).toEqual([
      ['frank@acme.io', 'frank@acme.io'],
      ['b@acme.io', 'b@acme.io'],
      ['frank+y@acme.io', 'frank+y@acme.io'],
      ['frank+x@acme.io', 'frank@acme.io'],
      ['frank+inv@acme.io', 'frank@acme.io'],
      ['b+y@acme.io', 'b@acme.io'],
      ['b+z@acme.io', 'b@acme.io'],
    ]);
  });

  it('asked again for other owners, reads them as the first time', () => {
    expect([...sharingMailbox(input, ['frank@gmail.com'])]).toEqual([
      ['frank@gmail.com', 'frank@gmail.com'],
      ['f.rank@gmail.com', 'frank@gmail.com'],
    ]);
    expect([...sharingMailbox(input, ['nobody@acme.io'])]).toEqual([['nobody@acme.io', 'nobody@acme.io']]);
    expect([...sharingMailbox(input, [])]).toEqual([]);
  });
});
