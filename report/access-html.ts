/**
 * The access matrix as one self-contained HTML page (no network requests): people × namespaces
 * (for large organizations, each person's namespaces only), each cell's levels coloured by
 * strength, filters by person, namespace and level, a panel of privilege classes and warnings,
 * and tokens in their own section.
 */
import { createHash } from 'node:crypto';
import { CATALOG } from '../model/catalog.ts';
import type { MatrixCell, SubjectAccess } from '../analysis/access.ts';
import { CLASS_BY_ID } from '../analysis/classes.ts';
import { byText, hasHidden, showHidden, shownName } from '../model/text.ts';

type Strength = 'none' | 'read' | 'write' | 'admin';

export function strengthOf(cell: MatrixCell | undefined): Strength {
  if (!cell || (!cell.levels.length && !cell.classes.length && !cell.custom)) return 'none';
  if (cell.levels.includes('w:full')) return 'admin';
  // Reading Secrets is a warning, shown in the panel: it stays a read.
  if (cell.levels.some((l) => l.startsWith('w:')) || cell.classes.some((c) => c !== 'read-secrets')) return 'write';
  return 'read';
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const NEEDS_ESCAPE = /[&<>"']/;

/** Text as HTML shows it: markup escaped, and characters that would act rather than show as code points (showHidden). */
export const escapeHtml = (s: string): string =>
  NEEDS_ESCAPE.test(s) || hasHidden(s) ? showHidden(s).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!) : s;

export const STYLE = `[hidden]{display:none!important}body{font:14px system-ui,sans-serif;margin:24px;color:#111}h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
thead th{position:sticky;top:0;background:#f8f8f8}td.none{background:#fff;color:#bbb}td.read{background:#dbeafe}
td.write{background:#fde68a}td.admin{background:#fca5a5}.dim{opacity:.2}#filters input,#filters select{margin-right:8px;padding:4px}
.legend span{display:inline-block;padding:2px 8px;margin-right:6px;border:1px solid #ddd}.gain{color:#065f46}.loss{color:#991b1b}
li.warn{color:#92400e}table.sparse span{display:inline-block;margin:1px 2px;padding:1px 6px;border:1px solid #ddd}
span.none{background:#fff}span.read{background:#dbeafe}span.write{background:#fde68a}span.admin{background:#fca5a5}`;

/**
 * Past this many cells (people × namespaces) the page lists, for each person, only the
 * namespaces where they hold something: a dense table of 10,000 people × 2,000 namespaces would
 * be 20 million cells, more than a browser (or a string) holds.
 */
const DENSE_CELL_LIMIT = 100_000;

const cellText = (cell: MatrixCell | undefined) => {
  const levels = cell?.levels ?? [];
  return levels.length ? levels.join(' ') : cell?.custom || cell?.classes.length ? 'custom' : '';
};
/** A cell's tooltip, escaped: its lines each escaped (a line break of data shows as its code point) and joined by `&#10;`, a title's own line break. */
const cellTip = (cell: MatrixCell) =>
  [
    ...cell.via,
    ...(cell.custom ? [`rules: ${cell.custom.join('; ')}`] : []),
    ...(cell.classes.length ? [`classes: ${cell.classes.join(', ')}`] : []),
  ]
    .map(escapeHtml)
    .join('&#10;');

/**
 * What a page's cell shows: a cell, or where the clusters of the output differ, each cell the
 * subject holds there with the clusters that give it exactly so (none named: every cluster).
 */
interface Part {
  readonly cell: MatrixCell;
  readonly clusters?: readonly string[];
}

/** A subject as the page shows it: one row, each cell its parts (none: nothing there). */
interface PageRow {
  readonly name: string;
  readonly cluster: readonly Part[];
  readonly namespaces: ReadonlyMap<string, readonly Part[]>;
}

const STRENGTHS: readonly Strength[] = ['none', 'read', 'write', 'admin'];
const NO_PARTS: readonly Part[] = [];
/** A part's clusters as its text and tooltip end: ` (lga1)`; nothing for every cluster. */
/** Clusters as the page lists them: each name shown unless it reads as list syntax (shownName). */
const listed = (clusters: readonly string[]) => clusters.map(shownName).join(', ');
const inClusters = (p: Pick<Part, 'clusters'>) => (p.clusters ? ` (${listed(p.clusters)})` : '');
const partsText = (parts: readonly Part[]) =>
  parts.length === 1 && !parts[0]!.clusters
    ? cellText(parts[0]!.cell)
    : parts.map((p) => `${cellText(p.cell)}${inClusters(p)}`).join('; ');
const partsTip = (parts: readonly Part[]) =>
  parts
    .map((p) => (p.clusters ? `${escapeHtml(`in ${listed(p.clusters)}:`)}&#10;` : '') + cellTip(p.cell))
    .join('&#10;');
const partsStrength = (parts: readonly Part[]): Strength =>
  parts.length === 1
    ? strengthOf(parts[0]!.cell)
    : STRENGTHS[Math.max(0, ...parts.map((p) => STRENGTHS.indexOf(strengthOf(p.cell))))]!;
const partsLevels = (parts: readonly Part[]) =>
  parts.length === 1 ? parts[0]!.cell.levels.join(' ') : [...new Set(parts.flatMap((p) => p.cell.levels))].join(' ');
const cellAttributes = (ns: string, parts: readonly Part[]) =>
  `class="${partsStrength(parts)}" data-ns="${escapeHtml(ns)}" data-levels="${escapeHtml(partsLevels(parts))}" title="${parts.length ? partsTip(parts) : ''}"`;

/**
 * The page's rows of a matrix: one per subject, its rows of several groups of clusters
 * (clusterMatrix) made one, each cell's parts naming their clusters unless they are all of `all`.
 */
function pageRows(matrix: readonly SubjectAccess[], all: readonly string[] | undefined): PageRow[] {
  type Row = { readonly kind: string; readonly name: string; cluster: Part[]; namespaces: Map<string, Part[]> };
  const rows: Row[] = [];
  let last: Row | undefined;
  for (const s of matrix) {
    const clusters = s.clusters && all && s.clusters.length < all.length ? { clusters: s.clusters } : {};
    if (!last || last.kind !== s.kind || last.name !== s.name) {
      rows.push((last = { kind: s.kind, name: s.name, cluster: [], namespaces: new Map() }));
    }
    if (s.cluster) last.cluster.push({ cell: s.cluster, ...clusters });
    for (const [ns, cell] of Object.entries(s.namespaces)) {
      const parts = last.namespaces.get(ns);
      if (parts) parts.push({ cell, ...clusters });
      else last.namespaces.set(ns, [{ cell, ...clusters }]);
    }
  }
  // A subject's groups of clusters each hold namespaces in order: together, sorted again.
  return all
    ? rows.map((row) => ({
        ...row,
        namespaces: new Map([...row.namespaces].sort(([a], [b]) => byText(a, b))),
      }))
    : rows;
}

/**
 * A subject's row header: its name, and what it holds cluster-wide (ClusterRoleBindings: every
 * namespace), such as the bootstrap access of system:authenticated, which no namespace column shows.
 */
const subjectHeader = (s: PageRow) =>
  `<th>${escapeHtml(s.name)}${s.cluster.length ? `<br><small class="cluster" title="${partsTip(s.cluster)}">cluster-wide: ${escapeHtml(partsText(s.cluster))}</small>` : ''}</th>`;

function denseTable(id: string, title: string, rows: readonly PageRow[], namespaces: readonly string[]): string {
  const head = `<tr><th>${title}</th>${namespaces.map((ns) => `<th data-ns="${escapeHtml(ns)}">${escapeHtml(ns)}</th>`).join('')}</tr>`;
  const body = rows
    .map((s) => {
      const cells = namespaces
        .map((ns) => {
          const parts = s.namespaces.get(ns) ?? NO_PARTS;
          return `<td ${cellAttributes(ns, parts)}>${escapeHtml(parts.length ? partsText(parts) : '')}</td>`;
        })
        .join('');
      return `<tr data-subject="${escapeHtml(s.name)}">${subjectHeader(s)}${cells}</tr>`;
    })
    .join('\n');
  return `<table id="${id}"><thead>${head}</thead><tbody>\n${body}\n</tbody></table>`;
}

/** Whether the subject holds w:full in every namespace of the page (an admin), in every cluster. */
const fullEverywhere = (s: PageRow, namespaces: readonly string[]) =>
  namespaces.length > 1 &&
  namespaces.every((ns) => {
    const parts = s.namespaces.get(ns);
    return parts?.length === 1 && !parts[0]!.clusters && parts[0]!.cell.levels.includes('w:full');
  });

/**
 * One row per person, one chip per namespace they hold something in; an admin's 2,000 identical
 * chips are one ("every namespace"), which the namespace filter never hides.
 */
function sparseTable(id: string, title: string, rows: readonly PageRow[], namespaces: readonly string[]): string {
  const body = rows
    .map((s) => {
      const chips = fullEverywhere(s, namespaces)
        ? `<span class="admin" data-ns="*" data-levels="w:full" title="w:full in all ${namespaces.length} namespaces">every namespace (${namespaces.length}): w:full</span>`
        : [...s.namespaces]
            .map(
              ([ns, parts]) =>
                `<span ${cellAttributes(ns, parts)}>${escapeHtml(ns)}: ${escapeHtml(partsText(parts))}</span>`,
            )
            .join(' ');
      return `<tr data-subject="${escapeHtml(s.name)}">${subjectHeader(s)}<td>${chips}</td></tr>`;
    })
    .join('\n');
  return `<table id="${id}" class="sparse"><thead><tr><th>${title}</th><th>namespaces: levels</th></tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function table(id: string, title: string, rows: readonly PageRow[], namespaces: readonly string[]): string {
  return rows.length * namespaces.length <= DENSE_CELL_LIMIT
    ? denseTable(id, title, rows, namespaces)
    : sparseTable(id, title, rows, namespaces);
}

const SCRIPT = `(() => {
  const person = document.getElementById('f-person'), ns = document.getElementById('f-namespace'), level = document.getElementById('f-level');
  function apply() {
    const p = person.value.trim().toLowerCase(), n = ns.value.trim().toLowerCase(), l = level.value;
    for (const row of document.querySelectorAll('tbody tr[data-subject]')) row.hidden = !!p && !row.dataset.subject.toLowerCase().includes(p);
    for (const c of document.querySelectorAll('[data-ns]')) c.hidden = !!n && c.dataset.ns !== '*' && !c.dataset.ns.toLowerCase().includes(n);
    for (const td of document.querySelectorAll('[data-levels]')) td.classList.toggle('dim', !!l && !td.dataset.levels.split(' ').includes(l));
  }
  for (const el of [person, ns, level]) el.addEventListener('input', apply);
})();`;

/**
 * A page's Content-Security-Policy, as its first element in head: nothing fetched (no image, font,
 * frame or connection), its own `<style>` and style attributes, and no script but `script` (by its
 * hash). Every name is escaped; this holds the page to making no request even where an escape
 * were missed (R64-4), wherever it is opened.
 */
export function pagePolicy(script?: string): string {
  const scripts = script ? `; script-src 'sha256-${createHash('sha256').update(script).digest('base64')}'` : '';
  return `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'${scripts}">`;
}

/** Warnings listed on the page; the JSON output has them all. */
const MAX_WARNINGS = 1_000;

interface AccessPageOptions {
  readonly title: string;
  readonly systemNamespace?: string;
  /** The clusters of the output, when they do not all give the same access (clusterMatrix): each cell then says where it holds. */
  readonly clusters?: readonly string[];
}

const PAGE_POLICY = pagePolicy(SCRIPT);

export function accessHtml(matrix: readonly SubjectAccess[], o: AccessPageOptions): string {
  const namespaces = [...new Set(matrix.flatMap((s) => Object.keys(s.namespaces)))].sort();
  const rowsOf = (kind: SubjectAccess['kind']) =>
    pageRows(
      matrix.filter((s) => s.kind === kind),
      o.clusters,
    );
  const people = rowsOf('User');
  const tokens = rowsOf('ServiceAccount');
  const groups = rowsOf('Group');
  const warnings = [...groups, ...tokens, ...people].flatMap((s) =>
    [...s.namespaces].flatMap(([ns, parts]) =>
      parts.flatMap(({ cell: c, ...clusters }) =>
        c.levels.includes('w:full')
          ? []
          : c.classes.map(
              (cls) =>
                `<li class="warn">${escapeHtml(s.name)} can ${escapeHtml(CLASS_BY_ID.get(cls)!.title)} in ${escapeHtml(ns)}${escapeHtml(inClusters(clusters))}: ${escapeHtml(CLASS_BY_ID.get(cls)!.why)}</li>`,
            ),
      ),
    ),
  );
  const shownWarnings =
    warnings.length > MAX_WARNINGS
      ? [
          ...warnings.slice(0, MAX_WARNINGS),
          `<li>... and ${warnings.length - MAX_WARNINGS} more: <code>orgctl access --format json</code> lists every one</li>`,
        ]
      : warnings;
  const dense = people.length * namespaces.length <= DENSE_CELL_LIMIT;
  const layout = dense
    ? ''
    : `<p>${people.length} people × ${namespaces.length} namespaces: each row lists only the namespaces where the person holds something.</p>`;
  // A cluster's access is never shown as every cluster's (R140-1).
  const clusters = o.clusters
    ? `<p id="clusters">The clusters of this output (${escapeHtml(listed(o.clusters))}) do not all give the same access: a cell that holds in some of them only names them, as <code>r:full (lga1)</code>; a cell that names none holds in every cluster. <code>orgctl access --cluster NAME</code> gives one cluster's page.</p>\n`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">${PAGE_POLICY}<title>${escapeHtml(o.title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(o.title)}</h1>
${clusters}<p class="legend"><span class="none">none</span><span style="background:#dbeafe">read</span><span style="background:#fde68a">write</span><span style="background:#fca5a5">admin (w:full)</span></p>
<div id="filters"><input id="f-person" placeholder="person or token"><input id="f-namespace" placeholder="namespace">
<select id="f-level"><option value="">any level</option>${CATALOG.map((l) => `<option>${l.id}</option>`).join('')}</select></div>
<h2>People</h2>
${layout}${table('people', 'person', people, namespaces)}
<h2>Tokens</h2>
${tokens.length ? table('tokens', 'token', tokens, namespaces) : '<p>No tokens.</p>'}
${groups.length ? `<h2>Groups</h2>\n${table('groups', 'group', groups, namespaces)}` : ''}
<h2>Privilege classes and warnings</h2>
<ul id="warnings">${shownWarnings.length ? shownWarnings.join('') : '<li>No one but admins holds a privilege class.</li>'}</ul>
<script>${SCRIPT}</script>
</body></html>
`;
}
