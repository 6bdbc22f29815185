/**
 * The seed's routine admin tasks, in an organization of one admin (alice, the owner) and one of
 * two (alice and frank): who must make or approve each change. routine-tasks.test.ts judges each
 * row through `orgctl review`, and the README's "Routine tasks" table is rendered from these rows
 * (`npx tsx test/review/routine-tasks.ts` prints it), so it is only ever what is tested.
 */
import type { Spec } from './scenarios.ts';

/** alice (owner, admin), frank (admin when two), bob, erin, gina, hal; namespaces web and data; ivy invited. */
export function org(admins: 1 | 2): Spec {
  const users: Record<string, unknown>[] = [{ email: 'alice@acme.io', github: 'alice', admin: true }];
  if (admins === 2) users.push({ email: 'frank@acme.io', github: 'frank', admin: true });
  users.push(...['bob', 'erin', 'gina', 'hal'].map((n) => ({ email: `${n}@acme.io`, github: n })));
  return {
    apiVersion: 'orgctl/v1',
    kind: 'Organization',
    metadata: { name: 'acme' },
    spec: {
      owner: 'alice@acme.io',
      users,
      namespaces: [{ name: 'web' }, { name: 'data' }],
      grants: ['bob', 'erin', 'gina', 'hal'].map((n) => ({
        user: `${n}@acme.io`,
        namespace: 'web',
        levels: ['r:pods'],
      })),
      invites: [{ email: 'ivy@acme.io', grants: [{ namespace: 'web', levels: ['r:pods'] }] }],
      tokens: [
        { id: 'ci', name: 'CI', namespaces: ['web'] },
        { id: 'mine', name: "Alice's laptop", namespaces: ['web'], owner: 'alice@acme.io' },
        {
          id: 'reader',
          name: 'Reader',
          rbac: [{ namespace: 'data', rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] }],
        },
      ],
    },
  };
}

type Edit = (spec: Record<string, any>) => void;
const user = (s: Record<string, any>, name: string) =>
  s.users.find((u: { email: string }) => u.email === `${name}@acme.io`);

/** Who acts: `actors` author the change, `approvals` approve its head commit. */
export interface Who {
  readonly actors: readonly string[];
  readonly approvals?: readonly string[];
}

/** A verdict in one organization: `passes` when `who` makes it; `fails` names the rule that stops a weaker `who`. */
interface Outcome {
  /** What the README says: who must make or approve the change. */
  readonly text: string;
  readonly passes?: Who;
  readonly fails?: Who & { readonly rule: string };
}

interface Task {
  readonly task: string;
  readonly rules: string;
  readonly edit: Edit;
  readonly one: Outcome;
  readonly two: Outcome;
}

const ALONE = 'the admin alone';
const EITHER = 'either admin alone';
export const alice: Who = { actors: ['alice'] };
const bobAlone = { actors: ['bob'], rule: 'actor-not-admin' };
const aliceAlone = (rule: string) => ({ actors: ['alice'], rule });
/** Every routine change a non-admin may also propose: an admin's approval makes it pass. */
const routine = (task: string, rules: string, edit: Edit): Task => ({
  task,
  rules,
  edit,
  one: { text: ALONE, passes: alice, fails: bobAlone },
  two: { text: EITHER, passes: { actors: ['frank'] }, fails: bobAlone },
});
/** An admin-grade change: one admin decides alone; of two, one makes it and the other approves. */
const adminGrade = (task: string, rules: string, edit: Edit): Task => ({
  task,
  rules,
  edit,
  one: { text: ALONE, passes: alice, fails: bobAlone },
  two: {
    text: 'one admin, approved by the other',
    passes: { actors: ['alice'], approvals: ['frank'] },
    fails: aliceAlone('admin-change-approval'),
  },
});

