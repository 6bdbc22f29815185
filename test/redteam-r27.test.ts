/**
 * Red team R27 (base 0385c41). Each test asserts the safe behaviour and fails on the code it was
 * written against.
 *
 * R27-1 (medium; one admin's approval of what reads as a routine upgrade, or as no change at all):
 *     engine-change says what head's lock installs for orgctl (describeLocked,
 *     review/head-proof.ts), never what base's installs. Since 1be7736 a new repository depends on
 *     `file:vendor/orgctl-VERSION.tgz`. (a) A pull request moving orgctl to npm's public registry
 *     (`https://registry.npmjs.org/orgctl/-/orgctl-0.2.0.tgz`, a name orgctl's maintainers do not
 *     hold: 1be7736's own dependency confusion) reads 'approving it trusts orgctl 0.2.0 from
 *     https://registry.npmjs.org/…', like any release; nothing says the engine leaves the vendored
 *     tarball for a registry's name anyone may claim, and npm's registry is trusted for the head
 *     proof too (base installs orgctl's own dependencies from it). (b) A pull request swapping
 *     vendor/orgctl-0.1.0.tgz for another tarball of the same name (its lock's integrity changed, as
 *     npm ci insists: tried, EINTEGRITY otherwise) reads 'approving it trusts orgctl 0.1.0 from
 *     file:vendor/orgctl-0.1.0.tgz', word for word what base runs; the tarball's path may even be
 *     left in 'and N more' (five paths are named). Once merged, the review job installs base's lock
 *     and runs that orgctl with pull-requests: write and checks: write.
 *
 * R27-2 (low; the new repository's documented upgrade cannot pass): the README init writes says a
 *     vendored upgrade (`npm install ./vendor/orgctl-NEW.tgz`) is proved by the head-engine job,
 *     but the pull job hands that job package.json, package-lock.json and dist/ only (no vendor/:
 *     its `npm ci` cannot find the tarball), and checkHeadProof refuses any `file:` source
 *     (lockSourceProblems). An upgrade that renders differently fails output-proof with no way
 *     through but leaving the vendored tarball: for a registry's `orgctl`, R27-1 (a).
 *     Decided (e7232bf): init vendors nothing (1be7736 reverted), and a file: dependency chosen with
 *     --dependency stays unproved by head-engine, as README's start steps now say; its tests are gone.
 *
 * R27-3 (low; R26-1's class, a command orgctl prints for a person): kubeconfig's terminal hint
 *     (22f39fd, cli/kubeconfig.ts) splices into a pipeline, unquoted, the token's ServiceAccount and
 *     the organization's name as members.json says them (membershipDataOf checks neither) and
 *     `--server` as given (only its host is checked): a dist/ checked out from a branch, or a server
 *     URL with `;`, prints a command that runs more than kubectl and orgctl.
 *
 * R27-4 (low; R26-1's class): init's `next: cd DIR && npm install && …` splices DIR unquoted: a
 *     folder the shell splits (`acme org`) makes the next step fail, or cd elsewhere.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../cli/main.ts';
import type { Io } from '../model/io.ts';
import { ROOT, run, TODAY, tempDir, exampleDistCopy } from './helpers.ts';

/** Runs `script` in bash with `kubectl`, `orgctl`, `npm` and `git` stand-ins printing their words one a line (orgctl what it is piped first). */
const bash = (script: string) =>
  spawnSync(
    'bash',
    [
      '--noprofile',
      '--norc',
      '-c',
      `kubectl() { printf 'kubectl\\n'; printf '%s\\n' "$@"; cat >/dev/null; }\norgctl() { cat; printf 'orgctl\\n'; printf '%s\\n' "$@"; }\nnpm() { printf 'npm in %s\\n' "$PWD"; }\ngit() { :; }\n${script}`,
    ],
    { encoding: 'utf8' },
  );

/** A rule's row of the comment, its empty HTML comments (which break GitHub's references) taken out. */
const row = (stdout: string, rule: string) =>
  (stdout.split('\n').find((l) => l.startsWith(`| \`${rule}\` |`)) ?? '').replace(/<!-- -->/g, '');

const VENDORED = 'file:vendor/orgctl-0.1.0.tgz';
const BASE_INTEGRITY = `sha512-${'B'.repeat(86)}==`;

/** A package-lock.json installing orgctl as `orgctl` says, and yaml from npm's registry. */
const lockText = (orgctl: Record<string, unknown>, dependency: string) =>
  JSON.stringify({
    name: 'acme-org',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'acme-org', dependencies: { orgctl: dependency } },
      'node_modules/orgctl': orgctl,
      'node_modules/yaml': {
        version: '2.9.1',
        resolved: 'https://registry.npmjs.org/yaml/-/yaml-2.9.1.tgz',
        integrity: `sha512-${'Y'.repeat(86)}==`,
      },
    },
  });

/** A repository as `orgctl init` makes it: orgctl vendored; its dist/ the example's. */
function vendoredBase(): string {
  const project = tempDir('orgctl-r27-vendored-');
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'acme-org', private: true, dependencies: { orgctl: VENDORED } }),
  );
  writeFileSync(
    join(project, 'package-lock.json'),
    lockText({ version: '0.1.0', resolved: VENDORED, integrity: BASE_INTEGRITY }, VENDORED),
  );
  cpSync(join(ROOT, 'dist'), join(project, 'dist'), { recursive: true });
  return join(project, 'dist');
}

