/** The access diff as a self-contained HTML page: gains and losses coloured like the access page. */
import { escapeHtml, pagePolicy, STYLE } from './access-html.ts';
import { namespaceRemovedText, outsiderTitle, type AccessDiff, type SubjectDiff } from '../analysis/diff.ts';
import type { Change } from '../analysis/change.ts';

const isGain = (c: Change) =>
  /^(gains|joins|accepts-invite|invited|token-added|cluster-added|namespace-joins)/.test(c.kind) ||
  (c.kind === 'admin' && c.to === true) ||
  (c.kind === 'billing' && c.to === true);

function block(title: string, d: SubjectDiff): string {
  return `<h3>${escapeHtml(title)}</h3><ul>${d.changes.map((c) => `<li class="${c.removes ? 'loss' : isGain(c) ? 'gain' : ''}">${escapeHtml(c.text)}</li>`).join('')}</ul>`;
}

export function diffHtml(diff: AccessDiff, title: string): string {
  const org = [
    ...(diff.owner ? [`<li>owner ${escapeHtml(diff.owner.from)} → ${escapeHtml(diff.owner.to)}</li>`] : []),
    ...diff.namespaces.added.map((n) => `<li class="gain">namespace ${escapeHtml(n)} is added</li>`),
    ...diff.namespaces.removed.map((n) => `<li class="loss">${escapeHtml(namespaceRemovedText(n))}</li>`),
    ...[...diff.customRbac, ...diff.clusters].map(
      (c) => `<li class="${c.removes ? 'loss' : isGain(c) ? 'gain' : ''}">${escapeHtml(c.text)}</li>`,
    ),
    ...diff.settings.map((c) => `<li>setting ${escapeHtml(c.text)}</li>`),
  ];
  // As the pull request comment lists them: a weakened guard rail is a loss of protection.
  const guardRails = diff.guardRails.map(
    (c) =>
      `<li class="${c.weakens ? 'loss' : ''}">${c.namespace !== undefined ? `${escapeHtml(c.namespace)}: ` : ''}${escapeHtml(c.text)}</li>`,
  );
  const handApplied = (diff.handApplied ?? []).map(
    (c) =>
      `<li>${escapeHtml(c.text)}${c.commands?.length ? `: ${c.commands.map((k) => `<code>${escapeHtml(k)}</code>`).join(', then ')}` : ''}</li>`,
  );
  const people = diff.people.map((p) => block(p.id, p)).join('\n');
  const tokens = diff.tokens.map((t) => block(`token ${t.id}`, t)).join('\n');
  const outsiders = (diff.outsiders ?? []).map((o) => block(outsiderTitle(o.id), o)).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">${pagePolicy()}<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(title)}</h1>
${org.length ? `<h2>Organization</h2><ul>${org.join('')}</ul>` : ''}
${guardRails.length ? `<h2>Namespace guard rails</h2><ul>${guardRails.join('')}</ul>` : ''}
${handApplied.length ? `<h2>Applied by hand after merge</h2><ul>${handApplied.join('')}</ul>` : ''}
<h2>People</h2>${people || '<p>No change.</p>'}
<h2>Tokens</h2>${tokens || '<p>No change.</p>'}
${outsiders ? `<h2>Not in the organization's membership</h2>${outsiders}` : ''}
</body></html>
`;
}