export const TASKS: readonly Task[] = [
  routine('Invite a user, with namespaces and levels', '`actor-not-admin`', (s) => {
    s.invites.push({ email: 'joe@acme.io', billing: true, grants: [{ namespace: 'web', levels: ['r:pods'] }] });
  }),
  adminGrade('Invite an admin', '`admin-change-approval`', (s) => {
    s.invites.push({ email: 'joe@acme.io', admin: true });
  }),
  routine('Revoke an invitation', '`actor-not-admin`', (s) => {
    s.invites[0].state = 'revoked';
  }),
  routine('Record an accepted invitation (the invite becomes a user)', '`actor-not-admin`', (s) => {
    s.invites = [];
    s.users.push({ email: 'ivy@acme.io', github: 'ivy' });
    s.grants.push({ user: 'ivy@acme.io', namespace: 'web', levels: ['r:pods'] });
  }),
  routine(
    "Change a user's namespace levels",
    '`actor-not-admin`; `forbidden-grant` keeps `w:pods`, `w:full` for admins',
    (s) => {
      s.grants[0].levels = ['r:pods', 'w:services'];
    },
  ),
  routine("Give or take a user's billing access", '`actor-not-admin`', (s) => {
    user(s, 'bob').billing = true;
  }),
  adminGrade('Make a user admin', '`admin-change-approval`', (s) => {
    Object.assign(user(s, 'bob'), { admin: true, githubId: 4000007 });
  }),
  {
    task: "Change another admin's privileges (billing, demotion, deactivation)",
    rules: '`self-edit`, `admin-change-approval`',
    edit: (s) => {
      if (user(s, 'frank')) user(s, 'frank').billing = true;
      else user(s, 'alice').billing = true;
    },
    one: {
      text: 'nobody: the only admin is never changed by a pull request (make a second admin first)',
      fails: { actors: ['bob'], approvals: ['alice'], rule: 'admin-change-approval' },
    },
    two: {
      text: 'the other admin, approved by the admin it concerns',
      passes: { actors: ['alice'], approvals: ['frank'] },
      fails: aliceAlone('admin-change-approval'),
    },
  },
  {
    task: 'Change your own privileges',
    rules: '`self-edit`',
    edit: (s) => {
      user(s, 'alice').billing = true;
    },
    one: { text: 'nobody (make a second admin first)', fails: { actors: ['alice'], rule: 'self-edit' } },
    two: {
      text: 'the other admin makes it, you approve',
      passes: { actors: ['frank'], approvals: ['alice'] },
      fails: { actors: ['alice'], approvals: ['frank'], rule: 'self-edit' },
    },
  },
  routine('Deactivate a user', '`actor-not-admin`', (s) => {
    user(s, 'bob').status = 'deactivated';
  }),
  routine('Add All (every level admins may give, in every namespace)', '`actor-not-admin`', (s) => {
    user(s, 'bob').access = 'all';
  }),
  routine('Remove All', '`actor-not-admin`, `mass-removal`', (s) => {
    user(s, 'bob').access = 'none';
  }),
  adminGrade('Create a token with namespaces (`w:full` there), organization-owned', '`admin-change-approval`', (s) => {
    s.tokens.push({ id: 'deploy', name: 'Deploy', namespaces: ['data'] });
  }),
  routine('Create a blank token with custom RBAC', '`head-policies` (`forbidden-grant`)', (s) => {
    s.tokens.push({
      id: 'viewer',
      rbac: [{ namespace: 'web', rules: [{ apiGroups: [''], resources: ['services'], verbs: ['get'] }] }],
    });
  }),
  {
    task: 'Create a token you own',
    rules: '`self-edit`, `admin-change-approval`',
    edit: (s) => {
      s.tokens.push({ id: 'deploy', name: 'Deploy', namespaces: ['data'], owner: 'alice@acme.io' });
    },
    one: { text: 'nobody: create it organization-owned', fails: { actors: ['alice'], rule: 'self-edit' } },
    two: {
      text: 'the other admin makes it, you approve',
      passes: { actors: ['frank'], approvals: ['alice'] },
      fails: { actors: ['alice'], approvals: ['frank'], rule: 'self-edit' },
    },
  },
  routine('Rename a token (yours too)', 'none', (s) => {
    s.tokens[1].name = "Alice's desktop";
  }),
  adminGrade('Give a token more namespaces', '`admin-change-approval`', (s) => {
    s.tokens[0].namespaces = ['web', 'data'];
  }),
  adminGrade('Rotate a token (yours too)', '`admin-change-approval`', (s) => {
    s.tokens[1].rotation = 1;
  }),
  routine('Deactivate a token (yours too): it dies, its access stays declared', '`mass-removal`', (s) => {
    s.tokens[1].status = 'deactivated';
  }),
  routine('Remove a token, or take namespaces from it (yours too)', '`mass-removal`', (s) => {
    s.tokens.splice(1, 1);
  }),
  routine('Create a namespace with its users', '`actor-not-admin`', (s) => {
    s.namespaces.push({ name: 'ml' });
    s.grants.push({ user: 'bob@acme.io', namespace: 'ml', levels: ['r:pods'] });
  }),
  {
    task: 'Label or annotate a namespace (tools outside orgctl act on them)',
    rules: '`guard-rails`',
    edit: (s) => {
      s.namespaces[0] = { name: 'web', labels: { team: 'web' } };
    },
    one: { text: ALONE, passes: alice, fails: bobAlone },
    two: {
      text: 'one admin, approved by the other',
      passes: { actors: ['alice'], approvals: ['frank'] },
      fails: aliceAlone('guard-rails'),
    },
  },
  routine('Remove a namespace (its tokens lose it)', '`actor-not-admin`, `mass-removal`', (s) => {
    s.namespaces = s.namespaces.filter((n: { name: string }) => n.name !== 'data');
    s.tokens = s.tokens.filter((t: { id: string }) => t.id !== 'reader');
  }),
  routine('Remove a user and their tokens', '`actor-not-admin`, `mass-removal`', (s) => {
    s.users = s.users.filter((u: { email: string }) => u.email !== 'bob@acme.io');
    s.grants = s.grants.filter((g: { user: string }) => g.user !== 'bob@acme.io');
  }),
];

/** The README's table: task → rules → who must make or approve it. */
export function tasksTable(): string {
  const rows = TASKS.map((t) => `| ${t.task} | ${t.rules} | ${t.one.text} | ${t.two.text} |`);
  return [
    '| routine task | rules that judge it | one admin (alice) | two admins (alice, frank) |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(tasksTable());
