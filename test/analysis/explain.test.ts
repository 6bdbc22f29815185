import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, run } from '../helpers.ts';

const ACME = join(ROOT, 'test/fixtures/specs/acme.yaml');

describe('orgctl explain', () => {
  it('traces every permission to its declaration, binding and role', async () => {
    const r = await run(['explain', 'dan@acme.io', '-n', 'web', '--spec', ACME]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('users/dan@acme.io in web:\n  r:full: read everything in the namespace except Secrets');
    expect(r.stdout).toContain(
      '    via RoleBinding web/acme:w:services → ClusterRole acme:w:services\n    declared by grant of role developer (spec.grants[1])',
    );
  });

  it('says why a request is denied: a level reserved for admins', async () => {
    const r = await run(['explain', 'bob@acme.io', '-n', 'web', 'create', 'pods', '--spec', ACME]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      'no: users/bob@acme.io may not create pods in web\n  it needs w:full or w:pods; w:pods is reserved for admins: creating pods or exec into them runs arbitrary code with any ServiceAccount of the namespace',
    );
  });

  it('says which grantable level would allow a denied request', async () => {
    const r = await run(['explain', 'bob@acme.io', '-n', 'web', 'patch', 'configmaps', '--spec', ACME]);
    expect(r.stdout).toBe(
      'no: users/bob@acme.io may not patch configmaps in web\n  no grant in web allows it; levels that would: w:configmaps',
    );
  });

  it('on a custom resource: reserved until declared safe, and what custom rules may grant once it is', async () => {
    const explain = async (...req: string[]) =>
      (await run(['explain', 'bob@acme.io', '-n', 'web', ...req, '--spec', ACME])).stdout;
    expect(await explain('create', 'widgets.widgets.example.com')).toBe(
      "no: users/bob@acme.io may not create widgets.widgets.example.com in web\n  it needs w:full: reserved for admins (write widgets.widgets.example.com, which orgctl does not know): a controller may make pods from what a custom resource says; if no controller makes pods, reads Secrets or takes identities from it, an admin may declare it in the organization's safeCustomResources (another admin approves)",
    );
    // The example declares the Prometheus Operator's PrometheusRules safe.
    expect(await explain('create', 'prometheusrules.monitoring.coreos.com')).toBe(
      'no: users/bob@acme.io may not create prometheusrules.monitoring.coreos.com in web\n  no grant in web allows it; custom rules may (the organization declares prometheusrules.monitoring.coreos.com safe: "alerting and recording rules: no pods, no Secrets")',
    );
    expect(await explain('get', 'widgets.widgets.example.com')).toBe(
      'no: users/bob@acme.io may not get widgets.widgets.example.com in web\n  no grant in web allows it; custom rules may (no access level but w:full covers custom resources)',
    );
    const dan = await run([
      'explain',
      'dan@acme.io',
      '-n',
      'web',
      'create',
      'prometheusrules.monitoring.coreos.com',
      '--spec',
      ACME,
    ]);
    expect(dan.stdout).toContain('declared by custom rules (spec.grants[6])');
  });

  it('explains an allowed request by its rule and declaration; deactivated users hold nothing', async () => {
    const yes = await run(['explain', 'alice@acme.io', '-n', 'data', 'get', 'secrets', '--spec', ACME]);
    expect(yes.code).toBe(0);
    expect(yes.stdout).toMatch(
      /^yes: users\/alice@acme.io may get secrets in data\n {2}rule 0: \* on \*\.\*\n {2}via RoleBinding data\/acme:w:full → ClusterRole acme:w:full\n {2}declared by admin: true \(spec.users\[0\]\)$/,
    );
    const no = await run(['explain', 'mallory@acme.io', '-n', 'data', 'get', 'pods', '--spec', ACME]);
    expect(no.stdout).toContain('mallory@acme.io is deactivated: bound to nothing until reactivated (spec.users[7])');
  });

  it('says why a pending invitee, a revoked one or a deactivated user holds nothing', async () => {
    const carol = await run(['explain', 'carol@acme.io']);
    expect(carol.stdout).toBe(
      'invites/carol@acme.io holds nothing: invited, not yet a member: bound to nothing until they accept (then: r:full in web) (acme/invites/carol@acme.io)',
    );
    const asked = await run(['explain', 'carol@acme.io', '-n', 'web', 'get', 'pods']);
    expect(asked.stdout.split('\n')[1]).toBe(
      '  carol@acme.io is invited, not yet a member: bound to nothing until they accept (then: r:full in web) (acme/invites/carol@acme.io)',
    );
    expect((await run(['explain', 'heidi@acme.io'])).stdout).toBe(
      'invites/heidi@acme.io holds nothing: invited, but the invitation is revoked: bound to nothing (acme/invites/heidi@acme.io)',
    );
    expect((await run(['explain', 'mallory@acme.io'])).stdout).toBe(
      'users/mallory@acme.io holds nothing: deactivated: bound to nothing until reactivated (acme/users/mallory@acme.io)',
    );
  });

  it("says a billing viewer's billing access, which no binding shows (a seed audit found it left out)", async () => {
    const grace = await run(['explain', 'grace@acme.io']);
    expect(grace.stdout.split('\n')[0]).toBe('users/grace@acme.io holds nothing granted by acme');
    expect(grace.stdout).toContain(
      "users/grace@acme.io may view the organization's billing (billing: true, acme/users/grace@acme.io): data for the billing portal, no Kubernetes access",
    );
    expect((await run(['explain', 'bob@acme.io'])).stdout).not.toContain('billing');
  });

  it('explains tokens and their custom RBAC', async () => {
    const r = await run(['explain', 'metrics-reader', '--spec', ACME]);
    expect(r.stdout).toContain(
      'tokens/metrics-reader in web:\n  get,list,watch on pods,services,endpoints\n    via RoleBinding web/acme:token:metrics-reader → Role acme:token:metrics-reader\n    declared by token custom RBAC (spec.tokens[2].rbac[0])',
    );
  });

  it('--format json: every permission with its binding and declaration, the bootstrap apart', async () => {
    const r = await run(['explain', 'bob@acme.io', '-n', 'web', '--spec', ACME, '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.subject).toBe('users/bob@acme.io');
    expect(j.namespaces.map((n: { namespace: string }) => n.namespace)).toEqual(['web']);
    expect(j.namespaces[0].permissions[0]).toEqual({
      what: 'r:pods: read Pods and their logs',
      level: 'r:pods',
      rules: expect.any(Array),
      via: 'RoleBinding web/acme:r:pods → ClusterRole acme:r:pods',
      declaredBy: ['grant of r:pods (spec.grants[0])'],
      bootstrap: false,
    });
    expect(j.bootstrap.map((p: { via: string; bootstrap: boolean }) => [p.via, p.bootstrap])).toEqual([
      ['ClusterRoleBinding system:discovery → ClusterRole system:discovery', true],
      ['ClusterRoleBinding system:basic-user → ClusterRole system:basic-user', true],
      ['ClusterRoleBinding system:public-info-viewer → ClusterRole system:public-info-viewer', true],
    ]);
    const denied = await run([
      'explain',
      'bob@acme.io',
      '-n',
      'web',
      'create',
      'pods',
      '--spec',
      ACME,
      '--format',
      'json',
    ]);
    expect(denied.code).toBe(1);
    const d = JSON.parse(denied.stdout);
    expect([d.allowed, d.by, d.request.resource, d.lines[0]]).toEqual([
      false,
      undefined,
      'pods',
      'no: users/bob@acme.io may not create pods in web',
    ]);
  });

  it('refuses an unknown subject and a request without a namespace', async () => {
    expect((await run(['explain', 'nobody', '--spec', ACME])).stderr).toMatch(
      /"nobody" is neither a user nor a token of acme/,
    );
    expect((await run(['explain', 'bob@acme.io', 'get', 'pods', '--spec', ACME])).stderr).toMatch(
      /a request needs -n NS/,
    );
  });
});
