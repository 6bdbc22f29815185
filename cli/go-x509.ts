/**
 * What Go's x509.ParseCertificate (crypto/x509/parser.go, Go 1.23, as kubectl 1.32 is built)
 * refuses in a certificate that OpenSSL, and so node's X509Certificate, reads: kubectl takes no
 * authority from such a block (red team R64-1). Read here: the TBSCertificate's own framing, as
 * Go walks it, and the extensions Go parses that a CA's certificate holds (EXTENSION_PROBLEM).
 */

/** A DER value of `der` at `at`: its tag, where its contents start and where it ends. */
interface Value {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
}

/** A long-form length's bytes as the number they write (big-endian). */
const lengthOf = (bytes: Buffer): number => bytes.reduce((sum, b) => sum * 256 + b, 0);

/** The value at `at` (the bytes are DER already: OpenSSL read them, to the last byte). */
function valueAt(der: Buffer, at: number): Value {
  let length = der[at + 1]!;
  let start = at + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    length = lengthOf(der.subarray(start, start + n));
    start += n;
  }
  return { tag: der[at]!, start, end: start + length };
}

/** The values inside `v`, in order. */
function valuesIn(der: Buffer, v: Value): Value[] {
  const out: Value[] = [];
  for (let at = v.start; at < v.end; at = out.at(-1)!.end) out.push(valueAt(der, at));
  return out;
}

const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OBJECT_IDENTIFIER: 0x06,
  SEQUENCE: 0x30,
  UTF8String: 0x0c,
  NumericString: 0x12,
  PrintableString: 0x13,
  T61String: 0x14,
  IA5String: 0x16,
  BMPString: 0x1e,
  VERSION: 0xa0,
  ISSUER_UNIQUE_ID: 0x81,
  SUBJECT_UNIQUE_ID: 0x82,
  EXTENSIONS: 0xa3,
} as const;

/** Go's isIA5String: ASCII only. */
const isIa5 = (c: Buffer): boolean => c.every((b) => b < 0x80);

/** Go's isPrintable: PrintableString's characters, and `*` and `&`, which certificates use anyway. */
const PRINTABLE = /^[a-zA-Z0-9'()+,\-./:=? *&]*$/;

/** Why Go's parseASN1String refuses a name's attribute value, or undefined: only these six string types, each well formed. */
function stringProblem(tag: number, bytes: Buffer): string | undefined {
  switch (tag) {
    case TAG.T61String:
      return undefined;
    case TAG.PrintableString:
      return PRINTABLE.test(bytes.toString('latin1')) ? undefined : 'a PrintableString holding another character';
    case TAG.UTF8String:
      return Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes) ? undefined : 'a UTF8String that is not UTF-8';
    case TAG.BMPString:
      return bytes.length % 2 ? 'a BMPString of an odd number of bytes' : undefined;
    case TAG.IA5String:
      return isIa5(bytes) ? undefined : 'an IA5String holding a byte past ASCII';
    case TAG.NumericString:
      return /^[0-9 ]*$/.test(bytes.toString('latin1')) ? undefined : 'a NumericString holding another character';
    default:
      return `a value of ASN.1 tag ${tag}, which Go reads as no string`;
  }
}

/** Why Go's parseName refuses a name (an RDNSequence), or undefined. */
function nameProblem(der: Buffer, name: Value): string | undefined {
  for (const set of valuesIn(der, name))
    for (const attribute of valuesIn(der, set)) {
      const [, value] = valuesIn(der, attribute);
      if (!value) return 'an attribute without a value';
      const problem = stringProblem(value.tag, der.subarray(value.start, value.end));
      if (problem) return problem;
    }
  return undefined;
}

/**
 * Why Go's x509.ParseCertificate refuses `der` (one DER certificate OpenSSL reads), or undefined:
 * a version past v3, a negative serial number, a signature algorithm the certificate names
 * differently inside and outside what is signed, an issuer's or subject's name holding what Go
 * reads as no string, an extension twice or critical by a BOOLEAN DER never writes, or one Go parses
 * malformed (R64-1b).
 */
