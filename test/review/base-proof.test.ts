/**
 * The proof against base, case by case: each change it takes is one the full proof passes, and
 * each attack on it (a level for a non-admin, a stranger, an admin or Add All dropped, one
 * cluster's copy, a token's binding, people out of order, a label, a file over Argo CD's limits, a
 * token expired since base) it leaves to the full proof, which refuses it. Through the CLI: `review` says which proof it ran; --full-proof forces
 * the full one.
 */
import { describe, expect, it } from 'vitest';
import type { OutputText } from '../../cli/output-read.ts';
import { run, TODAY } from '../helpers.ts';
import {
  baseSpec,
  CLUSTER_FILES,
  distPair,
  inClusterFiles,
  outputOf as output,
  proofsOf as proofs,
  refusesEach,
  type Rec,
  type Spec,
} from './scenarios.ts';

function spec(edit: (s: Spec) => void = () => {}): Spec {
  const s = baseSpec();
  s.spec.users.push({ email: 'kim@acme.io', status: 'deactivated' }, { email: 'lee@acme.io', access: 'all' });
  s.spec.clusters = ['lga1', 'ord1'];
  edit(s);
  return s;
}

/** `files` with one shard file's text (the one holding namespace `ns`, in cluster `cluster`) changed by `edit`. */
function forged(files: OutputText[], ns: string, edit: (text: string) => string, cluster = 'lga1'): OutputText[] {
  const at = files.findIndex(
    (f) =>
      f.path.startsWith(`${cluster}/shard-`) &&
      f.content.includes(`kind: Namespace\nmetadata:`) &&
      f.content.includes(`  name: ${ns}\n---`),
  );
  expect(at, `no shard file of ${cluster} holds ${ns}`).toBeGreaterThanOrEqual(0);
  return files.map((f, i) => (i === at ? { ...f, content: edit(f.content) } : f));
}

/** Takes a person out of the binding of `role` in `ns`. */
const dropSubject = (ns: string, role: string, name: string) => (text: string) =>
  text.replace(
    new RegExp(
      `(name: acme:${role}\\n {2}namespace: ${ns}\\n[\\s\\S]*?)- apiGroup: rbac.authorization.k8s.io\\n {2}kind: User\\n {2}name: ${name}\\n`,
    ),
    '$1',
  );

/** `files` with namespace `ns`'s shard file changed alike in both clusters (lga1, ord1). */
const inBoth = (files: OutputText[], edit: (text: string) => string, ns = 'web') =>
  forged(forged(files, ns, edit), ns, edit, 'ord1');

const subject = (name: string) => `- apiGroup: rbac.authorization.k8s.io\n  kind: User\n  name: ${name}\n`;
/** Inserts a subject where orgctl would: in name order among the people of the binding of `role` in `ns`. */
function addSubject(ns: string, role: string, name: string) {
  return (text: string) => {
    const re = new RegExp(
      `(name: acme:${role}\\n  namespace: ${ns}\\nroleRef:\\n(?:  .*\\n)*subjects:\\n)((?:- .*\\n(?:  .*\\n)*)*)`,
    );
    const m = re.exec(text);
    expect(m, `no binding of ${role} in ${ns}`).not.toBeNull();
    const items = m![2]!.split(/^(?=- )/m).filter(Boolean);
    const users = items.filter((x) => x.includes('kind: User'));
    const after = users.findIndex((x) => /name: (.*)/.exec(x)![1]! > name);
    items.splice(after >= 0 ? items.indexOf(users[after]!) : users.length, 0, subject(name));
    return text.replace(m![0], m![1] + items.join(''));
  };
}

