/**
 * `orgctl review --head-proof`: an orgctl upgrade that changes the output, judged in its own pull
 * request. The head's engine proves head dist/ (`prove --format json`); this orgctl accepts that
 * proof only for an upgrade, from another version, exactly the one head's package-lock.json
 * installs, and never in place of head-policies or any change rule. Through the CLI.
 */
import { chmodSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cli,
  type CliResult,
  gitIn,
  relabelledCopy,
  repoScratch,
  reviewOfExample,
  ROOT,
  run,
  tempDir,
  unprivilegedEngine,
  W_FULL_FOR_BOB,
  exampleDistCopy,
} from '../helpers.ts';
import { describeLocked, lockedEngine } from '../../review/head-proof.ts';

const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
const NEW = '9.0.0-test';

/**
 * A dist/ giving bob (not an admin) `role` in web: w:full (the organization it describes breaks
 * forbidden-grant), or cluster-admin (a binding orgctl never writes).
 */
function forgedDist(role = 'acme:w:full', from = join(ROOT, 'dist')): string {
  const dir = join(tempDir('orgctl-forged-'), 'dist');
  cpSync(from, dir, { recursive: true });
  const shard = join(dir, 'lga1/shard-17/resources.yaml');
  writeFileSync(
    shard,
    `${readFileSync(shard, 'utf8')}---\n${W_FULL_FOR_BOB.join('\n').replace('name: acme:w:full\n', `name: ${role}\n`)}\n`,
  );
  return dir;
}

let scratch = '';
const file = (name: string, text: string) => {
  const p = join(scratch, name);
  writeFileSync(p, text);
  return p;
};
const proofFile = (version: string, fields: Record<string, unknown> = {}) =>
  file(
    `proof-${version}-${Object.keys(fields).join('-')}.json`,
    JSON.stringify({ engine: { name: 'orgctl', version }, ok: true, differences: [], findings: [], ...fields }),
  );
/** A lock installing orgctl `version` and yaml from `registry`, with `packages` entries replaced or added. */
const lockFile = (version: string, packages: Record<string, unknown> = {}, registry = 'https://registry.npmjs.org') =>
  file(
    `lock-${version}-${Object.keys(packages).join('-').replace(/\//g, '_')}-${new URL(registry).host}.json`,
    JSON.stringify({
      name: 'acme-org',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { name: 'acme-org', dependencies: { orgctl: `^${version}` } },
        'node_modules/orgctl': {
          version,
          resolved: `${registry}/orgctl/-/orgctl-${version}.tgz`,
          integrity: 'sha512-AAAA',
        },
        'node_modules/yaml': {
          version: '2.9.1',
          resolved: `${registry}/yaml/-/yaml-2.9.1.tgz`,
          integrity: 'sha512-BBBB',
        },
        ...packages,
      },
    }),
  );

let upgraded = '';
const UPGRADE_PATHS = ['--changed-path', 'package.json', '--changed-path', 'package-lock.json'];

/** The upgrade reviewed: alice makes it, frank (another admin) approves it unless `approve` is false. */
const review = (head: string, extra: readonly string[], approve = true) =>
  reviewOfExample(head, 'alice', [...(approve ? ['--approved-by', 'frank'] : []), ...extra]);
/** A rule's row of the comment, its empty HTML comments (which break GitHub's references) taken out. */
const row = (stdout: string, rule: string) =>
  (stdout.split('\n').find((l) => l.startsWith(`| \`${rule}\` |`)) ?? '').replace(/<!-- -->/g, '');

/**
 * orgctl `args` run in the folder `dir`, where it reads git refs: by the real orgctl there when
 * `spawned` (one case of each kind, as the review job runs it), else by main() in this process with
 * `dir` its working folder for the run (what the CLI runs, without starting a Node and orgctl anew).
 */
async function orgctlIn(dir: string, args: readonly string[], spawned = false): Promise<CliResult> {
  if (spawned) return cli(args, { cwd: dir });
  const here = process.cwd();
  process.chdir(dir);
  try {
    return await run(args);
  } finally {
    process.chdir(here);
  }
}

/** The repositories committedCopy made, by what their one commit holds. */
const committed = new Map<string, { readonly dir: string; readonly sha: string }>();

/**
 * A new git repository (a folder `prefix`…) whose one commit holds what `write` writes, that commit:
 * the repository is made once for each `key` (what `write` writes), then copied whole for each test
 * (git keeps no absolute path), where each test made its own with four git processes.
 */
function committedCopy(prefix: string, key: string, write: (repo: string) => void): { repo: string; sha: string } {
  let made = committed.get(key);
  if (!made) {
    const dir = tempDir(prefix);
    const git = gitIn(dir);
    git('init', '-q');
    write(dir);
    git('add', '-A');
    git('commit', '-qm', 'base');
    made = { dir, sha: git('rev-parse', 'HEAD') };
    committed.set(key, made);
  }
  const repo = tempDir(prefix);
  cpSync(made.dir, repo, { recursive: true });
  return { repo, sha: made.sha };
}

beforeAll(() => {
  scratch = tempDir('orgctl-head-proof-');
  upgraded = relabelledCopy(join(ROOT, 'dist'), NEW);
});

