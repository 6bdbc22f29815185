/**
 * can-i's verdicts (cli/verdict-cache.ts): a partial read with the verdicts kept of an earlier one
 * answers as the partial read without them (and so as the full read, test/partial-read.test.ts),
 * on generated organizations, after every kind of edit of dist/ (in place, with the times put
 * back, replaced by a rename, a copy of another namespace's binding, an object the API server
 * refuses: red team R96's), and a cache tampered with, of another folder or another orgctl, or a
 * link, is not trusted.
 */
import {
  appendFileSync,
  cpSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readForQuestion, type Question } from '../cli/partial-read.ts';
import { verdictCacheOf } from '../cli/verdict-cache.ts';
import { CLUSTER_SHARD, shardFile, shardOf } from '../synth/render.ts';
import {
  answerOf,
  cached,
  roleBindingText,
  synthesizedOrganization,
  uncached,
  userSubjectLines,
} from './verdict-questions.ts';
import { cacheFolderOfItsOwn, tempDir } from './helpers.ts';

const ENGINE = '0123456789abcdef';
const cache = cacheFolderOfItsOwn('orgctl-verdicts-cache-');

/** A generated organization with every kind of binding orgctl writes, synthesized into a folder. */
async function organization(seed: number, shards: number): Promise<string> {
  return (await synthesizedOrganization({ users: 40, namespaces: 12, grants: 120, tokens: 12 }, seed, shards, 30)).out;
}

const user = (namespace: string, name: string): Question => ({
  namespace,
  subject: { kind: 'User', name, namespace: '' },
});

const QUESTIONS: readonly Question[] = [
  ...['ns-0', 'ns-2', 'ns-5', 'ns-11', 'acme-system', ''].flatMap((ns) => [
    user(ns, 'user0@acme.io'),
    user(ns, 'user12@acme.io'),
    user(ns, 'user31@acme.io'),
    user(ns, 'nobody@acme.io'),
    { namespace: ns },
  ]),
  { namespace: 'ns-3', subject: { kind: 'ServiceAccount', name: 'token-1', namespace: 'acme-system' } },
];

/** The record files kept of `dir` (by ENGINE), in this file's cache folder. */
function records(dir: string): string[] {
  const root = join(cache(), 'can-i');
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter(
      (f) =>
        f.endsWith('.json') &&
        readFileSync(join(root, f), 'utf8').includes(`"path":${JSON.stringify(`${dir}/`).slice(0, -1)}`),
    )
    .map((f) => join(root, f));
}

/** Every question answered alike with and without verdicts; returns how many were asked. */
function expectSame(dir: string, questions: readonly Question[] = QUESTIONS): void {
  for (const q of questions) expect(cached(dir, q), JSON.stringify(q)).toEqual(uncached(dir, q));
}

// A record is written only of a file last changed more than the racy window before: the clock is
// moved on instead of waiting (Date only; the file systems' times are what they are).
const later = () => vi.setSystemTime(Date.now() + 5_000);
beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterEach(() => later());

describe('a partial read with verdicts kept answers as one without', () => {
  let dirs: string[];
  beforeAll(async () => {
    dirs = [await organization(1, 4), await organization(5, 1), await organization(9, 8)];
    later();
  });

  it('on generated organizations: the first question keeps them, the next read them, all answers alike', () => {
    for (const dir of dirs) {
      expectSame(dir);
      expect(records(dir).length).toBeGreaterThan(0);
      expectSame(dir); // every file judged now
    }
  });

  it('reads a judged file neither whole nor for a search: its record answers (a counting reader)', () => {
    const dir = dirs[0]!;
    cached(dir, user('ns-0', 'user12@acme.io'));
    const read: string[] = [];
    const counting = (file: string) => {
      read.push(file);
      return readFileSync(file);
    };
    const verdicts = verdictCacheOf(dir, ENGINE);
    const answer = readForQuestion(dir, { namespace: 'ns-0' }, counting, verdicts);
    expect(answerOf(answer)).toEqual(uncached(dir, { namespace: 'ns-0' }));
    // who-can in ns-0: the membership lists, for dated access; nothing else.
    expect(read.filter((f) => !f.endsWith(shardFile('lga1', CLUSTER_SHARD)))).toEqual([]);
  });

  it('a file written within the racy window is not kept (the next question after it keeps it)', async () => {
    const dir = await organization(3, 2);
    // One second after the synth wrote the cluster shard, by the fake clock.
    vi.setSystemTime(statSync(join(dir, shardFile('lga1', CLUSTER_SHARD))).ctimeMs + 1_000);
    expect(cached(dir, user('ns-0', 'user0@acme.io'))).toEqual(uncached(dir, user('ns-0', 'user0@acme.io')));
    expect(records(dir)).toEqual([]);
  });
});

