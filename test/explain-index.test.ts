/**
 * `explain USER -n NS` answers a spec file asked about before from its index
 * (analysis/explain-index.ts, kept by cli/explain-cache.ts). The index must answer exactly what
 * loading, checking and placing the declaration answers, for every namespace and every kind of
 * subject; and it must answer only for the declaration it was made from, at its date, by the
 * same orgctl.
 */
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Authorizer } from '../analysis/authorizer.ts';
import { withBootstrap } from '../analysis/bootstrap.ts';
import {
  EXPLAIN_INDEX_FORMAT,
  explainIndexParts,
  namespaceViewOf,
  type ExplainIndexParts,
} from '../analysis/explain-index.ts';
import { explainRequest, explainSubjectData, resolveWho } from '../analysis/explain.ts';
import { readRbac } from '../analysis/objects.ts';
import { engineId, explainIndexOf } from '../cli/explain-cache.ts';
import { warnUnknown } from '../cli/rbac.ts';
import { generateSpec } from '../constructs/generate.ts';
import { modelInNamespace, type OrgModel } from '../model/model.ts';
import { objectsOnce, placeOrganization } from '../synth/render.ts';
import type { Manifest } from '../synth/manifest.ts';
import { TODAY, cli, modelOfSpec, roleBinding, run, tempDir, withEveryKindOfBinding } from './helpers.ts';

// The file's env stubs end with it: it shares its worker with the files after it (vitest.config.ts).
afterAll(() => {
  vi.unstubAllEnvs();
});

// Where the caches go when no folder is named (node_modules/.cache nearest the spec), each test's own.
vi.stubEnv('ORGCTL_CACHE_DIR', '');

/** A generated organization with every kind of binding, a deactivated user, a Remove All user and invites. */
function spec(seed: number) {
  const generated = generateSpec({ users: 40, namespaces: 9, grants: 120, tokens: 8, seed }) as unknown as {
    spec: Record<string, any>;
  };
  const s = generated.spec;
  withEveryKindOfBinding(s, 20);
  s.users.find((u: { email: string }) => u.email === 'user25@acme.io').status = 'deactivated';
  s.users.find((u: { email: string }) => u.email === 'user26@acme.io').access = 'none';
  // A name past ASCII: every part after it begins at another byte than character.
  s.tokens[0].name = 'Déploiement → production ✓';
  s.invites = [
    { email: 'carol@acme.io', state: 'pending', grants: [{ namespace: 'ns-2', levels: ['r:pods'] }] },
    { email: 'dave@acme.io', state: 'revoked' },
  ];
  return generated;
}

const modelOf = (seed: number): OrgModel => modelOfSpec(spec(seed));

const SUBJECTS = [
  'user0@acme.io', // an admin
  'USER20@acme.io', // Add All, asked in capitals
  'user21@acme.io', // a custom role in ns-2
  'user22@acme.io', // inline rules in ns-3
  'user23@acme.io', // an expired grant in ns-4
  'user25@acme.io', // deactivated
  'user26@acme.io', // Remove All
  'user5@acme.io',
  'user33@acme.io',
  'carol@acme.io', // a pending invite
  'dave@acme.io', // a revoked one
  'tok-0',
  'tok-custom',
  'nobody@acme.io',
  'tok-nope',
  // By Kubernetes username: a member (with the identity prefix), a token's ServiceAccount.
  'acme:user5@acme.io',
  'acme:USER21@acme.io',
  'system:serviceaccount:acme-system:token-tok-0',
  'system:serviceaccount:acme-system:token-tok-custom',
  'system:serviceaccount:acme-system:token-tok-nope',
];
const REQUESTS = [
  { verb: 'get', apiGroup: '', resource: 'pods', subresource: '', name: '' },
  { verb: 'create', apiGroup: '', resource: 'configmaps', subresource: '', name: '' },
  { verb: 'list', apiGroup: 'apps', resource: 'deployments', subresource: '', name: '' },
];
/**
 * Requests on cluster-scoped objects, asked of the namespace they are evaluated in (cli/rbac.ts
 * resourceQuestion): Namespace object `ns` itself, its finalize and status, in `ns`; nodes and
 * creating a Namespace, in '' (ClusterRoleBindings only).
 */
const CLUSTER_REQUESTS = (ns: string) =>
  ns
    ? [
        { verb: 'delete', apiGroup: '', resource: 'namespaces', subresource: '', name: ns },
        { verb: 'update', apiGroup: '', resource: 'namespaces', subresource: 'finalize', name: ns },
        { verb: 'patch', apiGroup: '', resource: 'namespaces', subresource: 'status', name: ns },
      ]
    : [
        { verb: 'get', apiGroup: '', resource: 'nodes', subresource: '', name: '' },
        { verb: 'create', apiGroup: '', resource: 'namespaces', subresource: '', name: '' },
      ];

