/**
 * Subjects read once for all their bindings carry a number (objects.ts subjectId), by which the
 * access index and the diff's grant count find them in arrays: what they answer is what they
 * answer for the same documents read without numbers (copies: every subject by name).
 */
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { generateSpec } from '../../constructs/generate.ts';
import { Organization } from '../../constructs/index.ts';
import { synthesize } from '../../constructs/synthesize.ts';
import { parseCanonicalYaml, toYamlStream } from '../../synth/yaml.ts';
import { accessIndex, accessMatrix, accessMatrixJson } from '../../analysis/access.ts';
import { Authorizer } from '../../analysis/authorizer.ts';
import { bySubject, readRbac, subjectId, type ManifestDoc } from '../../analysis/objects.ts';
import { isBootstrapBinding, withBootstrap } from '../../analysis/bootstrap.ts';
import { roleBinding, TODAY } from '../helpers.ts';

const docsOf = (text: string, file = 'f.yaml'): ManifestDoc[] =>
  parseCanonicalYaml(text)!.map((object, index) => ({ file, index, object }));

function generatedDocs(seed: number): ManifestDoc[] {
  const root = new Construct(undefined as never, '');
  Organization.fromSpec(root, generateSpec({ users: 60, namespaces: 12, grants: 420, tokens: 8, seed }), {
    today: TODAY,
  });
  return synthesize(root, { today: TODAY, declaredIn: 'test' })
    .files.filter((f) => f.path.endsWith('.yaml'))
    .flatMap((f) => docsOf(f.content, f.path));
}

const user = (name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name });
const role = (name: string, resource: string) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name },
  rules: [{ apiGroups: [''], resources: [resource], verbs: ['get'] }],
});

/**
 * Subjects the numbers must not merge or split: one person written as two texts (with and without
 * apiGroup), a ServiceAccount named without a namespace (a different account in each binding's),
 * the same with one, a group, and a person twice in one binding.
 */
const EDGES = toYamlStream([
  role('pods', 'pods'),
  role('secrets', 'secrets'),
  roleBinding('a', 'b1', 'pods', [user('ann'), { kind: 'User', name: 'ann' }, { kind: 'ServiceAccount', name: 'ci' }]),
  roleBinding('a', 'b2', 'secrets', [user('bob'), user('ann'), { kind: 'Group', name: 'devs' }]),
  roleBinding('b', 'b3', 'pods', [
    { kind: 'User', name: 'ann' },
    { kind: 'ServiceAccount', name: 'ci' },
    { kind: 'ServiceAccount', name: 'ci', namespace: 'a' },
    user('bob'),
    user('bob'),
  ]),
  roleBinding('c', 'b4', 'secrets', [{ kind: 'ServiceAccount', name: 'ci', namespace: 'a' }, user('ann')]),
]);

const unnumbered = (docs: readonly ManifestDoc[]) => docs.map((d) => ({ ...d, object: structuredClone(d.object) }));
const authzOf = (docs: readonly ManifestDoc[]) => new Authorizer(withBootstrap(readRbac(docs)));
const jsonOf = (docs: readonly ManifestDoc[], options?: Parameters<typeof accessMatrixJson>[1]) =>
  Buffer.concat(accessMatrixJson(authzOf(docs), options)).toString();

