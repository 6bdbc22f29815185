/**
 * explain names what the declaration does not know, as can-i and who-can do (cli/rbac.ts
 * warnUnknown): an unknown user and a namespace nothing is bound in, each a warning on stderr,
 * the answer unchanged. Why a deactivated user, a pending or a revoked invitee holds nothing is
 * said in the answer.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, run } from './helpers.ts';

const SPEC = join(ROOT, 'test/fixtures/specs/acme.yaml');
// Without the bootstrap access every cluster gives (listed after the answer): the answer itself.
const explain = (...args: string[]) => run(['explain', ...args, '--spec', SPEC, '--no-bootstrap']);

describe('explain warnings', () => {
  it('names an unknown user on stderr; the answer stays "holds nothing"', async () => {
    const r = await explain('nobody@acme.io');
    expect(r).toEqual({
      code: 0,
      stdout: 'nobody@acme.io holds nothing',
      stderr:
        'warning: nobody@acme.io is named in no binding of what acme declares (a typo? a user is named as in its bindings, with any identity prefix); only bindings of their groups can apply',
    });
  });

  it('names a namespace nothing is bound in, for a listing and for a request', async () => {
    const warning =
      // explain reads the declaration, not manifests: said as its user warning says it.
      'warning: namespace staging has no RoleBinding in what acme declares (a typo?); only cluster-wide bindings can apply there';
    const listing = await explain('bob@acme.io', '-n', 'staging');
    expect(listing).toEqual({ code: 0, stdout: 'users/bob@acme.io holds nothing in staging', stderr: warning });
    const request = await explain('bob@acme.io', '-n', 'staging', 'get', 'pods');
    expect(request.code).toBe(1);
    expect(request.stdout).toMatch(/^no: users\/bob@acme\.io may not get pods in staging\n/);
    expect(request.stderr).toBe(warning);
  });

  it('says nothing for a declared user in a declared namespace', async () => {
    const r = await explain('bob@acme.io', '-n', 'web');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('a deactivated user, a pending and a revoked invitee: why they hold nothing, and no warning', async () => {
    expect(await explain('mallory@acme.io')).toEqual({
      code: 0,
      stdout: 'users/mallory@acme.io holds nothing: deactivated: bound to nothing until reactivated (spec.users[7])',
      stderr: '',
    });
    expect((await explain('carol@acme.io')).stdout).toBe(
      'invites/carol@acme.io holds nothing: invited, not yet a member: bound to nothing until they accept (then: r:full in web) (spec.invites[0])',
    );
    const revoked = await explain('heidi@acme.io', '-n', 'data', 'get', 'pods');
    expect(revoked.stdout).toContain(
      '  heidi@acme.io is invited, but the invitation is revoked: bound to nothing (spec.invites[1])',
    );
    expect(revoked.stderr).toBe('');
  });
});