describe('the proof against base', () => {
  const base = output(spec());

  it('proves a change of grants, in every cluster, and the full proof agrees', () => {
    const head = output(
      spec((s) => {
        s.spec.grants[0].levels = ['r:events'];
        s.spec.grants.push({ user: 'gina@acme.io', namespace: 'data', levels: ['w:configmaps'] });
      }),
    );
    const p = proofs(base, head);
    expect(p.againstBase).toEqual({ proved: true, namespaces: 2, files: 2 + 2 });
    expect(p.full).toBe(true);
  });

  it('proves an unchanged head, and one whose headers name another declaration alike', () => {
    expect(proofs(base, base).againstBase).toEqual({ proved: true, namespaces: 0, files: 0 });
    const renamed = base.map((f) =>
      f.path.endsWith('.yaml') ? { ...f, content: f.content.replace('from org/org.ts.', 'from org/other.ts.') } : f,
    );
    expect(proofs(base, renamed)).toEqual({ againstBase: { proved: true, namespaces: 0, files: 0 }, full: true });
    const mixed = renamed.map((f, i) => (i === renamed.findIndex((x) => x.path.includes('/shard-')) ? base[i]! : f));
    const p = proofs(base, mixed);
    expect(p.againstBase).toEqual({
      proved: false,
      reason: expect.stringMatching(/does not begin with orgctl's header naming org\/other\.ts$/),
    });
    expect(p.full).toBe(false);
  });

  // Each attack: what it does to head's text, and why the proof against base leaves it to the full proof.
  const attacks: [string, (files: OutputText[]) => OutputText[], RegExp][] = [
    [
      'a level only admins may hold, for a non-admin, written as orgctl would',
      (f) => inBoth(f, addSubject('web', 'w:full', 'bob@acme.io')),
      /bob@acme.io gains w:full in namespace web: a level only admins may hold/,
    ],
    [
      'a stranger',
      (f) => inBoth(f, addSubject('web', 'r:pods', 'eve@evil.io')),
      /eve@evil.io gains r:pods in namespace web and is not a member/,
    ],
    [
      'a deactivated member',
      (f) => inBoth(f, addSubject('web', 'r:pods', 'kim@acme.io')),
      /kim@acme.io gains r:pods .* orgctl binds no grant of theirs/,
    ],
    [
      'an admin dropped from w:full',
      (f) => inBoth(f, dropSubject('web', 'w:full', 'dan@acme.io')),
      /dan@acme.io loses w:full in namespace web, which they hold everywhere as an admin/,
    ],
    [
      'Add All dropped from a grantable level',
      (f) => inBoth(f, dropSubject('web', 'r:pods', 'lee@acme.io')),
      /lee@acme.io loses \S+ in namespace web, which they hold everywhere as Add All/,
    ],
    [
      "one cluster's copy only",
      (f) => forged(f, 'web', addSubject('web', 'r:pods', 'lee@acme.io')),
      /namespace web's RoleBindings differ between the clusters holding it/,
    ],
    [
      "a token's binding",
      (f) => {
        const drop = (t: string) =>
          t.replace(/- kind: ServiceAccount\n {2}name: token-ci\n {2}namespace: acme-system\n/, '');
        return inBoth(f, drop);
      },
      /a token's binding to acme:\S+ in namespace web changes/,
    ],
    [
      'two people swapped (not in name order)',
      (f) => {
        const swap = (t: string) =>
          t.replace(
            /( {2}name: bob@acme.io\n)(- apiGroup: rbac.authorization.k8s.io\n {2}kind: User\n)( {2}name: erin@acme.io\n)/,
            '$3$2$1',
          );
        return inBoth(f, swap);
      },
      /RoleBindings of acme:\S+ are not written as orgctl writes them/,
    ],
    [
      'a label on a binding',
      (f) => {
        const label = (t: string) =>
          t.replace(
            /( {2}labels:\n)( {4}app.kubernetes.io\/managed-by: orgctl\n {4}orgctl.io\/organization: acme\n {2}name: acme:r:pods\n {2}namespace: web)/,
            '$1    team: x\n$2',
          );
        return inBoth(f, label);
      },
      /RoleBindings of acme:r:pods are not written as orgctl writes them/,
    ],
  ];
  for (const [what, attack, why] of attacks)
    it(`leaves to the full proof, which refuses it: ${what}`, () => {
      const p = proofs(base, attack(base));
      expect(p.againstBase.proved).toBe(false);
      expect(p.againstBase.proved ? '' : p.againstBase.reason).toMatch(why);
      expect(p.full).toBe(false);
    });

  it("leaves to the full proof, which refuses it: a binding in the system namespace, where the tokens' Secrets are, written as orgctl would", () => {
    // The system namespace is no namespace of the declaration: nobody is granted a level there, and
    // reading its Secrets is holding every token. bob is a member with grants, r:secrets no
    // admin-only level: only the system namespace's own check refuses it here.
    const binding = (name: string) =>
      [
        'apiVersion: rbac.authorization.k8s.io/v1',
        'kind: RoleBinding',
        'metadata:',
        '  annotations:',
        '    argocd.argoproj.io/sync-wave: "4"',
        '  labels:',
        '    app.kubernetes.io/managed-by: orgctl',
        '    orgctl.io/organization: acme',
        '  name: acme:r:secrets',
        '  namespace: acme-system',
        'roleRef:',
        '  apiGroup: rbac.authorization.k8s.io',
        '  kind: ClusterRole',
        '  name: acme:r:secrets',
        'subjects:',
        subject(name).trimEnd(),
      ].join('\n');
    // After a token's ServiceAccount and Secret, in the shard file that places the token: the
    // system namespace's part of that file, as orgctl would write a binding there.
    const attack = (files: OutputText[]) =>
      files.map((f) => {
        if (!/^(lga1|ord1)\/shard-/.test(f.path)) return f;
        const docs = f.content.slice(0, -1).split('\n---\n'); // its last line's newline apart
        const at = docs.findIndex((d) =>
          /^kind: Secret\n[\s\S]*\n {2}name: token-ci\n {2}namespace: acme-system\n/m.test(d),
        );
        if (at < 0) return f;
        docs.splice(at + 1, 0, binding('bob@acme.io'));
        return { ...f, content: `${docs.join('\n---\n')}\n` };
      });
    const head = attack(base);
    expect(head.filter((f, i) => f.content !== base[i]!.content)).toHaveLength(2);
    // Since R89-3 the strict reader refuses it before either proof: a binding of the system
    // namespace belongs in the cluster shard, and kubectl would apply it wherever it is written.
    expect(() => proofs(base, head)).toThrow(
      /RoleBinding acme-system\/acme:r:secrets is in shard-\d+, where orgctl writes none of it: it places it in cluster/,
    );
  });

  it('leaves to the full proof, which refuses it: a custom role that runs pods, for a non-admin, written as orgctl would', () => {
    // Only levels are judged here (who may hold each is the catalog's): whom a custom role binds is the full proof's.
    const withRole = output(
      spec((s) => {
        s.spec.customRoles = [
          { name: 'deployer', rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['create'] }] },
        ];
        s.spec.grants.push({ user: 'alice@acme.io', namespace: 'web', customRole: 'deployer' });
      }),
    );
    const p = proofs(withRole, inBoth(withRole, addSubject('web', 'custom:deployer', 'bob@acme.io')));
    expect(p.againstBase).toEqual({
      proved: false,
      reason: 'who holds acme:custom:deployer in namespace web changes (a custom role or custom rules)',
    });
    expect(p.full).toBe(false);
  });

  it("leaves any other change to the full proof: a custom role's rules (which it passes)", () => {
    const withRole = spec((s) => {
      s.spec.customRoles = [
        { name: 'cm-reader', rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] },
      ];
      s.spec.grants.push({ user: 'bob@acme.io', namespace: 'web', customRole: 'cm-reader' });
    });
    const files = output(withRole);
    const edit = (t: string) =>
      t.replace(/( {2}name: acme:custom:cm-reader\n {2}namespace: web\nrules:\n[\s\S]*?verbs:\n)/, '$1  - delete\n');
    const p = proofs(files, forged(forged(files, 'web', edit), 'web', edit, 'ord1'));
    expect(p.againstBase).toEqual({
      proved: false,
      reason: expect.stringMatching(/documents other than RoleBindings change/),
    });
    expect(p.full).toBe(true);
  });

  it('leaves to the full proof a change that outgrows an Argo CD Application (1,500 objects)', () => {
    // One shard of exactly 1,500 objects: each namespace its Namespace and the admins' w:full binding.
    const org = (namespaces: number, grant: boolean): Spec => ({
      ...baseSpec(),
      spec: {
        owner: 'alice@acme.io',
        users: [{ email: 'alice@acme.io', admin: true }, { email: 'bob@acme.io' }],
        namespaces: Array.from({ length: namespaces }, (_, i) => ({ name: `ns-${i}` })),
        grants: grant ? [{ user: 'bob@acme.io', namespace: 'ns-0', levels: ['r:pods'] }] : [],
        delivery: { shards: 1 },
      },
    });
    const full = output(org(750, false));
    const shard = full.find((f) => f.path === 'in-cluster/shard-00/resources.yaml')!;
    expect(shard.content.split(/^---$/m).length - 1).toBe(1500);
    // Head: bob's new binding in ns-0, written as orgctl writes it (from a one-namespace organization).
    const small = output(org(1, true)).find((f) => f.path === 'in-cluster/shard-00/resources.yaml')!.content;
    const bindings = small.slice(small.indexOf('---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding'));
    const first = shard.content.indexOf('---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding');
    const next = shard.content.indexOf('---\napiVersion: v1\nkind: Namespace', first);
    const head = full.map((f) =>
      f === shard ? { ...f, content: shard.content.slice(0, first) + bindings + shard.content.slice(next) } : f,
    );
    const p = proofs(full, head);
    expect(p.againstBase).toEqual({
      proved: false,
      reason: "in-cluster/shard-00/resources.yaml is over one Argo CD Application's limits",
    });
    expect(p.full).toBe(false);
  });

  it("proves what an admin with Add All gains (their grants are bound like any admin's), as the full proof does", () => {
    const withAdminAddAll = spec(
      (s) => (s.spec.users.find((u: { email: string }) => u.email === 'dan@acme.io').access = 'all'),
    );
    const base = output(withAdminAddAll);
    const head = output(
      spec((s) => {
        s.spec.users.find((u: { email: string }) => u.email === 'dan@acme.io').access = 'all';
        s.spec.grants.push({ user: 'dan@acme.io', namespace: 'web', levels: ['w:services'] });
      }),
    );
    expect(proofs(base, head)).toEqual({ againstBase: { proved: true, namespaces: 1, files: 2 }, full: true });
  });

  // Tokens are dated: token ci's last day is 2026-12-01. Base written on one date, reviewed on another.
  const expiring = spec((s) => (s.spec.tokens[0].expires = '2026-12-01'));
  const dated: [string, string, string, string][] = [
    [
      "a base written on a later date than the review's (a token expired then, live now)",
      '2026-12-05',
      '2026-11-26',
      'token ci is live on 2026-11-26 but its ServiceAccount is not in the output (written on a later date?)',
    ],
    [
      'a head whose token expired since base (orgctl leaves its objects out now)',
      TODAY,
      '2026-12-02',
      'token ci expired on 2026-12-01: orgctl leaves its objects out now',
    ],
  ];
  for (const [what, writtenOn, reviewedOn, reason] of dated)
    it(`leaves to the full proof ${what}`, () => {
      const files = output(expiring, writtenOn);
      expect(proofs(files, files, writtenOn).againstBase.proved).toBe(true);
      const p = proofs(files, files, reviewedOn);
      expect(p.againstBase).toEqual({ proved: false, reason });
      expect(p.full).toBe(false);
    });
});

