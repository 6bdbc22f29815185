/**
 * Red team Q: whether the commands on the trust chain fail closed and stay bounded on input a pull
 * request's author controls (the declaration, dist/, any file). Each test failed on the code it
 * was written against (f42852e).
 *
 * Q1: the email pattern (EMAIL_PATTERN: `^[^@\s]+@[^@\s]+\.[^@\s]+$`) backtracks in quadratic time
 *     in JavaScript's regex engine: its domain's two `[^@\s]+` around `\.` can split a run of dots
 *     every way before failing. The spec schema (ajv tests the pattern even past `maxLength`), the
 *     constructs and import all use it, so one address of 300,000 dots (`a@....@`) held `orgctl
 *     check` of a spec, and `orgctl review` of a head dist/ binding a User of that name (import
 *     tests each User subject while recovering the organization), for minutes; a few MB of them,
 *     for hours of the privileged review job. The pattern now splits the domain at its first inner
 *     dot (`[^@\s][^@\s.]*\.`), which reads the same addresses with no choice to backtrack over.
 * Q2: records keyed by namespace (a person's cells in the access diff, the access matrix's row) were
 *     plain objects, so a namespace named `constructor` (a valid DNS label, which check and synth
 *     accept) that one side lacks read as Object's constructor, not as absent: removing namespace
 *     `constructor` threw in `orgctl diff` and `orgctl review` (exit 2 on every change that does it,
 *     however approved), and `orgctl access --format html` threw on any output declaring it. Those
 *     records now have no prototype (nameRecord): a name they lack is absent.
 * Q3: the diff of a namespace's labels and annotations read a key one side lacks from a plain
 *     object too: a label `toString` (a valid label key) added read `label toString function
 *     toString() { [native code] } → x`, and removed, `label toString x → function toString() ...`,
 *     never `added` or `removed`, in the comment an approving admin reads. Keys are read as the
 *     side's own.
 * Q4: orgctl's reader of its own YAML (synth/yaml.ts) recursed once per level of nesting, without
 *     bound: a head dist/ holding a document nested 3,000 levels deep threw a RangeError (maximum
 *     call stack), an internal error, not an input error. `orgctl review --github` posts a failing
 *     check run and a comment only for head it cannot read as input (cli/github.ts): on this one
 *     the job died with neither, silence where a reviewer is promised a visible failure. The reader
 *     now refuses nesting deeper than orgctl writes, as it refuses any other text it does not write.
 * Q5: the review's markdown (escapeMarkdown, every declared text in the comment) found bare URLs
 *     with `\b[a-z][a-z0-9+.-]*:\/\/`, which scans from every word of a run like `a.a.a.a...`
 *     to its end looking for `://`, and cut a URL's closing punctuation with `[.,;:!?]+$`, which
 *     does the same over a run of dots: quadratic in the text. One namespace annotation of
 *     240,000 characters held `orgctl diff` (and the privileged review job, which renders the
 *     comment three times) for a minute; a few namespaces of them, for hours. The scheme is now
 *     at most 32 characters (a longer run is matched from a later word, still up to its `://`),
 *     and the punctuation is cut by a loop from the end. A URL's code span was fenced by its longest
 *     run of backticks, found as Math.max(...runs): 200,000 runs threw (maximum call stack).
 * Q6: the membership lists of a head dist/ (users.jsonl, invites.jsonl, tokens.jsonl) were read as
 *     whatever JSON each line held: a record that is not an object, or whose email, username,
 *     GitHub login or dated access is of another type, threw a TypeError deep in the diff (an
 *     internal error), so `review --github` died without the failing check and comment it posts
 *     for head it cannot read; so did organization.json's `clusters` holding a null. Each record's
 *     fields (and organization.json's lists) are now checked as orgctl writes them, and one that
 *     is not is an input error naming its ConfigMap and line.
 * Q7: a YAML spec, and YAML manifests (`orgctl import` of a cluster's dump, can-i over hand-written
 *     manifests), were parsed with the `yaml` package's `uniqueKeys`, which compares each key of a
 *     mapping with every key before it: quadratic in a mapping's size. A spec whose namespace has
 *     60,000 labels (a few hundred KB, which the API server takes) held `orgctl check` for minutes,
 *     and a dump holding a namespace admin's ConfigMap of 60,000 keys held `orgctl import`. Keys
 *     written twice are now found in one pass (a set per mapping), with the same error and message.
 * Q8 (Q's report, fixed after): a document of hand-written manifests nested deeper than the `yaml`
 *     package's stack (3,000 levels; Go's YAML reads 10,000) was left out with a warning, and the
 *     answer given without it, as W3's duplicate keys were: a RoleBinding whose free-form field
 *     (managedFields' fieldsV1) is nested that deep was access no answer counted. Refused instead.
 * R13-F3: JSON inside head dist/'s YAML (a membership list's line) and the head proof were read
 *     without a bound on nesting: a users.jsonl record with a field orgctl never writes, or a value,
 *     nested 20,000 deep made review, diff and prove an internal error (JSON.stringify's stack), and
 *     a head proof whose engine.name was nested 10,000 deep threw a RangeError while saying why it
 *     was refused.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EMAIL_PATTERN } from '../model/model.ts';
import { escapeMarkdown } from '../report/markdown.ts';
import { parseHeadProof } from '../review/head-proof.ts';
import { ROOT, TODAY, cli, run, shardHolding, tempDir } from './helpers.ts';
import { baseDistWithWebBinding, baseSpec, diffOf, distOf, tokensOf, type Spec } from './review/scenarios.ts';

/** `orgctl ARGS` in a child process killed after 30 s: its exit code, or `killed` when it did not end. */
function boundedCli(args: readonly string[]): number | 'killed' {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/orgctl.mjs'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ORGCTL_TODAY: TODAY },
    timeout: 30_000,
    killSignal: 'SIGKILL',
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return r.signal ? 'killed' : (r.status ?? 'killed');
}

