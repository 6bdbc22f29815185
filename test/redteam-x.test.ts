/**
 * Red team X: the seed's domain (admins, the owner, invitations, deactivation, tokens) as the
 * review judges it.
 */
import { describe, expect, it } from 'vitest';
import { baseSpec, diffOf, judge, type Spec } from './review/scenarios.ts';

describe('X1: an admin’s own grants are privileges, though the w:full of being an admin covers them', () => {
  // The seed: administrators may not edit their own privileges. An admin's grants are bound beside
  // the w:full being one binds, and hold once they are no longer an admin ("keeps r:secrets" in the
  // demotion's review). The access lines judge effective access, which w:full covers: an admin
  // giving themselves levels showed no line at all, and passed alone.
  const give =
    (email: string, namespace = 'web') =>
    (s: Spec) => {
      s.spec.grants.push({ user: email, namespace, levels: ['r:secrets', 'w:configmaps'] });
    };
  const linesOf = (edit: (s: Spec) => void, email: string) =>
    diffOf(baseSpec(), edit)
      .people.find((p) => p.id === email)
      ?.changes.map((c) => c.text)
      .join('; ') ?? '';

  it('an admin giving themselves levels fails self-edit, and the review says what they would hold', () => {
    expect(judge(baseSpec(), give('frank@acme.io'), { actors: ['frank'] }).failed).toContain('self-edit');
    expect(linesOf(give('frank@acme.io'), 'frank@acme.io')).toMatch(/r:secrets, w:configmaps in web/);
  });

  it('levels given to another admin need a second admin, as any change of an admin’s privileges', () => {
    expect(judge(baseSpec(), give('dan@acme.io'), { actors: ['frank'] }).failed).toEqual(['admin-change-approval']);
    expect(judge(baseSpec(), give('dan@acme.io'), { actors: ['frank'], approvals: ['alice'] }).failed).toEqual([]);
  });

  it('in a namespace added with them too: the w:full there follows from the namespace, the grant does not', () => {
    const edit = (s: Spec) => {
      s.spec.namespaces.push({ name: 'ops' });
      give('frank@acme.io', 'ops')(s);
    };
    expect(judge(baseSpec(), edit, { actors: ['frank'] }).failed).toContain('self-edit');
    expect(linesOf(edit, 'frank@acme.io')).toMatch(/r:secrets, w:configmaps in ops/);
  });
});
