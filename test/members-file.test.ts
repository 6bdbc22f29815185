/**
 * dist/members.json written as parts (synth/render.ts membersFileParts): the same bytes as the
 * whole JSON.stringify, at every list length around a part's size and with empty or absent lists.
 */
import { describe, expect, it } from 'vitest';
import type { MembershipData } from '../model/membership.ts';
import { membersFileParts } from '../synth/render.ts';

const whole = (data: unknown) => `${JSON.stringify(data, null, '  ')}\n`;
const user = (i: number) => ({
  name: `user${i}@acme.io`,
  roles: ['dev', `r${i}`],
  access: [{ ns: `ns-${i}`, until: null }],
});
const data = (users: number, extra: Record<string, unknown> = {}) =>
  ({
    organization: { name: 'acme', owner: 'a@acme.io', nested: { list: [1, 2], empty: {} } },
    users: Array.from({ length: users }, (_, i) => user(i)),
    invites: [],
    tokens: [{ id: 't1', note: 'line\nbreak "quoted" é \u2028' }],
    ...extra,
  }) as unknown as MembershipData;

describe('members.json as parts', () => {
  it('joins to the whole text, lists of every length about a part', () => {
    for (const n of [0, 1, 2, 1023, 1024, 1025, 2048, 3000]) {
      const d = data(n);
      expect(membersFileParts(d).join('')).toBe(whole(d));
    }
  });

  it('with namespaces, without them (absent or undefined), and with nothing', () => {
    const namespaces = [{ name: 'web', quota: { pods: '10' } }];
    for (const d of [data(5, { namespaces }), data(5, { namespaces: undefined }), data(5, { namespaces: [] })])
      expect(membersFileParts(d).join('')).toBe(whole(d));
    expect(membersFileParts({} as MembershipData).join('')).toBe(whole({}));
  });

  it('no part holds the whole list: XL-sized lists are written a part at a time', () => {
    const d = data(5000);
    const parts = membersFileParts(d);
    expect(Math.max(...parts.map((p) => p.length))).toBeLessThan(whole(d).length / 4);
  });
});
