/**
 * The trust chain, attacked: forged dist/ contents that Go's YAML (kubectl, Argo CD) reads one way
 * and a lenient reader another, objects orgctl never writes, files that are not regular files, and
 * the forged pull request of the security review (a merge-key document plus an org/org.ts that
 * patches `fs` so `synth --check` passes). Each one must fail the review, through the CLI.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, reviewOfExample, ROOT, run, tempDir, W_FULL_FOR_BOB, exampleDistCopy } from './helpers.ts';

const SHARD = 'lga1/shard-17/resources.yaml'; // namespace web's shard
const indent = (lines: readonly string[]) => lines.map((l) => `  ${l}`).join('\n');

/** A copy of the committed dist/ with `edit` applied to one shard file. */
function forged(edit: (text: string) => string, file = SHARD): string {
  const dir = exampleDistCopy('orgctl-forged-');
  writeFileSync(join(dir, file), edit(readFileSync(join(dir, file), 'utf8')));
  return dir;
}

const review = (head: string, actor = 'bob') => reviewOfExample(head, actor);

describe('what Argo CD would apply is what the review reads', () => {
  const inputErrors: [string, (t: string) => string, RegExp][] = [
    [
      'a document that is only a merge key',
      (t) => `${t}---\n<<:\n${indent(W_FULL_FOR_BOB)}\n`,
      /resources\.yaml:\d+: a merge key \(<<\)/,
    ],
    [
      'a duplicate key (Go keeps the last value)',
      (t) =>
        t
          .replace('  name: acme:r:full\n  namespace: web\nroleRef:', '  name: acme:r:full\n  namespace: web\nroleRef:')
          .replace(/(kind: RoleBinding\n)/, '$1kind: RoleBinding\n'),
      /a duplicate key "kind"/,
    ],
    [
      'an anchor and an alias',
      (t) => `${t}---\napiVersion: v1\nkind: ConfigMap\nmetadata: &m\n  name: x\n  namespace: web\ndata: *m\n`,
      /an anchor \(&\)/,
    ],
    ['a tag', (t) => t.replace('kind: RoleBinding', 'kind: !!str RoleBinding'), /a tag \(!\)/],
    ['a directive', (t) => t.replace('---\n', '%YAML 1.1\n---\n'), /a directive/],
    [
      'a flow mapping',
      (t) => `${t}---\n{apiVersion: v1, kind: ConfigMap, metadata: {name: x, namespace: web}}\n`,
      /not YAML orgctl writes/,
    ],
  ];
  for (const [what, edit, message] of inputErrors) {
    it(`${what}: an input error naming file and line (exit 2), in review, diff, can-i and access`, async () => {
      const head = forged(edit);
      const r = await review(head);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toContain(`${head}/${SHARD}:`);
      expect((await run(['diff', '--base', join(ROOT, 'dist'), '--head', head])).code).toBe(2);
      expect((await run(['can-i', 'get', 'pods', '-n', 'web', '--as', 'bob@acme.io', '--dir', head])).code).toBe(2);
      expect((await run(['access', '--dir', head])).code).toBe(2);
    });
  }

  // Read in no namespace orgctl would write: refused where read (R39-2), as a list is, naming the document.
  it('a RoleBinding without a namespace (Argo CD puts it in its destination): an input error (exit 2), in review, diff, can-i and access', async () => {
    const head = forged((t) => `${t}---\n${W_FULL_FOR_BOB.join('\n').replace('  namespace: web\n', '')}\n`);
    const r = await review(head);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${SHARD}#\\d+: a RoleBinding without metadata\\.namespace`));
    expect((await run(['diff', '--base', join(ROOT, 'dist'), '--head', head])).code).toBe(2);
    expect((await run(['can-i', 'get', 'pods', '-n', 'web', '--as', 'bob@acme.io', '--dir', head])).code).toBe(2);
    expect((await run(['access', '--dir', head])).code).toBe(2);
  });

  const notOrgctls: [string, (t: string) => string, RegExp][] = [
    [
      'a RoleBinding to the built-in cluster-admin',
      (t) => `${t}---\n${W_FULL_FOR_BOB.join('\n').replace('name: acme:w:full\n', 'name: cluster-admin\n')}\n`,
      /RoleBinding web\/acme:w:full-extra|holds \d+ document\(s\) more/,
    ],
    [
      'an extra field on an object orgctl writes',
      (t) => t.replace('kind: RoleBinding\nmetadata:\n', 'kind: RoleBinding\nmetadata:\n  finalizers:\n  - x\n'),
      /is not what orgctl renders/,
    ],
    [
      'bob added to an admin-only binding',
      (t) =>
        t.replace(
          /(name: acme:w:full\n {2}namespace: web\n[\s\S]*?subjects:\n)/,
          '$1- apiGroup: rbac.authorization.k8s.io\n  kind: User\n  name: bob@acme.io\n',
        ),
      /forbidden-grant|is not what orgctl renders/,
    ],
  ];
  // Since R89-1 and R89-3 these are refused by the strict reader, before the review judges them
  // (an input error, exit 2, as for YAML orgctl does not write): a kind orgctl does not write (the
  // AppProject refuses it), and a ClusterRole in a namespace's shard (orgctl writes them in cluster/).
  const notRead: [string, (t: string) => string, RegExp][] = [
    [
      'a ClusterRoleBinding',
      (t) =>
        `${t}---\n${W_FULL_FOR_BOB.join('\n').replace('kind: RoleBinding', 'kind: ClusterRoleBinding').replace('  namespace: web\n', '')}\n`,
      /ClusterRoleBinding acme:w:full-extra: .* is not a kind orgctl writes/,
    ],
    [
      'a ClusterRole aggregated into the built-in view role',
      (t) =>
        `${t}---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  labels:\n    rbac.authorization.k8s.io/aggregate-to-view: "true"\n  name: acme:sneaky\nrules:\n- apiGroups:\n  - ""\n  resources:\n  - secrets\n  verbs:\n  - get\n`,
      /ClusterRole acme:sneaky is in shard-\d+, where orgctl writes none of it/,
    ],
  ];
  for (const [what, edit, message] of notRead) {
    it(`${what}: the review refuses head dist/ as input (exit 2), whoever approves`, async () => {
      const r = await reviewOfExample(forged(edit), 'frank', ['--approved-by', 'alice']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    });
  }
  for (const [what, edit, message] of notOrgctls) {
    it(`${what}: the review fails (output-proof or head-policies), whoever approves`, async () => {
      const head = forged(edit);
      const r = await reviewOfExample(head, 'frank', ['--approved-by', 'alice']);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/\| `(output-proof|head-policies)` \| ❌ \|/);
      expect(r.stdout).toMatch(message);
    });
  }

  it('a head whose organization breaks a policy was proved of nothing: output-proof says it was not compared', async () => {
    // A non-member given w:full: the organization recovered from it breaks forbidden-grant, so
    // orgctl renders nothing to compare head with; output-proof once said it was "exactly" that.
    const head = forged((t) => `${t}---\n${W_FULL_FOR_BOB.join('\n').replace('bob@acme.io', 'zed@evil.example')}\n`);
    const r = await reviewOfExample(head, 'frank', ['--approved-by', 'alice']);
    expect(r.stdout).toMatch(
      /\| `output-proof` \| ❌ \| head dist\/ was not compared with anything: the organization it describes breaks a policy/,
    );
    expect(r.stdout).toMatch(/\| `head-policies` \| ❌ \| forbidden-grant users\/zed/);
    expect(r.code).toBe(1);
  });

  it('an honest head passes the proof', async () => {
    const r = await run(['review', '--base', join(ROOT, 'dist'), '--head', join(ROOT, 'dist'), '--actor', 'frank']);
    expect(r.stdout).toMatch(/\| `output-proof` \| ✅ \|/);
    expect(r.stdout).toMatch(/\| `head-policies` \| ✅ \|/);
    expect(r.code).toBe(0);
  });

  it("a file outside orgctl's layout (an extra .yml Argo CD would apply too) is an input error", async () => {
    const head = forged((t) => t);
    writeFileSync(join(head, 'lga1/shard-04/extra.yml'), `${W_FULL_FOR_BOB.join('\n')}\n`);
    const r = await review(head);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/extra\.yml: not a file orgctl writes/);
  });
});

