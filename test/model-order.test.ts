/**
 * The model's order is the output's order: grants by namespace, then user (UTF-16 order, as `<`
 * compares strings), and in declaration order among one user's grants in one namespace.
 * finalizeModel sorts grants by counting over the keys' ranks; this holds it equal to the
 * comparison sort it replaced, on generated grants with many ties and awkward keys.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../constructs/generate.ts';
import {
  finalizeModel,
  type GrantModel,
  grantsInMemoryOrder,
  grantsOfUserIn,
  grantUsers,
  byGrantUser,
  type OrgModel,
} from '../model/model.ts';

/** The reference: a stable comparison sort on (namespace, user). */
const byNamespaceThenUser = (grants: readonly GrantModel[]) =>
  [...grants].sort((a, b) =>
    a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : a.user < b.user ? -1 : a.user > b.user ? 1 : 0,
  );

// Keys that order differently by code unit, code point, locale or length: `<` is the rule.
const AWKWARD = ['a', 'A', 'aa', 'a-b', 'a_b', 'é', 'e\u0301', 'Z', '\u{1F600}', '\uFF5E', '', 'ns-10', 'ns-9', 'ns-1'];

function modelWith(grants: GrantModel[]): OrgModel {
  return {
    name: 'acme',
    owner: 'a@acme.io',
    usernamePrefix: '',
    ssoEnforced: false,
    clusters: [],
    massRemovalThreshold: 0,
    shards: 1,
    systemNamespace: 'acme-system',
    source: { spec: 'spec' },
    users: [],
    namespaces: [],
    roles: [],
    customRoles: [],
    grants,
    tokens: [],
    invites: [],
  } as unknown as OrgModel;
}

function generatedGrants(seed: number, count: number, keys: number): GrantModel[] {
  const rand = seededRandom(seed);
  const pick = (n: number) => Math.floor(rand() * n);
  const key = (prefix: string) => {
    const i = pick(keys + AWKWARD.length);
    return i < AWKWARD.length ? AWKWARD[i]! : `${prefix}${i}`;
  };
  return Array.from({ length: count }, (_, i) => ({
    user: key('user'),
    namespace: key('ns-'),
    levels: ['r:pods'],
    roles: [],
    customRoles: [],
    rules: [],
    source: { spec: `spec.grants[${i}]` }, // declaration order, to see stability
  }));
}

