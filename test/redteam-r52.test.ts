/**
 * Red team R52 (the fixes of R49, R50 and R51). Each describe names the hole; each test asserts
 * the safe behaviour and fails on the commit its describe names.
 *
 * R52-1 (medium): npm reads a lock's `resolved` twice: arborist's consistentResolve reads it with
 *     npm-package-arg's one-argument form, and where that throws (a NAME@ whose spec npm refuses:
 *     a URL scheme it does not fetch, `foo:`, `ftp:`, `link:`; an alias of anything but a registry
 *     package; a tag no registry could hold; a name no package may have) leaves it as it was, and
 *     reify then reads the whole of it after the package's name (`orgctl@git@host:acme/orgctl`):
 *     anything with a slash is a folder of the repository of that very name. sourceOf cut the
 *     NAME@ off in every case and read what was left: a registry's version, or a URL its sha512
 *     pins. A folder of that name is read as a path, `..` and all: `git@host:acme/../org/vendor`
 *     installs orgctl from org/vendor, which an admin alone may change (engine-change saw none).
 *
 * R52-2 (medium): R49-2 reserved deleting the namespace (hold-delivery), but update or patch on
 *     `namespaces` (or its `status` or `finalize`, whose updates write the request's metadata too)
 *     stayed a warning (node-host, for Pod Security's labels). A RoleBinding in X reaches Namespace
 *     X, and an update writes its metadata.ownerReferences: one naming an owner that does not
 *     exist (a Node of no such name, any uid) and the garbage collector deletes the Namespace,
 *     everything in it with it, as a delete would; a finalizer of the writer's in the same patch
 *     keeps it Terminating, refusing every create, so its shard's Argo CD sync fails and every
 *     revocation in that shard stays applied. Namespace protection, when declared, refuses the
 *     collector's DELETE; without it nothing did. The boundary refuses Argo CD adding an
 *     ownerReference for this very reason (R42-3), not a person granted update on namespaces.
 *
 * R52-3 (low): the kubeconfig's ca.crt check (d2e8f87) found CERTIFICATE blocks anywhere, where
 *     Go's pem.Decode (client-go's certutil.ParseCertsPEM) finds a block only at a line's start:
 *     text before `-----BEGIN CERTIFICATE-----` on its line, and kubectl refuses the kubeconfig
 *     ("unable to load root certificates: unable to parse bytes as PEM block", kubectl 1.3x here),
 *     which orgctl wrote and said was fine.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockedRepositoryPaths } from '../review/head-proof.ts';
import { aliceAlone, baseProject } from './base-lock-project.ts';
import { itReadsEachAsNpm, lockResolving } from './npm-reads.ts';
import { forbiddenGrantsOfBob, refusalOfBob, ROOT, run, tempDir } from './helpers.ts';

const SHA512 = `sha512-${'A'.repeat(86)}==`;

describe("R52-1: a spec npm's first reading refuses is read whole, a folder of that name (fails by design on 98b5e3a)", () => {
  it.each([
    ['git@host:acme/../org/vendor'],
    ['orgctl@link:/../org/vendor'],
    ['@acme/orgctl@x:/../../org/vendor'],
  ])('%s installs org/vendor: an admin alone may not change it', async (resolved) => {
    expect(await aliceAlone(baseProject(resolved, SHA512), 'org/vendor/bin/orgctl.js')).toEqual({
      code: 1,
      row: expect.stringMatching(/❌/),
    });
  });

  it.each([
    ['git@host:acme/orgctl', 'git@host:acme/orgctl'],
    ['git@host:acme/../org/vendor', 'org/vendor'],
    ['orgctl@link:/../org/vendor', 'org/vendor'],
    ['orgctl@https://[x/../../org/vendor', 'org/vendor'],
    ['orgctl@link:org/vendor', 'orgctl@link:org/vendor'],
    ['@acme/orgctl@link:org', '@acme/orgctl@link:org'],
    ['orgctl@ftp://x/y', 'orgctl@ftp:/x/y'],
    ['orgctl@npm:x@./org', 'orgctl@npm:x@./org'],
    ['@acme/orgctl@orgctl@latest', '@acme/orgctl@orgctl@latest'],
    ['@acme/orgctl@_x@file:org', '@acme/orgctl@_x@file:org'],
  ])('%s is the folder npm reads', (resolved, path) => {
    expect(lockedRepositoryPaths(lockResolving(resolved)).paths).toEqual([path]);
  });
});

/**
 * R52-1's class: every spelling npm-package-arg's first reading refuses, as the npm that runs
 * here reads it (each with and without a NAME@ before it, and in capitals).
 */