describe('files that are not regular files', () => {
  it('a shard replaced by a symbolic link is refused by every reading command', async () => {
    const head = forged((t) => t);
    const target = join(tempDir(), 'elsewhere.yaml');
    writeFileSync(target, readFileSync(join(head, SHARD)));
    rmSync(join(head, SHARD));
    symlinkSync(target, join(head, SHARD));
    for (const args of [
      ['review', '--base', join(ROOT, 'dist'), '--head', head, '--actor', 'bob'],
      ['diff', '--base', join(ROOT, 'dist'), '--head', head],
      ['access', '--dir', head],
      ['who-can', 'get', 'pods', '-n', 'web', '--dir', head],
      ['import', '--from', head],
    ]) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/is a symbolic link: orgctl reads and writes regular files only/);
    }
  });

  it('a symbolic link to /dev/zero and a FIFO are refused without reading them (no hang)', async () => {
    const dir = tempDir();
    symlinkSync('/dev/zero', join(dir, 'zero.yaml'));
    // In this process (main(), the CLI's code): orgctl's own process is the FIFO's, below.
    const r = await run(['can-i', 'get', 'pods', '--as', 'bob@acme.io', '--dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/zero\.yaml is a symbolic link/);
    const fifo = tempDir();
    expect(spawnSync('mkfifo', [join(fifo, 'pipe.yaml')]).status).toBe(0);
    const f = cli(['access', '--dir', fifo]);
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/pipe\.yaml is a FIFO/);
    expect((await run(['can-i', 'get', 'pods', '--as', 'bob', '--dir', '/dev/zero'])).code).toBe(2);
  });
});

