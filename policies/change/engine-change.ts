import type { Change } from '../../analysis/change.ts';
import { firstOf } from '../../model/text.ts';
import type { AccessDiff } from '../../analysis/diff.ts';
import { secondAdmin, type ChangeRule, type InstalledFrom } from './context.ts';

/** What lives outside org/ and dist/ decides how every rule runs: the engine itself. */
const DECLARATION_PATHS = ['org/', 'dist/'];

/**
 * Whether a path base's lock installs from (review/head-proof.ts lockedRepositoryPaths) leaves the
 * repository. Such a folder may still be any folder of it wherever it is checked out: GitHub's
 * runners check REPO out at /home/runner/work/REPO/REPO, where ../REPO/org/x and the absolute
 * path are its own org/x (red team R44-3), and so is ~/work/REPO/REPO/org/x: npm reads `~/` from
 * the home folder, /home/runner there (npm-package-arg; red team R47-2).
 */
const leavesRepository = (path: string): boolean =>
  path.startsWith('/') || path === '..' || path.startsWith('../') || path === '~' || path.startsWith('~/');

/**
 * A remote source nothing pins (lockedRepositoryPaths keeps it as written: a scheme, where a path
 * of the repository has none): it may serve any file, the repository's own among them (red team R47-3/4).
 */
