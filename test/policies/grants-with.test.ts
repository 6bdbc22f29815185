/**
 * runPolicies hands a rule's judge only the grants its `grantsWith` names: it finds what asking
 * every judge of every grant finds, on grants mixing what each rule refuses.
 */
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Organization } from '../../constructs/index.ts';
import { compareFindings, type Finding } from '../../model/findings.ts';
import { grantsInMemoryOrder, type OrgModel } from '../../model/model.ts';
import { GRANTS_WITH, type PolicyContext } from '../../policies/org/context.ts';
import { MODEL_RULES, runPolicies } from '../../policies/org/index.ts';
import { TODAY, acmeSpecWith, modelOfSpec } from '../helpers.ts';

/** runPolicies as it was before grantsWith: every judge asked of every grant. */
function everyJudgeOfEveryGrant(model: OrgModel, ctx: PolicyContext): Finding[] {
  const out: Finding[] = [];
  const judges = MODEL_RULES.flatMap((r) => (r.grant ? [r.grant(model, ctx, out)] : []));
  grantsInMemoryOrder(model).forEach((g, i) => {
    for (const judge of judges) judge(g, i);
  });
  for (const r of MODEL_RULES) out.push(...(r.check?.(model, ctx) ?? []));
  return out.sort(compareFindings);
}

/** Grants of each user, namespace, kind of access and expiry: known and unknown, allowed and reserved. */
function mixedGrants(): object[] {
  const access = [
    { levels: ['r:pods'] },
    { levels: ['w:pods', 'r:nope'] },
    { role: 'dev' },
    { role: 'nope' },
    { customRole: 'reader' },
    { customRole: 'missing' },
    { rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }] },
    { rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] },
    { rules: [{ resources: ['configmaps'], verbs: ['get'] }] },
    { rules: [{ apiGroups: [''], resources: ['pods\u202e'], verbs: ['get'] }] },
  ];
  const grants: object[] = [];
  for (const user of ['bob@acme.io', 'alice@acme.io', 'nobody@acme.io', 'per%cent@acme.io'])
    for (const namespace of ['web', 'kube-system', 'nope'])
      for (const a of access)
        for (const expires of [undefined, '2020-01-01', '2099-12-31'])
          grants.push({ user, namespace, ...a, ...(expires ? { expires } : {}) });
  return grants;
}

describe('runPolicies: grantsWith', () => {
  it('finds what every judge asked of every grant finds', () => {
    const spec = acmeSpecWith({
      roles: [{ name: 'dev', levels: ['r:pods', 'w:configmaps'] }],
      customRoles: [{ name: 'reader', rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] }],
      grants: mixedGrants(),
    });
    const model = modelOfSpec(spec);
    const ctx = { today: TODAY };
    const expected = everyJudgeOfEveryGrant(model, ctx);
    expect(runPolicies(model, ctx, MODEL_RULES)).toEqual(expected);
    // Each rule asked of some grants only finds something here: the comparison sees them.
    for (const r of MODEL_RULES.filter((r) => r.grantsWith))
      expect(
        expected.some((f) => f.rule === r.id),
        r.id,
      ).toBe(true);
  });

  it('names what each grant has', () => {
    const g = grantsInMemoryOrder(
      Organization.fromSpec(
        new App(),
        acmeSpecWith({ grants: [{ user: 'bob@acme.io', namespace: 'web', levels: ['r:pods'] }] }),
        { today: TODAY },
      ).toModel(),
    )[0]!;
    expect(Object.entries(GRANTS_WITH).map(([k, has]) => [k, has(g)])).toEqual([
      ['rules', false],
      ['expires', false],
      ['roles', false],
    ]);
    expect(GRANTS_WITH.rules({ ...g, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] })).toBe(true);
    expect(GRANTS_WITH.expires({ ...g, expires: '2099-12-31' })).toBe(true);
    expect(GRANTS_WITH.roles({ ...g, roles: ['dev'] })).toBe(true);
    expect(GRANTS_WITH.roles({ ...g, customRoles: ['reader'] })).toBe(true);
  });
});
