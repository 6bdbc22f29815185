/**
 * Red team R134: the corners the recent red teams left (the caches orgctl keeps outside dist/, the
 * GitHub side it ships, the last note's leftovers).
 *
 * R134-1 (low: can-i, who-can, access): a ClusterRole of orgctl's output labelled
 * `rbac.authorization.k8s.io/aggregate-to-*`, which orgctl never writes, was read without a word.
 * The aggregation controller adds its rules to every aggregated ClusterRole whose selector matches
 * the label (the built-in admin, edit and view, or one applied by hand), and whoever is bound to
 * one of those outside dist/ (a RoleBinding to admin applied by hand, a cluster's own) gets them:
 * who-can named nobody of them. diff and review refuse such a role (R129-1); a question now warns.
 * Kubernetes stops it where the boundary is installed (it refuses an aggregation label on the
 * organization's ClusterRoles), and no pull request gets one past the review (output-proof).
 * The class: a question answered from can-i's kept verdicts (cli/verdict-cache.ts) reads the
 * role's labels as a parse does, so it is warned of there too.
 *
 * Held (kept as tests): a kept verdict's file edited in place to bytes of the same size, its
 * modification time put back (`touch -r`), is parsed again: its change time and hash say so.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { readForQuestion, type Question } from '../cli/partial-read.ts';
import { verdictCacheOf } from '../cli/verdict-cache.ts';
import { exampleClusterShardsEdited, run, tempDir } from './helpers.ts';
import { TEST_ENGINE } from './verdict-questions.ts';

// The file's env stubs and fake clock end with it.
afterAll(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

const LABEL = 'rbac.authorization.k8s.io/aggregate-to-admin';

/** The example's output with ClusterRole acme:r:pods labelled for the built-in admin to gather. */
const labelled = (): string =>
  exampleClusterShardsEdited('orgctl-r134-', (t) =>
    t.replace(
      '    orgctl.io/organization: acme\n  name: acme:r:pods\nrules:\n',
      `    orgctl.io/organization: acme\n    ${LABEL}: "true"\n  name: acme:r:pods\nrules:\n`,
    ),
  );

describe('R134-1: a ClusterRole labelled aggregate-to-* in orgctl output is warned of by every question', () => {
  const dir = labelled();
  const warned = new RegExp(`ClusterRole acme:r:pods .*${LABEL}.*outside`);

  it.each([
    ['can-i', 'can-i get pods -n web --as bob@acme.io'],
    ['who-can', 'who-can get pods -n web'],
    ['access', 'access'],
  ])('%s', async (_, asked) => {
    const r = await run([...asked.split(' '), '--dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(warned);
  });
});

/**
 * The labelled output, asked `question` once with can-i's verdicts (under a fake clock past the
 * racy window, so that they are kept), and kept; `prefix` names the cache folder of its own.
 */
function keptVerdicts(prefix: string, question: Question) {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.stubEnv('ORGCTL_CACHE_DIR', tempDir(prefix));
  const dir = labelled();
  vi.setSystemTime(Date.now() + 5_000);
  const first = verdictCacheOf(dir, TEST_ENGINE)!;
  const read = readForQuestion(dir, question, undefined, first)!;
  first.keep();
  return { dir, read };
}

describe("R134-1's class: a question answered from can-i's kept verdicts sees the label as a parse does", () => {
  it('the role read from a kept verdict carries its labels', () => {
    const question = { namespace: 'web' };
    const { dir } = keptVerdicts('orgctl-r134-cache-', question);
    vi.setSystemTime(Date.now() + 5_000);
    const again = verdictCacheOf(dir, TEST_ENGINE)!;
    let judged = 0;
    const counting = {
      ...again,
      judged: (path: string) => {
        const verdict = again.judged(path);
        if (verdict) judged++;
        return verdict;
      },
    };
    const kept = readForQuestion(dir, question, undefined, counting)!;
    expect(judged).toBeGreaterThan(0);
    const pods = kept.rbac.roles.filter((r) => r.name === 'acme:r:pods');
    expect(pods.length).toBe(2);
    for (const r of pods) expect(r.labels).toHaveProperty([LABEL], 'true');
    expect(kept.rbac).toEqual(readForQuestion(dir, question)!.rbac);
  });
});

describe("held: can-i's kept verdict of a file edited to the same size, its modification time put back", () => {
  it('is not used: the answer is the edited bytes', () => {
    const bob = { kind: 'User' as const, name: 'bob@acme.io', namespace: '' };
    const question = { namespace: 'web', subject: bob };
    const { dir, read: before } = keptVerdicts('orgctl-r134-edit-cache-', question);
    const boundBob = (rbac: typeof before.rbac) =>
      rbac.bindings.filter((b) => b.namespace === 'web' && b.subjects.some((x) => x.name === 'bob@acme.io')).length;
    expect(boundBob(before.rbac)).toBeGreaterThan(0);
    // bob's bindings in web given to another name of the same length, in place, the times put back.
    for (const cluster of ['lga1', 'ord1']) {
      const file = join(dir, cluster, 'shard-17', 'resources.yaml');
      const was = statSync(file, { bigint: true });
      const text = readFileSync(file, 'utf8');
      expect(text).toContain('name: bob@acme.io');
      writeFileSync(file, text.replaceAll('name: bob@acme.io', 'name: bxb@acme.io'));
      // To the nanosecond, as touch -r does (utimes in Node takes seconds as a double).
      const ns = was.mtimeNs % 1_000_000_000n;
      execFileSync('touch', ['-m', '-d', `@${was.mtimeNs / 1_000_000_000n}.${String(ns).padStart(9, '0')}`, file]);
      const now = statSync(file, { bigint: true });
      expect([now.size, now.mtimeNs, now.ino]).toEqual([was.size, was.mtimeNs, was.ino]);
    }
    vi.setSystemTime(Date.now() + 5_000);
    const after = readForQuestion(dir, question, undefined, verdictCacheOf(dir, TEST_ENGINE)!);
    expect(after && boundBob(after.rbac)).toBe(0);
  });
});
