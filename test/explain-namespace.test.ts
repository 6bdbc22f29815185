/**
 * `explain USER -n NS` places only that namespace (modelInNamespace): what the organization
 * renders in NS and cluster-wide must be exactly what the whole organization renders there, on
 * generated organizations with every kind of binding (admins, Add All, roles, custom roles, inline
 * rules, tokens with namespaces and with custom RBAC, an expired grant); and the CLI's answers are
 * the same for every namespace asked.
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
import { TODAY, run, tempDir, withEveryKindOfBinding } from './helpers.ts';

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