describe('an upgrade that changes the output, with its head proof', () => {
  it('passes output-proof, naming the version that proved it and what this orgctl renders differently', async () => {
    const r = await review(upgraded, [...UPGRADE_PATHS, '--head-proof', proofFile(NEW), '--head-lock', lockFile(NEW)]);
    expect(row(r.stdout, 'output-proof')).toMatch(
      new RegExp(
        `\\| ✅ \\| head dist/ is proved by orgctl ${NEW} \\(the version head's package-lock\\.json installs, trusted through this upgrade's \\\\\`engine-change\\\\\` approval\\); this orgctl ${VERSION.replace(/\./g, '\\.')} renders 15 file\\(s\\) differently: .*argocd/applicationset\\.yaml#0: ApplicationSet argocd/acme-access is not what orgctl renders here`,
      ),
    );
    expect(row(r.stdout, 'head-policies')).toMatch(/\| ✅ \|/);
    expect(row(r.stdout, 'engine-change')).toMatch(
      new RegExp(
        `\\| ✅ \\| changes package\\.json, package-lock\\.json; approved by frank; approving it trusts orgctl ${NEW} from \`https://registry\\.npmjs\\.org/orgctl/-/orgctl-${NEW}\\.tgz\`, which head's package-lock\\.json installs`,
      ),
    );
    expect(r.code).toBe(0);
  });

  it('still needs the engine-change approval', async () => {
    const r = await review(
      upgraded,
      [...UPGRADE_PATHS, '--head-proof', proofFile(NEW), '--head-lock', lockFile(NEW)],
      false,
    );
    expect(row(r.stdout, 'output-proof')).toMatch(/\| ✅ \|/);
    expect(row(r.stdout, 'engine-change')).toMatch(/\| ❌ \| .*approving it trusts orgctl 9\.0\.0-test from `https:/);
    expect(r.code).toBe(1);
  });

  it('never stands in for head-policies: what this orgctl recovers is judged by its policies', async () => {
    // A head engine that lies (ok) about a dist/ giving bob w:full: the base recovers that grant.
    const r = await review(forgedDist(), [
      ...UPGRADE_PATHS,
      '--head-proof',
      proofFile(NEW),
      '--head-lock',
      lockFile(NEW),
    ]);
    expect(row(r.stdout, 'head-policies')).toMatch(/\| ❌ \| forbidden-grant users\/bob@acme\.io → web/);
    expect(r.code).toBe(1);
  });

  it('judges head dist/ as written when the head proof vouches for it: a Group or a ClusterRoleBinding fails', async () => {
    // What the base cannot recover as a grant (a Group, cluster-wide power) differs from its
    // re-rendering; a lying head engine says ok, and this orgctl still refuses the written bytes.
    const forged = (binding: string) => {
      const dir = exampleDistCopy('orgctl-forged-');
      const shard = join(dir, 'lga1/shard-17/resources.yaml');
      writeFileSync(shard, `${readFileSync(shard, 'utf8')}---\n${binding}\n`);
      return dir;
    };
    const group = W_FULL_FOR_BOB.join('\n').replace('  kind: User\n  name: bob@acme.io', '  kind: Group\n  name: devs');
    const clusterWide = W_FULL_FOR_BOB.join('\n')
      .replace('kind: RoleBinding', 'kind: ClusterRoleBinding')
      .replace('  namespace: web\n', '');
    const args = [...UPGRADE_PATHS, '--head-proof', proofFile(NEW), '--head-lock', lockFile(NEW)];
    const byGroup = await review(forged(group), args);
    expect(row(byGroup.stdout, 'output-proof')).toMatch(/\| ✅ \| head dist\/ is proved by orgctl 9\.0\.0-test/);
    expect(row(byGroup.stdout, 'head-policies')).toMatch(
      /\| ❌ \| output-proof .*shard-17\/resources\.yaml#\d+: RoleBinding web\/acme:w:full-extra binds Group devs: orgctl binds people and tokens only/,
    );
    expect(byGroup.code).toBe(1);
    const byCluster = await review(forged(clusterWide), args);
    // Since R89 the strict reader refuses it before any proof (exit 2, naming it).
    expect(byCluster.stderr).toMatch(
      /ClusterRoleBinding acme:w:full-extra: rbac\.authorization\.k8s\.io\/v1 ClusterRoleBinding is not a kind orgctl writes/,
    );
    expect(byCluster.code).toBe(2);
    // The honest upgrade still passes: nothing written there is refused.
    expect((await review(upgraded, args)).code).toBe(0);
  });

  // A red-team review found these written by a lying head engine and passed: each is power nobody
  // declared, which the organization recovered from head's membership data does not account for.
  const ROLE_META = ['metadata:', '  labels:', '    app.kubernetes.io/managed-by: orgctl'];
  /** A ClusterRole letting its holders exec into pods, laid out as orgctl writes (`labels`: more label lines). */
  const execRole = (name: string, ...labels: string[]) =>
    [
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: ClusterRole',
      ...ROLE_META,
      ...labels,
      `  name: ${name}`,
      'rules:',
      '- apiGroups:',
      '  - ""',
      '  resources:',
      '  - pods/exec',
      '  verbs:',
      '  - create',
    ].join('\n');
  /** The head dist/ being forged (a rewrite may add files beside the one it rewrites). */
  let forgedRoot = '';
  /** An edit of an lga1 file made to its ord1 twin too: the same object, forged alike in both clusters. */
  const inBothClusters =
    (path: string, edit: (text: string) => string) =>
    (text: string): string => {
      const twin = join(forgedRoot, path.replace(/^lga1\//, 'ord1/'));
      writeFileSync(twin, edit(readFileSync(twin, 'utf8')));
      return edit(text);
    };
  // Each: what, the file, a document appended to it (or the file's text rewritten), the refusal.
  const UNACCOUNTED: readonly (readonly [string, string, string | ((text: string) => string | undefined), RegExp])[] = [
    [
      "a pod's ServiceAccount bound to w:full",
      'lga1/shard-17/resources.yaml',
      W_FULL_FOR_BOB.join('\n').replace(
        '- apiGroup: rbac.authorization.k8s.io\n  kind: User\n  name: bob@acme.io',
        '- kind: ServiceAccount\n  name: default\n  namespace: web',
      ),
      /RoleBinding web\/acme:w:full-extra binds ServiceAccount web\/default: orgctl binds the organization's members and its tokens' ServiceAccounts \(in acme-system\) only/,
    ],
    [
      'a User the membership data does not name',
      'lga1/shard-17/resources.yaml',
      W_FULL_FOR_BOB.join('\n')
        .replace('name: bob@acme.io', 'name: zed@evil.example')
        .replace('acme:w:full\n', 'acme:r:pods\n'),
      /RoleBinding web\/acme:w:full-extra binds User zed@evil\.example: orgctl binds the organization's members/,
    ],
    [
      "a token Secret for a pod's ServiceAccount",
      'lga1/shard-17/resources.yaml',
      [
        'apiVersion: v1',
        'kind: Secret',
        'metadata:',
        '  annotations:',
        '    kubernetes.io/service-account.name: default',
        '  name: default-token',
        '  namespace: web',
        'type: kubernetes.io/service-account-token',
      ].join('\n'),
      /Secret web\/default-token: orgctl writes Secrets and ServiceAccounts only for the organization's tokens \(token-ID in acme-system\), each Secret a kubernetes\.io\/service-account-token of its own ServiceAccount/,
    ],
    [
      "a ClusterRole aggregated into the cluster's view",
      'lga1/cluster/resources.yaml',
      execRole('acme:sneaky', '    rbac.authorization.k8s.io/aggregate-to-view: "true"'),
      /ClusterRole acme:sneaky: label rbac\.authorization\.k8s\.io\/aggregate-to-view, which no orgctl writes: the cluster would add its rules to its own roles/,
    ],
    [
      "a ClusterRole aggregating the cluster's built-in roles",
      'lga1/cluster/resources.yaml',
      [
        'apiVersion: rbac.authorization.k8s.io/v1',
        'aggregationRule:',
        '  clusterRoleSelectors:',
        '  - matchLabels:',
        '      kubernetes.io/bootstrapping: rbac-defaults',
        'kind: ClusterRole',
        ...ROLE_META,
        '  name: acme:gather',
        'rules: []',
      ].join('\n'),
      /ClusterRole acme:gather: an aggregationRule, which no orgctl writes: it gathers the rules of roles outside dist\//,
    ],
    [
      "a ClusterRole named as one of the cluster's own",
      'lga1/cluster/resources.yaml',
      [
        'apiVersion: rbac.authorization.k8s.io/v1',
        'kind: ClusterRole',
        ...ROLE_META,
        '  name: system:basic-user',
        'rules:',
        '- apiGroups:',
        '  - "*"',
        '  resources:',
        '  - "*"',
        '  verbs:',
        '  - "*"',
      ].join('\n'),
      /ClusterRole system:basic-user: orgctl names every role it writes acme:\.\.\.; another name can be a role the cluster has and binds/,
    ],
    [
      'a binding in a namespace the organization does not declare',
      'lga1/shard-17/resources.yaml',
      W_FULL_FOR_BOB.join('\n')
        .replace('namespace: web', 'namespace: default')
        .replace('acme:w:full\n', 'acme:r:pods\n'),
      /RoleBinding default\/acme:w:full-extra is in shard-17, where orgctl writes none of it/,
    ],
    [
      "a binding to one of the cluster's own roles (edit: it creates pods)",
      'lga1/shard-17/resources.yaml',
      W_FULL_FOR_BOB.join('\n').replace('  name: acme:w:full\n', '  name: edit\n'),
      /RoleBinding web\/acme:w:full-extra refers to ClusterRole edit: orgctl binds only the roles it writes \(acme:\.\.\.\)/,
    ],
    [
      'a binding in a cluster its namespace is not placed in',
      'ord1/shard-17/resources.yaml',
      W_FULL_FOR_BOB.join('\n').replace('namespace: web', 'namespace: ml').replace('acme:w:full\n', 'acme:r:pods\n'),
      /RoleBinding ml\/acme:w:full-extra is in shard-17, where orgctl writes none of it/,
    ],
    [
      'a cluster the organization does not declare',
      'lga1/shard-17/resources.yaml',
      (text) => {
        mkdirSync(join(forgedRoot, 'evil1/shard-17'), { recursive: true });
        writeFileSync(join(forgedRoot, 'evil1/shard-17/resources.yaml'), text);
        return undefined; // lga1's file stays as it is: a copy of it goes to a cluster of its own
      },
      /evil1\/shard-17\/resources\.yaml#\d+: .*: cluster evil1 is not one the organization declares/,
    ],
    [
      "a ConfigMap in a team's namespace (Argo CD would take over the team's own)",
      'lga1/shard-17/resources.yaml',
      [
        'apiVersion: v1',
        'data:',
        '  LOG_LEVEL: debug',
        'kind: ConfigMap',
        'metadata:',
        '  name: app-config',
        '  namespace: web',
      ].join('\n'),
      /ConfigMap web\/app-config: orgctl writes ConfigMaps only in acme-system \(the membership data\)/,
    ],
    [
      'a guard rail in a namespace that declares none',
      'lga1/shard-17/resources.yaml',
      [
        'apiVersion: networking.k8s.io/v1',
        'kind: NetworkPolicy',
        'metadata:',
        '  name: allow-all',
        '  namespace: web',
        'spec:',
        '  podSelector: {}',
      ].join('\n'),
      /NetworkPolicy web\/allow-all: namespace web declares no NetworkPolicy/,
    ],
    // A second red-team round: power the organization's membership data does not give.
    [
      // The recovered organization took them for an admin before R35-3; now only the membership says who is.
      'a non-admin bound to w:full in the system namespace',
      'lga1/cluster/resources.yaml',
      W_FULL_FOR_BOB.join('\n').replace('namespace: web', 'namespace: acme-system'),
      /binds User bob@acme\.io to ClusterRole acme:w:full in acme-system in cluster lga1, which this orgctl's rendering of the organization head dist\/ describes does not/,
    ],
    [
      'a non-admin reading the token Secrets of the system namespace',
      'lga1/cluster/resources.yaml',
      W_FULL_FOR_BOB.join('\n')
        .replace('namespace: web', 'namespace: acme-system')
        .replace('acme:w:full\n', 'acme:r:secrets\n'),
      /binds User bob@acme\.io to ClusterRole acme:r:secrets in acme-system in cluster lga1, which this orgctl's rendering of the organization head dist\/ describes does not/,
    ],
    [
      'a deactivated member bound',
      'lga1/shard-17/resources.yaml',
      W_FULL_FOR_BOB.join('\n').replace('bob@acme.io', 'mallory@acme.io').replace('acme:w:full\n', 'acme:r:pods\n'),
      // Read back, the binding is a grant of a deactivated user: recorded as dormant (MemberUser.dormant), so the
      // rendering's membership record of mallory differs from head's first.
      /user mallory@acme\.io: head dist\/'s membership data says .*this orgctl's rendering of the organization it describes .*"namespace":"web","levels":\\\["r:pods"/,
    ],
    [
      'a token kept bound after its expiry',
      'lga1/cluster/resources.yaml',
      inBothClusters('lga1/cluster/resources.yaml', (text) =>
        text.replace('"id":"ci-deploy",', '"id":"ci-deploy","expires":"2020-01-01",'),
      ),
      /binds ServiceAccount acme-system\/token-ci-deploy to ClusterRole acme:w:full in (web|data) in cluster (lga1|ord1), which this orgctl's rendering/,
    ],
    [
      'Pod Security lifted on a namespace that declares none',
      'lga1/shard-17/resources.yaml',
      inBothClusters('lga1/shard-17/resources.yaml', (text) =>
        text.replace(
          '    orgctl.io/organization: acme\n  name: web\n',
          '    orgctl.io/organization: acme\n    pod-security.kubernetes.io/enforce: privileged\n  name: web\n',
        ),
      ),
      /Namespace web: metadata\.labels\.pod-security\.kubernetes\.io\/enforce "privileged" is not what this orgctl writes/,
    ],
    [
      'members.json saying another owner and another admin than the membership ConfigMaps',
      'members.json',
      (text) => text.replace('"owner": "alice@acme.io"', '"owner": "bob@acme.io"'),
      /members\.json: not the membership data this orgctl writes for the organization head dist\/ describes/,
    ],
    [
      'a binding to a role head dist/ does not write',
      'lga1/shard-17/resources.yaml',
      W_FULL_FOR_BOB.join('\n').replace('  name: acme:w:full\n', '  name: acme:future\n'),
      /RoleBinding web\/acme:w:full-extra refers to ClusterRole acme:future, which head dist\/ does not write in cluster lga1/,
    ],
    // A third round: fields the comparisons above did not read, objects written that this orgctl does not write or left out.
    [
      'a revocation made to outlive its review (Prune=false on a RoleBinding)',
      'lga1/shard-17/resources.yaml',
      inBothClusters('lga1/shard-17/resources.yaml', (text) => {
        const at = text.lastIndexOf(
          'metadata:\n  annotations:\n',
          text.indexOf('  name: acme:r:pods\n  namespace: web\nroleRef'),
        );
        const into = at + 'metadata:\n  annotations:\n'.length;
        return `${text.slice(0, into)}    argocd.argoproj.io/sync-options: "Prune=false,Delete=false"\n${text.slice(into)}`;
      }),
      /RoleBinding web\/acme:r:pods: metadata\.annotations\.argocd\.argoproj\.io\/sync-options "Prune=false,Delete=false" is not what this orgctl writes/,
    ],
    [
      "w:full labelled for another project's aggregation (Knative's)",
      'lga1/cluster/resources.yaml',
      inBothClusters('lga1/cluster/resources.yaml', (text) =>
        text.replace(
          '    orgctl.io/organization: acme\n  name: acme:w:full\n',
          '    duck.knative.dev/addressable: "true"\n    orgctl.io/organization: acme\n  name: acme:w:full\n',
        ),
      ),
      /ClusterRole acme:w:full: metadata\.labels\.duck\.knative\.dev\/addressable "true" is not what this orgctl writes/,
    ],
    [
      'a namespace owned by an object that does not exist (the garbage collector deletes it)',
      'lga1/shard-17/resources.yaml',
      inBothClusters('lga1/shard-17/resources.yaml', (text) =>
        text.replace(
          '  name: web\n---',
          '  name: web\n  ownerReferences:\n  - apiVersion: v1\n    kind: Namespace\n    name: gone\n    uid: "6f1b1c2e-9d7a-4c1e-8f3b-2a9d5e7c4b10"\n---',
        ),
      ),
      /Namespace web: metadata\.ownerReferences .* is not what this orgctl writes/,
    ],
    [
      'a token Secret with a token the attacker chose',
      'lga1/shard-04/resources.yaml',
      inBothClusters('lga1/shard-04/resources.yaml', (text) =>
        text.replace(
          '  name: token-ci-deploy\n  namespace: acme-system\ntype:',
          '  name: token-ci-deploy\n  namespace: acme-system\nstringData:\n  token: eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln\ntype:',
        ),
      ),
      /Secret acme-system\/token-ci-deploy: stringData .* is not what this orgctl writes/,
    ],
    [
      'a ConfigMap this orgctl does not write, in the system namespace',
      'lga1/cluster/resources.yaml',
      [
        'apiVersion: v1',
        'data:',
        '  ca.crt: evil',
        'kind: ConfigMap',
        'metadata:',
        '  name: kube-root-ca.crt',
        '  namespace: acme-system',
      ].join('\n'),
      /ConfigMap acme-system\/kube-root-ca\.crt: written in lga1\/cluster\/, where this orgctl writes no such object for the organization/,
    ],
    [
      'an admission policy this orgctl does not write (it could freeze every later revocation)',
      'lga1/cluster/resources.yaml',
      [
        'apiVersion: admissionregistration.k8s.io/v1',
        'kind: ValidatingAdmissionPolicyBinding',
        'metadata:',
        '  name: acme-binding-freeze',
        'spec:',
        '  policyName: acme-binding-freeze',
        '  validationActions:',
        '  - Deny',
      ].join('\n'),
      /ValidatingAdmissionPolicyBinding acme-binding-freeze: written in lga1\/cluster\/, where this orgctl writes no such object/,
    ],
    [
      'a ClusterRole this orgctl writes left out',
      'lga1/cluster/resources.yaml',
      inBothClusters('lga1/cluster/resources.yaml', (text) => {
        const start = text.indexOf(
          '---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  annotations:\n    argocd.argoproj.io/sync-wave: "1"\n    orgctl.io/level: r:events',
        );
        return text.slice(0, start) + text.slice(text.indexOf('---', start + 3));
      }),
      /ClusterRole acme:r:events: this orgctl writes it in lga1\/cluster\/; head dist\/ does not/,
    ],
    [
      "the AppProject widened (applied by hand: the next admin to apply it opens Argo CD's second wall)",
      'argocd/appproject.yaml',
      (text) => text.replace('  sourceRepos:\n  - https://github.com/acme/org.git', '  sourceRepos:\n  - "*"'),
      /AppProject argocd\/acme-access: spec\.sourceRepos .*\*.* is not what this orgctl writes \(argocd\/\)/,
    ],
    // A fourth round: what the freedoms left (shards, binding names, role rules) did to Argo CD.
    [
      'a shard moved to a new folder (its Application, left pointing at nothing, never prunes what it applied)',
      'lga1/shard-17/resources.yaml',
      () => {
        for (const cluster of ['lga1', 'ord1']) {
          const text = readFileSync(join(forgedRoot, cluster, 'shard-17/resources.yaml'), 'utf8');
          mkdirSync(join(forgedRoot, cluster, 'shard-30'));
          writeFileSync(join(forgedRoot, cluster, 'shard-30/resources.yaml'), text);
          rmSync(join(forgedRoot, cluster, 'shard-17'), { recursive: true });
        }
        return undefined; // the file is gone: its documents sit in shard-30
      },
      /Namespace web is in shard-30, where orgctl writes none of it: it places it in shard-17/,
    ],
    [
      'two bindings swapping names (the API server refuses a changed roleRef: the shard stops syncing)',
      'lga1/shard-17/resources.yaml',
      inBothClusters('lga1/shard-17/resources.yaml', (text) =>
        text
          .replace('  name: acme:r:pods\n  namespace: web\nroleRef', '  name: SWAP\n  namespace: web\nroleRef')
          .replace(
            '  name: acme:w:ingresses\n  namespace: web\nroleRef',
            '  name: acme:r:pods\n  namespace: web\nroleRef',
          )
          .replace('  name: SWAP\n  namespace: web\nroleRef', '  name: acme:w:ingresses\n  namespace: web\nroleRef'),
      ),
      /RoleBinding web\/acme:(w:ingresses|r:pods): roleRef\.name "acme:(r:pods|w:ingresses)".* is not what this orgctl writes/,
    ],
    [
      'a roleRef in another API group (refused by the API server)',
      'lga1/shard-17/resources.yaml',
      inBothClusters('lga1/shard-17/resources.yaml', (text) =>
        text.replace(
          'roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: acme:w:full\n',
          'roleRef:\n  apiGroup: evil.example\n  kind: ClusterRole\n  name: acme:w:full\n',
        ),
      ),
      /RoleBinding web\/acme:w:full: roleRef\.apiGroup "evil\.example" is not supported/,
    ],
    [
      'a role rule the API server refuses (it would stop the cluster shard syncing)',
      'lga1/cluster/resources.yaml',
      inBothClusters('lga1/cluster/resources.yaml', (text) => {
        const at = text.indexOf('rules:\n', text.indexOf('orgctl.io/level: r:events')) + 'rules:\n'.length;
        return `${text.slice(0, at)}- nonResourceURLs:\n  - /healthz\n  resources:\n  - events\n  verbs:\n  - get\n${text.slice(at)}`;
      }),
      /ClusterRole acme:r:events: rule 0 names non-resource URLs and resources together: the API server refuses it/,
    ],
    // A fifth round: what orgctl's own metadata and unbound roles could still carry.
    [
      'an orgctl.io label value the API server refuses (the shard would stop syncing, and its revocations with it)',
      'lga1/shard-17/resources.yaml',
      inBothClusters('lga1/shard-17/resources.yaml', (text) =>
        text.replaceAll('orgctl.io/engine: "9.0.0-test"', 'orgctl.io/engine: "9.0.0 test -- not a label value!"'),
      ),
      /label orgctl\.io\/engine "9\.0\.0 test -- not a label value!" must be .*: the API server refuses it/,
    ],
    [
      'a level role nobody holds given every right (a binding base wrote holds it until pruned)',
      'lga1/cluster/resources.yaml',
      inBothClusters('lga1/cluster/resources.yaml', (text) => {
        const start = text.indexOf('rules:\n', text.indexOf('orgctl.io/level: r:events')) + 'rules:\n'.length;
        const end = text.indexOf('---', start);
        return `${text.slice(0, start)}- apiGroups:\n  - "*"\n  resources:\n  - "*"\n  verbs:\n  - "*"\n${text.slice(end)}`;
      }),
      /ClusterRole acme:r:events: rules .* is not what this orgctl writes/,
    ],
    [
      'an added role nobody holds, shaped as a level, with every right',
      'lga1/cluster/resources.yaml',
      inBothClusters('lga1/cluster/resources.yaml', (text) => {
        const start = text.lastIndexOf('---\n', text.indexOf('orgctl.io/level: r:events'));
        const end = text.indexOf('---', start + 4);
        const copy = text
          .slice(start, end)
          .replace('name: acme:r:events', 'name: acme:r:everything')
          .replace(/rules:\n[\s\S]*$/, 'rules:\n- apiGroups:\n  - "*"\n  resources:\n  - "*"\n  verbs:\n  - "*"\n');
        return `${text}${copy}`;
      }),
      /ClusterRole acme:r:everything: written in lga1\/cluster\/, where this orgctl writes no such object/,
    ],
    // A seventh round: what orgctl's own metadata could still do to Argo CD, and members.json's other readers.
    [
      "a shard file grown past Argo CD's limits with orgctl.io metadata alone",
      'lga1/shard-17/resources.yaml',
      inBothClusters('lga1/shard-17/resources.yaml', (text) => {
        // Each object within the API server's limits (annotations under 256 KiB, labels valid); the file past 4 MiB.
        const labels = Array.from({ length: 1500 }, (_, i) => `    orgctl.io/p${i}: ${'a'.repeat(63)}\n`).join('');
        return text
          .replaceAll('  annotations:\n', `  annotations:\n    orgctl.io/pad: ${'b'.repeat(250_000)}\n`)
          .replaceAll('  labels:\n', `  labels:\n${labels}`);
      }),
      /lga1\/shard-17\/resources\.yaml: `\d+` bytes, over the `4194304` one Argo CD Application takes/,
    ],
    [
      "an invalid label in the ApplicationSet's Application template",
      'argocd/applicationset.yaml',
      (text) =>
        text.replace(
          '        orgctl.io/organization: acme\n',
          '        orgctl.io/organization: acme\n        orgctl.io/bad: "not a valid label value!"\n',
        ),
      /ApplicationSet argocd\/acme-access: label orgctl\.io\/bad "not a valid label value!" .*of its Application template: the API server refuses it/,
    ],
    [
      "a Go template in the ApplicationSet's Application template (rendered by the controller)",
      'argocd/applicationset.yaml',
      (text) =>
        text.replace(
          '        orgctl.io/organization: acme\n',
          '        orgctl.io/organization: acme\n        orgctl.io/stop: "{{ fail \\"frozen\\" }}"\n',
        ),
      /ApplicationSet argocd\/acme-access: .*orgctl\.io\/stop.* holds a Go template/,
    ],
    [
      'members.json with a duplicate key (a reader keeping the first value sees another owner)',
      'members.json',
      (text) => text.replace('"owner": "alice@acme.io",', '"owner": "bob@acme.io",\n    "owner": "alice@acme.io",'),
      /members\.json: not the membership data this orgctl writes/,
    ],
    [
      'a ClusterRole written one way in one cluster and another way in the other',
      'lga1/cluster/resources.yaml',
      (text) =>
        text.replace('name: acme:r:pods\nrules:\n- apiGroups:\n  - ""\n  resources:\n  - pods\n', '$&  - pods/exec\n'),
      /ClusterRole acme:r:pods: written differently in .*lga1\/cluster\/resources\.yaml#\d+ and .*ord1\/cluster\/resources\.yaml#\d+/,
    ],
  ];
  /** The cases the strict reader refuses as input since R89 (their message is its refusal's). */
  const REFUSED_BY_DIFF = new Map([
    [
      "a ClusterRole aggregated into the cluster's view",
      /ClusterRole acme:sneaky \(.*\) has the label .*aggregate-to-view/,
    ],
    ["a ClusterRole aggregating the cluster's built-in roles", /ClusterRole acme:gather \(.*\) has an aggregationRule/],
  ]);
  const REFUSED_AS_INPUT = new Set([
    'a binding in a namespace the organization does not declare',
    'a binding in a cluster its namespace is not placed in',
    'a shard moved to a new folder (its Application, left pointing at nothing, never prunes what it applied)',
    'a roleRef in another API group (refused by the API server)',
    'a role rule the API server refuses (it would stop the cluster shard syncing)',
    'an orgctl.io label value the API server refuses (the shard would stop syncing, and its revocations with it)',
  ]);
  it.each(
    UNACCOUNTED,
  )('judges head dist/ as written when the head proof vouches for it: %s fails', async (_, path, doc, message) => {
    const dir = join(tempDir('orgctl-forged-'), 'dist');
    forgedRoot = dir;
    cpSync(upgraded, dir, { recursive: true });
    const text = readFileSync(join(dir, path), 'utf8');
    const forged = typeof doc === 'string' ? `${text}---\n${doc}\n` : doc(text);
    expect(forged).not.toBe(text);
    if (forged !== undefined) writeFileSync(join(dir, path), forged);
    const r = await review(dir, [...UPGRADE_PATHS, '--head-proof', proofFile(NEW), '--head-lock', lockFile(NEW)]);
    const aggregation = REFUSED_BY_DIFF.get(_);
    if (aggregation) {
      // Since R129-1 the diff refuses a side holding one (what it gives, or whom it reaches, is not in dist/): exit 2, naming it.
      expect(r.stderr).toMatch(aggregation);
      expect(r.code).toBe(2);
      return;
    }
    if (REFUSED_AS_INPUT.has(_)) {
      // Since R89 the strict reader refuses these (what the API server refuses, an object outside the
      // shard orgctl places it in) before any proof: exit 2, naming the object.
      expect(r.stderr).toMatch(/cannot be trusted/);
      expect(r.stderr).toMatch(message);
      expect(r.code).toBe(2);
      return;
    }
    expect(row(r.stdout, 'output-proof')).toMatch(/\| ✅ \| head dist\/ is proved by orgctl 9\.0\.0-test/);
    expect(row(r.stdout, 'head-policies')).toMatch(message);
    expect(r.code).toBe(1);
  });

  // Written twice in one cluster, an object is refused as the head is read (parseOutput, red team
  // R83-2: kubectl and Argo CD apply the last copy alone), before any judgement.
  it('refuses head dist/ with a ClusterRole written twice in one cluster, whatever the head proof says', async () => {
    const dir = join(tempDir('orgctl-forged-'), 'dist');
    forgedRoot = dir;
    cpSync(upgraded, dir, { recursive: true });
    const path = join(dir, 'lga1/shard-17/resources.yaml');
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, `${text}---\n${execRole('acme:r:pods')}\n`);
    const r = await review(dir, [...UPGRADE_PATHS, '--head-proof', proofFile(NEW), '--head-lock', lockFile(NEW)]);
    expect(r.stderr).toMatch(
      /lga1\/shard-17\/resources\.yaml#\d+: ClusterRole acme:r:pods written twice \(first at .*lga1\/cluster\/resources\.yaml#\d+\)/,
    );
    expect(r.code).toBe(2);
  });

  it('prove --format json is the verdict only, small at any size (never the organization it recovered)', async () => {
    const r = await run(['prove', '--dir', join(ROOT, 'dist'), '--format', 'json']);
    const proof = JSON.parse(r.stdout);
    expect(Object.keys(proof)).toEqual(['engine', 'ok', 'differences', 'findings', 'recovered']);
    expect(proof).toMatchObject({ engine: { name: 'orgctl', version: VERSION }, ok: true, recovered: true });
  });

  /**
   * A repository whose base commit holds the example's dist/ and `baseLock`; `upgrade(lock)` commits
   * the upgraded dist/ with that lock (or none); `judge` reviews it there (git refs are read in it).
   */
  function upgradeRepository(baseLock: string) {
    const lock = readFileSync(baseLock);
    const { repo, sha: base } = committedCopy('orgctl-upgrade-repo-', `upgrade\0${lock}`, (dir) => {
      cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
      writeFileSync(join(dir, 'package-lock.json'), lock);
    });
    const git = gitIn(repo);
    cpSync(upgraded, join(repo, 'dist'), { recursive: true });
    const upgrade = (lock: string | undefined) => {
      if (lock) writeFileSync(join(repo, 'package-lock.json'), readFileSync(lock));
      else git('rm', '-q', 'package-lock.json');
      git('add', '-A');
      git('commit', '-qm', 'upgrade orgctl');
      return git('rev-parse', 'HEAD');
    };
    const judge = (head: string, proof = proofFile(NEW), baseSide = base, spawned = false) =>
      orgctlIn(
        repo,
        [
          ...['review', '--base', baseSide, '--head', head, '--actor', 'alice', '--approved-by', 'frank'],
          ...['--changed-path', 'package-lock.json', '--head-proof', proof],
        ],
        spawned,
      );
    /** The base commit checked out, as the review job has it (`--base dist` is then its folder). */
    const checkOutBase = () => git('checkout', '-q', base);
    return { upgrade, judge, checkOutBase, repo };
  }

  it('reads head package-lock.json from the head git ref', async () => {
    const { upgrade, judge } = upgradeRepository(lockFile(VERSION));
    const head = upgrade(lockFile(NEW));
    const ok = await judge(head, proofFile(NEW), undefined, true);
    expect(row(ok.stdout, 'output-proof')).toMatch(/\| ✅ \| head dist\/ is proved by orgctl 9\.0\.0-test/);
    expect(ok.code).toBe(0);
    const wrong = await judge(head, proofFile('9.0.1'));
    expect(row(wrong.stdout, 'output-proof')).toMatch(
      /\| ❌ \| .*The head proof was not accepted: it was made by orgctl 9\.0\.1, but head's package-lock\.json installs orgctl 9\.0\.0-test: only the version the upgrade installs/,
    );
    expect(wrong.code).toBe(1);
    const noLock = await judge(upgrade(undefined));
    expect(row(noLock.stdout, 'output-proof')).toMatch(
      /not accepted: head's package-lock\.json: `[0-9a-f]{40}`:package-lock\.json does not exist/,
    );
    expect(noLock.code).toBe(1);
  });

  it("refuses --head-lock beside a --head git ref, whose own lock is head's: a proof was accepted for the version the given file installs, not the one head installs (red team R65-2)", async () => {
    const { upgrade, repo } = upgradeRepository(lockFile(VERSION));
    const head = upgrade(lockFile('9.0.1'));
    const r = await orgctlIn(repo, [
      ...['review', '--base', 'HEAD~1', '--head', head, '--actor', 'alice', '--approved-by', 'frank'],
      ...['--changed-path', 'package-lock.json', '--head-proof', proofFile(NEW), '--head-lock', lockFile(NEW)],
    ]);
    expect(row(r.stdout, 'output-proof')).not.toMatch(/✅/);
    expect([r.code, r.stderr.split('\n')[0]]).toEqual([
      2,
      expect.stringMatching(/--head-lock .*--head .* is a git ref.*its own package-lock\.json/),
    ]);
  });

  it("trusts the registries base's package-lock.json installs from (a private one), and only those", async () => {
    const PRIVATE = 'https://npm.acme.internal';
    const { upgrade, judge } = upgradeRepository(lockFile(VERSION, {}, PRIVATE));
    const fromPrivate = await judge(upgrade(lockFile(NEW, {}, PRIVATE)));
    expect(row(fromPrivate.stdout, 'output-proof')).toMatch(/\| ✅ \| head dist\/ is proved by orgctl 9\.0\.0-test/);
    expect(fromPrivate.code).toBe(0);
    // npm's public registry is not one this base installs from.
    const fromPublic = await judge(upgrade(lockFile(NEW, {}, 'https://registry.npmjs.org')));
    expect(row(fromPublic.stdout, 'output-proof')).toMatch(
      /not accepted: head's package-lock\.json installs node\\_modules\/orgctl from "`https:\/\/registry\.npmjs\.org\/orgctl\/-\/orgctl-9\.0\.0-test\.tgz`" \(and 1 more\): .*\(`https:\/\/npm\.acme\.internal`\)/,
    );
    expect(fromPublic.code).toBe(1);
  });

  it("reads base's registries from the checked-out base when --base is a folder, as the review job gives it (`--base dist`): it trusted npm's public registry whatever base installs from (red team E2)", async () => {
    const PRIVATE = 'https://npm.acme.internal';
    const { upgrade, judge, checkOutBase } = upgradeRepository(lockFile(VERSION, {}, PRIVATE));
    const head = upgrade(lockFile(NEW, {}, 'https://registry.npmjs.org'));
    checkOutBase();
    const fromPublic = await judge(head, proofFile(NEW), 'dist');
    expect(row(fromPublic.stdout, 'output-proof')).toMatch(
      /not accepted: head's package-lock\.json installs node\\_modules\/orgctl from "`https:\/\/registry\.npmjs\.org\/orgctl\/-\/orgctl-9\.0\.0-test\.tgz`" \(and 1 more\): .*\(`https:\/\/npm\.acme\.internal`\)/,
    );
    expect(fromPublic.code).toBe(1);
  });

  it("reads base's registries from that folder's project when --base is a folder elsewhere, never from the checked-out commit: run on the pull request's branch, it trusted what head's own lock installs from", async () => {
    const PRIVATE = 'https://npm.acme.internal';
    const baseLock = lockFile(VERSION, {}, PRIVATE);
    const { upgrade, judge } = upgradeRepository(baseLock);
    const head = upgrade(lockFile(NEW, {}, 'https://registry.npmjs.org'));
    // Head stays checked out; base is a copy of its files elsewhere, as a reviewer might keep one.
    const baseProject = tempDir('orgctl-base-project-');
    cpSync(join(ROOT, 'dist'), join(baseProject, 'dist'), { recursive: true });
    writeFileSync(join(baseProject, 'package.json'), '{ "name": "acme-organization", "private": true }\n');
    writeFileSync(join(baseProject, 'package-lock.json'), readFileSync(baseLock));
    const fromPublic = await judge(head, proofFile(NEW), join(baseProject, 'dist'));
    expect(row(fromPublic.stdout, 'output-proof')).toMatch(
      /not accepted: head's package-lock\.json installs node\\_modules\/orgctl from "`https:\/\/registry\.npmjs\.org\/orgctl\/-\/orgctl-9\.0\.0-test\.tgz`" \(and 1 more\): .*\(`https:\/\/npm\.acme\.internal`\)/,
    );
    expect(fromPublic.code).toBe(1);
  });

  it("never reads base's registries from the checkout holding a copy of base it does not track: that checkout is head's (red team G)", async () => {
    const PRIVATE = 'https://npm.acme.internal';
    const EVIL = 'https://npm.evil.example';
    const { upgrade, judge, repo } = upgradeRepository(lockFile(VERSION, {}, PRIVATE));
    const head = upgrade(lockFile(NEW, {}, EVIL));
    // Head stays checked out; a copy of base is kept inside that checkout (untracked), as a
    // reviewer might extract one there (`git archive main | tar -x -C .base`).
    for (const [copy, withProject] of [
      ['.base', true],
      ['.base-dist-only', false],
    ] as const) {
      cpSync(join(ROOT, 'dist'), join(repo, copy, 'dist'), { recursive: true });
      if (withProject) {
        writeFileSync(join(repo, copy, 'package.json'), '{ "name": "acme-organization", "private": true }\n');
        writeFileSync(join(repo, copy, 'package-lock.json'), readFileSync(lockFile(VERSION, {}, PRIVATE)));
      }
      const fromEvil = await judge(head, proofFile(NEW), join(repo, copy, 'dist'));
      expect(row(fromEvil.stdout, 'output-proof'), copy).toMatch(
        /not accepted: head's package-lock\.json installs node\\_modules\/orgctl from "`https:\/\/npm\.evil\.example\/orgctl\/-\/orgctl-9\.0\.0-test\.tgz`"/,
      );
      expect(fromEvil.code, copy).toBe(1);
    }
  });

  it("refuses a head proof while base's lock cannot be read as npm reads it: it trusted npm's public registry, as for a base with no lock, and told the approval base had none", async () => {
    const PRIVATE = 'https://npm.acme.internal';
    // Base's lock installs from a private registry, but holds git's conflict markers: npm reads it
    // (merging its sides), the review cannot, so which registries base trusts is unknown.
    const readable = readFileSync(lockFile(VERSION, {}, PRIVATE), 'utf8');
    const conflicted = file(
      'conflicted-base-lock.json',
      readable.replace('"packages":{', '"packages":{\n<<<<<<< HEAD\n=======\n>>>>>>> theirs\n'),
    );
    expect(conflicted).not.toBe(readable);
    const { upgrade, judge, repo } = upgradeRepository(conflicted);
    const head = upgrade(lockFile(NEW, {}, 'https://registry.npmjs.org'));
    for (const changed of [true, false]) {
      const r = changed
        ? await judge(head)
        : await orgctlIn(repo, [
            ...['review', '--base', 'HEAD~1', '--head', head, '--actor', 'alice', '--approved-by', 'frank'],
            ...['--head-proof', proofFile(NEW)],
          ]);
      expect(row(r.stdout, 'output-proof'), `changed paths given: ${changed}`).toMatch(
        /\| ❌ \| .*not accepted: base's package-lock\.json cannot be read as npm reads it: .*conflict/,
      );
      expect(r.code).toBe(1);
    }
  });

  it("refuses a package without `resolved` when base does not install from npm's public registry: the head engine's job has no .npmrc, so npm fetches it there (red team E)", async () => {
    const PRIVATE = 'https://npm.acme.internal';
    const { upgrade, judge } = upgradeRepository(lockFile(VERSION, {}, PRIVATE));
    // Anyone may publish orgctl 9.0.0-test on npm's public registry (orgctl is not on it).
    const unnamed = await judge(
      upgrade(lockFile(NEW, { 'node_modules/orgctl': { version: NEW, integrity: 'sha512-EEEE' } }, PRIVATE)),
    );
    expect(row(unnamed.stdout, 'output-proof')).toMatch(
      /not accepted: head's package-lock\.json installs node\\_modules\/orgctl without a resolved source: the head engine's job fetches it from npm's public registry \(`https:\/\/registry\.npmjs\.org`\), which base's lock does not install from: .*\(`https:\/\/npm\.acme\.internal`\)/,
    );
    expect(unnamed.code).toBe(1);
  });
});

describe("a head lock's packages, each the package its path names", () => {
  const lock = (packages: Record<string, unknown>) =>
    JSON.stringify({ lockfileVersion: 3, packages: { '': {}, ...packages } });
  const entry = (resolved: string) => ({ version: '22.0.1', resolved, integrity: 'sha512-AAAA' });
  const REGISTRIES = ['https://registry.npmjs.org', 'https://repo.acme.io'];

  it.each([
    ["npm's registry", 'https://registry.npmjs.org/@octokit/rest/-/rest-22.0.1.tgz'],
    [
      'a registry under a path, the scope escaped (Verdaccio)',
      'https://repo.acme.io/npm/@octokit%2frest/-/rest-22.0.1.tgz',
    ],
    [
      "a registry naming the scope in the file's name (Artifactory)",
      'https://repo.acme.io/api/npm/npm/@octokit/rest/-/@octokit/rest-22.0.1.tgz',
    ],
  ])('an honest tarball URL passes: %s', (_, resolved) => {
    const locked = lockedEngine(
      lock({
        'node_modules/orgctl': entry('https://registry.npmjs.org/orgctl/-/orgctl-22.0.1.tgz'),
        'node_modules/orgctl/node_modules/@octokit/rest': entry(resolved),
      }),
      'orgctl',
      REGISTRIES,
    );
    expect(locked).toMatchObject({ version: '22.0.1' });
    expect(locked).not.toHaveProperty('untrusted');
  });

  it.each([
    ['another version', 'https://registry.npmjs.org/@octokit/rest/-/rest-22.0.0.tgz'],
    ['another package of the same base name', 'https://registry.npmjs.org/@evil/rest/-/rest-22.0.1.tgz'],
    ['the name only in a query', 'https://registry.npmjs.org/evil/-/evil-1.0.0.tgz?/@octokit/rest/-/rest-22.0.1.tgz'],
  ])('a tarball of another package is refused: %s', (_, resolved) => {
    const locked = lockedEngine(
      lock({
        'node_modules/orgctl': entry('https://registry.npmjs.org/orgctl/-/orgctl-22.0.1.tgz'),
        'node_modules/@octokit/rest': entry(resolved),
      }),
      'orgctl',
      REGISTRIES,
    );
    expect(locked).toMatchObject({
      untrusted: expect.stringContaining("which is not the registry's tarball of @octokit/rest 22.0.1"),
    });
  });
});

describe('engine-change names what else head package-lock.json installs from a source the base does not trust (red team E)', () => {
  it('a lock refresh keeping orgctl 0.1.0 that installs yaml from another host: once merged, the privileged review job installs and runs it', async () => {
    const lock = lockFile(VERSION, {
      'node_modules/yaml': {
        version: '2.9.1',
        resolved: 'https://evil.example/yaml-2.9.1.tgz',
        integrity: 'sha512-EEEE',
      },
    });
    const r = await review(join(ROOT, 'dist'), [...UPGRADE_PATHS, '--head-lock', lock]);
    // The approval is asked for, and says what it trusts beyond orgctl itself.
    expect(row(r.stdout, 'engine-change')).toMatch(/\| ✅ \| .*approving it trusts orgctl 0\.1\.0 from /);
    expect(row(r.stdout, 'engine-change')).toMatch(
      /and everything the lock installs, which the review job runs once this merges: .*node\\_modules\/yaml from "`https:\/\/evil\.example\/yaml-2\.9\.1\.tgz`"/,
    );
  });

  it("a package from npm's registry naming a command orgctl: npm links the first package naming it (tried: npm 11), so the review job's `npx orgctl` would run it once this merges", async () => {
    const lock = lockFile(VERSION, {
      'node_modules/aaa-tools': {
        version: '1.0.0',
        resolved: 'https://registry.npmjs.org/aaa-tools/-/aaa-tools-1.0.0.tgz',
        integrity: 'sha512-EEEE',
        bin: { orgctl: 'b.js' },
      },
    });
    const r = await review(join(ROOT, 'dist'), [...UPGRADE_PATHS, '--head-lock', lock]);
    expect(row(r.stdout, 'engine-change')).toMatch(
      /which the review job runs once this merges: node\\_modules\/aaa-tools, which names a command orgctl \(npm links the first package naming a command; npx orgctl would run it\)/,
    );
    // And as a head engine's source: refused.
    const proved = await review(
      upgraded,
      headLockWith({
        'node_modules/aaa-tools': JSON.parse(readFileSync(lock, 'utf8')).packages['node_modules/aaa-tools'],
      }),
    );
    expect(row(proved.stdout, 'output-proof')).toMatch(
      /not accepted: head's package-lock\.json installs node\\_modules\/aaa-tools, which names a command orgctl/,
    );
  });
});

describe("engine-change refuses head's package.json naming a command orgctl, which npx runs before the orgctl the lock installs (red team E2)", () => {
  /**
   * A repository whose base commit holds the example's dist/, head's lock and `base` as
   * package.json; head changes package.json alone to `head` (the lock untouched: npm never checks
   * its root entry against package.json). Reviewed there, approved by frank.
   */
  function packageChange(base: object, head: object, files: Record<string, string> = {}, spawned = false) {
    const { repo, sha: baseSha } = committedCopy('orgctl-package-repo-', `package\0${JSON.stringify(base)}`, (dir) => {
      cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
      writeFileSync(join(dir, 'package-lock.json'), readFileSync(lockFile(VERSION)));
      writeFileSync(join(dir, 'package.json'), JSON.stringify(base));
    });
    const git = gitIn(repo);
    writeFileSync(join(repo, 'package.json'), JSON.stringify(head));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(repo, path, '..'), { recursive: true });
      writeFileSync(join(repo, path), text);
    }
    git('add', '-A');
    git('commit', '-qm', 'head');
    return orgctlIn(
      repo,
      [
        ...['review', '--base', baseSha, '--head', git('rev-parse', 'HEAD'), '--actor', 'alice'],
        ...['--approved-by', 'frank', '--changed-path', 'package.json'],
      ],
      spawned,
    );
  }
  const ACME = { name: 'acme-org', version: '1.0.0', private: true, dependencies: { orgctl: `^${VERSION}` } };

  it.each([
    ['`bin` naming orgctl', { bin: { orgctl: 'dist/x.js' } }, /names a command orgctl \("dist\/x\.js"\)/],
    [
      'a `bin` key npm reads as orgctl (its last path segment)',
      { bin: { 'tools/orgctl': 'dist/x.js' } },
      /names a command orgctl \("dist\/x\.js"\)/,
    ],
    [
      'a `bin` list (each file a command by its name)',
      { bin: ['scripts/orgctl'] },
      /names a command orgctl \("scripts\/orgctl"\)/,
    ],
    [
      "a `bin` string, a command named after the package (its name's last part)",
      { name: '@acme/orgctl', bin: 'x.js' },
      /names a command orgctl \("x\.js"\)/,
    ],
    [
      '`directories.bin`, every file of a folder a command',
      { directories: { bin: 'org/tools' } },
      /names every file of "org\/tools" a command \(directories\.bin\)/,
    ],
    ['the project renamed orgctl', { name: 'orgctl' }, /is named orgctl/],
  ])("head's package.json with %s fails engine-change, approval or not", async (_, fields, message) => {
    const r = await packageChange(ACME, { ...ACME, ...fields });
    expect(row(r.stdout, 'engine-change')).toMatch(/\| ❌ \| /);
    expect(row(r.stdout, 'engine-change')).toMatch(message);
    expect(r.code).toBe(1);
  });

  it.each([
    ['a key npm reads as orgctl', { 'tools/orgctl': 'b.js' }],
    ['a list', ['bin/orgctl']],
  ])("a lock's package naming a command orgctl by %s is named, as one naming it by its key is (npm normalizes a `bin` as npm-normalize-package-bin does)", async (_, bin) => {
    const lock = lockFile(VERSION, {
      'node_modules/aaa-tools': {
        version: '1.0.0',
        resolved: 'https://registry.npmjs.org/aaa-tools/-/aaa-tools-1.0.0.tgz',
        integrity: 'sha512-EEEE',
        bin,
      },
    });
    const r = await review(join(ROOT, 'dist'), [...UPGRADE_PATHS, '--head-lock', lock]);
    expect(row(r.stdout, 'engine-change')).toMatch(/node\\_modules\/aaa-tools, which names a command orgctl/);
  });

  it("passes in orgctl's own repository: the project is the engine, named orgctl in base and head", async () => {
    const ORGCTL = { name: 'orgctl', version: VERSION, bin: { orgctl: 'bin/orgctl.mjs' } };
    const r = await packageChange(ORGCTL, { ...ORGCTL, description: 'the engine' }, {}, true);
    expect(row(r.stdout, 'engine-change')).toMatch(/\| ✅ \| changes package\.json; approved by frank/);
    expect(r.code).toBe(0);
  });

  it('passes a package.json naming no command orgctl', async () => {
    const r = await packageChange(ACME, { ...ACME, bin: { 'acme-tool': 'scripts/tool.js' }, description: 'x' });
    expect(row(r.stdout, 'engine-change')).toMatch(/\| ✅ \| changes package\.json; approved by frank/);
    expect(r.code).toBe(0);
  });
});

/** The upgrade's review arguments with head's lock holding `packages` (entries replaced or added). */
const headLockWith = (packages: Record<string, unknown>) => [
  ...UPGRADE_PATHS,
  '--head-proof',
  proofFile(NEW),
  '--head-lock',
  lockFile(NEW, packages),
];

describe('a head proof that is not accepted fails output-proof, saying why', () => {
  const cases: [string, () => string[], RegExp][] = [
    [
      'not JSON',
      () => [...UPGRADE_PATHS, '--head-proof', file('bad.json', '{"ok": tru'), '--head-lock', lockFile(NEW)],
      /it is not a proof orgctl writes: it is not JSON/,
    ],
    [
      'no engine (an older orgctl, or not prove --format json)',
      () => [
        ...UPGRADE_PATHS,
        '--head-proof',
        file('old.json', '{"ok":true,"differences":[],"findings":[]}'),
        '--head-lock',
        lockFile(NEW),
      ],
      /it is not a proof orgctl writes: it names no engine/,
    ],
    [
      'ok with differences (not a proof orgctl writes)',
      () => [...UPGRADE_PATHS, '--head-proof', proofFile(NEW, { differences: ['x'] }), '--head-lock', lockFile(NEW)],
      /it is not a proof orgctl writes: it says ok with 1 difference\(s\)/,
    ],
    [
      'a version that is not one',
      () => [...UPGRADE_PATHS, '--head-proof', proofFile('latest'), '--head-lock', lockFile(NEW)],
      /engine\.version "latest" is not a version/,
    ],
    [
      'ok: false',
      () => [
        ...UPGRADE_PATHS,
        '--head-proof',
        proofFile(NEW, { ok: false, differences: ['dist/x.yaml#0: not what orgctl renders'] }),
        '--head-lock',
        lockFile(NEW),
      ],
      /orgctl 9\.0\.0-test did not prove head dist\/ either \(1 difference\(s\), 0 policy error\(s\): dist\/x\.yaml#0/,
    ],
    [
      'a version other than the one head installs',
      () => [...UPGRADE_PATHS, '--head-proof', proofFile('9.9.9'), '--head-lock', lockFile(NEW)],
      /it was made by orgctl 9\.9\.9, but head's package-lock\.json installs orgctl 9\.0\.0-test/,
    ],
    [
      "the base's own version",
      () => [...UPGRADE_PATHS, '--head-proof', proofFile(VERSION), '--head-lock', lockFile(VERSION)],
      /it was made by orgctl [^,]+, the version judging it/,
    ],
    [
      'another engine',
      () => [
        ...UPGRADE_PATHS,
        '--head-proof',
        file(
          'other.json',
          JSON.stringify({ engine: { name: 'notorgctl', version: NEW }, ok: true, differences: [], findings: [] }),
        ),
        '--head-lock',
        lockFile(NEW),
      ],
      /it was made by notorgctl, not orgctl/,
    ],
    [
      'no engine change among the changed paths',
      () => ['--changed-path', 'dist/members.json', '--head-proof', proofFile(NEW), '--head-lock', lockFile(NEW)],
      /the change touches none of package\.json, package-lock\.json, npm-shrinkwrap\.json: it does not upgrade orgctl/,
    ],
    [
      'changed paths unknown',
      () => ['--head-proof', proofFile(NEW), '--head-lock', lockFile(NEW)],
      /the changed paths are unknown/,
    ],
    [
      'a head folder without --head-lock',
      () => [...UPGRADE_PATHS, '--head-proof', proofFile(NEW)],
      /is a folder, so which orgctl head's package-lock\.json installs is unknown: give --head-lock FILE/,
    ],
    [
      'orgctl installed from a host the base does not install from',
      () =>
        headLockWith({
          'node_modules/orgctl': {
            version: NEW,
            resolved: `https://evil.example/orgctl-${NEW}.tgz`,
            integrity: 'sha512-CCCC',
          },
        }),
      /head's package-lock\.json installs node\\_modules\/orgctl from "`https:\/\/evil\.example\/orgctl-9\.0\.0-test\.tgz`": the head engine's job runs every package it installs, so each must come from a registry base's lock installs from \(`https:\/\/registry\.npmjs\.org`\), over https, with a sha512 integrity/,
    ],
    [
      'one of its dependencies from git (it runs inside the head engine)',
      () =>
        headLockWith({
          'node_modules/yaml': { version: '2.9.1', resolved: 'git+ssh://git@github.com/evil/yaml.git#abc' },
        }),
      /installs node\\_modules\/yaml from "`git\+ssh:\/\/git@github\.com\/evil\/yaml\.git#abc`"/,
    ],
    // Red team E: npm installs what `resolved` (or an alias's `name`) says at the path the lock
    // gives, without checking it is the package of that name (tried: npm 11, a lock's node_modules/yaml
    // resolved to another tarball, and require('yaml') ran it). Anyone may publish to a registry.
    [
      "a dependency from another package's tarball on the trusted registry (orgctl's require('yaml') runs it)",
      () =>
        headLockWith({
          'node_modules/yaml': {
            version: '2.9.1',
            resolved: 'https://registry.npmjs.org/evil/-/evil-1.0.0.tgz',
            integrity: 'sha512-EEEE',
          },
        }),
      /installs node\\_modules\/yaml from "`https:\/\/registry\.npmjs\.org\/evil\/-\/evil-1\.0\.0\.tgz`", which is not the registry's tarball of yaml 2\.9\.1/,
    ],
    [
      "a dependency installed as another package (an alias, `name`: orgctl's require('yaml') runs that one)",
      () => headLockWith({ 'node_modules/yaml': { name: 'evil', version: '1.0.0', integrity: 'sha512-EEEE' } }),
      /installs node\\_modules\/yaml as the package "evil"/,
    ],
    [
      'orgctl itself installed as another package (an alias: the approval would name orgctl 9.0.0-test)',
      () => headLockWith({ 'node_modules/orgctl': { name: 'evil', version: NEW, integrity: 'sha512-EEEE' } }),
      /installs node\\_modules\/orgctl as the package "evil"/,
    ],
    [
      "a scoped dependency from another scope's tarball",
      () =>
        headLockWith({
          'node_modules/orgctl/node_modules/@octokit/rest': {
            version: '22.0.1',
            resolved: 'https://registry.npmjs.org/@evil/rest/-/rest-22.0.1.tgz',
            integrity: 'sha512-EEEE',
          },
        }),
      // row() takes out the empty HTML comment written after each @ outside code (no mention).
      /installs node\\_modules\/orgctl\/node\\_modules\/@octokit\/rest from "`https:\/\/registry\.npmjs\.org\/@evil\/rest\/-\/rest-22\.0\.1\.tgz`", which is not the registry's tarball of @octokit\/rest 22\.0\.1/,
    ],
    [
      // npm fetches a top-level entry from `resolved` whatever `inBundle` says (tried: npm 11; the
      // project bundles nothing), while a nested one comes only inside its parent's tarball.
      "a package marked as bundled at the top level, which no package's tarball holds: npm fetches it from its `resolved` (orgctl's require('yaml') runs it)",
      () =>
        headLockWith({
          'node_modules/yaml': {
            version: '2.9.1',
            resolved: 'https://evil.example/yaml-2.9.1.tgz',
            integrity: 'sha512-EEEE',
            inBundle: true,
          },
        }),
      /installs node\\_modules\/yaml from "`https:\/\/evil\.example\/yaml-2\.9\.1\.tgz`"/,
    ],
    [
      'the project itself naming a command orgctl (npx runs it first)',
      () => headLockWith({ '': { name: 'acme-org', bin: { orgctl: 'dist/x.js' } } }),
      /installs the project itself, which names a command orgctl \(npx runs the project's own command first/,
    ],
    [
      'a package linked from a folder of the repository',
      () => headLockWith({ 'node_modules/yaml': { resolved: 'vendor/yaml', link: true } }),
      /installs node\\_modules\/yaml from a folder \("vendor\/yaml", a link\)/,
    ],
    [
      'a package without a sha512 integrity, or over http',
      () =>
        headLockWith({
          'node_modules/yaml': {
            version: '2.9.1',
            resolved: 'https://registry.npmjs.org/yaml/-/yaml-2.9.1.tgz',
            integrity: 'sha1-AAAA',
          },
          'node_modules/ajv': {
            version: '8.0.0',
            resolved: 'http://registry.npmjs.org/ajv/-/ajv-8.0.0.tgz',
            integrity: 'sha512-DDDD',
          },
        }),
      /installs node\\_modules\/yaml without a sha512 integrity \("sha1-AAAA"\) \(and 1 more\)/,
    ],
    [
      'a package from the configured registry (no `resolved`) without an integrity',
      () => headLockWith({ 'node_modules/yaml': { version: '2.9.1' } }),
      /installs node\\_modules\/yaml without a sha512 integrity \(undefined\)/,
    ],
    [
      "a change to npm's configuration (.npmrc: which registry a package without `resolved` comes from)",
      () => [
        ...UPGRADE_PATHS,
        '--changed-path',
        '.npmrc',
        '--head-proof',
        proofFile(NEW),
        '--head-lock',
        lockFile(NEW, { 'node_modules/yaml': { version: '2.9.1', integrity: 'sha512-BBBB' } }),
      ],
      /the change touches \.npmrc, npm's configuration \(its registry among others\)/,
    ],
    [
      "a change to git's attributes, at the root or below (git archive, with which an earlier orgctl's review workflow hands the head engine its files, applies them: R36-2)",
      () => [
        ...UPGRADE_PATHS,
        '--changed-path',
        '.gitattributes',
        '--changed-path',
        'dist/lga1/.gitattributes',
        '--head-proof',
        proofFile(NEW),
        '--head-lock',
        lockFile(NEW),
      ],
      /the change touches \.gitattributes, dist\/lga1\/\.gitattributes, git's attributes, which git applies when it writes files out .*export-subst rewrites a file, export-ignore drops one.*change them in a pull request of their own/,
    ],
    [
      'a head lock that installs no orgctl',
      () => [
        ...UPGRADE_PATHS,
        '--head-proof',
        proofFile(NEW),
        '--head-lock',
        file('nolock.json', '{"lockfileVersion":3,"packages":{"":{}}}'),
      ],
      /head's package-lock\.json installs no orgctl/,
    ],
  ];
  for (const [what, args, reason] of cases) {
    it(what, async () => {
      const r = await review(upgraded, args());
      const proof = row(r.stdout, 'output-proof');
      expect(proof).toMatch(/\| ❌ \| head dist\/ is not what orgctl renders .*The head proof was not accepted: /);
      expect(proof).toMatch(reason);
      expect(r.code).toBe(1);
    });
  }

  it("a forged head dist/ that the head engine's honest proof does not prove", async () => {
    const forged = forgedDist('cluster-admin');
    const honest = await run(['prove', '--dir', forged, '--format', 'json']);
    expect(honest.code).toBe(1);
    const proof = JSON.parse(honest.stdout);
    expect(proof.engine).toEqual({ name: 'orgctl', version: VERSION });
    const asNew = file('honest.json', JSON.stringify({ ...proof, engine: { name: 'orgctl', version: NEW } }));
    // The upgrade's relabelling, and a binding orgctl never writes.
    const head = forgedDist('cluster-admin', upgraded);
    const r = await review(head, [...UPGRADE_PATHS, '--head-proof', asNew, '--head-lock', lockFile(NEW)]);
    expect(row(r.stdout, 'output-proof')).toMatch(/not accepted: orgctl 9\.0\.0-test did not prove head dist\/ either/);
    expect(r.code).toBe(1);
  });

  it('a proof that is not needed is not read into the verdict: an unchanged output passes as before', async () => {
    const r = await review(join(ROOT, 'dist'), [...UPGRADE_PATHS, '--head-proof', file('junk.json', 'junk')]);
    expect(row(r.stdout, 'output-proof')).toMatch(/\| ✅ \| head dist\/ is exactly what orgctl renders/);
    expect(r.code).toBe(0);
  });
});