export function goCertificateProblem(der: Buffer): string | undefined {
  const [tbs, outerAlgorithm] = valuesIn(der, valueAt(der, 0));
  const fields = valuesIn(der, tbs!);
  let version = 0;
  if (fields[0]!.tag === TAG.VERSION) {
    const [v] = valuesIn(der, fields.shift()!);
    if (v?.tag !== TAG.INTEGER || v.end - v.start > 1 || der[v.start]! > 2) return 'a version past v3';
    version = der[v.start]!;
  }
  const [serial, algorithm, issuer, , subject, , ...rest] = fields;
  if (der[serial!.start]! & 0x80) return 'a negative serial number (Go 1.23 and later refuse it)';
  const bytesOf = (v: Value) => der.subarray(v.start, v.end);
  if (!bytesOf(algorithm!).equals(bytesOf(outerAlgorithm!)))
    return 'a signature algorithm it names one way in what is signed and another outside';
  for (const [what, name] of [
    ['issuer', issuer!],
    ['subject', subject!],
  ] as const) {
    const problem = nameProblem(der, name);
    if (problem) return `its ${what}'s name holding ${problem}`;
  }
  // A v1 certificate's are read no further; a v2's unique ids are skipped, and only a v3's extensions read.
  if (version === 0) return undefined;
  while (rest[0]?.tag === TAG.ISSUER_UNIQUE_ID || rest[0]?.tag === TAG.SUBJECT_UNIQUE_ID) rest.shift();
  if (version !== 2 || rest[0]?.tag !== TAG.EXTENSIONS) return undefined;
  const seen = new Set<string>();
  for (const extension of valuesIn(der, valuesIn(der, rest[0])[0]!)) {
    const [oid, ...more] = valuesIn(der, extension);
    const id = bytesOf(oid!).toString('hex');
    if (seen.has(id)) return 'an extension twice';
    seen.add(id);
    const critical = more[0]?.tag === TAG.BOOLEAN ? more.shift()! : undefined;
    if (critical && !isDerBoolean(bytesOf(critical))) return 'an extension critical by a BOOLEAN DER never writes';
    const problem = EXTENSION_PROBLEM[id]?.(bytesOf(more[0]!), critical !== undefined && der[critical.start] === 0xff);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * The first DER value of `bytes` from `at`, as Go's cryptobyte reads one (a tag of one byte, a
 * length in its shortest form, within the bytes); undefined when it reads none. Unlike a
 * certificate's own framing, an extension's value is bytes OpenSSL did not read.
 */
function strictValueAt(bytes: Buffer, at = 0): Value | undefined {
  if (at + 2 > bytes.length || (bytes[at]! & 0x1f) === 0x1f) return undefined;
  let length = bytes[at + 1]!;
  let start = at + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 4 || start + n > bytes.length || bytes[start] === 0) return undefined;
    length = lengthOf(bytes.subarray(start, start + n));
    if (length < 0x80) return undefined;
    start += n;
  }
  return start + length > bytes.length ? undefined : { tag: bytes[at]!, start, end: start + length };
}

/** Every DER value inside `v` of `bytes`, as cryptobyte reads them one after another; undefined when one does not read. */
function strictValuesIn(bytes: Buffer, v: Value): Value[] | undefined {
  const out: Value[] = [];
  for (let at = v.start; at < v.end; ) {
    const next = strictValueAt(bytes.subarray(0, v.end), at);
    if (!next) return undefined;
    out.push(next);
    at = next.end;
  }
  return out;
}

/** The values of the SEQUENCE an extension's value is, as cryptobyte reads them; undefined when it is none. */
function sequenceOf(value: Buffer): Value[] | undefined {
  const v = strictValueAt(value);
  return v?.tag === TAG.SEQUENCE ? strictValuesIn(value, v) : undefined;
}

/** DER's BOOLEAN: one byte, 00 or FF (cryptobyte refuses any other). */
const isDerBoolean = (contents: Buffer): boolean =>
  contents.length === 1 && (contents[0] === 0 || contents[0] === 0xff);

/** A DER INTEGER's contents that Go reads into an int: minimal, at most eight bytes. */
const isDerInt = (c: Buffer): boolean =>
  c.length > 0 &&
  c.length <= 8 &&
  !(c.length > 1 && ((c[0] === 0 && !(c[1]! & 0x80)) || (c[0] === 0xff && c[1]! & 0x80)));