/** `text` with the RoleBinding of `role` in `ns` (its first part) changed by `edit`; the edit must change it. */
const inBinding = (ns: string, role: string, edit: (binding: string) => string) => (text: string) => {
  const docs = text.split('\n---\n');
  const at = docs.findIndex(
    (d) => d.includes(`kind: RoleBinding\n`) && d.includes(`  name: acme:${role}\n  namespace: ${ns}\n`),
  );
  expect(at, `no binding of ${role} in ${ns}`).toBeGreaterThanOrEqual(0);
  const changed = edit(docs[at]!);
  expect(changed).not.toBe(docs[at]);
  docs[at] = changed;
  return docs.join('\n---\n');
};

describe("the proof against base, where it writes a changed binding from base's text", () => {
  // bob leaves r:pods and w:services in web and gains r:events there (a new binding), and joins
  // lee and token bots in data's r:full (a binding base has: the subjects added and removed are
  // all that changes in it).
  const base = output(spec());
  const head = output(
    spec((s) => {
      s.spec.grants[0].levels = ['r:events'];
      s.spec.grants.push({ user: 'bob@acme.io', namespace: 'data', levels: ['r:full'] });
    }),
  );
  const both = (ns: string, role: string, edit: (binding: string) => string) => {
    const change = inBinding(ns, role, edit);
    return forged(forged(head, ns, change), ns, change, 'ord1');
  };
  const entry = (name: string) => `- apiGroup: rbac.authorization.k8s.io\n  kind: User\n  name: ${name}\n`;

  it('proves the change, as the full proof does', () => {
    expect(proofs(base, head)).toEqual({ againstBase: { proved: true, namespaces: 2, files: 4 }, full: true });
  });

  it('takes a member added by hand, written as orgctl writes it, as the full proof does: a grant', () => {
    // dist/ records grants as bindings: erin is a member orgctl binds, r:full no level only admins
    // hold; what she gains is a change of access the change rules judge on the diff.
    const added = both('data', 'r:full', (b) =>
      b.replace(entry('lee@acme.io'), `${entry('erin@acme.io')}${entry('lee@acme.io')}`),
    );
    expect(proofs(base, added)).toEqual({ againstBase: { proved: true, namespaces: 2, files: 4 }, full: true });
  });

  it("proves the reverse change, as the full proof does: a binding's last person leaves, and it is gone", () => {
    expect(proofs(head, base)).toEqual({ againstBase: { proved: true, namespaces: 2, files: 4 }, full: true });
  });

  it('leaves to the full proof, which refuses it, a binding kept with no subjects when its last person leaves', () => {
    const emptied = (text: string) =>
      inBinding('web', 'r:events', (b) => b.replace(`subjects:\n${entry('bob@acme.io')}`, 'subjects: []\n'))(text);
    const forgery = forged(forged(head, 'web', emptied), 'web', emptied, 'ord1');
    let p: ReturnType<typeof proofs>;
    try {
      p = proofs(head, forgery);
    } catch {
      return; // the strict reader refuses it before either proof
    }
    expect(p.againstBase.proved).toBe(false);
    expect(p.full).toBe(false);
  });

  // Each forgery of head beside that change: refused by the strict reader, or left by the proof
  // against base to the full proof, which refuses it.
  const forgeries: [string, OutputText[]][] = [
    [
      'a member added by hand at the end, after the tokens',
      both('data', 'r:full', (b) => `${b}\n${entry('erin@acme.io').trimEnd()}`),
    ],
    [
      'a subject added out of order',
      both('data', 'r:full', (b) =>
        b.replace(`${entry('bob@acme.io')}${entry('lee@acme.io')}`, `${entry('lee@acme.io')}${entry('bob@acme.io')}`),
      ),
    ],
    [
      'a subject named twice',
      both('data', 'r:full', (b) => b.replace(entry('lee@acme.io'), `${entry('lee@acme.io')}${entry('lee@acme.io')}`)),
    ],
    [
      'a subject named twice where nobody else changes',
      both('web', 'r:pods', (b) =>
        b.replace(entry('erin@acme.io'), `${entry('erin@acme.io')}${entry('erin@acme.io')}`),
      ),
    ],
    [
      'two subjects swapped in a binding that loses one',
      both('web', 'r:pods', (b) =>
        b.replace(
          `${entry('erin@acme.io')}${entry('gina@acme.io')}`,
          `${entry('gina@acme.io')}${entry('erin@acme.io')}`,
        ),
      ),
    ],
    [
      "a person's subject in another apiGroup",
      both('data', 'r:full', (b) =>
        b.replace(entry('lee@acme.io'), entry('lee@acme.io').replace('rbac.authorization.k8s.io', 'rbac.example.io')),
      ),
    ],
    [
      "a person's subject with a namespace",
      both('data', 'r:full', (b) => b.replace(entry('lee@acme.io'), `${entry('lee@acme.io')}  namespace: data\n`)),
    ],
    [
      "a token's subject in another namespace",
      both('data', 'r:full', (b) =>
        b.replace('  name: token-bots\n  namespace: acme-system', '  name: token-bots\n  namespace: data'),
      ),
    ],
    ['a name quoted', both('data', 'r:full', (b) => b.replace('  name: lee@acme.io\n', '  name: "lee@acme.io"\n'))],
    [
      'a name quoted where nobody else changes',
      both('web', 'r:pods', (b) => b.replace('  name: erin@acme.io\n', "  name: 'erin@acme.io'\n")),
    ],
    ['a space more', both('data', 'r:full', (b) => b.replace('  name: lee@acme.io\n', '  name:  lee@acme.io\n'))],
    [
      'a space at the end of a line',
      both('data', 'r:full', (b) => b.replace('  name: bob@acme.io\n', '  name: bob@acme.io \n')),
    ],
    [
      'a subject written in flow style',
      both('data', 'r:full', (b) =>
        b.replace(entry('lee@acme.io'), '- {apiGroup: rbac.authorization.k8s.io, kind: User, name: lee@acme.io}\n'),
      ),
    ],
    [
      'the roleRef a Role of the same name',
      both('data', 'r:full', (b) => b.replace('  kind: ClusterRole\n', '  kind: Role\n')),
    ],
    // The splice keeps base's text but for the subjects: whatever else changes in the binding is head's own.
    [
      'the roleRef another level of the same kind, the binding keeping its name',
      both('data', 'r:full', (b) =>
        b.replace('  kind: ClusterRole\n  name: acme:r:full\n', '  kind: ClusterRole\n  name: acme:r:pods\n'),
      ),
    ],
    [
      "the binding's labels changed beside its subjects",
      both('data', 'r:full', (b) =>
        b.replace('orgctl.io/organization: acme\n', 'orgctl.io/organization: acme\n    team: data\n'),
      ),
    ],
    [
      "the binding's sync wave changed beside its subjects",
      both('data', 'r:full', (b) =>
        b.replace('argocd.argoproj.io/sync-wave: "4"', 'argocd.argoproj.io/sync-wave: "5"'),
      ),
    ],
  ];
  refusesEach(base, head, forgeries);
});

