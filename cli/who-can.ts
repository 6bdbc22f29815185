import type { PolicyRule } from '../model/catalog.ts';
import type { Authorizer } from '../analysis/authorizer.ts';
import { ruleAllows, ruleAllowsNonResource } from '../analysis/rules.ts';
import { describeRule } from '../analysis/classes.ts';
import { defineCommand } from './command.ts';
import { UsageError } from '../model/errors.ts';
import { isBootstrapAccess } from '../analysis/bootstrap.ts';
import { endedBinding } from '../analysis/ended-access.ts';
import { resolveToday } from '../model/model.ts';
import { dateFlag } from './args.ts';
import {
  answeringClusters,
  checkVerb,
  CLUSTER_FLAG,
  CLUSTER_HELP,
  clusterBindings,
  loadRbacRead,
  NO_BOOTSTRAP_FLAG,
  NO_BOOTSTRAP_HELP,
  resolveTarget,
  resourceQuestion,
  warnUnknown,
} from './rbac.ts';
import { DEFAULT_OUTPUT_DIR } from './output.ts';
import { askedOutput } from './written-from.ts';
import { hasHidden, showHidden, shownName } from '../model/text.ts';

const WHO_CAN_HELP = `Usage: orgctl who-can VERB TYPE[/NAME]|URL [--subresource SUB] [-n NS] [--dir DIR] [--cluster NAME] [--today YYYY-MM-DD] [--format text|json] [--no-bootstrap]

Every subject that may do VERB on TYPE, with the binding and role that grant it, from the
manifests in DIR (default dist/). Without -n, every namespace that has bindings is searched.
The bootstrap ClusterRoleBindings every cluster has count (marked "(bootstrap)"; "bootstrap": true
in JSON): Group system:authenticated may get /healthz, discovery, and create self-reviews;
Group system:masters (cluster-admin) may do anything.
  --today DATE    the day a temporary grant's end is judged on (default: ORGCTL_TODAY, else today): a
                  person listed through a binding whose grant ended before it stays listed (dist/
                  binds them until it is synthesized again and Argo CD syncs), with a warning on
                  stderr for each ("ended": its last day, in JSON)
${CLUSTER_HELP}
                  (each row then in a first column CLUSTERS, "clusters" in JSON: those that grant it)
${NO_BOOTSTRAP_HELP}
Examples:
  orgctl who-can create pods -n web
  orgctl who-can get pods -n ml --cluster lga1`;

interface Row {
  readonly subjectKind: string;
  readonly subject: string;
  readonly namespace: string;
  readonly binding: string;
  readonly role: string;
  readonly rule: string;
  /** A bootstrap ClusterRoleBinding every cluster has (analysis/bootstrap.ts); absent otherwise. */
  readonly bootstrap?: true;
  /** The last day of the subject's access through this binding, when it is before the day asked (analysis/ended-access.ts). */
  readonly ended?: string;
  /** The clusters whose objects grant it, when the clusters of the output do not all grant the same. */
  readonly clusters?: readonly string[];
}

/**
 * Each cluster's rows as one list: as they are when every cluster grants the same (one cluster: its
 * own); else every row any grants, in the order first granted, with the clusters that grant it.
 */
function clusterRows(
  each: readonly { readonly cluster: string; readonly rows: readonly Row[]; readonly keys: readonly string[] }[],
): Row[] {
  // One cluster (or --cluster): its rows, nothing to compare them with.
  const first = each.length > 1 ? each[0]!.keys.join('\n') : '';
  if (each.length < 2 || each.every((x) => x.keys.join('\n') === first)) return [...(each[0]?.rows ?? [])];
  const found = new Map<string, { row: Row; clusters: string[] }>();
  each.forEach(({ cluster, rows, keys }) =>
    rows.forEach((row, i) => {
      const key = keys[i]!;
      const at = found.get(key);
      if (at) at.clusters.push(cluster);
      else found.set(key, { row, clusters: [cluster] });
    }),
  );
  return [...found.values()].map(({ row, clusters }) => ({ ...row, clusters }));
}

