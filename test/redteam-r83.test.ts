/**
 * Red team R83 (base 9bd5cfd): answers that differ from what is applied. Argo CD applies dist/
 * (Go's YAML, the API server); orgctl answers from several readers of it: the strict full read
 * (access, diff, review), the partial read of one namespace's shard (can-i, who-can), explain's
 * index, the membership shards. Each hole has its test, then its fix, in separate commits.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ROOT, run, shardHolding, tempDir, W_FULL_FOR_BOB } from './helpers.ts';
import { bothReads, expectPartialRefusesAsFull } from './partial-read-switch.ts';

// The full read on demand: readForQuestion answering "cannot bound" is what can-i and who-can do then.
vi.mock('../cli/partial-read.ts', async (original) =>
  (await import('./partial-read-switch.ts')).fullReadOnDemand(await original()),
);

/**
 * The example's dist/ with a RoleBinding of ns-22 (which the example's shard count places in web's
 * shard) appended to web's shard, `below` written under its head (after its roleRef, before its
 * subjects): lines of another namespace's document, which the partial read skips unparsed.
 */
function withNeighbourLines(below: readonly string[]): string {
  const dir = join(tempDir('orgctl-r83-'), 'dist');
  cpSync(join(ROOT, 'dist'), dir, { recursive: true });
  const path = join(dir, shardHolding(dir, 'web'));
  const doc = [
    '---',
    ...W_FULL_FOR_BOB.slice(0, 3), // apiVersion, kind: RoleBinding, metadata:
    '  name: acme:r:pods',
    '  namespace: ns-22',
    ...W_FULL_FOR_BOB.slice(5, 9), // roleRef
    ...below,
    ...W_FULL_FOR_BOB.slice(9),
    '',
  ].join('\n');
  writeFileSync(path, readFileSync(path, 'utf8') + doc);
  return dir;
}

/**
 * R83-1 (R77's leftover): the partial read skips unparsed the documents of other namespaces in the
 * shard it reads, reading only their heads. YAML the strict reader refuses below a head (and Go
 * refuses, or reads as another value) was answered by can-i and who-can where access, diff and review
 * refuse the output and kubectl refuses the file (Argo CD applies none of it: a binding of web
 * revoked in dist/ stays in the cluster).
 */
describe("R83-1: what the strict reader refuses below the head of another namespace's document", () => {
  const refused: Record<string, readonly string[]> = {
    'a line indented deeper than its mapping (Go: mapping values are not allowed)': ['extra:', '  a: x', '    b: y'],
    'a key written twice': ['extra:', '  a: x', '  a: y'],
    'an anchor and an alias': ['extra:', '  a: &x y', '  b: *x'],
    'a merge key': ['extra:', '  <<: x'],
    'a tag': ['extra:', '  a: !!str y'],
    'a YAML 1.1 octal (Go reads 0777 as 511)': ['extra:', '  a: 0777'],
    'a YAML 1.1 boolean (Go reads yes as true)': ['extra:', '  a: yes'],
    'a \\/ escape (Go has none)': ['extra:', '  a: "\\/"'],
    'a surrogate escape': ['extra:', '  a: "\\ud800"'],
    'a comment after a value': ['extra:', '  a: x # y'],
    'a nested block of three spaces': ['extra:', '   a: x'],
    'a plain scalar folded over two lines': ['extra:', '  a: x', '   y'],
  };
  for (const [what, below] of Object.entries(refused)) {
    it(`can-i and who-can refuse ${what}, as the full read does`, async () => {
      const dir = withNeighbourLines(below);
      await expectPartialRefusesAsFull(() =>
        run(['can-i', 'get', 'pods', '-n', 'web', '--as', 'bob@acme.io', '--dir', dir]),
      );
      await expectPartialRefusesAsFull(() => run(['who-can', 'get', 'pods', '-n', 'web', '--dir', dir]));
    });
  }

  it('a guard: the same document written as orgctl writes it is answered by both', async () => {
    const dir = withNeighbourLines(['extra:', '  a: x']);
    const ask = ['can-i', 'get', 'pods', '-n', 'web', '--as', 'bob@acme.io', '--dir', dir];
    const { full, partial } = await bothReads(() => run(ask));
    expect(full.code, full.stderr).toBe(0);
    expect([partial.code, partial.stdout]).toEqual([full.code, full.stdout]);
  });
});
