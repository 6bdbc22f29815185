/**
 * Why a declared person holds nothing, as `explain` and `can-i` say it (a red team found them
 * misstated): a Remove All member is bound to no namespace whatever their grants say (not "a
 * typo?", not "no grant allows it"); a deactivated member's grants decide nothing until they are
 * reactivated (not "no grant allows it": one may be declared); a pending admin invitee will hold
 * w:full in every namespace, not only what the invite's grants say.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from './helpers.ts';

const SPEC = `apiVersion: orgctl/v1
kind: Organization
metadata: { name: acme }
spec:
  owner: alice@acme.io
  users:
    - { email: alice@acme.io, github: alice, admin: true }
    - { email: bob@acme.io, github: bob, status: deactivated }
    - { email: rem@acme.io, access: none }
  namespaces: [{ name: web }, { name: data }]
  grants:
    - { user: bob@acme.io, namespace: web, levels: ["r:pods"] }
    - { user: rem@acme.io, namespace: web, levels: ["r:pods"] }
  invites:
    - { email: adm@acme.io, admin: true, sso: true, grants: [{ namespace: data, levels: ["w:full"] }] }
`;

let dir: string;
let spec: string;
beforeAll(async () => {
  dir = tempDir();
  spec = join(dir, 'org.yaml');
  writeFileSync(spec, SPEC);
  const r = await run(['synth', '--spec', spec, '--out', join(dir, 'dist')]);
  expect(r.code).toBe(0);
});
const explain = (...args: string[]) => run(['explain', ...args, '--spec', spec, '--no-bootstrap']);

describe('why a declared person holds nothing', () => {
  it('explain names Remove All as why a granted request is denied', async () => {
    const r = await explain('rem@acme.io', '-n', 'web', 'get', 'pods');
    expect(r.stdout).toMatch(/^no: /);
    expect(r.stdout).toMatch(/Remove All/);
  });

  it('explain does not claim "no grant allows it" when a declared grant of r:pods does (Remove All)', async () => {
    const r = await explain('rem@acme.io', '-n', 'web', 'get', 'pods');
    expect(r.stdout).not.toMatch(/no grant in web allows it/);
  });

  it('explain does not claim "no grant allows it" for a deactivated user granted r:pods there', async () => {
    const r = await explain('bob@acme.io', '-n', 'web', 'get', 'pods');
    expect(r.stdout).toContain('deactivated');
    expect(r.stdout).not.toMatch(/no grant in web allows it/);
  });

  it('explain of a Remove All user in a namespace they are granted says why they hold nothing', async () => {
    const r = await explain('rem@acme.io', '-n', 'web');
    expect(r.stdout).toMatch(/Remove All/);
  });

  it('can-i does not ask whether a Remove All member is a typo (members.json says access: none)', async () => {
    const r = await run(['can-i', 'get', 'pods', '-n', 'web', '--as', 'rem@acme.io', '--dir', join(dir, 'dist')]);
    expect(r.stdout).toBe('no');
    expect(r.stderr).not.toMatch(/a typo\?/);
  });

  it("explain of a pending admin invitee does not say what they will hold is only the invite's grants", async () => {
    const r = await explain('adm@acme.io', '-n', 'web');
    // Accepting as an admin gives w:full in web too (admins hold it in every namespace).
    expect(r.stdout).not.toMatch(/\(then: w:full in data\)/);
    expect(r.stdout).toMatch(/admin/);
  });
});
