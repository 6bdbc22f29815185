import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { resolveToday } from '../model/model.ts';
import { applierProblem } from '../constructs/guard-rails.ts';
import { InputError, UsageError, unwritable } from '../model/errors.ts';
import { printFindings, summary } from '../report/findings.ts';
import { scaffold } from '../report/scaffold.ts';
import { githubIdLookup, shellCommand } from '../model/text.ts';
import { dateFlag, githubFlag, githubIdFlag, orgFlag, ownerFlag } from './args.ts';
import { defineCommand } from './command.ts';
import { importSpec } from './import.ts';
import { packageRoot, workflowTemplates } from './workflows.ts';
import { statOf } from './file-stamp.ts';
import packageJson from '../package.json' with { type: 'json' };

const INIT_HELP = `Usage: orgctl init DIR --org NAME --owner EMAIL [--github LOGIN [--github-id ID]] [--spec ts|yaml]
                   [--from DIR|FILE|-] [--argocd REPO_URL [--boundary USER]...] [--dependency SPEC]
                   [--today YYYY-MM-DD]

Creates a new organization repository in DIR (a folder that does not exist, or an empty one):
package.json depending on orgctl, the declaration with the owner as the first admin (org/org.ts,
or org/org.yaml with --spec yaml), dist/ synthesized from it, the GitHub workflows (running the
installed orgctl), a README saying how to change access and who approves what, .gitignore,
.ci/run and (with org/org.ts) tsconfig.json. Nothing is installed: run the next step it prints.

  --org NAME          the organization's name (a DNS label: lower-case letters, digits, -)
  --owner EMAIL       the owner: the first admin, whom only support can change
  --github LOGIN      the owner's GitHub login (the review knows admins by it)
  --github-id ID      with --github: that account's id (\`${githubIdLookup()}\` prints it): the
                      review counts the login as the owner's only from that account, not from whoever
                      registers it after a rename (without it, check warns: admin-github-id)
  --spec ts|yaml      org/org.ts (constructs, the default) or org/org.yaml (a spec)
  --from DIR|FILE|-   import the organization from a cluster's RBAC, as \`orgctl import\` does
                      (kubectl get namespaces,roles,rolebindings,clusterroles,clusterrolebindings,serviceaccounts -A -o yaml);
                      what cannot be mapped is listed on standard error. Written as org/org.yaml.
  --argocd REPO_URL   the git repository Argo CD reads dist/ from (this one, once pushed): the
                      declaration says so, and dist/argocd/ (its AppProject and ApplicationSet) is written
  --boundary USER     with --argocd: the identity Argo CD applies with (in the cluster it runs in, its
                      application controller's: system:serviceaccount:argocd:argocd-application-controller;
                      in a cluster added with argocd cluster add:
                      system:serviceaccount:kube-system:argocd-manager): the boundary each
                      cluster applies by hand is written too, with namedClusterResources it needs.
                      Given again, each identity Argo CD reaches its clusters as
  --dependency SPEC   what package.json's dependency on orgctl says (default:
                      file:vendor/orgctl-${packageJson.version}.tgz, this orgctl packed into DIR/vendor/ by
                      the next step init prints: orgctl is not on npm's public registry, where
                      ^${packageJson.version} installs whoever claims the name). Another: your registry's
                      package (^${packageJson.version}, with that registry in DIR/.npmrc), or a tarball kept
                      in the repository, as a fresh clone's npm ci needs it (file:vendor/NAME.tgz,
                      copied there before npm install)
  --today DATE        the date grant expiry is judged on (default: ORGCTL_TODAY, else today)`;

/** Where init keeps orgctl's tarball in the new repository (the next step's npm pack writes it there). */
const VENDOR = 'vendor';

/** The file `npm pack` names a package's tarball. */
const tarballName = (pkg: { readonly name: string; readonly version: string }): string =>
  `${pkg.name}-${pkg.version}.tgz`;

/**
 * What to do with a tarball the dependency names (`file:PATH`, read by npm from the repository's folder),
 * or '' for any other: one outside the repository, or by an absolute path (package.json keeps it as
 * given), installs on this machine only (a fresh clone, CI's and the review job's, has no such file);
 * one inside it must be put there.
 */
function tarballNote(dir: string, dependency: string): string {
  if (!dependency.startsWith('file:')) return '';
  const path = dependency.slice('file:'.length);
  const name = basename(path);
  // npm reads file:~/ from the home folder; the shell's cp does too, unquoted.
  const home = path.startsWith('~/');
  const inRepository = relative(resolve(dir), resolve(dir, path));
  if (!home && !isAbsolute(path) && inRepository !== '' && !inRepository.startsWith('..'))
    return `\nnote: copy the tarball npm pack made to ${join(dir, inRepository)} before npm install, and commit it`;
  const source = home ? `~/${shellCommand([path.slice(2)])}` : shellCommand([resolve(dir, path)]);
  const vendor = join(dir, VENDOR);
  return `\nnote: ${dependency} installs on this machine only: a fresh clone (CI's, the review job's) has no such file, and npm ci there fails; copy the tarball into the repository and name it from there before npm install (${shellCommand(['mkdir', vendor])} && cp ${source} ${shellCommand([`${vendor}/`])}, and "orgctl": "file:${VENDOR}/${name}" in package.json)`;
}