describe('orgctl review and the proof against base', () => {
  it('says which proof it ran; --full-proof re-renders head whole', async () => {
    const dirs = await distPair(baseSpec(), (s) => (s.spec.grants[0].levels = ['r:events']));
    const args = ['review', '--base', dirs.base, '--head', dirs.head, '--actor', 'alice', '--format', 'json'];
    const message = async (extra: string[]) => {
      const r = await run([...args, ...extra]);
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout).results as { rule: string; message: string }[]).find(
        (x) => x.rule === 'output-proof',
      )!.message;
    };
    expect(await message([])).toMatch(
      /^head dist\/ is base's but for the RoleBindings of 1 namespace\(s\) \(1 file\(s\)\)/,
    );
    expect(await message(['--full-proof'])).toMatch(
      /^head dist\/ is exactly what orgctl renders .*; whole, as --full-proof asks\)$/,
    );
  });
});

describe('the proof against base, where it writes the binding of a role new in a namespace', () => {
  // erin, gina and hal gain r:events in web, and in data, where base binds no person: a binding of
  // a role new in its namespace, people only, one part (the render's binding of one of them, the
  // others written in by the render's own entry and order), compared with head's text as any.
  const base = output(spec());
  const head = output(
    spec((s) => {
      for (const n of ['erin', 'gina', 'hal'])
        s.spec.grants.push(
          { user: `${n}@acme.io`, namespace: 'web', levels: ['r:events'] },
          { user: `${n}@acme.io`, namespace: 'data', levels: ['r:events'] },
        );
    }),
  );
  const both = (ns: string, edit: (binding: string) => string) => inBoth(head, inBinding(ns, 'r:events', edit), ns);
  const entry = subject;

  it('proves the change, as the full proof does', () => {
    expect(proofs(base, head)).toEqual({ againstBase: { proved: true, namespaces: 2, files: 4 }, full: true });
  });

  it('proves one person gaining it, as the full proof does', () => {
    const one = output(
      spec((s) => s.spec.grants.push({ user: 'ivy@acme.io', namespace: 'data', levels: ['r:events'] })),
    );
    expect(proofs(base, one)).toEqual({ againstBase: { proved: true, namespaces: 1, files: 2 }, full: true });
  });

  const forgeries: [string, OutputText[]][] = [
    [
      'its first two subjects swapped',
      both('data', (b) =>
        b.replace(
          `${entry('erin@acme.io')}${entry('gina@acme.io')}`,
          `${entry('gina@acme.io')}${entry('erin@acme.io')}`,
        ),
      ),
    ],
    [
      'its last two subjects swapped',
      both('web', (b) =>
        b.replace(`${entry('gina@acme.io')}${entry('hal@acme.io')}`, `${entry('hal@acme.io')}${entry('gina@acme.io')}`),
      ),
    ],
    [
      'its first subject named twice',
      both('data', (b) => b.replace(entry('erin@acme.io'), entry('erin@acme.io').repeat(2))),
    ],
    [
      'its last subject named twice',
      both('data', (b) => b.replace(entry('hal@acme.io'), entry('hal@acme.io').repeat(2))),
    ],
    ['a member added by hand at the end', both('data', (b) => `${b}\n${entry('joe@acme.io').trimEnd()}`)],
    [
      'a stranger added in order',
      both('data', (b) => b.replace(entry('gina@acme.io'), `${entry('gina@acme.io')}${entry('gus@acme.io')}`)),
    ],
    [
      "its first subject's name quoted",
      both('data', (b) => b.replace('  name: erin@acme.io\n', '  name: "erin@acme.io"\n')),
    ],
    [
      "a later subject's name quoted",
      both('data', (b) => b.replace('  name: hal@acme.io\n', "  name: 'hal@acme.io'\n")),
    ],
    [
      'a subject in another apiGroup',
      both('data', (b) =>
        b.replace(entry('gina@acme.io'), entry('gina@acme.io').replace('rbac.authorization.k8s.io', 'rbac.example.io')),
      ),
    ],
    [
      'a subject with a namespace',
      both('data', (b) => b.replace(entry('erin@acme.io'), `${entry('erin@acme.io')}  namespace: data\n`)),
    ],
    [
      'a subject written in flow style',
      both('data', (b) =>
        b.replace(entry('hal@acme.io'), '- {apiGroup: rbac.authorization.k8s.io, kind: User, name: hal@acme.io}\n'),
      ),
    ],
    [
      'a space at the end of a line',
      both('data', (b) => b.replace('  name: gina@acme.io\n', '  name: gina@acme.io \n')),
    ],
    ['the roleRef a Role of the same name', both('data', (b) => b.replace('  kind: ClusterRole\n', '  kind: Role\n'))],
    [
      "the binding's labels changed",
      both('data', (b) =>
        b.replace('orgctl.io/organization: acme\n', 'orgctl.io/organization: acme\n    team: data\n'),
      ),
    ],
    [
      "the binding's sync wave changed",
      both('data', (b) => b.replace('argocd.argoproj.io/sync-wave: "4"', 'argocd.argoproj.io/sync-wave: "5"')),
    ],
  ];
  refusesEach(base, head, forgeries);
});

