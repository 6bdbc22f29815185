import { readFileSync } from 'node:fs';
import { Construct } from 'constructs';
import { Organization } from '../constructs/organization.ts';
import { resolveToday } from '../model/model.ts';
import type { OrgSpec } from '../constructs/spec.ts';
import { toYamlDocument } from '../synth/yaml.ts';
import { formatFinding, type Finding } from '../model/findings.ts';
import { runPolicies } from '../policies/org/index.ts';
import { importRbac } from '../review/import.ts';
import { orgFlag, ownerFlag } from './args.ts';
import { defineCommand } from './command.ts';
import { InputError, UsageError } from '../model/errors.ts';
import type { Io } from '../model/io.ts';
import { loadManifests, parseManifestText } from './manifests.ts';
import { showHidden } from '../model/text.ts';

/** The policies over an imported spec; a spec orgctl cannot even declare is one finding. */
function policyFindingsOf(spec: OrgSpec, today: string): Finding[] {
  try {
    const org = Organization.fromSpec(new Construct(undefined as never, ''), spec, { today });
    return runPolicies(org.toModel(), { today }).filter((f) => f.severity === 'error');
  } catch (e) {
    return [{ severity: 'error', rule: 'declaration', subject: 'spec', message: (e as Error).message, source: 'spec' }];
  }
}

/** What prints a cluster's RBAC for import. */
const KUBECTL_DUMP =
  'kubectl get namespaces,roles,rolebindings,clusterroles,clusterrolebindings,serviceaccounts -A -o yaml';

/** An object with an apiVersion and a kind: what a manifest holds (a values file or a config holds neither). */
const isKubernetesObject = (o: unknown): boolean =>
  typeof (o as { kind?: unknown })?.kind === 'string' &&
  typeof (o as { apiVersion?: unknown })?.apiVersion === 'string';

/**
 * Documents that cannot be read, as an error: a spec imported without them would revoke whatever
 * they grant (applied, it is the whole of the access), so nothing is imported.
 */
function unreadable(read: readonly string[], from: string): string {
  const problems = read.map(showHidden); // each on one line, whatever a file's name holds (R67-4)
  const one = problems.length === 1;
  const [it, holds, grants, them] = one ? ['it', 'holds', 'grants', 'it'] : ['they', 'hold', 'grant', 'them'];
  return [
    ...(one
      ? problems
      : [
          `${problems.length} documents of ${from === '-' ? 'standard input' : from} cannot be read:`,
          ...problems.map((p) => `  ${p}`),
        ]),
    `nothing is imported: a spec made without what ${it} ${holds} would revoke the access ${it} ${grants}; fix ${them}, or leave ${them} out of --from`,
  ].join('\n');
}

/**
 * The organization spec of existing RBAC (a folder, a file, or `-` for standard input); what cannot
 * be mapped or carried over, and what the policies refuse in it, listed on standard error.
 */
export function importSpec(
  from: string,
  options: { org?: string; owner?: string },
  io: Io,
): { readonly spec: OrgSpec; readonly argocdNamespace?: string } {
  // Asked for, standard input is read; on a terminal, silence would read as a hang.
  if (from === '-' && io.stdinIsTerminal)
    io.err(
      `reading the cluster dump from standard input, a terminal: paste it and end with Ctrl-D, or pipe in what ${KUBECTL_DUMP} prints`,
    );
  const loaded =
    from === '-' ? parseManifestText(io.stdin ? io.stdin() : readFileSync(0, 'utf8'), 'stdin') : loadManifests(from);
  if (loaded.problems.length) throw new InputError(unreadable(loaded.problems, from));
  if (!loaded.docs.some((d) => isKubernetesObject(d.object))) {
    throw new InputError(
      `${from === '-' ? 'standard input' : from} holds no Kubernetes object (no document has apiVersion and kind): nothing to import; give RBAC manifests (a folder or file of them, or what ${KUBECTL_DUMP} prints)`,
    );
  }
  const { spec, report, otherwise, losses, argocdNamespace } = importRbac(loaded.docs, options);
  // One line each: a dump's names are its namespace admins' (a line break would write a line of theirs, R30-2).
  for (const line of report) io.err(showHidden(`not imported: ${line}`));
  for (const line of otherwise) io.err(showHidden(`import: ${line}`));
  for (const line of losses) io.err(showHidden(`import: cannot carry over ${line}`));
  // What the cluster grants may be what orgctl refuses (a non-admin who can run pods): say so now.
  for (const f of policyFindingsOf(spec, resolveToday(undefined, io.env)))
    io.err(`the imported spec: ${formatFinding(f)}`);
  return { spec, ...(argocdNamespace !== undefined ? { argocdNamespace } : {}) };
}

const IMPORT_HELP = `Usage: orgctl import --from DIR|FILE|- [--org NAME] [--owner EMAIL] [--format yaml|json]

Reads existing RBAC (a folder, a file, or what
  ${KUBECTL_DUMP}
prints on standard input) and prints an organization spec: namespaces, users (User subjects),
levels where a binding's role is exactly a catalog level, custom roles for everything else, and
tokens for ServiceAccounts that hold bindings. What cannot be mapped (groups, cluster-wide
bindings, system subjects) is listed on standard error, never silently dropped; so is what the
spec cannot carry over (grant expiry dates, the grants of deactivated users, grants through
roles, roles no binding grants, ServiceAccounts without bindings). A document that cannot be
read (bad YAML or JSON) is an error, and nothing is imported: a spec without it would revoke
what it grants.

  --org NAME     the organization's name (default: the membership's, else the one orgctl's
                 ClusterRoles are labelled with, else org); when the input
                 holds two organizations' outputs, which one's membership is read
  --owner EMAIL  the owner (default: the membership's, else the first admin found)`;

export const command = defineCommand({
  name: 'import',
  summary: 'An organization spec from existing RBAC; what cannot be mapped is listed.',
  help: IMPORT_HELP,
  flags: { from: 'string', org: 'string', owner: 'string', format: ['yaml', 'json'] },
  run({ flags }, io) {
    const from = flags.from;
    if (!from) throw new UsageError('--from DIR|FILE|- is required');
    const owner = flags.owner;
    if (owner !== undefined) ownerFlag(owner);
    if (flags.org !== undefined) orgFlag(flags.org);
    const { spec } = importSpec(from, { org: flags.org, owner }, io);
    io.out(
      flags.format === 'json'
        ? JSON.stringify(spec, null, 2)
        : toYamlDocument(spec as unknown as Record<string, unknown>).trimEnd(),
    );
    return 0;
  },
});
