import { generateSpec } from '../constructs/generate.ts';
import { toYamlDocument } from '../constructs/yaml.ts';
import { parseArgs, UsageError } from './args.ts';
import type { Io } from './io.ts';

export const GENERATE_HELP = `Usage: orgctl generate --users N --namespaces M --grants G --tokens T [--admins A] [--seed S] [--format yaml|json]

Prints a valid, realistic organization spec: most users in a few namespaces and some in many, a
few admins, tokens with 1-5 namespaces, some deactivated users, invites and custom-RBAC tokens.
The same seed gives the same spec. Sizes of the benchmark: S 200/50/2000/20, M 2000/400/20000/200,
L 10000/2000/100000/1000.`;

function count(v: unknown, name: string, min = 0): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`--${name} ${JSON.stringify(v)} is not a whole number${min ? ` of ${min} or more` : ''}`);
  return Number(v);
}

export function generateCommand(argv: readonly string[], io: Io): number {
  const { flags, positionals } = parseArgs(
    argv,
    { users: 'string', namespaces: 'string', grants: 'string', tokens: 'string', admins: 'string', seed: 'string', format: ['yaml', 'json'], help: 'boolean' },
    { h: 'help' },
  );
  if (flags.help) {
    io.out(GENERATE_HELP);
    return 0;
  }
  if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const need = (name: string, min: number) => {
    const n = count(flags[name], name, min);
    if (n === undefined) throw new UsageError(`--${name} is required`);
    return n;
  };
  const spec = generateSpec({
    users: need('users', 1),
    namespaces: need('namespaces', 1),
    grants: need('grants', 0),
    tokens: need('tokens', 0),
    ...(flags.admins !== undefined ? { admins: count(flags.admins, 'admins', 1) } : {}),
    seed: count(flags.seed, 'seed') ?? 1,
  });
  io.out(flags.format === 'json' ? JSON.stringify(spec) : toYamlDocument(spec as unknown as Record<string, unknown>).trimEnd());
  return 0;
}