describe('the proof against base, where several people gain and lose one binding base has', () => {
  // In data's r:pods, base binds bob, hal and ivy; head erin, gina, ivy and joe: bob and hal leave,
  // erin and gina come in where hal was (after bob), joe after the last. The splice keeps base's
  // entries between two changes whole and looks up only the changed people's places.
  const pods = (names: string[]) => (s: Spec) => {
    for (const n of names) s.spec.grants.push({ user: `${n}@acme.io`, namespace: 'data', levels: ['r:pods'] });
  };
  const base = output(spec(pods(['bob', 'hal', 'ivy'])));
  const head = output(spec(pods(['erin', 'gina', 'ivy', 'joe'])));
  const both = (edit: (binding: string) => string) => inBoth(head, inBinding('data', 'r:pods', edit), 'data');
  const entry = (name: string) => subject(`${name}@acme.io`);
  /** The binding's last entry, as its document's text ends (its line break is the separator's). */
  const last = (name: string) => entry(name).trimEnd();

  it('proves the change, as the full proof does, and its reverse', () => {
    const written = `subjects:\n${['erin', 'gina', 'ivy'].map(entry).join('')}${last('joe')}`;
    expect(head.filter((f) => f.content.includes(written))).toHaveLength(2);
    expect(proofs(base, head)).toEqual({ againstBase: { proved: true, namespaces: 1, files: 2 }, full: true });
    expect(proofs(head, base)).toEqual({ againstBase: { proved: true, namespaces: 1, files: 2 }, full: true });
  });

  it("proves who joins before base's first person and after its last, as the full proof does", () => {
    const one = output(spec(pods(['hal'])));
    const three = output(spec(pods(['bob', 'hal', 'joe'])));
    expect(proofs(one, three)).toEqual({ againstBase: { proved: true, namespaces: 1, files: 2 }, full: true });
    expect(proofs(three, one)).toEqual({ againstBase: { proved: true, namespaces: 1, files: 2 }, full: true });
  });

  const forgeries: [string, OutputText[]][] = [
    [
      'two who join at one place swapped',
      both((b) => b.replace(entry('erin') + entry('gina'), entry('gina') + entry('erin'))),
    ],
    [
      'one who joins after the last written before it',
      both((b) => b.replace(entry('ivy') + last('joe'), entry('joe') + last('ivy'))),
    ],
    ['one who joins written after the last', both((b) => `${b.replace(entry('erin'), '')}\n${last('erin')}`)],
    ['one who joins written twice', both((b) => b.replace(entry('erin'), entry('erin') + entry('erin')))],
    ['one who leaves kept, out of order', both((b) => b.replace(entry('gina'), entry('gina') + entry('bob')))],
    ['one who stays written twice', both((b) => b.replace(entry('ivy'), entry('ivy') + entry('ivy')))],
    // Head's subjects are walked beside base's: one base has, read as base's object, out of its place.
    ['one who stays moved after the last', both((b) => `${b.replace(entry('ivy'), '')}\n${last('ivy')}`)],
    ['one who stays moved before the first', both((b) => b.replace(entry('erin'), entry('ivy') + entry('erin')))],
    ['one who leaves kept after the last', both((b) => `${b}\n${last('hal')}`)],
  ];
  refusesEach(base, head, forgeries);
});

