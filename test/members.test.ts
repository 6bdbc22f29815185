/**
 * orgctl members: the membership as synthesized, read from members.json. Temporary access (a
 * grant's `until`) is part of it: an admin asks who holds what until when, and what has ended
 * while dist/ still binds it (the adopter walk-through 2 found members silent on both).
 */
import { describe, expect, it } from 'vitest';
import { run } from './helpers.ts';

/** The example's dated access (org/org.ts: dan's analyst role in data, until 2027-06-30). */
const DAN = /^dan@acme\.io\s+data\s+r:full, r:secrets\s+2027-06-30\s+(\S.*)?$/m;

describe('orgctl members: temporary access', () => {
  it('lists each person’s access that ends, where, and its last day', async () => {
    const r = await run(['members', '--today', '2027-01-01']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^TEMPORARY ACCESS\s+NAMESPACE\s+ACCESS\s+LAST DAY\s+STATE$/m);
    expect(r.stdout.match(DAN)?.[1]).toBe('180 days left');
  });

  it('says when it has ended while dist/ still binds it, and what to do', async () => {
    const r = await run(['members', '--today', '2027-07-01']);
    expect(r.stdout.match(DAN)?.[1]).toBe('ended: run npm run synth');
    // Its last day is still a day of access.
    expect((await run(['members', '--today', '2027-06-30'])).stdout.match(DAN)?.[1]).toBe('last day');
  });

  it('--format json is members.json as written (its records carry the same dates)', async () => {
    const r = await run(['members', '--format', 'json']);
    const dan = JSON.parse(r.stdout).users.find((u: { email: string }) => u.email === 'dan@acme.io');
    expect(dan.expiring).toContainEqual({ namespace: 'data', role: 'acme:r:full', until: '2027-06-30' });
  });

  it('a --today that is not a date is a usage error', async () => {
    const r = await run(['members', '--today', '2027-13-01']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--today/);
  });
});
