/**
 * Red team R47 (base 1e02eef): `orgctl kubeconfig`, the expiry workflow, `orgctl workflows`. Each
 * test asserts the safe behaviour and fails on the commit its describe names.
 *
 * R47-1 (low; whoever can write a token Secret's data in the system namespace: an admin's script,
 *     a token granted Secrets there, a forged dist/ past the review, which the boundary admits as
 *     long as type and annotation are a token's): kubeconfig checks the Secret's namespace, type
 *     and ServiceAccount annotation, but hands over data.token as it is. The token controller
 *     fills data.token only when it is empty and never checks one written
 *     (tokens_controller.go generateTokenIfNeeded), and the API server authenticates a token by
 *     its own claims (legacy.go: `sub` system:serviceaccount:NS:NAME, checked against the
 *     private claims), not by the Secret holding it. So token ci-deploy's Secret holding another
 *     ServiceAccount's token (an admin token's) became "token ci-deploy's" kubeconfig: whoever is
 *     handed it acts as that other identity, with what it holds. Safe: data.token must be a JWT
 *     whose `sub` is the token's ServiceAccount in the system namespace.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, run, tempDir } from './helpers.ts';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const b64 = (s: string) => Buffer.from(s).toString('base64');
const b64url = (s: string) => Buffer.from(s).toString('base64url');
/** A JWT as the cluster signs one (the signature is not checked by anyone here). */
const jwt = (claims: Obj) =>
  `${b64url(JSON.stringify({ alg: 'RS256', kid: 'k' }))}.${b64url(JSON.stringify(claims))}.c2lnbmF0dXJl`;
/** The claims of a legacy token Secret's token (pkg/serviceaccount/legacy.go LegacyClaims). */
const legacyClaims = (namespace: string, account: string) => ({
  iss: 'kubernetes/serviceaccount',
  'kubernetes.io/serviceaccount/namespace': namespace,
  'kubernetes.io/serviceaccount/secret.name': account,
  'kubernetes.io/serviceaccount/service-account.name': account,
  'kubernetes.io/serviceaccount/service-account.uid': '6f1c2a9e-0000-4000-8000-000000000002',
  sub: `system:serviceaccount:${namespace}:${account}`,
});

const FIXTURE_SECRET = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/secrets/token-ci-deploy.json'), 'utf8'));

/** kubeconfig for ci-deploy from the fixture Secret holding `token`. */
async function kubeconfigWith(token: string) {
  const secret = structuredClone(FIXTURE_SECRET);
  secret.data.token = b64(token);
  const file = join(tempDir('orgctl-r47-secret-'), 'secret.json');
  writeFileSync(file, JSON.stringify(secret));
  return run(['kubeconfig', 'ci-deploy', '--server', 'https://lga1.acme.io:6443', '--secret', file]);
}

describe("R47-1: the token in ci-deploy's Secret is ci-deploy's (fails by design on 1e02eef)", () => {
  it('a JWT naming token-ci-deploy in acme-system, as the cluster signs it: taken', async () => {
    const token = jwt(legacyClaims('acme-system', 'token-ci-deploy'));
    const r = await kubeconfigWith(token);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(token);
  });

  it.each([
    ['another token of the organization (metrics-reader)', legacyClaims('acme-system', 'token-metrics-reader')],
    ['a ServiceAccount of the same name in another namespace', legacyClaims('web', 'token-ci-deploy')],
    [
      'a bound token (TokenRequest) of another ServiceAccount',
      { sub: 'system:serviceaccount:kube-system:replicaset-controller', aud: ['https://kubernetes.default.svc'] },
    ],
  ])('a JWT of %s: refused, the token never printed', async (_what, claims) => {
    const token = jwt(claims);
    const r = await kubeconfigWith(token);
    expect(r.stdout).not.toContain(token);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('token-ci-deploy');
  });

  it.each([
    ['not a JWT', 'orgctl-test-token.not-a-real-credential.0123456789'],
    ['a JWT whose claims are not JSON', `${b64url('{}')}.${b64url('sub')}.c2ln`],
    ['a JWT naming no subject', jwt({ iss: 'kubernetes/serviceaccount' })],
  ])('a token that is %s: refused (the cluster fills a token Secret with a JWT naming its ServiceAccount)', async (_what, token) => {
    const r = await kubeconfigWith(token);
    expect(r.stdout).not.toContain(token);
    expect(r.code).toBe(2);
  });
});
