/**
 * The diff's account is complete (red team H): for any two outputs (orgctl's dist/, edited by hand
 * or forged), every gain of access is said, by subject, where it holds. Each case is a forged
 * head the diff read as "No change in access" (or as less than it gives).
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../report/markdown.ts';
import type { AccessDiff } from '../../analysis/diff.ts';
import { editIn, ROOT, run, tempDir, exampleDistCopy } from '../helpers.ts';

/** A copy of orgctl's own dist/, to edit. */
function distCopy(): string {
  const dir = exampleDistCopy();
  return dir;
}

const append = (extra: string) => (text: string) => `${text}${text.endsWith('---\n') ? '' : '---\n'}${extra}`;

/** A RoleBinding as orgctl's writer would write it, by hand. */
const roleBinding = (namespace: string, name: string, role: string, subject: string) =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: ${role}\nsubjects:\n${subject}`;
const user = (name: string) => `- apiGroup: rbac.authorization.k8s.io\n  kind: User\n  name: ${name}\n`;
const serviceAccount = (namespace: string, name: string) =>
  `- kind: ServiceAccount\n  name: ${name}\n  namespace: ${namespace}\n`;

interface Said {
  readonly people: { id: string; changes: { text: string }[] }[];
  readonly tokens: { id: string; changes: { text: string }[] }[];
  readonly outsiders?: { id: string; changes: { text: string }[] }[];
}

/** The diff of two outputs as JSON, and every line of it by subject (`id: text`). */
async function diffOf(base: string, head: string): Promise<string[]> {
  const r = await run(['diff', '--base', base, '--head', head, '--format', 'json']);
  expect(r.code, r.stderr).toBe(0);
  const d = JSON.parse(r.stdout) as Said;
  return [
    ...d.people.flatMap((p) => p.changes.map((c) => `${p.id}: ${c.text}`)),
    ...d.tokens.flatMap((t) => t.changes.map((c) => `token ${t.id}: ${c.text}`)),
    ...(d.outsiders ?? []).flatMap((o) => o.changes.map((c) => `${o.id}: ${c.text}`)),
  ];
}

describe('the diff says every gain', () => {
  it("a ClusterRole edited in one cluster's copy only (the other cluster's read last): it said No change in access", async () => {
    const head = distCopy();
    // acme:r:pods in lga1 allows everything; ord1's copy is as orgctl writes it.
    editIn(head, 'lga1/cluster/resources.yaml', (text) => {
      const at = text.indexOf('  name: acme:r:pods\n');
      const rules = text.indexOf('rules:\n', at);
      return `${text.slice(0, rules)}rules:\n- apiGroups:\n  - "*"\n  resources:\n  - "*"\n  verbs:\n  - "*"\n${text.slice(text.indexOf('---', rules))}`;
    });
    const said = await diffOf(join(ROOT, 'dist'), head);
    expect(said).toContainEqual(expect.stringMatching(/^bob@acme\.io: gains w:full in web in cluster lga1$/));
    expect(said.join('\n')).not.toMatch(/cluster ord1/);
  });

  it("a namespace's binding copied into a cluster its namespace is not in (ml is lga1's only): it said No change in access", async () => {
    const head = distCopy();
    const ml = readFileSync(join(head, 'lga1/shard-28/resources.yaml'), 'utf8');
    const at = ml.indexOf('  name: acme:r:full\n  namespace: ml\n');
    const binding = ml.slice(ml.lastIndexOf('apiVersion:', at), ml.indexOf('---', at));
    editIn(head, 'ord1/shard-29/resources.yaml', append(binding));
    // Since R89-3 no reader takes an object outside the shard orgctl places it in (kubectl applies it
    // wherever it is written): the diff refuses it, naming it, where it once said the gains.
    const r = await run(['diff', '--base', join(ROOT, 'dist'), '--head', head]);
    expect(r.stderr).toMatch(
      /ord1\/shard-29\/resources\.yaml#\d+: RoleBinding ml\/acme:r:full is in shard-29, where orgctl writes none of it: it places it in shard-28/,
    );
    expect(r.code).toBe(2);
  });

  it('a binding to a role that covers no level and no privilege class (delete deployments, PVCs, services): it said No change in access', async () => {
    const head = distCopy();
    const role =
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: cleanup\nrules:\n- apiGroups:\n  - ""\n  - apps\n  resources:\n  - deployments\n  - persistentvolumeclaims\n  - services\n  verbs:\n  - delete\n  - deletecollection\n';
    for (const cluster of ['lga1', 'ord1']) {
      editIn(head, `${cluster}/cluster/resources.yaml`, append(role));
      editIn(
        head,
        `${cluster}/shard-05/resources.yaml`,
        append(roleBinding('data', 'cleanup', 'cleanup', user('dan@acme.io'))),
      );
    }
    const said = await diffOf(join(ROOT, 'dist'), head);
    expect(said).toContainEqual(
      expect.stringMatching(
        /^dan@acme\.io: gains through ClusterRole cleanup in data: delete deployments, .*, and 8 more$/,
      ),
    );
    // The other way round (the hand-made binding taken away again), the loss is said as the gain was.
    const lost = await diffOf(head, join(ROOT, 'dist'));
    expect(lost).toContainEqual(
      expect.stringMatching(
        /^dan@acme\.io: loses through ClusterRole cleanup in data: delete deployments, .*, and 8 more$/,
      ),
    );
  });

  it("a token's ServiceAccount given w:full where a User of the same name (acme-system:token-ci-deploy) is bound: it said No change in access", async () => {
    const [base, head] = [distCopy(), distCopy()];
    // The User is another identity than the token (whose username is system:serviceaccount:...), on both sides.
    for (const side of [base, head])
      editIn(
        side,
        'lga1/shard-28/resources.yaml',
        append(roleBinding('ml', 'x-user', 'acme:r:pods', user('acme-system:token-ci-deploy'))),
      );
    editIn(
      head,
      'lga1/shard-28/resources.yaml',
      append(roleBinding('ml', 'x-sa', 'acme:w:full', serviceAccount('acme-system', 'token-ci-deploy'))),
    );
    const said = await diffOf(base, head);
    expect(said).toContain('token ci-deploy: gains w:full in ml');
  });

  it('a Group named as a member (dan@acme.io) given w:full: it said No change in access', async () => {
    const head = distCopy();
    for (const cluster of ['lga1', 'ord1'])
      editIn(
        head,
        `${cluster}/shard-05/resources.yaml`,
        append(
          roleBinding(
            'data',
            'x-group',
            'acme:w:full',
            '- apiGroup: rbac.authorization.k8s.io\n  kind: Group\n  name: dan@acme.io\n',
          ),
        ),
      );
    const said = await diffOf(join(ROOT, 'dist'), head);
    expect(said).toContain('Group dan@acme.io: gains w:full in data');
  });

  it("system:authenticated added to a binding base holds, every other binding's subjects base's own (each list read once for both sides): every member gains", async () => {
    const head = distCopy();
    const ivan =
      '  name: acme:w:ingresses\nsubjects:\n- apiGroup: rbac.authorization.k8s.io\n  kind: User\n  name: ivan@acme.io\n';
    for (const cluster of ['lga1', 'ord1'])
      editIn(head, `${cluster}/shard-05/resources.yaml`, (text) =>
        text.replace(
          ivan,
          `${ivan}- apiGroup: rbac.authorization.k8s.io\n  kind: Group\n  name: system:authenticated\n`,
        ),
      );
    const said = await diffOf(join(ROOT, 'dist'), head);
    expect(said).toContain('bob@acme.io: gains w:ingresses in data');
  });

  it("a member's record removed while their username is still bound, and bound to more: it said bob leaves and loses what he keeps", async () => {
    const head = distCopy();
    for (const cluster of ['lga1', 'ord1']) {
      editIn(head, `${cluster}/cluster/resources.yaml`, (text) =>
        text.replace(/ {4}\{"email":"bob@acme\.io"[^\n]*\n/, ''),
      );
      editIn(
        head,
        `${cluster}/shard-05/resources.yaml`,
        append(roleBinding('data', 'x-bob', 'acme:w:full', user('bob@acme.io'))),
      );
    }
    const said = await diffOf(join(ROOT, 'dist'), head);
    expect(said).toContain('bob@acme.io: gains w:full in data');
    expect(said.join('\n')).not.toContain('bob@acme.io: loses');
  });

  it("the comment cut for size keeps a gain before removals: 300 people losing r:pods, listed first, pushed 'zed gains w:configmaps' out", () => {
    const losing = Array.from({ length: 300 }, (_, i) => ({
      id: `a${String(i).padStart(3, '0')}@acme.io`,
      changes: [{ kind: 'loses', namespace: 'web', levels: ['r:pods'], removes: true, text: 'loses r:pods in web' }],
    }));
    const diff: AccessDiff = {
      namespaces: { added: [], removed: [] },
      people: [
        ...losing,
        {
          id: 'zed@acme.io',
          changes: [{ kind: 'gains', namespace: 'web', levels: ['w:configmaps'], text: 'gains w:configmaps in web' }],
        },
      ],
      tokens: [],
      customRbac: [],
      clusters: [],
      settings: [],
      guardRails: [],
      stats: { users: { base: 301, losing: 300 }, grants: { base: 301, lost: 300 }, tokens: { base: 0, losing: 0 } },
    };
    const md = renderMarkdown(diff, undefined, { maxBytes: 4_000 });
    expect(md).toMatch(/_… and \d+ more\./);
    expect(md).toContain('**zed@<!-- -->acme.io**\n- gains w:configmaps in web');
  });
});

describe('the rules read access held through another scope as in its namespaces (review R4)', () => {
  const GUARD_RAILS = join(ROOT, 'test/fixtures/specs/guard-rails.yaml');
  /** The guard-rails fixture's dist/, and one where bob may also write NetworkPolicies in web. */
  async function sides(): Promise<{ base: string; head: string }> {
    const dir = tempDir();
    const spec = readFileSync(GUARD_RAILS, 'utf8');
    const headSpec = spec.replace(
      'levels: ["r:pods", "w:services"]',
      'levels: ["r:pods", "w:services", "w:networkpolicies"]',
    );
    expect(headSpec).not.toBe(spec);
    writeFileSync(join(dir, 'base.yaml'), spec);
    writeFileSync(join(dir, 'head.yaml'), headSpec);
    for (const side of ['base', 'head']) {
      const r = await run(['synth', '--spec', join(dir, `${side}.yaml`), '--out', join(dir, side)]);
      expect(r.code, r.stderr).toBe(0);
    }
    return { base: join(dir, 'base'), head: join(dir, 'head') };
  }
  const weakened = /may write NetworkPolicies in web.*which declares.*\(weaker\)/;
  /** `orgctl review` of the change, as alice (an admin) makes it in org/. */
  const reviewedByAlice = (base: string, head: string) =>
    run(['review', '--base', base, '--head', head, '--actor', 'alice', '--changed-path', 'org/org.yaml']);

  it("a NetworkPolicy writer in web is a weakened guard rail when the clusters' copies differ (each cluster read apart)", async () => {
    const { base, head } = await sides();
    // A label on lga1's copy of a ClusterRole only: the copies differ, so each cluster is read apart.
    editIn(head, 'lga1/cluster/resources.yaml', (text) => text.replace(/(\n {2}name: acme:r:pods\n)/, '\n    a: b$1'));
    const r = await reviewedByAlice(base, head);
    expect(r.stdout).toMatch(weakened);
    expect(r.stdout).toMatch(/\| `guard-rails` \| ❌ \|/);
  });

  it('a NetworkPolicy writer through a ClusterRoleBinding (every namespace) weakens the guard rails of web', async () => {
    const { base } = await sides();
    const head = join(tempDir(), 'dist');
    cpSync(base, head, { recursive: true });
    const crb =
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: sneaky\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: acme:w:networkpolicies\nsubjects:\n' +
      user('eve@evil.example');
    for (const cluster of ['lga1', 'ord1']) editIn(head, `${cluster}/cluster/resources.yaml`, append(crb));
    const r = await reviewedByAlice(base, head);
    // Since R89-1 the strict reader refuses a ClusterRoleBinding (orgctl writes none; the AppProject
    // refuses it) before any rule: the review exits 2 naming it, where guard-rails once failed.
    expect(r.stderr).toMatch(
      /ClusterRoleBinding sneaky: rbac\.authorization\.k8s\.io\/v1 ClusterRoleBinding is not a kind orgctl writes/,
    );
    expect(r.code).toBe(2);
  });
});