describe('the proof against base, reading a shard file by the places of its documents', () => {
  const base = output(spec());
  const head = output(spec((s) => (s.spec.grants[0].levels = ['r:events'])));
  /** Head with the first RoleBinding of each shard file holding web moved before the file's first document. */
  const bindingFirst = (files: OutputText[]) =>
    files.map((f) => {
      if (!/\/shard-/.test(f.path) || !f.content.includes('  name: web\n---')) return f;
      const [header, ...docs] = f.content.split('\n---\n');
      const at = docs.findIndex((d) => d.includes('\nkind: RoleBinding\n'));
      const [binding] = docs.splice(at, 1);
      return { ...f, content: [header, binding, ...docs].join('\n---\n') };
    });

  it('leaves a RoleBinding before every other document of its file to the full proof, which refuses it', () => {
    const forgery = bindingFirst(head);
    expect(forgery.filter((f, i) => f.content !== head[i]!.content)).toHaveLength(2);
    // The strict reader reads it (a binding's place in its shard file is the proofs' to judge).
    const p = proofs(base, forgery);
    expect(p.againstBase).toEqual({
      proved: false,
      reason: expect.stringMatching(/: a RoleBinding comes before every other document$/),
    });
    expect(p.full).toBe(false);
  });
});

describe('the proof against base, where a changed binding base has is in parts', () => {
  // 1,500 people with long names hold r:pods in data: more than one RoleBinding holds (two parts).
  // Head: one person of the first part leaves and one joins after the last (the same count), so
  // the second part's first person moves into the first; or one of the second part leaves.
  const crowd = (i: number) => `${'p'.repeat(60)}${String(i).padStart(4, '0')}@acme.io`;
  const pods = (holders: number[]) => (s: Spec) => {
    for (let i = 0; i <= 1500; i++) s.spec.users.push({ email: crowd(i) });
    for (const i of holders) s.spec.grants.push({ user: crowd(i), namespace: 'data', levels: ['r:pods'] });
  };
  const all = Array.from({ length: 1500 }, (_, i) => i);
  const base = output(spec(pods(all)));
  const head = output(spec(pods([...all.filter((i) => i !== 100), 1500])));
  const tail = output(spec(pods(all.filter((i) => i !== 1400))));
  const entry = (i: number) => subject(crowd(i));
  /** The documents of `files`' shard files holding data, as texts: `edit` changes the parts' (both clusters alike). */
  const inParts = (files: OutputText[], edit: (parts: string[]) => void) =>
    inBoth(
      files,
      (text) => {
        const docs = text.split('\n---\n');
        const at = docs.findIndex((d) => d.includes('  name: acme:r:pods\n  namespace: data\n'));
        expect(docs[at + 1]).toContain('  name: acme:r:pods:2\n  namespace: data\n');
        const parts = [docs[at]!, docs[at + 1]!];
        edit(parts);
        docs.splice(at, 2, ...parts);
        return docs.join('\n---\n');
      },
      'data',
    );
  /** Where the first part ends and the second begins, in head. */
  const boundary = (files: OutputText[]) => {
    const text = files.find((f) => f.content.includes('  name: acme:r:pods:2\n'))!.content;
    const second = text.slice(text.indexOf('  name: acme:r:pods:2\n'));
    return Number(/name: p+(\d{4})@acme\.io/.exec(second.slice(second.indexOf('subjects:\n')))![1]);
  };

  it('proves the change, its reverse and a change in the second part alone, as the full proof does', () => {
    // Base's second part begins one person later in head (the first part lost one).
    expect(boundary(head)).toBe(boundary(base) + 1);
    expect(proofs(base, head)).toEqual({ againstBase: { proved: true, namespaces: 1, files: 2 }, full: true });
    expect(proofs(head, base)).toEqual({ againstBase: { proved: true, namespaces: 1, files: 2 }, full: true });
    expect(boundary(tail)).toBe(boundary(base));
    expect(proofs(base, tail)).toEqual({ againstBase: { proved: true, namespaces: 1, files: 2 }, full: true });
  });

  const b = boundary(head);
  /** The second part's first person written last in the first (a document's text ends without its line break). */
  const moveFirstBack = (parts: string[]) => {
    parts[1] = parts[1]!.replace(entry(b), '');
    parts[0] = `${parts[0]}\n${entry(b).trimEnd()}`;
  };
  const forgeries: [string, OutputText[]][] = [
    // The boundary where base has it: the second part's first person kept there.
    [
      'the parts split where base splits them',
      inParts(head, (parts) => {
        parts[0] = parts[0]!.slice(0, parts[0]!.lastIndexOf('\n- '));
        parts[1] = parts[1]!.replace('subjects:\n', `subjects:\n${entry(b - 1)}`);
      }),
    ],
    [
      "the second part's first person also kept in the first",
      inParts(head, (parts) => {
        parts[0] = `${parts[0]}\n${entry(b + 1).trimEnd()}`;
      }),
    ],
    [
      'a person moved from the first part to the second',
      inParts(head, (parts) => {
        parts[0] = parts[0]!.replace(entry(5), '');
        parts[1] = parts[1]!.replace('subjects:\n', `subjects:\n${entry(5)}`);
      }),
    ],
    [
      'the one who joins written in the first part',
      inParts(head, (parts) => {
        parts[1] = parts[1]!.replace(`\n${entry(1500).trimEnd()}`, '');
        parts[0] = parts[0]!.replace(entry(0), entry(0) + entry(1500));
      }),
    ],
    [
      'the one who leaves kept in the first part',
      inParts(head, (parts) => {
        parts[0] = parts[0]!.replace(entry(101), entry(100) + entry(101));
      }),
    ],
    [
      'a person of the second part replaced by the one who joins, the count the same',
      inParts(head, (parts) => {
        parts[1] = parts[1]!.replace(entry(1450), entry(1450).replace('1450', '1500'));
      }),
    ],
    [
      "the parts' names swapped",
      inParts(head, (parts) => {
        parts[0] = parts[0]!.replace('  name: acme:r:pods\n', '  name: acme:r:pods:2\n');
        parts[1] = parts[1]!.replace('  name: acme:r:pods:2\n', '  name: acme:r:pods\n');
      }),
    ],
    [
      'the second part named a third',
      inParts(head, (parts) => {
        parts[1] = parts[1]!.replace('  name: acme:r:pods:2\n', '  name: acme:r:pods:3\n');
      }),
    ],
    [
      "the second part's entries quoted otherwise",
      inParts(head, (parts) => {
        parts[1] = parts[1]!.replace(
          entry(1460),
          entry(1460).replace(`name: ${crowd(1460)}`, `name: "${crowd(1460)}"`),
        );
      }),
    ],
    ["the second part's first person moved to the first part's end", inParts(head, moveFirstBack)],
  ];
  refusesEach(base, head, forgeries);
});

