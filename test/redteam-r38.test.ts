/**
 * Red team R38: the partial read (cli/partial-read.ts) as hardened by 0066b08, against a forged or
 * hand-edited dist/ (a pull request's head checked out, a local edit). Each test asserts the safe
 * behaviour: can-i / who-can answer as the full read of the same folder does.
 *
 * R38-1 (low; R35-2's class, a path 0066b08 did not reach): a head read from lines Go reads as
 *     part of a quoted scalar. The partial read takes a document's metadata.namespace from the
 *     line `  namespace: X` of its metadata block when that key is written once there (up to the
 *     next line at column 0), and skips a RoleBinding whose X is another namespace of the same
 *     shard. Go's YAML reader (go-yaml's scanner, used by sigs.k8s.io/yaml: kubectl, Argo CD)
 *     does not check the indentation of a quoted scalar's continuation lines: a double-quoted
 *     annotation opened in the metadata block swallows `  namespace: ns-22` and a line at column 0
 *     (`x: y"`, a plain key to the partial read), and the real `  namespace: web` follows it. The
 *     forged RoleBinding, of Group system:authenticated to acme:w:full, is one in web to the
 *     cluster, a binding of ns-22 (web's shard, shard-17, at 32 shards) to the partial read, which
 *     skips it unparsed: `can-i delete secrets -n web --as erin@acme.io` says no (exit 1) and
 *     who-can does not name the group, where the full read refuses the output (exit 2) and the
 *     cluster grants it. Not 0066b08's "Left" (content below a skipped head): here the head itself
 *     is not what Go reads. (PyYAML, of the same libyaml scanner, reads namespace web. Without the
 *     real namespace line Go reads none, and Argo CD would apply the binding in the Application's
 *     destination namespace, acme-system. A flow collection's plain scalars are not indented
 *     either: the class is any multi-line scalar or collection.) Safe: the full read's answer.
 *
 * R38-2 (low; a forged dist/ checked out, who runs can-i or who-can on it): the partial read's
 *     head costs time quadratic in a shard's documents. headOf looks for `\n  name:` and
 *     `\n  namespace:` from each document's metadata block forward with indexOf, which runs to the
 *     file's end when no later document holds the key. web's shard with documents
 *     `---\nmetadata:\n  a: b\n` appended (no kind, no name: each parsed, and the full read
 *     accepts them) makes `can-i ... -n web` scan the rest of the file once per document: 50 KB
 *     appended cost 95 ms, 100 KB 262 ms, 200 KB 1.0 s, 400 KB 4.2 s (x4 per doubling), 4 MB 417 s,
 *     where the full read of the same 4 MB folder took 144 ms (in process, tsx, this VM). The
 *     cluster shard, read for every question, goes through the same code. The test counts the characters indexOf/lastIndexOf pass over (a count of work, not a time).
 *     Safe: work linear in the bytes read.
 *
 * Held (no test): every `---`/`...` line but orgctl's sends the file to the strict parse; a key
 * with a space or tab before its colon, `? `, `{`, `%YAML`, a comment or empty line at column 0,
 * a look-alike key, `kind: X # c`, a quoted or continued kind: the document is parsed; CR, tab,
 * BOM, NEL, U+2028, overlong or surrogate UTF-8 (isUtf8 refuses them as the fatal decoder does):
 * parsed whole; a block scalar cannot reach a metadata line at two spaces; a subjects block hides
 * no Group (every line after it must be a plain User/ServiceAccount field, no quote); shard files
 * of another width, nested, symlinked or a folder: the full read; LOOKED_FOR and the other
 * expressions run in linear time (4 MB of short letter lines, one 4 MB line, metadata blocks of
 * deep lines: 44-146 ms).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { readForQuestion } from '../cli/partial-read.ts';
import { shardOf } from '../synth/render.ts';
import { run, shardHolding, W_FULL_FOR_BOB, exampleDistCopy } from './helpers.ts';
import { bothReads, expectPartialRefusesAsFull } from './partial-read-switch.ts';

// The full read on demand: readForQuestion answering "cannot bound" is what can-i and who-can do then.
vi.mock('../cli/partial-read.ts', async (original) =>
  (await import('./partial-read-switch.ts')).fullReadOnDemand(await original()),
);

/** The example's dist/ (test/fixtures/specs/acme.yaml synthesized), copied, with `text` appended to web's shard. */
function distWithWebShardEnding(text: string): string {
  const dir = exampleDistCopy('orgctl-r38-');
  const path = join(dir, shardHolding(dir, 'web'));
  writeFileSync(path, readFileSync(path, 'utf8') + text);
  return dir;
}