describe('subject numbers', () => {
  it('number each subject read for all its bindings once, hidden from its data', () => {
    const rbac = readRbac(docsOf(EDGES));
    const [b1, b2, b3] = rbac.bindings;
    const ann = b2!.subjects[1]!;
    expect(subjectId(ann)).toBeTypeOf('number');
    expect(b1!.subjects[0]).toBe(ann); // the same text, the same object
    expect(b1!.subjects[1]).not.toBe(ann); // another text for the same person: another number
    expect(subjectId(b1!.subjects[1]!)).not.toBe(subjectId(ann));
    expect(b3!.subjects[0]).toBe(b1!.subjects[1]);
    expect(Object.keys(ann)).toEqual(['kind', 'name', 'namespace']);
    expect(JSON.stringify(ann)).toBe('{"kind":"User","name":"ann","namespace":""}');
    expect(ann).toEqual({ kind: 'User', name: 'ann', namespace: '' });
    // Read from objects that are not the YAML reader's shared ones: no number.
    expect(readRbac(unnumbered(docsOf(EDGES))).bindings.flatMap((b) => b.subjects.map(subjectId))).toEqual(
      Array(13).fill(undefined),
    );
  });

  it('answer once per subject read before, and each time for one numbered after', () => {
    const asked: string[] = [];
    const before = readRbac(docsOf(EDGES)).bindings.flatMap((b) => b.subjects);
    const nameOf = bySubject((s) => {
      asked.push(s.name);
      return s.name;
    });
    const after = readRbac(docsOf(toYamlStream([roleBinding('d', 'b5', 'pods', [user('cyd')])]))).bindings[0]!.subjects;
    expect(subjectId(after[0]!)).toBeGreaterThan(Math.max(...before.map((s) => subjectId(s)!)));
    expect([...before, ...before, ...after, ...after].map(nameOf)).toEqual(
      [...before, ...before, ...after, ...after].map((s) => s.name),
    );
    // Each subject read before asked once (by its object); cyd, numbered after, each time.
    expect(asked.filter((n) => n === 'cyd')).toHaveLength(2);
    expect(asked.length).toBe(new Set(before).size + 2);
  });

  it('index subjects with numbers as by name: two texts of one person, accounts without a namespace, repeats', () => {
    const docs = docsOf(EDGES);
    const index = accessIndex(authzOf(docs), { apart: isBootstrapBinding });
    expect(index).toEqual(accessIndex(authzOf(unnumbered(docs)), { apart: isBootstrapBinding }));
    expect(index.filter((s) => s.kind !== 'Group').map((s) => `${s.kind} ${s.name}`)).toEqual([
      'ServiceAccount a:ci',
      'ServiceAccount b:ci',
      'User ann',
      'User bob',
    ]);
    const scopes = (name: string) =>
      index.find((s) => s.name === name)!.scopes.map(([ns, list]) => `${ns}:${list.map((c) => c.binding.name)}`);
    expect(scopes('ann')).toEqual(['a:b1,b1,b2', 'b:b3', 'c:b4']);
    expect(scopes('bob')).toEqual(['a:b2', 'b:b3,b3']);
    expect(scopes('a:ci')).toEqual(['a:b1', 'b:b3', 'c:b4']);
    expect(scopes('b:ci')).toEqual(['b:b3']);
    expect(jsonOf(docs)).toBe(jsonOf(unnumbered(docs)));
  });

  it('keep only the scopes asked for, by number as by name', () => {
    const docs = docsOf(EDGES);
    const only = new Map<string, ReadonlySet<string> | true>([
      ['ann', new Set(['b'])],
      ['a:ci', true],
      ['b:ci', new Set(['a'])],
    ]);
    const numbered = accessMatrix(authzOf(docs), { only });
    expect(numbered).toEqual(accessMatrix(authzOf(unnumbered(docs)), { only }));
    expect(numbered.map((s) => `${s.name}: ${Object.keys(s.namespaces)}`)).toEqual(['a:ci: a,b,c', 'ann: b']);
    expect(jsonOf(docs, { only })).toBe(jsonOf(unnumbered(docs), { only }));
  });

  it('list subjects in UTF-16 order, as `<` compares names (past ASCII, surrogates, case, length)', () => {
    const names = ['b', 'B', 'a-b', 'a_b', 'aa', 'a', 'é', 'e\u0301', '\u{1F600}', '\uFF5E', 'ns-10', 'ns-9', 'Z'];
    const docs = docsOf(toYamlStream([role('pods', 'pods'), roleBinding('a', 'b1', 'pods', names.map(user))]));
    const listed = accessMatrix(authzOf(docs))
      .filter((s) => s.kind === 'User')
      .map((s) => s.name);
    expect(listed).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(listed).not.toEqual([...names].sort((a, b) => a.localeCompare(b))); // the order is not the locale's
  });

  it.each([1, 2, 3])('index a generated organization as by name (seed %i)', (seed) => {
    const docs = generatedDocs(seed);
    expect(readRbac(docs).bindings.some((b) => b.subjects.some((s) => subjectId(s) !== undefined))).toBe(true);
    expect(jsonOf(docs, { apart: isBootstrapBinding })).toBe(jsonOf(unnumbered(docs), { apart: isBootstrapBinding }));
  });
});