describe("the proof against base, where a few people's dated access changes among users' ConfigMaps in several", () => {
  // 1,500 people with long names: their records take two ConfigMaps. Head gives three of the first
  // ConfigMap's people a dated grant: their lines grow, and the first ConfigMap's last person moves
  // into the second. base's texts are kept for every other line.
  const crowd = (i: number) => `${'q'.repeat(60)}${String(i).padStart(4, '0')}@acme.io`;
  const dated = (who: number[]) => (s: Spec) => {
    for (let i = 0; i < 1500; i++) s.spec.users.push({ email: crowd(i) });
    for (const i of who)
      s.spec.grants.push({ user: crowd(i), namespace: 'data', levels: ['r:pods'], expires: '2099-01-01' });
  };
  const base = output(spec(dated([])));
  const head = output(spec(dated([10, 20, 30])));
  const late = output(spec(dated([1400])));
  /** The users' ConfigMaps of `files` as lines (each `    {...}`), edited alike in both clusters. */
  const inLists = (files: OutputText[], edit: (lists: string[][]) => void) =>
    files.map((f) => {
      if (!CLUSTER_FILES.includes(f.path)) return f;
      const docs = f.content.split('\n---\n');
      const at = docs.findIndex((d) => d.includes('\n  name: orgctl-users\n'));
      expect(docs[at + 1]).toContain('\n  name: orgctl-users-2\n');
      const split = (d: string) => {
        const start = d.indexOf('users.jsonl: |\n') + 'users.jsonl: |\n'.length;
        return { head: d.slice(0, start), lines: d.slice(start).split('\n') };
      };
      const [one, two] = [split(docs[at]!), split(docs[at + 1]!)];
      const lists = [one.lines, two.lines];
      edit(lists);
      docs[at] = one.head + lists[0]!.join('\n');
      docs[at + 1] = two.head + lists[1]!.join('\n');
      return { ...f, content: docs.join('\n---\n') };
    });
  /** The first line of the second ConfigMap (its record's email). */
  const second = (files: OutputText[]) => {
    let first = '';
    inLists(files, (lists) => {
      first = /"email":"([^"]+)"/.exec(lists[1]![0]!)![1]!;
    });
    return first;
  };

  it('proves the change, its reverse and a change in the second ConfigMap alone, as the full proof does', () => {
    expect(second(head)).not.toBe(second(base));
    expect(proofs(base, head)).toEqual({ againstBase: { proved: true, namespaces: 1, files: 2 }, full: true });
    expect(proofs(head, base)).toEqual({ againstBase: { proved: true, namespaces: 1, files: 2 }, full: true });
    expect(second(late)).toBe(second(base));
    expect(proofs(base, late)).toEqual({ againstBase: { proved: true, namespaces: 1, files: 2 }, full: true });
  });

  // The lines' last in the ConfigMap's text is followed by its document's end ('' after its line break, if any).
  const lastLine = (lines: string[]) => lines.length - (lines[lines.length - 1] === '' ? 2 : 1);
  const forgeries: [string, OutputText[]][] = [
    [
      'the ConfigMaps split where base splits them',
      inLists(head, ([one, two]) => {
        const [moved] = one!.splice(lastLine(one!), 1);
        two!.unshift(moved!);
      }),
    ],
    [
      "the second ConfigMap's first line moved into the first",
      inLists(head, ([one, two]) => {
        const [moved] = two!.splice(0, 1);
        one!.splice(lastLine(one!) + 1, 0, moved!);
      }),
    ],
    [
      'a line no change touches written with a space (the same record)',
      inLists(head, ([, two]) => {
        two![5] = two![5]!.replace('","username":', '", "username":');
      }),
    ],
    [
      "a changed person's line with its keys in another order (the same record)",
      inLists(head, ([one]) => {
        const at = one!.findIndex((l) => l.includes(crowd(20)));
        const { email, ...rest } = JSON.parse(one![at]!.trim()) as Rec;
        one![at] = `    ${JSON.stringify({ ...rest, email })}`;
      }),
    ],
    [
      'the second ConfigMap named as a third',
      inClusterFiles(head, (t) => t.replace('\n  name: orgctl-users-2\n', '\n  name: orgctl-users-3\n')),
    ],
    [
      'two lines of the second ConfigMap swapped',
      inLists(head, ([, two]) => {
        [two![3], two![4]] = [two![4]!, two![3]!];
      }),
    ],
  ];
  refusesEach(base, head, forgeries);
});