/** Refuses a folder that holds anything (or a file): init never overwrites. */
function assertEmptyFolder(dir: string): void {
  const stat = statOf(dir);
  if (!stat) return;
  if (!stat.isDirectory()) throw new InputError(`${dir} is a file: give a new folder`);
  const entries = readdirSync(dir);
  if (entries.length)
    throw new InputError(
      `${dir} is not empty (it holds ${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}): init creates a new repository, in a new or empty folder`,
    );
}

/** What init wrote, every file named: the declaration (with its owner), dist/ and the workflows by their folders, the rest by path. */
function writtenSummary(paths: readonly string[], owner: string): string {
  const folders = ['dist/', '.github/workflows/'];
  const declaration = paths.find((p) => p.startsWith('org/'))!;
  const dist = paths.filter((p) => p.startsWith('dist/')).length;
  const rest = paths.filter((p) => p !== declaration && !folders.some((f) => p.startsWith(f))).sort();
  return [`${declaration} (owner ${owner})`, `dist/ (${dist} files)`, '.github/workflows/', ...rest].join(', ');
}

export const command = defineCommand({
  name: 'init',
  summary: 'A new organization repository: package.json, the declaration, dist/, workflows, README, CI.',
  help: INIT_HELP,
  positionals: true,
  flags: {
    org: 'string',
    owner: 'string',
    github: 'string',
    'github-id': 'string',
    spec: ['ts', 'yaml'],
    from: 'string',
    argocd: 'string',
    boundary: 'list',
    dependency: 'string',
    today: 'string',
  },
  run({ flags, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('give one folder: orgctl init DIR --org NAME --owner EMAIL');
    const dir = positionals[0]!;
    const { org, owner, github } = flags;
    if (!org) throw new UsageError('--org NAME is required');
    orgFlag(org);
    if (!owner) throw new UsageError('--owner EMAIL is required: the first admin');
    ownerFlag(owner);
    if (github !== undefined) githubFlag(github);
    const githubId = githubIdFlag(flags['github-id'], github);
    if (flags.from !== undefined && flags.spec === 'ts')
      throw new UsageError('--from writes the imported organization as a spec (org/org.yaml): leave out --spec ts');
    if (flags.boundary.length && flags.argocd === undefined)
      throw new UsageError('--boundary goes with --argocd REPO_URL: the boundary judges what Argo CD applies');
    // Said of the flag, not of the spec init would write from it.
    flags.boundary.forEach((identity, i) => {
      const problem = applierProblem(identity);
      if (problem !== undefined) throw new UsageError(`--boundary ${problem}`);
      if (flags.boundary.indexOf(identity) < i)
        throw new UsageError(
          `--boundary ${JSON.stringify(identity)} is given twice: give each identity Argo CD applies with once`,
        );
    });
    assertEmptyFolder(dir);
    // orgctl is not on npm's public registry: a ^VERSION there installs whoever claims the name first
    // (install scripts and all), and a new repository names no other registry. So init depends on
    // the orgctl running it, packed into DIR/vendor/: in the repository, as a fresh clone's npm ci
    // (CI's, the review job's) needs it.
    const engine = packageRoot();
    const packed = flags.dependency === undefined;
    const dependency = packed ? `file:${VENDOR}/${tarballName(packageJson)}` : flags.dependency;
    const today = resolveToday(dateFlag(flags.today), io.env);
    const imported = flags.from === undefined ? undefined : importSpec(flags.from, { org, owner }, io);
    const result = scaffold({
      org,
      owner,
      github,
      ...(githubId !== undefined ? { githubId } : {}),
      ...(flags.argocd !== undefined ? { argocd: flags.argocd } : {}),
      ...(flags.boundary.length ? { boundary: flags.boundary } : {}),
      format: flags.spec ?? 'ts',
      ...(imported ? { imported: imported.spec } : {}),
      ...(imported?.argocdNamespace !== undefined ? { argocdNamespace: imported.argocdNamespace } : {}),
      engine: packageJson,
      dependency,
      workflows: workflowTemplates(),
      today,
    });
    printFindings(io, result.findings);
    if (!result.ok) {
      io.err(`orgctl init: the organization does not synthesize (${summary(result.findings)}); ${dir} not created`);
      return 1;
    }
    try {
      for (const [path, content] of result.files) {
        const file = join(dir, path);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, content);
      }
      chmodSync(join(dir, '.ci/run'), 0o755);
      // npm pack writes into a folder that is there, and makes none.
      if (packed) mkdirSync(join(dir, VENDOR));
    } catch (e) {
      throw unwritable((e as NodeJS.ErrnoException).path ?? dir, e);
    }
    // The folder as a shell's cd takes it: one word, and never `-` (cd's previous folder) or a flag (R28-4).
    const folder = dir.startsWith('-') ? `./${dir}` : dir;
    const cd = shellCommand(['cd', folder]);
    const note = packed ? '' : tarballNote(folder, dependency);
    // A checkout's prepack builds the types (its devDependencies); an installed orgctl is packed as installed.
    const installed = engine.split(sep).includes('node_modules');
    const pack = packed
      ? `(${shellCommand(['cd', engine])} && npm pack${installed ? ' --ignore-scripts' : ''} --pack-destination ${shellCommand([resolve(dir, VENDOR)])}) && `
      : '';
    io.out(
      `created ${dir}: ${writtenSummary([...result.files.keys()], owner.toLowerCase())}${note}
next: ${pack}${cd} && npm install && git init -b main && git add -A && ${shellCommand(['git', 'commit', '-m', `The ${org} organization`])}`,
    );
    return 0;
  },
});
