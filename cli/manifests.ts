/** Reads every manifest under a folder (or a file, or stdin text): YAML streams, JSON, `kind: List`. */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isScalar, parseAllDocuments } from 'yaml';
import { OUTPUT_HEADER } from '../synth/render.ts';
import { parseCanonicalYaml } from '../synth/yaml.ts';
import { markDuplicateKeys, yamlErrorsInWords } from '../constructs/yaml-mistakes.ts';
import { jsonErrorOffset } from '../constructs/json-positions.ts';
import { divergentConstruct } from './go-yaml.ts';
import type { ManifestDoc } from '../analysis/objects.ts';
import { InputError } from '../model/errors.ts';
import { positionAt, positionText } from '../model/findings.ts';
import { nearestName, showHidden } from '../model/text.ts';
import { type Listing, listFiles, readWhole } from './output.ts';
import { type FileStamp, statOf } from './file-stamp.ts';
import { readIfOrgctlFolder, readOrgctlYaml, type OutputText } from './output-read.ts';

export interface LoadedManifests {
  readonly docs: readonly ManifestDoc[];
  readonly problems: readonly string[];
  /** orgctl's own output: every file as read (path relative to the output folder), for a byte-for-byte proof. */
  readonly files?: readonly OutputText[];
}

const MANIFEST = /\.(ya?ml|json)$/i;

/**
 * A document nested past the parsers' stack (thousands of levels): refused, never left out. Go's
 * YAML (kubectl, Argo CD) reads 10,000 levels and applies it, so an answer without it could miss
 * access a cluster has (red team Q8: a RoleBinding's free-form managedFields).
 */
const nestedTooDeep = (where: string): InputError =>
  new InputError(
    `${where}: nested deeper than orgctl reads; Go's YAML (kubectl, Argo CD) may read and apply the document, so no answer leaves it out`,
  );

/** Documents of one file's text; List objects are flattened into their items. */
export function parseManifestText(text: string, file: string): LoadedManifests {
  try {
    return parseDocuments(text, file);
  } catch (e) {
    // The parsers' own stack overflows before they record an error (R12: block style stepping out of 3,000 levels).
    if (!(e instanceof RangeError)) throw e;
    throw nestedTooDeep(file);
  }
}

/**
 * JSON.parse's error as a problem at its line and column (it gives an offset: `at position 20`, and
 * from Node 22 on `(line 1 column 21)` too), in lower case, without "in JSON".
 */
function jsonErrorInWords(text: string, file: string, e: Error): string {
  const offset = jsonErrorOffset(text, e);
  const words = e.message.replace(/ in JSON at position \d+.*$/, '').replace(/ \(line \d+ column \d+\)$/, '');
  return `${positionText(file, positionAt(text, offset))}: not valid JSON: ${words.charAt(0).toLowerCase()}${words.slice(1)}`;
}