/** The engine-change row of a review of the example's dist/ against `base`, alice making it, frank approving it. */
async function engineChangeRow(base: string, headLock: string, paths: readonly string[]): Promise<string> {
  const lock = join(tempDir('orgctl-r27-lock-'), 'package-lock.json');
  writeFileSync(lock, headLock);
  const r = await run([
    'review',
    '--base',
    base,
    '--head',
    join(ROOT, 'dist'),
    '--actor',
    'alice',
    '--approved-by',
    'frank',
    ...paths.flatMap((p) => ['--changed-path', p]),
    '--head-lock',
    lock,
  ]);
  const line = row(r.stdout, 'engine-change');
  expect(line, r.stdout + r.stderr).toContain('approving it trusts');
  return line;
}

describe('R27-1: engine-change names what head installs for orgctl, never what base installs', () => {
  it('a vendored orgctl replaced by npm public registry’s `orgctl` (a name anyone may claim) says what it leaves', async () => {
    const base = vendoredBase();
    const line = await engineChangeRow(
      base,
      lockText(
        {
          version: '0.2.0',
          resolved: 'https://registry.npmjs.org/orgctl/-/orgctl-0.2.0.tgz',
          integrity: `sha512-${'E'.repeat(86)}==`,
        },
        '^0.2.0',
      ),
      ['package.json', 'package-lock.json'],
    );
    // What the approval trusts reads as a release: the vendored tarball it replaces is never named.
    expect(line).toContain('vendor/orgctl-0.1.0.tgz');
  });

  it('a vendored tarball swapped under the same name and version is not said as the orgctl base runs', async () => {
    const base = vendoredBase();
    const paths = ['package-lock.json', 'vendor/orgctl-0.1.0.tgz'];
    // The same lock entry as base's (a lock refreshed), then another tarball's integrity (a swap).
    const same = await engineChangeRow(
      base,
      lockText({ version: '0.1.0', resolved: VENDORED, integrity: BASE_INTEGRITY }, VENDORED),
      paths,
    );
    const swapped = await engineChangeRow(
      base,
      lockText({ version: '0.1.0', resolved: VENDORED, integrity: `sha512-${'S'.repeat(86)}==` }, VENDORED),
      paths,
    );
    expect(swapped).not.toBe(same);
  });
});

describe("R27-3: kubeconfig's terminal hint is not built as words", () => {
  /** kubeconfig with standard input a terminal: the pipeline its hint prints. */
  async function hint(dir: string, server: string): Promise<string> {
    const err: string[] = [];
    // A terminal: what is typed there is never the Secret, so nothing may be read.
    const terminal = { stdinIsTerminal: true, stdin: () => expect.fail('standard input was read') };
    const io: Io = { ...terminal, out: () => {}, err: (l) => err.push(l), env: { ORGCTL_TODAY: TODAY } };
    expect(await main(['kubeconfig', 'ci-deploy', '--server', server, '--dir', dir], io)).toBe(2);
    const m = /pipe the Secret in \((.*)\), or give --secret FILE/.exec(err.join('\n'));
    expect(m, err.join('\n')).not.toBeNull();
    return m![1]!;
  }

  it('a ServiceAccount members.json names with shell code in it is never printed as a command (R28-3: refused)', async () => {
    const dir = exampleDistCopy('orgctl-r27-dist-');
    const members = JSON.parse(readFileSync(join(dir, 'members.json'), 'utf8'));
    const account = 'token-ci-deploy$(echo${IFS}RAN>&2)';
    members.tokens.find((t: { id: string }) => t.id === 'ci-deploy').serviceAccount = account;
    writeFileSync(join(dir, 'members.json'), JSON.stringify(members));
    const err: string[] = [];
    const terminal = { stdinIsTerminal: true, stdin: () => expect.fail('standard input was read') };
    const io: Io = { ...terminal, out: () => {}, err: (l) => err.push(l), env: { ORGCTL_TODAY: TODAY } };
    expect(await main(['kubeconfig', 'ci-deploy', '--server', 'https://k.acme.io', '--dir', dir], io)).toBe(2);
    expect(err.join('\n')).toContain('not token-ci-deploy, which orgctl writes for it');
    expect(err.join('\n')).not.toContain('pipe the Secret in');
  });

  it('a --server URL the shell would read as two commands is passed to orgctl as one word', async () => {
    const server = 'https://k.acme.io/x;echo${IFS}RAN>&2';
    const sh = bash(await hint(join(ROOT, 'dist'), server));
    expect(sh.stderr).not.toContain('RAN');
    expect(sh.stdout.split('\n')).toContain(server);
  });
});

describe("R27-4: init's next step splices its folder unquoted", () => {
  it('a folder whose name the shell would split: the next step runs npm install in it', async () => {
    const parent = tempDir('orgctl-r27-init-');
    const dir = join(parent, 'acme org');
    mkdirSync(dir);
    const r = await run(['init', dir, '--org', 'acme', '--owner', 'alice@acme.io', '--dependency', '^0.1.0']);
    expect(r.code, r.stderr).toBe(0);
    const next = r.stdout
      .split('\n')
      .find((l) => l.startsWith('next: '))!
      .slice('next: '.length);
    const sh = bash(next);
    expect(sh.stdout.trim(), sh.stderr).toBe(`npm in ${dir}`);
  });
});
