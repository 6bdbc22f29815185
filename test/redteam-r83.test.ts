/**
 * Red team R83 (base 9bd5cfd): answers that differ from what is applied. Argo CD applies dist/
 * (Go's YAML, the API server); orgctl answers from several readers of it: the strict full read
 * (access, diff, review), the partial read of one namespace's shard (can-i, who-can), explain's
 * index, the membership shards. Each hole has its test, then its fix, in separate commits.
 *
 * R83-1 (medium, closed; R77's leftover): the partial read skipped unparsed, by their heads, the
 * other namespaces' documents of the shard it reads: YAML the strict reader refuses below a head (a
 * line indented too deep, a duplicate key, an anchor, a merge key, a tag, 0777, yes, a comment)
 * was answered by can-i and who-can where the full read refuses and Go refuses the whole file (its
 * Application applies none of it). Every file the partial read reads is now parsed whole, strictly.
 */
import { describe, expect, it, vi } from 'vitest';
import { run, withNeighbourBinding } from './helpers.ts';
import { bothReads, expectPartialRefusesAsFull } from './partial-read-switch.ts';

// The full read on demand: readForQuestion answering "cannot bound" is what can-i and who-can do then.
vi.mock('../cli/partial-read.ts', async (original) =>
  (await import('./partial-read-switch.ts')).fullReadOnDemand(await original()),
);

/** The example's dist/ with a RoleBinding of ns-22 appended to web's shard, `below` after its roleRef. */
const withNeighbourLines = (below: readonly string[]): string => withNeighbourBinding([], below);

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
