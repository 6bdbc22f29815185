/**
 * Red team R76 (base 05a5c45): privilege classes of custom resources a non-admin may write once an
 * admin declares them safe (`safeCustomResources`). Each hole below held no class, so a declaration
 * was accepted, and the grant it let through drew no finding, while the controller behind it reads
 * Secrets, takes identities or runs code for its writer.
 *
 * R76-1 (low, R69-5's class): cert-manager's Issuer (cert-manager.io `issuers`, namespaced; a
 * ClusterIssuer the same with Secrets of cert-manager's own namespace) has cert-manager read a Secret
 * of its namespace and send it to the server the Issuer names, any URL: a Vault issuer's
 * `auth.tokenSecretRef` is sent as its Vault token, `auth.appRole.secretRef` and
 * `auth.kubernetes.secretRef` in its login (cert-manager internal/vault/vault.go: New → setToken reads
 * the Secret key, any key, and logs in at `spec.vault.server`; the issuer's setup then calls
 * /v1/sys/health with it, so no Certificate is needed); a Venafi issuer's `credentialsRef` goes to its
 * `url`. Any key of any Secret of the namespace reaches the writer's server: reading Secrets, a
 * `read-secrets` warning as PushSecret's (R69-5). Declared safe, the grant drew no finding.
 */
import { describe, expect, it } from 'vitest';
import { classesOfRule, unsafeDeclaration } from '../analysis/classes.ts';
import { smallOrg, synth } from './helpers.ts';

const write = (group: string, resource: string) => ({
  apiGroups: [group],
  resources: [resource],
  verbs: ['create', 'update', 'patch'],
});

/** bob, a non-admin, writing `resource` of `group` in web, which the organization declares safe: the findings. */
function declaredAndGranted(group: string, resource: string): string[] {
  const { org, web } = smallOrg({ safeCustomResources: [{ group, resources: [resource], reason: 'reviewed' }] });
  web.grantRules(org.user('bob@acme.io', { github: 'bob' }), [write(group, resource)]);
  return synth(org).findings.map((f) => `${f.severity} ${f.rule}: ${f.message}`);
}

describe("R76-1: cert-manager's Issuer sends a Secret of its namespace to the server it names", () => {
  it('writing an Issuer holds read-secrets, a ClusterIssuer cluster-wide too', () => {
    expect(classesOfRule(write('cert-manager.io', 'issuers'), 'namespace')).toEqual(['read-secrets']);
    expect(classesOfRule(write('cert-manager.io', 'clusterissuers'), 'cluster')).toEqual(['read-secrets']);
  });

  it('declared safe and granted to a non-admin, it is a risky-grant warning, not silence', () => {
    const found = declaredAndGranted('cert-manager.io', 'issuers');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^warning risky-grant: .*read Secrets/);
  });

  it("held: Certificates (README's own declaration) hold no class", () => {
    expect(classesOfRule(write('cert-manager.io', 'certificates'), 'namespace')).toEqual([]);
    expect(unsafeDeclaration('cert-manager.io', 'certificates')).toBeUndefined();
  });
});
