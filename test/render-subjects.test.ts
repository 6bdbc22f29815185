/**
 * How synth/render.ts writes a binding's subjects, as the review's proof against base splices them
 * (review/base-proof.ts): a RoleBinding's text is its text up to SUBJECTS_LINE, then each
 * subject's entry (subjectEntry) in subjectKey's order; and surelyOneBinding's bound holds for any
 * name.
 */
import { describe, expect, it } from 'vitest';
import * as render from '../synth/render.ts';
import type { SubjectRef } from '../synth/render.ts';
import { toYamlDocument } from '../synth/yaml.ts';
import { generateSpec } from '../constructs/generate.ts';
import { objectsOfSpec } from './helpers.ts';

// Names any writer's escape or quoting touches: YAML's reserved words and indicators, JSON's
// escapes, characters orgctl never writes raw, lone and paired surrogates, a long one.
const NAMES = [
  'bob@acme.io',
  'true',
  'null',
  '- x',
  'a: b',
  '#x',
  ' lead',
  'trail ',
  'line\nbreak',
  'q"uote\\back',
  "it's",
  '\u0000\u0001\u001f',
  '\u2028\u2029\ufeff\ufffe\uffff',
  '\u007f\u0085\u009f', // DEL, NEL and C1: escaped for Go, 6 characters each
  '+argocd:skip-file-rendering', // its `+` written `\u002b`
  '\ud800',
  '\udc00x',
  '😀',
  'é',
  'x'.repeat(300),
];
const refs: SubjectRef[] = NAMES.flatMap((name) => [
  { kind: 'User', name },
  { kind: 'ServiceAccount', name, namespace: name },
  { kind: 'ServiceAccount', name: 'token-ci', namespace: name },
]);

describe("a RoleBinding's subjects as written", () => {
  it('are its text up to SUBJECTS_LINE, then each entry in subjectKey order, each subject once', () => {
    const bindings = render.namespaceRoleBindings('acme');
    const subjects = [...refs].reverse();
    const [binding, ...more] = bindings('web', [
      { roleKind: 'ClusterRole', roleName: 'acme:r:pods', subjects: [...subjects, ...subjects] },
    ]).map((o) => toYamlDocument(o));
    expect(more).toEqual([]);
    const at = binding!.indexOf(`\n${render.SUBJECTS_LINE}`) + 1 + render.SUBJECTS_LINE.length;
    const ordered = [...new Map(refs.map((r) => [render.subjectKey(r), r])).entries()].sort(([a], [b]) =>
      a < b ? -1 : 1,
    );
    expect(binding!.slice(at)).toBe(ordered.map(([, r]) => render.subjectEntry(r)).join(''));
  });

  it("count a subject's bytes at most 6 times its entry's characters (surelyOneBinding)", () => {
    for (const r of refs)
      expect(render.refBytes(r), JSON.stringify(r)).toBeLessThanOrEqual(6 * render.subjectEntry(r).length);
    expect(render.surelyOneBinding(32 * 1024)).toBe(true);
    expect(render.surelyOneBinding(32 * 1024 + 1)).toBe(false);
  });

  it('split into parts where their bytes pass the limit, which surelyOneBinding never says of one part', () => {
    const bindings = render.namespaceRoleBindings('acme');
    const many = Array.from({ length: 4000 }, (_, i): SubjectRef => ({ kind: 'User', name: `user-${i}@acme.io` }));
    const parts = bindings('web', [{ roleKind: 'ClusterRole', roleName: 'acme:r:pods', subjects: many }]).map((o) =>
      toYamlDocument(o),
    );
    expect(parts.length).toBeGreaterThan(1);
    const entries = many.map((r) => render.subjectEntry(r).length).reduce((a, b) => a + b);
    expect(render.surelyOneBinding(entries)).toBe(false);
  });

  it("share one frozen roleRef per role across namespaces, each binding written as its unshared copy's text", () => {
    const spec = generateSpec({ users: 30, namespaces: 6, grants: 300, tokens: 3, invites: 0, seed: 5 });
    const bindings = objectsOfSpec(spec).filter((o) => o.kind === 'RoleBinding') as unknown as {
      roleRef: { name: string };
    }[];
    const refs = new Map<string, object>();
    let shared = 0;
    for (const b of bindings) {
      expect(Object.isFrozen(b.roleRef)).toBe(true);
      expect(Object.keys(b.roleRef)).toEqual(['apiGroup', 'kind', 'name']);
      const earlier = refs.get(b.roleRef.name);
      if (earlier) expect(b.roleRef).toBe(earlier);
      else refs.set(b.roleRef.name, b.roleRef);
      if (earlier) shared++;
      expect(toYamlDocument(b as never)).toBe(toYamlDocument(JSON.parse(JSON.stringify(b))));
    }
    expect(shared).toBeGreaterThan(0);
  });

  it('make one frozen subject per person and token, whose kept texts no key, JSON text or copy sees', () => {
    const spec = generateSpec({ users: 30, namespaces: 6, grants: 300, tokens: 3, invites: 0, seed: 5 });
    const bindings = objectsOfSpec(spec).filter((o) => o.kind === 'RoleBinding') as unknown as {
      subjects: Record<string, unknown>[];
    }[];
    const subjects = new Map<string, object>();
    let shared = 0;
    const kinds = new Set<unknown>();
    for (const b of bindings)
      for (const s of b.subjects) {
        kinds.add(s.kind);
        expect(Object.isFrozen(s)).toBe(true);
        expect(Object.keys(s)).toEqual(
          s.kind === 'User' ? ['apiGroup', 'kind', 'name'] : ['kind', 'name', 'namespace'],
        );
        expect(Object.getOwnPropertySymbols({ ...s })).toEqual([]);
        expect(JSON.parse(JSON.stringify(s))).toEqual({ ...s });
        const key = JSON.stringify(s);
        const earlier = subjects.get(key);
        if (earlier) expect(s).toBe(earlier);
        else subjects.set(key, s);
        if (earlier) shared++;
      }
    expect([...kinds].sort()).toEqual(['ServiceAccount', 'User']);
    expect(shared).toBeGreaterThan(0);
    // Written twice, the second time from the texts kept on its subjects: each as its unshared copy's text.
    for (const b of bindings.slice(0, 20))
      for (let i = 0; i < 2; i++)
        expect(toYamlDocument(b as never)).toBe(toYamlDocument(JSON.parse(JSON.stringify(b))));
  });
});