describe('a head proof or lock that cannot be read is a usage error (exit 2)', () => {
  const unreadableHome = repoScratch('head-proof-unreadable-');
  const engine = unprivilegedEngine();

  it('one orgctl may not read names the flag and the path, and says why in words and what to do, never a bare EACCES', () => {
    const home = unreadableHome(); // inside the repository: nobody (the unprivileged run) must reach it
    chmodSync(home, 0o755);
    const tmp = join(home, 'tmp'); // the unprivileged run's own temporary folder
    mkdirSync(tmp);
    chmodSync(tmp, 0o777);
    const closed = join(home, 'closed.json');
    writeFileSync(closed, '{}');
    chmodSync(closed, 0o000);
    const locked = join(home, 'locked');
    mkdirSync(locked, { mode: 0o000 });
    for (const [flag, path, doing] of [
      ['--head-proof', closed, 'read this file'],
      ['--head-lock', closed, 'read this file'],
      ['--head-proof', join(locked, 'proof.json'), 'look at this path'],
    ] as const) {
      const dist = join(ROOT, 'dist');
      const r = cli(['review', '--base', dist, '--head', dist, '--actor', 'alice', ...UPGRADE_PATHS, flag, path], {
        unprivileged: true,
        engine: engine(),
        cwd: ROOT,
        env: { TMPDIR: tmp },
      });
      expect([r.code, r.stderr.split('\n')[0]], `${flag} ${path}`).toEqual([
        2,
        `orgctl review: ${flag} ${path}: permission denied: orgctl may not ${doing}; give one it may read, or make it readable (ls -ld ${path} shows its owner and mode)`,
      ]);
    }
  });

  it('a missing file, a folder, a file too large', async () => {
    const missing = await review(upgraded, [...UPGRADE_PATHS, '--head-proof', join(scratch, 'none.json')]);
    expect(missing.stderr).toMatch(
      /^orgctl review: --head-proof .*none\.json: cannot read the file \(it does not exist\)$/m,
    );
    expect(missing.code).toBe(2);
    const folder = join(scratch, 'folder');
    mkdirSync(folder, { recursive: true });
    const dir = await review(upgraded, [...UPGRADE_PATHS, '--head-proof', proofFile(NEW), '--head-lock', folder]);
    expect(dir.stderr).toMatch(/--head-lock .*folder is not a regular file \(a folder\)/);
    expect(dir.code).toBe(2);
    // Too large is the file's fault, not the command line's: the proof is refused, visibly.
    const big = file('big.json', ' '.repeat(16 * 2 ** 20 + 1));
    const large = await review(upgraded, [...UPGRADE_PATHS, '--head-proof', big, '--head-lock', lockFile(NEW)]);
    expect(row(large.stdout, 'output-proof')).toMatch(
      /not accepted: .*big\.json is 16\.0 MB, more than orgctl reads \(16 MB\)/,
    );
    expect(large.code).toBe(1);
  });

  it('--head-proof-commit is for --github (the pull request names the head it must prove)', async () => {
    const r = await review(upgraded, [...headLockWith({}), '--head-proof-commit', 'a'.repeat(40)]);
    expect(r.stderr).toMatch(/^orgctl review: --head-proof-commit is for --github/m);
    expect(r.code).toBe(2);
  });
});

describe('describeLocked: what an engine-change approval is told it trusts', () => {
  const registry = (v: string) => `https://registry.npmjs.org/orgctl/-/orgctl-${v}.tgz`;
  it("names what it replaces as base's lock installs it, whichever file that lock is (npm-shrinkwrap.json first)", () => {
    const text = describeLocked(
      'orgctl',
      { version: '0.2.0', resolved: registry('0.2.0'), integrity: 'sha512-b' },
      { version: '0.1.0', resolved: registry('0.1.0'), integrity: 'sha512-a' },
    );
    expect(text).toBe(
      `orgctl 0.2.0 from ${registry('0.2.0')}, which head's package-lock.json installs in place of orgctl 0.1.0 from ${registry('0.1.0')}, which base's lock installs`,
    );
  });
});
