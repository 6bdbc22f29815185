/**
 * The strict reader finds what a document's apiVersion and kind make it once per pair (which kinds
 * orgctl writes, where, in which version) and keeps a frozen value's verdict: neither lets a
 * document through that the pair or the value itself refuses, whatever was read before it.
 */
import { describe, expect, it } from 'vitest';
import { parseOutput } from '../cli/output-read.ts';
import { OUTPUT_HEADER } from '../synth/render.ts';
import { userSubjectLines } from './verdict-questions.ts';

const PATH = 'c1/shard-00/resources.yaml';

/** One file of orgctl's output holding `docs`. */
const file = (docs: readonly string[]) => [
  { path: PATH, label: `dist/${PATH}`, content: `${OUTPUT_HEADER}\n${docs.map((d) => `---\n${d}`).join('')}` },
];

const binding = (name: string, apiVersion = 'rbac.authorization.k8s.io/v1', kind = 'RoleBinding', labels = '') =>
  [
    `apiVersion: ${apiVersion}`,
    `kind: ${kind}`,
    'metadata:',
    ...(labels ? ['  labels:', `    team: ${labels}`] : []),
    `  name: ${name}`,
    '  namespace: web',
    'roleRef:',
    '  apiGroup: rbac.authorization.k8s.io',
    '  kind: ClusterRole',
    '  name: acme:r:full',
    'subjects:',
    ...userSubjectLines('ann@acme.io'),
    '',
  ].join('\n');

const refusal = (docs: readonly string[]): string => {
  try {
    parseOutput(file(docs));
  } catch (e) {
    return (e as Error).message;
  }
  return '';
};

describe('parseOutput after documents of the same apiVersion and kind were accepted', () => {
  it('refuses another version or kind of one read before, and an apiVersion that is no string', () => {
    const accepted = [binding('a'), binding('b')];
    expect(refusal(accepted)).toBe('');
    const message = refusal([
      ...accepted,
      binding('c', 'rbac.authorization.k8s.io/v1beta1'),
      binding('d', 'rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'),
      binding('e', '1'),
      binding('f'),
    ]);
    expect(message).toMatch(/#2: .*rbac\.authorization\.k8s\.io\/v1beta1 RoleBinding is not a kind orgctl writes/);
    expect(message).toMatch(/#3: .*rbac\.authorization\.k8s\.io\/v1 ClusterRoleBinding is not a kind orgctl writes/);
    expect(message).toMatch(/#4: .*1 RoleBinding is not a kind orgctl writes/);
    expect(message).not.toMatch(/#[015]:/);
  });

  it('refuses a namespaced kind without its namespace after others of it with theirs', () => {
    const unplaced = binding('g').replace('  namespace: web\n', '');
    expect(refusal([binding('a'), unplaced])).toMatch(/#1: a RoleBinding without metadata\.namespace/);
  });

  it('judges the pair as before once more pairs were read than are kept', () => {
    const madeUp = Array.from({ length: 300 }, (_, i) => binding(`m${i}`, `example.com/v${i}`, `Kind${i}`));
    expect(refusal(madeUp)).toMatch(/300 files of orgctl's output cannot be trusted/);
    expect(refusal([binding('h', 'rbac.authorization.k8s.io/v1beta1')])).toMatch(
      /#0: .*v1beta1 RoleBinding is not a kind orgctl writes/,
    );
    expect(refusal([binding('i', 'example.com/v7', 'Kind7')])).toMatch(/#0: .*example\.com\/v7 Kind7 is not a kind/);
    expect(refusal([binding('j')])).toBe('');
  });

  it('refuses labels the API server refuses after the same object was accepted with labels it accepts', () => {
    const message = refusal([binding('a', undefined, undefined, 'web'), binding('b', undefined, undefined, '"-web"')]);
    expect(message).toMatch(/#1: .*label team "-web"/);
    expect(message).not.toMatch(/#0:/);
  });
});