describe('the forged pull request of the security review, in a git repository', () => {
  let repo: string;
  const git = (...args: string[]) => {
    const r = spawnSync('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], {
      cwd: repo,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(r.stderr);
    return r.stdout.trim();
  };
  beforeAll(() => {
    repo = tempDir('orgctl-forged-pr-');
    git('init', '-q', '-b', 'main');
    cpSync(join(ROOT, 'dist'), join(repo, 'dist'), { recursive: true });
    mkdirSync(join(repo, 'org'));
    writeFileSync(join(repo, 'package.json'), '{"name":"acme-org","private":true,"type":"module"}\n');
    writeFileSync(join(repo, '.gitignore'), 'node_modules\n');
    symlinkSync(join(ROOT, 'node_modules'), join(repo, 'node_modules'));
    writeFileSync(
      join(repo, 'org/org.ts'),
      readFileSync(join(ROOT, 'org/org.ts'), 'utf8').replaceAll(
        "'../constructs/index.ts'",
        `'${join(ROOT, 'constructs/index.ts')}'`,
      ),
    );
    git('add', '-A');
    git('commit', '-qm', 'base');
    // The attack: a merge-key document in a shard, and an org.ts that hides it from synth --check.
    const shard = join(repo, 'dist', SHARD);
    writeFileSync(shard, `${readFileSync(shard, 'utf8')}---\n<<:\n${indent(W_FULL_FOR_BOB)}\n`);
    const patch = [
      "import fs from 'node:fs';",
      "import { syncBuiltinESMExports } from 'node:module';",
      'const read = fs.readFileSync;',
      // Text or bytes (synth --check compares bytes, R57-2): cut at the forged document either way.
      "(fs as any).readFileSync = (p: any, ...a: any[]) => { const t: any = read(p, ...a); const at = t.indexOf('---\\n<<:'); return at < 0 ? t : typeof t === 'string' ? t.slice(0, at) : t.subarray(0, at); };",
      'syncBuiltinESMExports();',
    ].join('\n');
    writeFileSync(join(repo, 'org/org.ts'), `${patch}\n${readFileSync(join(repo, 'org/org.ts'), 'utf8')}`);
    git('add', '-A');
    git('commit', '-qm', 'head: looks like nothing');
  });

  it('no longer fools the unprivileged synth --check: org/org.ts runs in a process of its own, and patches only that', () => {
    const r = cli(['synth', '--check'], { cwd: repo });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`changed dist/${SHARD}`);
  });

  it('fails the privileged review, which reads head dist/ from git objects as data', () => {
    const r = cli(['review', '--base', 'main~1', '--head', 'main', '--actor', 'bob'], { cwd: repo });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`main:dist/${SHARD.replaceAll('/', '\\/')}:\\d+: a merge key \\(<<\\)`));
  });

  it('a shard committed as a symbolic link is refused from git objects too', () => {
    const shard = join(repo, 'dist', SHARD);
    rmSync(shard);
    symlinkSync('/dev/zero', shard);
    git('add', '-A');
    git('commit', '-qm', 'a link');
    const r = cli(['review', '--base', 'main~2', '--head', 'main', '--actor', 'bob'], { cwd: repo });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/resources\.yaml is a symbolic link/);
  });
});

