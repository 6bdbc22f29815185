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
import { kubectlRefusesAuthorities } from '../cli/go-pem.ts';

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

/**
 * What kubectl takes as certificate authorities (client-go's rootCertPool: Go's
 * x509.CertPool.AppendCertsFromPEM over encoding/pem.Decode, which skips a block it cannot frame,
 * decode or parse, and a CERTIFICATE block with headers). Each variant holds the stand-in's
 * authority or nothing kubectl can use, so kubectl reaching the stand-in is kubectl taking it.
 */
const CA_VARIANTS: Record<string, (ca: string) => string> = {
  'the authority alone': (ca) => ca,
  'with CRLF line endings': (ca) => ca.replaceAll('\n', '\r\n'),
  'after text that is no PEM': (ca) => `issued by the platform team\n${ca}`,
  'followed by a block that holds no certificate': (ca) => `${ca}${BROKEN}`,
  'after a block that holds no certificate': (ca) => `${BROKEN}${ca}`,
  'after a block whose base64 is broken': (ca) => `-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n${ca}`,
  'with spaces ending its BEGIN and END lines': (ca) =>
    ca.replace('CERTIFICATE-----\n', 'CERTIFICATE-----  \n').replace(/-----\n$/, '----- \t\n'),
  'its base64 lines indented': (ca) => ca.replace(/\n(?!-)/g, '\n  '),
  'with a header (kubectl skips such a block)': (ca) => ca.replace('-----\n', '-----\nComment: test\n'),
  'after the same with a header': (ca) => `${ca.replace('-----\n', '-----\nComment: test\n')}${ca}`,
  'its BEGIN line indented': (ca) => `  ${ca}`,
  'text after its BEGIN line': (ca) => ca.replace('CERTIFICATE-----\n', 'CERTIFICATE----- x\n'),
  'text after its END line': (ca) => ca.replace(/-----\n$/, '----- x\n'),
  'without a line break before its END line': (ca) => ca.replace(/\n-----END/, '-----END'),
  'its base64 unpadded': (ca) => ca.replace(/=+\n-----END/, '\n-----END'),
  // Go reads the public key as it parses (an EC point must be on its curve); OpenSSL when asked.
  'its public key off its curve': (ca) => {
    const der = derOf(ca);
    // The P-256 point: a BIT STRING (03 42 00) of an uncompressed point (04, then x and y).
    const at = der.indexOf(Buffer.from([0x03, 0x42, 0x00, 0x04])) + 4;
    der[at + 10] ^= 0xff;
    return pemOf(der);
  },
  'its END line naming another type': (ca) => ca.replace('END CERTIFICATE', 'END X509 CRL'),
  'a block that holds no certificate, alone': () => BROKEN,
  // Red team R58-6: OpenSSL's d2i reads the first DER value and ignores what follows, and takes
  // PEM text where DER is given; Go's x509.ParseCertificate refuses both.
  'its certificate followed by bytes past its DER': (ca) => pemOf(Buffer.concat([derOf(ca), Buffer.from([0, 0])])),
  'a block whose bytes are the PEM text itself': (ca) => pemOf(Buffer.from(ca)),
  'nothing (kubectl then trusts the system authorities)': () => '',
  // Red team R64-1: what Go's x509 parser refuses and OpenSSL reads (Go 1.23+: a negative serial).
  'its serial number negative': (ca) =>
    editedTbs(ca, (tbs) => (tbs[1] = { tag: 0x02, body: Buffer.from([0xff, 0x01]) })),
  'its version past v3': (ca) =>
    editedTbs(ca, (tbs) => (tbs[0] = { tag: 0xa0, kids: [{ tag: 0x02, body: Buffer.from([5]) }] })),
  'its outer signature algorithm not its inner one': (ca) =>
    edited(ca, (cert) => {
      const oid = Buffer.from(cert.kids![1]!.kids![0]!.body!);
      oid[oid.length - 1] ^= 1; // ecdsa-with-SHA256 as ecdsa-with-SHA384
      cert.kids![1]!.kids![0] = { tag: 0x06, body: oid };
    }),
  'an extension twice': (ca) =>
    editedTbs(ca, (tbs) => {
      const list = extensionsOf(tbs);
      list.push(list[0]!);
    }),
  "its subject's name a PrintableString holding @": (ca) =>
    editedTbs(ca, (tbs) => (tbs[5]!.kids![0]!.kids![0]!.kids![1] = { tag: 0x13, body: Buffer.from('test@ca') })),
  "its issuer's name a UniversalString": (ca) =>
    editedTbs(ca, (tbs) => (tbs[3]!.kids![0]!.kids![0]!.kids![1] = { tag: 0x1c, body: Buffer.from([0, 0, 0, 0x74]) })),
  // Red team R64-1b: the extensions Go parses, each malformed its own way.
  'its basic constraints critical by a BOOLEAN of 01, not FF': (ca) =>
    editedExtension(ca, '551d13', (e) => (e.kids![1] = { tag: 0x01, body: Buffer.from([1]) })),
  'its basic constraints saying CA by a BOOLEAN of 01': (ca) =>
    editedExtension(ca, '551d13', (e) => {
      const [constraints] = derValues(e.kids![2]!.body!);
      constraints!.kids![0] = { tag: 0x01, body: Buffer.from([1]) };
      e.kids![2] = { tag: 0x04, body: derBytes(constraints!) };
    }),
  'its subject key identifier an INTEGER': (ca) =>
    editedExtension(ca, '551d0e', (e) => (e.kids![1] = { tag: 0x04, body: Buffer.from([0x02, 0x01, 0x05]) })),
  'its authority key identifier a NULL': (ca) =>
    editedExtension(ca, '551d23', (e) => (e.kids![1] = { tag: 0x04, body: Buffer.from([0x05, 0x00]) })),
  'a subject alternative name an IP address of 5 bytes': (ca) =>
    withAltName(ca, { tag: 0x87, body: Buffer.from([1, 2, 3, 4, 5]) }),
  'a subject alternative name a DNS name past ASCII': (ca) =>
    withAltName(ca, { tag: 0x82, body: Buffer.from('ä.example') }),
  'its validity a time of no time type': (ca) =>
    editedTbs(ca, (tbs) => (tbs[4]!.kids![0] = { tag: 0x04, body: Buffer.from('261205091648Z') })),
};
/** A DER value: its tag, and its bytes or (constructed) its values. */
interface Der {
  tag: number;
  body?: Buffer;
  kids?: Der[];
}
/** The DER values of `bytes`, in order (lengths of at most two bytes: a certificate's). */
function derValues(bytes: Buffer): Der[] {
  const out: Der[] = [];
  for (let at = 0; at < bytes.length; ) {
    const tag = bytes[at]!;
    let length = bytes[at + 1]!;
    let header = 2;
    if (length & 0x80) {
      header += length & 0x7f;
      length = bytes.subarray(at + 2, at + header).reduce((n, b) => n * 256 + b, 0);
    }
    const body = bytes.subarray(at + header, at + header + length);
    out.push(tag & 0x20 ? { tag, kids: derValues(body) } : { tag, body });
    at += header + length;
  }
  return out;
}
const derBytes = (v: Der): Buffer => {
  const body = v.kids ? Buffer.concat(v.kids.map(derBytes)) : v.body!;
  const n = body.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([v.tag, ...length]), body]);
};
/** The authority with its certificate edited as DER (no signature is checked where it is loaded). */
const edited = (ca: string, edit: (certificate: Der) => void): string => {
  const [certificate] = derValues(derOf(ca));
  edit(certificate!);
  return pemOf(derBytes(certificate!));
};
/** The same, its TBSCertificate's values: version, serial, signature, issuer, validity, subject, key, extensions. */
const editedTbs = (ca: string, edit: (tbs: Der[]) => void): string => edited(ca, (c) => edit(c.kids![0]!.kids!));
/** The authority's extensions (id, critical, value), as a list. */
const extensionsOf = (tbs: Der[]): Der[] => tbs.find((n) => n.tag === 0xa3)!.kids![0]!.kids!;
/** The authority with its extension of object identifier `oid` (hex of its DER) edited. */
const editedExtension = (ca: string, oid: string, edit: (extension: Der) => void): string =>
  editedTbs(ca, (tbs) => edit(extensionsOf(tbs).find((e) => e.kids![0]!.body!.toString('hex') === oid)!));