describe('after every kind of edit of dist/, the answers are the edited output’s', () => {
  /** A fresh organization with every file judged. */
  async function judged(): Promise<{ dir: string; file: (ns: string) => string }> {
    const dir = await organization(7, 4);
    later();
    for (const q of QUESTIONS) cached(dir, q);
    return { dir, file: (ns) => join(dir, shardFile('lga1', shardOf(ns, 4))) };
  }

  it('a binding added in place, and one removed', async () => {
    const { dir, file } = await judged();
    const f = file('ns-2');
    const text = readFileSync(f, 'utf8');
    const binding = text
      .split('\n---\n')
      .find((d) => d.includes('kind: RoleBinding') && d.includes('namespace: ns-2'))!;
    appendFileSync(
      f,
      `---\n${binding.replace(/name: user\d+@acme\.io/, 'name: user12@acme.io').replace(/\n {2}name: ([^\n]+)/, '\n  name: $1-copy')}\n`,
    );
    expectSame(dir);
    writeFileSync(f, text.replace(`${binding}\n---\n`, ''));
    expectSame(dir);
  });

  it('an edit that keeps the size and puts the times back (touch -r): the change time tells, then the bytes', async () => {
    const { dir, file } = await judged();
    const f = file('ns-5');
    const before = statSync(f);
    const text = readFileSync(f, 'utf8');
    // Another subject of the same length: user12 -> user13, the file's size unchanged.
    writeFileSync(f, text.replaceAll('user12@acme.io', 'user13@acme.io'));
    utimesSync(f, before.atime, before.mtime);
    expect(statSync(f).size).toBe(before.size);
    expectSame(dir);
  });

  it('the organization’s settings in the cluster shard, edited in place (a shard count, the size and times kept; a namespace)', async () => {
    const { dir } = await judged();
    const f = join(dir, shardFile('lga1', CLUSTER_SHARD));
    const before = statSync(f);
    const text = readFileSync(f, 'utf8');
    expect(text).toContain('"shards":4');
    writeFileSync(f, text.replace('"shards":4', '"shards":8'));
    utimesSync(f, before.atime, before.mtime);
    expectSame(dir);
    // ns-0 no longer among the namespaces the organization declares.
    const declared = '"clusters":["lga1"],"namespaces":["ns-0",';
    expect(text.split(declared).length).toBe(2);
    writeFileSync(f, text.replace(declared, '"clusters":["lga1"],"namespaces":['));
    expectSame(dir);
  });

  it('a file replaced by a rename, with the same bytes and with others', async () => {
    const { dir, file } = await judged();
    const f = file('ns-0');
    cpSync(f, `${f}.new`);
    renameSync(`${f}.new`, f);
    expectSame(dir);
    writeFileSync(`${f}.new`, readFileSync(f, 'utf8').replaceAll('user0@acme.io', 'user1@acme.io'));
    renameSync(`${f}.new`, f);
    expectSame(dir);
  });

  it('a copy of a namespace’s binding in another shard (applied there too: the full read refuses it, R89-3)', async () => {
    const { dir, file } = await judged();
    const text = readFileSync(file('ns-2'), 'utf8');
    const binding = text
      .split('\n---\n')
      .find((d) => d.includes('kind: RoleBinding') && d.includes('namespace: ns-2'))!;
    const other = ['ns-0', 'ns-1', 'ns-3', 'ns-4', 'ns-5'].map(file).find((f) => f !== file('ns-2'))!;
    appendFileSync(other, `---\n${binding}\n`);
    expectSame(dir);
    expect(cached(dir, { namespace: 'ns-2' })).toBeUndefined();
  });

  it('an object the API server refuses (R96: a Role named with a slash) in a judged shard, asked there and elsewhere', async () => {
    const { dir, file } = await judged();
    appendFileSync(
      file('ns-5'),
      '---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: a/b\n  namespace: ns-5\nrules: []\n',
    );
    expectSame(dir);
    expect(cached(dir, user('ns-5', 'user0@acme.io'))).toBeUndefined();
  });

  it('a ClusterRole written in a namespace’s shard (R96-3), and an escape where a name was', async () => {
    const { dir, file } = await judged();
    appendFileSync(
      file('ns-3'),
      '---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: view\nrules: []\n',
    );
    expectSame(dir);
    const f = file('ns-4');
    writeFileSync(f, readFileSync(f, 'utf8').replace('name: user12@acme.io', 'name: "\\u0075ser12@acme.io"'));
    expectSame(dir);
  });
});

