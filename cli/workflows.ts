/**
 * The GitHub workflows orgctl ships (deploy/github/), as a repository holds them: `init` writes
 * them, and an upgrade of orgctl may change what they must run (the review's
 * `--head-proof-commit`, the command of the installed orgctl instead of `npx orgctl`), which npm
 * never copies into the repository. `orgctl workflows` says which of the repository's are this
 * orgctl's, an earlier orgctl's (replaced without losing anything: deploy/workflow-history.json
 * holds every version shipped), or edited by hand (left alone unless forced).
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, unwritable, UsageError, whyUnread } from '../model/errors.ts';
import { MEMBERS_FILE } from '../model/membership.ts';
import { badRevision, BRANCH_PREFIX, DEFAULT_ARGOCD_REVISION } from '../policies/org/argocd-source.ts';
import { membershipDataOf } from '../analysis/membership.ts';
import { unsafeTextProblem } from '../policies/org/invalid-text.ts';
import { defineCommand } from './command.ts';
import { folderAbove } from './paths.ts';
import { readAtMost } from './file-stamp.ts';
import { membersTextIfAny } from './output.ts';
import { replaceFile } from './replace-file.ts';
import packageJson from '../package.json' with { type: 'json' };

/** Where a repository keeps its workflows (GitHub reads no other folder). */
const WORKFLOWS_FOLDER = '.github/workflows';

/** The engine's folder as bin/orgctl.mjs lends it to its bundle (which sits in a node_modules/.cache). */
const LENT_ROOT = Symbol.for('orgctl.root');

/**
 * The orgctl package's folder, where its workflow templates are: the launcher's, when it runs the
 * bundle (whose own folder, in node_modules/.cache, may be a shared install's: the checkout above
 * it is another's); else above this source file, which is the package's.
 */
export function packageRoot(): string {
  const lent = (globalThis as { [LENT_ROOT]?: unknown })[LENT_ROOT];
  if (typeof lent === 'string') return lent;
  const here = fileURLToPath(import.meta.url);
  for (let dir = dirname(here); dirname(dir) !== dir; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (pkg.name === packageJson.name && existsSync(join(dir, 'deploy', 'github'))) return dir;
    } catch {
      // no package.json here
    }
  }
  throw new InputError(
    `cannot find the ${packageJson.name} package's workflow templates (deploy/github/) from ${here}`,
  );
}

const templatesFolder = (): string => join(packageRoot(), 'deploy', 'github');

/** This orgctl's workflow templates, file name → text. */
export function workflowTemplates(): Map<string, string> {
  const dir = templatesFolder();
  return new Map(
    readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
  );
}

/** The workflow that proves the merged dist/ on a push to the branch Argo CD follows. */
const CHECK_WORKFLOW = 'orgctl-check.yaml';

/** Its push trigger as the template writes it: the default branch Argo CD follows. */
const PUSH_TRIGGER = '\n  push:\n    branches: [main]\n';

/** Its push trigger as rendered for another branch (pushTrigger), whatever the branch. */
const RENDERED_PUSH_TRIGGER = /\n {2}push:\n {4}branches: \['(?:[^'\n]|'')*'\]\n/;

/** The branch Argo CD follows when the organization declares no delivery (`refs/heads/main`'s). */
const DEFAULT_BRANCH = DEFAULT_ARGOCD_REVISION.slice(BRANCH_PREFIX.length);

/**
 * `branch` as a pattern of GitHub's `on.push.branches` that matches it alone: GitHub reads `*`,
 * `?`, `+`, `[...]` and a leading `!` as a pattern (its filter pattern cheat sheet), and `\`
 * escapes them (those only: actionlint refuses any other escaped character, `]` too, which is
 * literal without a `[`). Git refuses `*`, `?`, `[` and `\` in a branch name (check-ref-format);
 * `+` and `!` it allows (`release+1` unescaped would match `releasee1`, never `release+1`).
 */
