/**
 * What a file of org/ code reaches for beyond orgctl's constructs (org-code): its imports other
 * than org/'s own files, JSON data and orgctl's constructs, and its free references to what gives
 * code power over the machine running it. org/org.ts is a program that runs wherever synth runs
 * (every admin's machine at `npm run synth`); the review never runs it, so this reads it.
 *
 * esbuild parses it, as synth's bundle does (cli/declaration.ts): TypeScript's types go, comments
 * go, constants fold (`'pro' + 'cess'` is `"process"`, `a['b']` is `a.b`), and `define` replaces
 * only free references to a name, never a local or a parameter of the same name, so each capability
 * global comes out as a marker of its own. What is read after is esbuild's output, a canonical
 * JavaScript (double-quoted strings, one spelling of each construct), with a source map back to the
 * file's lines. A disclosure, not a sandbox: what the code computes at run time no reading can
 * follow, so a computed key or import is itself a finding.
 */
import { posix } from 'node:path';
import type { Message, transform } from 'esbuild';
import type { CodeFinding } from '../policies/change/context.ts';

/** Files of org/ that synth may run: what esbuild and Node load as code. */
const CODE_FILE = /\.(ts|mts|cts|tsx|js|mjs|cjs|jsx)$/i;
/** Files of org/ that decide how synth reads the code beside them (esbuild reads tsconfig `paths`, `jsx`, and package.json `imports`, `type`). */
const CONFIG_FILE = /(^|\/)(tsconfig[^/]*\.json|jsconfig[^/]*\.json|package\.json)$/i;

/** Whether a path of a change is code of org/ this reads, or a file deciding how synth reads it. */
export const isOrgCode = (path: string): boolean => path.startsWith('org/') && CODE_FILE.test(path);
export const isOrgConfig = (path: string): boolean => path.startsWith('org/') && CONFIG_FILE.test(path);

/**
 * Globals that reach beyond a declaration's own values: the process (environment, files, exit),
 * the global object (every other global, by any name), module loading, code from strings,
 * the network, raw memory and compiled code, and reflection that reaches any of these. Node's
 * `localStorage` (Node 25 keeps it in a file) and `EventSource` too.
 */
const CAPABILITY_GLOBALS = [
  'process',
  'globalThis',
  'global',
  'require',
  'module',
  'eval',
  'Function',
  'fetch',
  'Buffer',
  'WebAssembly',
  'XMLHttpRequest',
  'WebSocket',
  'EventSource',
  'localStorage',
  'sessionStorage',
  'Reflect',
  'Proxy',
] as const;

/**
 * Property names that lead to a capability without naming one: `constructor` (a function's is
 * Function: `(() => {}).constructor('return process')()`), `__proto__` and the descriptor readers
 * (the Function constructor out of a prototype's descriptors, by value, not by name), the legacy
 * accessor lookups, V8's `prepareStackTrace` (call sites hand out functions and receivers), and
 * cdk8s's `outdir` (where App's synth() writes its files: any folder), and the prototypes a
 * declaration never needs: synth runs it in orgctl's process, where a patched builtin
 * (`Array.prototype.includes = ...`) changes what orgctl's own code does.
 */
const REACHING_NAMES = [
  'constructor',
  '__proto__',
  'getOwnPropertyDescriptor',
  'getOwnPropertyDescriptors',
  '__lookupGetter__',
  '__lookupSetter__',
  'prepareStackTrace',
  'outdir',
  'prototype',
  'getPrototypeOf',
  'setPrototypeOf',
] as const;

/** What of import.meta a declaration may read: its own file's URL, folder and name (synth writes them in). */
const IMPORT_META_OWN = new Set(['url', 'dirname', 'filename']);

/**
 * Packages a declaration imports from, and what of each: orgctl (the constructs: everything), the
 * constructs package (the construct tree: no input or output), and cdk8s's App and Chart (the
 * root and a chart; its Include and Yaml read any file or URL).
 */
const PACKAGES: Readonly<Record<string, ReadonlySet<string> | 'all'>> = {
  orgctl: 'all',
  constructs: 'all',
  cdk8s: new Set(['App', 'Chart']),
};

/**
 * Folders a relative import may reach from org/: org/ itself, and orgctl's own constructs (its
 * repository's example imports `../constructs/index.ts`; in an organization's repository a file
 * outside org/ is an `engine-change`, approved as the engine).
 */
const RELATIVE_ROOTS = ['org/', 'constructs/'];
/**
 * What a relative import may load as it is: code this rule reads when it changes, JSON data, or a
 * name esbuild completes with those extensions (`./teams`, a folder's index: `./groups/`).
 */
const LOADABLE = /(\.(ts|mts|cts|tsx|js|mjs|cjs|jsx|json)|\/|(^|\/)[^./]+)$/i;

/** The marker `define` puts in place of a free reference to `name`. */
const MARKER = '__orgctl_free_';
const markerOf = (name: string) => `${MARKER}${name}__`;
const MARKERS = Object.fromEntries(CAPABILITY_GLOBALS.map((g) => [g, markerOf(g)]));

