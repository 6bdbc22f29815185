import { generateSpec } from '../constructs/generate.ts';
import { toYamlDocument } from '../synth/yaml.ts';
import { wholeNumber } from './args.ts';
import { defineCommand } from './command.ts';
import { UsageError } from '../model/errors.ts';

/** The most of anything generate makes: twice size XL's grants (more ran out of memory after minutes). */
const GENERATE_MOST = 1_000_000;

const GENERATE_HELP = `Usage: orgctl generate --users N --namespaces M --grants G --tokens T [--admins A] [--invites I]
                       [--seed S] [--format yaml|json]

Prints a valid, realistic organization spec: most users in a few namespaces and some in many, a
few admins, tokens with 1-5 namespaces, some deactivated users, invites and custom-RBAC tokens.
The same seed gives the same spec. Past 2,560 namespaces it declares delivery.shards (one shard per
80 namespaces or so, a power of two) so that every Argo CD Application stays within its limits.
Sizes of the benchmark (users/namespaces/grants/tokens[/invites]): S 200/50/2000/20,
M 2000/400/20000/200, L 10000/2000/100000/1000, XL 50000/10000/500000/5000/20000. Each count is
at most ${GENERATE_MOST.toLocaleString('en-US')}.

  --admins A   admins among the users (default users / 500, at least 2)
  --invites I  pending and revoked invitations (default users / 200, at least 1)`;

/** The largest seed: the generator reads it as an unsigned 32-bit number (seededRandom). */
const SEED_MOST = 0xffffffff;

/** `--name v` as a whole number of `min` or more, at most `most` (`over` says why not, else generate makes no more). */
function count(
  v: string | undefined,
  name: string,
  min = 0,
  most = GENERATE_MOST,
  over = `is more than generate makes (at most ${most.toLocaleString('en-US')})`,
): number | undefined {
  if (v === undefined) return undefined;
  const n = wholeNumber(v, min);
  if (n === undefined)
    throw new UsageError(`--${name} ${JSON.stringify(v)} is not a whole number${min ? ` of ${min} or more` : ''}`);
  if (n > most) throw new UsageError(`--${name} ${n} ${over}`);
  return n;
}

export const command = defineCommand({
  name: 'generate',
  summary: 'A realistic organization spec, the same for the same seed (benchmarks, tests).',
  help: GENERATE_HELP,
  flags: {
    users: 'string',
    namespaces: 'string',
    grants: 'string',
    tokens: 'string',
    admins: 'string',
    invites: 'string',
    seed: 'string',
    format: ['yaml', 'json'],
  },
  run({ flags }, io) {
    const need = (name: 'users' | 'namespaces' | 'grants' | 'tokens', min: number) => {
      const n = count(flags[name], name, min);
      if (n === undefined) throw new UsageError(`--${name} is required`);
      return n;
    };
    const users = need('users', 1);
    const admins = flags.admins !== undefined ? count(flags.admins, 'admins', 1)! : undefined;
    if (admins !== undefined && admins > users)
      throw new UsageError(`--admins ${admins} is more than --users ${users}`);
    const seed = count(flags.seed, 'seed', 0, SEED_MOST, `is too large (at most ${SEED_MOST})`) ?? 1;
    const spec = generateSpec({
      users,
      namespaces: need('namespaces', 1),
      grants: need('grants', 0),
      tokens: need('tokens', 0),
      ...(admins !== undefined ? { admins } : {}),
      ...(flags.invites !== undefined ? { invites: count(flags.invites, 'invites')! } : {}),
      seed,
    });
    // Grants are distinct (person, namespace) pairs of non-admins: a small organization holds fewer.
    const asked = need('grants', 0);
    const made = spec.spec.grants?.length ?? 0;
    if (made < asked)
      io.err(
        `generate: ${made} grants, not ${asked}: ${users} users and ${need('namespaces', 1)} namespaces hold no more distinct (non-admin user, namespace) pairs`,
      );
    io.out(
      flags.format === 'json'
        ? JSON.stringify(spec)
        : toYamlDocument(spec as unknown as Record<string, unknown>).trimEnd(),
    );
    return 0;
  },
});
