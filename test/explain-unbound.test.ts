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
  it('explain names Remove All as why a granted request is denied, and no grant to add', async () => {
    const r = await explain('rem@acme.io', '-n', 'web', 'get', 'pods');
    expect(r.stdout).toBe(
      'no: users/rem@acme.io may not get pods in web\n  rem@acme.io is under Remove All: bound to no namespace, whatever their grants say, until it is lifted (spec.users[2])',
    );
  });

  it('explain of a deactivated user granted r:pods there says so, and no grant to add', async () => {
    const r = await explain('bob@acme.io', '-n', 'web', 'get', 'pods');
    expect(r.stdout).toBe(
      'no: users/bob@acme.io may not get pods in web\n  bob@acme.io is deactivated: bound to nothing until reactivated (spec.users[1])',
    );
  });

  it('explain of a Remove All user in a namespace they are granted says why they hold nothing', async () => {
    const r = await explain('rem@acme.io', '-n', 'web');
    expect(r.stdout).toBe(
      'users/rem@acme.io holds nothing in web: under Remove All: bound to no namespace, whatever their grants say, until it is lifted (spec.users[2])',
    );
  });

  it('can-i says a Remove All member is bound to no namespace, not that the name may be a typo', async () => {
    const r = await run(['can-i', 'get', 'pods', '-n', 'web', '--as', 'rem@acme.io', '--dir', join(dir, 'dist')]);
    expect(r.stdout).toBe('no');
    expect(r.stderr).toContain('warning: rem@acme.io is under Remove All: bound to no namespace');
    expect(r.stderr).not.toMatch(/a typo\?/);
  });

  it('explain of a pending admin invitee says they will hold w:full in every namespace', async () => {
    const r = await explain('adm@acme.io', '-n', 'web');
    expect(r.stdout).toBe(
      'invites/adm@acme.io holds nothing in web: invited, not yet a member: bound to nothing until they accept (then: admin: w:full in every namespace) (spec.invites[0])',
    );
  });
});

describe('a person asked about by less than their name (a new admin types "alice")', () => {
  const notFound = (given: string, meant: string) =>
    `orgctl explain: ${JSON.stringify(given)} is neither a user nor a token of acme: did you mean ${meant}?`;

  it('explain names the one meant: by the email their name begins, or one a letter away (an error: no Kubernetes username is so)', async () => {
    for (const [given, meant] of [
      ['alice', 'alice@acme.io'],
      ['Alice', 'alice@acme.io'],
      ['adm', 'adm@acme.io'],
    ]) {
      const r = await explain(given!);
      expect([r.code, r.stderr], given).toEqual([2, notFound(given!, meant!)]);
    }
  });

  it('an email no one has is asked as a Kubernetes username, with a warning naming the one a letter away', async () => {
    const r = await explain('alise@acme.io', '-n', 'web');
    expect([r.code, r.stderr]).toEqual([
      0,
      'warning: alise@acme.io is named in no binding of what acme declares: did you mean alice@acme.io? (the nearest name known here); only bindings of their groups can apply',
    ]);
  });

  it('explain -n NS too, whether or not an index of the spec answers (it holds only the one asked about)', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await explain('alice', '-n', 'web');
      expect([r.code, r.stderr], `run ${i}`).toEqual([2, notFound('alice', 'alice@acme.io')]);
    }
    expect((await explain('alice@acme.io', '-n', 'web')).code).toBe(0);
  });

  it('can-i names the one meant, not "a typo?"', async () => {
    const r = await run(['can-i', 'get', 'pods', '-n', 'web', '--as', 'alice', '--dir', join(dir, 'dist')]);
    expect(r.stderr).toBe(
      'warning: alice is named in no binding of these manifests: did you mean alice@acme.io? (a user is named by their whole email, as their bindings name them); only bindings of their groups can apply',
    );
  });
});
