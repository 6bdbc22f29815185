/**
 * Generated organizations and the changes pull requests make to them, for the property tests of
 * the review (diff-pair.test.ts, base-proof.test.ts): people of every standing (admins, Add All,
 * Remove All, deactivated), custom roles and custom rules, tokens, and for odd seeds two clusters
 * (ns-0 in one only, with a w:full token).
 */
import { Construct } from 'constructs';
import fc from 'fast-check';
import type { OutputText } from '../../cli/output-read.ts';
import { generateSpec } from '../../constructs/generate.ts';
import { Organization } from '../../constructs/index.ts';
import { synthesize } from '../../constructs/synthesize.ts';
import { findOrganization } from '../../constructs/tree.ts';
import { MEMBERS_FILE } from '../../model/membership.ts';
import { renderFiles } from '../../synth/files.ts';
import { membershipData, renderOrganization } from '../../synth/render.ts';

export const TODAY = '2026-11-26';

export type Spec = { spec: Record<string, any> };

export function organization(seed: number): Spec {
  const spec = generateSpec({
    users: 40,
    namespaces: 8,
    grants: 160,
    tokens: 6,
    seed,
    admins: 2 + (seed % 2),
    clusters: seed % 2 ? ['lga1', 'ord1'] : ['lga1'],
  }) as unknown as Spec;
  const s = spec.spec;
  s.users.forEach((u: Record<string, unknown>, i: number) => {
    if (i > 3 && i % 7 === 3) u.access = 'all';
    else if (i > 3 && i % 9 === 4) u.access = 'none';
  });
  // An admin with Add All (their grants are bound like any admin's), for a third of the seeds.
  if (seed % 3 === 0) s.users[1].access = 'all';
  s.customRoles = [
    { name: 'cm-reader', rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }] },
  ];
  s.grants.push({ user: s.users[5].email, namespace: 'ns-1', customRole: 'cm-reader' });
  s.grants.push({
    user: s.users[6].email,
    namespace: 'ns-2',
    rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] }],
  });
  if (seed % 2) {
    s.namespaces.find((x: { name: string }) => x.name === 'ns-0').clusters = ['lga1'];
    s.tokens.push({ id: 'ns0-deploy', namespaces: ['ns-0'] });
  }
  return spec;
}

/** Levels a grant edit picks from: some only admins may hold (then a non-admin's head breaks a policy). */
export const LEVELS = [
  'r:pods',
  'r:events',
  'w:configmaps',
  'r:secrets',
  'w:pods',
  'w:full',
  'r:full',
  'w:deployments',
];

/**
 * Edits an organization the way pull requests do; each picks its target from `n`. The first
 * GRANT_EDITS change grants only.
 */
