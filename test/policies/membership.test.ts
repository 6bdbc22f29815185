/** readMembership over the ConfigMaps of both layouts: lists split over numbered ConfigMaps, and the older one. */
import { describe, expect, it } from 'vitest';
import { readMembership } from '../../analysis/snapshot.ts';

const cm = (name: string, data: Record<string, string>) => ({
  file: 'in-cluster/cluster/resources.yaml',
  index: 0,
  object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'acme-system' }, data },
});
const org = JSON.stringify({ name: 'acme', owner: 'alice@acme.io' });
const line = (o: object) => `${JSON.stringify(o)}\n`;
const invite = (i: number) => ({
  email: `i${i}@acme.io`,
  admin: false,
  billing: false,
  sso: true,
  state: 'pending',
  grants: [],
});
const token = (i: number) => ({ id: `t${i}`, serviceAccount: `token-t${i}`, namespaces: [] });

describe('readMembership', () => {
  it('reads invites and tokens from numbered ConfigMaps, in order of their number', () => {
    const m = readMembership(
      [
        cm('orgctl-organization', { 'organization.json': org }),
        cm('orgctl-invites-10', { 'invites.jsonl': line(invite(10)) }),
        cm('orgctl-invites', { 'invites.jsonl': line(invite(1)) }),
        cm('orgctl-invites-2', { 'invites.jsonl': line(invite(2)) }),
        cm('orgctl-tokens', { 'tokens.jsonl': line(token(1)) }),
        cm('orgctl-tokens-2', { 'tokens.jsonl': line(token(2)) }),
        cm('orgctl-invitesx', { 'invites.jsonl': line(invite(99)) }),
      ],
      'head',
    );
    expect([...m.invites.keys()]).toEqual(['i1@acme.io', 'i2@acme.io', 'i10@acme.io']);
    expect([...m.tokens.keys()]).toEqual(['t1', 't2']);
  });

  it('still reads an output of an older orgctl, with invites and tokens in orgctl-organization', () => {
    const m = readMembership(
      [
        cm('orgctl-organization', {
          'organization.json': org,
          'invites.jsonl': line(invite(1)),
          'tokens.jsonl': line(token(1)),
        }),
      ],
      'base',
    );
    expect([...m.invites.keys()]).toEqual(['i1@acme.io']);
    expect([...m.tokens.keys()]).toEqual(['t1']);
  });
});