describe('a judged binding that names the subject otherwise than as orgctl writes it', () => {
  const user12In = (ns: string) => user(ns, 'user12@acme.io');

  const ns2User12 = user12In('ns-2');
  const token1 = (ns: string): Question => ({
    namespace: ns,
    subject: { kind: 'ServiceAccount', name: 'token-1', namespace: 'acme-system' },
  });

  /**
   * Each question asked again with the verdicts the first kept of the edited output (its file
   * `path` judged), as without them; `boundBy` the first, its answer read from the binding named so too.
   */
  function expectAnswered(dir: string, path: string, questions: readonly Question[], boundBy: string) {
    for (const q of questions) cached(dir, q);
    const verdicts = verdictCacheOf(dir, ENGINE)!;
    expect(verdicts.judged(path)).toBeDefined();
    verdicts.keep();
    for (const q of questions) expect(cached(dir, q), JSON.stringify(q)).toEqual(uncached(dir, q));
    expect(cached(dir, questions[0]!)?.rbac.bindings.map((b) => b.name)).toContain(boundBy);
  }

  it.each([
    [
      'by an escape (the record holds the name as JSON writes it, whatever the YAML)',
      'escaped',
      '"\\u0075ser12@acme.io"',
    ],
    ['beside a group (which may name anyone)', 'everyone', undefined],
  ] as const)('%s', async (_, name, written) => {
    const dir = await organization(7, 4);
    const path = shardFile('lga1', shardOf('ns-2', 4));
    const group = ['- apiGroup: rbac.authorization.k8s.io', '  kind: Group', '  name: system:authenticated'];
    appendFileSync(
      join(dir, path),
      roleBindingText('ns-2', name, [
        ...userSubjectLines('user13@acme.io'),
        ...(written ? userSubjectLines(written) : group),
      ]),
    );
    later();
    expectAnswered(dir, path, [ns2User12, token1('ns-2')], name);
  });

  it("a ServiceAccount's User (red team R93-1), beside a ServiceAccount of its name in another namespace", async () => {
    const dir = await organization(7, 4);
    const path = shardFile('lga1', shardOf('ns-3', 4));
    const f = join(dir, path);
    const elsewhere = ['- kind: ServiceAccount', '  name: token-1', '  namespace: acme-other'];
    appendFileSync(f, roleBindingText('ns-3', 'sa-elsewhere', elsewhere));
    appendFileSync(
      f,
      roleBindingText('ns-3', 'sa-user', userSubjectLines('system:serviceaccount:acme-system:token-1')),
    );
    later();
    expectAnswered(dir, path, [token1('ns-3'), user12In('ns-3')], 'sa-user');
  });
});

