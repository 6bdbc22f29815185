import {
  accessMatrix,
  accessMatrixJson,
  asciiJson,
  bindingLabel,
  clusterMatrix,
  type MatrixCell,
  type SubjectAccess,
} from '../analysis/access.ts';
import type { Authorizer } from '../analysis/authorizer.ts';
import type { BindingObject } from '../analysis/objects.ts';
import { accessHtml } from '../report/access-html.ts';
import { UsageError } from '../model/errors.ts';
import { defineCommand } from './command.ts';
import { lineWriter } from '../model/io.ts';
import { AsciiBytes, byText, shownName } from '../model/text.ts';
import { isBootstrapAccess } from '../analysis/bootstrap.ts';
import {
  answeringClusters,
  CLUSTER_FLAG,
  CLUSTER_HELP,
  loadClusterAuthorizers,
  NO_BOOTSTRAP_FLAG,
  NO_BOOTSTRAP_HELP,
} from './rbac.ts';
import { table } from './who-can.ts';
import { DEFAULT_OUTPUT_DIR } from './output.ts';
import { replaceFile } from './replace-file.ts';

const ACCESS_HELP = `Usage: orgctl access [--dir DIR] [--cluster NAME] [--format text|json|html] [--out FILE] [--no-bootstrap]

The access matrix of the manifests in DIR (default dist/): for every subject (users, service
accounts such as tokens, groups) and namespace, the catalog levels its effective rules cover
and the privilege classes it holds. "*" is access through ClusterRoleBindings, in every namespace.
--format html writes one self-contained page (people × namespaces coloured by strength, filters
by person, namespace and level, classes and warnings, tokens apart), to a terminal only with
--out. --out FILE writes any format to FILE instead of standard output.
The bootstrap access every cluster gives (discovery, health, self-reviews) is shown once, on the rows
of Group system:authenticated and system:unauthenticated, not in every member's cells.
${CLUSTER_HELP}
                  (each row then in a first column CLUSTERS, "clusters" in JSON: those where it
                  holds; a cell of the page that holds in some clusters only names them)
${NO_BOOTSTRAP_HELP}`;

/**
 * A cell's levels column; a cell only bootstrap bindings make reads `bootstrap: ` and their names,
 * not every URL. `bootstrap`: the labels of the bindings that give what the API server's do (a
 * dump's may be rewritten under their names: isBootstrapAccess), and their names.
 */
function levelsText(cell: MatrixCell, bootstrap: ReadonlyMap<string, string>): string {
  if (cell.via.length && cell.via.every((v) => bootstrap.has(v)))
    return `bootstrap: ${cell.via.map((v) => bootstrap.get(v)).join(' ')}`;
  return cell.levels.join(' ') || (cell.custom ? `custom: ${cell.custom.join('; ')}` : '-');
}

