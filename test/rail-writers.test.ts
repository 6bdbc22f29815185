/**
 * The diff's lines for who gains a write of a guard rail's kind where it is declared
 * (analysis/guard-rails.ts railWriterChanges): each way head gives one is read, whether or not the
 * cell's roles (its key) are the same on both sides.
 */
import { describe, expect, it } from 'vitest';
import { baseSpec, diffOf, grantsOf, type Spec } from './review/scenarios.ts';

/** baseSpec with web declaring a NetworkPolicy and a quota, and bob holding a custom role there that reads NetworkPolicies. */
function railed(): Spec {
  const s = baseSpec();
  s.spec.namespaces = [{ name: 'web', networkPolicy: 'same-namespace', quota: { pods: '10' } }, { name: 'data' }];
  s.spec.customRoles = [
    {
      name: 'net-reader',
      rules: [{ apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['get'] }],
    },
  ];
  grantsOf(s).push({ user: 'bob@acme.io', namespace: 'web', customRole: 'net-reader' });
  return s;
}

const writerLines = (base: Spec, edit: (s: Spec) => void) =>
  diffOf(base, edit)
    .guardRails.filter((c) => c.text.includes(' may write '))
    .map((c) => c.text.slice(0, c.text.indexOf(':')));

describe('who gains a write of a guard rail’s kind', () => {
  it('a custom role broadened under the same roles held (the same cell key): its holder’s line', () => {
    expect(writerLines(railed(), (h) => h.spec.customRoles[0].rules[0].verbs.push('create'))).toEqual([
      'bob@acme.io may write NetworkPolicies in web, which declares networkPolicy',
    ]);
  });

  it('a guard rail declared in the same change as the write: the line names it', () => {
    const s = baseSpec();
    expect(
      writerLines(s, (h) => {
        h.spec.namespaces[1] = { name: 'data', limits: { max: { memory: '1Gi' } } };
        grantsOf(h).push({
          user: 'erin@acme.io',
          namespace: 'data',
          rules: [{ apiGroups: [''], resources: ['limitranges'], verbs: ['delete'] }],
        });
      }),
    ).toEqual(['erin@acme.io may write LimitRanges in data, which declares limits']);
  });

  it('a namespace added with a guard rail, and a token given w:full there: the token’s line', () => {
    expect(
      writerLines(railed(), (h) => {
        h.spec.namespaces.push({ name: 'api', networkPolicy: 'same-namespace' });
        h.spec.tokens.push({ id: 'deploy', name: 'Deploy', namespaces: ['api'], owner: 'alice@acme.io' });
      }),
    ).toEqual(['token deploy may write NetworkPolicies in api, which declares networkPolicy']);
  });

  it('nothing gained where the roles and their rules are the same on both sides, whatever else changes', () => {
    const s = railed();
    s.spec.customRoles[0].rules[0].verbs.push('create');
    expect(
      writerLines(s, (h) => {
        h.spec.namespaces[0].quota = { pods: '20' };
        grantsOf(h).push({ user: 'gina@acme.io', namespace: 'data', levels: ['r:pods'] });
      }),
    ).toEqual([]);
  });
});
