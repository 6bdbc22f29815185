/** At the benchmark's size S: objects grow with namespaces × levels, not with grants; one grant, three lines. */
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../model/catalog.ts';
import { generateSpec } from '../constructs/generate.ts';
import { Organization } from '../constructs/index.ts';
import type { OrgSpec } from '../constructs/spec.ts';
import { synthesize } from '../constructs/synthesize.ts';
import { parseCanonicalYaml } from '../synth/yaml.ts';
import { isOutputPath, membershipData } from '../synth/render.ts';
import { SHARD_LIMITS } from '../model/rules.ts';
import { parseOutput } from '../cli/output-read.ts';
import { proveOutput } from '../review/proof.ts';
import { readMembership } from '../analysis/snapshot.ts';
import { TODAY, lineDiff, run } from './helpers.ts';

const S = { users: 200, namespaces: 50, grants: 2_000, tokens: 20, seed: 7 };

function synthSpec(spec: OrgSpec) {
  const root = new Construct(undefined as never, '');
  Organization.fromSpec(root, spec, { today: TODAY });
  const r = synthesize(root, { today: TODAY, declaredIn: 'test' });
  if (!r.ok)
    throw new Error(
      r.findings
        .filter((f) => f.severity === 'error')
        .map((f) => f.message)
        .join('\n'),
    );
  return r;
}

describe('size S', () => {
  const spec = generateSpec(S);
  const result = synthSpec(spec);
  const objects = result.files
    .filter((f) => f.path.endsWith('/resources.yaml'))
    .flatMap((f) => parseCanonicalYaml(f.content)!) as {
    kind: string;
    metadata: { name: string; namespace?: string };
  }[];

  it('generates the same spec for the same seed, and a different one for another', () => {
    expect(JSON.stringify(generateSpec(S))).toBe(JSON.stringify(spec));
    expect(JSON.stringify(generateSpec({ ...S, seed: 8 }))).not.toBe(JSON.stringify(spec));
    expect(spec.spec.grants).toHaveLength(2_000);
  });

  it('writes at most (namespaces × levels in use) + 3 × tokens + namespaces + catalog + a constant', () => {
    const bindingsPerNamespace = new Map<string, Set<string>>();
    for (const o of objects.filter((x) => x.kind === 'RoleBinding')) {
      const set = bindingsPerNamespace.get(o.metadata.namespace!) ?? new Set();
      set.add(o.metadata.name.replace(/:\d+$/, ''));
      bindingsPerNamespace.set(o.metadata.namespace!, set);
    }
    const levelsInUse = [...bindingsPerNamespace.values()].reduce((n, s) => n + s.size, 0);
    const clusters = 1;
    const bound = levelsInUse + 3 * S.tokens + S.namespaces + CATALOG.length + clusters * 4;
    expect(objects.length).toBeLessThanOrEqual(bound);
    // and far fewer objects than grants: they do not grow with grants
    expect(objects.length).toBeLessThan(S.grants / 2);
  });

  it('more grants in the same namespaces and levels add no object', () => {
    const more = structuredClone(spec) as unknown as {
      spec: {
        grants: { user: string; namespace: string; levels?: string[]; role?: string }[];
        users: { email: string }[];
      };
    };
    const seen = new Set(more.spec.grants.map((g) => `${g.user} ${g.namespace}`));
    const existing = [...more.spec.grants];
    let added = 0;
    for (const u of more.spec.users.slice(10)) {
      for (const g of existing.slice(0, 40)) {
        if (seen.has(`${u.email} ${g.namespace}`)) continue;
        seen.add(`${u.email} ${g.namespace}`);
        more.spec.grants.push({
          user: u.email,
          namespace: g.namespace,
          ...(g.role ? { role: g.role } : { levels: g.levels }),
        });
        added++;
      }
    }
    expect(added).toBeGreaterThan(1000);
    const bigger = synthSpec(more as unknown as OrgSpec);
    const count = (r: typeof result) =>
      r.files
        .filter((f) => f.path.endsWith('/resources.yaml'))
        .reduce((n, f) => n + (f.content.match(/^kind: /gm)?.length ?? 0), 0);
    expect(count(bigger)).toBe(count(result));
  });

  it('adding one grant to an existing binding adds 3 lines and changes nothing else', () => {
    const before = new Map(result.files.map((f) => [f.path, f.content]));
    const binding = objects.find(
      (o) => o.kind === 'RoleBinding' && o.metadata.name === 'acme:r:full' && o.metadata.namespace === 'ns-0',
    ) as unknown as { subjects: { name: string }[] };
    const newcomer = spec.spec.users!.find(
      (u) =>
        !u.admin &&
        u.status !== 'deactivated' &&
        !binding.subjects.some((s) => s.name === u.email) &&
        !spec.spec.grants!.some((g) => g.user === u.email && g.namespace === 'ns-0'),
    )!;
    const edited = structuredClone(spec) as unknown as { spec: { grants: object[] } };
    edited.spec.grants.push({ user: newcomer.email, namespace: 'ns-0', levels: ['r:full'] });
    const after = new Map(synthSpec(edited as unknown as OrgSpec).files.map((f) => [f.path, f.content]));
    const changed = [...after].filter(([p, t]) => t !== before.get(p)).map(([p]) => p);
    expect([...after.keys()]).toEqual([...before.keys()]);
    expect(changed).toHaveLength(1);
    expect(lineDiff(before.get(changed[0]!)!, after.get(changed[0]!)!)).toEqual({ added: 3, removed: 0 });
  });
});

