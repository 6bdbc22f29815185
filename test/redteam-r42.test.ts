/**
 * Red team R42 (base 2e89675): the paths `orgctl review --base REF --head REF` reads from git
 * (36cfa1c, 2e89675: cli/git.ts changedPathsBetween). Each test asserts the safe behaviour.
 *
 * R42-1 (medium; an admin alone, locally judged): the paths were `git diff base...head`, a diff
 *     from ONE merge base. With a criss-cross history (head merges a commit main already holds
 *     through a merged branch, c1, and main's own later commit M2, which changed package.json),
 *     base and head have two merge bases, and git diffs from the first ("multiple merge bases,
 *     using c1"). Head keeps package.json as c1 had it (M2's change undone): from c1 it is no change,
 *     engine-change says ✅ "only org/ and dist/ change", yet merging head (merge-ort, from the
 *     merge bases' virtual merge, which holds M2's package.json) puts the old package.json back on
 *     main: an engine change no second admin approved.
 *     Safe: a path differing between head and any merge base is a path the change touches.
 *
 * R42-2 (low; whoever picks --base for a script): the paths were read before the sides, whose
 *     reading refuses a ref that starts with -, so `--base=--output=FILE` reached git diff as
 *     `--output=FILE...HEAD`: the review failed (exit 2), after git had written the file.
 *     Safe: nothing is written; a ref that starts with - never reaches git.
 *
 * R42-3 (medium; the boundary's own attacker: a forged dist/ merged, the review bypassed): the
 *     boundary refuses Argo CD deleting an organization's Namespace, and since 2af3288 a finalizer
 *     it adds, but nothing of metadata.ownerReferences. A forged dist/ whose Namespace web names an
 *     owner that does not exist (any uid) is admitted as an UPDATE, and the garbage collector
 *     deletes an object all of whose owners are absent (kube-controller-manager's
 *     garbagecollector: isDangling, then attemptToDeleteItem): web is deleted, with every workload,
 *     Secret and volume claim in it, by the collector, whom the boundary does not judge. The same
 *     ownerReference on the system namespace's admins' RoleBindings or a token's Secret deletes
 *     them (Argo CD writes them back: a token's new Secret is a new token). Safe: Argo CD writes no
 *     ownerReference the live object does not already have (orgctl writes none; others' are kept).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { admission, ARGO, boundaryOf, type Obj, organization, tracked, writtenObjects } from './boundary-admission.ts';
import { cli, files, ROOT, tempDir } from './helpers.ts';

const ACME = join(ROOT, 'test/fixtures/specs/acme.yaml');

let repo = '';

/** git in the repository, each commit at `date` (the order of merge bases follows commit dates). */
function git(date: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.test', ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

const write = (path: string, text: string) => writeFileSync(join(repo, path), text);

beforeAll(() => {
  repo = tempDir('orgctl-r42-');
  const t = (n: number) => `2026-11-0${n}T12:00:00Z`;
  git(t(1), 'init', '-q', '-b', 'main');
  expect(cli(['synth', '--spec', ACME, '--out', join(repo, 'dist')]).code).toBe(0);
  mkdirSync(join(repo, 'org'));
  write('org/notes.md', 'notes\n');
  write('package.json', '{ "dependencies": { "orgctl": "0.1.0" } }\n');
  git(t(1), 'add', '-A');
  git(t(1), 'commit', '-q', '-m', 'O');
  // main: an engine upgrade (another admin approved it).
  write('package.json', '{ "dependencies": { "orgctl": "0.2.0" } }\n');
  git(t(2), 'commit', '-q', '-am', 'M2');
  const m2 = git(t(2), 'rev-parse', 'HEAD');
  // alice's earlier pull request, branched from O before M2, changes org/ only; merged into main.
  git(t(3), 'checkout', '-q', '-b', 'notes', `${m2}~1`);
  write('org/notes.md', 'notes, again\n');
  git(t(3), 'commit', '-q', '-am', 'c1');
  git(t(4), 'checkout', '-q', 'main');
  git(t(4), 'merge', '-q', '--no-ff', 'notes', '-m', 'B1');
  // alice's next branch: from c1, merges M2 but keeps c1's package.json, and changes org/.
  git(t(5), 'checkout', '-q', '-b', 'crisscross', 'notes');
  git(t(5), 'merge', '-q', '--no-commit', m2);
  write('package.json', '{ "dependencies": { "orgctl": "0.1.0" } }\n');
  write('org/notes.md', 'notes, third\n');
  git(t(5), 'add', '-A');
  git(t(5), 'commit', '-q', '-m', 'H');
  git(t(6), 'checkout', '-q', 'main');
}, 60_000);

describe('R42-1: the paths a change touches, with more than one merge base', () => {
  it('what merging head changes on main is listed: package.json, which main had changed since c1', () => {
    // What the merge puts on main: the old package.json (merge-ort, from the merge bases' virtual merge).
    const merged = git('2026-11-07T12:00:00Z', 'merge-tree', '--write-tree', 'main', 'crisscross');
    expect(git('2026-11-07T12:00:00Z', 'show', `${merged}:package.json`)).toContain('0.1.0');
    const r = cli(['review', '--base', 'main', '--head', 'crisscross', '--actor', 'alice', '--format', 'json'], {
      cwd: repo,
    });
    const verdict = JSON.parse(r.stdout) as { results: { rule: string; ok: boolean; message: string }[] };
    const row = verdict.results.find((x) => x.rule === 'engine-change')!;
    expect({ code: r.code, ok: row.ok, message: row.message }).toEqual({
      code: 1,
      ok: false,
      message: expect.stringMatching(/^changes [^:]*package\.json/),
    });
  });
});

describe('R42-1: no merge base', () => {
  it('unrelated histories: the paths are unknown, said so (as GitHub opens no pull request between them)', () => {
    git('2026-11-08T12:00:00Z', 'checkout', '-q', '--orphan', 'unrelated');
    git('2026-11-08T12:00:00Z', 'commit', '-q', '-m', 'unrelated');
    git('2026-11-08T12:00:00Z', 'checkout', '-q', 'main');
    const r = cli(['review', '--base', 'main', '--head', 'unrelated', '--actor', 'alice'], { cwd: repo });
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 2,
      stderr: expect.stringContaining('main and unrelated have no commit in common'),
    });
  });
});