/** The index's texts joined in memory, as cli/explain-cache.ts writes them into files. */
function inMemory(parts: ExplainIndexParts) {
  const joined = (texts: Iterable<string>) => {
    const all = [...texts];
    const offsets = [0];
    for (const t of all) offsets.push(offsets[offsets.length - 1]! + Buffer.byteLength(t));
    return { text: all.join(''), offsets };
  };
  const namespaces = joined(parts.namespaces);
  const buckets = joined(parts.buckets);
  return { head: parts.head(namespaces.offsets, buckets.offsets), namespaces: namespaces.text, buckets: buckets.text };
}

function warningsOf(
  authz: Authorizer,
  user: string | undefined,
  namespace: string,
  namespaces: readonly string[],
): string[] {
  const err: string[] = [];
  warnUnknown(
    authz,
    { out: () => {}, err: (l) => err.push(l), env: {} },
    { ...(user ? { user } : {}), namespace, namespaces },
  );
  return err;
}

/**
 * Everything explain says about `subject` in `ns`, from a model and the objects placed for it;
 * `declared`: the namespaces its warnings suggest from.
 */
function answers(
  model: OrgModel,
  objects: readonly Manifest[],
  subject: string,
  ns: string,
  declared: readonly string[],
) {
  const authz = new Authorizer(withBootstrap(readRbac(objects.map((object, index) => ({ file: 's', index, object })))));
  const who = resolveWho(model, subject, TODAY);
  if (!who) return { who };
  return {
    who,
    subject: explainSubjectData(model, authz, who, ns),
    requests: REQUESTS.map((r) => explainRequest(model, authz, who, { ...r, namespace: ns })),
    clusterRequests: CLUSTER_REQUESTS(ns).map((r) => explainRequest(model, authz, who, { ...r, namespace: '' })),
    // What explain warns of: a subject or namespace named in no binding.
    warnings: warningsOf(
      authz,
      who.email === undefined && who.tokenId === undefined ? subject : undefined,
      ns,
      declared,
    ),
  };
}