describe('orgctl generate', () => {
  it('prints a spec that passes check, the same for the same seed', async () => {
    const a = await run([
      'generate',
      '--users',
      '30',
      '--namespaces',
      '5',
      '--grants',
      '60',
      '--tokens',
      '3',
      '--seed',
      '4',
      '--format',
      'json',
    ]);
    const b = await run([
      'generate',
      '--users',
      '30',
      '--namespaces',
      '5',
      '--grants',
      '60',
      '--tokens',
      '3',
      '--seed',
      '4',
      '--format',
      'json',
    ]);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect((JSON.parse(a.stdout) as OrgSpec).spec.grants).toHaveLength(60);
  });

  it('says when a small organization cannot hold the grants asked for, and refuses impossible counts', async () => {
    const few = await run([
      'generate',
      '--users',
      '10',
      '--namespaces',
      '3',
      '--grants',
      '500',
      '--tokens',
      '0',
      '--format',
      'json',
    ]);
    expect(few.code).toBe(0);
    const made = (JSON.parse(few.stdout) as OrgSpec).spec.grants!.length;
    expect(made).toBeLessThan(30);
    expect(few.stderr).toBe(
      `generate: ${made} grants, not 500: 10 users and 3 namespaces hold no more distinct (non-admin user, namespace) pairs`,
    );
    expect(
      (await run(['generate', '--users', '5', '--namespaces', '1', '--grants', '1', '--tokens', '0', '--admins', '6']))
        .stderr,
    ).toMatch(/--admins 6 is more than --users 5/);
    expect(
      (
        await run([
          'generate',
          '--users',
          '5',
          '--namespaces',
          '1',
          '--grants',
          '1',
          '--tokens',
          '0',
          '--seed',
          '4294967296',
        ])
      ).stderr,
    ).toMatch(/--seed 4294967296 is too large/);
  });
});