const branchPattern = (branch: string): string => branch.replace(/[*?+[!\\]/g, '\\$&');

/**
 * The check workflow's push trigger for `branch`: single-quoted, as a pattern starting with `!` or
 * holding `[` must be. A branch holding `${{` (an expression to GitHub) repositoryBranch has refused
 * (argocd-source's badRevision).
 */
function pushTrigger(branch: string): string {
  if (branch === DEFAULT_BRANCH) return PUSH_TRIGGER;
  return `\n  push:\n    branches: ['${branchPattern(branch).replaceAll("'", "''")}']\n`;
}

/**
 * This orgctl's templates as a repository whose Argo CD follows `branch` holds them: the check
 * workflow proves the merged dist/ on a push there (a merge, an admin's push), which a trigger
 * on `main` never runs in a repository whose default branch is another. One branch, not every
 * branch with a job condition: a skipped `check` on a branch's commit could stand for the
 * pull request's check of the same name.
 */
function workflowsFor(templates: ReadonlyMap<string, string>, branch: string): Map<string, string> {
  return new Map(
    [...templates].map(([name, text]) => {
      if (name !== CHECK_WORKFLOW) return [name, text];
      if (!text.includes(PUSH_TRIGGER)) throw new Error(`${name}: the template has no push trigger ${PUSH_TRIGGER}`);
      // By a function: a replacement string reads `$$`, `$&`, `$'` and `` $` `` in the branch as patterns (R141-4).
      return [name, text.replace(PUSH_TRIGGER, () => pushTrigger(branch))];
    }),
  );
}

/** A workflow's text as the template it was rendered from (workflowsFor): what the history records. */
const asTemplate = (name: string, text: string): string =>
  name === CHECK_WORKFLOW ? text.replace(RENDERED_PUSH_TRIGGER, PUSH_TRIGGER) : text;

/**
 * Why the revision members.json records is no branch the check workflow can name: badRevision's,
 * or text check refuses in a declared revision (invalid-text: U+FFFE, U+FFFF and a lone surrogate,
 * which the membership reading takes as text): GitHub refuses a workflow holding them (R141-3).
 */
function revisionProblem(revision: string): { readonly why: string; readonly instead: string } | undefined {
  const bad = badRevision(revision);
  if (bad) return bad;
  const unsafe = unsafeTextProblem(revision);
  return unsafe === undefined ? undefined : { why: unsafe, instead: DEFAULT_ARGOCD_REVISION };
}

/**
 * The branch the repository's Argo CD follows, as its dist/members.json says (data: nothing of the
 * repository runs; read by the one reader of that file): `delivery.argocd.revision` without
 * `refs/heads/`. The default branch's (`main`) without a dist/ yet, or with no delivery declared:
 * orgctl then knows no other, `init` makes the repository's branch `main`, and Argo CD's own
 * default revision is that branch too. Anything else is refused, saying what to set: orgctl writes
 * a revision wherever it writes Argo CD, and only a branch by its full name (argocd-source), so a
 * guess would be a check workflow that runs on pushes to no branch Argo CD follows.
 */
function repositoryBranch(repo: string): string {
  const dist = join(repo, 'dist');
  const file = join(dist, MEMBERS_FILE);
  const again = 'run orgctl synth, then orgctl workflows again';
  let text: string | undefined;
  try {
    text = membersTextIfAny(dist);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${file}: cannot read the branch Argo CD follows (${whyUnread(e)}): ${again}`);
  }
  if (text === undefined) return DEFAULT_BRANCH;
  const members = membershipDataOf(text);
  if (!members) throw new InputError(`${file} is not the membership data orgctl writes: ${again}`);
  const argocd: unknown = members.organization.argocd;
  if (argocd === undefined) return DEFAULT_BRANCH;
  const revision: unknown = (argocd as { revision?: unknown } | null)?.revision;
  if (revision === undefined)
    throw new InputError(
      `${file}: organization.argocd has no revision (orgctl writes there the branch Argo CD follows, ${DEFAULT_ARGOCD_REVISION} unless delivery.argocd.revision says another): ${again}`,
    );
  const refused = (wrong: string, instead: string) =>
    new InputError(
      `${file}: organization.argocd.revision ${JSON.stringify(revision)} ${wrong}; the check workflow proves dist/ on pushes to the branch Argo CD follows: set delivery.argocd.revision to ${instead} (or the branch pull requests merge into, by its full name), ${again}`,
    );
  const notFullName = 'is not a branch by its full name (refs/heads/BRANCH)';
  if (typeof revision !== 'string') throw refused(notFullName, DEFAULT_ARGOCD_REVISION);
  const bad = revisionProblem(revision);
  // A branch by its full name refused for its text: what is wrong with the text, as it is one.
  if (bad) throw refused(revision.startsWith(BRANCH_PREFIX) ? bad.why : `${notFullName}: it ${bad.why}`, bad.instead);
  return revision.slice(BRANCH_PREFIX.length);
}

/** Every version of each template orgctl has shipped: file name → sha256 of its text (workflowDigest). */
export type WorkflowHistory = Readonly<Record<string, readonly string[]>>;

/** The history's file, in the package beside deploy/github/. */
export const workflowHistoryFile = (): string => join(packageRoot(), 'deploy', 'workflow-history.json');

export function readWorkflowHistory(): WorkflowHistory {
  return (JSON.parse(readFileSync(workflowHistoryFile(), 'utf8')) as { templates: WorkflowHistory }).templates;
}

/** A workflow's digest: its text's sha256, line endings read as LF (a checkout on Windows may write CRLF). */
export const workflowDigest = (text: string): string =>
  createHash('sha256').update(text.replace(/\r\n/g, '\n')).digest('hex');

/**
 * - `current`: this orgctl's template.
 * - `earlier`: a template an earlier orgctl shipped, never edited: replacing it loses nothing.
 * - `edited`: differs from every template orgctl shipped under its name (edited by hand).
 * - `missing`: this orgctl ships it; the repository has none of that name.
 * - `retired`: a template only an earlier orgctl shipped, never edited: nothing runs it any more.
 * - `duplicate`: a template's file under the other extension beside the template's own: GitHub
 *   runs both, whatever either holds.
 */
export type WorkflowState = 'current' | 'earlier' | 'edited' | 'missing' | 'retired' | 'duplicate';

export interface WorkflowStatus {
  /** The template's name (`orgctl-check.yaml`), or a retired one's. */
  readonly name: string;
  /** The repository's file of it: its name, or its `.yml` twin when that is the one there (GitHub runs either). */
  readonly file: string;
  readonly state: WorkflowState;
}

/** A workflow's name with the other extension GitHub reads (`.yaml` ↔ `.yml`). */
const twin = (name: string): string =>
  name.endsWith('.yaml') ? name.replace(/\.yaml$/, '.yml') : name.replace(/\.yml$/, '.yaml');

/**
 * Each template of this orgctl, and each workflow of the repository an earlier orgctl shipped
 * under a name this one no longer does, with its state. `found`: the repository's workflows, file
 * name → text (others' workflows among them are left out: only a template's name is orgctl's).
 */
export function workflowStatuses(
  templates: ReadonlyMap<string, string>,
  found: ReadonlyMap<string, string>,
  history: WorkflowHistory,
): WorkflowStatus[] {
  // A template rendered for the repository's branch is recorded as the template: as written for another branch, it is never edited.
  const shipped = (name: string, text: string) =>
    Object.hasOwn(history, name) && history[name]!.includes(workflowDigest(asTemplate(name, text)));
  const statuses = [...templates].map(([name, text]): WorkflowStatus => {
    const file = found.has(name) || !found.has(twin(name)) ? name : twin(name);
    const have = found.get(file);
    if (have === undefined) return { name, file, state: 'missing' };
    if (workflowDigest(have) === workflowDigest(text)) return { name, file, state: 'current' };
    return { name, file, state: shipped(name, have) ? 'earlier' : 'edited' };
  });
  // The template's file is there under its own name: the twin beside it is a second workflow.
  const duplicates = statuses
    .filter((st) => st.file === st.name && found.has(twin(st.name)))
    .map((st): WorkflowStatus => ({ name: st.name, file: twin(st.name), state: 'duplicate' }));
  const seen = new Set(statuses.map((st) => st.file));
  const retired = [...found]
    .filter(([file]) => !seen.has(file) && !templates.has(file) && !templates.has(twin(file)))
    .map(([file, text]) => ({ file, name: Object.hasOwn(history, file) ? file : twin(file), text }))
    .filter(({ name, text }) => shipped(name, text))
    .map(({ name, file }): WorkflowStatus => ({ name, file, state: 'retired' }));
  return [...statuses, ...duplicates, ...retired].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** The repository's workflows (every YAML file of .github/workflows/), name → text; none without the folder. */
function repositoryWorkflows(repo: string): Map<string, string> {
  const dir = join(repo, WORKFLOWS_FOLDER);
  if (!existsSync(dir)) return new Map();
  try {
    return new Map(
      readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
        // By one open of what was listed as a file: a link or FIFO put there since is not read (R107-2).
        .flatMap((e) => {
          const read = readAtMost(join(dir, e.name), Number.POSITIVE_INFINITY, true);
          return Buffer.isBuffer(read) ? [[e.name, read.toString('utf8')] as const] : [];
        }),
    );
  } catch (e) {
    throw new InputError(`${dir}: cannot read the workflows (${whyUnread(e)})`);
  }
}

/** The statuses of `repo`'s workflows against this orgctl's templates for `branch`, the one Argo CD follows. */
function repositoryWorkflowStatuses(repo: string, branch: string): WorkflowStatus[] {
  return workflowStatuses(workflowsFor(workflowTemplates(), branch), repositoryWorkflows(repo), readWorkflowHistory());
}

/**
 * synth's one line when an earlier orgctl's workflow is still in the repository (an upgrade that
 * did not copy the new ones), or one written for another branch than `revision` (the
 * organization's `delivery.argocd.revision`, if any); nothing for a repository without workflows,
 * or with edited ones (`orgctl workflows` says what those are), nor when they cannot be read: a
 * note fails no synth.
 */
export function earlierWorkflowsNotice(repo: string, revision: string = DEFAULT_ARGOCD_REVISION): string | undefined {
  if (!existsSync(join(repo, WORKFLOWS_FOLDER))) return undefined;
  const branch = revision.startsWith(BRANCH_PREFIX) ? revision.slice(BRANCH_PREFIX.length) : DEFAULT_BRANCH;
  let earlier: WorkflowStatus[];
  try {
    earlier = repositoryWorkflowStatuses(repo, branch).filter((s) => s.state === 'earlier' || s.state === 'retired');
  } catch {
    return undefined; // `orgctl workflows` says why
  }
  if (!earlier.length) return undefined;
  const names = earlier.map((s) => `${WORKFLOWS_FOLDER}/${s.file}`).join(', ');
  return `note: ${names} ${earlier.length === 1 ? 'is' : 'are'} an earlier orgctl's${branch === DEFAULT_BRANCH ? '' : ` or for another branch than ${branch}, which Argo CD follows`}: \`npx orgctl workflows --write\` writes orgctl ${packageJson.version}'s (review the change with git diff, commit it with the upgrade)`;
}

/**
 * Refuses to write into `repo`'s .github/workflows/ when a folder on the way is a symbolic link: a
 * branch may commit one, and the templates would be written (over files of the same names, with
 * --force) wherever it points.
 */
function refuseLinkedFolders(repo: string): void {
  let dir = repo;
  for (const part of WORKFLOWS_FOLDER.split('/')) {
    dir = join(dir, part);
    if (lstatSync(dir, { throwIfNoEntry: false })?.isSymbolicLink())
      throw new InputError(
        `${dir} is a symbolic link: orgctl writes the workflows into the repository's own ${WORKFLOWS_FOLDER}/ only, never where a link points; replace it with a folder`,
      );
  }
}

