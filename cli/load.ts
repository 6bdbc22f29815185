/** Reads a declaration: a spec file (YAML/JSON) or a TypeScript module such as org/org.ts. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { Construct } from 'constructs';
import { declaredOrganization, type DeclaredOrganization, type ThrownData } from '../constructs/declared.ts';
import { Organization } from '../constructs/organization.ts';
import { MAX_SPEC_BYTES, SpecError, readSpecText, specLocator } from '../constructs/spec.ts';
import { bundleDeclaration } from './declaration.ts';
import { readAtMost } from './file-stamp.ts';
import { reachOf, runIsolated, unusedBuiltin } from './isolated-declaration.ts';
import { packageRoot } from './workflows.ts';
import {
  DeclarationError,
  ERROR_FIELDS,
  ERROR_KINDS,
  isKind,
  ModuleError,
  unreadableInput,
  whyUnread,
} from '../model/errors.ts';
import { locateFindings, positionText, type Finding, type Position } from '../model/findings.ts';
import { DEFAULT_ENTRY, declarationFile, folderAbove, isModuleFile } from './paths.ts';
import { nearestName } from '../model/text.ts';
import type { Io } from '../model/io.ts';

export interface Loaded {
  /** What it declares, as data. */
  readonly declared: DeclaredOrganization;
  /** As named in output headers and messages: a path relative to the working directory. */
  readonly declaredIn: string;
  /** The files it was read from, absolute, itself first: a spec file, or a module and the files it imports from its folder. */
  readonly sources: readonly string[];
  /** Where a spec path is in a spec file, named as given (a TypeScript declaration has none): findings print it. */
  readonly positions?: { readonly file: string; readonly locate: (path: string) => Position | undefined };
}

/** Findings of a loaded declaration with the file positions of their spec paths (`org.yaml:14:7`). */
export const placeFindings = (loaded: Loaded, findings: readonly Finding[]): readonly Finding[] =>
  loaded.positions ? locateFindings(findings, loaded.positions.file, loaded.positions.locate) : findings;

function readText(file: string): string {
  try {
    // Read up to the limit, by one open: a size checked first says 0 of a pipe or a device (a link to
    // /dev/zero), and a file may grow between the check and the read (R107-2). Read whole at its size,
    // then decoded: readFileSync(file, 'utf8') reads into buffers it doubles (2, 4 and 8 MB for an
    // 8 MB spec), new memory this VM charges a first touch for (2,000 pages more).
    const read = readAtMost(file, MAX_SPEC_BYTES.json);
    if (Buffer.isBuffer(read)) return read.toString('utf8');
    throw new SpecError([`${file}: larger than a spec may be (${MAX_SPEC_BYTES.json / 2 ** 20} MB)`]);
  } catch (e) {
    if (e instanceof SpecError) throw e;
    // A path the system will not let orgctl read is said as everywhere else (unreadableInput).
    const unreadable = unreadableInput(e);
    if (unreadable) throw unreadable;
    throw new SpecError([`${file}: cannot read the file (${whyUnread(e)})`]);
  }
}

/**
 * Loads a spec file into a fresh App; `text`: its text as the caller already read it (explain, which
 * indexes the very bytes it read: cli/explain-cache.ts declarationBefore).
 */
export function loadSpec(file: string, today?: string, text: string = readText(file)): Loaded {
  const { data, lists } = readSpecText(text, file);
  const locate = specLocator(text, lists);
  const where = (path: string) => {
    const p = locate(path);
    return p ? positionText(file, p) : undefined;
  };
  // A bare construct tree: a spec needs no cdk8s App (and skips loading it).
  const root = new Construct(undefined as never, '');
  try {
    // Users as records: this organization is seen by no code but orgctl's (its model is what is used).
    Organization.fromSpec(root, data, { today, where, userRecords: true });
  } catch (e) {
    // A construct's refusal names the spec path; the file position leads it.
    const d = e as Partial<DeclarationError>;
    if (isKind(e, 'declaration') && typeof d.path === 'string' && !d.position) {
      const position = where(d.path);
      if (position) throw new DeclarationError(d.path, e.message.slice(d.path.length + 2), position);
    }
    throw e;
  }
  return {
    declared: declaredOrganization(root),
    declaredIn: relative(process.cwd(), resolve(file)) || file,
    sources: [resolve(file)],
    positions: { file, locate },
  };
}

