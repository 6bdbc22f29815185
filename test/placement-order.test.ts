/**
 * Placement walks the grants in the order they were declared (synth/render.ts collectBindings,
 * dormantGrants), not sorted, and synthesis no longer sorts them for the few questions about its
 * findings' sources (model/model.ts grantsOfUserIn): the output must not depend on the order the
 * grants are declared in, but for one person's grants in one namespace, whose order the sorted list
 * keeps too (their inline rules, in that order, are one Role).
 */
import { describe, expect, it } from 'vitest';
import { generateSpec, seededRandom } from '../constructs/generate.ts';
import { renderFiles } from '../synth/files.ts';
import { membershipData, membersFileParts, renderOrganization } from '../synth/render.ts';
import { modelOfSpec, TODAY } from './helpers.ts';

/** A generated spec, read and changed as plain data. */
type SpecGrant = Record<string, unknown> & { readonly user: string; readonly namespace: string };
interface Spec {
  readonly spec: Record<string, unknown> & {
    readonly grants: SpecGrant[];
    readonly users: Record<string, unknown>[];
    readonly namespaces: { name: string }[];
  };
}

/** A small generated organization with what placement treats apart: inline rules, a custom role, dated grants, a deactivated person. */
function organization(seed: number, customRoleName = 'reader'): Spec {
  const spec = structuredClone(
    generateSpec({ users: 40, namespaces: 8, grants: 400, tokens: 4, invites: 3, seed }),
  ) as unknown as Spec;
  const s = spec.spec;
  const rule = (resource: string) => ({ apiGroups: [''], resources: [resource], verbs: ['get'] });
  s.customRoles = [{ name: customRoleName, rules: [rule('configmaps')] }];
  const grants = s.grants;
  grants.forEach((g, i) => {
    if (i % 7 === 0) g.rules = [rule(`things${i}`)];
    if (i % 11 === 0) g.customRole = customRoleName;
    if (i % 13 === 0) g.expires = `2027-01-0${1 + (i % 9)}`;
  });
  // In a namespace of their own: a person twice with inline rules (their Role's rules in
  // declaration order), someone declared before them binding the custom role (reversed).
  s.namespaces.push({ name: 'apart' });
  grants.push(
    { user: 'user5@acme.io', namespace: 'apart', customRole: customRoleName },
    { user: 'user30@acme.io', namespace: 'apart', rules: [rule('first')] },
    { user: 'user30@acme.io', namespace: 'apart', rules: [rule('second')] },
  );
  s.users[25]!.status = 'deactivated';
  return spec;
}

/** The last three grants (organization's own) in another order: the two people's swapped. */
function swapped(spec: Spec): Spec {
  const grants = [...spec.spec.grants];
  const [five, first, second] = grants.splice(-3);
  return { ...spec, spec: { ...spec.spec, grants: [...grants, first!, second!, five!] } };
}

/** The grants shuffled, each person's in one namespace kept in their order. */
function shuffled(spec: Spec, seed: number): Spec {
  const rand = seededRandom(seed);
  const grants = spec.spec.grants;
  const order = grants.map((g, i) => ({ g, i, r: rand() }));
  const firstOf = new Map<string, number>();
  for (const o of order) {
    const key = `${o.g.namespace}\u0000${o.g.user}`;
    const r = firstOf.get(key);
    if (r === undefined) firstOf.set(key, o.r);
    else o.r = r; // ties sort by declaration: their order kept
  }
  order.sort((a, b) => a.r - b.r || a.i - b.i);
  return { ...spec, spec: { ...spec.spec, grants: order.map((o) => o.g) } };
}

function rendered(spec: Spec): string[] {
  const model = modelOfSpec(structuredClone(spec));
  const files = renderFiles(renderOrganization(model, { today: TODAY }), 'spec.json');
  return [...files.map((f) => `${f.path}\n${f.content}`), membersFileParts(membershipData(model, TODAY)).join('')];
}

describe('placement in declaration order', () => {
  it.each([1, 2, 3])('writes the same files whatever order the grants are declared in (seed %i)', (seed) => {
    const spec = organization(seed);
    const files = rendered(spec);
    expect(files.join('')).toContain('things0'); // inline rules are written
    expect(files.join('')).toMatch(/first[\s\S]*second/); // in declaration order
    for (const other of [4, 5]) expect(rendered(shuffled(spec, seed * 10 + other))).toEqual(files);
    expect(rendered(swapped(spec))).toEqual(files);
  });

  it('writes the same files when a custom role is named as a person, whose inline rules share its Role', () => {
    // No declaration passes its rules so (a custom role's name is a DNS name, a person's an
    // address), but placement itself must not depend on the order.
    const spec = organization(4, 'user30@acme.io');
    const files = rendered(spec);
    for (const other of [1, 2, 3]) expect(rendered(shuffled(spec, other))).toEqual(files);
    expect(rendered(swapped(spec))).toEqual(files);
  });
});