/** Another namespace placed in web's shard (no such namespace need exist). */
const WEB_SHARD_NEIGHBOUR = 'ns-22';

/**
 * A RoleBinding giving Group system:authenticated acme:w:full, whose metadata block holds the
 * line `  namespace: ns-22` inside a double-quoted annotation (go-yaml reads no indentation in a
 * quoted scalar's continuation lines), and then `  namespace: web`, which Go reads.
 */
const quotedHead = [
  '---',
  ...W_FULL_FOR_BOB.slice(0, 3), // apiVersion, kind: RoleBinding, metadata:
  '  annotations:',
  '    note: "a',
  `  namespace: ${WEB_SHARD_NEIGHBOUR}`,
  'x: y"',
  '  name: everyone',
  ...W_FULL_FOR_BOB.slice(4, -2), // namespace: web, roleRef, subjects: and the subject's apiGroup
  '  kind: Group',
  '  name: system:authenticated',
  '',
].join('\n');

describe('R38-1: a metadata.namespace line Go reads inside a quoted scalar', () => {
  it('guard: the neighbour namespace is placed in web’s shard', () => {
    expect(shardOf(WEB_SHARD_NEIGHBOUR, 32)).toBe(shardOf('web', 32));
  });

  it('can-i delete secrets -n web --as erin@acme.io answers as the full read (which refuses the output)', async () => {
    const dir = distWithWebShardEnding(quotedHead);
    const ask = ['can-i', 'delete', 'secrets', '-n', 'web', '--as', 'erin@acme.io', '--dir', dir];
    await expectPartialRefusesAsFull(() => run(ask));
  });

  it('who-can delete secrets -n web answers as the full read', async () => {
    const dir = distWithWebShardEnding(quotedHead);
    const ask = ['who-can', 'delete', 'secrets', '-n', 'web', '--dir', dir, '--format', 'json'];
    const { full, partial } = await bothReads(() => run(ask));
    expect(full.code, full.stdout + full.stderr).toBe(2);
    expect([partial.code, partial.stdout]).toEqual([full.code, full.stdout]);
  });
});

describe('R38-2: the partial read’s head search is quadratic in a shard’s documents', () => {
  /** Characters String.prototype.indexOf and lastIndexOf pass over while `f` runs. */
  function charactersSearched(f: () => void): number {
    const { indexOf, lastIndexOf } = String.prototype;
    let searched = 0;
    String.prototype.indexOf = function (this: string, s: string, from?: number) {
      const at = indexOf.call(this, s, from);
      searched += (at < 0 ? this.length : at) - Math.max(0, from ?? 0);
      return at;
    };
    String.prototype.lastIndexOf = function (this: string, s: string, from?: number) {
      const at = lastIndexOf.call(this, s, from);
      searched += Math.min(from ?? this.length, this.length) - Math.max(at, 0);
      return at;
    };
    try {
      f();
    } finally {
      Object.assign(String.prototype, { indexOf, lastIndexOf });
    }
    return searched;
  }

  // Documents without a kind, as first measured, are refused since R96-1 (kubectl refuses their
  // file): ConfigMaps of web, which the partial read parses and keeps no RBAC of, stand for them.
  it('documents of no RBAC in web’s shard cost the partial read work linear in their bytes', () => {
    const question = { namespace: 'web', subject: { kind: 'User' as const, name: 'erin@acme.io', namespace: '' } };
    const ask = (dir: string) => () => expect(readForQuestion(dir, question)).toBeDefined();
    const added = Array.from(
      { length: 2000 },
      (_, i) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\n  namespace: web\n`,
    ).join(''); // 120 KB
    const before = charactersSearched(ask(distWithWebShardEnding('')));
    const after = charactersSearched(ask(distWithWebShardEnding(added)));
    // Reading the whole dist/ searches about 8 characters a byte read; 64 a byte added is generous.
    expect(after - before, 'characters searched for the documents added').toBeLessThan(64 * added.length);
  });
});
