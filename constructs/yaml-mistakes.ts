/**
 * The YAML mistakes people make in a spec by hand (a tab, a quote never closed, a key without its
 * colon, a key or a list item out of line), said in plain words at the place to fix. The `yaml`
 * package reports them as what its parser met ("Implicit keys need to be on a single line", at the
 * end of the file for a quote), often several times over for one mistake: the first error is read
 * against the text, and when it is one of these, that one message replaces them all.
 */
import { isNode, visit, YAMLParseError, type Document, type YAMLError } from 'yaml';
import { positionAt, type Position } from '../model/findings.ts';
import { clipShown } from '../model/text.ts';

/** A mistake's message and where to fix it (1-based). */
interface YamlMistake extends Position {
  readonly text: string;
}

const indentOf = (line: string): number => line.length - line.trimStart().length;
/** A line that holds something: neither blank nor only a comment. */
const holdsContent = (line: string): boolean => line.trim() !== '' && !line.trimStart().startsWith('#');
const isItem = (line: string): boolean => /^\s*-(\s|$)/.test(line);
const keyOf = (line: string): string | undefined => line.trimStart().match(/^([^\s#:{}[\],'"-][^:#]*?):(\s|$)/)?.[1];

/** `line`'s text as a message quotes it: trimmed, and cut when long. */
const shown = (line: string): string => clipShown(line.trim(), { max: 60 });

/** Where a quoted value that never closes opens: the last quote after which the text holds no closing one. */
function unclosedQuoteAt(text: string, quote: '"' | "'"): number | undefined {
  for (let i = text.lastIndexOf(quote); i >= 0; i = text.lastIndexOf(quote, i - 1)) {
    const rest = text.slice(i + 1);
    // Escapes inside the value: \" in a double-quoted one, '' in a single-quoted one.
    const closes = quote === '"' ? /(^|[^\\])(\\\\)*"/.test(rest) : /'/.test(rest.replace(/''/g, ''));
    if (!closes) return i;
  }
  return undefined;
}

/** The nearest line before `index` that holds content, and its index. */
function previousContent(lines: readonly string[], index: number, accept: (l: string) => boolean = holdsContent) {
  for (let i = index - 1; i >= 0; i--) if (holdsContent(lines[i]!) && accept(lines[i]!)) return i;
  return undefined;
}

function nextContent(lines: readonly string[], index: number): number | undefined {
  for (let i = index + 1; i < lines.length; i++) if (holdsContent(lines[i]!)) return i;
  return undefined;
}

/** A key that starts in another column than the keys before it in its mapping (under the same parent). */
function misalignedKey(lines: readonly string[], at: number): YamlMistake | undefined {
  const line = lines[at]!;
  const indent = indentOf(line);
  const parent = previousContent(lines, at, (l) => indentOf(l) < indent);
  let first: number | undefined;
  for (let i = (parent ?? -1) + 1; i < at && first === undefined; i++)
    if (holdsContent(lines[i]!) && keyOf(lines[i]!) !== undefined) first = i;
  if (first === undefined || indentOf(lines[first]!) === indent || keyOf(line) === undefined) return undefined;
  const column = indentOf(lines[first]!) + 1;
  return {
    line: at + 1,
    column: indent + 1,
    text: `"${keyOf(line)}:" starts in column ${indent + 1}, the keys before it in its mapping in column ${column} ("${keyOf(lines[first]!)}:" on line ${first + 1}): keys of one mapping start in the same column; move it to column ${column}`,
  };
}

/** A list item that starts in another column than the item before it. */
function misalignedItem(lines: readonly string[], at: number): YamlMistake | undefined {
  const line = lines[at]!;
  const before = previousContent(lines, at, isItem);
  if (!isItem(line) || before === undefined || indentOf(lines[before]!) === indentOf(line)) return undefined;
  const column = indentOf(lines[before]!) + 1;
  return {
    line: at + 1,
    column: indentOf(line) + 1,
    text: `"${shown(line)}" starts in column ${indentOf(line) + 1}, the item before it in its list in column ${column} (line ${before + 1}): items of one list start in the same column; move it to column ${column}`,
  };
}

/** A key indented under a key that already has a value on its own line: YAML reads it as more of that value. */
function overIndentedKey(lines: readonly string[], at: number): YamlMistake | undefined {
  const line = lines[at]!;
  const key = keyOf(line);
  const next = nextContent(lines, at);
  if (key === undefined || next === undefined || !/:\s+\S/.test(line.trimStart())) return undefined;
  const under = lines[next]!;
  const nextKey = keyOf(under);
  if (nextKey === undefined || indentOf(under) <= indentOf(line)) return undefined;
  return {
    line: next + 1,
    column: indentOf(under) + 1,
    text: `"${nextKey}:" is indented more than "${key}:" on line ${at + 1}, which already has a value, so YAML reads it as part of that value: start it in column ${indentOf(line) + 1}, as "${key}:"`,
  };
}

/** A key and its value without the colon between them: `owner alice@acme.io`. */
function missingColon(lines: readonly string[], at: number, col: number): YamlMistake | undefined {
  const rest = lines[at]!.slice(col - 1).trimEnd();
  const m = rest.match(/^([A-Za-z_][\w.-]*) +([^\s:#].*)$/);
  if (!m || /:(\s|$)/.test(rest)) return undefined;
  return {
    line: at + 1,
    column: col,
    text: `"${rest}" has no colon after its key: write "${m[1]}: ${m[2]}" (a colon and a space between a key and its value)`,
  };
}

/** A key written twice in one mapping, in words: the one message for YAML and JSON specs and manifests. */
export const duplicateKeyWords = (key: string): string =>
  `duplicate key ${JSON.stringify(key)} (a key may appear once in a mapping; readers disagree on which value counts)`;

/**
 * Marks each key written twice in a mapping of `doc` as the `yaml` package's `uniqueKeys` does (a
 * DUPLICATE_KEY error where the second one starts), in one pass with a set per mapping: the package
 * compares each key with every key before it, quadratic in a mapping's size, so 60,000 labels held
 * a spec's check for minutes (red team Q7). Parse with `uniqueKeys: false`, then call this.
 * `keyOf` says which keys are one; undefined for a key like no other.
 */
export function markDuplicateKeys(doc: Document.Parsed, keyOf: (key: unknown) => string | undefined): void {
  const found: YAMLParseError[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = keyOf(pair.key);
        if (key === undefined) continue;
        if (!seen.has(key)) {
          seen.add(key);
          continue;
        }
        const node = isNode(pair.key) ? pair.key : isNode(pair.value) ? pair.value : map;
        const at = node.range?.[0] ?? 0;
        found.push(new YAMLParseError([at, at + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
      }
    },
  });
  if (!found.length) return;
  doc.errors.push(...found);
  doc.errors.sort((a, b) => a.pos[0] - b.pos[0]);
}

/** The key at `at` (where the parser found it twice) as a duplicate key, in words; undefined when it cannot be read there. */
function duplicateKeyText(text: string, at: number): string | undefined {
  const m = text.slice(at, at + 1024).match(/^(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\n]|'')*)'|([^\s:#][^:#\n]*?))[ \t]*:/);
  const key = m?.[1] ?? m?.[2]?.replace(/''/g, "'") ?? m?.[3];
  return key === undefined ? undefined : duplicateKeyWords(key);
}

/** Where the `[` or `{` that `close` should have closed opens, looking back from `before`. */
function unclosedAt(text: string, before: number, open: string, close: string): number | undefined {
  let depth = 0;
  for (let i = before - 1; i >= 0; i--) {
    if (text[i] === close) depth++;
    else if (text[i] === open && depth-- === 0) return i;
  }
  return undefined;
}

/** A list in `[ ]` or a mapping in `{ }` never closed (the parser reports it where the next line starts). */
function unclosedFlow(text: string, e: YAMLError): YamlMistake | undefined {
  const m = e.message.match(/^Flow (sequence|map)\b.* end with a ([\]}])/);
  if (!m) return undefined;
  const [open, close, what] = m[2] === ']' ? ['[', ']', 'list'] : ['{', '}', 'mapping'];
  const opens = unclosedAt(text, e.pos[0], open!, close!);
  if (opens === undefined) return undefined;
  return {
    ...positionAt(text, opens),
    text: `a ${what} opened with ${open} here is not closed: end it with ${close}${e.code === 'BAD_INDENT' ? ' (or indent its next lines further than its key)' : ''}`,
  };
}

/** A value holding ": " on its key's line (`command: echo a: b`): YAML reads a second key there. */
function colonInValue(lines: readonly string[], at: number): YamlMistake | undefined {
  const line = lines[at]!;
  const m = line.match(/^(\s*(?:-\s+)?)([^\s#:{}[\],'"-][^:#]*?):\s+([^'"{[\s][^#]*?:\s.*)$/);
  if (!m) return undefined;
  return {
    line: at + 1,
    column: m[1]!.length + m[2]!.length + 3,
    text: `the value of "${m[2]}:" holds ": ", which YAML reads as another key: quote the value (${m[2]}: "${m[3]!.trimEnd()}")`,
  };
}

/** A list item (`- x`) in a mapping's column: the nearest line at its column or left of it is a key of that mapping. */
function itemAmongKeys(lines: readonly string[], at: number): YamlMistake | undefined {
  const line = lines[at]!;
  if (!isItem(line)) return undefined;
  const before = previousContent(lines, at, (l) => indentOf(l) <= indentOf(line));
  if (before === undefined || indentOf(lines[before]!) !== indentOf(line) || keyOf(lines[before]!) === undefined)
    return undefined;
  return {
    line: at + 1,
    column: indentOf(line) + 1,
    text: `"${shown(line)}" is a list item among the keys of a mapping (after "${shown(lines[before]!)}", line ${before + 1}): a list belongs under a key of its own (the key, then its items indented below it), or write this line as key: value`,
  };
}

/** The first error of `errors` in plain words, when it is one of the mistakes above; undefined otherwise. */
function yamlMistake(text: string, errors: readonly YAMLError[]): YamlMistake | undefined {
  const e = errors[0];
  if (!e) return undefined;
  const at = positionAt(text, e.pos[0]);
  const lines = text.split('\n');
  const index = at.line - 1;
  if (e.code === 'DUPLICATE_KEY') {
    const duplicate = duplicateKeyText(text, e.pos[0]);
    return duplicate ? { ...at, text: duplicate } : undefined;
  }
  if (e.message.startsWith('Flow ')) return unclosedFlow(text, e);
  if (e.code === 'MISSING_CHAR' && e.message.startsWith('Implicit map keys need to be followed by map values'))
    return missingColon(lines, index, at.column);
  if (e.code === 'TAB_AS_INDENT')
    return {
      ...at,
      text: 'a tab indents this line: YAML indents with spaces only; replace the tab with spaces',
    };
  const quote = e.code === 'MISSING_CHAR' ? e.message.match(/^Missing closing (["'])quote/)?.[1] : undefined;
  if (quote === '"' || quote === "'") {
    const opens = unclosedQuoteAt(text, quote);
    if (opens === undefined) return undefined;
    const start = text.slice(opens, text.indexOf('\n', opens) < 0 ? undefined : text.indexOf('\n', opens)).trimEnd();
    return {
      ...positionAt(text, opens),
      text: `a value opens with ${quote} here (${shown(start)}) and its closing ${quote} is missing, so YAML reads the rest of the file as its text: add the closing ${quote} where the value ends`,
    };
  }
  if (e.code === 'BAD_INDENT' && /^All mapping items must start at the same column/.test(e.message))
    return misalignedKey(lines, index);
  if (e.code === 'MULTILINE_IMPLICIT_KEY' || e.code === 'BLOCK_AS_IMPLICIT_KEY')
    return (
      colonInValue(lines, index) ??
      missingColon(lines, index, at.column) ??
      itemAmongKeys(lines, index) ??
      misalignedItem(lines, index) ??
      overIndentedKey(lines, index) ??
      misalignedKey(lines, index)
    );
  return undefined;
}

/** The `yaml` package's words for what YAML calls its parts, and the words people use. */
const PLAIN_WORDS: readonly (readonly [RegExp, string])[] = [
  [/\ban implicit (map )?key\b/gi, 'a key'],
  [/\ba block sequence\b/gi, 'a list of "- " items'],
  [/\ba block collection\b/gi, 'an indented block'],
  [/\bflow sequence\b/gi, 'list in [ ]'],
  [/\bflow (map|mapping|collection)\b/gi, 'mapping in { }'],
  [/\bblock (sequence|collection)\b/gi, 'indented block'],
  [/\bimplicit (map )?keys\b/gi, 'keys'],
  [/\bimplicit (map )?key\b/gi, 'key'],
  [/\bcompact mappings\b/gi, 'a mapping written on one line'],
  [/\bplain value\b/gi, 'an unquoted value'],
  [/\bscalar\b/gi, 'value'],
  [/\bmap\b/gi, 'mapping'],
  [/\bblock-seq-ind\b/g, '"- " (a list item)'],
  [/\bblock-map\b/g, 'indented mapping'],
  [/\bflow-(seq|map)-(start|end)\b/g, 'bracket'],
];

/** A parser message in people's words: its first line, without its place (given apart), lower-cased. */
function plainWords(message: string): string {
  let t = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  for (const [word, plain] of PLAIN_WORDS) t = t.replace(word, plain);
  return t.charAt(0).toLowerCase() + t.slice(1);
}

/**
 * `errors` in plain words, each at its place: the first one alone when it is a known mistake
 * (the others follow from it), else each (at most `max`) in the parser's words made plain.
 */
export function yamlErrorsInWords(text: string, errors: readonly YAMLError[], max = 10): YamlMistake[] {
  const mistake = yamlMistake(text, errors);
  if (mistake) return [mistake];
  return errors.slice(0, max).map((e) => ({
    ...positionAt(text, e.pos[0]),
    text: plainWords(e.message),
  }));
}
