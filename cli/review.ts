import { renderMarkdown, WHOLE } from '../report/markdown.ts';
import { OVERRIDABLE_RULES, RULE_BY_ID, rulesOf, type RuleId } from '../model/rules.ts';
import { dateFlag } from './args.ts';
import { defineCommand } from './command.ts';
import { UsageError } from '../model/errors.ts';
import type { Io } from '../model/io.ts';
import { nearestName } from '../model/text.ts';
import { reportFormat, reportIn, requireSides } from './diff.ts';
import { changedPathsBetween, commitOfSide, readableRef, refOfSide } from './git.ts';
import { judgeChange } from './judge.ts';
import { readOrgCode } from './org-code.ts';
import type { GivenLogin } from '../policies/change/context.ts';

const REVIEW_HELP = `Usage: orgctl review --base DIR|REF --head DIR|REF --actor LOGIN[:ID]... [--approved-by LOGIN[:ID]...]
                     [--changed-path PATH...] [--override RULE...] [--window DIR|REF] [--today YYYY-MM-DD]
                     [--format text|md|json] [--head-proof FILE [--head-lock FILE]] [--full-proof]
       orgctl review --github [--pull N] [--base DIR|REF] [--base-commit SHA] [--head DIR|REF] [--bot-login LOGIN]
                     [--window DIR|REF] [--head-proof FILE --head-proof-commit SHA] [--full-proof]
       orgctl review --github --left-head
       orgctl review --github --base-moved

Judges a change by the rules below, reading who is admin from BASE only. HEAD is data: it must be
exactly what this orgctl renders from the organization it describes (output-proof), and that
organization must pass every policy (head-policies). When head differs from base only in who
RoleBindings to catalog levels bind, it is proved by that change: base's dist/ is the trust anchor
(proved when it merged), and every other byte of head must be base's. Only orgctl's own layout and YAML are read:
anything else is an input error. Exit 0 when every rule passes, 1 when one fails, 2 on bad input
(never a passing verdict).

  --actor LOGIN        the pull request's author, every commit author and who pushed the head (repeatable)
  --approved-by LOGIN  reviewers whose latest review approves the head commit (repeatable)
                       Either takes LOGIN:ID, the account's id (gh api users/LOGIN --jq .id), judged as
                       on GitHub: the id is the account (a renamed admin's new login with their declared
                       id is that admin; a login another account took is nobody). A login alone is
                       taken for the account its base user declares, by name: give the id to check it
  --changed-path PATH  files the change touches, for engine-change (repeatable; default, when --base and
                       --head are git refs: those merging head into base rewrites, renames followed,
                       and those it conflicts in)
  --override RULE      an explicit override of a rule that allows one (${OVERRIDABLE_RULES.join(', ')}),
                       valid only with an admin's approval; any other rule is a usage error
  --format             text (the default when standard output is a terminal: the verdict and the diff
                       as a person reads them there), md (the default otherwise: the pull-request
                       comment, as scripts and CI read it), or json
  --today DATE         the date grant and token expiry are judged on (default: ORGCTL_TODAY, else today)
  --window DIR|REF     an older output of the base branch (origin/main~10): mass-removal also judges
                       everything removed since then, so a removal split across pull requests adds up,
                       admin-change-approval a token handed over unrotated since then,
                       argocd-identity-base an appliedBy naming an identity that output gives access to,
                       system-namespace-base its system namespace declared, and lookalike-identity a
                       name new in head that reads as one of its own (removed in an earlier change)
  --head-proof FILE    an orgctl upgrade's own proof: \`orgctl prove --format json\` as head's orgctl wrote it.
                       When this orgctl renders head dist/ differently, output-proof passes only if the
                       change upgrades orgctl (package.json or package-lock.json change), the proof is ok,
                       and it was made by another version: the one head's package-lock.json installs
                       (read from --head's git ref). Nothing else is lifted: the diff, every change rule
                       and head-policies are this orgctl's, and engine-change needs its approval.
  --head-proof-commit SHA
                       with --github: the commit whose files the head proof proves (the review workflow's
                       pull job extracted them); a proof of another commit than the pull request's head,
                       or naming none, is not accepted
  --head-lock FILE     head's package-lock.json, when --head is a folder (without it, a folder's head
                       proof is not accepted); refused beside a --head git ref, whose own lock is read
  --full-proof         re-render and judge head whole even when the change is bindings only (the proof
                       against base is skipped anyway for an orgctl upgrade or with --head-proof)
  --github             read all of it from GitHub (GITHUB_EVENT_PATH, GITHUB_REPOSITORY, GITHUB_TOKEN,
                       GITHUB_API_URL), post one sticky comment and the orgctl/review status.
                       --base defaults to dist, --head to the head commit's dist/ (git objects)
  --pull N             the pull request (default: the event's pull_request.number)
  --base-commit SHA    with --github: the commit of the default branch --base was checked out at
                       (default: --base's ref, or the HEAD of the checkout holding its folder); when
                       GitHub has the branch elsewhere at either reading, the head fails, asking to
                       re-run (a change merged since would be no part of the diff)
  --left-head          with --github, on a push (a synchronize event): only fail the commit the push
                       left, when its success carries this pull request's verdict and another open pull
                       request still has it as head (the orgctl review push workflow runs it on every push)
  --base-moved         with --github, on a push to the default branch or a merged pull request's closed
                       event: only fail the success in force on the head of every open pull request left
                       behind it (GitHub would merge it three-way into a tree no review judged), saying
                       to bring it up to date

Rules:
${rulesOf('change')
  .map(
    (r) =>
      `  ${r.id.padEnd(22)} ${r.description.replace(/`/g, '')}${'override' in r ? ` (override: ${r.override!.replace(/`/g, '')})` : ''}`,
  )
  .join('\n')}`;

/**
 * A login typed on the command line one or two letters from an admin's (`--actor alcie`) and no
 * user's in base: judged as given, and said, since the verdict then reads as someone else's.
 */
function warnLoginsMeant(
  io: Io,
  base: { readonly admins: readonly string[]; readonly baseLogin: (login: string) => boolean },
  given: Readonly<Record<string, readonly string[]>>,
): void {
  // GitHub compares logins without case (baseLogin too). Anyone's login in base is no typo (a member frankie beside an admin frank, R28-2).
  const admins = base.admins.map((a) => a.toLowerCase());
  for (const [flag, logins] of Object.entries(given))
    for (const login of logins.filter((l) => !base.baseLogin(l))) {
      const meant = nearestName(login.toLowerCase(), admins);
      if (meant) io.err(`warning: ${flag} ${login} is no admin's GitHub login in base: did you mean ${meant}?`);
    }
}

/**
 * The paths the change touches: --changed-path as given; else, both sides git refs, as git lists
 * them (engine-change judged as on GitHub); else unknown (engine-change not judged), not an empty change.
 * A ref that is no commit here (a typo, a tree) or that git may not be handed (it starts with -: red
 * team R42-2) is left to the sides' reading, which says why (or reads a tree, as a folder: unknown).
 */
function changedPaths(given: readonly string[], sides: { readonly base: string; readonly head: string }) {
  if (given.length) return given;
  const base = refOfSide(sides.base);
  const head = refOfSide(sides.head);
  if (base === undefined || head === undefined) return undefined;
  const commit = (ref: string, spec: string) => readableRef(ref) && commitOfSide(spec) !== undefined;
  return commit(base, sides.base) && commit(head, sides.head) ? changedPathsBetween(base, head) : undefined;
}

/**
 * A login as --actor or --approved-by give it: LOGIN, or LOGIN:ID with its account's id. No GitHub
 * login holds "@" or ":": an email would be judged as nobody's login, and fail as "not an admin".
 */
function givenLogin(flag: string, text: string): GivenLogin {
  if (text.includes('@'))
    throw new UsageError(
      `${flag} ${JSON.stringify(text)} is an email, not a GitHub login: give the person's GitHub login (orgctl members lists it)`,
    );
  const m = /^([^:]+)(?::(.*))?$/.exec(text);
  if (!m || (m[2] !== undefined && !/^[1-9]\d{0,14}$/.test(m[2])))
    throw new UsageError(
      `${flag} ${text}: give a GitHub login, or LOGIN:ID with the account's id, a number (gh api users/LOGIN --jq .id)`,
    );
  return m[2] === undefined ? { login: m[1]! } : { login: m[1]!, id: Number(m[2]) };
}

export const command = defineCommand({
  name: 'review',
  summary: 'The change rules (self-edit, admin approvals, ...), judged against base membership.',
  help: REVIEW_HELP,
  flags: {
    base: 'string',
    head: 'string',
    actor: 'list',
    'approved-by': 'list',
    'changed-path': 'list',
    override: 'list',
    format: ['text', 'md', 'json'],
    today: 'string',
    window: 'string',
    github: 'boolean',
    'bot-login': 'string',
    pull: 'string',
    'head-proof': 'string',
    'head-proof-commit': 'string',
    'head-lock': 'string',
    'full-proof': 'boolean',
    'left-head': 'boolean',
    'base-moved': 'boolean',
    'base-commit': 'string',
  },
  async run({ flags }, io) {
    if (flags.github) return (await import('./github.ts')).reviewOnGitHub(flags, io);
    if (flags['head-proof-commit'] !== undefined)
      throw new UsageError(
        '--head-proof-commit is for --github, where the pull request names its head; here the head proof is the one you made of --head',
      );
    if (flags['base-commit'] !== undefined)
      throw new UsageError(
        '--base-commit is for --github, where it is checked against the default branch as GitHub has it; here --base is what you give',
      );
    const sides = requireSides(flags);
    if (!flags.actor.length) throw new UsageError('--actor LOGIN is required: a change is judged by who made it');
    const given = {
      '--actor': flags.actor.map((g) => givenLogin('--actor', g)),
      '--approved-by': flags['approved-by'].map((g) => givenLogin('--approved-by', g)),
    };
    const actors = given['--actor'].map((g) => g.login);
    const approvals = given['--approved-by'].map((g) => g.login);
    const overrides = flags.override;
    for (const o of overrides) {
      if (OVERRIDABLE_RULES.includes(o as RuleId)) continue;
      const known = RULE_BY_ID.get(o as RuleId)?.stage === 'change';
      throw new UsageError(
        `--override ${o}: ${known ? 'that rule cannot be overridden' : 'no such rule'}; rules that can be: ${OVERRIDABLE_RULES.join(', ')}`,
      );
    }
    const changed = changedPaths(flags['changed-path'], sides);
    const { diff, verdict, admins, baseLogin } = await judgeChange(
      {
        ...sides,
        actors,
        approvals,
        givenLogins: [...given['--actor'], ...given['--approved-by']],
        changedPaths: changed,
        orgCode: await readOrgCode(sides.head, changed),
        overrides,
        window: flags.window,
        today: dateFlag(flags.today),
        headProof: flags['head-proof'],
        headLock: flags['head-lock'],
        fullProof: flags['full-proof'],
      },
      io,
    );
    warnLoginsMeant(io, { admins, baseLogin }, { '--actor': actors, '--approved-by': approvals });
    const format = reportFormat(flags.format, io);
    // Whole, as `orgctl diff`: only what GitHub is sent is cut (cli/github.ts).
    io.out(
      format === 'json'
        ? JSON.stringify({ ...verdict, diff }, null, 2)
        : reportIn(format, renderMarkdown(diff, verdict, WHOLE)),
    );
    return verdict.ok ? 0 : 1;
  },
});
