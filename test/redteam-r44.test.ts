/**
 * Red team R44 (base fdeb2b1): the previous session's own fixes. Each test asserts the safe
 * behaviour and fails on fdeb2b1.
 *
 * R44-1 (medium; the boundary's own attacker: a forged dist/ merged, the review bypassed): the
 *     boundary refuses a finalizer (R40-1) and an ownerReference (R42-3) Argo CD adds, each of which
 *     keeps an object past its prune, but judges no annotation of any kind but a Namespace. Argo CD
 *     reads its own annotations on the live object when it prunes: gitops-engine's pruneObject skips
 *     one whose `argocd.argoproj.io/sync-options` says `Prune=false` ("ignored (no prune)"), a
 *     `compare-options: IgnoreExtraneous` one leaves the Application Synced with it in place (so an
 *     automated sync never prunes it), and a hook (`argocd.argoproj.io/hook`, Helm's `helm.sh/hook`)
 *     is no resource of the Application, never pruned. A forged RoleBinding carrying any of them is
 *     admitted; once the forgery is found and reverted, the binding keeps granting while dist/ and
 *     the review say the access is gone. Safe: Argo CD writes no annotation of Argo CD's or Helm's
 *     but those orgctl writes (and Argo CD's own tracking); those others put on the live object are kept.
 *
 * R44-2 (low; a wrong local answer, judged again on GitHub): `review --base REF --head REF` reads
 *     the changed paths as base against the tree `git merge-tree --write-tree` writes. When the
 *     merge conflicts (exit 1), that tree keeps base's version of a path it cannot merge as text
 *     (a file one side deleted and the other changed; a binary file both changed): head's change
 *     there is listed nowhere, and engine-change says ✅ "only org/ and dist/ change" of a head
 *     that deletes package.json, or replaces a vendored tarball, when main changed it too. Safe: a
 *     conflicted path is a path the change touches (what lands there is whatever resolves it).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { admission, ARGO, boundaryOf, type Obj, organization, tracked, writtenObjects } from './boundary-admission.ts';
import { cli, files, ROOT, tempDir } from './helpers.ts';

describe('R44-1: an annotation of Argo CD or Helm keeps a forged object past its prune', () => {
  const out = files(organization().app);
  const { policy } = boundaryOf(out);
  const written = writtenObjects(out);
  /** Each keeps the live object when the forgery is reverted (gitops-engine reads them on the live object). */
  const KEEPING: Record<string, string>[] = [
    { 'argocd.argoproj.io/sync-options': 'Prune=false' },
    { 'argocd.argoproj.io/sync-options': 'Prune=confirm' },
    { 'argocd.argoproj.io/compare-options': 'IgnoreExtraneous' },
    { 'argocd.argoproj.io/hook': 'PostSync' },
    { 'helm.sh/hook': 'post-install' },
    { 'helm.sh/resource-policy': 'keep' },
  ];
  const annotated = (o: Obj, a: Record<string, string>): Obj => ({
    ...o,
    metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, ...a } },
  });

  it('every kind orgctl writes, created or updated with one Argo CD adds, is refused', () => {
    for (const w of written)
      for (const a of KEEPING.filter(
        (k) => !Object.entries(k).every(([key, v]) => w.object.metadata.annotations?.[key] === v),
      )) {
        // (A Namespace's Prune=false is orgctl's own: dropping it from the declaration never deletes its workloads.)
        const what = `${w.object.kind} ${w.object.metadata.namespace ?? ''}/${w.object.metadata.name} ${JSON.stringify(a)}`;
        for (const operation of ['CREATE', 'UPDATE'] as const) {
          const v = admission(policy, {
            operation,
            username: ARGO,
            object: tracked(annotated(w.object, a), w.app, 'label'),
            oldObject: tracked(w.object, w.app, 'label'),
          });
          expect(v.matched, what).toBe(true);
          expect(v.denied.length, `${operation} ${what}`).toBeGreaterThan(0);
        }
      }
  });

  it("a RoleBinding's refusal names the annotation and why", () => {
    const binding = written.find((w) => w.object.kind === 'RoleBinding')!;
    const v = admission(policy, {
      operation: 'CREATE',
      username: ARGO,
      object: tracked(annotated(binding.object, KEEPING[0]!), binding.app, 'annotation'),
    });
    expect(v.denied.join('\n')).toMatch(/argocd\.argoproj\.io\/sync-options.*prune/s);
  });

  it('one others put on the live object is kept, and what orgctl writes is admitted', () => {
    const binding = written.find((w) => w.object.kind === 'RoleBinding')!;
    const live = tracked(annotated(binding.object, KEEPING[0]!), binding.app, 'label');
    expect(admission(policy, { operation: 'UPDATE', username: ARGO, object: live, oldObject: live }).denied).toEqual(
      [],
    );
    const plain = tracked(binding.object, binding.app, 'label');
    expect(admission(policy, { operation: 'CREATE', username: ARGO, object: plain }).denied).toEqual([]);
  });
});