export const EDITS: ((s: Spec, n: number) => void)[] = [
  (s, n) => s.spec.grants.splice(n % s.spec.grants.length, 1),
  (s, n) =>
    s.spec.grants.push({
      user: s.spec.users[n % s.spec.users.length].email,
      namespace: `ns-${n % 8}`,
      levels: ['w:configmaps'],
    }),
  (s, n) =>
    s.spec.grants.push({
      user: s.spec.users[n % s.spec.users.length].email,
      namespace: `ns-${n % 8}`,
      levels: [LEVELS[(n >> 3) % LEVELS.length]],
    }),
  (s, n) => {
    const g = s.spec.grants[n % s.spec.grants.length];
    delete g.role;
    g.levels = [LEVELS[(n >> 3) % LEVELS.length]];
  },
  (s, n) => {
    const u = s.spec.users[1 + (n % (s.spec.users.length - 1))];
    u.admin = !u.admin;
  },
  (s, n) => {
    const u = s.spec.users[1 + (n % (s.spec.users.length - 1))];
    u.status = u.status === 'deactivated' ? 'active' : 'deactivated';
    for (const t of s.spec.tokens) if (t.owner === u.email) delete t.owner;
  },
  (s, n) => (s.spec.users[1 + (n % (s.spec.users.length - 1))].billing = true),
  (s, n) => (s.spec.users[1 + (n % (s.spec.users.length - 1))].access = n % 2 ? 'all' : 'none'),
  (s, n) => {
    const t = s.spec.tokens[n % s.spec.tokens.length];
    if (t) t.namespaces = [`ns-${n % 8}`];
  },
  (s, n) => {
    const t = s.spec.tokens[n % s.spec.tokens.length];
    if (t) t.rotation = (t.rotation ?? 0) + 1;
  },
  (s, n) => {
    const t = s.spec.tokens[n % s.spec.tokens.length];
    if (t) t.owner = s.spec.owner;
  },
  (s, n) => {
    const t = s.spec.tokens[n % s.spec.tokens.length];
    if (t) t.name = `renamed ${n}`;
  },
  (s) => (s.spec.customRoles[0].rules = [{ apiGroups: [''], resources: ['configmaps', 'services'], verbs: ['get'] }]),
  (s) => s.spec.namespaces.push({ name: 'fresh' }),
  (s, n) => {
    const gone = `ns-${n % 8}`;
    s.spec.namespaces = s.spec.namespaces.filter((x: { name: string }) => x.name !== gone);
    s.spec.grants = s.spec.grants.filter((g: { namespace: string }) => g.namespace !== gone);
    for (const t of s.spec.tokens) t.namespaces = (t.namespaces ?? []).filter((x: string) => x !== gone);
    s.spec.tokens = s.spec.tokens.filter(
      (t: { rbac?: { namespace: string }[] }) => !t.rbac?.some((r) => r.namespace === gone),
    );
    s.spec.invites = (s.spec.invites ?? []).filter(
      (i: { grants?: { namespace: string }[] }) => !i.grants?.some((g) => g.namespace === gone),
    );
  },
  (s, n) => {
    if (s.spec.clusters?.length === 2) s.spec.namespaces[n % s.spec.namespaces.length].clusters = ['lga1'];
  },
  (s) => {
    for (const x of s.spec.namespaces) delete x.clusters;
  },
  (s, n) => {
    const email = s.spec.users[1 + (n % (s.spec.users.length - 1))].email;
    s.spec.users = s.spec.users.filter((u: { email: string }) => u.email !== email);
    s.spec.grants = s.spec.grants.filter((g: { user: string }) => g.user !== email);
    for (const t of s.spec.tokens) if (t.owner === email) delete t.owner;
  },
  (s) => (s.spec.identity = { usernamePrefix: 'oidc:' }),
  (s, n) =>
    s.spec.grants.push({
      user: s.spec.users[n % s.spec.users.length].email,
      namespace: `ns-${n % 8}`,
      customRole: 'cm-reader',
    }),
  (s, n) => {
    const t = s.spec.tokens[n % s.spec.tokens.length];
    if (t) t.expires = n % 2 ? '2026-11-25' : '2027-01-01';
  },
];
export const GRANT_EDITS = 4;

/** The organization `spec` declares, or undefined when it cannot be declared. */
function declared(spec: Spec): Construct | undefined {
  const root = new Construct(undefined as never, '');
  try {
    Organization.fromSpec(root, spec as never, { today: TODAY });
  } catch {
    return undefined;
  }
  return root;
}

/** The output of `spec` as files, or undefined when it cannot be declared or breaks a policy. */
export function files(spec: Spec): OutputText[] | undefined {
  const root = declared(spec);
  const r = root && synthesize(root, { today: TODAY, declaredIn: 'org/org.ts' });
  if (!r?.ok) return undefined;
  return r.files.map((f) => ({ ...f, label: f.path }));
}

/**
 * The output of `spec` rendered without judging it (what a head that breaks a policy would hold if
 * committed by hand), or undefined when it cannot be declared. Its organization declares no Argo CD.
 */
export function unjudgedFiles(spec: Spec): OutputText[] | undefined {
  const root = declared(spec);
  if (!root) return undefined;
  const model = findOrganization(root).toModel();
  return [
    ...renderFiles(renderOrganization(model, { today: TODAY }), 'org/org.ts'),
    { path: MEMBERS_FILE, content: `${JSON.stringify(membershipData(model, TODAY), null, 2)}\n` },
  ]
    .sort((a, b) => (a.path < b.path ? -1 : 1))
    .map((f) => ({ ...f, label: f.path }));
}

/** A pull request's edits as fast-check draws them: which of EDITS, each with its target. */
export const pullRequestEdits = fc.array(fc.tuple(fc.integer({ min: 0, max: EDITS.length - 1 }), fc.nat(100_000)), {
  minLength: 1,
  maxLength: 3,
});

/**
 * Base's and head's output of a pull request of `edits` on organization `seed` (head undefined: it
 * breaks a policy), and head's spec.
 */
export function pullRequest(seed: number, edits: readonly (readonly [number, number])[]) {
  const base = organization(seed);
  const head = structuredClone(base);
  for (const [i, n] of edits) EDITS[i]!(head, n);
  return { base: files(base)!, head: files(head), headSpec: head };
}
