/**
 * The access matrix as one self-contained HTML page (no network requests): people × namespaces,
 * each cell's levels coloured by strength, filters by person, namespace and level, a panel of
 * privilege classes and warnings, and tokens in their own section.
 */
import { CATALOG } from '../../constructs/catalog.ts';
import type { MatrixCell, SubjectAccess } from './access.ts';
import { CLASS_BY_ID } from './classes.ts';

export type Strength = 'none' | 'read' | 'write' | 'admin';

export function strengthOf(cell: MatrixCell | undefined): Strength {
  if (!cell || (!cell.levels.length && !cell.classes.length)) return 'none';
  if (cell.levels.includes('w:full')) return 'admin';
  // Reading Secrets is a warning, shown in the panel: it stays a read.
  if (cell.levels.some((l) => l.startsWith('w:')) || cell.classes.some((c) => c !== 'read-secrets')) return 'write';
  return 'read';
}

export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export const STYLE = `body{font:14px system-ui,sans-serif;margin:24px;color:#111}h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
thead th{position:sticky;top:0;background:#f8f8f8}td.none{background:#fff;color:#bbb}td.read{background:#dbeafe}
td.write{background:#fde68a}td.admin{background:#fca5a5}.dim{opacity:.2}#filters input,#filters select{margin-right:8px;padding:4px}
.legend span{display:inline-block;padding:2px 8px;margin-right:6px;border:1px solid #ddd}.gain{color:#065f46}.loss{color:#991b1b}
li.warn{color:#92400e}`;

function table(id: string, title: string, rows: readonly SubjectAccess[], namespaces: readonly string[]): string {
  const head = `<tr><th>${title}</th>${namespaces.map((ns) => `<th data-ns="${escapeHtml(ns)}">${escapeHtml(ns)}</th>`).join('')}</tr>`;
  const body = rows.map((s) => {
    const cells = namespaces.map((ns) => {
      const cell = s.namespaces[ns];
      const levels = cell?.levels ?? [];
      const text = levels.length ? levels.join(' ') : cell?.classes.length ? '(custom)' : '';
      const tip = cell ? `${cell.via.join('\n')}${cell.classes.length ? `\nclasses: ${cell.classes.join(', ')}` : ''}` : '';
      return `<td class="${strengthOf(cell)}" data-ns="${escapeHtml(ns)}" data-levels="${escapeHtml(levels.join(' '))}" title="${escapeHtml(tip)}">${escapeHtml(text)}</td>`;
    }).join('');
    return `<tr data-subject="${escapeHtml(s.name)}"><th>${escapeHtml(s.name)}</th>${cells}</tr>`;
  }).join('\n');
  return `<table id="${id}"><thead>${head}</thead><tbody>\n${body}\n</tbody></table>`;
}

const SCRIPT = `(() => {
  const person = document.getElementById('f-person'), ns = document.getElementById('f-namespace'), level = document.getElementById('f-level');
  function apply() {
    const p = person.value.trim().toLowerCase(), n = ns.value.trim().toLowerCase(), l = level.value;
    for (const row of document.querySelectorAll('tbody tr[data-subject]')) row.hidden = !!p && !row.dataset.subject.toLowerCase().includes(p);
    for (const c of document.querySelectorAll('[data-ns]')) c.hidden = !!n && !c.dataset.ns.toLowerCase().includes(n);
    for (const td of document.querySelectorAll('td[data-levels]')) td.classList.toggle('dim', !!l && !td.dataset.levels.split(' ').includes(l));
  }
  for (const el of [person, ns, level]) el.addEventListener('input', apply);
})();`;

export interface AccessPageOptions {
  readonly title: string;
  readonly systemNamespace?: string;
}

export function accessHtml(matrix: readonly SubjectAccess[], o: AccessPageOptions): string {
  const namespaces = [...new Set(matrix.flatMap((s) => Object.keys(s.namespaces)))].sort();
  const people = matrix.filter((s) => s.kind === 'User');
  const tokens = matrix.filter((s) => s.kind === 'ServiceAccount');
  const groups = matrix.filter((s) => s.kind === 'Group');
  const warnings = matrix.flatMap((s) => Object.entries(s.namespaces).flatMap(([ns, c]) =>
    c.levels.includes('w:full') ? [] : c.classes.map((cls) => `<li class="warn">${escapeHtml(s.name)} can ${escapeHtml(CLASS_BY_ID.get(cls)!.title)} in ${escapeHtml(ns)}: ${escapeHtml(CLASS_BY_ID.get(cls)!.why)}</li>`)));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(o.title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(o.title)}</h1>
<p class="legend"><span class="none">none</span><span style="background:#dbeafe">read</span><span style="background:#fde68a">write</span><span style="background:#fca5a5">admin (w:full)</span></p>
<div id="filters"><input id="f-person" placeholder="person or token"><input id="f-namespace" placeholder="namespace">
<select id="f-level"><option value="">any level</option>${CATALOG.map((l) => `<option>${l.id}</option>`).join('')}</select></div>
<h2>People</h2>
${table('people', 'person', people, namespaces)}
<h2>Tokens</h2>
${tokens.length ? table('tokens', 'token', tokens, namespaces) : '<p>No tokens.</p>'}
${groups.length ? `<h2>Groups</h2>\n${table('groups', 'group', groups, namespaces)}` : ''}
<h2>Privilege classes and warnings</h2>
<ul id="warnings">${warnings.length ? warnings.join('') : '<li>No one but admins holds a privilege class.</li>'}</ul>
<script>${SCRIPT}</script>
</body></html>
`;
}