describe('membership at 12,000 invites and 10,000 tokens (issue 12, section 4)', () => {
  // Before: every invite and token went into the one ConfigMap orgctl-organization, which the API
  // server refused (over 1,048,576 bytes of data) and Argo CD's whole cluster shard with it.
  const spec = generateSpec({ users: 60, namespaces: 40, grants: 200, tokens: 10_000, seed: 12 });
  const invites = Array.from({ length: 12_000 }, (_, i) => ({
    email: `invitee${i}@acme.io`,
    sso: true,
    ...(i % 7 === 3 ? { billing: true } : {}),
    grants: [{ namespace: `ns-${i % 40}`, levels: ['r:full', 'w:services'] }],
  }));
  // 20,000 token objects need more than the default 32 Argo CD Applications (1,500 objects each).
  const big = { ...spec, spec: { ...spec.spec, invites, delivery: { shards: 80 } } } as OrgSpec;
  const result = synthSpec(big);
  const docs = result.files
    .filter((f) => f.path.endsWith('/resources.yaml'))
    .flatMap((f) => parseCanonicalYaml(f.content)!.map((object, index) => ({ file: f.path, index, object })));
  const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

  it('every object stays under the API server limits: 1.5 MiB a request, 1 MiB of ConfigMap data (and 256 KiB for a client-side apply)', () => {
    expect(docs.length).toBeGreaterThan(20_000);
    for (const { object } of docs) {
      const o = object as { kind: string; metadata: { name: string }; data?: Record<string, string> };
      expect(bytes(JSON.stringify(o)), o.metadata.name).toBeLessThanOrEqual(1.5 * 1024 * 1024);
      if (o.kind === 'ConfigMap') {
        const data = Object.entries(o.data ?? {}).reduce((n, [k, v]) => n + bytes(k) + bytes(v), 0);
        expect(data, o.metadata.name).toBeLessThanOrEqual(256 * 1024);
      }
    }
    const names = [
      ...new Set(
        docs
          .map((d) => d.object as { kind: string; metadata: { name: string } })
          .filter((o) => o.kind === 'ConfigMap')
          .map((o) => o.metadata.name),
      ),
    ];
    expect(names).toEqual(
      expect.arrayContaining([
        'orgctl-organization',
        'orgctl-users',
        'orgctl-invites',
        'orgctl-invites-2',
        'orgctl-tokens',
        'orgctl-tokens-2',
      ]),
    );
  });

  it('the review reads the membership back equal to what was declared', () => {
    const m = readMembership(docs, 'head');
    const data = membershipData(result.model!, TODAY);
    expect([...m.invites.values()]).toEqual(data.invites);
    expect([...m.tokens.values()]).toEqual(data.tokens);
    expect([...m.users.values()]).toEqual(data.users);
    expect(m.invites.size).toBe(12_000);
    expect(m.tokens.size).toBe(10_000);
  });
});

describe('membership in shards of its own (issue 16: 50,000 people within every Argo CD limit)', () => {
  // 40,000 invites are about 7 MB of membership data: more than one Argo CD Application holds.
  const spec = generateSpec({ users: 60, namespaces: 40, grants: 200, tokens: 10, invites: 40_000, seed: 16 });
  const result = synthSpec(spec);
  const files = result.files.map((f) => ({ ...f, label: f.path }));
  const shards = files.filter((f) => f.path.endsWith('/resources.yaml'));
  const docsOf = (path: string) => parseCanonicalYaml(shards.find((f) => f.path === path)!.content)!;

  it('moves the membership ConfigMaps to members-NN shards, each file within 1,500 objects and 4 MiB', () => {
    const members = shards.filter((f) => /\/members-\d\d\//.test(f.path)).map((f) => f.path);
    expect(members).toEqual(['lga1/members-00/resources.yaml', 'lga1/members-01/resources.yaml']);
    for (const f of shards) {
      expect(f.content.length, f.path).toBeLessThanOrEqual(SHARD_LIMITS.bytes);
      expect(parseCanonicalYaml(f.content)!.length, f.path).toBeLessThanOrEqual(SHARD_LIMITS.objects);
      expect(isOutputPath(f.path), f.path).toBe(true);
    }
    const kinds = (path: string) => docsOf(path).map((o) => o.kind);
    expect(kinds('lga1/cluster/resources.yaml')).not.toContain('ConfigMap');
    for (const path of members) expect(new Set(kinds(path))).toEqual(new Set(['ConfigMap']));
  });

  it('is read back whole, and proves itself (the review reads membership from any of its files)', () => {
    const docs = parseOutput(files);
    expect(readMembership(docs, 'head').invites.size).toBe(40_000);
    const proof = proveOutput(files, docs, TODAY);
    expect(proof.differences).toEqual([]);
    expect(proof.ok).toBe(true);
  });

  it('stays in the cluster shard while that fits: smaller organizations keep their layout', () => {
    const small = synthSpec(generateSpec({ ...S, invites: 2_000 }));
    expect(small.files.map((f) => f.path).filter((p) => p.includes('/members-'))).toEqual([]);
  });
});

describe('orgctl generate at size XL', () => {
  it('declares a shard count once the default 32 would be over the limits, and takes --invites', async () => {
    expect(generateSpec({ ...S, namespaces: 2_560 }).spec.delivery).toBeUndefined();
    expect(generateSpec({ ...S, namespaces: 10_000, grants: 0 }).spec.delivery).toEqual({ shards: 128 });
    const r = await run([
      'generate',
      '--users',
      '30',
      '--namespaces',
      '3',
      '--grants',
      '5',
      '--tokens',
      '1',
      '--invites',
      '7',
      '--format',
      'json',
    ]);
    expect(JSON.parse(r.stdout).spec.invites).toHaveLength(7);
  });
});
