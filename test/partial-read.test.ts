/**
 * can-i's partial read (cli/partial-read.ts): on generated organizations (seeds, shard counts,
 * clusters, admins, Add All, custom roles and rules, tokens with and without namespaces), every
 * answer, warning and exit code equals the full read's; it parses fewer files; and what it cannot
 * bound falls back to the full read.
 */
import { cpSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { generateSpec } from '../constructs/generate.ts';
import { readForQuestion, usersListLines, usersListLinesOfFile } from '../cli/partial-read.ts';
import { listFiles } from '../cli/output.ts';
import { readIfOrgctlOutput } from '../cli/output-read.ts';
import { CLUSTER_SHARD, shardFile, shardOf } from '../synth/render.ts';
import { run, tempDir, withEveryKindOfBinding } from './helpers.ts';
import { synthesizedInto } from './verdict-questions.ts';

// The full read, on demand: readForQuestion answering "cannot bound" is what can-i does then.
const force = vi.hoisted(() => ({ full: false, partial: 0 }));
vi.mock('../cli/partial-read.ts', async (original) => {
  const m = await original<typeof import('../cli/partial-read.ts')>();
  const readForQuestion = (...a: Parameters<typeof m.readForQuestion>) => {
    const read = force.full ? undefined : m.readForQuestion(...a);
    if (read) force.partial++;
    return read;
  };
  return { ...m, readForQuestion };
});
// The full read (the answers' oracle) parses a folder once while its files are unchanged: each
// command run with it still answers from that read, without parsing some 9 MB of members-NN again.
vi.mock('../cli/output-read.ts', async (original) => {
  const m = await original<typeof import('../cli/output-read.ts')>();
  const { statSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { listFiles } = await import('../cli/output.ts');
  const kept = new Map<string, ReturnType<typeof m.readIfOrgctlOutput>>();
  // Every file by its path, inode, size and times: a folder written since is read again.
  const stampOf = (dir: string) =>
    listFiles(dir)
      .map((f) => {
        const s = statSync(join(dir, f), { bigint: true });
        return `${f}\0${s.ino}\0${s.size}\0${s.ctimeNs}\0${s.mtimeNs}`;
      })
      .join('\n');
  const readIfOrgctlOutput = (dir: string) => {
    const key = `${dir}\n${stampOf(dir)}`;
    // What the read refuses is not kept: it throws again, from the read itself, each time.
    if (!kept.has(key)) kept.set(key, m.readIfOrgctlOutput(dir));
    return kept.get(key);
  };
  return { ...m, readIfOrgctlOutput };
});

interface Org {
  readonly dir: string;
  readonly namespaces: readonly string[];
}

/** A generated organization with every kind of binding orgctl writes, synthesized into a folder. */
async function organization(
  seed: number,
  shards: number,
  clusters: readonly string[],
  invites?: number,
  extraNamespaces: readonly string[] = [],
): Promise<Org> {
  const spec = generateSpec({
    users: 40,
    namespaces: 12,
    grants: 120,
    tokens: 12,
    seed,
    clusters,
    invites,
  }) as unknown as {
    spec: Record<string, any>;
  };
  const s = spec.spec;
  s.delivery = { shards };
  // Namespaces YAML must quote ("123", "null"), each with grants: a document's head is read quoted too.
  for (const [i, name] of extraNamespaces.entries()) {
    s.namespaces.push({ name });
    s.grants.push(
      { user: `user${10 + i}@acme.io`, namespace: name, levels: ['r:pods'] },
      { user: `user${20 + i}@acme.io`, namespace: name, levels: ['w:configmaps'] },
    );
  }
  withEveryKindOfBinding(s, 30);
  const { out } = await synthesizedInto(spec, 'orgctl-partial-');
  return { dir: out, namespaces: s.namespaces.map((n: { name: string }) => n.name) };
}

const SUBJECTS = [
  'user0@acme.io', // owner, admin
  'user1@acme.io', // admin
  'user7@acme.io', // deactivated
  'user12@acme.io',
  'user25@acme.io',
  'user30@acme.io', // Add All
  'user31@acme.io', // custom role
  'user32@acme.io', // custom rules
  'nobody@acme.io',
  'system:serviceaccount:acme-system:token-tok-0',
  'system:serviceaccount:acme-system:token-tok-9', // custom RBAC only
  'system:serviceaccount:acme-system:token-tok-custom',
  'system:serviceaccount:ns-1:token-tok-0', // not the system namespace
];

const REQUESTS: readonly (readonly string[])[] = [
  ['get', 'pods'],
  ['create', 'deployments.apps'],
  ['list', 'deployments.apps'],
  ['get', 'configmaps', '--why'],
  ['delete', 'secrets', '--format', 'json'],
  ['list', 'widgets.example.com'],
  ['list', 'nodes'],
];

async function both(args: readonly string[]) {
  force.full = false;
  const partial = await run(args);
  force.full = true;
  const full = await run(args);
  force.full = false;
  return { partial, full };
}

/** Runs every command line both ways: each answer, warning and exit code equal, every one from a partial read. */
async function expectSameAnswers(commands: readonly (readonly string[])[]): Promise<void> {
  force.partial = 0;
  for (const args of commands) {
    const { partial, full } = await both(args);
    expect(partial, args.join(' ')).toEqual(full);
  }
  // Every question was answered by a partial read, none by falling back.
  expect(force.partial).toBe(commands.length);
}

/** `can-i get pods` for every subject in every namespace of the output in `dir`. */
const getPods = (dir: string, subjects: readonly string[], namespaces: readonly string[]) =>
  subjects.flatMap((subject) =>
    namespaces.map((ns) => ['can-i', 'get', 'pods', '-n', ns, '--as', subject, '--dir', dir]),
  );

/** A question about the user `name` in `namespace`. */
const userQuestion = (namespace: string, name: string) => ({
  namespace,
  subject: { kind: 'User' as const, name, namespace: '' },
});

describe('can-i reads only what can answer, and answers as the full read does', () => {
  const orgs: Org[] = [];
  beforeAll(async () => {
    orgs.push(
      await organization(1, 32, ['lga1']),
      await organization(2, 4, ['lga1', 'fra2']),
      await organization(3, 1, ['lga1']),
      await organization(4, 150, ['lga1', 'fra2', 'sjc3']),
    );
  }, 60_000);

  it('every answer, warning and exit code equals the full read, in every namespace', async () => {
    const commands = orgs.flatMap((org, o) => {
      const namespaces = [...org.namespaces.filter((_, i) => i % 3 === o % 3), 'acme-system', 'default', 'nope'];
      return SUBJECTS.flatMap((subject, s) =>
        namespaces.map((ns, n) => {
          const request = REQUESTS[(s + n + o) % REQUESTS.length]!;
          return ['can-i', ...request, '-n', ns, '--as', subject, '--dir', org.dir];
        }),
      );
    });
    expect(commands.length).toBeGreaterThan(150);
    await expectSameAnswers(commands);
  }, 60_000);

  it('the same for --list, -A, namespaces/NAME, non-resource URLs, groups and --no-bootstrap', async () => {
    const org = orgs[1]!;
    const cases = [
      ['--list', '-n', 'ns-2', '--as', 'user31@acme.io'],
      ['--list', '--as', 'user0@acme.io'],
      ['--list', '-n', 'acme-system', '--as', 'system:serviceaccount:acme-system:token-tok-0'],
      ['list', 'pods', '-A', '--as', 'user1@acme.io', '--why'],
      ['get', 'namespaces/ns-5', '--as', 'user12@acme.io', '--why'],
      ['get', 'namespaces', '-n', 'ns-5', '--as', 'user12@acme.io'],
      ['get', '/healthz', '--as', 'nobody@acme.io', '--why'],
      ['get', 'pods', '-n', 'ns-1', '--as', 'nobody@acme.io', '--as-group', 'system:serviceaccounts'],
      ['get', 'pods', '-n', 'ns-1', '--as', 'user0@acme.io', '--no-bootstrap', '--format', 'json'],
      ['create', 'selfsubjectaccessreviews.authorization.k8s.io', '--as', 'user25@acme.io', '--why'],
      ['get', 'pods', '--subresource', 'exec', '-n', 'ns-0', '--as', 'user25@acme.io'],
    ];
    await expectSameAnswers(cases.map((c) => ['can-i', ...c, '--dir', org.dir]));
  });

  it('who-can in one namespace (or of a cluster-wide resource) answers as the full read does', async () => {
    const requests = [
      ['get', 'pods'],
      ['create', 'deployments.apps', '--format', 'json'],
      ['get', 'configmaps', '--no-bootstrap'],
      ['list', 'nodes'],
    ];
    await expectSameAnswers(
      orgs.flatMap((org, o) =>
        [...org.namespaces.filter((_, i) => i % 4 === o % 4), 'acme-system', 'nope'].flatMap((ns) =>
          requests.map((request) => ['who-can', ...request, '-n', ns, '--dir', org.dir]),
        ),
      ),
    );
  }, 60_000);

  it('parses the cluster shards and the namespace’s shard only (a counting reader)', () => {
    for (const org of orgs) {
      const all = listFiles(org.dir).filter((f) => f.endsWith('.yaml'));
      for (const ns of org.namespaces.slice(0, 4)) {
        const read: string[] = [];
        const partial = readForQuestion(org.dir, userQuestion(ns, 'user0@acme.io'), (f) => {
          read.push(f);
          return readFileSync(f);
        });
        expect(partial).toBeDefined();
        const clusters = new Set(all.map((f) => f.split('/')[0]));
        // The owner is an admin, named in every namespace read: nothing else is searched.
        expect(partial!.searched).toEqual([]);
        expect(partial!.parsed.length).toBeLessThanOrEqual(2 * clusters.size);
        // Every other file's bytes are searched for the namespace (R89-3: kubectl applies a copy
        // wherever it is written), none of them parsed: none may hold one of its objects.
        expect(read.length).toBe(all.length);
        expect(partial!.rbac.bindings.some((b) => b.namespace === ns)).toBe(true);
      }
    }
  });

  it('a subject not bound where asked is looked for elsewhere, one the membership never binds too (R89-2)', () => {
    const org = orgs[0]!;
    const elsewhere = readForQuestion(org.dir, userQuestion('nope', 'user25@acme.io'));
    const unknown = readForQuestion(org.dir, userQuestion('nope', 'nobody@acme.io'));
    const deactivated = readForQuestion(org.dir, userQuestion('nope', 'user7@acme.io'));
    expect(elsewhere!.searched.length).toBeGreaterThan(0);
    expect(elsewhere!.rbac.bindings.some((b) => b.subjects.some((s) => s.name === 'user25@acme.io'))).toBe(true);
    // A binding forged for them is applied as any other (R89-2): looked for, by their name's bytes, and not found.
    for (const read of [unknown!, deactivated!]) {
      expect(read.searched.length).toBeGreaterThan(0);
      expect(read.parsed.length).toBeLessThanOrEqual(2 * new Set(listFiles(org.dir).map((f) => f.split('/')[0])).size);
    }
  });

  // Membership in members-NN shards of its own: made once, for the two tests below. 30,000 invites
  // are some 4.4 MB of membership a cluster: past one Argo CD Application's 4 MB (SHARD_LIMITS), so
  // members-00 and members-01 (25,000 would fit in the cluster shard).
  let withMembersShards: Promise<Org> | undefined;
  const membersShardsOrg = () => (withMembersShards ??= organization(5, 8, ['lga1', 'fra2'], 30_000));

  it('with membership in members-NN shards of its own (30,000 invites), the same answers from fewer files', async () => {
    const org = await membersShardsOrg();
    const files = listFiles(org.dir);
    expect(files.filter((f) => f.includes('/members-'))).toHaveLength(4);
    await expectSameAnswers(
      getPods(
        org.dir,
        ['user0@acme.io', 'user25@acme.io', 'nobody@acme.io', 'system:serviceaccount:acme-system:token-tok-0'],
        ['ns-1', 'ns-6', 'acme-system'],
      ),
    );
    // The owner is bound where asked: the organization's settings come from members-00 of one cluster only.
    const read = readForQuestion(org.dir, userQuestion('ns-1', 'user0@acme.io'))!;
    expect(read.parsed.filter((f) => f.includes('/members-'))).toEqual(['fra2/members-00/resources.yaml']);
    // A member not bound where asked: their active line is found by its bytes, and the lists are not parsed.
    const elsewhere = readForQuestion(org.dir, userQuestion('nope', 'user25@acme.io'))!;
    expect(elsewhere.searched.length).toBeGreaterThan(0);
    expect(elsewhere.rbac.bindings.some((b) => b.subjects.some((s) => s.name === 'user25@acme.io'))).toBe(true);
    expect(elsewhere.parsed.filter((f) => f.includes('/members-'))).toEqual(['fra2/members-00/resources.yaml']);
    // Nobody the lists name: the files are searched for their name's bytes (R89-2), the lists not parsed.
    const nobody = readForQuestion(org.dir, userQuestion('nope', 'nobody@acme.io'))!;
    expect(nobody.searched.length).toBeGreaterThan(0);
    expect(nobody.parsed.filter((f) => f.includes('/members-'))).toEqual(['fra2/members-00/resources.yaml']);
  }, 60_000);

  it('finds dated access, ended included, in whichever members-NN shard holds the person (users past the first shard, at XL)', async () => {
    const org = await membersShardsOrg();
    // Past some 20,000 people the users' lists reach members-01: here, theirs moved there whole.
    const dir = join(tempDir('orgctl-partial-'), 'dist');
    cpSync(org.dir, dir, { recursive: true });
    const [first, second] = ['members-00', 'members-01'].map((s) => join(dir, 'fra2', s, 'resources.yaml'));
    const docs = readFileSync(first!, 'utf8').split(/(?=^---$)/m);
    const users = docs.filter((d) => /^ {2}name: orgctl-users$/m.test(d));
    expect(users).toHaveLength(1);
    writeFileSync(first!, docs.filter((d) => !users.includes(d)).join(''));
    writeFileSync(second!, `${readFileSync(second!, 'utf8')}${users.join('')}`);
    // user12's grant in ns-1 ends 2099-12-31: on 2100-01-01 can-i says the cluster still binds it.
    const commands = [
      ['can-i', 'get', 'pods', '-n', 'ns-1', '--as', 'user12@acme.io', '--today', '2100-01-01', '--dir', dir],
      ['who-can', 'get', 'pods', '-n', 'ns-1', '--today', '2100-01-01', '--dir', dir],
    ];
    const { full } = await both(commands[0]!);
    expect(full.stderr).toMatch(/user12@acme\.io.*ended/);
    await expectSameAnswers(commands);
  }, 60_000);

  it('namespaces YAML writes quoted ("123", "null", "true") are read by their heads too, answering as the full read', async () => {
    const quoted = ['123', 'null', 'true', '0x1f', '1e3'];
    const org = await organization(6, 4, ['lga1'], undefined, quoted);
    const shardText = listFiles(org.dir)
      .filter((f) => f.includes('/shard-'))
      .map((f) => readFileSync(join(org.dir, f), 'utf8'))
      .join('');
    expect(shardText).toContain('namespace: "123"');
    await expectSameAnswers(
      getPods(org.dir, ['user10@acme.io', 'user20@acme.io', 'user0@acme.io', 'user30@acme.io'], quoted),
    );
    const read = readForQuestion(org.dir, userQuestion('123', 'user10@acme.io'))!;
    expect(read.rbac.bindings.filter((b) => b.namespace === '123').length).toBeGreaterThan(0);
  }, 60_000);

  it('parses, of the namespace’s shard, only its documents that can answer; checks where every other one is placed', () => {
    const org = orgs[0]!;
    const q = (namespace: string, name = 'user0@acme.io') => userQuestion(namespace, name);
    for (const ns of org.namespaces.slice(0, 6)) {
      const read = readForQuestion(org.dir, q(ns))!;
      // Nothing of another namespace is parsed from the shard (the cluster shard holds the system namespace's).
      const others = read.rbac.bindings.filter(
        (b) => b.namespace && b.namespace !== ns && b.namespace !== 'acme-system',
      );
      expect(others, ns).toEqual([]);
      expect(
        read.rbac.namespaces.filter((n) => n !== ns && n !== 'acme-system'),
        ns,
      ).toEqual([]);
    }
    const copy = () => {
      const dir = join(tempDir('orgctl-partial-docs-'), 'dist');
      cpSync(org.dir, dir, { recursive: true });
      return dir;
    };
    const shardOfNs = (dir: string, ns: string) =>
      listFiles(dir).find(
        (f) => f.includes('/shard-') && readFileSync(join(dir, f), 'utf8').includes(`\n  name: ${ns}\n`),
      )!;
    const ns = org.namespaces[1]!;
    // A RoleBinding of a namespace placed elsewhere, appended to this shard: found by its head, never parsed.
    const misplaced = copy();
    const file = join(misplaced, shardOfNs(misplaced, ns));
    const elsewhere = org.namespaces.find((n) => !readFileSync(file, 'utf8').includes(`\n  namespace: ${n}\n`))!;
    writeFileSync(
      file,
      `${readFileSync(file, 'utf8')}---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: x\n  namespace: ${elsewhere}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: acme:w:full\nsubjects:\n- apiGroup: rbac.authorization.k8s.io\n  kind: User\n  name: user25@acme.io\n`,
    );
    expect(readForQuestion(misplaced, q(ns))).toBeUndefined();
    // A RoleBinding naming a Group is always parsed (orgctl never writes one): here, where it belongs, it answers.
    const group = copy();
    const groupFile = join(group, shardOfNs(group, ns));
    writeFileSync(
      groupFile,
      `${readFileSync(groupFile, 'utf8')}---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: everyone\n  namespace: ${ns}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: acme:r:pods\nsubjects:\n- apiGroup: rbac.authorization.k8s.io\n  kind: Group\n  name: system:authenticated\n`,
    );
    const withGroup = readForQuestion(group, q(ns, 'nobody@acme.io'))!;
    expect(withGroup.rbac.bindings.some((b) => b.name === 'everyone')).toBe(true);
  });

  it('falls back to the full read for what it cannot bound', () => {
    const q = userQuestion('ns-1', 'user0@acme.io');
    const copy = () => {
      const dir = join(tempDir('orgctl-partial-edit-'), 'dist');
      cpSync(orgs[0]!.dir, dir, { recursive: true });
      return dir;
    };
    expect(readForQuestion(copy(), q)).toBeDefined();
    // A file outside orgctl's layout.
    const foreign = copy();
    writeFileSync(join(foreign, 'README.md'), 'hello\n');
    expect(readForQuestion(foreign, q)).toBeUndefined();
    // A shard count that does not match where objects are: the file read holds others' namespaces.
    const reshard = copy();
    const clusterShard = join(reshard, 'lga1/cluster/resources.yaml');
    writeFileSync(clusterShard, readFileSync(clusterShard, 'utf8').replace('"shards":32', '"shards":31'));
    expect(readFileSync(clusterShard, 'utf8')).toContain('"shards":31');
    expect(readForQuestion(reshard, q)).toBeUndefined();
    // A cluster folder the organization does not record.
    const extra = copy();
    cpSync(join(extra, 'lga1'), join(extra, 'zzz9'), { recursive: true });
    expect(readForQuestion(extra, q)).toBeUndefined();
    // Not orgctl's YAML in a file read: the full read names it.
    const broken = copy();
    writeFileSync(
      clusterShard.replace(reshard, broken),
      `${readFileSync(clusterShard.replace(reshard, broken), 'utf8')}x: &a 1\n`,
    );
    expect(readForQuestion(broken, q)).toBeUndefined();
  });
});

describe('what the partial read skips unparsed, Kubernetes and the strict reader read alike (R35-2’s class); the count names the files (R35-4’s)', () => {
  let org: Org;
  beforeAll(async () => {
    org = await organization(7, 32, ['lga1']);
  }, 60_000);

  const SHARDS = 32;
  const CLUSTER_FILE = shardFile('lga1', CLUSTER_SHARD);
  const nsFile = (ns: string) => shardFile('lga1', shardOf(ns, SHARDS));
  /** A namespace name (declared or not) placed in `ns`'s shard: its documents there are skipped by their heads, not refused as misplaced. */
  const besideIn = (ns: string) => {
    for (let i = 0; ; i++) if (shardOf(`beside-${i}`, SHARDS) === shardOf(ns, SHARDS)) return `beside-${i}`;
  };
  /** A copy of the organization's output with `text` appended to `file`. */
  const appended = (file: string, text: string | Buffer) => {
    const dir = join(tempDir('orgctl-partial-skip-'), 'dist');
    cpSync(org.dir, dir, { recursive: true });
    writeFileSync(join(dir, file), Buffer.concat([readFileSync(join(dir, file)), Buffer.from(text)]));
    return dir;
  };
  const binding = (kind: string, namespace: string, subject: string) =>
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata:\n  name: hidden\n  namespace: ${namespace}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: acme:w:full\nsubjects:\n${subject}`;
  const EVERYONE = '- apiGroup: rbac.authorization.k8s.io\n  kind: Group\n  name: system:authenticated\n';
  const SOMEONE = '- apiGroup: rbac.authorization.k8s.io\n  kind: User\n  name: someone@acme.io\n';
  const serviceAccount = (namespace: string, more = '') =>
    `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: decoy\n  namespace: ${namespace}\n${more}`;

  /** In `ns`'s shard, after the documents the partial read reads: each skipped by its head before R35-2's fix. */
  const variants = (ns: string): Record<string, string | Buffer> => {
    const beside = besideIn(ns);
    const hidden = binding('RoleBinding', ns, EVERYONE);
    const elsewhere = binding('RoleBinding', beside, EVERYONE);
    const withRaw = (c: string) => `---\n${serviceAccount(beside, `  labels:\n    a: "x${c}y"\n`)}`;
    return {
      // Lines Kubernetes' YAMLReader starts a document at (or errs at), and YAML's document end.
      ...Object.fromEntries(
        ['--- # x', '---#x', '--- ', '---\t', '---\r', '--- x', '----', '...'].map((marker) => [
          `the marker ${JSON.stringify(marker)}`,
          `---\n${serviceAccount(beside)}${marker}\n${hidden}`,
        ]),
      ),
      // A head that is not what Go reads: a key twice (the last wins), another way, continued.
      'kind twice': `---\n${elsewhere.replace('\nroleRef:', '\nkind: ClusterRoleBinding\nroleRef:')}`,
      'metadata twice': `---\n${elsewhere.replace('\nroleRef:', `\nmetadata:\n  name: hidden\n  namespace: ${ns}\nroleRef:`)}`,
      'namespace twice': `---\n${elsewhere.replace(`  namespace: ${beside}\n`, `  namespace: ${beside}\n  namespace: ${ns}\n`)}`,
      'a quoted key': `---\n${elsewhere.replace('\nroleRef:', '\n"kind": ClusterRoleBinding\nroleRef:')}`,
      'a merge key': `---\n${elsewhere.replace(`  namespace: ${beside}\n`, `  namespace: ${beside}\n  <<: {namespace: ${ns}}\n`)}`,
      'a namespace continued': `---\n${elsewhere.replace(`  namespace: ${beside}\n`, `  namespace: ${beside}\n    ${ns}\n`)}`,
      // A scalar or collection Go reads on over later lines whatever their indentation (R38-1's class):
      // the head's namespace line is inside it, the one Go reads after a line the head took for a key.
      ...Object.fromEntries(
        [
          ['"', '"'],
          ["'", "'"],
          ['[', ']'],
          ['{', '}'],
        ].map(([open, close]) => [
          `a namespace line inside ${open}${close}`,
          `---\n${hidden.replace(`  namespace: ${ns}\n`, `  annotations:\n    note: ${open}a\n  namespace: ${beside}\nx: y${close}\n  namespace: ${ns}\n`)}`,
        ]),
      ),
      'subjects twice': `---\n${binding('RoleBinding', ns, SOMEONE).replace('\nsubjects:\n', `\nsubjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:authenticated}]\nsubjects:\n`)}`,
      // Bytes the strict reader refuses in any file (Go reads some as line breaks).
      ...Object.fromEntries(
        ['\t', '\r', '\u0001', '\u007f', '\u0085', '\u2028', '\ufeff'].map((c) => [
          `a raw ${JSON.stringify(c)}`,
          withRaw(c),
        ]),
      ),
      'bytes not UTF-8': Buffer.concat([Buffer.from(withRaw('')), Buffer.from([0x23, 0xff, 0x0a])]),
    };
  };

  it('a document skipped by its head is one every reader splits and reads as its head says, or the full read answers', async () => {
    const ns = org.namespaces[1]!;
    const q = userQuestion(ns, 'user12@acme.io');
    expect(readForQuestion(org.dir, q)).toBeDefined();
    for (const [what, text] of Object.entries(variants(ns))) {
      const dir = appended(nsFile(ns), text);
      // The full read refuses it: so must the partial read (by reading in full).
      expect(() => readIfOrgctlOutput(dir), what).toThrow(/cannot be trusted|not valid UTF-8/);
      expect(readForQuestion(dir, q), what).toBeUndefined();
    }
    const ask = (dir: string) => ['can-i', 'delete', 'secrets', '-n', ns, '--as', 'user12@acme.io', '--dir', dir];
    // Through can-i: the answer, and its refusal, are the full read's.
    for (const what of ['the marker "--- # x"', 'kind twice', 'subjects twice']) {
      const dir = appended(nsFile(ns), variants(ns)[what]!);
      const { partial, full } = await both(ask(dir));
      expect(full.code, what).toBe(2);
      expect(partial, what).toEqual(full);
    }
  });

  it('in the cluster shard, a ConfigMap skipped by its head is one', () => {
    const q = userQuestion('acme-system', 'user12@acme.io');
    const configMap = (more: string) =>
      `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: orgctl-notes\n  namespace: acme-system\n${more}`;
    const cases = {
      'kind twice': configMap(
        `kind: ClusterRoleBinding\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: acme:w:full\nsubjects:\n${EVERYONE}`,
      ),
      'name twice': configMap('').replace(
        '  name: orgctl-notes\n',
        '  name: orgctl-notes\n  name: orgctl-organization\n',
      ),
      'the marker "---\\t"': `${configMap('')}---\t\n${binding('RoleBinding', 'acme-system', EVERYONE)}`,
    };
    expect(readForQuestion(org.dir, q)).toBeDefined();
    for (const [what, text] of Object.entries(cases)) {
      const dir = appended(CLUSTER_FILE, text);
      expect(() => readIfOrgctlOutput(dir), what).toThrow(/cannot be trusted/);
      expect(readForQuestion(dir, q), what).toBeUndefined();
    }
  });

  it('still skips, by their heads, the documents of the shard’s other namespaces (one bound everywhere is asked about)', () => {
    for (const ns of org.namespaces.slice(0, 6)) {
      const read = readForQuestion(org.dir, userQuestion(ns, 'user30@acme.io'))!;
      expect(read.rbac.bindings.some((b) => b.namespace === ns)).toBe(true);
      expect(read.rbac.bindings.filter((b) => b.namespace !== ns && b.namespace !== 'acme-system')).toEqual([]);
    }
  });

  it('a shard count the shard files do not follow is read in full: larger than synthesis wrote, or of another width', async () => {
    const ns = org.namespaces[1]!;
    // About everyone (who-can): no other shard is searched for a subject (whose heads would not place under the count).
    const q = { namespace: ns };
    const files = listFiles(org.dir);
    const edited = (edit: (dir: string) => void) => {
      const dir = join(tempDir('orgctl-partial-count-'), 'dist');
      cpSync(org.dir, dir, { recursive: true });
      edit(dir);
      return dir;
    };
    // Every shard file is inside a larger count's layout, but the namespace's shard under it is no file.
    const larger = [...Array(60).keys()]
      .map((i) => SHARDS + 1 + i)
      .find((n) => !files.includes(shardFile('lga1', shardOf(ns, n))))!;
    const recount = edited((dir) => {
      const file = join(dir, CLUSTER_FILE);
      writeFileSync(file, readFileSync(file, 'utf8').replace(`"shards":${SHARDS}`, `"shards":${larger}`));
    });
    expect(readFileSync(join(recount, CLUSTER_FILE), 'utf8')).toContain(`"shards":${larger}`);
    // The namespace's shard file named with three digits (orgctl's layout paths allow it): no shard of 32.
    const renamed = edited((dir) => {
      const from = join(dir, nsFile(ns));
      const to = from.replace(`/${shardOf(ns, SHARDS)}/`, `/${shardOf(ns, SHARDS).replace('shard-', 'shard-0')}/`);
      cpSync(from, to);
      rmSync(dirname(from), { recursive: true });
    });
    for (const dir of [recount, renamed]) {
      expect(readForQuestion(dir, q)).toBeUndefined();
      const { partial, full } = await both(['who-can', 'delete', 'pods', '-n', ns, '--dir', dir, '--format', 'json']);
      expect(partial).toEqual(full);
    }
  });
});

describe("a users list's marked lines, read a part at a time", () => {
  it('are the lines the whole file holds, lines across parts and a last line without a break too', () => {
    const dir = tempDir('orgctl-marked-lines-');
    // Lines of many lengths, some longer than a part (64 KiB), a mark now and then, near every part's edge.
    const lines = Array.from({ length: 6_000 }, (_, i) =>
      i % 7 === 0
        ? `    {"username":"u${i}","expiring":[${'x'.repeat(i % 301)}]}`
        : `    ${'y'.repeat((i * 37) % 211)}`,
    );
    lines.splice(3_000, 0, `    "expiring":[${'z'.repeat(70_000)}]`);
    // A users list's ConfigMap, then another list's (whose marked lines are none of a user's), then a users list's again.
    const head = (name: string, key: string) => [
      '---',
      'kind: ConfigMap',
      'metadata:',
      `  name: ${name}`,
      '  namespace: acme-system',
      'data:',
      `  ${key}`,
    ];
    lines.splice(0, 0, ...head('orgctl-users', 'users.jsonl: |'));
    lines.splice(2_000, 0, ...head('orgctl-invites', 'invites.jsonl: |'));
    lines.splice(4_000, 0, ...head('orgctl-users-01', 'users.jsonl: |-'));
    for (const [name, text] of [
      ['list.yaml', `${lines.join('\n')}\n`],
      ['open.yaml', `${lines.join('\n')}\n    "expiring":[last]`],
    ] as const) {
      const file = join(dir, name);
      writeFileSync(file, text);
      for (const marks of [['"expiring":['], ['"username":"u42"'], ['"username":"u4004"', '"username":"u2002"']]) {
        const read = usersListLinesOfFile(file, marks);
        expect(read, `${name} ${marks}`).toEqual(usersListLines(readFileSync(file), marks, { block: 'other' }));
        expect(read.every((l) => !l.includes('u2002'))).toBe(true); // in the invites list
      }
    }
    expect(usersListLinesOfFile(join(dir, 'open.yaml'), ['"expiring":[']).at(-1)).toBe('"expiring":[last]');
    expect(usersListLinesOfFile(join(dir, 'list.yaml'), ['"username":"u4004"'])).toHaveLength(1);
  });

  it('are read from a regular file only: a link is not followed', () => {
    const dir = tempDir('orgctl-marked-lines-');
    writeFileSync(
      join(dir, 'list.yaml'),
      'kind: ConfigMap\nmetadata:\n  name: orgctl-users\n  namespace: acme-system\ndata:\n  users.jsonl: |\n    "expiring":[]\n',
    );
    symlinkSync(join(dir, 'list.yaml'), join(dir, 'link.yaml'));
    expect(usersListLinesOfFile(join(dir, 'list.yaml'), ['"expiring":['])).toEqual(['"expiring":[]']);
    expect(() => usersListLinesOfFile(join(dir, 'link.yaml'), ['"expiring":['])).toThrow();
  });
});