describe("the proof against base and a person's dated access the change leaves as base's record", () => {
  // bob holds r:pods in data until a date (erin for good): his membership record is the same text on both sides.
  const dated = (until: string) => (s: Spec) =>
    void s.spec.grants.push(
      { user: 'bob@acme.io', namespace: 'data', levels: ['r:pods'], expires: until },
      { user: 'erin@acme.io', namespace: 'data', levels: ['r:pods'] },
    );
  const base = output(spec(dated('2099-01-01')));

  /** Both proofs of `head` refuse it, the one against base for `reason`. */
  const refused = (from: OutputText[], head: OutputText[], reason: string, today?: string) =>
    expect(proofs(from, head, today)).toEqual({ againstBase: { proved: false, reason }, full: false });

  it('leaves to the full proof, which refuses it, a head whose binding of the dated role is gone and the record kept', () => {
    const head = inBoth(base, dropSubject('data', 'r:pods', 'bob@acme.io'), 'data');
    expect(head.filter((f, i) => f.content !== base[i]!.content)).toHaveLength(2);
    refused(base, head, "bob@acme.io's dated acme:r:pods in data is bound nowhere");
  });

  it('leaves to the full proof, which refuses it, base written before the dated access ended, reviewed after', () => {
    const ended = output(spec(dated('2026-12-10')), '2026-12-01');
    refused(
      ended,
      ended,
      "bob@acme.io's acme:r:pods in data ended on 2026-12-10: orgctl binds it no more",
      '2026-12-20',
    );
  });
});

describe("the proof against base and a dated role's binding of many people", () => {
  // 24 people hold r:pods in data for good, and one until a date: who sorts first (aaron), among
  // them (bob) or last (zoe). The proof finds whom a dated role's binding names by their names'
  // order there when few are asked of many (addHeld): every forgery is still refused.
  const many = Array.from({ length: 24 }, (_, i) => `p${String(i).padStart(2, '0')}`);
  const dated = (who: string) => (s: Spec) => {
    s.spec.users.push(...['aaron', ...many, 'zoe'].map((n) => ({ email: `${n}@acme.io`, github: n })));
    s.spec.grants.push(...many.map((n) => ({ user: `${n}@acme.io`, namespace: 'data', levels: ['r:pods'] })), {
      user: `${who}@acme.io`,
      namespace: 'data',
      levels: ['r:pods'],
      expires: '2099-01-01',
    });
  };
  /** The binding of r:pods in data, its people moved by `order`. */
  const reordered = (order: (people: string[]) => string[]) => (text: string) =>
    text.replace(
      /(name: acme:r:pods\n {2}namespace: data\nroleRef:\n(?: {2}.*\n)*subjects:\n)((?:- .*\n(?: {2}.*\n)*)*)/,
      (_, head: string, items: string) => head + order(items.split(/^(?=- )/m).filter(Boolean)).join(''),
    );
  for (const who of ['aaron', 'bob', 'zoe']) {
    const base = output(spec(dated(who)));
    const head = output(
      spec((s) => {
        dated(who)(s);
        s.spec.grants.push({ user: 'gina@acme.io', namespace: 'web', levels: ['w:configmaps'] });
      }),
    );

    it(`proves a change elsewhere with ${who}'s dated r:pods among 25 people, and the full proof agrees`, () => {
      expect(proofs(base, head)).toEqual({ againstBase: { proved: true, namespaces: 1, files: 2 }, full: true });
      expect(proofs(base, base).againstBase).toEqual({ proved: true, namespaces: 0, files: 0 });
    });

    it(`leaves to the full proof, which refuses it, a head whose binding of ${who}'s dated r:pods is gone`, () => {
      const gone = inBoth(head, dropSubject('data', 'r:pods', `${who}@acme.io`), 'data');
      expect(proofs(base, gone)).toEqual({
        againstBase: { proved: false, reason: `${who}@acme.io's dated acme:r:pods in data is bound nowhere` },
        full: false,
      });
    });

    refusesEach(base, head, [
      [
        `the people of ${who}'s dated r:pods in reverse order`,
        inBoth(
          head,
          reordered((p) => [...p].reverse()),
          'data',
        ),
      ],
      [
        `${who} moved to the other end of the dated r:pods binding`,
        inBoth(
          head,
          reordered((p) => {
            const at = p.findIndex((x) => x.includes(`name: ${who}@acme.io\n`));
            const rest = p.filter((_, i) => i !== at);
            return at === 0 ? [...rest, p[at]!] : [p[at]!, ...rest];
          }),
          'data',
        ),
      ],
    ]);
  }
});