describe('R42-2: a --base that starts with - never reaches git', () => {
  it('--base=--output=FILE writes no file, and says the ref cannot be one', () => {
    const r = cli(['review', '--base=--output=written', '--head', 'crisscross', '--actor', 'alice'], { cwd: repo });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot be a git ref \(it starts with -\)/);
    expect(existsSync(join(repo, 'written...crisscross'))).toBe(false);
  });
});

describe('R42-3: an ownerReference Argo CD adds makes the garbage collector delete what the boundary keeps', () => {
  const out = files(organization().app);
  const { policy } = boundaryOf(out);
  const written = writtenObjects(out);
  /** An owner that does not exist: cluster-scoped, as a cluster-scoped dependent's must be. */
  const GONE = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    name: 'acme:gone',
    uid: '00000000-0000-0000-0000-000000000000',
  };
  const owned = (o: Obj): Obj => ({ ...o, metadata: { ...o.metadata, ownerReferences: [GONE] } });

  it('every kind orgctl writes, created or updated with an ownerReference Argo CD adds, is refused', () => {
    for (const w of written) {
      const what = `${w.object.kind} ${w.object.metadata.namespace ?? ''}/${w.object.metadata.name}`;
      for (const operation of ['CREATE', 'UPDATE'] as const) {
        const v = admission(policy, {
          operation,
          username: ARGO,
          object: tracked(owned(w.object), w.app, 'label'),
          oldObject: tracked(w.object, w.app, 'label'),
        });
        expect(v.matched, what).toBe(true);
        expect(v.denied.join('\n'), `${operation} ${what}`).toMatch(/ownerReference/);
      }
    }
  });

  it('one others put on the live object is kept', () => {
    const web = written.find((w) => w.object.kind === 'Namespace' && w.object.metadata.name === 'web')!;
    const live = tracked(owned(web.object), web.app, 'label');
    expect(admission(policy, { operation: 'UPDATE', username: ARGO, object: live, oldObject: live }).denied).toEqual(
      [],
    );
  });
});