/** esbuild's loader for a code file, by its extension (synth's bundler reads declarations by it too). */
export const loaderOf = (path: string): 'ts' | 'tsx' | 'js' | 'jsx' =>
  /\.tsx$/i.test(path) ? 'tsx' : /\.jsx$/i.test(path) ? 'jsx' : /\.[mc]?ts$/i.test(path) ? 'ts' : 'js';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * A source map's mappings, per generated line: each segment's generated column and source line
 * (0-based), as the Source Map v3 format encodes them (base64 VLQ, fields relative to the previous).
 */
function decodeMappings(mappings: string): [number, number][][] {
  const lines: [number, number][][] = [];
  let sourceLine = 0;
  for (const line of mappings.split(';')) {
    const segments: [number, number][] = [];
    let column = 0;
    for (const segment of line.split(',')) {
      if (!segment) continue;
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const ch of segment) {
        const digit = B64.indexOf(ch);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += fields[0] ?? 0;
      if (fields.length >= 4) {
        sourceLine += fields[2]!;
        segments.push([column, sourceLine]);
      }
    }
    lines.push(segments);
  }
  return lines;
}

/** The source line (1-based) of an offset of esbuild's output: the nearest mapping at or before it. */
function sourceLines(code: string, map: string): (offset: number) => number | undefined {
  const mapped = decodeMappings((JSON.parse(map) as { mappings: string }).mappings);
  const starts = [0];
  for (let i = code.indexOf('\n'); i >= 0; i = code.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    // By halves, lines and segments both: a file may hold many findings (red team: 20,000 took a minute).
    let line = lastAtMost(starts.length, (i) => starts[i]! <= offset);
    for (let column = offset - starts[line]!; line >= 0; line--, column = Number.POSITIVE_INFINITY) {
      const segments = mapped[line] ?? [];
      const at = lastAtMost(segments.length, (i) => segments[i]![0] <= column);
      if (at >= 0) return segments[at]![1] + 1;
    }
    return undefined;
  };
}

/** The last index below `length` for which `holds` (true up to some index, false after it), or -1. */
function lastAtMost(length: number, holds: (i: number) => boolean): number {
  let low = -1;
  let high = length;
  while (high - low > 1) {
    const mid = (low + high) >> 1;
    if (holds(mid)) low = mid;
    else high = mid;
  }
  return low;
}

/** A double-quoted string of esbuild's output, as JSON reads it (esbuild escapes as JSON does, and `\x`/`\v`). */
const STRING = String.raw`"(?:[^"\\\n]|\\.)*"`;
const unquote = (quoted: string): string => {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return quoted.slice(1, -1);
  }
};

/** Why importing `spec` from `path` reaches beyond the declaration (`names`: what a `{ ... }` clause imports), or undefined. */
function importReach(path: string, spec: string, names: readonly string[] | undefined): string | undefined {
  if (spec.startsWith('./') || spec.startsWith('../')) {
    const target = posix.normalize(posix.join(posix.dirname(path), spec));
    if (!RELATIVE_ROOTS.some((r) => target.startsWith(r)))
      return `imports ${spec}, outside org/ (${target.startsWith('../') ? 'outside the repository' : target})`;
    return LOADABLE.test(spec) ? undefined : `imports ${spec}, neither code nor JSON`;
  }
  const name = spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');
  // A path that climbs out of the package (`constructs/../../x.js`) is another file, whatever it starts with.
  const allowed = spec.split('/').some((s) => s === '.' || s === '..') ? undefined : PACKAGES[name];
  if (allowed === 'all') return undefined;
  if (allowed !== undefined && spec === name && names?.length && names.every((n) => allowed.has(n))) return undefined;
  if (allowed !== undefined) {
    const beyond = names?.filter((n) => !allowed.has(n));
    return spec !== name || !names?.length
      ? `imports ${spec === name ? `all of ${spec}` : spec} (a declaration needs only ${[...allowed].join(' and ')} of ${name})`
      : `imports ${beyond!.join(', ')} from ${spec} (a declaration needs only ${[...allowed].join(' and ')} of it)`;
  }
  return spec.startsWith('node:') || !/^[@a-z0-9]/i.test(spec)
    ? `imports ${spec}`
    : `imports ${spec}, a package that is not orgctl's`;
}

/** The names a `{ a, b as c }` clause imports (the names exported, not the local ones). */
const clauseNames = (clause: string): string[] =>
  clause
    .split(',')
    .map((n) =>
      n
        .trim()
        .split(/\s+as\s+/)[0]!
        .replace(/^type\s+/, ''),
    )
    .filter(Boolean)
    .map((n) => (n.startsWith('"') ? unquote(n) : n));

/** What a computed key reads, said once. */
const COMPUTED = 'reads a computed member (x[k], a key no reading can know)';
/** A key that is a literal (esbuild writes a string double-quoted), which a reading knows, as bracket contents. */
const LITERAL = String.raw`\s*(?:${STRING}|-?\d[\w.]*)\s*`;
const LITERAL_KEY = new RegExp(`^${LITERAL}$`);
/** A member read by a computed key (after a value: a name, a call, an index, a string or template). */
const COMPUTED_MEMBER = new RegExp(String.raw`[\w$)\]"'\`}](?:\?\.)?\[(?!${LITERAL}\])`, 'g');

