/**
 * The kubeconfig `orgctl kubeconfig` writes, read by kubectl itself (the client on this machine),
 * against a stand-in API server on loopback whose certificate the token Secret's `ca.crt` signed
 * (test/fixtures/tls: a test-only authority, its key thrown away; the server's key is test-only).
 * A kubeconfig kubectl refuses is a broken feature, whatever its fields look like.
 */
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, run, tempDir } from './helpers.ts';

const KUBECTL = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
const SECRET = join(ROOT, 'test/fixtures/secrets/token-ci-deploy.json');
const TLS = join(ROOT, 'test/fixtures/tls');
const secret = JSON.parse(readFileSync(SECRET, 'utf8')) as { data: Record<string, string> };
const token = Buffer.from(secret.data.token!, 'base64').toString('utf8');

// Skipped where no kubectl is installed, but never in CI (CI=true), whose machines have one.
describe.skipIf(!KUBECTL && !process.env.CI)('kubectl reads the kubeconfig orgctl writes', () => {
  const seen: string[] = [];
  let server: Server;
  let url = '';

  beforeAll(async () => {
    server = createServer(
      { key: readFileSync(join(TLS, 'server.key')), cert: readFileSync(join(TLS, 'server.crt')) },
      (req, res) => {
        seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? 'no credentials'}`);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ major: '1', minor: '32', gitVersion: 'v1.32.0', platform: 'linux/amd64' }));
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("trusts the Secret's certificate authority, sends the token, and starts in the token's first namespace", async () => {
    const dir = tempDir();
    const file = join(dir, 'kubeconfig');
    const made = await run(['kubeconfig', 'ci-deploy', '--server', url, '--secret', SECRET, '--out', file]);
    expect([made.code, made.stderr]).toEqual([0, `wrote ${file} (mode 0600): contexts 127.0.0.1-web, 127.0.0.1-data`]);
    // Asynchronous: the stand-in answers from this process's event loop.
    const kubectl = (args: string[]) =>
      promisify(execFile)('kubectl', ['--kubeconfig', file, ...args], {
        env: { ...process.env, HOME: dir, KUBECACHEDIR: join(dir, 'cache') },
        encoding: 'utf8',
      });
    const answer = await kubectl(['get', '--raw', '/version', '--request-timeout=30s']);
    expect(JSON.parse(answer.stdout)).toMatchObject({ gitVersion: 'v1.32.0' });
    // kubectl asks the version once more before --raw; every request carries the token, none other.
    expect(seen).toContain(`GET /version?timeout=30s Bearer ${token}`);
    expect(new Set(seen.map((s) => s.slice(s.indexOf(' ', s.indexOf(' ') + 1) + 1)))).toEqual(
      new Set([`Bearer ${token}`]),
    );
    const context = await kubectl(['config', 'view', '--minify', '-o', 'jsonpath={.contexts[0].context.namespace}']);
    expect(context.stdout).toBe('web');
  });
});

describe("the Secret's certificate authority, as kubectl reads it", () => {
  const withCa = (pem: string): string => {
    const file = join(tempDir(), 'secret.json');
    const forged = structuredClone(secret);
    forged.data['ca.crt'] = Buffer.from(pem).toString('base64');
    writeFileSync(file, JSON.stringify(forged));
    return file;
  };
  const kubeconfig = (file: string) =>
    run(['kubeconfig', 'ci-deploy', '--server', 'https://k.acme.io', '--secret', file]);

  it('refuses a PEM block that holds no certificate: kubectl would refuse the kubeconfig', async () => {
    const r = await kubeconfig(withCa('-----BEGIN CERTIFICATE-----\nMIIBfakeCAforTests\n-----END CERTIFICATE-----\n'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/data\['ca\.crt'\] is not base64 of PEM certificates: its certificate 1 cannot be read/);
  });

  it('accepts a bundle of certificates, as the cluster may fill it, and keeps it whole', async () => {
    const ca = readFileSync(join(TLS, 'ca.crt'), 'utf8');
    const bundle = `${ca}${readFileSync(join(TLS, 'server.crt'), 'utf8')}`;
    const r = await kubeconfig(withCa(bundle));
    expect(r.code).toBe(0);
    const [config] = parseAllDocuments(r.stdout).map(
      (d) => d.toJS() as { clusters: { cluster: Record<string, string> }[] },
    );
    expect(config!.clusters[0]!.cluster['certificate-authority-data']).toBe(Buffer.from(bundle).toString('base64'));
  });
});
