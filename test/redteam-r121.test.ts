/**
 * Red team R121: this session's two shortcuts on what is answered and applied.
 * 1. can-i asked again rules a judged RoleBinding out by its subjects' names' bytes in the record's
 *    JSON (JudgedDocument.holdsAny, verdicts format 4) and takes the organization's settings from
 *    the verdict of the file holding its one ConfigMap (FileFacts.organization). Held: each name
 *    below is found as JSON.stringify writes it on both sides (quotes delimit a prefix); what the
 *    strict reader refuses (single quotes, plain non-ASCII, a subject kind `user`, a ServiceAccount
 *    named `x:y`) leaves the file unjudged. A record's body edited under a valid first line is
 *    trusted by design (the cache folder is the user's own, 0700): flipping a mark is no more than
 *    taking a binding out of its documents' line, which the cache already trusts.
 * 2. synth writes each file as rendered into a temporary folder swapped in whole (streamOutput).
 *    Found: a file hard-linked from outside was linked into the new output (R121-1), and left there
 *    when nothing else changed, and dist/ a symbolic link had the folder it points to's files linked
 *    into the new output (R121-2): both closed, the output folder synth leaves is its own folder of
 *    its own files. Held: a synthesis over the shard limit, one killed mid-stream, two at once.
 */
import {
  appendFileSync,
  cpSync,
  existsSync,
  linkSync,
  lstatSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Question } from '../cli/partial-read.ts';
import { verdictCacheOf } from '../cli/verdict-cache.ts';
import { shardFile, shardOf } from '../synth/render.ts';
import { cacheFolderOfItsOwn, ROOT, run, tempDir, TODAY } from './helpers.ts';
import {
  cached,
  roleBindingText,
  synthesizedOrganization,
  TEST_ENGINE as ENGINE,
  uncached,
  userSubjectLines,
} from './verdict-questions.ts';

cacheFolderOfItsOwn('orgctl-r121-cache-');

const organization = (seed: number, shards: number) =>
  synthesizedOrganization({ users: 30, namespaces: 8, grants: 80, tokens: 6 }, seed, shards, 20);

const later = () => vi.setSystemTime(Date.now() + 5_000);

const user = (namespace: string, name: string): Question => ({
  namespace,
  subject: { kind: 'User', name, namespace: '' },
});

const binding = roleBindingText;
const userSubject = userSubjectLines;

describe('R121 part 1: a judged binding ruled out by its subjects names bytes answers as without verdicts', () => {
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
  });

  /** Asked first (verdicts kept), the file asserted judged, then asked again: as without verdicts, and bound by `boundBy`. */
  function expectAnswered(dir: string, path: string, questions: readonly Question[], boundBy?: string) {
    for (const q of questions) cached(dir, q);
    later();
    for (const q of questions) cached(dir, q);
    const verdicts = verdictCacheOf(dir, ENGINE)!;
    expect(verdicts.judged(path)).toBeDefined();
    verdicts.keep();
    for (const q of questions) expect(cached(dir, q), JSON.stringify(q)).toEqual(uncached(dir, q));
    if (boundBy) expect(cached(dir, questions[0]!)?.rbac.bindings.map((b) => b.name)).toContain(boundBy);
  }

  // Names JSON.stringify writes otherwise than their text (a quote, a backslash), or that JSON leaves
  // as they are where YAML does not (U+2028, non-ASCII), and names one of another's prefix or suffix.
  it.each([
    ['a double quote', '"o\\"brien@acme.io"', 'o"brien@acme.io'],
    ['a backslash', '"back\\\\slash@acme.io"', 'back\\slash@acme.io'],
    ['a line separator', '"line\\u2028sep@acme.io"', 'line\u2028sep@acme.io'],
    ['non-ASCII, quoted', '"zoë@acme.io"', 'zoë@acme.io'],
    ['non-ASCII by an escape', '"zo\\u00eb@acme.io"', 'zoë@acme.io'],
    ['a prefix of a bound name', 'user1@acme.io', 'user1@acme.io'],
    ['a tab by an escape', '"tab\\tname@acme.io"', 'tab\tname@acme.io'],
  ] as const)('a user named with %s', async (_, written, name) => {
    const { out } = await organization(7, 4);
    const path = shardFile('lga1', shardOf('ns-2', 4));
    appendFileSync(
      join(out, path),
      binding('ns-2', 'forged', [...userSubject('user13@acme.io'), ...userSubject(written)]),
    );
    later();
    expectAnswered(out, path, [user('ns-2', name), user('ns-2', 'user13@acme.io'), user('ns-2', `${name}x`)], 'forged');
  });

  it('a ServiceAccount subject without a namespace (the binding is its namespace), asked as a ServiceAccount', async () => {
    const { out } = await organization(7, 4);
    const path = shardFile('lga1', shardOf('ns-3', 4));
    appendFileSync(join(out, path), binding('ns-3', 'sa-local', ['- kind: ServiceAccount', '  name: builder']));
    later();
    const sa: Question = { namespace: 'ns-3', subject: { kind: 'ServiceAccount', name: 'builder', namespace: 'ns-3' } };
    expectAnswered(out, path, [sa], 'sa-local');
  });

  it('a binding with no subjects (marked: every one of none is a User), beside one that binds', async () => {
    const { out } = await organization(7, 4);
    const path = shardFile('lga1', shardOf('ns-2', 4));
    appendFileSync(join(out, path), binding('ns-2', 'empty', []));
    appendFileSync(join(out, path), binding('ns-2', 'bound', userSubject('user14@acme.io')));
    later();
    expectAnswered(out, path, [user('ns-2', 'user14@acme.io'), { namespace: 'ns-2' }], 'bound');
  });
});

