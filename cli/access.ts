import { accessMatrix, accessMatrixJson, bindingLabel, type MatrixCell } from '../analysis/access.ts';
import type { BindingObject } from '../analysis/objects.ts';
import { accessHtml } from '../report/access-html.ts';
import { UsageError } from '../model/errors.ts';
import { defineCommand } from './command.ts';
import { lineWriter } from '../model/io.ts';
import { AsciiBytes } from '../model/text.ts';
import { isBootstrapAccess } from '../analysis/bootstrap.ts';
import { loadAuthorizer, NO_BOOTSTRAP_FLAG, NO_BOOTSTRAP_HELP } from './rbac.ts';
import { table } from './who-can.ts';
import { DEFAULT_OUTPUT_DIR } from './output.ts';
import { replaceFile } from './replace-file.ts';

const ACCESS_HELP = `Usage: orgctl access [--dir DIR] [--format text|json|html] [--out FILE] [--no-bootstrap]

The access matrix of the manifests in DIR (default dist/): for every subject (users, service
accounts such as tokens, groups) and namespace, the catalog levels its effective rules cover
and the privilege classes it holds. "*" is access through ClusterRoleBindings, in every namespace.
--format html writes one self-contained page (people × namespaces coloured by strength, filters
by person, namespace and level, classes and warnings, tokens apart), to a terminal only with
--out. --out FILE writes any format to FILE instead of standard output.
The bootstrap access every cluster gives (discovery, health, self-reviews) is shown once, on the rows
of Group system:authenticated and system:unauthenticated, not in every member's cells.
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
  flags: { dir: 'string', format: ['text', 'json', 'html'], out: 'string', [NO_BOOTSTRAP_FLAG]: 'boolean' },
  async run({ flags }, io) {
    const dir = flags.dir ?? DEFAULT_OUTPUT_DIR;
    // A page poured onto a terminal is read by nobody: said before anything is read.
    if (flags.format === 'html' && flags.out === undefined && io.stdoutIsTerminal)
      throw new UsageError(
        '--format html writes a page for a browser: give --out FILE (access.html), or redirect standard output',
      );
    const authz = await loadAuthorizer(dir, io, { bootstrap: !flags[NO_BOOTSTRAP_FLAG] });
    // Everyone's baseline once, on its groups' rows, rather than in every cell.
    const bootstrap = (b: BindingObject) => isBootstrapAccess(b, authz.roleOf(b));
    const options = { apart: bootstrap };
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
    if (flags.format === 'json') {
      // One line (at 10,000 people, indentation alone is tens of megabytes), written as it is made.
      // To a file, lineWriter collects the pieces and hands them over as text (an Io without outLine).
      const line = lineWriter(out === undefined ? io : { ...io, outLine: undefined, out: (text) => void write(text) });
      accessMatrixJson(authz, options, new AsciiBytes((full) => line.write(full)));
      line.end();
      return 0;
    }
    const matrix = accessMatrix(authz, options);
    if (flags.format === 'html') return write(accessHtml(matrix, { title: `Access in ${dir}` }));
    const labels = new Map(authz.set.bindings.filter(bootstrap).map((b) => [bindingLabel(b), b.name]));
    const rows: string[][] = [['KIND', 'SUBJECT', 'NAMESPACE', 'LEVELS', 'CLASSES']];
    for (const s of matrix) {
      const cells = [...(s.cluster ? [['*', s.cluster] as const] : []), ...Object.entries(s.namespaces)];
      for (const [ns, cell] of cells)
        rows.push([s.kind, s.name, ns, levelsText(cell, labels), cell.classes.join(' ') || '-']);
    }
    return write(table(rows));
  },
});
