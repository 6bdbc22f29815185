/** Reading orgctl's output folder: every file whole, one after another through one buffer. */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type OutputText, parseOutput, readOutputFolder } from '../cli/output-read.ts';
import { OUTPUT_HEADER } from '../synth/render.ts';
import { run, tempDir, exampleDistCopy } from './helpers.ts';

describe('readOutputFolder', () => {
  it('reads each file whole and as it is, small or larger than the buffer it began with, in any order', () => {
    const dir = tempDir();
    const texts: Record<string, string> = {
      'a/empty.yaml': '',
      'b/small.yaml': 'kind: Role\n',
      'c/three-mib.yaml': `# ${'x'.repeat(3 << 20)}\n`,
      'd/after-the-large-one.yaml': 'short: é\n', // shorter than what the buffer held before
      'e/one-mib-exactly.yaml': 'y'.repeat(1 << 20),
    };
    for (const [path, text] of Object.entries(texts)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const paths = Object.keys(texts);
    for (const order of [paths, [...paths].reverse()]) {
      const read = readOutputFolder(dir, order);
      expect(read.map((f) => f.path)).toEqual(order);
      for (const f of read) expect(f.content).toBe(texts[f.path]);
    }
  });

  it('refuses a file that is not UTF-8, naming it', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.yaml'), Buffer.from([0x61, 0xff, 0x0a]));
    expect(() => readOutputFolder(dir, ['bad.yaml'])).toThrow(/bad\.yaml: not valid UTF-8/);
  });
});

describe('a list in orgctl output (R38, seen beside its holes)', () => {
  // kubectl and Argo CD apply a List's items each as an object of its own. Read as one object of
  // kind List, a RoleBinding among them bound without can-i, who-can or access seeing it.
  const LIST = [
    '---',
    'apiVersion: v1',
    'kind: List',
    'items:',
    '- apiVersion: rbac.authorization.k8s.io/v1',
    '  kind: RoleBinding',
    '  metadata:',
    '    name: everyone',
    '    namespace: web',
    '  roleRef:',
    '    apiGroup: rbac.authorization.k8s.io',
    '    kind: ClusterRole',
    '    name: acme:w:full',
    '  subjects:',
    '  - apiGroup: rbac.authorization.k8s.io',
    '    kind: Group',
    '    name: system:authenticated',
    '',
  ].join('\n');

  it.each([
    [['can-i', 'delete', 'secrets', '-n', 'web', '--as', 'erin@acme.io']],
    [['access', '--format', 'json']],
  ])('%j refuses the output, naming the list', async (ask) => {
    const dir = exampleDistCopy();
    appendFileSync(join(dir, 'lga1/shard-17/resources.yaml'), LIST);
    const r = await run([...ask, '--dir', dir]);
    expect(r.code, r.stdout).toBe(2);
    expect(r.stderr).toContain('shard-17/resources.yaml#');
    expect(r.stderr).toMatch(/a List, whose items kubectl and Argo CD apply as objects of their own/);
  });
});

describe('an object written twice is refused naming where it was first read (R83-2)', () => {
  const head = `${OUTPUT_HEADER}\n`;
  const ns = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;
  const file = (path: string, ...docs: string[]): OutputText => ({
    path,
    label: `dist/${path}`,
    content: head + docs.map((d) => `---\n${d}`).join(''),
  });

  it('in its own file, in another file of its cluster, and not across clusters', () => {
    const files = [
      file('lga1/shard-01/resources.yaml', ns('web'), ns('data'), ns('web')),
      file('lga1/shard-02/resources.yaml', ns('ops'), ns('data')),
      file('fra1/shard-01/resources.yaml', ns('web'), ns('data')),
    ];
    let message = '';
    try {
      parseOutput(files);
    } catch (e) {
      message = (e as Error).message;
    }
    const twice = message.split('\n').filter((line) => line.includes('written twice'));
    expect(twice.map((line) => line.trim().replace(/: kubectl and Argo CD .*/, ''))).toEqual([
      'dist/lga1/shard-01/resources.yaml#2: Namespace web written twice (first at dist/lga1/shard-01/resources.yaml#0)',
      'dist/lga1/shard-02/resources.yaml#1: Namespace data written twice (first at dist/lga1/shard-01/resources.yaml#1)',
    ]);
    // fra1's copies are each once in their cluster: read.
    expect(parseOutput(files.slice(2)).map((d) => `${d.file}#${d.index}`)).toEqual([
      'dist/fra1/shard-01/resources.yaml#0',
      'dist/fra1/shard-01/resources.yaml#1',
    ]);
  });
});