/**
 * A package the declaration imports that Node cannot find, and what to do: npm install when the
 * project's package.json names it (the usual case: check before npm install), else fix the import
 * or add the package. Node's message names the temporary bundle, not the declaration. Undefined
 * for any other error.
 */
function missingPackage(e: unknown, declaration: string): string | undefined {
  const code = (e as NodeJS.ErrnoException)?.code;
  const named = (e as Error)?.message?.match(/^Cannot find (?:package|module) '([^'./][^']*)'/)?.[1];
  if ((code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') || !named) return undefined;
  const name = named
    .split('/')
    .slice(0, named.startsWith('@') ? 2 : 1)
    .join('/');
  const project = folderAbove(declaration, 'package.json');
  let manifest: Record<string, Record<string, unknown> | undefined> = {};
  try {
    if (project) manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
  } catch {
    // unreadable: as if it named nothing
  }
  const depends = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].some(
    (field) => typeof manifest[field] === 'object' && manifest[field] !== null && Object.hasOwn(manifest[field], name),
  );
  return project && depends
    ? `imports the package ${name}, which is not installed: run npm install in ${project}`
    : `imports the package ${name}, which package.json does not name: correct the import, or add the package (npm install ${name})`;
}

/**
 * The method of orgctl's constructs a call that is no function meant (`web.grnt is not a
 * function`: grant), from their public methods; undefined when it names none closely. Loaded only
 * then: a declaration that runs needs no list of methods.
 */
async function methodMeant(message: string): Promise<string | undefined> {
  const called = /\.([\w$]+) is not a function$/.exec(message)?.[1];
  if (!called) return undefined;
  const exported = Object.values(await import('../constructs/index.ts'));
  const methods = new Set<string>();
  for (const value of exported) {
    // Each class up to the constructs package's Construct (node, toString: not orgctl's words).
    for (let proto = (value as { prototype?: object })?.prototype; proto && proto !== Construct.prototype; ) {
      if (proto === Object.prototype) break;
      for (const name of Object.getOwnPropertyNames(proto))
        if (
          name !== 'constructor' &&
          !name.startsWith('_') &&
          typeof Object.getOwnPropertyDescriptor(proto, name)?.value === 'function'
        )
          methods.add(name);
      proto = Object.getPrototypeOf(proto);
    }
  }
  return nearestName(called, [...methods]);
}

/** Why a declaration may not read or do what it tried, by the permission Node refused it (bin/declaration.mjs). */
function refusedReach(data: ThrownData, folder: string): string | undefined {
  const cause = data.cause as ThrownData | undefined;
  if (data.code === 'ERR_DLOPEN_DISABLED') return 'loads a native addon: a declaration may not';
  // --disallow-code-generation-from-strings (R88-1).
  if (data.name === 'EvalError') return 'compiles code from a string (eval, new Function): a declaration may not';
  if (data.code !== 'ERR_ACCESS_DENIED')
    return cause && typeof cause === 'object' ? refusedReach(cause, folder) : undefined;
  const resource = typeof data.resource === 'string' ? data.resource : undefined;
  switch (data.permission) {
    case 'FileSystemRead':
      return `reads ${resource ?? 'a file'}, outside its folder (${folder}) and the installed packages, which are all a declaration may read: move the file into ${folder}`;
    case 'FileSystemWrite':
      return `writes ${resource ?? 'a file'}: a declaration writes no file (orgctl writes the output)`;
    case 'ChildProcess':
      return 'starts a process: a declaration may not (it runs with its folder and the installed packages only)';
    case 'WorkerThreads':
      return 'starts a worker thread: a declaration may not';
    case 'Inspector':
      return 'opens the inspector: a declaration may not';
    case 'WASI':
      return 'gives WebAssembly the system (WASI): a declaration may not';
    case '': // Node 20 names no permission for process.binding, only the call
      return data.message === 'process.binding'
        ? "reaches Node's internals (process.binding): a declaration may not"
        : undefined;
    case 'Network': // bin/declaration.mjs's own refusals (connects to the network: a declaration may not)
    case 'Code':
      return data.message;
    case 'Builtin': // bin/declaration.mjs's, of a module of Node's DECLARATION_BUILTINS does not admit
      return unusedBuiltin(resource ?? '');
    default:
      return undefined;
  }
}

/** An error the declaration threw, as orgctl says it: its own errors as they are, anything else a ModuleError naming the line. */
async function declarationFailure(file: string, abs: string, data: ThrownData): Promise<Error> {
  const kind = data.kind;
  // DeclarationError, SpecError...: already says what is wrong. Only its known fields: a result
  // written by the declaration itself (R80-4) may add any, and `__proto__` made the error no Error,
  // `code` and `syscall` a read orgctl was refused (red team R109-3).
  if (typeof kind === 'string' && Object.hasOwn(ERROR_KINDS, kind)) {
    const known = ERROR_FIELDS.filter((field) => Object.hasOwn(data, field)).map((field) => [field, data[field]]);
    return Object.assign(new Error(data.message ?? ''), Object.fromEntries(known), { stack: undefined });
  }
  const refused = refusedReach(data, dirname(abs));
  if (refused) return new ModuleError(`${file}: ${refused}`);
  const missing = missingPackage(data, abs);
  if (missing) return new ModuleError(`${file}: ${missing}`);
  const message = data.message ?? '';
  const frame = data.stack?.split('\n').find((l) => l.includes(abs));
  const meant = data.name === 'TypeError' ? await methodMeant(message) : undefined;
  return new ModuleError(
    `${file}: ${message}${meant ? `: did you mean ${meant}?` : ''}${frame ? `\n  ${frame.trim()}` : ''}`,
  );
}

/**
 * Loads a TypeScript/JavaScript declaration, whose default export is the Organization (or an App
 * holding it): bundled here, run in a child process that reaches only its folder and the installed
 * packages (isolated-declaration.ts), and read back as data.
 */
export async function loadModule(file: string, io?: Pick<Io, 'err'>): Promise<Loaded> {
  const abs = resolve(file);
  readText(abs); // a clear message for a missing file, before the module loader's
  const reach = reachOf(abs);
  if ('link' in reach)
    throw new ModuleError(
      `${file}: ${reach.link} is a link to ${reach.target}, outside what a declaration may read (its folder and the installed packages): put the file itself there, or remove the link`,
    );
  const engine = packageRoot();
  const bundled = await bundleDeclaration(abs, reach, engine);
  if ('unavailable' in bundled)
    throw new ModuleError(`${file}: cannot run it apart from orgctl: ${bundled.unavailable}`);
  // What it prints, to the command's Io (io.err): in-process runs see it as the process's stderr shows it.
  const message = await runIsolated(bundled.bundle, reach, engine, io ? { printedLine: (line) => io.err(line) } : {});
  if ('error' in message) throw await declarationFailure(file, abs, message.error);
  if ('exportsNoTree' in message)
    throw new ModuleError(`${file}: must \`export default\` the Organization (or the App that holds it)`);
  return { declared: message.declared, declaredIn: relative(process.cwd(), abs) || file, sources: bundled.sources };
}

/** Loads the declaration `declarationFile` names: a spec file, or a TypeScript/JavaScript module. */
export async function loadDeclaration(spec: string | undefined, today?: string, io?: Pick<Io, 'err'>): Promise<Loaded> {
  const file = declarationFile(spec);
  // No declaration named and none where orgctl looks: say where else one can be named.
  if (spec === undefined && file === DEFAULT_ENTRY && !existsSync(file)) {
    throw new SpecError([
      `${file}: cannot read the file (it does not exist): give --spec FILE, name it in package.json ("orgctl": { "spec": FILE }), or run orgctl in an organization's repository (orgctl init DIR makes one)`,
    ]);
  }
  return isModuleFile(file) ? loadModule(file, io) : loadSpec(file, today);
}