/** A DER BIT STRING's contents as cryptobyte's ReadASN1BitString takes them: its padding under 8, its padding bits zero. */
function isDerBitString(c: Buffer): boolean {
  if (!c.length || c[0]! > 7) return false;
  if (c.length === 1) return c[0] === 0;
  return (c[c.length - 1]! & ((1 << c[0]!) - 1)) === 0;
}

/** GeneralName's iPAddress tag ([7]), whose bytes Go takes as an IPv4 or IPv6 address. */
const SAN_IP_ADDRESS = 0x87;

/** GeneralName tags Go reads as ASCII in a subject alternative name: rfc822Name, dNSName, uniformResourceIdentifier. */
const SAN_NAME = new Map([
  [0x81, 'an email address'],
  [0x82, 'a DNS name'],
  [0x86, 'a URI'],
]);

/** A key identifier extension: a value of `tag`, never critical (RFC 5280, which Go holds it to). */
const keyIdentifier =
  (what: string, tag: number) =>
  (value: Buffer, critical: boolean): string | undefined =>
    critical ? `${what} marked critical` : strictValueAt(value)?.tag === tag ? undefined : `${what} Go cannot read`;

/**
 * Why Go's processExtensions refuses an extension's value (`value`: the OCTET STRING's contents), by
 * its object identifier (hex of its DER): those it parses whose form a CA's certificate holds. Not
 * read: name constraints, CRL distribution points, certificate policies, authority information
 * access, and a URI's own syntax (Go's url.Parse).
 */
const EXTENSION_PROBLEM: Readonly<Record<string, (value: Buffer, critical: boolean) => string | undefined>> = {
  // 2.5.29.15 key usage: a BIT STRING.
  '551d0f': (value) => {
    const v = strictValueAt(value);
    return v?.tag === TAG.BIT_STRING && isDerBitString(value.subarray(v.start, v.end))
      ? undefined
      : 'a key usage Go cannot read';
  },
  // 2.5.29.19 basic constraints: a SEQUENCE of an optional BOOLEAN and an optional INTEGER.
  '551d13': (value) => {
    const inner = sequenceOf(value);
    if (!inner) return 'basic constraints Go cannot read';
    const [first, second] = inner;
    const isCa = first?.tag === TAG.BOOLEAN ? first : undefined;
    if (isCa && !isDerBoolean(value.subarray(isCa.start, isCa.end))) return 'basic constraints Go cannot read';
    const path = isCa ? second : first;
    if (path?.tag === TAG.INTEGER && !isDerInt(value.subarray(path.start, path.end)))
      return 'basic constraints Go cannot read';
    return undefined;
  },
  // 2.5.29.14 subject key identifier: an OCTET STRING, never critical.
  '551d0e': keyIdentifier('a subject key identifier', TAG.OCTET_STRING),
  // 2.5.29.35 authority key identifier: a SEQUENCE, never critical.
  '551d23': keyIdentifier('an authority key identifier', TAG.SEQUENCE),
  // 2.5.29.37 extended key usage: a SEQUENCE of object identifiers.
  '551d25': (value) => {
    const usages = sequenceOf(value);
    return usages?.every((u) => u.tag === TAG.OBJECT_IDENTIFIER && u.end > u.start)
      ? undefined
      : 'extended key usages Go cannot read';
  },
  // 2.5.29.17 subject alternative names: emails, DNS names and URIs in ASCII, IP addresses of 4 or 16 bytes.
  '551d11': (value) => {
    const names = sequenceOf(value);
    if (!names) return 'subject alternative names Go cannot read';
    for (const n of names) {
      const bytes = value.subarray(n.start, n.end);
      if (n.tag === SAN_IP_ADDRESS && bytes.length !== 4 && bytes.length !== 16)
        return `a subject alternative name an IP address of ${bytes.length} bytes`;
      const what = SAN_NAME.get(n.tag);
      if (what && !isIa5(bytes)) return `a subject alternative name ${what} past ASCII`;
    }
    return undefined;
  },
};