let repo = '';

/** git in the repository. */
function git(...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.test', ...args], {
    cwd: repo,
    encoding: 'utf8',
  });
  if (r.status !== 0 && !(args[0] === 'merge-tree' && r.status === 1)) throw new Error(r.stderr);
  return r.stdout.trim();
}

const write = (path: string, text: string | Buffer) => writeFileSync(join(repo, path), text);

beforeAll(() => {
  repo = tempDir('orgctl-r44-');
  git('init', '-q', '-b', 'main');
  expect(cli(['synth', '--spec', join(ROOT, 'test/fixtures/specs/acme.yaml'), '--out', join(repo, 'dist')]).code).toBe(
    0,
  );
  mkdirSync(join(repo, 'org'));
  mkdirSync(join(repo, 'vendor'));
  write('org/notes.md', 'notes\n');
  write('package.json', '{ "dependencies": { "orgctl": "file:vendor/orgctl.tgz" } }\n');
  write('vendor/orgctl.tgz', Buffer.from([0x1f, 0x8b, 0, 1, 2, 3]));
  git('add', '-A');
  git('commit', '-q', '-m', 'O');
  // mallory's branch from O: deletes package.json, replaces the vendored tarball, touches org/.
  git('checkout', '-q', '-b', 'conflicted');
  git('rm', '-q', 'package.json');
  write('vendor/orgctl.tgz', Buffer.from([0x1f, 0x8b, 0, 6, 6, 6]));
  write('org/notes.md', 'notes, again\n');
  git('commit', '-q', '-am', 'H');
  // main meanwhile: an approved upgrade changes both.
  git('checkout', '-q', 'main');
  write('package.json', '{ "dependencies": { "orgctl": "file:vendor/orgctl.tgz", "x": "1.0.0" } }\n');
  write('vendor/orgctl.tgz', Buffer.from([0x1f, 0x8b, 0, 4, 5, 6]));
  git('commit', '-q', '-am', 'M');
}, 60_000);

describe('R44-2: a merge with conflicts', () => {
  it('the paths it cannot merge are paths the change touches: engine-change fails', () => {
    // The merge's tree keeps main's package.json and tarball (modify/delete, binary).
    const merged = git('merge-tree', '--write-tree', 'main', 'conflicted').split('\n')[0]!;
    expect(git('diff', '--name-only', 'main', merged)).toBe('org/notes.md');
    const r = cli(['review', '--base', 'main', '--head', 'conflicted', '--actor', 'mallory', '--format', 'json'], {
      cwd: repo,
    });
    const verdict = JSON.parse(r.stdout) as { results: { rule: string; ok: boolean; message: string }[] };
    const row = verdict.results.find((x) => x.rule === 'engine-change')!;
    expect({ ok: row.ok, message: row.message }).toEqual({
      ok: false,
      message: expect.stringMatching(/^changes [^:]*package\.json.*vendor\/orgctl\.tgz/),
    });
  });
});
