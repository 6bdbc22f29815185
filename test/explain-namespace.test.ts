/**
 * `explain USER -n NS` places only that namespace (modelInNamespace): what the organization
 * renders in NS and cluster-wide must be exactly what the whole organization renders there, on
 * generated organizations with every kind of binding (admins, Add All, roles, custom roles, inline
 * rules, tokens with namespaces and with custom RBAC, an expired grant); and the CLI's answers are
 * the same for every namespace asked. A request is placed in the namespace it is evaluated in (a
 * Namespace object X in X, whatever -n says; any other cluster-scoped object in none), and answered
 * as can-i answers it from the same organization's output (R35-1).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { generateSpec } from '../constructs/generate.ts';
import { Organization } from '../constructs/index.ts';
import { modelInNamespace, type OrgModel } from '../model/model.ts';
import { objectsOnce, placeOrganization } from '../synth/render.ts';
import type { Manifest } from '../synth/manifest.ts';
import { ROOT, TODAY, run, tempDir, withEveryKindOfBinding } from './helpers.ts';

/** A generated organization's spec with custom roles, inline rules, Add All, token RBAC and an expired grant. */
function spec(seed: number) {
  const generated = generateSpec({ users: 30, namespaces: 9, grants: 90, tokens: 8, seed }) as unknown as {
    spec: Record<string, any>;
  };
  const s = generated.spec;
  withEveryKindOfBinding(s, 20);
  return generated;
}

function modelOf(seed: number): OrgModel {
  const app = new App();
  return Organization.fromSpec(app, spec(seed) as never, { today: TODAY }).toModel();
}

const RBAC_KINDS = new Set(['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding']);
/**
 * What explain reads of a namespace: every object in it but the membership data, the RBAC that is
 * cluster-wide, and the Namespace itself (other namespaces' Namespace objects are theirs).
 */
const ofNamespace = (ns: string) => (o: Manifest) =>
  // The membership ConfigMaps (in the system namespace) list every namespace: data, not access.
  (o.metadata.namespace === ns && o.kind !== 'ConfigMap') ||
  (o.metadata.namespace === undefined &&
    (RBAC_KINDS.has(o.kind) || (o.kind === 'Namespace' && o.metadata.name === ns)));

