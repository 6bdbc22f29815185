/**
 * readRbacIfOrgctlOutput (cli/output-read.ts): access's read of orgctl's output, each file's
 * documents read into RBAC as soon as the file is judged. It must read what readRbac of the whole
 * read (readIfOrgctlOutput) reads, and refuse all it refuses, with the same message: what is
 * judged across files (an object placed elsewhere, one written twice) and a refusal in the last
 * file read as much as in the first.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRbac } from '../analysis/objects.ts';
import { readIfOrgctlOutput, readRbacIfOrgctlOutput } from '../cli/output-read.ts';
import { appendDocument, exampleDistCopy, ROOT, tempDir } from './helpers.ts';
import { roleBindingText } from './verdict-questions.ts';

/** What `read` throws (a refusal's message), or undefined. */
function refusalOf(read: () => unknown): string | undefined {
  try {
    read();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** A RoleBinding of `namespace` (none: no such line) giving mallory acme:r:pods, as lines. */
const roleBinding = (namespace: string, name: string): string[] =>
  roleBindingText(namespace, name, ['- apiGroup: rbac.authorization.k8s.io', '  kind: User', '  name: mallory@acme.io'])
    .split('\n')
    .filter((line) => line !== '---' && line !== '' && line !== '  namespace: ');

/** The example's first ClusterRole, named `name`, as lines. */
function clusterRole(name: string): string[] {
  const text = readFileSync(join(ROOT, 'dist', 'lga1', 'cluster', 'resources.yaml'), 'utf8');
  const doc = text.split('\n---\n').find((d) => d.includes('\nkind: ClusterRole\n'))!;
  return doc
    .trimEnd()
    .split('\n')
    .map((line) => (line.startsWith('  name: ') ? `  name: ${name}` : line));
}

describe('readRbacIfOrgctlOutput', () => {
  it("reads the example's dist/ as readRbac of the whole read does", () => {
    const dir = join(ROOT, 'dist');
    const whole = readIfOrgctlOutput(dir);
    expect(whole).toBeDefined();
    expect(readRbacIfOrgctlOutput(dir)).toEqual({ rbac: readRbac(whole!.docs), listing: whole!.listing });
  });

  it('reads no folder that is not orgctl output', () => {
    const dir = tempDir('output-read-rbac');
    writeFileSync(join(dir, 'roles.yaml'), `${clusterRole('other').join('\n')}\n`);
    expect(readRbacIfOrgctlOutput(dir)).toBeUndefined();
  });

  const forgeries: [string, (dir: string) => void][] = [
    [
      'a RoleBinding of web in the cluster shard (placed elsewhere)',
      (d) => appendDocument(d, 'cluster', roleBinding('web', 'extra')),
    ],
    [
      'a RoleBinding of web in the last shard file read (placed elsewhere, or a copy)',
      (d) => appendDocument(d, 'shard-29', roleBinding('web', 'extra'), 'ord1'),
    ],
    [
      'a ClusterRole written twice, in two files of one cluster',
      (d) => {
        appendDocument(d, 'cluster', clusterRole('forged'));
        appendDocument(d, 'shard-29', clusterRole('forged'));
      },
    ],
    [
      'an object the API server refuses, in the last file read',
      (d) => appendDocument(d, 'shard-29', roleBinding('web', 'a/b'), 'ord1'),
    ],
    [
      'YAML that orgctl does not write, in the last file read',
      (d) => appendDocument(d, 'shard-29', roleBinding('web', 'a%b'), 'ord1'),
    ],
    [
      'an object the API server refuses, in the first shard file read',
      (d) => appendDocument(d, 'cluster', clusterRole('a/b')),
    ],
    [
      'a RoleBinding without its namespace',
      (d) =>
        appendDocument(
          d,
          'shard-04',
          roleBinding('', 'extra').filter((l) => !l.includes('namespace: ')),
        ),
    ],
  ];

  it.each(forgeries)('refuses %s, with the whole read message', (_what, forge) => {
    const dir = exampleDistCopy('output-read-rbac', forge);
    const refused = refusalOf(() => readIfOrgctlOutput(dir));
    expect(refused).toMatch(/cannot be trusted/);
    expect(refusalOf(() => readRbacIfOrgctlOutput(dir))).toBe(refused);
  });
});
