import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffSnapshots, isEmptyDiff } from '../../analysis/diff.ts';
import { COMMENT_MARKER, escapeMarkdown, renderMarkdown } from '../../report/markdown.ts';
import { ROOT, cli, repoScratch, run, tempDir, exampleDistCopy, unprivilegedEngine } from '../helpers.ts';
import { baseSpec, snapshotOf, user, type Spec } from '../review/scenarios.ts';
import type { RuleResult } from '../../policies/change/context.ts';
import { TODAY } from '../helpers.ts';

const scratch = repoScratch('unreadable-');
const engine = unprivilegedEngine();
const ACME = readFileSync(join(ROOT, 'test/fixtures/specs/acme.yaml'), 'utf8');

async function distOf(specText: string): Promise<string> {
  const dir = tempDir();
  writeFileSync(join(dir, 'org.yaml'), specText);
  const r = await run(['synth', '--spec', join(dir, 'org.yaml'), '--out', join(dir, 'dist')]);
  if (r.code !== 0) throw new Error(r.stderr);
  return join(dir, 'dist');
}

const changesOf = (edit: (s: Spec) => void) => {
  const base = baseSpec();
  const head = structuredClone(base);
  edit(head);
  return diffSnapshots(snapshotOf(base), snapshotOf(head), TODAY);
};
const lines = (d: ReturnType<typeof changesOf>) => [
  ...d.people.flatMap((p) => p.changes.map((c) => `${p.id} ${c.text}`)),
  ...d.tokens.flatMap((t) => t.changes.map((c) => `token ${t.id} ${c.text}`)),
  ...d.namespaces.added.map((n) => `namespace ${n} added`),
  ...d.namespaces.removed.map((n) => `namespace ${n} removed`),
  ...d.customRbac.map((c) => c.text),
  ...d.clusters.map((c) => c.text),
];

