/**
 * A seeded generator of realistic organization specs, for benchmarks and property tests:
 * most people work in a few popular namespaces and some in many; a few admins; tokens with
 * one to five namespaces; some deactivated users, invites, expiring grants and custom-RBAC
 * tokens. The same seed always gives the same spec.
 */
import type { OrgSpec } from './spec.ts';

interface GenerateOptions {
  readonly users: number;
  readonly namespaces: number;
  readonly grants: number;
  readonly tokens: number;
  /** @default max(2, users / 500) */
  readonly admins?: number;
  /** @default 1 */
  readonly seed?: number;
  /** @default ['lga1'] */
  readonly clusters?: readonly string[];
  /** @default max(1, users / 200) */
  readonly invites?: number;
}

/** Namespaces one shard holds on average once the default 32 shards would be over Argo CD's limits. */
const NAMESPACES_PER_SHARD = 80;
const DEFAULT_SHARDS = 32;

/** The shard count a generated organization declares: none (the default) until it needs more. */
function shardsFor(namespaces: number): number | undefined {
  if (namespaces <= DEFAULT_SHARDS * NAMESPACES_PER_SHARD) return undefined;
  return 2 ** Math.ceil(Math.log2(namespaces / NAMESPACES_PER_SHARD));
}

/** mulberry32: small, fast, and the same sequence everywhere. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// What namespace users are given, most common first (never an admin-only level).
const LEVEL_SETS: readonly (readonly string[])[] = [
  ['r:full'],
  ['r:pods'],
  ['r:full', 'w:services'],
  ['r:pods', 'w:configmaps'],
  ['r:full', 'w:configmaps', 'w:ingresses'],
  ['r:events'],
  ['w:pvcs'],
  ['r:secrets'],
  ['r:workloads', 'r:jobs'],
  ['w:autoscalers', 'r:full'],
];

export function generateSpec(o: GenerateOptions): OrgSpec {
  const rand = seededRandom(o.seed ?? 1);
  // Zipf-like: low indexes far more often (popular namespaces, common level sets).
  const skewed = (n: number) => Math.min(n - 1, Math.floor(n * rand() ** 3));
  const clusters = [...(o.clusters ?? ['lga1'])];
  const adminCount = Math.min(o.users, o.admins ?? Math.max(2, Math.floor(o.users / 500)));
  const email = (i: number) => `user${i}@acme.io`;
  const users = Array.from({ length: o.users }, (_, i) => ({
    email: email(i),
    github: `user${i}`,
    // Admins with their account's id, as admin-github-id asks: an account id of the generator's own.
    ...(i < adminCount ? { githubId: 10_000_000 + i, admin: true } : {}),
    ...(i % 97 === 3 ? { billing: true } : {}),
    ...(i >= adminCount && i % 53 === 7 ? { status: 'deactivated' as const } : {}),
  }));
  const namespaces = Array.from({ length: o.namespaces }, (_, i) => ({
    name: `ns-${i}`,
    ...(clusters.length > 1 && i % 10 === 9 ? { clusters: [clusters[i % clusters.length]!] } : {}),
  }));
  const seen = new Set<string>();
  const grants: { user: string; namespace: string; levels?: string[]; role?: string; expires?: string }[] = [];
  const maxGrants = Math.min(o.grants, (o.users - adminCount) * o.namespaces);
  for (let tries = 0; grants.length < maxGrants && tries < maxGrants * 20; tries++) {
    const u = adminCount + Math.floor(rand() * (o.users - adminCount));
    const n = rand() < 0.7 ? skewed(o.namespaces) : Math.floor(rand() * o.namespaces);
    if (seen.has(`${u}/${n}`)) continue;
    seen.add(`${u}/${n}`);
    const roll = rand();
    grants.push({
      user: email(u),
      namespace: `ns-${n}`,
      ...(roll < 0.15 ? { role: 'developer' } : { levels: [...LEVEL_SETS[skewed(LEVEL_SETS.length)]!] }),
      ...(roll > 0.97 ? { expires: '2099-12-31' } : {}),
    });
  }
  const tokens = Array.from({ length: o.tokens }, (_, i) => {
    const count = 1 + Math.floor(rand() * 5);
    const own = [...new Set(Array.from({ length: count }, () => `ns-${skewed(o.namespaces)}`))].sort();
    if (i % 10 === 9) {
      return {
        id: `tok-${i}`,
        name: `Token ${i}`,
        namespaces: [],
        rbac: [
          {
            namespace: own[0]!,
            rules: [{ apiGroups: [''], resources: ['pods', 'services'], verbs: ['get', 'list', 'watch'] }],
          },
        ],
      };
    }
    return {
      id: `tok-${i}`,
      name: `Token ${i}`,
      namespaces: own,
      ...(i % 3 === 0 ? { levels: ['r:full'] } : {}),
      ...(i % 4 === 0 ? { owner: email(0) } : {}),
    };
  });
  const invites = Array.from({ length: o.invites ?? Math.max(1, Math.floor(o.users / 200)) }, (_, i) => ({
    email: `invitee${i}@acme.io`,
    sso: true,
    ...(i % 5 === 4 ? { state: 'revoked' as const } : {}),
    grants: [{ namespace: `ns-${skewed(o.namespaces)}`, levels: ['r:full'] }],
  }));
  const shards = shardsFor(o.namespaces);
  return {
    apiVersion: 'orgctl/v1',
    kind: 'Organization',
    metadata: { name: 'acme' },
    spec: {
      owner: email(0),
      clusters,
      users,
      namespaces,
      roles: [{ name: 'developer', levels: ['r:full', 'w:services', 'w:configmaps'] }],
      grants,
      tokens,
      invites,
      ...(shards !== undefined ? { delivery: { shards } } : {}),
    },
  };
}