describe('R121 part 2: a synthesis that fails, is killed or races leaves dist/ whole', () => {
  // A lock taken over is kept a minute under its tombstone's name (cli/output.ts takeOver): by design.
  const SIBLING = /^\.dist\.(tmp|old|lock(?!-dead-))/;
  const siblings = (out: string) => readdirSync(join(out, '..')).filter((f) => SIBLING.test(f));
  /** Every file of `out` and its bytes. */
  const snapshot = (out: string) =>
    Object.fromEntries(
      readdirSync(out, { recursive: true, encoding: 'utf8' })
        .filter((f) => statSync(join(out, f)).isFile())
        .sort()
        .map((f) => [f, readFileSync(join(out, f), 'utf8')]),
    );
  const respec = (file: string, edit: (s: Record<string, any>) => void) => {
    const spec = JSON.parse(readFileSync(file, 'utf8'));
    edit(spec.spec);
    writeFileSync(file, JSON.stringify(spec));
  };

  it('over the shard limit after its shards were streamed: dist/ as it was, nothing left beside it', async () => {
    const { spec, out } = await organization(11, 8);
    const before = snapshot(out);
    respec(spec, (s) => {
      s.delivery = { shards: 1 };
      for (let i = 0; i < 800; i++) s.namespaces.push({ name: `extra-${i}` });
    });
    const r = await run(['synth', '--spec', spec, '--out', out]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/shard-limit|over the 1500 objects/);
    expect(snapshot(out)).toEqual(before);
    expect(siblings(out)).toEqual([]);
  });

  it('a file of dist/ hard-linked from outside: not written through, and not linked into the new output', async () => {
    const { spec, out } = await organization(12, 4);
    const kept = shardFile('lga1', shardOf('ns-2', 4));
    const outside = join(tempDir('orgctl-r121-outside-'), 'kept.yaml');
    linkSync(join(out, kept), outside);
    const text = readFileSync(outside, 'utf8');
    // Another namespace's grant changes another file: the linked one is unchanged, so linked anew.
    respec(spec, (s) => {
      s.users.push({ email: 'newcomer@acme.io', github: 'newcomer' });
    });
    const r = await run(['synth', '--spec', spec, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^wrote /);
    expect(readFileSync(outside, 'utf8')).toBe(text);
    expect(readFileSync(join(out, kept), 'utf8')).toBe(text);
    expect(statSync(join(out, kept)).ino).not.toBe(statSync(outside).ino);
    expect(existsSync(outside)).toBe(true);
  });

  it('an unchanged output whose files are hard-linked from outside is made its own: written, not left linked', async () => {
    const { spec, out } = await organization(15, 4);
    const kept = shardFile('lga1', shardOf('ns-2', 4));
    const outside = join(tempDir('orgctl-r121-outside-'), 'kept.yaml');
    linkSync(join(out, kept), outside);
    const r = await run(['synth', '--spec', spec, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(join(out, kept)).ino).not.toBe(statSync(outside).ino);
    expect(statSync(outside).nlink).toBe(1);
  });

  it('dist/ itself a symbolic link to a folder outside: its files are not linked into the new output, the folder left', async () => {
    const { spec, out } = await organization(16, 4);
    const elsewhere = join(tempDir('orgctl-r121-elsewhere-'), 'dist');
    cpSync(out, elsewhere, { recursive: true });
    const before = snapshot(elsewhere);
    renameSync(out, `${out}-was`);
    symlinkSync(elsewhere, out);
    const kept = shardFile('lga1', shardOf('ns-2', 4));
    respec(spec, (s) => {
      s.users.push({ email: 'newcomer@acme.io', github: 'newcomer' });
    });
    const r = await run(['synth', '--spec', spec, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(out).isDirectory()).toBe(true);
    expect(snapshot(elsewhere)).toEqual(before);
    expect(statSync(join(out, kept)).ino).not.toBe(statSync(join(elsewhere, kept)).ino);
    expect(statSync(join(elsewhere, kept)).nlink).toBe(1);
  });

  /** `orgctl synth` of `spec` into `out` in a process of its own: its exit code (null: killed) once it ends. */
  const synthProcess = (spec: string, out: string) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/orgctl.mjs'), 'synth', '--spec', spec, '--out', out], {
      env: { ...process.env, ORGCTL_TODAY: TODAY },
      stdio: 'ignore',
    });
    const ended = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    return { child, ended };
  };
  const larger = (s: Record<string, any>) => {
    for (let i = 0; i < 3_000; i++) s.users.push({ email: `extra-${i}@acme.io`, github: `extra-${i}`, access: 'all' });
  };

  it('killed while it streams its files: dist/ as it was; the next synth takes the lock over and writes it whole', async () => {
    const { spec, out } = await organization(13, 4);
    respec(spec, larger);
    // Killed once its temporary folder holds a file: the lock taken, some files written, not all.
    const tmpFiles = () =>
      siblings(out)
        .filter((f) => f.startsWith('.dist.tmp-'))
        .flatMap((f) =>
          existsSync(join(out, '..', f)) ? readdirSync(join(out, '..', f), { recursive: true, encoding: 'utf8' }) : [],
        );
    // The stream of files lasts about 0.1 s on a quiet machine: looked for every few milliseconds,
    // not pollUntil's 100. A synthesis that ended before the kill (this process descheduled) proves
    // nothing: its output is the next try's `before`, and the next try declares one more person.
    let before = snapshot(out);
    let ended: number | null = 0;
    for (let attempt = 0; attempt < 5 && ended !== null; attempt++) {
      if (attempt) {
        before = snapshot(out);
        respec(spec, (s) => s.users.push({ email: `retry-${attempt}@acme.io`, github: `retry-${attempt}` }));
      }
      const synth = synthProcess(spec, out);
      for (const until = Date.now() + 60_000; !tmpFiles().length && Date.now() < until; )
        await new Promise((r) => setTimeout(r, 2));
      synth.child.kill('SIGKILL');
      ended = await synth.ended;
    }
    expect(ended).toBe(null);
    expect(snapshot(out)).toEqual(before);
    const r = await run(['synth', '--spec', spec, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect((await run(['synth', '--check', '--spec', spec, '--out', out])).code).toBe(0);
    expect(siblings(out)).toEqual([]);
  }, 120_000);

  it('two synths at once of two declarations: dist/ is one of them, whole', async () => {
    const { spec, out } = await organization(14, 4);
    const other = join(out, '..', 'other.json');
    writeFileSync(other, readFileSync(spec));
    respec(other, larger);
    const [a, b] = [synthProcess(other, out), synthProcess(spec, out)];
    expect([await a.ended, await b.ended]).toEqual([0, 0]);
    const checks = await Promise.all(
      [spec, other].map(async (s) => (await run(['synth', '--check', '--spec', s, '--out', out])).code),
    );
    expect(checks.sort()).toEqual([0, 1]);
    expect(siblings(out)).toEqual([]);
  }, 120_000);
});