describe('the explain index answers what the declaration answers', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: every namespace, the system namespace, an undeclared one and none (cluster-wide); every kind of subject`, () => {
      const model = modelOf(seed);
      const texts = inMemory(
        explainIndexParts(model, objectsOnce(placeOrganization(model, { today: TODAY, withoutMembership: true }))),
      );
      // Positions are in bytes of UTF-8 (a token's name below is not ASCII).
      const bytes = { namespaces: Buffer.from(texts.namespaces), buckets: Buffer.from(texts.buckets) };
      const read = {
        namespaces: (s: number, e: number) => bytes.namespaces.subarray(s, e),
        buckets: (s: number, e: number) => bytes.buckets.subarray(s, e).toString(),
      };
      const declared = model.namespaces.map((n) => n.name);
      // '' is what a request on a cluster-scoped object but a Namespace is evaluated in; 'ns-22' a typo of a declared one.
      for (const ns of [...declared, model.systemNamespace, 'nope', 'ns-22', '']) {
        // As explain -n NS without an index: the whole model, the namespace's objects placed.
        const placed = objectsOnce(
          placeOrganization(modelInNamespace(model, ns), { today: TODAY, withoutMembership: true }),
        );
        for (const subject of SUBJECTS) {
          const view = namespaceViewOf(texts.head, read, ns, subject)!;
          expect(answers(view.model, view.objects, subject, ns, view.declared), `${subject} in ${ns}`).toEqual(
            answers(model, placed, subject, ns, declared),
          );
        }
      }
    });
  }

  it("reads of a namespace's bindings those that can name the subject: its own, any Group's, and, when none, its shortest (the namespace has bindings)", () => {
    const model = modelOf(1);
    const binding = (name: string, subjects: object[]) => roleBinding('ns-1', name, 'acme:r:pods', subjects);
    const user = model.grants.find((g) => g.namespace === 'ns-1' && !/^user[89]@/.test(g.user))!.user;
    const objects = [
      binding('first', [{ kind: 'User', name: 'acme:user9@acme.io' }]),
      binding('others', [{ kind: 'User', name: 'acme:user8@acme.io' }]),
      binding('group', [{ kind: 'Group', name: 'system:authenticated' }]),
      binding('own', [{ kind: 'User', name: `acme:${user}` }]),
    ];
    const texts = inMemory(explainIndexParts(model, objects));
    const bytes = Buffer.from(texts.namespaces); // positions are in bytes
    const read = {
      namespaces: (s: number, e: number) => bytes.subarray(s, e),
      buckets: () => '{"users":[],"invites":[],"tokens":[]}',
    };
    const view = namespaceViewOf(texts.head, read, 'ns-1', user.toUpperCase())!;
    expect(view.objects.map((o) => o.metadata.name)).toEqual(['group', 'own']);
    // Its grants there, of everyone's.
    expect(view.model.grants.length).toBeGreaterThan(0);
    expect(view.model.grants.every((g) => g.user === user)).toBe(true);
    // None naming them: one binding, the shortest, wherever it is.
    const others = [
      binding(
        'many',
        [8, 7, 6].map((n) => ({ kind: 'User', name: `acme:user${n}@acme.io` })),
      ),
      binding('one', [{ kind: 'User', name: 'acme:user9@acme.io' }]),
      binding(
        'two',
        [8, 9].map((n) => ({ kind: 'User', name: `acme:user${n}@acme.io` })),
      ),
    ];
    const otherTexts = inMemory(explainIndexParts(model, others));
    const otherBytes = Buffer.from(otherTexts.namespaces);
    const otherView = namespaceViewOf(
      otherTexts.head,
      { ...read, namespaces: (s: number, e: number) => otherBytes.subarray(s, e) },
      'ns-1',
      user,
    )!;
    expect(otherView.objects.map((o) => o.metadata.name)).toEqual(['one']);
  });

  it('a head of another format is not read', () => {
    const model = modelOf(1);
    const texts = inMemory(explainIndexParts(model, []));
    const other = texts.head.replace(/^\{"format":\d+,/, `{"format":${EXPLAIN_INDEX_FORMAT + 1},`);
    expect(other).not.toBe(texts.head);
    const read = { namespaces: () => Buffer.alloc(0), buckets: () => '' };
    expect(namespaceViewOf(other, read, 'ns-1', 'user1@acme.io')).toBeUndefined();
  });
});

describe('which declarations are indexed, by which orgctl', () => {
  it('the engine is the bundle its code runs from; the sources (tsx) are none', () => {
    expect(engineId(pathToFileURL('/p/node_modules/.cache/orgctl/0123456789abcdef/chunk-X.js').href)).toBe(
      '0123456789abcdef',
    );
    expect(engineId(pathToFileURL('/p/cli/explain-cache.ts').href)).toBeUndefined();
  });

  it('a spec file is, by its path, date and engine; a TypeScript or JavaScript declaration is not', () => {
    const dir = tempDir('orgctl-explain-which-');
    mkdirSync(join(dir, 'node_modules'));
    const file = join(dir, 'org.json');
    writeFileSync(file, '{}');
    const a = explainIndexOf(file, TODAY, '0123456789abcdef')!;
    expect(a.dir.startsWith(join(dir, 'node_modules', '.cache', 'orgctl', 'explain'))).toBe(true);
    expect(explainIndexOf(file, '2027-01-01', '0123456789abcdef')!.dir).not.toBe(a.dir);
    expect(explainIndexOf(file, TODAY, 'fedcba9876543210')!.dir).not.toBe(a.dir);
    for (const module of ['org.ts', 'org.mts', 'org.js', 'org.mjs']) {
      writeFileSync(join(dir, module), '');
      expect(explainIndexOf(join(dir, module), TODAY, '0123456789abcdef')).toBeUndefined();
    }
    expect(explainIndexOf(file, TODAY, undefined)).toBeUndefined();
    expect(explainIndexOf(join(dir, 'missing.json'), TODAY, '0123456789abcdef')).toBeUndefined();
  });
});

/** A project folder (its own node_modules, where the index goes) holding the spec of `seed`. */
function project(seed: number): { file: string; indexes: () => string[] } {
  const dir = tempDir('orgctl-explain-index-');
  mkdirSync(join(dir, 'node_modules'));
  const file = join(dir, 'org.json');
  writeFileSync(file, JSON.stringify(spec(seed)));
  const root = join(dir, 'node_modules', '.cache', 'orgctl', 'explain');
  return { file, indexes: () => (existsSync(root) ? readdirSync(root).map((d) => join(root, d)) : []) };
}

/** The command as a process (the bundle, whose engine indexes), and in this process (sources: no index). */
const both = async (args: string[]) => ({ spawned: cli(args), inProcess: await run(args) });

describe('orgctl explain -n NS keeps and reads the index', () => {
  it('the first question writes it, later ones read it, and every answer is the declaration’s', async () => {
    const { file, indexes } = project(5);
    // Without -n every namespace is placed anyway: nothing is indexed (the index serves -n).
    expect(cli(['explain', 'user21@acme.io', '--spec', file]).code).toBe(0);
    expect(indexes()).toHaveLength(0);
    const first = await both(['explain', 'user21@acme.io', '-n', 'ns-2', '--spec', file]);
    expect(first.spawned).toEqual({ ...first.inProcess, stdout: `${first.inProcess.stdout}\n`, stderr: '' });
    expect(indexes()).toHaveLength(1);
    const made = statSync(join(indexes()[0]!, 'organization.json')).mtimeMs;
    for (const args of [
      ['explain', 'user21@acme.io', '-n', 'ns-2'],
      ['explain', 'user0@acme.io', '-n', 'ns-3', '--format', 'json'],
      ['explain', 'tok-custom', '-n', 'ns-4', 'get', 'configmaps'],
      ['explain', 'carol@acme.io', '-n', 'ns-2'],
      ['explain', 'user5@acme.io', '-n', 'nope'],
      // A typo of a declared namespace: the warning suggests it from the index as without one.
      ['explain', 'user5@acme.io', '-n', 'ns-22'],
      // Evaluated elsewhere than -n says (R35-1): Namespace ns-3 in ns-3, nodes cluster-wide.
      ['explain', 'user0@acme.io', '-n', 'ns-2', 'delete', 'namespaces/ns-3'],
      ['explain', 'tok-2', 'update', 'namespaces/ns-3', '--subresource', 'finalize'],
      ['explain', 'user5@acme.io', '-n', 'ns-2', 'get', 'nodes'],
      ['explain', 'user0@acme.io', 'get', '/healthz'],
    ]) {
      const r = await both([...args, '--spec', file]);
      expect(r.spawned.code, args.join(' ')).toBe(r.inProcess.code);
      expect(r.spawned.stdout.trimEnd(), args.join(' ')).toBe(r.inProcess.stdout);
      expect(r.spawned.stderr.trimEnd(), args.join(' ')).toBe(r.inProcess.stderr);
    }
    // Read, not rewritten.
    expect(indexes()).toHaveLength(1);
    expect(statSync(join(indexes()[0]!, 'organization.json')).mtimeMs).toBe(made);
  }, 60_000);

  it('a changed declaration is answered as it is now, even saved in the same clock tick at the same size', async () => {
    const { file } = project(6);
    const ask = ['explain', 'user30@acme.io', '-n', 'ns-1', '--spec', file];
    expect(cli(ask).stdout).not.toContain('r:secrets');
    // Another grant for the same user: the answer changes.
    const s = JSON.parse(readFileSync(file, 'utf8'));
    s.spec.grants.push({ user: 'user30@acme.io', namespace: 'ns-1', levels: ['r:secrets'] });
    writeFileSync(file, JSON.stringify(s));
    expect(cli(ask).stdout).toContain('r:secrets');
    // The same size and modification time, other bytes (r:secrets → r:configs is as long): found by its hash.
    const { mtime } = statSync(file);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('"r:secrets"', '"r:configs"'));
    utimesSync(file, mtime, mtime);
    expect(statSync(file).size).toBe(Buffer.byteLength(text));
    const now = await both(ask);
    expect(now.spawned.stdout).not.toContain('r:secrets');
    expect(now.spawned.stdout.trimEnd()).toBe(now.inProcess.stdout);
  }, 60_000);

  it('another date is another index; a declaration that breaks a policy is never indexed', async () => {
    const { file, indexes } = project(7);
    cli(['explain', 'user23@acme.io', '-n', 'ns-4', '--spec', file]);
    const later = ['explain', 'user23@acme.io', '-n', 'ns-4', '--spec', file, '--today', '2025-12-01'];
    const r = await both(later);
    expect(r.spawned.stdout.trimEnd()).toBe(r.inProcess.stdout);
    expect(indexes()).toHaveLength(2);

    const broken = project(8);
    const s = JSON.parse(readFileSync(broken.file, 'utf8'));
    s.spec.grants.push({ user: 'user30@acme.io', namespace: 'ns-1', levels: ['w:pods'] });
    writeFileSync(broken.file, JSON.stringify(s));
    for (let i = 0; i < 2; i++) {
      const refused = cli(['explain', 'user30@acme.io', '-n', 'ns-1', '--spec', broken.file]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('forbidden-grant');
    }
    expect(broken.indexes()).toHaveLength(0);
  }, 60_000);

  it('an index that cannot be read is not used, and is written again', async () => {
    const { file, indexes } = project(9);
    const ask = ['explain', 'user22@acme.io', '-n', 'ns-3', '--spec', file];
    const expected = (await run(ask)).stdout;
    cli(ask);
    const [index] = indexes();
    for (const damage of [
      () => writeFileSync(join(index!, 'organization.json'), `{"format":${EXPLAIN_INDEX_FORMAT},`),
      () => writeFileSync(join(index!, 'namespaces.json'), ''),
      () => appendFileSync(join(index!, 'declaration.json'), 'x'),
    ]) {
      damage();
      const r = cli(ask);
      expect(r.code).toBe(0);
      expect(r.stdout.trimEnd()).toBe(expected);
      expect(JSON.parse(readFileSync(join(indexes()[0]!, 'organization.json'), 'utf8')).format).toBe(
        EXPLAIN_INDEX_FORMAT,
      );
    }
  }, 60_000);
});