describe('removals split across pull requests add up (review --window)', () => {
  it('two removals of 2 users each pass alone, and fail against the window they close', async () => {
    const { baseSpec, distPair } = await import('./review/scenarios.ts');
    const dropGrants =
      (...names: string[]) =>
      (s: ReturnType<typeof baseSpec>) => {
        s.spec.grants = s.spec.grants.filter((g: { user: string }) => !names.some((n) => g.user === `${n}@acme.io`));
      };
    const first = await distPair(baseSpec(), dropGrants('bob', 'erin'));
    const secondBase = baseSpec();
    dropGrants('bob', 'erin')(secondBase);
    const second = await distPair(secondBase, dropGrants('gina', 'hal'));
    const alone = await run(['review', '--base', second.base, '--head', second.head, '--actor', 'frank']);
    expect(alone.stdout).toMatch(/\| `mass-removal` \| ✅ \|/);
    const windowed = await run([
      'review',
      '--base',
      second.base,
      '--head',
      second.head,
      '--actor',
      'frank',
      '--window',
      first.base,
    ]);
    expect(windowed.code).toBe(1);
    expect(windowed.stdout).toMatch(/\| `mass-removal` \| ❌ \| removes access from 4 of \d+ users since /);
  });
});

describe('orgctl prove', () => {
  it('proves the committed dist/, fails a forged one (exit 1) and refuses an unreadable one (exit 2)', async () => {
    const ok = await run(['prove', '--dir', join(ROOT, 'dist')]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/: proved \(exactly what orgctl renders/);
    const forgedDir = forged((t) => `${t}---\n${W_FULL_FOR_BOB.join('\n')}\n`);
    const bad = await run(['prove', '--dir', forgedDir, '--format', 'json']);
    expect(bad.code).toBe(1);
    const proof = JSON.parse(bad.stdout) as {
      ok: boolean;
      differences: string[];
      findings: { rule: string; subject: string }[];
    };
    expect(proof.ok).toBe(false);
    // The organization it describes gives bob w:full: judged before any comparison.
    expect(proof.findings).toContainEqual(
      expect.objectContaining({ rule: 'forbidden-grant', subject: 'users/bob@acme.io → web' }),
    );
    const renamed = await run([
      'prove',
      '--dir',
      forged((t) => `${t}---\n${W_FULL_FOR_BOB.join('\n').replace('name: acme:w:full\n', 'name: acme:r:pods\n')}\n`),
      '--format',
      'json',
    ]);
    expect(renamed.code).toBe(1);
    expect((JSON.parse(renamed.stdout) as { differences: string[] }).differences.join('\n')).toMatch(
      /shard-17\/resources\.yaml#\d+: RoleBinding web\/acme:w:full-extra is not what orgctl renders here/,
    );
    expect(
      (await run(['prove', '--dir', forged((t) => t.replace('kind: RoleBinding', 'kind: &k RoleBinding'))])).code,
    ).toBe(2);
  });

  it('fails a dist/ missing a file orgctl writes for the organization it describes (a token shard deleted)', async () => {
    const dir = exampleDistCopy('orgctl-missing-');
    rmSync(join(dir, 'lga1/shard-04/resources.yaml'));
    const r = await run(['prove', '--dir', dir, '--format', 'json']);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { differences: string[] }).differences).toContain(
      'lga1/shard-04/resources.yaml: missing (orgctl writes it for this organization)',
    );
  });
});
