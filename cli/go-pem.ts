/**
 * PEM as Go reads it (encoding/pem.Decode), and the certificate authorities kubectl takes from it:
 * client-go's rootCertPool calls x509.CertPool.AppendCertsFromPEM, which skips every block that
 * is not `CERTIFICATE`, has headers or does not parse, and fails only when none is left.
 * Text is bytes here (latin1), as Go's []byte.
 */
import { X509Certificate } from 'node:crypto';
import { goCertificateProblem } from './go-x509.ts';

export interface PemBlock {
  readonly type: string;
  readonly headerCount: number;
  readonly bytes: Buffer;
}

const PEM_START = '\n-----BEGIN ';
const PEM_END = '\n-----END ';
const PEM_END_OF_LINE = '-----';
/** Go's base64.StdEncoding (padded, trailing bits not checked), once `\r` and `\n` are removed; empty text is no bytes. */
export const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const trimSpacesAndTabsEnd = (s: string): string => {
  let end = s.length;
  while (end > 0 && (s[end - 1] === ' ' || s[end - 1] === '\t')) end--;
  return s.slice(0, end);
};

/** Go's getLine: the line at `from` without its `\r\n` or `\n` and trailing spaces and tabs, and where the next begins. */
function lineAt(s: string, from: number): { readonly line: string; readonly next: number } {
  let end = s.indexOf('\n', from);
  let next: number;
  if (end < 0) next = end = s.length;
  else {
    next = end + 1;
    if (end > from && s[end - 1] === '\r') end--;
  }
  return { line: trimSpacesAndTabsEnd(s.slice(from, end)), next };
}

/**
 * Every block Go's pem.Decode finds in `text`, in order, as a loop calling it until it returns
 * nil reads them. A candidate Go skips (its framing or base64 broken) is skipped here too.
 */
export function goPemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  // Searches only move forward: keep the last END found, and the last byte no base64 body holds,
  // so many BEGIN lines without an END cost one scan (Go's own loop rescans each time) and a
  // candidate whose body holds such a byte is skipped without reading it.
  let endAt = -1;
  const nextEnd = (from: number): number => {
    if (endAt < from) {
      const at = text.indexOf(PEM_END, from);
      endAt = at < 0 ? Infinity : at;
    }
    return endAt;
  };
  const notInBody = /[^A-Za-z0-9+/= \t\r\n]/g;
  let strayAt = -1;
  const nextStray = (from: number): number => {
    if (strayAt < from) {
      notInBody.lastIndex = from;
      strayAt = notInBody.exec(text)?.index ?? Infinity;
    }
    return strayAt;
  };
  let rest = 0;
  for (;;) {
    if (text.startsWith(PEM_START.slice(1), rest)) rest += PEM_START.length - 1;
    else {
      const at = text.indexOf(PEM_START, rest);
      if (at < 0) return blocks;
      rest = at + PEM_START.length;
    }
    const typeLine = lineAt(text, rest);
    rest = typeLine.next;
    if (!typeLine.line.endsWith(PEM_END_OF_LINE)) continue;
    const type = typeLine.line.slice(0, -PEM_END_OF_LINE.length);
    let headerCount = 0;
    const headerKeys = new Set<string>();
    for (;;) {
      if (rest >= text.length) return blocks;
      const { line, next } = lineAt(text, rest);
      const colon = line.indexOf(':');
      if (colon < 0) break;
      headerKeys.add(line.slice(0, colon).trim());
      headerCount = headerKeys.size;
      rest = next;
    }
    // Without headers the END line may come at once, with no line break before it.
    const endAtOnce = headerCount === 0 && text.startsWith(PEM_END.slice(1), rest);
    const endIndex = endAtOnce ? rest : nextEnd(rest);
    if (endIndex >= text.length) continue;
    const trailerAt = endAtOnce ? rest + PEM_END.length - 1 : endIndex + PEM_END.length;
    const trailer = text.slice(trailerAt, trailerAt + type.length + PEM_END_OF_LINE.length);
    if (trailer.length < type.length + PEM_END_OF_LINE.length) continue;
    if (!trailer.startsWith(type) || !trailer.endsWith(PEM_END_OF_LINE)) continue;
    if (lineAt(text, trailerAt + trailer.length).line) continue;
    if (nextStray(rest) < endIndex) continue;
    const base64 = text.slice(rest, endIndex).replace(/[ \t\r\n]/g, '');
    if (!STD_BASE64.test(base64)) continue;
    blocks.push({ type, headerCount, bytes: Buffer.from(base64, 'base64') });
    rest = lineAt(text, endIndex + PEM_END.length - 1).next;
    if (rest >= text.length) return blocks;
  }
}

/**
 * Why kubectl takes no certificate authority from `pem`, or undefined when it takes one (Go's
 * AppendCertsFromPEM: at least one `CERTIFICATE` block without headers that parses; others skipped).
 */
export function kubectlRefusesAuthorities(pem: string): string | undefined {
  const blocks = goPemBlocks(pem).filter((b) => b.type === 'CERTIFICATE');
  if (!blocks.length) return 'it holds no CERTIFICATE block that Go reads as PEM (encoding/pem)';
  // As Go's x509.ParseCertificate (red team R58-6 and a differential run against kubectl): the
  // block's bytes are exactly one DER certificate, and its public key reads. OpenSSL (node's
  // X509Certificate) reads the first DER value and ignores what follows, takes PEM text for DER,
  // and reads the key only when asked (an EC point off its curve); and Go refuses more of what
  // OpenSSL reads (goCertificateProblem: a negative serial number, red team R64-1).
  /** Why Go cannot parse the certificate `der`: undefined when it can. */
  const problem = (der: Buffer): string | undefined => {
    try {
      const certificate = new X509Certificate(der);
      if (!certificate.raw.equals(der) || !certificate.publicKey.asymmetricKeyType) return 'cannot be read';
    } catch {
      return 'cannot be read';
    }
    const go = goCertificateProblem(der);
    return go && `has ${go}, and Go refuses it`;
  };
  const readable = blocks.filter((b) => b.headerCount === 0);
  if (!readable.length) return 'each CERTIFICATE block has headers, and kubectl skips such a block';
  let first: string | undefined;
  for (const b of readable) {
    const why = problem(b.bytes);
    if (why === undefined) return undefined;
    first ??= why;
  }
  return readable.length === 1
    ? `its certificate 1 ${first}`
    : `none of its ${readable.length} certificates can be read`;
}
