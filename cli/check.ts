import { resolveToday } from '../model/model.ts';
import { checkDeclaration } from '../constructs/analyze.ts';
import { rulesOf } from '../model/rules.ts';
import { dateFlag } from './args.ts';
import { defineCommand } from './command.ts';
import { loadDeclaration, placeFindings } from './load.ts';
import { declarationFile } from './paths.ts';
import { printFindings, summary } from '../report/findings.ts';

const CHECK_HELP = `Usage: orgctl check [--spec FILE] [--today YYYY-MM-DD] [--format text|json] [--list]

Runs every policy over the declaration and lists the findings; writes nothing. Custom rules
that allow what is reserved for admins fail here already. What only synth can see, in the
manifests it writes: risky-grant warnings, the Kubernetes schema and Argo CD's shard sizes.
Exit 0 when no finding is an error, 1 otherwise.

  --spec FILE    a YAML/JSON organization spec, or a .ts module (default: package.json's
                 "orgctl": { "spec": FILE }, else org/org.ts)
  --today DATE   the date grant expiry is judged on (default: ORGCTL_TODAY, else today)
  --format       text (default) or json
  --list         list the policies instead`;

/** What synth judges and check cannot: the manifests it writes. */
const LEFT_TO_SYNTH = 'synth also judges the manifests it writes (risky-grant, the Kubernetes schema, shard sizes)';

export const command = defineCommand({
  name: 'check',
  summary: 'Check every policy and list the findings; write nothing.',
  help: CHECK_HELP,
  flags: { spec: 'string', today: 'string', format: ['text', 'json'], list: 'boolean' },
  async run({ flags }, io) {
    if (flags.list) {
      // The registry's rules over a declaration and over what synth writes (review --help lists the change rules).
      const rules = [...rulesOf('declaration'), ...rulesOf('output')];
      if (flags.format === 'json') io.out(JSON.stringify(rules, null, 2));
      else
        for (const r of rules)
          io.out(
            `${r.id.padEnd(22)} ${r.severity.padEnd(7)} ${r.description}${r.stage === 'output' ? ' (checked by synth, over the rendered objects)' : ''}`,
          );
      return 0;
    }
    const today = resolveToday(dateFlag(flags.today), io.env);
    io.progress?.(`orgctl check: reading ${declarationFile(flags.spec)}...`);
    const loaded = await loadDeclaration(flags.spec, today, io);
    io.progress?.('orgctl check: checking policies...');
    // The rest of the app too: a chart synth would drop, another construct's failing validation.
    const checked = checkDeclaration(loaded.declared, { today });
    const findings = placeFindings(loaded, checked.findings);
    const { ok } = checked;
    if (flags.format === 'json') io.out(JSON.stringify({ ok, findings }, null, 2));
    else {
      printFindings(io, findings);
      // What a clean check leaves to synth, so its count is not read as synth's (which may warn).
      io.out(`${loaded.declaredIn}: ${summary(findings)}; ${LEFT_TO_SYNTH}`);
    }
    return ok ? 0 : 1;
  },
});
