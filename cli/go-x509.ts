/**
 * What Go's x509.ParseCertificate (crypto/x509/parser.go, Go 1.23, as kubectl 1.32 is built)
 * refuses in a certificate that OpenSSL, and so node's X509Certificate, reads: kubectl takes no
 * authority from such a block (red team R64-1). Read here: the TBSCertificate's own framing, as
 * Go walks it. Not read: the contents of the extensions Go parses (a subject alternative name, a
 * key usage, name constraints...), which Go refuses malformed too.
 */

/** A DER value of `der` at `at`: its tag, where its contents start and where it ends. */
interface Value {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
}

/** The value at `at` (the bytes are DER already: OpenSSL read them, to the last byte). */
function valueAt(der: Buffer, at: number): Value {
  let length = der[at + 1]!;
  let start = at + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    length = der.subarray(start, start + n).reduce((sum, b) => sum * 256 + b, 0);
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
  INTEGER: 0x02,
  UTF8String: 0x0c,
  NumericString: 0x12,
  PrintableString: 0x13,
  T61String: 0x14,
  IA5String: 0x16,
  BMPString: 0x1e,
  BOOLEAN: 0x01,
  VERSION: 0xa0,
  ISSUER_UNIQUE_ID: 0x81,
  SUBJECT_UNIQUE_ID: 0x82,
  EXTENSIONS: 0xa3,
} as const;

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
      return bytes.every((b) => b < 0x80) ? undefined : 'an IA5String holding a byte past ASCII';
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
 * reads as no string, an extension twice.
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
    const id = bytesOf(valuesIn(der, extension)[0]!).toString('hex');
    if (seen.has(id)) return 'an extension twice';
    seen.add(id);
  }
  return undefined;
}
