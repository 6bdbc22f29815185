import { relative, resolve, sep } from 'node:path';
import { resolveToday } from '../model/model.ts';
import { synthesize } from '../constructs/synthesize.ts';
import { dateFlag } from './args.ts';
import { defineCommand } from './command.ts';
import { loadDeclaration, placeFindings } from './load.ts';
import { declarationFile, folderAbove } from './paths.ts';
import { compareWithDisk, DEFAULT_OUTPUT_DIR, isUpToDate, streamOutput } from './output.ts';
import { printFindings, summary } from '../report/findings.ts';
import { earlierWorkflowsNotice } from './workflows.ts';
import { outputFolderStamps, recordWrittenFrom, synthCommand } from './written-from.ts';

/**
 * The declaration as the headers name it: relative to its project (`project`: the nearest folder
 * with a package.json), so that synth --check gives the same answer from any working directory;
 * else as given.
 */
const projectPath = (declaredIn: string, project: string | undefined): string =>
  project ? relative(project, resolve(declaredIn)).split(sep).join('/') : declaredIn;

const SYNTH_HELP = `Usage: orgctl synth [--spec FILE] [--out DIR] [--check] [--today YYYY-MM-DD] [--format text|json]

Checks every policy; when none fails, writes the manifests into DIR (default dist/):
to a temporary folder first, swapped in only when complete. A failing run leaves DIR as it was.

  --spec FILE    a YAML/JSON organization spec, or a .ts module (default: package.json's
                 "orgctl": { "spec": FILE }, else org/org.ts)
  --out DIR      output folder (default: dist)
  --check        write nothing; exit 1 when DIR differs from a fresh synthesis
  --today DATE   the date grant expiry is judged on (default: ORGCTL_TODAY, else today)
  --format       text (default) or json`;

export const command = defineCommand({
  name: 'synth',
  summary: `Check every policy, then write the manifests into DIR (default dist/) atomically.
--check: write nothing; exit 1 when DIR differs from a fresh synthesis (CI).`,
  help: SYNTH_HELP,
  flags: { spec: 'string', out: 'string', check: 'boolean', today: 'string', format: ['text', 'json'] },
  async run({ flags }, io) {
    const today = resolveToday(dateFlag(flags.today), io.env);
    // To the fraction, as files' times are: Date.now()'s whole millisecond made a declaration saved
    // just before, within that millisecond, count as saved while synth ran (can-i then warned).
    const startedMs = performance.timeOrigin + performance.now();
    const out = flags.out ?? DEFAULT_OUTPUT_DIR;
    const json = flags.format === 'json';
    io.progress?.(`orgctl synth: reading ${declarationFile(flags.spec)}...`);
    const loaded = await loadDeclaration(flags.spec, today, io);
    io.progress?.('orgctl synth: checking policies, rendering and judging the output...');
    const project = folderAbove(resolve(loaded.declaredIn), 'package.json');
    const declaredIn = projectPath(loaded.declaredIn, project);
    // Each file written as it is rendered (into the folder swapped in when all is well), not kept:
    // --check compares the files' texts instead.
    const output = flags.check ? undefined : streamOutput(out);
    try {
      return await synthAndWrite();
    } finally {
      output?.abandon();
    }

    async function synthAndWrite(): Promise<number> {
      const synthesized = synthesize(loaded.declared, { today, declaredIn }, output);
      const result = { ...synthesized, findings: placeFindings(loaded, synthesized.findings) };
      io.progress?.(`orgctl synth: ${flags.check ? 'comparing with' : 'writing'} ${out}/...`);
      const objects = result.documents;

      if (!json) printFindings(io, result.findings);
      const workflows =
        project === undefined ? undefined : earlierWorkflowsNotice(project, synthesized.model.argocd?.revision);
      if (workflows) io.err(workflows);
      if (!result.ok) {
        if (json) io.out(JSON.stringify({ ok: false, findings: result.findings }, null, 2));
        else io.err(`synthesis failed: ${summary(result.findings)}; ${out}/ left unchanged`);
        return 1;
      }
      if (flags.check) {
        // Stamped before the comparison: a synthesis swapping its output in after it leaves stamps
        // of folders that are gone, and a record nothing matches, not this declaration's over its output.
        const folders = outputFolderStamps(out);
        const stale = compareWithDisk(out, result.files);
        const fresh = isUpToDate(stale);
        if (fresh) recordWrittenFrom(out, loaded.sources, startedMs, folders);
        if (json) io.out(JSON.stringify({ ok: fresh, findings: result.findings, ...stale }, null, 2));
        else if (fresh)
          io.out(
            `${out}/ is up to date (${result.files.length} files, ${objects} objects; ${summary(result.findings)})`,
          );
        else {
          for (const p of stale.missing) io.err(`missing ${out}/${p}`);
          for (const p of stale.changed) io.err(`changed ${out}/${p}`);
          for (const p of stale.extra) io.err(`extra   ${out}/${p}`);
          io.err(`${out}/ is stale: run \`${synthCommand(loaded.sources[0]!, out)}\` and commit the result`);
        }
        return fresh ? 0 : 1;
      }
      // What can-i, who-can and access compare with the declaration as it is when they answer:
      // recorded before the lock goes, so that it is this output's, not the next writer's.
      const written = output!.finish(() => recordWrittenFrom(out, loaded.sources, startedMs));
      if (json) io.out(JSON.stringify({ ok: true, written, findings: result.findings, files: result.paths }, null, 2));
      else
        io.out(
          `${written ? 'wrote' : 'unchanged:'} ${out}/ from ${loaded.declaredIn}: ${result.paths.length} files, ${objects} objects; ${summary(result.findings)}`,
        );
      return 0;
    }
  },
});