/** The `[` that the `]` at `close` closes, counting brackets back; undefined when none does. */
function openingBracket(code: string, close: number): number | undefined {
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    if (code[i] === ']') depth++;
    else if (code[i] === '[' && --depth === 0) return i;
  }
  return undefined;
}

/** Every reach of esbuild's output `code`, each at its offset there. */
function reachesOf(path: string, code: string): { readonly at: number; readonly text: string }[] {
  const out: { at: number; text: string }[] = [];
  // Free references to capability globals: define put a marker in place of each.
  for (const m of code.matchAll(new RegExp(`${MARKER}(\\w+?)__`, 'g')))
    out.push({ at: m.index, text: `reads the global ${m[1]}` });
  for (const m of code.matchAll(new RegExp(`(\\.|\\?\\.)?\\b(${REACHING_NAMES.join('|')})\\b(\\s*\\()?`, 'g'))) {
    // A class's constructor or an object's method named so is defined, not read.
    if (m[2] === 'constructor' && !m[1] && m[3]) continue;
    out.push({ at: m.index, text: `reaches for ${m[2]}` });
  }
  for (const m of code.matchAll(/\bimport\.meta\b(?:\s*(?:\?\.|\.)\s*(\w+))?/g))
    if (!IMPORT_META_OWN.has(m[1] ?? ''))
      out.push({
        at: m.index,
        text: `reads import.meta${m[1] ? `.${m[1]}` : ''} (only its url, dirname and filename are the file's own)`,
      });
  // Static imports and re-exports: `import ... from "x"`, `export ... from "x"`, `import "x"`.
  for (const m of code.matchAll(
    new RegExp(`\\b(?:(import|export)\\s*(?:type\\s*)?(\\{[^{}"]*\\}|[^"{};()]*?)\\s*from|import)\\s*(${STRING})`, 'g'),
  )) {
    const clause = m[2]?.trim() ?? '';
    const names = clause.startsWith('{') ? clauseNames(clause.slice(1, -1)) : undefined;
    const reach = importReach(path, unquote(m[3]!), names);
    if (reach) out.push({ at: m.index, text: reach });
  }
  // Dynamic imports: a literal one as a static one, any other loads what it computes.
  for (const m of code.matchAll(new RegExp(`(?<![\\w$.])import\\s*\\(\\s*(${STRING}\\s*[,)])?`, 'g'))) {
    const spec = m[1]?.replace(/\s*[,)]$/, '');
    const reach =
      spec === undefined
        ? 'calls import() with a computed name (it may load any module)'
        : importReach(path, unquote(spec), undefined);
    if (reach) out.push({ at: m.index, text: reach });
  }
  // Computed member access whose key is no literal: `x[k]` may read anything, `constructor` among it.
  for (const m of code.matchAll(COMPUTED_MEMBER)) out.push({ at: m.index + m[0].length, text: COMPUTED });
  // A destructuring pattern's computed key reads as `x[k]` does: `const { [k]: f } = x` (esbuild
  // writes an object's computed key `[k]: v`, a ternary's array `[a] : b`).
  for (const m of code.matchAll(/\]:/g)) {
    const open = openingBracket(code, m.index);
    if (open !== undefined && !LITERAL_KEY.test(code.slice(open + 1, m.index)))
      out.push({ at: open + 1, text: COMPUTED });
  }
  return out;
}

/**
 * What `text`, the file `path` of org/, reaches for beyond orgctl's constructs, each at its line
 * (deduplicated, in the file's order); a file esbuild cannot parse is one finding saying so.
 */
export async function scanOrgCode(
  esbuildTransform: typeof transform,
  path: string,
  text: string,
): Promise<CodeFinding[]> {
  let result: Awaited<ReturnType<typeof transform>>;
  try {
    result = await esbuildTransform(text, {
      loader: loaderOf(path),
      format: 'esm',
      target: 'esnext',
      minifySyntax: true,
      define: MARKERS,
      sourcemap: 'external',
      sourcefile: path,
      legalComments: 'none',
      logLevel: 'silent',
      // Every import kept, as written: esbuild otherwise drops one whose names go unused.
      tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
    });
  } catch (e) {
    const first = (e as { errors?: Message[] }).errors?.[0];
    return [
      {
        ...(first?.location ? { line: first.location.line } : {}),
        text: `esbuild cannot parse it (${first?.text ?? String(e)}): synth cannot run it either, so read it whole`,
      },
    ];
  }
  const lineAt = sourceLines(result.code, result.map);
  const seen = new Set<string>();
  const found: CodeFinding[] = [];
  for (const r of reachesOf(path, result.code).sort((a, b) => a.at - b.at)) {
    const line = lineAt(r.at);
    const key = `${line}\0${r.text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    found.push({ ...(line !== undefined ? { line } : {}), text: r.text });
  }
  return found.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}