/**
 * The repository's folder when --dir is not given: the project's, as npm finds it (run from org/,
 * not org/.github/workflows, which GitHub never runs), shown relative to the working directory.
 */
function projectFolder(): string {
  const project = folderAbove(join(resolve('.'), 'package.json'), 'package.json');
  return project === undefined ? '.' : relative('.', project) || '.';
}

const WORKFLOWS_HELP = `Usage: orgctl workflows [--dir REPO] [--write [--force]] [--format text|json]

Compares the repository's GitHub workflows (REPO/${WORKFLOWS_FOLDER}/) with this orgctl's
templates, the files \`orgctl init\` writes. npm installs a new orgctl but never its workflows,
and a release may change what they must run. Each template is:
  up to date   this orgctl's
  earlier      an earlier orgctl's (or written for another branch), never edited: --write
               replaces it, losing nothing
  edited       differs from every version orgctl shipped (edited by hand): the line says how to
               compare it; --write --force replaces it
  missing      not in the repository: --write adds it
  retired      (a workflow, not a template) an earlier orgctl's that this one no longer ships: delete it
  duplicate    a template's workflow under the other extension (.yml beside .yaml): GitHub runs
               both, so delete it
Exit 0 when every template is up to date and no retired workflow is left (after --write, as
written), 1 otherwise. Workflows of other names are not orgctl's and are left out.
${CHECK_WORKFLOW} proves dist/ on a push to the branch Argo CD follows: the one REPO/dist/${MEMBERS_FILE}
names (delivery.argocd.revision), ${DEFAULT_BRANCH} when no delivery is declared or there is no
dist/ yet; a revision that is no branch by its full name is refused, saying what to set.

  --dir REPO     the repository's folder (default: the nearest holding package.json, as npm
                 finds the project, else .)
  --write        write this orgctl's templates over the earlier and missing ones
  --force        with --write: over the edited ones too (your edits are lost: git diff shows them)
  --format json  [{ "file", "state" }] and whether every template is up to date`;

