/**
 * The bootstrap ClusterRoles and ClusterRoleBindings every cluster has (analysis/bootstrap.ts, from
 * kubernetes/kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go): can-i, who-can,
 * access and explain count them by default, and --no-bootstrap leaves them out on all four.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Authorizer, userInfo } from '../../analysis/authorizer.ts';
import { BOOTSTRAP_BINDINGS, BOOTSTRAP_ROLES, isBootstrapBinding, withBootstrap } from '../../analysis/bootstrap.ts';
import { readRbac } from '../../analysis/objects.ts';
import { ROOT, run, tempDir } from '../helpers.ts';

const ACME = join(ROOT, 'test/fixtures/specs/acme.yaml');

describe('the bootstrap policy as data', () => {
  const authz = new Authorizer(withBootstrap(readRbac([])));
  const anyone = userInfo('anyone@example.com');
  const anonymous = userInfo('system:anonymous');
  it.each([
    ['/healthz', true, true],
    ['/livez', true, true],
    ['/readyz', true, true],
    ['/version', true, true],
    ['/version/', true, true],
    ['/api', true, false],
    ['/api/v1', true, false],
    ['/apis/apps/v1', true, false],
    ['/openapi/v3', true, false],
    ['/metrics', false, false],
    ['/logs/', false, false],
  ])('get %s: authenticated %s, anonymous %s', (path, authenticated, unauthenticated) => {
    expect(authz.authorizeNonResource(anyone, { verb: 'get', path }).allowed).toBe(authenticated);
    expect(authz.authorizeNonResource(anonymous, { verb: 'get', path }).allowed).toBe(unauthenticated);
    expect(authz.authorizeNonResource(anyone, { verb: 'post', path }).allowed).toBe(false);
  });

  it('self-reviews for every authenticated user, cluster-wide; nothing else', () => {
    const create = (apiGroup: string, resource: string, user = anyone) =>
      authz.authorize(user, { verb: 'create', namespace: '', apiGroup, resource }).allowed;
    expect(create('authorization.k8s.io', 'selfsubjectaccessreviews')).toBe(true);
    expect(create('authorization.k8s.io', 'selfsubjectrulesreviews')).toBe(true);
    expect(create('authentication.k8s.io', 'selfsubjectreviews')).toBe(true);
    expect(create('authorization.k8s.io', 'subjectaccessreviews')).toBe(false);
    expect(create('authorization.k8s.io', 'selfsubjectaccessreviews', anonymous)).toBe(false);
  });

  it('a dump that holds a bootstrap object keeps its own (the API server reconciles, an admin may edit)', () => {
    const own = {
      file: 'dump',
      index: 0,
      object: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'system:public-info-viewer' },
        rules: [{ nonResourceURLs: ['/version'], verbs: ['get'] }],
      },
    };
    const set = withBootstrap(readRbac([own]));
    expect(set.roles.filter((r) => r.name === 'system:public-info-viewer').map((r) => r.from.file)).toEqual(['dump']);
    expect(set.roles).toHaveLength(BOOTSTRAP_ROLES.length);
    expect(set.bindings).toHaveLength(BOOTSTRAP_BINDINGS.length);
    const a = new Authorizer(set);
    expect(a.authorizeNonResource(userInfo('system:anonymous'), { verb: 'get', path: '/healthz' }).allowed).toBe(false);
    expect(BOOTSTRAP_BINDINGS.every(isBootstrapBinding)).toBe(true);
  });
});

describe('can-i', () => {
  it('get /healthz: yes by default (a bootstrap binding, --why says so), no with --no-bootstrap', async () => {
    const yes = await run(['can-i', 'get', '/healthz', '--as', 'anyone', '--why']);
    expect([yes.code, yes.stdout]).toEqual([
      0,
      [
        'yes',
        'ClusterRoleBinding system:discovery → ClusterRole system:discovery, rule 0: get on /livez,/readyz,/healthz,/version,/version/,/openapi,/openapi/*,/api,/api/*,/apis,/apis/*',
        'bootstrap: every cluster binds it to Group system:authenticated (Kubernetes bootstrap policy; --no-bootstrap leaves it out)',
      ].join('\n'),
    ]);
    const no = await run(['can-i', 'get', '/healthz', '--as', 'anyone', '--no-bootstrap']);
    expect([no.code, no.stdout]).toEqual([1, 'no']);
  });

  it('create selfsubjectaccessreviews.authorization.k8s.io: yes; the JSON marks it bootstrap', async () => {
    const r = await run([
      'can-i',
      'create',
      'selfsubjectaccessreviews.authorization.k8s.io',
      '--as',
      'bob@acme.io',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect([j.allowed, j.by.binding.name, j.by.bootstrap]).toEqual([true, 'system:basic-user', true]);
    const off = await run([
      'can-i',
      'create',
      'selfsubjectaccessreviews.authorization.k8s.io',
      '--as',
      'bob@acme.io',
      '--no-bootstrap',
    ]);
    expect([off.code, off.stdout]).toEqual([1, 'no']);
  });

  it('a service account is authenticated too; anonymous only reads health and version', async () => {
    const sa = ['--as', 'system:serviceaccount:acme-system:token-ci-deploy'];
    expect((await run(['can-i', 'get', '/apis', ...sa])).stdout).toBe('yes');
    expect((await run(['can-i', 'get', '/version', '--as', 'system:anonymous'])).stdout).toBe('yes');
    expect((await run(['can-i', 'get', '/apis', '--as', 'system:anonymous'])).stdout).toBe('no');
  });
});

describe('the bindings past everyone’s (a red team: answers a cluster gives)', () => {
  it.each([
    '/.well-known/openid-configuration',
    '/openid/v1/jwks',
    '/openid/v1/jwks/',
  ])('every ServiceAccount, so every token, may get %s (system:service-account-issuer-discovery)', async (url) => {
    const token = 'system:serviceaccount:acme-system:token-dashboards';
    expect((await run(['can-i', 'get', url, '--as', token])).stdout).toBe('yes');
    expect((await run(['can-i', 'get', url, '--as', 'bob@acme.io'])).stdout).toBe('no');
  });

  it('Group system:masters may do anything (cluster-admin); system:monitoring reads /metrics', async () => {
    const as = ['--as', 'zed@acme.io', '--as-group'];
    expect((await run(['can-i', 'create', 'pods', '-n', 'web', ...as, 'system:masters'])).stdout).toBe('yes');
    expect((await run(['can-i', 'get', '/metrics', ...as, 'system:monitoring'])).stdout).toBe('yes');
    expect((await run(['can-i', 'get', '/metrics', '--as', 'bob@acme.io'])).stdout).toBe('no');
    expect(
      (await run(['can-i', 'create', 'pods', '-n', 'web', ...as, 'system:masters', '--no-bootstrap'])).stdout,
    ).toBe('no');
  });
});

describe('who-can', () => {
  it('get /healthz: the bootstrap groups by default, marked; nobody with --no-bootstrap', async () => {
    const r = await run(['who-can', 'get', '/healthz']);
    expect(r.stdout.split('\n').slice(1)).toEqual([
      expect.stringMatching(
        /^Group\s+system:authenticated\s+\*\s+ClusterRoleBinding system:discovery \(bootstrap\)\s+ClusterRole system:discovery\s+0: get on \/livez/,
      ),
      expect.stringMatching(
        /^Group\s+system:authenticated\s+\*\s+ClusterRoleBinding system:public-info-viewer \(bootstrap\)/,
      ),
      expect.stringMatching(
        /^Group\s+system:unauthenticated\s+\*\s+ClusterRoleBinding system:public-info-viewer \(bootstrap\)/,
      ),
      expect.stringMatching(/^Group\s+system:monitoring\s+\*\s+ClusterRoleBinding system:monitoring \(bootstrap\)/),
      expect.stringMatching(/^Group\s+system:masters\s+\*\s+ClusterRoleBinding cluster-admin \(bootstrap\)/),
    ]);
    const json = JSON.parse((await run(['who-can', 'get', '/healthz', '--format', 'json'])).stdout);
    expect(json.every((row: { bootstrap?: boolean }) => row.bootstrap === true)).toBe(true);
    expect((await run(['who-can', 'get', '/healthz', '--no-bootstrap'])).stdout).toBe('nobody may get /healthz');
  });

  it('leaves bootstrap rows out of questions they do not answer: only cluster-admin’s system:masters answers all', async () => {
    const r = await run(['who-can', 'get', 'secrets', '-n', 'data', '--format', 'json']);
    const rows = JSON.parse(r.stdout) as { subject: string; bootstrap?: boolean }[];
    expect(rows.filter((row) => row.bootstrap).map((row) => row.subject)).toEqual(['system:masters']);
  });
});

describe('access', () => {
  it('shows the bootstrap access once, on its groups, not in every cell; --no-bootstrap drops those rows', async () => {
    const r = await run(['access', '--cluster', 'lga1']);
    const lines = r.stdout.split('\n');
    expect(lines[1]).toMatch(
      /^Group\s+system:authenticated\s+\*\s+bootstrap: system:basic-user system:discovery system:public-info-viewer\s+-$/,
    );
    expect(lines.slice(2, 6)).toEqual([
      expect.stringMatching(
        /^Group\s+system:masters\s+\*\s+bootstrap: cluster-admin\s+run-pods exec read-secrets identity escalate hold-delivery webhooks node-host network$/,
      ),
      expect.stringMatching(/^Group\s+system:monitoring\s+\*\s+bootstrap: system:monitoring\s+-$/),
      expect.stringMatching(
        /^Group\s+system:serviceaccounts\s+\*\s+bootstrap: system:service-account-issuer-discovery\s+-$/,
      ),
      expect.stringMatching(/^Group\s+system:unauthenticated\s+\*\s+bootstrap: system:public-info-viewer\s+-$/),
    ]);
    // bob's cells are his grants alone, as before
    expect(lines.filter((l) => / bob@acme\.io /.test(l))).toEqual([
      expect.stringMatching(/^User\s+bob@acme\.io\s+web\s+r:pods w:services\s+network$/),
    ]);
    const off = await run(['access', '--cluster', 'lga1', '--no-bootstrap']);
    expect(off.stdout).not.toContain('system:authenticated');
    expect(off.stdout.split('\n').filter((l) => / bob@acme\.io /.test(l))).toEqual(
      lines
        .filter((l) => / bob@acme\.io /.test(l))
        .map((l) => expect.stringMatching(l.split(/\s+/).slice(0, 4).join('\\s+'))),
    );
  });

  it('the JSON has the rules on the groups; the page renders them in its Groups section', async () => {
    const json = JSON.parse((await run(['access', '--cluster', 'lga1', '--format', 'json'])).stdout);
    const everyone = json.find((s: { name: string }) => s.name === 'system:authenticated');
    expect(everyone.cluster.custom).toContain('create on selfsubjectreviews.authentication.k8s.io');
    const bob = json.find((s: { name: string }) => s.name === 'bob@acme.io');
    expect(bob.cluster).toBeUndefined();
    const dir = tempDir();
    const out = join(dir, 'access.html');
    const page = await run(['access', '--cluster', 'lga1', '--format', 'html', '--out', out]);
    expect(page.code).toBe(0);
    const { readFileSync } = await import('node:fs');
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<h2>Groups</h2>');
    expect(html).toContain('system:authenticated');
  });

  it('on an empty folder, only the bootstrap groups', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'empty.yaml'), '');
    const r = await run(['access', '--dir', dir]);
    expect(
      r.stdout
        .split('\n')
        .slice(1)
        .map((l) => l.split(/\s+/)[1]),
    ).toEqual([
      'system:authenticated',
      'system:masters',
      'system:monitoring',
      'system:serviceaccounts',
      'system:unauthenticated',
    ]);
  });
});

describe('explain', () => {
  it('lists the bootstrap access once, after the namespaces; --no-bootstrap leaves it out', async () => {
    const r = await run(['explain', 'bob@acme.io', '-n', 'web', '--spec', ACME]);
    const lines = r.stdout.split('\n');
    const at = lines.indexOf(
      'users/bob@acme.io everywhere, as every authenticated user (Kubernetes bootstrap policy; --no-bootstrap leaves it out):',
    );
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 1)).toContain(
      '    via ClusterRoleBinding system:basic-user → ClusterRole system:basic-user',
    );
    const off = await run(['explain', 'bob@acme.io', '-n', 'web', '--spec', ACME, '--no-bootstrap']);
    expect(off.stdout).toBe(lines.slice(0, at).join('\n'));
  });

  it('an answer a bootstrap binding decides says so, in text and JSON; a URL needs no -n', async () => {
    const r = await run(['explain', 'bob@acme.io', 'get', '/version', '--spec', ACME]);
    expect([r.code, r.stdout]).toEqual([
      0,
      [
        'yes: users/bob@acme.io may get /version',
        '  rule 0: get on /livez,/readyz,/healthz,/version,/version/,/openapi,/openapi/*,/api,/api/*,/apis,/apis/*',
        '  via ClusterRoleBinding system:discovery → ClusterRole system:discovery',
        '  declared by no one in acme: every cluster binds it to Group system:authenticated (Kubernetes bootstrap policy; --no-bootstrap leaves it out)',
      ].join('\n'),
    ]);
    const j = JSON.parse(
      (
        await run([
          'explain',
          'bob@acme.io',
          '-n',
          'web',
          'create',
          'selfsubjectrulesreviews.authorization.k8s.io',
          '--spec',
          ACME,
          '--format',
          'json',
        ])
      ).stdout,
    );
    expect([j.allowed, j.by.bootstrap, j.by.via]).toEqual([
      true,
      true,
      'ClusterRoleBinding system:basic-user → ClusterRole system:basic-user',
    ]);
    const off = await run(['explain', 'bob@acme.io', 'get', '/version', '--spec', ACME, '--no-bootstrap']);
    expect([off.code, off.stdout.split('\n')[0]]).toEqual([1, 'no: users/bob@acme.io may not get /version']);
  });
});
