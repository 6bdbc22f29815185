/**
 * `orgctl prove`: is an output folder exactly what orgctl renders from the organization it
 * describes, and does that organization pass every policy? The privileged review proves head dist/
 * the same way; this command answers for any output, in CI or an audit.
 */
import { resolveToday } from '../model/model.ts';
import { formatFinding } from '../model/findings.ts';
import { proofRecord, proveOutput } from '../review/proof.ts';
import { dateFlag } from './args.ts';
import { defineCommand } from './command.ts';
import { DEFAULT_OUTPUT_DIR, DEFAULT_OUTPUT_SIDE } from './output.ts';
import { loadSide } from './git.ts';
import { RUNNING_ENGINE } from './engine.ts';
import { readRbac } from '../analysis/objects.ts';
import { readMembership } from '../analysis/snapshot.ts';

const PROVE_HELP = `Usage: orgctl prove [--dir DIR|REF] [--today YYYY-MM-DD] [--format text|json]

Recovers the organization from an output folder's own data (membership ConfigMaps and bindings),
renders it with this orgctl, and compares the two byte for byte; then runs every policy on it.
Only orgctl's layout and YAML are read (anything else is an input error). No declaration is run.

  --dir     a folder, or a git ref whose dist/ is read from git objects (REF or REF:folder); default dist
  --today   the date grant and token expiry are judged on (default: ORGCTL_TODAY, else today)
  --format  text (default) or json: { engine: { name, version }, ok, differences, findings, recovered },
            the engine being this orgctl (orgctl review --head-proof reads it)

Exit 0 when the output proves itself and every policy passes, 1 when not, 2 on unreadable input.`;

export const command = defineCommand({
  name: 'prove',
  summary: 'Whether DIR is exactly what orgctl renders from the organization it describes; every policy on it.',
  help: PROVE_HELP,
  flags: { dir: 'string', today: 'string', format: ['text', 'json'] },
  run({ flags }, io) {
    const dir = flags.dir ?? DEFAULT_OUTPUT_SIDE;
    // Said as the person wrote it, or as the folder's name when they wrote none.
    const shown = flags.dir ?? DEFAULT_OUTPUT_DIR;
    const today = resolveToday(dateFlag(flags.today), io.env);
    io.progress?.(`orgctl prove: reading ${shown}...`);
    const side = loadSide(dir);
    // Membership read as diff and review read it: data that cannot be read is an input error. Read
    // as import reads it (left out), every admin was judged a non-admin, and nothing said why.
    const read = { rbac: readRbac(side.docs), membership: readMembership(side.docs, shown) };
    io.progress?.('orgctl prove: re-rendering and comparing...');
    const proof = proveOutput(side.files, side.docs, today, read);
    io.progress?.('');
    if (flags.format === 'json') io.out(JSON.stringify({ engine: RUNNING_ENGINE, ...proofRecord(proof) }));
    else {
      for (const d of proof.differences) io.err(`error output-proof ${d}`);
      for (const f of proof.findings) io.err(formatFinding(f));
      io.out(
        proof.ok
          ? `${shown}: proved (exactly what orgctl renders from the organization it describes; every policy passes)`
          : `${shown}: not proved (${proof.differences.length} difference(s), ${proof.findings.filter((f) => f.severity === 'error').length} policy error(s))`,
      );
    }
    return proof.ok ? 0 : 1;
  },
});
