/**
 * The layout cannot rot: every source file outside test/ lives in a folder that is a stage of the
 * pipeline, and imports go one way. A folder imports only itself and the folders before it in
 * LAYERS (the README's development map lists them in the same order, top down). Type-only
 * imports count too: a type is a dependency a reader follows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Top-level folders, lowest first. */
export const LAYERS = [
  'schema', //     the spec's JSON Schema (data)
  'model', //      catalog, model, findings, errors: the shared types and constants
  'synth', //      model → objects → canonical YAML → files; Argo CD; Kubernetes schema checks
  'analysis', //   RBAC evaluation of any manifests; snapshot of an output, access diff of two
  'policies', //   rules: org/ over the model, output/ over synthesized RBAC, change/ over a diff
  'constructs', // the construct API; an Organization runs the policies; synthesize a tree
  'review', //     verdicts, approvals, recovering and proving an output
  'report', //     text, markdown and HTML renderings
  'github', //     the @octokit/rest adapter
  'cli', //        the commands: arguments and the effects (files, git, process)
  'org', //        the user's declaration
  'bin', //        the executable
] as const;

/** Folders never scanned: tests import anything; the rest is not source. */
const SKIP = new Set(['node_modules', 'test', 'dist', 'test-output', 'coverage']);
const SOURCE = /\.(ts|mts|cts|tsx|js|mjs|cjs)$/;
/** Root files allowed besides folders: configuration (vitest.config.ts, eslint.config.mjs, ...). */
const ROOT_CONFIG = /^[\w.-]+\.config\.[cm]?[jt]s$/;

export interface Edge {
  /** Importing file and imported file, relative to the repository root. */
  readonly from: string;
  readonly to: string;
  readonly specifier: string;
  readonly line: number;
}

const top = (file: string): string => (file.includes('/') ? file.slice(0, file.indexOf('/')) : '.');
const rank = (folder: string): number => (LAYERS as readonly string[]).indexOf(folder);

/** Imports against the direction: a lower folder importing a higher one, or an unknown folder. */
export function violations(edges: readonly Edge[], layers: readonly string[] = LAYERS): string[] {
  const at = (f: string) => layers.indexOf(f);
  const out: string[] = [];
  for (const e of edges) {
    const [a, b] = [top(e.from), top(e.to)];
    if (a === b) continue;
    // The CLI reads its version from the package's own manifest: data, not code of any stage.
    if (a === 'cli' && e.to === 'package.json') continue;
    if (at(a) < 0 || at(b) < 0) {
      out.push(`${e.from}:${e.line} imports ${e.specifier}: ${at(a) < 0 ? a : b}/ is not a folder of the pipeline`);
    } else if (at(b) > at(a)) {
      out.push(
        `${e.from}:${e.line} imports ${e.specifier}: ${a}/ may import only ${
          layers
            .slice(0, at(a))
            .map((l) => `${l}/`)
            .join(', ') || 'nothing'
        }, not ${b}/`,
      );
    }
  }
  return out;
}

/** Cycles between folders `depth` levels deep (policies/org, policies/change, ...; a file directly in a folder counts as that folder). */
export function folderCycles(edges: readonly Edge[], depth = 2): string[][] {
  return importCycles(edges, (f) => f.split('/').slice(0, -1).slice(0, depth).join('/') || '.');
}

/** Groups of nodes (files, or folders as `node` names them) that import one another in a circle. */
export function importCycles(edges: readonly Edge[], node: (file: string) => string): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const e of edges) {
    const [a, b] = [node(e.from), node(e.to)];
    if (a === b) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    if (!graph.has(b)) graph.set(b, new Set());
    graph.get(a)!.add(b);
  }
  // Tarjan's strongly connected components: every component of more than one folder is a cycle.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const strong = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        c.push(w);
      } while (w !== v);
      if (c.length > 1) out.push(c.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) strong(v);
  return out;
}

function sourceFiles(dir = ROOT): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.') || (dir === ROOT && SKIP.has(e.name)) || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (SOURCE.test(e.name) && !e.name.endsWith('.d.ts')) out.push(relative(ROOT, p).split('\\').join('/'));
  }
  return out.sort();
}