describe('explain -n NS places one namespace, and it renders what the whole organization renders there', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: every namespace, the system namespace and an undeclared one`, () => {
      const model = modelOf(seed);
      const whole = objectsOnce(placeOrganization(model, { today: TODAY }));
      for (const ns of [...model.namespaces.map((n) => n.name), model.systemNamespace, 'nope']) {
        const one = objectsOnce(placeOrganization(modelInNamespace(model, ns), { today: TODAY }));
        const where = ofNamespace(ns);
        const rbac = one.filter((o) => RBAC_KINDS.has(o.kind));
        expect(rbac.some((o) => o.metadata.namespace === ns) || ns === 'nope', ns).toBe(true);
        expect(one.filter(where), ns).toEqual(whole.filter(where));
      }
    });
  }

  it('the CLI answers the same with -n as the whole organization does (json, requests, unknown namespace)', async () => {
    const dir = tempDir('orgctl-explain-ns-');
    const file = join(dir, 'org.json');
    writeFileSync(file, JSON.stringify(spec(4)));
    const model = modelOf(4);
    const people = [
      'user0@acme.io',
      'user20@acme.io',
      'user21@acme.io',
      'user22@acme.io',
      'user23@acme.io',
      'tok-custom',
      'tok-0',
    ];
    for (const ns of ['ns-2', 'ns-3', 'ns-4', model.systemNamespace, 'nope'])
      for (const who of people) {
        const listed = await run(['explain', who, '-n', ns, '--spec', file, '--format', 'json']);
        expect(listed.code, `${who} -n ${ns}: ${listed.stderr}`).toBe(0);
        // Without -n every namespace is placed and listed: its entry for ns is the same.
        const all = JSON.parse((await run(['explain', who, '--spec', file, '--format', 'json'])).stdout);
        const one = JSON.parse(listed.stdout);
        expect(one.namespaces, `${who} -n ${ns}`).toEqual(
          all.namespaces.filter((n: { namespace: string }) => n.namespace === ns),
        );
        expect(one.bootstrap).toEqual(all.bootstrap);
        const request = await run([
          'explain',
          who,
          '-n',
          ns,
          'create',
          'configmaps',
          '--spec',
          file,
          '--format',
          'json',
        ]);
        expect(JSON.parse(request.stdout).subject).toBe(one.subject);
      }
  }, 120_000);
});

describe('a request is answered where the API server evaluates it, as can-i answers it (R35-1)', () => {
  it('Namespace objects with -n of another namespace and without, their finalize and status, cluster-scoped types, URLs', async () => {
    const dir = tempDir('orgctl-explain-where-');
    const file = join(dir, 'org.json');
    const s = spec(4);
    // A token holding w:full in ns-3 only (as acme's ci-deploy in web and data): Namespace ns-3 is its to delete.
    s.spec.tokens.push({ id: 'tok-deploy', name: 'Deploy', namespaces: ['ns-3'], levels: ['w:full'] });
    writeFileSync(file, JSON.stringify(s));
    const out = join(dir, 'dist');
    const synthesized = await run(['synth', '--spec', file, '--out', out]);
    expect(synthesized.code, synthesized.stderr).toBe(0);
    // By Kubernetes username, as can-i asks (this organization has no identity prefix): an admin, Add All, a member, a token with w:full in ns-3 and one without.
    const people = [
      'user0@acme.io',
      'user20@acme.io',
      'user5@acme.io',
      'system:serviceaccount:acme-system:token-tok-deploy',
      'system:serviceaccount:acme-system:token-tok-0',
    ];
    // VERB TYPE, then flags: -n is ignored (with kubectl's warning) for a cluster-scoped type.
    const requests: [string[], string[]][] = [
      [
        ['delete', 'namespaces/ns-3'],
        ['-n', 'ns-2'],
      ],
      [['delete', 'namespaces/ns-3'], []],
      [
        ['delete', 'namespaces/ns-3'],
        ['-n', 'ns-3'],
      ],
      [
        ['update', 'namespaces/ns-3'],
        ['-n', 'ns-2', '--subresource', 'finalize'],
      ],
      [
        ['patch', 'namespaces/ns-3'],
        ['--subresource', 'status'],
      ],
      [['get', 'namespace/ns-4'], []],
      [
        ['create', 'namespaces'],
        ['-n', 'ns-2'],
      ],
      [['list', 'namespaces'], []],
      [
        ['get', 'nodes'],
        ['-n', 'ns-3'],
      ],
      [['get', 'persistentvolumes'], []],
      [['get', '/healthz'], []],
      [
        ['list', 'pods'],
        ['-n', 'ns-3'],
      ],
    ];
    const notScoped = (stderr: string) => stderr.split('\n').filter((l) => l.includes('not namespace scoped'));
    const allowed: string[] = [];
    for (const who of people)
      for (const [words, flags] of requests) {
        const asked = [who, ...words, ...flags].join(' ');
        const explained = await run(['explain', who, ...words, ...flags, '--spec', file, '--format', 'json']);
        const canI = await run(['can-i', ...words, ...flags, '--as', who, '--dir', out, '--format', 'json']);
        expect([0, 1], `${asked}: ${explained.stderr}`).toContain(explained.code);
        const e = JSON.parse(explained.stdout);
        const c = JSON.parse(canI.stdout);
        expect([e.allowed, explained.code], asked).toEqual([c.allowed, canI.code]);
        // The same binding decides: its kind, namespace and name.
        if (c.by) {
          const { kind, namespace, name } = c.by.binding;
          expect(e.by.via.startsWith(`${kind} ${namespace ? `${namespace}/` : ''}${name} `), asked).toBe(true);
        }
        expect(notScoped(explained.stderr), asked).toEqual(notScoped(canI.stderr));
        if (e.allowed) allowed.push(asked);
      }
    // The cases that failed: Namespace ns-3 is the admin's and tok-deploy's, whatever -n says.
    expect(allowed).toEqual(
      expect.arrayContaining([
        'user0@acme.io delete namespaces/ns-3 -n ns-2',
        'user0@acme.io delete namespaces/ns-3',
        'system:serviceaccount:acme-system:token-tok-deploy delete namespaces/ns-3 -n ns-2',
        'system:serviceaccount:acme-system:token-tok-deploy update namespaces/ns-3 -n ns-2 --subresource finalize',
      ]),
    );
    expect(allowed.filter((a) => a.includes('tok-deploy') && a.includes('ns-4'))).toEqual([]);
  }, 120_000);

  it('says where a denied request on a Namespace is decided, and that a cluster-scoped one no access level grants', async () => {
    const ask = (...args: string[]) =>
      run(['explain', ...args, '--spec', join(ROOT, 'test/fixtures/specs/acme.yaml'), '--no-bootstrap']);
    const data = await ask('bob@acme.io', '-n', 'web', 'delete', 'namespaces/data');
    expect(data).toEqual({
      code: 1,
      stdout:
        'no: users/bob@acme.io may not delete namespaces data in the cluster\n' +
        '  decided in data: a request on Namespace data is evaluated in it, by its RoleBindings and the ClusterRoleBindings (as the API server does)\n' +
        "  it needs w:full: reserved for admins (delete the namespace itself): deleting the Namespace deletes everything in it, everyone's workloads and Secrets (Prune=false does not stop it), and a Terminating namespace refuses every create: its shard's Argo CD sync fails, and every revocation in that shard, other namespaces' included, stays applied for as long as one object's finalizer keeps it Terminating",
      stderr: "warning: resource 'namespaces' is not namespace scoped",
    });
    // An admin holds w:full in every namespace, and no ClusterRoleBinding: nodes are beyond any level.
    expect(await ask('alice@acme.io', 'get', 'nodes')).toEqual({
      code: 1,
      stdout:
        'no: users/alice@acme.io may not get nodes in the cluster\n' +
        '  no ClusterRoleBinding of theirs allows it: nodes are cluster-scoped, granted only cluster-wide, never by an access level',
      stderr: '',
    });
    // A Namespace named wrong is warned of, as a namespace asked with -n is.
    expect((await ask('bob@acme.io', 'get', 'namespaces/wbe')).stderr).toBe(
      'warning: namespace wbe has no RoleBinding in what acme declares: did you mean web? (the declared namespace nearest it); only cluster-wide bindings can apply there',
    );
    // A namespaced type still needs -n; a URL takes none.
    expect((await ask('bob@acme.io', 'get', 'pods')).stderr).toMatch(/a request needs -n NS: pods is namespaced/);
    expect((await ask('bob@acme.io', '-n', 'web', 'get', '/healthz')).code).toBe(2);
  });
});