/**
 * What each state's line says, of the workflow's and its template's paths. Put in as words, never
 * by String.replace: a replacement string reads `$&` and the like in a path as patterns.
 */
const STATE_LINE: Readonly<Record<WorkflowState, (paths: { file: string; template: string }) => string>> = {
  current: () => 'up to date',
  earlier: () => "earlier: an earlier orgctl's, never edited; `npx orgctl workflows --write` replaces it",
  edited: ({ file, template }) =>
    `edited: no orgctl shipped it (edited by hand); compare with \`diff -u ${template} ${file}\`, \`npx orgctl workflows --write --force\` replaces it`,
  missing: () => 'missing: `npx orgctl workflows --write` adds it',
  retired: () => "retired: an earlier orgctl's that this one no longer ships; delete it",
  duplicate: ({ template }) =>
    `duplicate: a second copy of ${template} under the other extension, which GitHub runs too; delete it`,
};

export const command = defineCommand({
  name: 'workflows',
  summary: "Whether the repository's GitHub workflows are this orgctl's; --write copies them in.",
  help: WORKFLOWS_HELP,
  flags: { dir: 'string', write: 'boolean', force: 'boolean', format: ['text', 'json'] },
  run({ flags }, io) {
    if (flags.force && !flags.write) throw new UsageError('--force goes with --write: it replaces edited workflows');
    const repo = flags.dir ?? projectFolder();
    // A typo is no repository: --write would make one there, and say to commit it.
    if (!statSync(repo, { throwIfNoEntry: false })?.isDirectory())
      throw new UsageError(`--dir ${repo}: no such folder (the repository's, where ${WORKFLOWS_FOLDER}/ is)`);
    const branch = repositoryBranch(repo);
    const templates = workflowsFor(workflowTemplates(), branch);
    const before = repositoryWorkflowStatuses(repo, branch);
    const replace = new Set<WorkflowState>(['earlier', 'missing', ...(flags.force ? (['edited'] as const) : [])]);
    const writing = flags.write ? before.filter((s) => replace.has(s.state)) : [];
    if (writing.length) refuseLinkedFolders(repo);
    for (const { name, file: existing } of writing) {
      const file = join(repo, WORKFLOWS_FOLDER, existing);
      try {
        mkdirSync(dirname(file), { recursive: true });
      } catch (e) {
        throw unwritable(file, e);
      }
      replaceFile(file, templates.get(name)!);
    }
    const written = new Set(writing.map((s) => s.file));
    const after = flags.write ? repositoryWorkflowStatuses(repo, branch) : before;
    const ok = after.every((s) => s.state === 'current');
    const shown = (name: string) => join(repo, WORKFLOWS_FOLDER, name);
    if (flags.format === 'json') {
      io.out(
        JSON.stringify(
          {
            ok,
            version: packageJson.version,
            branch,
            workflows: after.map((s) => ({ file: shown(s.file), state: s.state, written: written.has(s.file) })),
          },
          null,
          2,
        ),
      );
      return ok ? 0 : 1;
    }
    // Each workflow with its path as shown, made once: the column's width and its line use it.
    const rows = after.map((s) => ({ s, file: shown(s.file) }));
    const width = Math.max(...rows.map(({ file }) => file.length));
    const was = new Map(before.map((s) => [s.file, s.state]));
    for (const { s, file } of rows) {
      const line = written.has(s.file)
        ? `written (was ${was.get(s.file)})`
        : STATE_LINE[s.state]({ file, template: relative('.', join(templatesFolder(), s.name)) });
      io.out(`${file.padEnd(width)}  ${line}`);
    }
    if (branch !== DEFAULT_BRANCH)
      io.out(
        `${CHECK_WORKFLOW} proves dist/ on a push to ${branch}, the branch Argo CD follows (${join(repo, 'dist', MEMBERS_FILE)})`,
      );
    io.out(
      ok
        ? `every workflow is orgctl ${packageJson.version}'s${written.size ? ': commit them (an engine-change, as the upgrade is)' : ''}`
        : `not every workflow is orgctl ${packageJson.version}'s`,
    );
    return ok ? 0 : 1;
  },
});