describe('orgctl diff', () => {
  it('on the example organization with one edited grant prints exactly that one change', async () => {
    const base = await distOf(ACME);
    const head = await distOf(
      ACME.replace(
        '{ user: bob@acme.io, namespace: web, levels: ["r:pods", "w:services"] }',
        '{ user: bob@acme.io, namespace: web, levels: ["r:pods", "w:services", "w:configmaps"] }',
      ),
    );
    const r = await run(['diff', '--base', base, '--head', head]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `${COMMENT_MARKER}\n### Who gains or loses what\n\n**bob@<!-- -->acme.io (GitHub bob)**\n- gains w:configmaps in web\n`,
    );
    const json = JSON.parse((await run(['diff', '--base', base, '--head', head, '--format', 'json'])).stdout);
    expect(json.people).toEqual([
      {
        id: 'bob@acme.io',
        github: 'bob',
        changes: [{ kind: 'gains', namespace: 'web', levels: ['w:configmaps'], text: 'gains w:configmaps in web' }],
      },
    ]);
  });

  it('no change, no sentence', () => {
    const d = changesOf(() => {});
    expect(isEmptyDiff(d)).toBe(true);
    expect(renderMarkdown(d)).toContain('_No change in access._');
  });

  it.each<[string, (s: Spec) => void, string[]]>([
    [
      'levels lost, keeping the rest',
      (s) => (s.spec.grants[0].levels = ['r:pods']),
      [
        'bob@acme.io loses w:services in web (keeps r:pods)',
        'bob@acme.io can no longer intercept network traffic in web',
      ],
    ],
    [
      'a class gained',
      (s) => s.spec.grants.push({ user: 'erin@acme.io', namespace: 'data', levels: ['r:secrets'] }),
      ['erin@acme.io gains r:secrets in data', 'erin@acme.io can now read Secrets in data'],
    ],
    [
      'admin and billing',
      (s) => Object.assign(user(s, 'gina@acme.io'), { admin: true, billing: true }),
      [
        // One entry: w:full in every namespace and the classes said once (not two lines a namespace).
        'gina@acme.io becomes admin: gains w:full in every namespace (3, acme-system included), so can now run arbitrary pods, exec into pods, read Secrets, take over identities, escalate RBAC, hold up revocations, control admission webhooks, reach nodes and the host, intercept network traffic',
        'gina@acme.io gains billing access',
      ],
    ],
    [
      'deactivation',
      (s) => (user(s, 'hal@acme.io').status = 'deactivated'),
      [
        'hal@acme.io is deactivated',
        'hal@acme.io loses r:pods, w:services in web',
        'hal@acme.io can no longer intercept network traffic in web',
      ],
    ],
    [
      'a user leaves',
      (s) => {
        s.spec.users = s.spec.users.filter((u: { email: string }) => u.email !== 'joe@acme.io');
        s.spec.grants = s.spec.grants.filter((g: { user: string }) => g.user !== 'joe@acme.io');
      },
      [
        'joe@acme.io leaves the organization',
        'joe@acme.io loses r:pods, w:services in web',
        'joe@acme.io can no longer intercept network traffic in web',
      ],
    ],
    [
      'an invite sent, then accepted',
      (s) =>
        (s.spec.invites = [{ email: 'kim@acme.io', sso: true, grants: [{ namespace: 'web', levels: ['r:full'] }] }]),
      ['kim@acme.io is invited (r:full in web)'],
    ],
    [
      'a token renamed: same ServiceAccount',
      (s) => (s.spec.tokens[0].name = 'Deploys'),
      ['token ci is renamed "CI" → "Deploys" (same ServiceAccount: the token is not rotated)'],
    ],
    [
      'a token moved',
      (s) => (s.spec.tokens[1].namespaces = ['web']),
      ['token bots namespaces data → web', 'token bots gains r:full in web', 'token bots loses r:full in data'],
    ],
    [
      'a token rotated: same access, a new ServiceAccount',
      (s) => (s.spec.tokens[0].rotation = 1),
      [
        'token ci is rotated: ServiceAccount token-ci → token-ci-r1 (the old token stops working once synced; hand over the new one)',
      ],
    ],
    [
      'a token given an expiry',
      (s) => (s.spec.tokens[0].expires = '2027-06-30'),
      ['token ci expiry (none) → 2027-06-30'],
    ],
    [
      'a token removed',
      (s) => s.spec.tokens.pop(),
      ['token bots is removed (its ServiceAccount and token are deleted)', 'token bots loses r:full in data'],
    ],
    [
      'a token created deactivated, with an expiry: said so, never read as a live token',
      (s) =>
        s.spec.tokens.push({
          id: 'old',
          namespaces: ['data'],
          owner: 'alice@acme.io',
          expires: '2027-06-30',
          status: 'deactivated',
        }),
      [
        'token old is created for data, owner alice@acme.io, expires 2027-06-30, deactivated (no ServiceAccount, no token)',
      ],
    ],
    [
      'a namespace added',
      (s) => s.spec.namespaces.push({ name: 'ml' }),
      [
        'dan@acme.io gains w:full in ml (as an admin)',
        'dan@acme.io can now run arbitrary pods, exec into pods, read Secrets, take over identities, escalate RBAC, hold up revocations, control admission webhooks, reach nodes and the host, intercept network traffic in ml (as an admin)',
        'alice@acme.io gains w:full in ml (as an admin)',
        'alice@acme.io can now run arbitrary pods, exec into pods, read Secrets, take over identities, escalate RBAC, hold up revocations, control admission webhooks, reach nodes and the host, intercept network traffic in ml (as an admin)',
        'frank@acme.io gains w:full in ml (as an admin)',
        'frank@acme.io can now run arbitrary pods, exec into pods, read Secrets, take over identities, escalate RBAC, hold up revocations, control admission webhooks, reach nodes and the host, intercept network traffic in ml (as an admin)',
        'namespace ml added',
      ],
    ],
    [
      'custom RBAC',
      (s) => {
        s.spec.customRoles = [{ name: 'cm', rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] }];
        s.spec.grants.push({ user: 'ivy@acme.io', namespace: 'data', customRole: 'cm' });
      },
      ['ivy@acme.io gains custom RBAC acme:custom:cm in data', 'Role acme:custom:cm in data is created (1 rule)'],
    ],
  ])('%s', (_what, edit, expected) => {
    expect(lines(changesOf(edit)).sort()).toEqual([...expected].sort());
  });

  it('clusters added and removed, and namespaces joining or leaving a cluster, are changes', () => {
    const twoClusters = (s: Spec) => {
      s.spec.clusters = ['lga1', 'ord1'];
      s.spec.namespaces = [{ name: 'web' }, { name: 'data', clusters: ['lga1'] }];
    };
    const base = baseSpec();
    twoClusters(base);
    const diff = (edit: (s: Spec) => void) => {
      const head = structuredClone(base);
      edit(head);
      return diffSnapshots(snapshotOf(base), snapshotOf(head), TODAY);
    };
    const removed = diff((s) => {
      s.spec.clusters = ['lga1'];
    });
    expect(lines(removed)).toEqual([
      'cluster ord1 is removed: nothing applies to it any more, so access there stays as it is, unmanaged: remove it in the cluster by hand',
    ]);
    expect(isEmptyDiff(removed)).toBe(false);
    expect(renderMarkdown(removed)).toContain('**Organization**\n- cluster ord1 is removed');
    const moved = diff((s) => {
      s.spec.namespaces = [
        { name: 'web', clusters: ['lga1'] },
        { name: 'data', clusters: ['ord1'] },
      ];
    });
    expect(lines(moved).sort()).toEqual([
      'namespace data joins cluster ord1: its access is created there',
      'namespace data leaves cluster lga1: every grant there is pruned (the namespace itself stays)',
      'namespace web leaves cluster ord1: every grant there is pruned (the namespace itself stays)',
    ]);
    expect(moved.clusters.filter((c) => c.removes)).toHaveLength(2);
    expect(lines(diff((s) => s.spec.clusters!.push('sfo1')))).toEqual([
      "cluster sfo1 is added: its namespaces' access is created there",
    ]);
  });

  it('an accepted invite reads as such', () => {
    const base = baseSpec();
    base.spec.invites = [{ email: 'kim@acme.io', sso: true }];
    const head = structuredClone(base);
    head.spec.invites = [];
    head.spec.users.push({ email: 'kim@acme.io', github: 'kim' });
    const d = diffSnapshots(snapshotOf(base), snapshotOf(head), TODAY);
    expect(lines(d)).toEqual(['kim@acme.io accepts the invitation and joins']);
  });

  it('a user who joins with Add All or Remove All reads as what they get, not as a bare join', () => {
    const joined = (access: 'all' | 'none') =>
      lines(
        changesOf((s) => {
          s.spec.users.push({ email: 'kim@acme.io', github: 'kim', access });
          // Remove All binds nothing, whatever grants say: the grant is declared, held by nobody, and
          // recorded as staged (R113-2), so it reads a line of its own.
          s.spec.grants.push({ user: 'kim@acme.io', namespace: 'web', levels: ['r:pods'] });
        }),
      ).filter((l) => l.startsWith('kim@acme.io'));
    // In the words explain and can-i say of a member under Remove All (one sentence, one home)
    expect(joined('none')).toEqual([
      'kim@acme.io joins the organization with Remove All: bound to no namespace, whatever their grants say, until it is lifted',
      'kim@acme.io is granted r:pods in web while Remove All holds: it takes effect once Remove All is lifted',
    ]);
    expect(joined('all')[0]).toBe(
      'kim@acme.io joins the organization with Add All: every level a non-admin may hold, in every namespace',
    );
  });

  it('a user who joins deactivated, or as an admin, is not said to get what Add All gives', () => {
    const joined = (extra: Record<string, unknown>) =>
      lines(changesOf((s) => s.spec.users.push({ email: 'kim@acme.io', github: 'kim', ...extra }))).filter((l) =>
        l.startsWith('kim@acme.io joins'),
      );
    expect(joined({ access: 'all', status: 'deactivated' })).toEqual([
      'kim@acme.io joins the organization with Add All, deactivated: bound to nothing until reactivated',
    ]);
    expect(joined({ status: 'deactivated' })).toEqual([
      'kim@acme.io joins the organization, deactivated: bound to nothing until reactivated',
    ]);
    // An admin holds w:full everywhere by being one: Add All adds nothing to say.
    expect(joined({ admin: true, access: 'all' })).toEqual([
      'kim@acme.io joins the organization (admin): gains w:full in every namespace (3, acme-system included), so can now run arbitrary pods, exec into pods, read Secrets, take over identities, escalate RBAC, hold up revocations, control admission webhooks, reach nodes and the host, intercept network traffic',
    ]);
  });

  it("a role redefined changes what a pending invite naming it will hold: the invite's line says so", () => {
    // The invite records the role's name; the access it grants on acceptance is the role's levels then.
    const base = baseSpec();
    base.spec.roles = [{ name: 'developer', levels: ['r:pods'] }];
    base.spec.invites = [{ email: 'kim@acme.io', sso: true, grants: [{ namespace: 'web', role: 'developer' }] }];
    const head = structuredClone(base);
    head.spec.roles[0].levels = ['r:pods', 'w:services'];
    const d = diffSnapshots(snapshotOf(base), snapshotOf(head), TODAY);
    expect(lines(d)).toEqual([
      'kim@acme.io invitation changed: on acceptance r:pods, w:services in web (was r:pods in web; role developer redefined)',
    ]);
    expect(d.people[0]!.changes[0]!.removes).toBeUndefined();
    // Narrowed: a removal.
    const narrowed = structuredClone(head);
    narrowed.spec.roles[0].levels = ['r:pods'];
    const n = diffSnapshots(snapshotOf(head), snapshotOf(narrowed), TODAY);
    expect(n.people[0]!.changes[0]!).toMatchObject({ removes: true });
  });

  it('an invite revoked', () => {
    const base = baseSpec();
    base.spec.invites = [{ email: 'kim@acme.io', sso: true }];
    const head = structuredClone(base);
    head.spec.invites[0].state = 'revoked';
    expect(lines(diffSnapshots(snapshotOf(base), snapshotOf(head), TODAY))).toEqual(['kim@acme.io invitation revoked']);
  });

  it("names a subject the bindings give access to that the organization's membership does not (a dist/ edited by hand): it said No change in access", async () => {
    const head = exampleDistCopy();
    const file = join(head, 'lga1/shard-05/resources.yaml');
    const text = readFileSync(file, 'utf8');
    // dan's place in data's r:full binding of lga1 given to eve; and web's default ServiceAccount bound too.
    const edited = text.replace('  name: dan@acme.io\n', '  name: eve@evil.example\n');
    expect(edited).not.toBe(text);
    writeFileSync(
      file,
      edited.replace(
        '- kind: ServiceAccount\n  name: token-dashboards\n  namespace: acme-system\n',
        '- kind: ServiceAccount\n  name: token-dashboards\n  namespace: acme-system\n- kind: ServiceAccount\n  name: default\n  namespace: data\n',
      ),
    );
    const json = await run(['diff', '--base', join(ROOT, 'dist'), '--head', head, '--format', 'json']);
    expect(json.code, json.stderr).toBe(0);
    const d = JSON.parse(json.stdout);
    expect(
      d.outsiders.map((o: { id: string; changes: { text: string }[] }) => [o.id, o.changes.map((c) => c.text)]),
    ).toEqual([
      ['ServiceAccount data/default', [expect.stringMatching(/^gains r:full in data/)]],
      ['User eve@evil.example', [expect.stringMatching(/^gains r:full in data/)]],
    ]);
    const md = await run(['diff', '--base', join(ROOT, 'dist'), '--head', head]);
    expect(md.stdout).not.toContain('No change in access');
    expect(md.stdout).toContain("**User eve@<!-- -->evil.example, whom the organization's membership does not name**");
    const html = await run(['diff', '--base', join(ROOT, 'dist'), '--head', head, '--format', 'html']);
    expect(html.stdout).toContain('User eve@evil.example, whom the organization&#39;s membership does not name');
    // The review refuses it (the proof), and a change of dist/ alone that gives anyone access is engine-change's too.
    const review = await run([
      'review',
      '--base',
      join(ROOT, 'dist'),
      '--head',
      head,
      '--actor',
      'alice',
      '--changed-path',
      'dist/lga1/shard-05/resources.yaml',
    ]);
    expect(review.code).toBe(1);
    expect(review.stdout).toMatch(/\| `output-proof` \| ❌ \|/);
    expect(review.stdout).toMatch(
      /\| `engine-change` \| ❌ \| only dist\/ changes, yet it gives ServiceAccount data\/default gains r:full in data/,
    );
    expect(review.stdout).toContain('**User eve@<!-- -->evil.example, whom');
  });

  it('refuses a ClusterRoleBinding (orgctl writes none; the AppProject refuses it) as input, naming it: it once said bob gains w:full in web, and nothing of eve (since R89-1 no reader takes it)', async () => {
    const head = exampleDistCopy();
    const file = join(head, 'lga1/cluster/resources.yaml');
    writeFileSync(
      file,
      `${readFileSync(file, 'utf8')}---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: sneaky\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: acme:w:full\nsubjects:\n- apiGroup: rbac.authorization.k8s.io\n  kind: User\n  name: bob@acme.io\n- apiGroup: rbac.authorization.k8s.io\n  kind: User\n  name: eve@evil.example\n`,
    );
    const json = await run(['diff', '--base', join(ROOT, 'dist'), '--head', head, '--format', 'json']);
    expect(json.stderr).toMatch(
      /lga1\/cluster\/resources\.yaml#\d+: ClusterRoleBinding sneaky: rbac\.authorization\.k8s\.io\/v1 ClusterRoleBinding is not a kind orgctl writes/,
    );
    expect(JSON.parse(json.stdout).error).toMatchObject({ kind: 'input', exit: 2 });
    expect(json.code).toBe(2);
  });

  it('reads a side from git objects, without a checkout', async () => {
    const repo = tempDir();
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', repo, ...args], {
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@t',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@t',
        },
      });
    git('init', '-q');
    cpSync(await distOf(ACME), join(repo, 'dist'), { recursive: true });
    git('add', '.');
    git('commit', '-qm', 'base');
    const head = await distOf(
      ACME.replace('{ email: grace@acme.io, github: grace, billing: true }', '{ email: grace@acme.io, github: grace }'),
    );
    const cwd = process.cwd();
    process.chdir(repo);
    try {
      const r = await run(['diff', '--base', 'HEAD', '--head', head, '--format', 'json']);
      expect(JSON.parse(r.stdout).people).toEqual([
        {
          id: 'grace@acme.io',
          github: 'grace',
          changes: [{ kind: 'billing', from: true, to: false, removes: true, text: 'loses billing access' }],
        },
      ]);
      expect((await run(['diff', '--base', 'HEAD:dist', '--head', 'HEAD'])).stdout).toContain('_No change in access._');
      const nope = await run(['diff', '--base', 'nope', '--head', 'HEAD']);
      expect(nope.code).toBe(2);
      // Which side, what was given and what is allowed; not git's own command line.
      expect(nope.stderr).toMatch(
        /^orgctl diff: base \(nope\): no folder nope here, and no git ref nope in this repository; give a folder of orgctl's output, or a git ref \(HEAD, origin\/main, a commit, REF:folder\)$/,
      );
      process.chdir(tempDir());
      expect((await run(['diff', '--base', 'main', '--head', 'HEAD'])).stderr).toMatch(
        /^orgctl diff: base \(main\): no folder main here, and no git repository here to find a ref main in; give /,
      );
      // Never handed to git as an option: refused in the same words as any side that names nothing
      // (what to give after a semicolon: one parenthesis after another read as one aside).
      expect((await run(['diff', '--base', '--upload-pack=x', '--head', 'HEAD'])).stderr).toMatch(
        /^orgctl diff: base \(--upload-pack=x\): no folder --upload-pack=x here, and "--upload-pack=x" cannot be a git ref \(it starts with -\); give a folder of orgctl's output, or a git ref \(HEAD, origin\/main, a commit, REF:folder\)$/,
      );
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('bad input never passes', () => {
  it('a missing base or head exits 2', async () => {
    expect((await run(['diff', '--head', 'dist'])).stderr).toMatch(/--base DIR\|REF is required/);
    expect((await run(['review', '--base', 'dist', '--actor', 'x'])).code).toBe(2);
  });

  it('a base without membership data exits 2 with the reason', async () => {
    const r = await run([
      'review',
      '--base',
      join(ROOT, 'test/fixtures/manifests'),
      '--head',
      'dist',
      '--actor',
      'alice',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /base \(.*manifests\) has no orgctl-organization ConfigMap: it is not a dist\/ synthesized by orgctl, so membership \(who is admin\) is unknown/,
    );
  });

  /** A folder nobody may enter, and the folder and temporary folder an unprivileged run needs. */
  const lockedHome = () => {
    const home = scratch(); // inside the repository: nobody (the unprivileged run) must reach it
    chmodSync(home, 0o755);
    const tmp = join(home, 'tmp'); // the unprivileged run's own temporary folder (the tests' is root's alone)
    mkdirSync(tmp);
    chmodSync(tmp, 0o777);
    const locked = join(home, 'locked');
    mkdirSync(locked, { mode: 0o000 });
    return { home, tmp, locked };
  };

  it('a folder or file orgctl may not read names it and says what to do, never a bare EACCES', () => {
    const { home, tmp, locked } = lockedHome();
    const files = join(home, 'dist');
    cpSync(join(ROOT, 'dist'), files, { recursive: true });
    chmodSync(join(files, 'lga1/cluster/resources.yaml'), 0o000);
    for (const [args, path] of [
      [['diff', '--base', locked, '--head', 'dist'], locked],
      [['can-i', 'get', 'pods', '--as', 'bob@acme.io', '--dir', locked], locked],
      [['diff', '--base', files, '--head', 'dist'], join(files, 'lga1/cluster/resources.yaml')],
      // The declaration too: read before anything else, and said the same way.
      [['check', '--spec', join(locked, 'org.yaml')], join(locked, 'org.yaml')],
    ] as const) {
      const r = cli(args, { unprivileged: true, engine: engine(), cwd: ROOT, env: { TMPDIR: tmp } });
      const doing =
        path === locked ? 'list this folder' : path.startsWith(locked) ? 'look at this path' : 'read this file';
      expect(r.stderr.trim(), args.join(' ')).toBe(
        `orgctl ${args[0]}: ${path}: permission denied: orgctl may not ${doing}; give one it may read, or make it readable (ls -ld ${path} shows its owner and mode)`,
      );
      expect(r.code).toBe(2);
    }
  });

  it('a file or folder orgctl may not write names it and says what to do, never a bare EACCES', () => {
    const { tmp, locked } = lockedHome();
    for (const [args, path] of [
      [['access', '--format', 'html', '--out', join(locked, 'access.html')], join(locked, 'access.html')],
      [['init', join(locked, 'acme-org'), '--org', 'acme', '--owner', 'alice@acme.io'], join(locked, 'acme-org')],
    ] as const) {
      const r = cli(args, { unprivileged: true, engine: engine(), cwd: ROOT, env: { TMPDIR: tmp } });
      expect(r.stderr.trim(), args.join(' ')).toBe(
        `orgctl ${args[0]}: cannot write ${path}: permission denied (EACCES); give a path in a folder orgctl may write to`,
      );
      expect(r.code).toBe(2);
    }
  });

  it('a side that is the repository, not its dist/ (diff --head .), says so and names dist/, not a link deep inside to remove', async () => {
    const r = await run(['diff', '--base', 'dist', '--head', ROOT]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/symbolic link|remove it/);
    expect(r.stderr).toMatch(/it is not a dist\/ synthesized by orgctl.*; did you mean .*dist\?/);
  });

  it('review without an actor exits 2', async () => {
    expect((await run(['review', '--base', 'dist', '--head', 'dist'])).stderr).toMatch(/--actor LOGIN is required/);
  });

  it('review prints the verdict and exits 1 when a rule fails', async () => {
    const base = await distOf(ACME);
    const head = await distOf(
      ACME.replace(
        '{ email: alice@acme.io, github: alice, githubId: 583231, admin: true, billing: true }',
        '{ email: alice@acme.io, github: alice, githubId: 583231, admin: true }',
      ),
    );
    const r = await run(['review', '--base', base, '--head', head, '--actor', 'alice', '--approved-by', 'frank']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('## orgctl review: ❌ the change breaks a rule');
    expect(r.stdout).toContain(
      '| `self-edit` | ❌ | alice@<!-- -->acme.io is an author of this change and changes their own privileges: loses billing access. An admin who is not an author of it must make this change. |',
    );
    const ok = await run([
      'review',
      '--base',
      base,
      '--head',
      head,
      '--actor',
      'frank',
      '--approved-by',
      'FRANK',
      '--format',
      'json',
    ]);
    expect(JSON.parse(ok.stdout).ok).toBe(false); // frank's own approval does not count for admin alice
  });
});

describe('markdown', () => {
  it('escapes what a declaration could smuggle in', () => {
    expect(escapeMarkdown('<img src=x> **bold** @alice [x](y) a|b')).toBe(
      '\\<img src=x\\> \\*\\*bold\\*\\* @<!-- -->alice \\[x\\](y) a\\|b',
    );
  });

  it('stays under the comment limit, summarizing what does not fit', () => {
    const d = changesOf((s) => {
      for (let i = 0; i < 400; i++) {
        s.spec.users.push({ email: `user${i}@acme.io` });
        s.spec.grants.push({ user: `user${i}@acme.io`, namespace: 'web', levels: ['r:full'] });
      }
    });
    const full = renderMarkdown(d, undefined, { maxBytes: 1_000_000 });
    const short = renderMarkdown(d, undefined, { maxBytes: 5_000, fullReport: 'the job summary' });
    expect(full.length).toBeGreaterThan(5_000);
    expect(short.length).toBeLessThanOrEqual(5_000);
    expect(short).toMatch(/_… and \d+ more\. The full report: the job summary\._/);
  });

  it('keeps a row for every rule when hundreds of results would not fit, failing ones listed below', () => {
    const d = changesOf(() => {});
    const results: RuleResult[] = [
      { rule: 'actor-not-admin', ok: true, message: 'every actor is an active admin in base' },
      ...Array.from({ length: 300 }, (_, i) => ({
        rule: 'self-edit' as const,
        ok: false,
        message: `token t${i} belongs to bob@acme.io, an author of this change: ${'gains r:full in ns-1; '.repeat(60)}`,
      })),
      { rule: 'owner-immutable', ok: true, message: 'the owner stays an active admin' },
      { rule: 'mass-removal', ok: false, message: 'removes access from 9 of 10 users' },
    ];
    const md = renderMarkdown(d, { ok: false, results }, { maxBytes: 20_000, fullReport: 'the job summary' });
    expect(md.length).toBeLessThanOrEqual(20_000);
    expect(md).toContain('| `actor-not-admin` | ✅ | every actor is an active admin in base |');
    expect(md).toContain('| `self-edit` | ❌ | 300 of 300 findings fail (below) |');
    expect(md).toContain('| `owner-immutable` | ✅ | the owner stays an active admin |');
    expect(md).toContain('| `mass-removal` | ❌ | removes access from 9 of 10 users |');
    expect(md).toContain('- `self-edit` ❌ token t0 belongs to bob@<!-- -->acme.io');
    expect(md).toMatch(/- _… and \d+ more\. The full report: the job summary\._/);
    expect(md).toContain('### Who gains or loses what');
    // a few results still get a row each, as before
    const few = renderMarkdown(d, { ok: false, results: results.slice(0, 3) });
    expect(few).toContain('| `self-edit` | ❌ | token t0 belongs to bob@<!-- -->acme.io');
    expect(few).not.toContain('Failing findings');
  });

  it('a finding clipped in a summarized verdict keeps its end (what to do) and says how much was cut', () => {
    const d = changesOf(() => {});
    const namespaces = Array.from({ length: 80 }, (_, i) => `ns-${i}`).join(', ');
    const long = `token deploy holds w:pods in ${namespaces}, which is reserved for admins: move it to an admin's token`;
    const results: RuleResult[] = [
      { rule: 'forbidden-grant', ok: false, message: long },
      ...Array.from({ length: 300 }, (_, i) => ({
        rule: 'self-edit' as const,
        ok: false,
        message: `token t${i} belongs to bob@acme.io, an author of this change: ${'gains r:full in ns-1; '.repeat(60)}`,
      })),
    ];
    const md = renderMarkdown(d, { ok: false, results }, { maxBytes: 20_000, fullReport: 'the job summary' });
    const row = md.split('\n').find((l) => l.startsWith('| `forbidden-grant` | ❌ |'))!;
    expect(row).toContain('token deploy holds w:pods in ns-0, ns-1');
    expect(row).toMatch(/ns-79, which is reserved for admins: move it to an admin's token \|$/);
    const cut = Number(/… \((\d+) characters cut\) …/.exec(row)?.[1]);
    expect(row.length).toBeLessThanOrEqual('| `forbidden-grant` | ❌ | '.length + 500 + ' |'.length);
    // what is shown and what was cut make up the message
    const shown = row
      .slice('| `forbidden-grant` | ❌ | '.length, -' |'.length)
      .replace(/ … \(\d+ characters cut\) … /, '');
    expect(shown.length + cut).toBe(long.length);
  });
});