export const command = defineCommand({
  name: 'access',
  summary: 'Levels and privilege classes of every subject in every namespace.',
  help: ACCESS_HELP,
  flags: {
    dir: 'string',
    format: ['text', 'json', 'html'],
    out: 'string',
    [NO_BOOTSTRAP_FLAG]: 'boolean',
    [CLUSTER_FLAG]: 'string',
  },
  async run({ flags }, io) {
    const dir = flags.dir ?? DEFAULT_OUTPUT_DIR;
    // A page poured onto a terminal is read by nobody: said before anything is read.
    if (flags.format === 'html' && flags.out === undefined && io.stdoutIsTerminal)
      throw new UsageError(
        '--format html writes a page for a browser: give --out FILE (access.html), or redirect standard output',
      );
    const read = await loadClusterAuthorizers(dir, io, {
      bootstrap: !flags[NO_BOOTSTRAP_FLAG],
      ...(flags.cluster !== undefined ? { cluster: flags.cluster } : {}),
    });
    // Everyone's baseline once, on its groups' rows, rather than in every cell.
    const optionsOf = (authz: Authorizer) => ({ apart: (b: BindingObject) => isBootstrapAccess(b, authz.roleOf(b)) });
    // --out FILE gets what standard output would, in every format (it was html's alone: a json or
    // text report went to standard output, exit 0, and no file was written).
    const out = flags.out;
    const write = (text: string): number => {
      if (out === undefined) io.out(text);
      else {
        replaceFile(out, `${text}\n`);
        io.err(`wrote ${out}`);
      }
      return 0;
    };
    // Each cluster's own (R140-1), as can-i and who-can answer: one Authorizer of every cluster's
    // objects answers for none. One cluster (or --cluster): its Authorizer, as before.
    const each = answeringClusters(read);
    const merged =
      each.length > 1 ? clusterMatrix(each.map(([cluster, a]) => [cluster, accessMatrix(a, optionsOf(a))])) : undefined;
    if (flags.format === 'json') {
      // Several clusters: their matrices are built already (the first's when all give the same),
      // written as they are rather than the first cluster's made again.
      if (merged) return write(asciiJson(merged.matrix));
      // One line (at 10,000 people, indentation alone is tens of megabytes), written as it is made.
      // To a file, lineWriter collects the pieces and hands them over as text (an Io without outLine).
      const { authz } = read;
      const line = lineWriter(out === undefined ? io : { ...io, outLine: undefined, out: (text) => void write(text) });
      accessMatrixJson(authz, optionsOf(authz), new AsciiBytes((full) => line.write(full)));
      line.end();
      return 0;
    }
    const matrix: readonly SubjectAccess[] = merged?.matrix ?? accessMatrix(read.authz, optionsOf(read.authz));
    if (flags.format === 'html') {
      const title = `Access in ${dir}${flags.cluster !== undefined ? ` (cluster ${shownName(flags.cluster)})` : ''}`;
      return write(accessHtml(matrix, { title, ...(merged?.differ ? { clusters: each.map(([c]) => c) } : {}) }));
    }
    // The bindings that give what the API server's do, each cluster's: a role rewritten in one
    // cluster's folder makes its binding someone's grant there alone (R127-1).
    const labelsOf = new Map(
      each.map(([cluster, a]) => [
        cluster,
        new Map(a.set.bindings.filter(optionsOf(a).apart).map((b) => [bindingLabel(b), b.name])),
      ]),
    );
    const first = labelsOf.get(each[0]![0])!;
    /** Of a row in `clusters` (none: every cluster), the bootstrap labels in each of them. */
    const labelsIn = (clusters: readonly string[] | undefined) =>
      clusters
        ? new Map(
            [...labelsOf.get(clusters[0]!)!].filter(([label]) => clusters.every((c) => labelsOf.get(c)!.has(label))),
          )
        : first;
    // Where the clusters differ, which give each row comes first (as who-can's).
    const byClusters = merged?.differ ?? false;
    const rowsOf = (s: SubjectAccess): string[][] => {
      const labels = labelsIn(s.clusters);
      const cells = [...(s.cluster ? [['*', s.cluster] as const] : []), ...Object.entries(s.namespaces)];
      const clusters = byClusters ? [s.clusters?.map(shownName).join(',') ?? ''] : [];
      return cells.map(([ns, cell]) => [
        ...clusters,
        s.kind,
        s.name,
        ns,
        levelsText(cell, labels),
        cell.classes.join(' ') || '-',
      ]);
    };
    const header = [...(byClusters ? ['CLUSTERS'] : []), 'KIND', 'SUBJECT', 'NAMESPACE', 'LEVELS', 'CLASSES'];
    const rows: string[][] = [header];
    for (let k = 0; k < matrix.length; ) {
      // A subject's rows of several groups of clusters in the order of their namespaces ('*' first),
      // those of one namespace in the order of the clusters (a stable sort).
      let end = k + 1;
      while (byClusters && end < matrix.length && sameSubject(matrix[end]!, matrix[k]!)) end++;
      const own = matrix.slice(k, end).flatMap(rowsOf);
      if (end - k > 1) own.sort((a, b) => byText(a[3]!, b[3]!));
      rows.push(...own);
      k = end;
    }
    return write(table(rows));
  },
});

/** Whether two rows of the matrix are of one subject (clusterMatrix's rows of one subject are together). */
const sameSubject = (a: SubjectAccess, b: SubjectAccess): boolean => a.kind === b.kind && a.name === b.name;
