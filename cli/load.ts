/** Reads a declaration: a spec file (YAML/JSON) or a TypeScript module such as org/org.ts. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Construct, type IConstruct } from 'constructs';
import { Organization } from '../constructs/organization.ts';
import { MAX_SPEC_BYTES, SpecError, parseSpecText, specLocator } from '../constructs/spec.ts';
import { importBundled } from './declaration.ts';
import { importModule } from './es-import.ts';
import { DeclarationError, isKind, kindOf, ModuleError, unreadableInput, whyUnread } from '../model/errors.ts';
import { locateFindings, positionText, type Finding, type Position } from '../model/findings.ts';
import { DEFAULT_ENTRY, declarationFile, folderAbove, isModuleFile } from './paths.ts';
import { nearestName } from '../model/text.ts';

export interface Loaded {
  readonly root: IConstruct;
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
    // Refuse before reading: a huge file would be read into memory whole.
    const size = statSync(file).size;
    if (size > MAX_SPEC_BYTES.json)
      throw new SpecError([
        `${file}: ${(size / 2 ** 20).toFixed(0)} MB is larger than a spec may be (${MAX_SPEC_BYTES.json / 2 ** 20} MB)`,
      ]);
    return readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof SpecError) throw e;
    // A path the system will not let orgctl read is said as everywhere else (unreadableInput).
    const unreadable = unreadableInput(e);
    if (unreadable) throw unreadable;
    throw new SpecError([`${file}: cannot read the file (${whyUnread(e)})`]);
  }
}

/** Loads a spec file into a fresh App. */
export function loadSpec(file: string, today?: string): Loaded {
  const text = readText(file);
  const data = parseSpecText(text, file);
  const locate = specLocator(text);
  const where = (path: string) => {
    const p = locate(path);
    return p ? positionText(file, p) : undefined;
  };
  // A bare construct tree: a spec needs no cdk8s App (and skips loading it).
  const root = new Construct(undefined as never, '');
  try {
    Organization.fromSpec(root, data, { today, where });
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
    root,
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

/** Imports a TypeScript/JavaScript declaration; its default export is the Organization (or an App holding it). */
export async function loadModule(file: string): Promise<Loaded> {
  const abs = resolve(file);
  readText(abs); // a clear message for a missing file, before the module loader's
  let mod: { default?: unknown; org?: unknown };
  // What it imports of its own is known only from the bundle: else the file alone.
  let sources = [abs];
  try {
    // TypeScript declarations load as a cached esbuild bundle; through tsx when esbuild is missing.
    const typescript = /\.m?ts$/.test(abs);
    const bundled = typescript ? await importBundled(abs) : undefined;
    if (typescript && !bundled) (await importModule<typeof import('tsx/esm/api')>('tsx/esm/api')).register();
    if (bundled) sources = bundled.sources;
    mod = (bundled?.module as typeof mod | undefined) ?? (await importModule<typeof mod>(pathToFileURL(abs).href));
  } catch (e) {
    if (kindOf(e)) throw e; // orgctl's own (DeclarationError, SpecError...): already says what is wrong
    const missing = missingPackage(e, abs);
    if (missing) throw new ModuleError(`${file}: ${missing}`);
    const err = e as Error;
    const frame = err.stack?.split('\n').find((l) => l.includes(abs));
    const meant = err instanceof TypeError ? await methodMeant(err.message) : undefined;
    throw new ModuleError(
      `${file}: ${err.message}${meant ? `: did you mean ${meant}?` : ''}${frame ? `\n  ${frame.trim()}` : ''}`,
    );
  }
  const root = mod.default ?? mod.org;
  if (!root || typeof root !== 'object' || !('node' in root)) {
    throw new ModuleError(`${file}: must \`export default\` the Organization (or the App that holds it)`);
  }
  return { root: root as IConstruct, declaredIn: relative(process.cwd(), abs) || file, sources };
}

/** Loads the declaration `declarationFile` names: a spec file, or a TypeScript/JavaScript module. */
export async function loadDeclaration(spec: string | undefined, today?: string): Promise<Loaded> {
  const file = declarationFile(spec);
  // No declaration named and none where orgctl looks: say where else one can be named.
  if (spec === undefined && file === DEFAULT_ENTRY && !existsSync(file)) {
    throw new SpecError([
      `${file}: cannot read the file (it does not exist): give --spec FILE, name it in package.json ("orgctl": { "spec": FILE }), or run orgctl in an organization's repository (orgctl init DIR makes one)`,
    ]);
  }
  return isModuleFile(file) ? loadModule(file) : loadSpec(file, today);
}