describe('a cache tampered with, or not of this folder and orgctl, is not trusted', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await organization(2, 4);
    later();
    for (const q of QUESTIONS) cached(dir, q);
  });

  /** Rewrites every record of `dir`: its first line by `edit`, its documents without RoleBindings; returns what puts them back. */
  function forge(edit: (head: any) => any): () => void {
    const saved = records(dir).map((f) => [f, readFileSync(f, 'utf8')] as const);
    const forged = (docs: any[]) => docs.filter((d) => d.object?.kind !== 'RoleBinding');
    for (const [f, text] of saved) {
      // Its first line, the subjects' names, its documents.
      const [head, more, docs] = text.split('\n');
      writeFileSync(
        f,
        `${JSON.stringify(edit(JSON.parse(head!)))}\n${more}\n${JSON.stringify(forged(JSON.parse(docs!)))}`,
      );
    }
    expect(saved.length).toBeGreaterThan(1);
    return () => {
      for (const [f, text] of saved) writeFileSync(f, text);
    };
  }

  /** Answers with every record forged so: each question answered as the output says, never as the forgery does. */
  function expectNotTrusted(edit: (head: any) => any) {
    const restore = forge(edit);
    try {
      for (const q of QUESTIONS) {
        const verdicts = verdictCacheOf(dir, ENGINE);
        expect(answerOf(readForQuestion(dir, q, undefined, verdicts)), JSON.stringify(q)).toEqual(uncached(dir, q));
      }
    } finally {
      restore();
    }
  }

  it('a guard: a record forged as its own user may (the stamps kept) is read, so the cases below test the checks', () => {
    const restore = forge((h) => h);
    try {
      const q = user('ns-0', 'user12@acme.io');
      expect(answerOf(readForQuestion(dir, q, undefined, verdictCacheOf(dir, ENGINE)))).not.toEqual(uncached(dir, q));
    } finally {
      restore();
    }
  });

  it('a record naming the bytes’ SHA-256 but not the file’s inode (a branch committing records)', () => {
    expectNotTrusted((h) => ({ ...h, read: { ...h.read, ino: h.read.ino + 1, ctimeMs: h.read.ctimeMs - 1 } }));
  });

  it('a record of another file of the folder, of another key (another folder, another orgctl), of another format', () => {
    const cluster = shardFile('lga1', CLUSTER_SHARD);
    expectNotTrusted((h) => ({ ...h, path: h.path === cluster ? shardFile('lga1', 'shard-0') : cluster }));
    expectNotTrusted((h) => ({ ...h, key: `${h.key.slice(1)}0` }));
    expectNotTrusted((h) => ({ ...h, format: h.format + 1 }));
    expectNotTrusted((h) => ({ ...h, read: { ...h.read, sha256: '0'.repeat(64), writtenMs: h.read.ctimeMs } }));
  });

  it('the verdicts of another orgctl, or of a copy of the folder, are not found', () => {
    const copy = join(dir, '..', 'copy');
    cpSync(dir, copy, { recursive: true });
    const other = verdictCacheOf(dir, 'fedcba9876543210')!;
    expect(other.judged(shardFile('lga1', CLUSTER_SHARD))).toBeUndefined();
    expect(verdictCacheOf(copy, ENGINE)!.judged(shardFile('lga1', CLUSTER_SHARD))).toBeUndefined();
    rmSync(copy, { recursive: true, force: true });
  });

  it('a record whose subjects’ names spell each name with an escape (the same JSON) answers as the output says', () => {
    // The names' line is read for whether it holds a name: JSON that spells one otherwise is the
    // same list, and a search of its bytes for the name as JSON.stringify writes it must not miss it.
    const saved = records(dir).map((f) => [f, readFileSync(f, 'utf8')] as const);
    try {
      for (const [f, text] of saved) {
        const [head, more, ...rest] = text.split('\n');
        const escaped = more!.replace(/(^\[|,)"([0-9a-f])/g, (_, before: string, c: string) => {
          return `${before}"\\u00${c.charCodeAt(0).toString(16)}`;
        });
        expect(JSON.parse(escaped)).toEqual(JSON.parse(more!));
        const h = JSON.parse(head!);
        writeFileSync(
          f,
          [JSON.stringify({ ...h, moreBytes: Buffer.byteLength(escaped) }), escaped, ...rest].join('\n'),
        );
      }
      expect(saved.some(([f]) => readFileSync(f, 'utf8').includes('\\u00'))).toBe(true);
      for (const q of QUESTIONS) {
        const read = answerOf(readForQuestion(dir, q, undefined, verdictCacheOf(dir, ENGINE)));
        // Undefined: the full read answers.
        if (read !== undefined) expect(read, JSON.stringify(q)).toEqual(uncached(dir, q));
      }
      // The question a spelled name would mislead: a member bound only elsewhere, found there.
      const elsewhere = user('ns-0', 'user31@acme.io');
      expect(answerOf(readForQuestion(dir, elsewhere, undefined, verdictCacheOf(dir, ENGINE)))).toEqual(
        uncached(dir, elsewhere),
      );
    } finally {
      for (const [f, text] of saved) writeFileSync(f, text);
    }
  });

  it('a record that is a link, and a key folder that is a link, are not read', () => {
    const [first] = records(dir);
    const text = readFileSync(first!, 'utf8');
    const elsewhere = join(tempDir('orgctl-verdicts-link-'), 'record.json');
    writeFileSync(elsewhere, text);
    rmSync(first!);
    symlinkSync(elsewhere, first!);
    const path = JSON.parse(text.slice(0, text.indexOf('\n'))).path as string;
    expect(verdictCacheOf(dir, ENGINE)!.judged(path)).toBeUndefined();
    rmSync(first!);
    writeFileSync(first!, text);
    expect(verdictCacheOf(dir, ENGINE)!.judged(path)).toBeDefined();
    const folder = join(first!, '..');
    renameSync(folder, `${folder}.real`);
    symlinkSync(`${folder}.real`, folder);
    expect(verdictCacheOf(dir, ENGINE)!.judged(path)).toBeUndefined();
    rmSync(folder);
    renameSync(`${folder}.real`, folder);
  });
});