/** Every relative import of a file: static, type-only, re-exports, import(), typeof import(), require(). */
function importsOf(file: string): Edge[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const sf = ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.Latest,
    true,
    /\.[cm]?js$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS,
  );
  const out: Edge[] = [];
  const add = (lit: ts.StringLiteralLike) => {
    if (!lit.text.startsWith('./') && !lit.text.startsWith('../')) return;
    const to = relative(ROOT, resolve(ROOT, posix.dirname(file), lit.text))
      .split('\\')
      .join('/');
    out.push({
      from: file,
      to,
      specifier: lit.text,
      line: sf.getLineAndCharacterOfPosition(lit.getStart(sf)).line + 1,
    });
  };
  const visit = (n: ts.Node) => {
    if (
      (ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) &&
      n.moduleSpecifier &&
      ts.isStringLiteral(n.moduleSpecifier)
    )
      add(n.moduleSpecifier);
    else if (
      ts.isCallExpression(n) &&
      n.arguments[0] &&
      ts.isStringLiteralLike(n.arguments[0]) &&
      (n.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(n.expression) && n.expression.text === 'require'))
    )
      add(n.arguments[0]);
    else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal))
      add(n.argument.literal);
    else if (
      ts.isImportEqualsDeclaration(n) &&
      ts.isExternalModuleReference(n.moduleReference) &&
      ts.isStringLiteral(n.moduleReference.expression)
    )
      add(n.moduleReference.expression);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

describe('folders by pipeline stage', () => {
  const files = sourceFiles();
  const edges = files.flatMap(importsOf);

  it('finds the sources', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(edges.length).toBeGreaterThan(200);
  });

  it('every source file outside test/ lives in a folder of the pipeline', () => {
    const stray = files.filter((f) => (top(f) === '.' ? !ROOT_CONFIG.test(f) : rank(top(f)) < 0));
    expect(
      stray,
      `add the folder to LAYERS (and the README's map), or move the file (scratch scripts: test/bench/ or nowhere)`,
    ).toEqual([]);
  });

  it('imports go only down the pipeline', () => {
    expect(violations(edges.filter((e) => top(e.from) !== '.'))).toEqual([]);
  });

  it('no import cycles between folders, two levels deep', () => {
    expect(folderCycles(edges)).toEqual([]);
  });

  it("no import cycles between files, but the construct API's own", () => {
    // An Organization owns its cdk8s charts (chartFor) and declares itself from a spec (fromSpec);
    // the charts, the spec loader, the checks they run and what reads a tree as data (declared)
    // act on it. Every other file imports only files that do not import it back, type-only
    // imports included.
    expect(importCycles(edges, (f) => f)).toEqual([
      [
        'constructs/analyze.ts',
        'constructs/chart.ts',
        'constructs/declared.ts',
        'constructs/organization.ts',
        'constructs/spec.ts',
        'constructs/tree.ts',
      ],
    ]);
  });

  it('the README lists the layers in the same order', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const chain = [...LAYERS]
      .filter((l) => !['schema', 'org', 'bin'].includes(l))
      .reverse()
      .map((l) => `\`${l}/\``)
      .join(' → ');
    expect(readme).toContain(chain);
  });
});

describe('the checker', () => {
  const edge = (from: string, to: string): Edge => ({ from, to, specifier: `../${to}`, line: 1 });

  it('passes imports down the pipeline and inside a folder', () => {
    expect(
      violations([
        edge('cli/main.ts', 'model/model.ts'),
        edge('review/proof.ts', 'constructs/organization.ts'),
        edge('policies/org/a.ts', 'policies/change/b.ts'),
      ]),
    ).toEqual([]);
  });

  it('names an import up the pipeline, with what is allowed', () => {
    expect(violations([edge('model/catalog.ts', 'analysis/rules.ts')])).toEqual([
      'model/catalog.ts:1 imports ../analysis/rules.ts: model/ may import only schema/, not analysis/',
    ]);
    expect(
      violations([edge('constructs/grant.ts', 'cli/args.ts'), edge('synth/render.ts', 'policies/org/index.ts')]),
    ).toHaveLength(2);
  });

  it('names a folder that is not a stage', () => {
    expect(violations([edge('cli/main.ts', 'scratch/x.ts')])).toEqual([
      'cli/main.ts:1 imports ../scratch/x.ts: scratch/ is not a folder of the pipeline',
    ]);
  });

  it('finds cycles between folders, and none in a chain', () => {
    expect(
      folderCycles([edge('policies/org/a.ts', 'policies/rbac/b.ts'), edge('policies/rbac/c.ts', 'policies/org/d.ts')]),
    ).toEqual([['policies/org', 'policies/rbac']]);
    expect(folderCycles([edge('cli/a.ts', 'review/b.ts'), edge('review/b.ts', 'model/c.ts')])).toEqual([]);
    expect(importCycles([edge('model/a.ts', 'model/b.ts'), edge('model/b.ts', 'model/a.ts')], (f) => f)).toEqual([
      ['model/a.ts', 'model/b.ts'],
    ]);
  });
});