const isRemote = (path: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(path);

/**
 * The declaration folders holding a path base's package-lock.json installs packages from
 * (installedFrom), or inside one (the root, ''), or that may be anywhere (one outside the
 * repository, what a package's own shrinkwrap lists), each with where that is, said. Such a folder
 * is the engine too, whole: npm pins no linked folder's files (nor a tarball's without an
 * integrity), and Node and esbuild read the node_modules, package.json and tsconfig.json of every
 * folder above a package's (red team R41-1).
 */
function declarationFoldersInstalled(
  { paths, anywhere }: InstalledFrom = { paths: [] },
): { folder: string; from: string }[] {
  // Said of every folder alike: what the shrinkwrap lists may be in any of them.
  const listedAnywhere =
    anywhere === undefined
      ? undefined
      : `what ${anywhere}'s own npm-shrinkwrap.json lists (marked hasShrinkwrap), which npm reads from that package's folder: file:../../org/x there is this repository's org/x`;
  return DECLARATION_PATHS.flatMap((folder) => {
    const path = paths.find(
      (p) => `${p}/`.startsWith(folder) || p === '' || folder.startsWith(`${p}/`) || leavesRepository(p) || isRemote(p),
    );
    const from = path !== undefined ? installedFromText(path) : listedAnywhere;
    return from === undefined ? [] : [{ folder, from }];
  });
}

/** Where base's lock installs from, said of a path that may not look like the folder it is. */
const installedFromText = (from: string): string =>
  from === ''
    ? 'the repository itself'
    : isRemote(from)
      ? `${from}, which no integrity (a sha512) and no commit pins: npm ci installs whatever it serves then, and it may serve this repository's own files (GitHub serves them at raw.githubusercontent.com, and its branches to git)`
      : leavesRepository(from)
        ? `${from}, outside the repository, which may be this repository where it is checked out (on GitHub's runners ../REPO/ and ~/work/REPO/REPO/ are)`
        : from;

/**
 * Whether a changed path may declare anything: a file outside dist/ but one of org/ that is neither
 * code nor data (a README, an image, a .gitkeep). Such a file riding along would otherwise lift the
 * dist/-only check below while declaring nothing (red team L).
 */
const DECLARING = /\.(ts|mts|cts|tsx|js|mjs|cjs|jsx|json|jsonc|json5|ya?ml)$/i;
const mayDeclare = (p: string): boolean => !p.startsWith('dist/') && (!p.startsWith('org/') || DECLARING.test(p));

/**
 * What a diff gives anyone: every change of a person, a token, a custom role, a cluster, a
 * setting or a guard rail that removes nothing and does not follow from another, and every
 * namespace added. (Broader than context.ts's gainsOf, a token's gains for its holder: here any
 * change that is no removal counts, so nothing new can slip past a change of dist/ alone.)
 */
function givenBy(diff: AccessDiff): string[] {
  const gains = (xs: readonly Change[]) => xs.filter((c) => !c.removes && !c.implied);
  return [
    ...diff.namespaces.added.map((ns) => `namespace ${ns} added`),
    ...[...diff.people, ...diff.tokens, ...(diff.outsiders ?? [])].flatMap((s) =>
      gains(s.changes).map((c) => `${s.id} ${c.text}`),
    ),
    ...gains([...diff.customRbac, ...diff.clusters, ...diff.settings]).map((c) => c.text),
    ...diff.guardRails.filter((g) => g.weakens).map((g) => g.text),
  ];
}

export const engineChange: ChangeRule = {
  id: 'engine-change',
  check(input) {
    if (!input.changedPaths)
      return [
        {
          rule: this.id,
          ok: true,
          notJudged: true,
          message: 'changed paths unknown (--changed-path not given): not judged',
        },
      ];
    // dist/ changes alone when a grant or token expires (the expiry workflow's pull request), which
    // only removes: a gain there is one no change of org/ declares (a declaration that renders
    // differently later, an older dist/ committed back), and its true author is nobody the rules
    // see (a red team: a date-dependent org/org.ts gave its author access through the bot's PR).
    if (input.changedPaths.some((p) => p.startsWith('dist/')) && !input.changedPaths.some(mayDeclare)) {
      const gained = givenBy(input.diff);
      if (gained.length)
        return [
          {
            rule: this.id,
            ok: false,
            message: `only dist/ changes${input.changedPaths.every((p) => p.startsWith('dist/')) ? '' : ' (and files of org/ that declare nothing)'}, yet it gives ${firstOf(gained, 5, '; ')}: dist/ changes alone only when a grant or token expires, which removes access; declare a gain in org/ and synthesize it`,
          },
        ];
    }
    // A lock npm reads and the review cannot may install from anywhere: fail closed (red team R59-2/3).
    const installed =
      input.baseLockUnreadable !== undefined
        ? DECLARATION_PATHS.map((folder) => ({
            folder,
            because: `base's ${input.baseLockUnreadable}, so what it installs may be in ${folder}, which is then the engine`,
          }))
        : declarationFoldersInstalled(input.installedFrom).map((i) => ({
            folder: i.folder,
            because: `base's lock (its npm-shrinkwrap.json, else its package-lock.json) installs from ${i.from}, so what is in ${i.folder} runs as the engine`,
          }));
    const engine = input.changedPaths.filter(
      (p) => !DECLARATION_PATHS.some((d) => p.startsWith(d)) || installed.some((i) => p.startsWith(i.folder)),
    );
    if (!engine.length) return [{ rule: this.id, ok: true, message: 'only org/ and dist/ change' }];
    const second = secondAdmin(input);
    const inside = installed.filter((i) => engine.some((p) => p.startsWith(i.folder)));
    const list = `${firstOf(engine, 5)}${
      inside.length
        ? ` (${inside.map((i) => i.because).join('; ')}: ${input.baseLockUnreadable !== undefined ? 'make it a lock as npm writes it, a regular file, in a change of its own' : 'move what it installs out of org/ and dist/'})`
        : ''
    }`;
    const trusts = input.headEngine ? `; approving it trusts ${input.headEngine}` : '';
    if (input.projectCommand)
      return [{ rule: this.id, ok: false, message: `changes ${list}: ${input.projectCommand}${trusts}` }];
    return [
      {
        rule: this.id,
        ok: second.ok,
        message: second.ok
          ? `changes ${list}; ${second.approved}${trusts}`
          : `changes ${list}: ${inside.length ? 'the engine' : 'outside org/ and dist/'}, an admin who is not an author must approve the head commit${second.note}${trusts}`,
      },
    ];
  },
};
