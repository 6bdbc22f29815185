/**
 * readRbac's subjects: a frozen mapping (the YAML reader's and synthesis's shared subjects) is
 * read once and looked up first (analysis/objects.ts subject); anything else is read each time,
 * and a malformed subject is refused in every binding that names it.
 */
import { describe, expect, it } from 'vitest';
import { readRbac, subjectId, type ManifestDoc } from '../analysis/objects.ts';

const binding = (name: string, subjects: unknown): ManifestDoc => ({
  file: 'f.yaml',
  index: 0,
  object: {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name, namespace: 'web' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects,
  },
});

describe('readRbac: subjects', () => {
  it('a frozen subject named by many bindings is one numbered subject', () => {
    const bob = Object.freeze({ kind: 'User', name: 'bob@acme.io' });
    const set = readRbac([binding('a', [bob]), binding('b', [bob]), binding('c', [bob])]);
    const [a, b, c] = set.bindings.map((x) => x.subjects[0]!);
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(subjectId(a!)).toBeTypeOf('number');
    expect({ ...a }).toEqual({ kind: 'User', name: 'bob@acme.io', namespace: '' });
  });

  it('a frozen malformed subject is refused in every binding naming it, not kept', () => {
    const nameless = Object.freeze({ kind: 'User' });
    const wrongKind = Object.freeze({ kind: 'Robot', name: 'r2' });
    const set = readRbac([
      binding('a', [nameless]),
      binding('b', [nameless]),
      binding('c', [wrongKind]),
      binding('d', [wrongKind]),
    ]);
    expect(set.bindings).toEqual([]);
    expect(set.problems).toEqual([
      'f.yaml#0: RoleBinding "a": subjects[0].name is missing',
      'f.yaml#0: RoleBinding "b": subjects[0].name is missing',
      'f.yaml#0: RoleBinding "c": subjects[0].kind "Robot" is not User, Group or ServiceAccount',
      'f.yaml#0: RoleBinding "d": subjects[0].kind "Robot" is not User, Group or ServiceAccount',
    ]);
  });

  it('a subject that is not frozen is read each time: changed between readings, it is read as it is now', () => {
    const eve = { kind: 'User', name: 'eve@acme.io' };
    const first = readRbac([binding('a', [eve])]).bindings[0]!.subjects[0]!;
    eve.name = 'mallory@acme.io';
    const second = readRbac([binding('b', [eve])]).bindings[0]!.subjects[0]!;
    expect(first.name).toBe('eve@acme.io');
    expect(second.name).toBe('mallory@acme.io');
    expect(subjectId(second)).toBeUndefined();
    eve.kind = 'Robot';
    expect(readRbac([binding('c', [eve])]).problems).toEqual([
      'f.yaml#0: RoleBinding "c": subjects[0].kind "Robot" is not User, Group or ServiceAccount',
    ]);
  });

  it('read without keeping its lists (the output judge), a binding reads as it does kept, and a later reader reads it the same', () => {
    const bob = Object.freeze({ kind: 'User', name: 'bob@acme.io' });
    const list = [bob, { kind: 'ServiceAccount', name: 'ci', namespace: 'acme-system' }];
    const docs = [binding('a', list), binding('b', [{ kind: 'Robot', name: 'r2' }])];
    const once = readRbac(docs, { keepLists: false });
    const kept = readRbac(docs);
    expect(once).toEqual(kept);
    expect(once.bindings[0]!.subjects[0]).toBe(kept.bindings[0]!.subjects[0]);
    expect(once.problems).toEqual([
      'f.yaml#0: RoleBinding "b": subjects[0].kind "Robot" is not User, Group or ServiceAccount',
    ]);
    expect(readRbac(docs).bindings[0]!.subjects).toBe(kept.bindings[0]!.subjects);
  });
});