export const command = defineCommand({
  name: 'who-can',
  summary: 'Every subject that may, with the binding and role that grant it.',
  help: WHO_CAN_HELP,
  flags: {
    namespace: 'string',
    subresource: 'string',
    dir: 'string',
    format: ['text', 'json'],
    today: 'string',
    [NO_BOOTSTRAP_FLAG]: 'boolean',
    [CLUSTER_FLAG]: 'string',
  },
  aliases: { n: 'namespace' },
  positionals: true,
  async run({ flags, positionals }, io) {
    if (positionals.length !== 2)
      throw new UsageError(`expected VERB and TYPE[/NAME], got ${positionals.length} argument(s)`);
    const [verb, what] = positionals as [string, string];
    const todayFlag = dateFlag(flags.today);
    // A non-resource URL (/healthz), as can-i takes it: only ClusterRoleBindings can grant one.
    const url = what.startsWith('/');
    const t = url
      ? { apiGroup: '', resource: '', subresource: '', name: '', namespaced: false }
      : resolveTarget(what, flags.subresource ?? '', io);
    // A request on Namespace object X is evaluated in X (the API server's RequestInfo): X's
    // RoleBindings count too. Any other cluster-scoped type: ClusterRoleBindings only.
    const objectNamespace = url || t.namespaced ? '' : resourceQuestion(verb, t, {}).evaluatedIn;
    // One namespace (or none: ClusterRoleBindings only) is a question a partial read answers.
    const namespace = !t.namespaced ? objectNamespace : flags.namespace;
    const read = await loadRbacRead(flags.dir ?? DEFAULT_OUTPUT_DIR, io, {
      bootstrap: !flags[NO_BOOTSTRAP_FLAG],
      ...(flags.cluster !== undefined ? { cluster: flags.cluster } : {}),
      ...(namespace !== undefined ? { question: { namespace } } : {}),
    });
    const { authz, dated } = read;
    checkVerb(verb, url, authz.set, namespace, `in ${showHidden(flags.dir ?? DEFAULT_OUTPUT_DIR)}`);
    if (t.namespaced)
      warnUnknown(authz, io, {
        namespace: flags.namespace,
        dir: flags.dir ?? DEFAULT_OUTPUT_DIR,
        ...clusterBindings(flags.dir ?? DEFAULT_OUTPUT_DIR, flags.cluster),
        ...(read.stamp ? { asRead: read.stamp } : {}), // its membership data, of the output read (R147)
      });
    const req = { verb, apiGroup: t.apiGroup, resource: t.resource, subresource: t.subresource, name: t.name };
    const allows = (r: PolicyRule) => (url ? ruleAllowsNonResource(r, { verb, path: what }) : ruleAllows(r, req));
    // The day is resolved only when someone's access has an end recorded.
    const today = dated?.byUsername.size ? resolveToday(todayFlag, io.env) : '';
    // Read (the folder's record) only when someone's access has an end recorded.
    const output = dated?.byUsername.size ? askedOutput(flags.dir ?? DEFAULT_OUTPUT_DIR) : undefined;
    /** The rows `a` (one cluster's Authorizer) grants, each's JSON (what tells rows apart), and the warning of each ended one. */
    const rowsOf = (a: Authorizer): { rows: Row[]; keys: string[]; warnings: string[] } => {
      // ClusterRoleBindings ('') reach every namespace: always part of the answer.
      const scopes = !t.namespaced
        ? objectNamespace
          ? ['', objectNamespace]
          : ['']
        : flags.namespace !== undefined
          ? ['', flags.namespace]
          : ['', ...a.namespacesWithBindings()];
      const rows: Row[] = [];
      const keys: string[] = [];
      const warnings: string[] = [];
      const seen = new Set<string>();
      for (const scope of scopes) {
        for (const b of scope ? a.bindingsFor(scope).filter((x) => x.kind === 'RoleBinding') : a.bindingsFor('')) {
          const role = a.roleOf(b);
          const i = role?.rules.findIndex(allows) ?? -1;
          if (!role || i < 0) continue;
          for (const s of b.subjects) {
            const subject = s.kind === 'ServiceAccount' ? `${s.namespace || b.namespace}:${s.name}` : s.name;
            const ended = s.kind === 'User' && output ? endedBinding(b, s.name, dated, today, output) : undefined;
            const row = {
              subjectKind: s.kind,
              subject,
              namespace: b.namespace || '*',
              binding: `${b.kind} ${b.name}`,
              role: `${role.kind} ${role.name}`,
              rule: `${i}: ${describeRule(role.rules[i]!)}`,
              ...(isBootstrapAccess(b, role) ? { bootstrap: true as const } : {}),
              ...(ended ? { ended: ended.until } : {}),
            };
            const key = JSON.stringify(row);
            if (!seen.has(key)) {
              seen.add(key);
              rows.push(row);
              keys.push(key);
              if (ended) warnings.push(ended.warning);
            }
          }
        }
      }
      return { rows, keys, warnings };
    };
    // Each cluster's own (R139-1): where they differ, each row says in which clusters it holds.
    const each = answeringClusters(read).map(([cluster, a]) => ({ cluster, ...rowsOf(a) }));
    const rows = clusterRows(each);
    for (const warning of new Set(each.flatMap((x) => x.warnings))) io.err(showHidden(`warning: ${warning}`)); // the folder's name, on one line
    if (flags.format === 'json') {
      io.out(JSON.stringify(rows, null, 2));
      return 0;
    }
    if (!rows.length) {
      io.out(`nobody may ${verb} ${what}${flags.namespace ? ` in ${flags.namespace}` : ''}`);
      return 0;
    }
    // Where the clusters differ, which grant each row comes first (kubectl asks one cluster).
    const byClusters = rows.some((r) => r.clusters);
    const header: Row = {
      clusters: ['CLUSTERS'],
      subjectKind: 'KIND',
      subject: 'SUBJECT',
      namespace: 'NAMESPACE',
      binding: 'BINDING',
      role: 'ROLE',
      rule: 'RULE',
    };
    io.out(
      table(
        [header, ...rows].map((r) => [
          ...(byClusters ? [r.clusters?.map(shownName).join(',') ?? ''] : []),
          r.subjectKind,
          r.subject,
          r.namespace,
          r.bootstrap ? `${r.binding} (bootstrap)` : r.binding,
          r.role,
          r.rule,
        ]),
      ),
    );
    return 0;
  },
});

/**
 * Columns padded to their widest cell, `gap` spaces apart (kubectl's tabwriter pads by 3: can-i
 * --list); a cell on one line, whatever its data holds (a line break is a row of someone's, R29-1,
 * R67-2), and what draws as nothing shown (showHidden).
 */
export function table(given: readonly (readonly string[])[], gap = 2): string {
  const rows = given.map((r) => r.map((cell) => (hasHidden(cell) ? showHidden(cell) : cell)));
  // A loop, not Math.max(...): spreading 100,000 rows as arguments overflows the stack.
  const widths = rows[0]!.map(() => 0);
  for (const r of rows) r.forEach((cell, c) => (widths[c] = Math.max(widths[c]!, cell.length)));
  return rows
    .map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]! + gap))).join(''))
    .join('\n');
}