describe("R52-1's class: spellings npm's first reading refuses, as the npm that runs here reads them", () => {
  const bodies = [
    'foo:org/x',
    'ftp://x/y',
    'data:x/y',
    'git+foo://x/y',
    'ssh://git@example.com/acme/x',
    'link:org',
    'workspace:org',
    'portal:org',
    'git@host:org/x',
    'x@localhost:org',
    'latest+x',
    'a=b',
    'orgctl@1',
    '@x@y',
    'A B@file:org',
    '_x@file:org',
    '.x@./org',
    'node_modules@file:org',
    'npm:x@./org',
    'npm:@acme/x@file:org',
    'npm:orgctl@github:acme/acme-org',
    'npm:npm:orgctl@1',
    'npm:@acme/x@latest',
    'orgctl@',
    'latest',
    '^1.0.0',
    '>=1 <2',
    'x+y',
    '1+y',
    '*',
    '',
    'http:',
    'https://[x/y',
    'https://[x/../../org/vendor',
    'git+https://',
    'npm:',
    'npm:x',
    'npm:@acme/x',
    'npm:x@',
    'npm:x@*',
    'npm:x@npm:y@1',
    'npm:x@github:a/b',
    'npm:x@https://example.com/x.tgz',
    'github:',
    'gist:',
    'git+file:c:\\x',
    'git+ssh://git@host:22/x',
  ];
  itReadsEachAsNpm(bodies);
});

describe('R52-2: an update of the Namespace writes its ownerReferences, and the collector deletes it (fails by design on 98b5e3a)', () => {
  const judged = forbiddenGrantsOfBob;

  it.each([
    ['patch', 'namespaces'],
    ['update', 'namespaces'],
    ['patch', 'namespaces/status'],
    ['update', 'namespaces/finalize'],
    ['update', '*/finalize'],
    ['*', 'namespaces'],
  ])('a non-admin granted %s on %s is refused (forbidden-grant)', (verb, resource) => {
    const rule = { apiGroups: [''], resources: [resource], verbs: [verb] };
    expect(refusalOfBob(rule, `${verb} on ${resource}`)).toContain('ownerReference');
  });

  it('reading the Namespace stays grantable', () => {
    expect(
      judged([{ apiGroups: [''], resources: ['namespaces', 'namespaces/status'], verbs: ['get', 'watch'] }]),
    ).toEqual([]);
  });
});

describe("R52-3: a certificate block begins a line, as Go's pem.Decode reads one (fails by design on 98b5e3a)", () => {
  const SECRET = join(ROOT, 'test/fixtures/secrets/token-ci-deploy.json');
  const ca = readFileSync(join(ROOT, 'test/fixtures/tls/ca.crt'), 'utf8');
  const kubeconfigWithCa = (pem: string) => {
    const file = join(tempDir(), 'secret.json');
    const secret = JSON.parse(readFileSync(SECRET, 'utf8')) as { data: Record<string, string> };
    secret.data['ca.crt'] = Buffer.from(pem).toString('base64');
    writeFileSync(file, JSON.stringify(secret));
    return run(['kubeconfig', 'ci-deploy', '--server', 'https://k.acme.io', '--secret', file]);
  };

  it('text before BEGIN on its line: no block, as kubectl reads it, so refused', async () => {
    const r = await kubeconfigWithCa(`x${ca}`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/data\['ca\.crt'\] is not base64 of PEM certificates: it holds no/);
  });

  it('a certificate after other lines still reads', async () => {
    expect((await kubeconfigWithCa(`issued by the test authority\n${ca}`)).code).toBe(0);
  });
});
