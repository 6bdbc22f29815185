/**
 * Red team R133: this session's speed shortcuts in what is judged (the whole-text reuse of a file's
 * first reading, the verdicts kept by place, the proof against base's splice, invalid-text's plain
 * texts, grantsWith), attacked by a writer who may push branches and open pull requests.
 *
 * R133-1: a side's git tree may list one path twice (git fsck's duplicateEntries; git itself writes
 * such a tree with mktree and checks out the last entry only). The reader read both files as one
 * side, the union of their objects, and the proof against base, which pairs files by path, read
 * the first head reading of the path for both entries: a second copy holding a binding was never
 * compared, and a file dropped beside it kept the counts equal.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSnapshots } from '../cli/diff.ts';
import { DocumentCache, parseOutput } from '../cli/output-read.ts';
import { proveAgainstBase } from '../review/base-proof.ts';
import { PLAIN_ADDRESS, PLAIN_LOGIN, addressProblem, loginProblem } from '../policies/org/invalid-text.ts';
import { exampleDistCopy, tempDir } from './helpers.ts';

const io = { out: () => {}, err: () => {}, env: {} };
const SHARD = 'lga1/shard-05/resources.yaml';
const DROPPED = 'lga1/shard-04/resources.yaml';

/** Shard-05's first RoleBinding alone under orgctl's header, renamed (no object of base's): what a second copy adds. */
function secondCopy(text: string): string {
  const at = text.indexOf('---\napiVersion: rbac');
  const end = text.indexOf('\n---\n', at + 4) + 1;
  const binding = text
    .slice(at, end || text.length)
    .replace('  name: acme:r:full\n  namespace', '  name: acme:r:fullx\n  namespace');
  return text.slice(0, text.indexOf('\n') + 1) + binding;
}

/**
 * A repository whose commit `base` holds the example's dist/, and `head` the same with shard-05's
 * file listed twice in its folder's tree (the second a copy adding one binding).
 */