describe('the model orders grants by namespace, then user, stably', () => {
  for (const [seed, count, keys] of [
    [1, 0, 5],
    [2, 1, 5],
    [3, 200, 3],
    [4, 2_000, 40],
    [5, 5_000, 2_000],
  ] as const) {
    it(`${count} grants over ${keys} names (seed ${seed}) as a stable comparison sort orders them`, () => {
      const grants = generatedGrants(seed, count, keys);
      const sorted = finalizeModel(modelWith(grants)).grants;
      expect(sorted).toHaveLength(grants.length);
      expect(sorted.every((g) => Object.isFrozen(g)) && Object.isFrozen(sorted)).toBe(true);
      // The same objects in the same order: ties (one user, one namespace) keep declaration order.
      expect(sorted.map((g) => g.source)).toEqual(byNamespaceThenUser(grants).map((g) => g.source));
    });
  }

  it('keeps the declaration order for walks whose order does not matter', () => {
    const grants = generatedGrants(10, 1_000, 20);
    const model = finalizeModel(modelWith(grants));
    const declared = grantsInMemoryOrder(model);
    expect(declared).toHaveLength(grants.length);
    declared.forEach((g, i) => expect(g).toBe(grants[i]));
    expect(declared).not.toEqual(model.grants); // sorted differs here
    // A model finalizeModel did not make (the explain index's) is walked in its own order.
    const other = { ...model, grants: [...model.grants] };
    expect(grantsInMemoryOrder(other)).toBe(other.grants);
  });

  it.each([
    [11, 0, 3],
    [12, 3_000, 40],
    [13, 2_000, 2_000],
  ])("numbers each grant's user, indexing the distinct users sorted (seed %i: %i grants, %i names); not for a model it did not make", (seed, count, keys) => {
    const model = finalizeModel(modelWith(generatedGrants(seed, count, keys)));
    const numbered = grantUsers(model)!;
    expect([...numbered.ranks].map((r) => numbered.keys[r])).toEqual(model.grants.map((g) => g.user));
    expect(numbered.keys).toEqual([...new Set(model.grants.map((g) => g.user))].sort());
    expect(grantUsers({ ...model, grants: [...model.grants] })).toBeUndefined();
  });

  it.each([
    [16, 3_000, 40],
    [17, 2_000, 2_000],
    [18, 500, 5],
  ])("numbers the grants' users from the users' sorted keys: declared or not, twice, or holding nothing (seed %i: %i grants, %i names)", (seed, count, keys) => {
    const grants = generatedGrants(seed, count, keys);
    const rand = seededRandom(seed);
    const named = [...new Set(grants.map((g) => g.user))];
    // About two in three of the grants' users declared (one of them twice), and users no grant names.
    const declared = [
      ...named.filter(() => rand() < 0.66),
      named[0] ?? 'x',
      ...AWKWARD.map((k) => `${k}~`),
      'user-none',
    ];
    const users = declared.map((key) => ({ key, email: key })).sort(() => rand() - 0.5);
    const model = finalizeModel({ ...modelWith(grants), users } as unknown as OrgModel);
    const numbered = grantUsers(model)!;
    expect(numbered.keys).toEqual([...new Set(grants.map((g) => g.user))].sort());
    expect([...numbered.declared].map((r) => numbered.keys[r])).toEqual(grants.map((g) => g.user));
    expect([...numbered.ranks].map((r) => numbered.keys[r])).toEqual(model.grants.map((g) => g.user));
    expect(model.grants.map((g) => g.source)).toEqual(byNamespaceThenUser(grants).map((g) => g.source));
  });

  it("reads each grant's user by its place in memory order, asking once per distinct user (per grant in a model it did not make)", () => {
    const finalized = finalizeModel(modelWith(generatedGrants(14, 2_000, 50)));
    const other = { ...finalized, grants: [...finalized.grants].reverse() };
    for (const [model, asked] of [
      [finalized, new Set(finalized.grants.map((g) => g.user)).size],
      [other, other.grants.length],
    ] as const) {
      let calls = 0;
      const marked = byGrantUser(
        model,
        (user) => {
          calls++;
          return `${user}!`;
        },
        'memory',
      );
      grantsInMemoryOrder(model).forEach((g, i) => expect(marked(g, i)).toBe(`${g.user}!`));
      // In the model's own order too (placement's walk).
      const inModelOrder = byGrantUser(model, (user) => `${user}!`, 'model');
      model.grants.forEach((g, k) => expect(inModelOrder(g, k)).toBe(`${g.user}!`));
      expect(calls).toBe(asked);
    }
  });

  it('sorts when the grants are first read: what a walk in memory order reads before is what it reads after', () => {
    const grants = generatedGrants(15, 2_000, 40);
    const model = finalizeModel(modelWith(grants));
    // What the rules' walk reads (check reads no more), before anything reads model.grants.
    const declared = grantsInMemoryOrder(model);
    const { declared: ranks, keys } = grantUsers(model)!;
    const users = [...ranks].map((r) => keys[r]);
    const sorted = model.grants;
    expect(model.grants).toBe(sorted); // sorted once
    expect(Object.isFrozen(sorted) && Object.isFrozen(model) && declared.every((g) => Object.isFrozen(g))).toBe(true);
    expect(sorted.map((g) => g.source)).toEqual(byNamespaceThenUser(grants).map((g) => g.source));
    expect(grantsInMemoryOrder(model)).toBe(declared);
    expect([...grantUsers(model)!.declared].map((r) => grantUsers(model)!.keys[r])).toEqual(users);
    expect(users).toEqual(grants.map((g) => g.user));
    // The model as data: the same keys in the same order, the grants sorted (a copy, JSON, a spread).
    expect(Object.keys(model)).toEqual(Object.keys(modelWith([])));
    expect(JSON.parse(JSON.stringify(model)).grants.map((g: GrantModel) => g.source)).toEqual(
      sorted.map((g) => g.source),
    );
    const copy = { ...model };
    expect(copy.grants).toBe(sorted);
    expect(grantsInMemoryOrder(copy)).toBe(declared);
    expect(grantUsers(copy)!.keys).toEqual(keys);
  });

  it('leaves the declared list as it was', () => {
    const grants = generatedGrants(6, 300, 10);
    const before = [...grants];
    finalizeModel(modelWith(grants));
    expect(grants).toEqual(before);
  });
});

describe("a user's grants in a namespace", () => {
  it("are the model's grants of that user there, in model order, whether or not the model is finalized", () => {
    for (const [seed, count, keys] of [
      [7, 3_000, 30],
      [8, 500, 2],
      [9, 1, 1],
    ] as const) {
      const declared = modelWith(generatedGrants(seed, count, keys)); // declaration order: a filter
      const sorted = finalizeModel(modelWith(generatedGrants(seed, count, keys))); // a binary search
      for (const model of [declared, sorted]) {
        const names = new Set(model.grants.map((g) => g.namespace));
        for (const ns of [...names, 'undeclared'])
          for (const user of [...new Set(model.grants.map((g) => g.user)), 'nobody', ''])
            expect(grantsOfUserIn(model, ns, user).map((g) => g.source)).toEqual(
              model.grants.filter((g) => g.namespace === ns && g.user === user).map((g) => g.source),
            );
      }
    }
  });

  it('are the same asked before the grants are sorted (a walk, synthesis asks a few) as after (a search)', () => {
    const grants = generatedGrants(16, 3_000, 30);
    const model = finalizeModel(modelWith(grants));
    // The reference from the declared list: model.grants would sort before the questions.
    const reference = (ns: string, user: string) =>
      byNamespaceThenUser(grants)
        .filter((g) => g.namespace === ns && g.user === user)
        .map((g) => g.source);
    const names = [...new Set(grants.map((g) => g.namespace))];
    const users = [...new Set(grants.map((g) => g.user)), 'nobody', ''];
    // The first questions are walked, the rest read the sorted list: both answer alike.
    for (let i = 0; i < 40; i++) {
      const [ns, user] = [names[i % names.length]!, users[(i * 7) % users.length]!];
      expect(grantsOfUserIn(model, ns, user).map((g) => g.source)).toEqual(reference(ns, user));
    }
    expect(grantsInMemoryOrder(model)).toEqual(grants);
  });
});