/** The authority with a subject alternative name extension of one name added. */
const withAltName = (ca: string, name: Der): string =>
  editedTbs(ca, (tbs) =>
    extensionsOf(tbs).push({
      tag: 0x30,
      kids: [
        { tag: 0x06, body: Buffer.from('551d11', 'hex') },
        { tag: 0x04, body: derBytes({ tag: 0x30, kids: [name] }) },
      ],
    }),
  );
const BROKEN = '-----BEGIN CERTIFICATE-----\nMIIBfakeCAforTestsAA\n-----END CERTIFICATE-----\n';
/** The DER bytes of a PEM certificate's one block. */
const derOf = (pem: string): Buffer => Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s/g, ''), 'base64');
/** `bytes` as a CERTIFICATE block, its base64 in lines of 64. */
const pemOf = (bytes: Buffer): string =>
  `-----BEGIN CERTIFICATE-----\n${bytes.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`;

describe.skipIf(!KUBECTL && !process.env.CI)('orgctl takes a certificate authority exactly when kubectl does', () => {
  let server: Server;
  let url = '';
  beforeAll(async () => {
    server = createServer(
      { key: readFileSync(join(TLS, 'server.key')), cert: readFileSync(join(TLS, 'server.crt')) },
      (_req, res) => res.end(JSON.stringify({ major: '1', minor: '32', gitVersion: 'v1.32.0' })),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const ca = readFileSync(join(TLS, 'ca.crt'), 'utf8');
  /** What kubectl says of `pem` as a kubeconfig's certificate-authority-data: `takes it`, or `refuses it: ERROR`. */
  const kubectlSays = async (pem: string): Promise<string> => {
    const dir = tempDir();
    const config = join(dir, 'kubeconfig');
    writeFileSync(
      config,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 'c',
            cluster: { server: url, 'certificate-authority-data': Buffer.from(pem, 'latin1').toString('base64') },
          },
        ],
        users: [{ name: 'u', user: { token } }],
        contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'x',
      }),
    );
    return promisify(execFile)(
      'kubectl',
      ['--kubeconfig', config, 'get', '--raw', '/version', '--request-timeout=30s'],
      {
        env: { ...process.env, HOME: dir, KUBECACHEDIR: join(dir, 'cache') },
        encoding: 'utf8',
      },
    ).then(
      () => 'takes it',
      (e: { stderr: string }) => `refuses it: ${e.stderr.trim().split('\n').at(-1)}`,
    );
  };

  it.each(Object.entries(CA_VARIANTS))('%s', async (_, variant) => {
    const pem = variant(ca);
    const dir = tempDir();
    const kubectl = await kubectlSays(pem);
    const forged = structuredClone(secret);
    forged.data['ca.crt'] = Buffer.from(pem).toString('base64');
    const file = join(dir, 'secret.json');
    writeFileSync(file, JSON.stringify(forged));
    const made = await run(['kubeconfig', 'ci-deploy', '--server', 'https://k.acme.io', '--secret', file]);
    const orgctl = made.code === 0 ? 'takes it' : `refuses it: ${made.stderr.trim()}`;
    expect(
      { orgctl: orgctl.slice(0, 9), kubectl: kubectl.slice(0, 9) },
      `orgctl ${orgctl}\nkubectl ${kubectl}`,
    ).toEqual({
      orgctl: kubectl.slice(0, 9),
      kubectl: kubectl.slice(0, 9),
    });
  });

  /**
   * Seeded edits of the authority (text, line breaks, BEGIN and END lines, headers, base64 put in,
   * cut or replaced), each judged by kubectl and by orgctl's reading. kubectl takes the authorities
   * when it gets past loading them: an edit of the certificate's own bytes that still parses is
   * another authority, and kubectl then refuses the server, not the data (unknown authority).
   */
  it('agrees with kubectl on 60 seeded edits of the authority', { timeout: 300_000 }, async () => {
    let seed = 4;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const pieces = ['\n', '\r\n', ' ', '\t', ':', 'AAAA', '=', '==', 'x', '-----', '\n\n', ca, 'Proc-Type: 4\n'];
    pieces.push(...['CERTIFICATE', 'X'].flatMap((t) => [`-----BEGIN ${t}-----`, `-----END ${t}-----`]));
    const edited = (text: string): string => {
      for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
        const at = Math.floor(random() * (text.length + 1));
        const how = random();
        const cut = how < 0.4 ? 0 : how < 0.7 ? 1 + Math.floor(random() * 5) : 1 + Math.floor(random() * 3);
        text = text.slice(0, at) + (how < 0.4 || how >= 0.7 ? pick(pieces) : '') + text.slice(at + cut);
      }
      return text;
    };
    const cases = Array.from({ length: 60 }, () => edited(random() < 0.5 ? ca : ca + ca));
    const disagreements: string[] = [];
    const verdicts = { takes: 0, refuses: 0 };
    for (let i = 0; i < cases.length; i += 6)
      await Promise.all(
        cases.slice(i, i + 6).map(async (pem) => {
          const said = await kubectlSays(pem);
          const kubectlTakes = !said.includes('unable to load root certificates');
          const why = kubectlRefusesAuthorities(pem);
          verdicts[kubectlTakes ? 'takes' : 'refuses']++;
          if (kubectlTakes !== (why === undefined))
            disagreements.push(`${JSON.stringify(pem)}\n  orgctl: ${why ?? 'takes it'}\n  kubectl: ${said}`);
        }),
      );
    expect(disagreements).toEqual([]);
    // Both verdicts are met (seed 4: 22 taken, 38 refused), so the edits reach what decides.
    expect(Math.min(verdicts.takes, verdicts.refuses), JSON.stringify(verdicts)).toBeGreaterThanOrEqual(10);
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
    const r = await kubeconfig(
      withCa('-----BEGIN CERTIFICATE-----\nMIIBfakeCAforTestsAA\n-----END CERTIFICATE-----\n'),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/data\['ca\.crt'\] is not base64 of PEM certificates: its certificate 1 cannot be read/);
  });

  it('says what Go refuses in a certificate OpenSSL reads: a negative serial number (R64-1)', async () => {
    const ca = readFileSync(join(TLS, 'ca.crt'), 'utf8');
    const r = await kubeconfig(withCa(CA_VARIANTS['its serial number negative']!(ca)));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /its certificate 1 has a negative serial number \(Go 1\.23 and later refuse it\), and Go refuses it/,
    );
  });

  it('says why, when every certificate block has headers (kubectl skips such a block)', async () => {
    const ca = readFileSync(join(TLS, 'ca.crt'), 'utf8');
    const r = await kubeconfig(withCa(ca.replace('-----\n', '-----\nProc-Type: 4,ENCRYPTED\n')));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/each CERTIFICATE block has headers, and kubectl skips such a block/);
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