function parseDocuments(text: string, file: string): LoadedManifests {
  const docs: ManifestDoc[] = [];
  const problems: string[] = [];
  const push = (object: unknown, index: number) => {
    const o = object as { kind?: unknown; items?: unknown };
    if (o && typeof o === 'object' && typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items)) {
      for (const item of o.items) docs.push({ file, index, object: item });
    } else if (object !== null && object !== undefined) docs.push({ file, index, object });
  };
  // Text under orgctl's header is orgctl's output: its writer's YAML or nothing.
  if (text.startsWith(OUTPUT_HEADER)) {
    const read = readOrgctlYaml(text, file);
    if ('error' in read) throw new InputError(`${read.error}; only what orgctl synthesizes is read`);
    read.documents.forEach(push);
    return { docs, problems };
  }
  // A .json file is JSON; so is text without a name (standard input) that parses as JSON (the
  // YAML parser is 15x slower); anything else that fails to parse is YAML flow style, then.
  const jsonFile = /\.json$/i.test(file);
  if (jsonFile || /^\s*[[{]/.test(text)) {
    try {
      const data: unknown = JSON.parse(text);
      (Array.isArray(data) ? data : [data]).forEach(push);
      return { docs, problems };
    } catch (e) {
      if (jsonFile) {
        problems.push(jsonErrorInWords(text, file, e as Error));
        return { docs, problems };
      }
    }
  }
  // orgctl's own output takes the fast path (about 50x faster); anything else the full parser.
  const canonical = parseCanonicalYaml(text);
  if (canonical) {
    canonical.forEach(push);
    return { docs, problems };
  }
  const yamlDocs = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: false, merge: false });
  // Keys as `uniqueKeys: true` compares them: scalars of one value (1 and 1.0 alike, 1 and "1" not).
  for (const doc of yamlDocs)
    markDuplicateKeys(doc, (k) => (isScalar(k) ? `${typeof k.value}:${String(k.value)}` : undefined));
  yamlDocs.forEach((doc, index) => {
    if ('errors' in doc && doc.errors.length) {
      const [m] = yamlErrorsInWords(text, doc.errors, 1);
      const said = `${positionText(file, m!)}: not valid YAML: ${m!.text}`;
      // Go's YAML (kubectl, Argo CD) reads a key written twice (keeping the last value) and applies the
      // document: left out, it would be access on a cluster that no answer counts. Refused instead.
      if (doc.errors.some((e) => e.code === 'DUPLICATE_KEY'))
        throw new InputError(`${said}; Go's YAML (kubectl, Argo CD) keeps the last value and applies the document`);
      // Nesting past the parser's stack is no YAML error: Go's YAML reads 10,000 levels (Q8).
      if (doc.errors.some((e) => e.code === 'RESOURCE_EXHAUSTION')) throw nestedTooDeep(positionText(file, m!));
      problems.push(said);
      return;
    }
    // What Go's YAML (kubectl, Argo CD) would read otherwise is refused, never guessed.
    const divergent = divergentConstruct(doc, text);
    if (divergent)
      throw new InputError(
        `${file}:${divergent.line}: ${divergent.found}: Go's YAML (kubectl, Argo CD) may read this document differently; write it without anchors, aliases, merge keys, tags or directives, and quote a number that is not finite or an integer past 64 bits (text, then, to every reader)`,
      );
    try {
      push(doc.toJS({ maxAliasCount: 100 }), index);
    } catch (e) {
      problems.push(`${file}#${index}: ${(e as Error).message}`);
    }
  });
  return { docs, problems };
}

/** `: did you mean X?` for the entry beside a missing `path` one slip from its name (`--dir dsit`), else ''. */
function meantBeside(path: string): string {
  let entries: string[];
  try {
    entries = readdirSync(dirname(path));
  } catch {
    return '';
  }
  const near = nearestName(basename(path), entries);
  // A sibling's name, whatever it holds, on one line (R67-5).
  return near === undefined ? '' : `: did you mean ${showHidden(join(dirname(path), near))}?`;
}

/** What loadManifests read, and the folder as that read listed it (no files for a file). */
export interface LoadedPath extends LoadedManifests {
  readonly listing: Listing;
}

/**
 * Every manifest under `path` (a folder, searched recursively, or one file). A folder that is
 * orgctl's output is read strictly (parseOutput); anything else as manifests of any origin.
 */
export function loadManifests(path: string): LoadedPath {
  return readWhole(path, (stamp) => loadManifestsOnce(path, stamp));
}

function loadManifestsOnce(path: string, stamp: FileStamp): LoadedPath {
  const stat = statOf(path);
  if (!stat) throw new InputError(`${path}: no such file or folder${meantBeside(path)}`);
  if (!stat.isDirectory() && !stat.isFile()) {
    throw new InputError(`${path} is not a regular file or a folder: orgctl reads regular files only`);
  }
  let files = [path];
  let listed: readonly string[] = [];
  if (stat.isDirectory()) {
    listed = listFiles(path);
    const output = readIfOrgctlFolder(path, listed);
    if (output) return { ...output, problems: [], listing: { files: listed, stamp } };
    files = listed.filter((f) => MANIFEST.test(f)).map((f) => join(path, f));
  }
  const docs: ManifestDoc[] = [];
  const problems: string[] = [];
  for (const file of files) {
    const got = parseManifestText(readFileSync(file, 'utf8'), file);
    for (const d of got.docs) docs.push(d); // one file may hold 100,000s of documents: no push(...)
    for (const p of got.problems) problems.push(p);
  }
  return { docs, problems, listing: { files: listed, stamp } };
}
