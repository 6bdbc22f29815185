/**
 * A folder of orgctl's output holding shards but no cluster shard (dist/lga2/shard-17 without
 * dist/lga2/cluster/resources.yaml) is no cluster (clustersOfFolder), and was left out without a
 * word: can-i, who-can and access answered as if it were not there, and diff counted its objects
 * as any cluster's, while Argo CD's ApplicationSet (dist/*\/*) still applies it to a cluster of that
 * name. Each now warns, naming the folder and what it lacks. (synth --check and review's
 * output-proof already name its file as one orgctl would not write.)
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendDocument, ERIN_FULL_IN_WEB, exampleDistCopy, run } from './helpers.ts';

/** The example's dist/ with a folder lga2 holding shard-17 (erin given acme:r:full in web) and no cluster shard. */
const withLga2 = () =>
  exampleDistCopy('orgctl-cluster-incomplete-', (d) => appendDocument(d, 'shard-17', ERIN_FULL_IN_WEB, 'lga2'));

const COMMANDS: readonly (readonly string[])[] = [
  ['can-i', 'get', 'pods', '-n', 'web', '--as', 'erin@acme.io'],
  ['who-can', 'get', 'pods', '-n', 'web'],
  ['access'],
];

/** The warning lines of `stderr` that name the folder lacking its cluster shard. */
const lacking = (stderr: string, folder: string) =>
  stderr.split('\n').filter((l) => l.includes(folder) && l.includes('no cluster shard'));

describe('a cluster folder without its cluster shard', () => {
  it.each(COMMANDS)('%s warns, naming the folder and the file it lacks', async (...args) => {
    const dir = withLga2();
    const r = await run([...args, '--dir', dir]);
    const lines = lacking(r.stderr, join(dir, 'lga2'));
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^warning manifests /);
    expect(lines[0]).toContain('shard-17/resources.yaml');
    expect(lines[0]).toContain('lga2/cluster/resources.yaml');
  });

  it.each(COMMANDS)('%s says nothing of it for the output as synthesized', async (...args) => {
    const dir = exampleDistCopy('orgctl-cluster-complete-');
    const r = await run([...args, '--dir', dir]);
    expect(r.stderr).not.toContain('no cluster shard');
  });

  it('diff warns of the side holding it, naming the folder and the file it lacks', async () => {
    const base = exampleDistCopy('orgctl-cluster-complete-');
    const head = withLga2();
    const r = await run(['diff', '--base', base, '--head', head]);
    const lines = lacking(r.stderr, head);
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^warning manifests head /);
    expect(lines[0]).toContain('lga2/shard-17/resources.yaml');
    expect(lines[0]).toContain('lga2/cluster/resources.yaml');
    const same = await run(['diff', '--base', base, '--head', base]);
    expect(same.stderr).not.toContain('no cluster shard');
  });
});
