/**
 * YAML that Go's parser (sigs.k8s.io/yaml over gopkg.in/yaml, in kubectl and Argo CD) may read
 * differently from the `yaml` package: merge keys (Go honours `<<`, the package keeps it as a key
 * by default), anchors and aliases (expanded by Go, and a way to hide one document inside another),
 * explicit tags and directives, a number past float64's range (text to Go, Infinity to the
 * package), and a hex or octal integer past 64 bits (text to Go, a number to the package). Manifests
 * from kubectl hold only the last (a name such as 0xffffffffffffffffffff, written unquoted); orgctl
 * refuses them all.
 */
import { isAlias, isCollection, isPair, isScalar, visit, type Document } from 'yaml';

export interface Divergence {
  /** 1-based. */
  readonly line: number;
  readonly found: string;
}

/** The largest integer Go's YAML reads as one (a uint64). */
const GO_INTEGER_MAX = 2n ** 64n - 1n;

/** Whether a scalar's source is a hex or octal integer (as the yaml package reads one) past what Go reads as a number. */
const pastGoInteger = (source: unknown): boolean =>
  typeof source === 'string' && /^0(?:x[0-9a-fA-F]+|o[0-7]+)$/.test(source) && BigInt(source) > GO_INTEGER_MAX;

const lineAt = (text: string, offset: number): number => {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
};

/** The first construct of `doc` that Go's YAML may read differently, if any. */
export function divergentConstruct(doc: Document.Parsed, text: string): Divergence | undefined {
  let found: { offset: number; what: string } | undefined;
  const note = (offset: number | undefined, what: string) => {
    if (!found) found = { offset: offset ?? doc.range[0], what };
  };
  const directive = /^%.*$/m.exec(text);
  if (directive) note(directive.index, `a directive ${JSON.stringify(directive[0])}`);
  visit(doc, {
    Alias(_, node) {
      note(node.range?.[0], `an alias (*${node.source})`);
      return visit.BREAK;
    },
    Pair(_, pair) {
      if (isPair(pair) && isScalar(pair.key) && pair.key.value === '<<') note(pair.key.range?.[0], 'a merge key (<<)');
    },
    Node(_, node) {
      if (isAlias(node)) return;
      if ((isScalar(node) || isCollection(node)) && node.anchor) note(node.range?.[0], `an anchor (&${node.anchor})`);
      if ((isScalar(node) || isCollection(node)) && node.tag) note(node.range?.[0], `a tag (${node.tag})`);
      // Past float64's range (1e400) Go reads the token as text, and `.inf`/`.nan` it cannot write as
      // JSON; this parser reads either as a number that is not finite (red team R63-1).
      if (isScalar(node) && typeof node.value === 'number' && !Number.isFinite(node.value))
        note(node.range?.[0], `a number that is not finite (${JSON.stringify(String(node.source ?? node.value))})`);
      // A hex or octal integer past 64 bits Go reads as text too (goyaml.v2's resolve tries ParseInt,
      // then ParseUint; no float is written so), and kubectl writes such a name unquoted (R71-3).
      if (isScalar(node) && typeof node.value === 'number' && pastGoInteger(node.source))
        note(node.range?.[0], `an integer past 64 bits (${JSON.stringify(String(node.source))})`);
    },
  });
  return found ? { line: lineAt(text, found.offset), found: found.what } : undefined;
}