function repositoryWithPathTwice(): string {
  const repo = tempDir('orgctl-r133-');
  const git = (input: string, ...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8', input });
  git('', 'init', '-q');
  cpSync(exampleDistCopy(), join(repo, 'dist'), { recursive: true });
  git('', 'add', '-A');
  git('', '-c', 'user.name=r133', '-c', 'user.email=r133@example.com', 'commit', '-qm', 'base');
  git('', 'update-ref', 'refs/heads/base', 'HEAD');
  const copy = git(secondCopy(readFileSync(join(repo, 'dist', SHARD), 'utf8')), 'hash-object', '-w', '--stdin').trim();
  const tree = (path: string) => git('', 'ls-tree', `HEAD:${path}`);
  // Bottom up: the shard's folder with the file twice, then each folder above with it swapped in.
  let oid = git(`${tree('dist/lga1/shard-05')}100644 blob ${copy}\tresources.yaml\n`, 'mktree').trim();
  for (const [path, name] of [
    ['dist/lga1', 'shard-05'],
    ['dist', 'lga1'],
    ['', 'dist'],
  ] as const) {
    const lines = tree(path)
      .split('\n')
      .filter(Boolean)
      .map((l) => (l.endsWith(`\t${name}`) ? l.replace(/ [0-9a-f]{40}\t/, ` ${oid}\t`) : l));
    oid = git(`${lines.join('\n')}\n`, 'mktree').trim();
  }
  git('', 'update-ref', 'refs/heads/head', git('', 'commit-tree', oid, '-m', 'head').trim());
  expect(git('', 'ls-tree', '-r', 'head', '--', `dist/${SHARD}`).trim().split('\n')).toHaveLength(2);
  return repo;
}

describe('R133-1: a side listing one path twice', () => {
  it('is refused by the reader: git checks out one copy, the review would read both', () => {
    const repo = repositoryWithPathTwice();
    const here = process.cwd();
    process.chdir(repo);
    try {
      expect(() => loadSnapshots('base:dist', 'head:dist', io)).toThrow(/listed twice/);
    } finally {
      process.chdir(here);
    }
  });

  it('is no change the proof against base proves: it pairs each head file with base’s of its path', () => {
    const dir = exampleDistCopy();
    const loaded = loadSnapshots(dir, dir, io);
    const files = loaded.baseSide.files;
    const shard = files.find((f) => f.path === SHARD)!;
    // Head: one file dropped and shard-05 twice, its second copy adding a binding; the same count.
    const head = [...files.filter((f) => f.path !== DROPPED), { ...shard, content: secondCopy(shard.content) }];
    expect(head).toHaveLength(files.length);
    const proof = proveAgainstBase({
      base: { files, documents: loaded.documents.base },
      head: { files: head, documents: loaded.documents.head },
      baseUsers: loaded.base.users,
      membership: loaded.headDocs.membership,
      today: '2026-12-07',
    });
    expect(proof).toEqual({ proved: false, reason: 'head and base hold different files' });
  });
});

describe('R133 guards: what held', () => {
  it('a text taken whole, or its documents kept by place, keeps its verdicts at its own path only', () => {
    // Argo CD's objects are accepted in argocd/ alone: the same text in a cluster's shard is refused,
    // after it was read (and accepted) at its own path with the same cache, and taken whole there again.
    const text = readFileSync(join(exampleDistCopy(), 'argocd/appproject.yaml'), 'utf8');
    const at = (path: string, content = text) => [{ path, content, label: path }];
    const cache = new DocumentCache();
    expect(parseOutput(at('argocd/appproject.yaml'), cache).length).toBeGreaterThan(0);
    expect(() => parseOutput(at(SHARD), cache)).toThrow(/not a kind orgctl writes/);
    expect(parseOutput(at('argocd/appproject.yaml'), cache).length).toBeGreaterThan(0);
    // Appended to the shard's own text at the shard's path: taken from that path's first reading (refused there), refused.
    const shard = readFileSync(join(exampleDistCopy(), SHARD), 'utf8');
    expect(parseOutput(at(SHARD, shard), cache).length).toBeGreaterThan(0);
    expect(() => parseOutput(at(SHARD, shard + text.slice(text.indexOf('\n') + 1)), cache)).toThrow(
      /not a kind orgctl writes/,
    );
  });

  it('a plain address or login is one the full judgement finds nothing in (every rule, a generated sample)', () => {
    let seed = 133;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const word = (chars: string, most: number) =>
      Array.from({ length: 1 + next(most) }, () => chars[next(chars.length)]).join('');
    let plain = 0;
    for (let n = 0; n < 20_000; n++) {
      // Built near the pattern's edges: `xn`, hyphens, digits, `_` and `+`, dots, long labels.
      const parts = (chars: string, most: number) => Array.from({ length: 1 + next(3) }, () => word(chars, most));
      const email = `${parts('abilnx019_+-.', 6).join('.')}@${parts('ailnx09-', 70).join('.')}.${word('ainx0', 4)}`;
      if (PLAIN_ADDRESS.test(email)) {
        plain++;
        expect([email, addressProblem(email, () => email)]).toEqual([email, undefined]);
      }
      const login = word('abilnx019-', 40);
      if (PLAIN_LOGIN.test(login)) expect([login, loginProblem(login)]).toEqual([login, undefined]);
    }
    expect(plain).toBeGreaterThan(1000);
    // What the full judgement refuses is never plain: IDNA, capitals, empty parts, a digits-only
    // top-level label, quotes, a look-alike letter, an address without its brackets.
    for (const refused of [
      'bob@xn--80ak6aa92e.com',
      'bob@xn--a.io',
      'aIice@acme.io',
      'bob..x@acme.io',
      'bob@acme..io',
      'bob@acme.io.',
      '.bob@acme.io',
      'bob@10.0.0.1',
      'bob@acme.123',
      '"bob"@acme.io',
      'bоb@acme.io',
      'bob@-acme.io',
      'bob@acme-.io',
      'bob@ac_me.io',
      'bob@[10.0.0.1]',
      'bob\u200b@acme.io',
    ]) {
      expect(PLAIN_ADDRESS.test(refused), refused).toBe(false);
      expect(
        addressProblem(refused, () => refused.toLowerCase()),
        refused,
      ).toBeDefined();
    }
    for (const refused of ['-bob', 'bob-', 'b--ob', 'aIice', 'a'.repeat(40), 'bob_x', 'bоb'])
      expect([refused, PLAIN_LOGIN.test(refused), loginProblem(refused) !== undefined]).toEqual([refused, false, true]);
  });
});