/** An address of `n` dots between two @: no email, and the worst case of a backtracking email pattern. */
const dotsAddress = (n: number) => `a@${'.'.repeat(n)}@`;

describe('Q1: the email pattern ends in linear time, whatever the text', () => {
  it('reads exactly the addresses it read before (every text of a small alphabet, up to 7 characters)', () => {
    const before = /^[^@\s]+@[^@\s]+\.[^@\s]+$/u;
    const now = new RegExp(EMAIL_PATTERN, 'u');
    const alphabet = ['a', '.', '@', ' ', '\u00a0'];
    let texts = [''];
    for (let length = 1; length <= 7; length++) {
      texts = texts.flatMap((t) => alphabet.map((c) => t + c));
      for (const t of texts) expect(now.test(t), JSON.stringify(t)).toBe(before.test(t));
    }
  });

  it('orgctl check of a spec whose user is 300,000 dots between two @: refused (exit 2), not held', () => {
    const dir = tempDir('orgctl-rtq-');
    const spec = baseSpec();
    spec.spec.users.push({ email: dotsAddress(300_000), github: 'mallory' });
    const file = join(dir, 'org.json');
    writeFileSync(file, JSON.stringify(spec));
    expect(boundedCli(['check', '--spec', file])).toBe(2);
  }, 60_000);

  it('orgctl review of a head dist/ binding a User of 300,000 dots between two @: refused (exit 1), not held', async () => {
    const base = await distOf(baseSpec());
    const head = await baseDistWithWebBinding('x-dots', `  kind: User\n  name: "${dotsAddress(300_000)}"\n`);
    expect(boundedCli(['review', '--base', base, '--head', head, '--actor', 'bob'])).toBe(1);
  }, 60_000);
});

