/**
 * orgctl: the command line. Exit codes: 0 ok, 1 the declaration breaks a policy (or
 * `--check` found dist/ stale), 2 bad usage or unreadable input.
 */
import { ERROR_KINDS, kindOf, type ErrorKind, type SpecError } from '../model/errors.ts';
import type { Io } from '../model/io.ts';

/** How each kind of error reads on stderr (model/errors.ts gives its exit code). */
const ERROR_TEXT: Record<ErrorKind, (command: string, e: Error) => string> = {
  usage: (command, e) => `orgctl ${command}: ${e.message}\nRun \`orgctl ${command} --help\` for usage.`,
  input: (command, e) => `orgctl ${command}: ${e.message}`,
  output: (command, e) => `orgctl ${command}: ${e.message}`,
  spec: (_, e) => (e as SpecError).problems.map((p) => `error spec ${p}`).join('\n'),
  module: (_, e) => `error declaration ${e.message}`,
  declaration: (_, e) => `error declaration ${e.message}`,
};

export const USAGE = `orgctl — a cloud organization's people and access as code

Usage:
  orgctl synth [--spec FILE] [--out DIR] [--check] [--today YYYY-MM-DD] [--format text|json]
      Check every policy, then write the manifests into DIR (default dist/) atomically.
      --check: write nothing; exit 1 when DIR differs from a fresh synthesis (CI).
  orgctl check [--spec FILE] [--today YYYY-MM-DD] [--format text|json]
      Check every policy and list the findings; write nothing.
  orgctl levels [--format text|json]
      The access-level catalog.
  orgctl can-i VERB TYPE[/NAME] [--subresource SUB] [-n NS] --as USER [--as-group G]... [--dir DIR]
      yes or no, as the Kubernetes RBAC authorizer would answer, from DIR (default dist/).
  orgctl who-can VERB TYPE[/NAME] [-n NS] [--dir DIR] [--format table|json]
      Every subject that may, with the binding and role that grant it.
  orgctl access [--dir DIR] [--format table|json]
      Levels and privilege classes of every subject in every namespace.
  orgctl diff --base DIR|REF --head DIR|REF [--format md|json]
      Who gains or loses what, per person and per token.
  orgctl review --base DIR|REF --head DIR|REF --actor LOGIN... [--approved-by LOGIN...] [--changed-path PATH...]
  orgctl review --github
      The change rules (self-edit, admin approvals, ...), judged against base membership.
  orgctl prove [--dir DIR|REF] [--today YYYY-MM-DD] [--format text|json]
      Whether DIR is exactly what orgctl renders from the organization it describes; every policy on it.
  orgctl kubeconfig TOKEN_ID --server URL [--secret FILE|-] [--namespace NS] [--out FILE [--force]]
      A kubeconfig for a token, from its Secret (kubectl get secret -o json).
  orgctl members [--dir DIR] [--format table|json]
      Users, invites and tokens, as synthesized.
  orgctl explain USER|TOKEN [-n NS] [VERB TYPE[/NAME]] [--spec FILE]
      Every permission traced to its declaration; why a request is allowed or denied.
  orgctl import --from DIR|FILE|- [--org NAME] [--owner EMAIL] [--format yaml|json]
      An organization spec from existing RBAC; what cannot be mapped is listed.
  orgctl generate --users N --namespaces M --grants G --tokens T [--admins A] [--seed S] [--format yaml|json]
      A realistic organization spec, the same for the same seed (benchmarks, tests).

The declaration is org/org.ts (its default export) unless --spec names a YAML/JSON spec.
Exit codes: 0 ok, 1 policy errors or stale output, 2 bad usage or unreadable input.
Run \`orgctl COMMAND --help\` for one command.`;

type Command = (argv: readonly string[], io: Io) => Promise<number> | number;

// Loaded on demand: can-i need not load cdk8s, the schema or the constructs.
const COMMANDS: Record<string, () => Promise<Command>> = {
  synth: async () => (await import('./synth.ts')).synthCommand,
  check: async () => (await import('./check.ts')).checkCommand,
  levels: async () => (await import('./levels.ts')).levelsCommand,
  'can-i': async () => (await import('./can-i.ts')).canICommand,
  'who-can': async () => (await import('./who-can.ts')).whoCanCommand,
  access: async () => (await import('./access.ts')).accessCommand,
  diff: async () => (await import('./diff.ts')).diffCommand,
  review: async () => (await import('./review.ts')).reviewCommand,
  prove: async () => (await import('./prove.ts')).proveCommand,
  kubeconfig: async () => (await import('./kubeconfig.ts')).kubeconfigCommand,
  members: async () => (await import('./members.ts')).membersCommand,
  generate: async () => (await import('./generate.ts')).generateCommand,
  explain: async () => (await import('./explain.ts')).explainCommand,
  import: async () => (await import('./import.ts')).importCommand,
};

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE);
    return command === undefined ? 2 : 0;
  }
  const load = COMMANDS[command];
  if (!load) {
    io.err(`orgctl: unknown command ${JSON.stringify(command)} (commands: ${Object.keys(COMMANDS).join(', ')})\n\n${USAGE}`);
    return 2;
  }
  try {
    return await (await load())(rest, io);
  } catch (e) {
    // By kind, not class: a declaration module may load its own copy of orgctl's classes.
    const kind = kindOf(e);
    if (kind) {
      io.err(ERROR_TEXT[kind](command, e as Error));
      return ERROR_KINDS[kind].exit;
    }
    const err = e as Error;
    io.err(`orgctl ${command}: ${err.message}${io.env.ORGCTL_DEBUG ? `\n${err.stack}` : ' (set ORGCTL_DEBUG=1 for details)'}`);
    return 2;
  }
}