describe('Q2: a namespace named constructor is a namespace like any other', () => {
  /** baseSpec with namespace `ns`, where token tk (owned by alice) has w:full. */
  const withNamespace = (ns: string): Spec => {
    const s = baseSpec();
    s.spec.namespaces.push({ name: ns });
    tokensOf(s).push({ id: 'tk', name: 'TK', namespaces: [ns], owner: 'alice@acme.io' });
    return s;
  };
  /** The diff's lines, `subject: text`, for removing namespace `ns` (and tk's access there). */
  const removalLines = (ns: string) => {
    const d = diffOf(withNamespace(ns), (s) => {
      s.spec.namespaces = s.spec.namespaces.filter((n: { name: string }) => n.name !== ns);
      tokensOf(s).find((t) => t.id === 'tk')!.namespaces = [];
    });
    return [...d.people, ...d.tokens].flatMap((p) => p.changes.map((c) => `${p.id}: ${c.text.replaceAll(ns, 'NS')}`));
  };

  it('removing it: the diff says what removing any other namespace says (admins and tk lose w:full with it)', () => {
    expect(removalLines('constructor')).toEqual(removalLines('web2'));
  });

  it('orgctl access --format html of an output declaring it: the page, exit 0', async () => {
    const dist = await distOf(withNamespace('constructor'));
    const r = cli(['access', '--dir', dist, '--format', 'html']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('data-ns="constructor"');
  });

  it.each([
    'constructor',
    'tostring',
    'valueof',
  ])('R12-F6: %s as the first namespace declared: check and synth, as any other', async (ns) => {
    const s = baseSpec();
    s.spec.namespaces.unshift({ name: ns });
    const dist = await distOf(s); // throws with the CLI's words when synth fails
    expect((await run(['can-i', 'get', 'pods', '-n', ns, '--as', 'alice@acme.io', '--dir', dist])).stdout).toBe('yes');
  });
});

describe('Q3: a label or annotation named as an Object method is said as any other', () => {
  /** The diff's guard-rail lines for an edit of baseSpec, web's label key `key` said as KEY. */
  const railLines = (
    key: string,
    before: Record<string, string> | undefined,
    after: Record<string, string> | undefined,
  ) => {
    const base = baseSpec();
    if (before) base.spec.namespaces[0].labels = before;
    const d = diffOf(base, (s) => {
      if (after) s.spec.namespaces[0].labels = after;
      else delete s.spec.namespaces[0].labels;
    });
    return (d.guardRails ?? []).map((c) => c.text.replaceAll(key, 'KEY'));
  };

  it.each([
    'toString',
    'constructor',
    'valueOf',
  ])('label %s added, changed, removed: the lines a label team gets', (key) => {
    for (const [before, after] of [
      [undefined, 'x'],
      ['x', 'y'],
      ['x', undefined],
    ] as const) {
      const as = (k: string, v: string | undefined) => (v === undefined ? undefined : { [k]: v });
      expect(railLines(key, as(key, before), as(key, after))).toEqual(
        railLines('team', as('team', before), as('team', after)),
      );
    }
  });
});

describe('Q4: a head dist/ nested deeper than orgctl writes is input orgctl refuses, not a crash', () => {
  /** baseSpec's dist/, copied, with a ConfigMap in web's shard whose data nests `depth` mappings. */
  const deeplyNested = async (depth: number) => {
    const dir = join(tempDir('orgctl-rtq-'), 'dist');
    cpSync(await distOf(baseSpec()), dir, { recursive: true });
    const nesting = Array.from({ length: depth }, (_, i) => `${'  '.repeat(i + 1)}k:\n`).join('');
    appendFileSync(
      join(dir, shardHolding(dir, 'web')),
      `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\n  namespace: web\ndata:\n${nesting}${'  '.repeat(depth + 1)}v\n`,
    );
    return dir;
  };

  it.each([
    ['review', (head: string, base: string) => ['review', '--base', base, '--head', head, '--actor', 'bob']],
    ['diff', (head: string, base: string) => ['diff', '--base', base, '--head', head]],
    ['prove', (head: string) => ['prove', '--dir', head]],
  ])(
    'orgctl %s: an input error naming the file (what review --github posts as a failing check), exit 2',
    async (_name, args) => {
      const base = await distOf(baseSpec());
      const head = await deeplyNested(3_000);
      const r = cli([...args(head, base), '--format', 'json']);
      expect(r.code).toBe(2);
      const error = JSON.parse(r.stdout.split('\n')[0]!).error;
      expect(error.kind, error.message).toBe('input');
      expect(error.message).toContain(shardHolding(head, 'web'));
    },
    60_000,
  );
});

describe('Q5: the markdown of a diff ends in linear time, whatever the declared text', () => {
  it('a URL of 200,000 runs of backticks is one code span, fenced by one backtick more than its longest run', () => {
    const url = `http://x${'`a'.repeat(200_000)}`;
    expect(escapeMarkdown(url)).toBe(`\`\`${url}\`\``);
  });

  it.each([
    ['a.a.a.…', 'a.'.repeat(120_000)],
    ['a-a-a-…', 'a-'.repeat(120_000)],
    ['a URL of 240,000 dots', `http://x${'.'.repeat(240_000)}x`],
  ])(
    'orgctl diff of a namespace annotation %s: the report (exit 0), not held',
    async (_name, note) => {
      const base = baseSpec();
      const [b, h] = [
        await distOf(base),
        await distOf({
          ...base,
          spec: {
            ...base.spec,
            namespaces: [{ name: 'web', annotations: { 'example.com/note': note } }, { name: 'data' }],
          },
        }),
      ];
      const r = spawnSync(process.execPath, [join(ROOT, 'bin/orgctl.mjs'), 'diff', '--base', b, '--head', h], {
        cwd: ROOT,
        env: { ...process.env, ORGCTL_TODAY: TODAY },
        timeout: 30_000,
        killSignal: 'SIGKILL',
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      });
      expect(r.signal ?? r.status).toBe(0);
      expect(r.stdout).toContain('example.com/note');
    },
    60_000,
  );
});

describe('R12-F2: no text of the declaration becomes a link in the comment, however it runs up to ://', () => {
  /** `md` with its code spans taken out: what GitHub parses, and would autolink. */
  const outsideCode = (md: string) => md.replace(/(`+)[\s\S]*?\1/g, '');
  it.each([
    ['a 40-letter run and a digit before the scheme', `${'a'.repeat(40)}1https://evil.example/x`],
    ['a digit before it', '9https://evil.example'],
    ['an underscore before it', 'x_https://evil.example'],
    ['a colon before it', 'see:https://evil.example'],
    ['www. after a letter', 'awww.evil.example'],
    ['a scheme of 40 letters', `${'h'.repeat(40)}://evil.example`],
  ])('%s: shown as code', (_, text) => {
    const shown = outsideCode(escapeMarkdown(`before ${text} after`));
    expect(shown).not.toMatch(/:\/\/|www\./i);
    expect(shown).toContain('before');
  });

  it('the same text as before where a URL stands alone, its closing punctuation outside', () => {
    expect(escapeMarkdown('see https://acme.io/docs. Then')).toBe('see `https://acme.io/docs`. Then');
  });

  it('linear in the text: 100,000 URLs of 100,000 letters', () => {
    const text = `${'a'.repeat(100_000)}${' x://y'.repeat(100_000)}`;
    expect(escapeMarkdown(text).length).toBeGreaterThan(text.length);
  });
});

/**
 * baseSpec's dist/, copied, with `record` as one more line of `list` (users, invites, tokens); for
 * `organization`, `record` in place of organization.json's `"clusters":[]`; for `namespaces` (base
 * has no list of its own), a namespaces.jsonl of that line in the organization's ConfigMap.
 */
async function withMembershipLine(list: string, record: string): Promise<string> {
  const dir = join(tempDir('orgctl-rtq-'), 'dist');
  cpSync(await distOf(baseSpec()), dir, { recursive: true });
  const file = join(dir, 'in-cluster', 'cluster', 'resources.yaml');
  const text = readFileSync(file, 'utf8');
  const [from, to] =
    list === 'organization'
      ? ['"clusters":[]', record]
      : list === 'namespaces'
        ? ['data:\n  organization.json: |', `data:\n  namespaces.jsonl: |\n    ${record}\n  organization.json: |`]
        : [`  ${list}.jsonl: |\n`, `  ${list}.jsonl: |\n    ${record}\n`];
  expect(text, `${from} in ${file}`).toContain(from);
  writeFileSync(file, text.replace(from, to));
  return dir;
}

describe('Q6: a membership record of another shape in head dist/ is input orgctl refuses, not a crash', () => {
  const withRecord = withMembershipLine;
  const user = (fields: Record<string, unknown>) =>
    JSON.stringify({
      email: 'x@acme.io',
      username: 'x@acme.io',
      github: 'x',
      admin: false,
      billing: false,
      status: 'active',
      ...fields,
    });

  it.each([
    ['users', 'a number', '5'],
    ['users', 'null', 'null'],
    ['users', 'a list', '[]'],
    ['users', 'an email that is a number', user({ email: 5 })],
    ['users', 'a GitHub login that is a number', user({ github: 7 })],
    ['users', 'dated access that is text', user({ expiring: 'zz' })],
    ['users', 'dated access holding null', user({ expiring: [null] })],
    [
      'tokens',
      'a token whose namespaces are text',
      JSON.stringify({ id: 'x', serviceAccount: 'token-x', namespaces: 'web' }),
    ],
    ['organization', 'clusters holding a null', '"clusters":[null]'],
  ])(
    '%s: %s: an input error naming the list, exit 2',
    async (list, _what, record) => {
      const head = await withRecord(list, record);
      const r = await run([
        'review',
        '--base',
        await distOf(baseSpec()),
        '--head',
        head,
        '--actor',
        'bob',
        '--format',
        'json',
      ]);
      expect(r.code).toBe(2);
      const error = JSON.parse(r.stdout.split('\n')[0]!).error;
      expect(error.kind, error.message).toBe('input');
      expect(error.message).toContain(list === 'organization' ? 'organization.json' : `${list}.jsonl`);
    },
    60_000,
  );
});

describe('R13-F3: a membership record holding what orgctl never writes (a field, a value nested 20,000 deep) is an input error', () => {
  const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
  const withLine = withMembershipLine;
  const user = (fields: string) =>
    `{"email":"x@acme.io","username":"x@acme.io","github":"x","admin":false,"billing":false,"status":"active"${fields}}`;
  const commands = {
    review: (head: string, base: string) => ['review', '--base', base, '--head', head, '--actor', 'bob'],
    diff: (head: string, base: string) => ['diff', '--base', base, '--head', head],
    // As diff and review read it: prove read it as import does, leaving out what it could not read,
    // and judged every admin a non-admin, saying nothing of why.
    prove: (head: string) => ['prove', '--dir', head],
  };

  it.each([
    [
      'users',
      'a field orgctl never writes, nested 20,000 deep',
      user(`,"x":${deep(20_000)}`),
      /it has field "x", which orgctl never writes \(a record holds email, username, github/,
    ],
    [
      'users',
      'a field orgctl never writes, plain',
      user(',"note":"hi"'),
      /it has field "note", which orgctl never writes/,
    ],
    [
      'users',
      'its GitHub login nested 20,000 deep',
      user('').replace('"github":"x"', `"github":${deep(20_000)}`),
      /github is a list \(of 1\), not text/,
    ],
    [
      'users',
      'dated access with a field orgctl never writes',
      user(',"expiring":[{"namespace":"web","role":"r","until":"2099-01-01","x":1}]'),
      /expiring\[0\] has field "x", which orgctl never writes/,
    ],
    [
      'tokens',
      'a level nested 20,000 deep',
      `{"id":"x","serviceAccount":"token-x","namespaces":["web"],"levels":[${deep(20_000)}]}`,
      /levels is a list \(of 1\), not a list of texts/,
    ],
    [
      'namespaces',
      'a guard rail nested 20,000 deep',
      `{"name":"web","quota":${deep(20_000)}}`,
      /field "quota" is a list \(of 1\) nested more than \d+ levels deep, which orgctl never writes/,
    ],
  ])(
    '%s: %s: review, diff and prove exit 2 with an input error naming the file, line and field',
    async (list, _what, record, says) => {
      const head = await withLine(list, record);
      const base = await distOf(baseSpec());
      for (const [name, args] of Object.entries(commands)) {
        const r = await run([...args(head, base), '--format', 'json']);
        const error = JSON.parse(r.stdout.split('\n')[0]!).error;
        expect(error?.kind, `${name}: ${error?.message ?? r.stdout.slice(0, 300)}`).toBe('input');
        expect(r.code, name).toBe(2);
        expect(error.message, name).toContain(`${list}.jsonl line 1`);
        expect(error.message, name).toMatch(says);
      }
    },
    120_000,
  );

  it('organization.json with a setting nested 20,000 deep: an input error too, for prove as well', async () => {
    const head = await withLine('organization', `"clusters":[],"argocd":{"x":${deep(20_000)}}`);
    const base = await distOf(baseSpec());
    for (const [name, args] of Object.entries(commands)) {
      const r = cli([...args(head, base), '--format', 'json']);
      const error = JSON.parse(r.stdout.split('\n')[0]!).error;
      expect(error?.kind, `${name}: ${error?.message ?? r.stdout.slice(0, 300)}`).toBe('input');
      expect(error.message, name).toContain('organization.json');
      expect(error.message, name).toMatch(/field "argocd" is an object \(of 1 key\) nested more than/);
    }
  }, 120_000);

  it('a head proof whose engine.name is nested 10,000 deep is refused, saying what it is, not a RangeError', () => {
    const text = `{"engine":{"name":${deep(10_000)},"version":"1.0.0"},"ok":true,"differences":[],"findings":[]}`;
    expect(parseHeadProof(text)).toBe('engine.name a list (of 1) is not a package name');
    expect(parseHeadProof(text.replace(deep(10_000), '{"a":1,"b":2}'))).toBe(
      'engine.name an object (of 2 keys) is not a package name',
    );
    expect(parseHeadProof(text.replace(deep(10_000), '"x y"'))).toBe('engine.name "x y" is not a package name');
  });
});

describe('Q7: a YAML mapping of many keys is read in linear time, duplicates still refused', () => {
  /** `orgctl ARGS` in a child process killed after 30 s: its exit code (or `killed`) and stderr. */
  const bounded = (args: readonly string[]) => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/orgctl.mjs'), ...args], {
      cwd: ROOT,
      env: { ...process.env, ORGCTL_TODAY: TODAY },
      timeout: 30_000,
      killSignal: 'SIGKILL',
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    return { code: r.signal ? 'killed' : r.status, stderr: r.stderr };
  };
  /** `n` keys, each value single-quoted: no text orgctl writes, so the `yaml` package reads it. */
  const keys = (n: number, indent: string) => Array.from({ length: n }, (_, i) => `${indent}k${i}: 'v'`).join('\n');

  it('orgctl check of a YAML spec whose namespace has 60,000 labels, the first written again last: the duplicate, exit 2', () => {
    const dir = tempDir('orgctl-rtq-');
    const file = join(dir, 'org.yaml');
    writeFileSync(
      file,
      `apiVersion: orgctl/v1\nkind: Organization\nmetadata: { name: acme }\nspec:\n  owner: alice@acme.io\n  users:\n    - { email: alice@acme.io, github: alice, admin: true }\n  namespaces:\n    - name: web\n      labels:\n${keys(60_000, '        ')}\n        k0: again\n`,
    );
    const r = bounded(['check', '--spec', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('duplicate key "k0"');
  }, 60_000);

  it('orgctl import of a dump holding a ConfigMap of 60,000 keys: read (exit 0), not held', () => {
    const dir = tempDir('orgctl-rtq-');
    const file = join(dir, 'dump.yaml');
    writeFileSync(
      file,
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\n  namespace: web\ndata:\n${keys(60_000, '  ')}\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n`,
    );
    expect(bounded(['import', '--from', file, '--org', 'acme', '--owner', 'alice@acme.io']).code).toBe(0);
  }, 60_000);
});

describe('Q8: a hand-written manifest nested deeper than orgctl can read is refused, not left out', () => {
  it.each([
    ['can-i', ['can-i', 'create', 'pods', '-n', 'shop', '--as', 'bob']],
    ['who-can', ['who-can', 'create', 'pods', '-n', 'shop']],
    ['access', ['access']],
  ])('%s gives no answer without the document, and says where', (_, args) => {
    const dir = tempDir();
    const deep = `${'['.repeat(3000)}${']'.repeat(3000)}`;
    // Block style, as kubectl get -o yaml writes it (R12: its parser's stack overflows before it records an error).
    writeFileSync(
      join(dir, 'block.yaml'),
      `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: team-view
  namespace: shop
  managedFields:
  - manager: kubectl
    fieldsV1:
${Array.from({ length: 3000 }, (_, i) => `${'  '.repeat(i + 3)}a:`).join('\n')} {}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: bob}
`,
    );
    expect(cli([...args, '--dir', dir]).stderr).toMatch(/block\.yaml: nested deeper than orgctl reads/);
    rmSync(join(dir, 'block.yaml'));
    writeFileSync(
      join(dir, 'rbac.yaml'),
      `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: team-edit
  namespace: shop
  managedFields:
  - {manager: kubectl, operation: Apply, fieldsType: FieldsV1, fieldsV1: ${deep}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: bob}
`,
    );
    const r = cli([...args, '--dir', dir]);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/rbac\.yaml:7:\d+: .*nested deeper than orgctl reads/);
  });
});
