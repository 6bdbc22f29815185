/**
 * Namespaces for admins only (`adminsOnly`): a privileged controller's namespace (istio-system,
 * ingress-nginx, cert-manager), where writing a ConfigMap or reading a Secret is power over the
 * whole cluster, holds only what admins hold. Declared, refused, rendered, and reviewed: a grant
 * there to anyone but an admin, Add All there, a token of a non-admin there, and the flag turned off.
 */
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Organization } from '../constructs/index.ts';
import { synthesize } from '../constructs/synthesize.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, TODAY, tempDir } from './helpers.ts';
import { baseSpec, judge, outputOf, proofsOf, type Spec } from './review/scenarios.ts';

/** baseSpec with istio-system declared for admins only (nobody granted there yet). */
function withIstio(edit: (s: Spec) => void = () => {}): Spec {
  const s = baseSpec();
  s.spec.namespaces.push({ name: 'istio-system', adminsOnly: true });
  edit(s);
  return s;
}

/** Adds a token `mesh` reading pods in `namespace`, owned by `owner`. */
const meshToken =
  (owner: string, namespace = 'istio-system') =>
  (s: Spec) =>
    s.spec.tokens.push({ id: 'mesh', name: 'Mesh', namespaces: [namespace], levels: ['r:pods'], owner });

function synthOf(spec: Spec) {
  const app = new App();
  Organization.fromSpec(app, spec, { today: TODAY });
  return synthesize(app, { today: TODAY, declaredIn: 'org/org.yaml' });
}

const errors = (spec: Spec) =>
  synthOf(spec)
    .findings.filter((f) => f.severity === 'error')
    .map((f) => `${f.rule} ${f.subject}: ${f.message}`);

describe('adminsOnly namespaces: declared and refused', () => {
  it('refuses a grant there to a person who is not an admin, whatever the level, naming the namespace and what to do', () => {
    const found = errors(
      withIstio((s) =>
        s.spec.grants.push({ user: 'bob@acme.io', namespace: 'istio-system', levels: ['r:configmaps'] }),
      ),
    );
    expect(found).toEqual([
      'forbidden-grant users/bob@acme.io → istio-system: istio-system is for admins only (adminsOnly): nobody else may be granted anything there, r:configmaps included (make the user an admin, grant it in another namespace, or drop adminsOnly)',
    ]);
    // an admin's grant there is theirs to hold (w:full covers it)
    expect(
      errors(
        withIstio((s) =>
          s.spec.grants.push({ user: 'frank@acme.io', namespace: 'istio-system', levels: ['r:configmaps'] }),
        ),
      ),
    ).toEqual([]);
  });

  it("refuses a token a non-admin owns there; an admin's or the organization's token may hold it", () => {
    const found = errors(withIstio(meshToken('bob@acme.io')));
    expect(found).toContainEqual(
      expect.stringMatching(
        /^forbidden-grant tokens\/mesh: token mesh reaches istio-system, which is for admins only \(adminsOnly\); its owner bob@acme.io is not an admin/,
      ),
    );
    expect(errors(withIstio(meshToken('frank@acme.io')))).toEqual([]);
  });

  it('binds Add All there to nobody but admins, and records the flag in the membership data the review reads', () => {
    const r = synthOf(withIstio((s) => s.spec.users.push({ email: 'lee@acme.io', access: 'all' })));
    expect(r.ok).toBe(true);
    const text = r.files.map((f) => f.content).join('\n');
    // lee (Add All) is bound in web and data, never in istio-system
    const istio = text
      .split('\n---\n')
      .filter((d) => d.includes('kind: RoleBinding') && d.includes('namespace: istio-system'));
    expect(istio.length).toBeGreaterThan(0);
    expect(istio.some((d) => d.includes('lee@acme.io'))).toBe(false);
    expect(text.split('\n---\n').some((d) => d.includes('namespace: web') && d.includes('lee@acme.io'))).toBe(true);
    const members = JSON.parse(r.files.find((f) => f.path === 'members.json')!.content);
    expect(members.namespaces).toContainEqual({ name: 'istio-system', adminsOnly: true });
  });
});

describe('adminsOnly namespaces: explain', () => {
  it('says why a member holds nothing there', () => {
    const dir = tempDir('orgctl-admins-only-');
    writeFileSync(join(dir, 'org.json'), JSON.stringify(withIstio()));
    // the first question (checks the declaration, writes the index) and the next (the index)
    for (const _ of [1, 2]) {
      const r = cli([
        'explain',
        'bob@acme.io',
        '-n',
        'istio-system',
        '--spec',
        join(dir, 'org.json'),
        '--no-bootstrap',
      ]);
      expect(r.stdout.split('\n')[0]).toBe(
        'users/bob@acme.io holds nothing in istio-system: istio-system is for admins only (adminsOnly), and bob@acme.io is not one',
      );
    }
  });
});

describe('adminsOnly namespaces: import', () => {
  it('import --from dist keeps the flag with the namespace (the membership data records it)', () => {
    const dir = tempDir('orgctl-admins-only-');
    writeFileSync(join(dir, 'org.json'), JSON.stringify(withIstio()));
    const synth = cli(['synth', '--spec', join(dir, 'org.json'), '--out', join(dir, 'dist')]);
    expect(synth.code, synth.stderr).toBe(0);
    const r = cli(['import', '--from', join(dir, 'dist'), '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const namespaces = JSON.parse(r.stdout).spec.namespaces;
    expect(namespaces).toContainEqual({ name: 'istio-system', adminsOnly: true });
    expect(namespaces).toContainEqual({ name: 'web' });
  });
});

describe('adminsOnly namespaces: the review', () => {
  it('turning adminsOnly off weakens a guard rail: one admin alone may not, another admin approves it', () => {
    const off = (s: Spec) => {
      s.spec.namespaces = s.spec.namespaces.map((n: { name: string }) => ({ name: n.name }));
    };
    const alone = judge(withIstio(), off, { actors: ['alice'] });
    expect(alone.failed).toContain('guard-rails');
    expect(alone.results.find((r) => r.rule === 'guard-rails')!.message).toContain(
      'istio-system: for admins only → open to grants (weaker)',
    );
    expect(judge(withIstio(), off, { actors: ['alice'], approvals: ['frank'] }).ok).toBe(true);
    // turned on: stronger, nothing to approve beyond the usual
    const on = judge(baseSpec(), (s) => s.spec.namespaces.push({ name: 'istio-system', adminsOnly: true }), {
      actors: ['alice'],
    });
    expect(on.failed).not.toContain('guard-rails');
  });

  it('removing a namespace for admins only drops the flag: one admin alone may not (a later change re-adds it open), another admin approves it', () => {
    const gone = (s: Spec) => {
      s.spec.namespaces = s.spec.namespaces.filter((n: { name: string }) => n.name !== 'istio-system');
    };
    const alone = judge(withIstio(), gone, { actors: ['alice'] });
    expect(alone.failed).toContain('guard-rails');
    expect(alone.results.find((r) => r.rule === 'guard-rails')!.message).toContain(
      'istio-system: for admins only → removed (weaker)',
    );
    expect(judge(withIstio(), gone, { actors: ['alice'], approvals: ['frank'] }).ok).toBe(true);
  });

  it('the class: a namespace removed keeps running (Prune=false) while its quota, limits and NetworkPolicy are pruned: one admin alone may not', () => {
    const railed = (s: Spec) => {
      s.spec.namespaces = s.spec.namespaces.map((n: { name: string }) =>
        n.name === 'data'
          ? {
              name: 'data',
              quota: { pods: '20' },
              limits: { default: { cpu: '500m' } },
              networkPolicy: 'same-namespace',
            }
          : n,
      );
    };
    const gone = (s: Spec) => {
      s.spec.namespaces = s.spec.namespaces.filter((n: { name: string }) => n.name !== 'data');
      for (const t of s.spec.tokens) t.namespaces = t.namespaces.filter((ns: string) => ns !== 'data');
    };
    const alone = judge(withIstio(railed), gone, { actors: ['alice'] });
    expect(alone.failed).toContain('guard-rails');
    const message = alone.results.find((r) => r.rule === 'guard-rails')!.message;
    for (const what of ['ResourceQuota', 'LimitRange', 'NetworkPolicy same-namespace'])
      expect(message).toMatch(new RegExp(`data: [^\\n]*${what}[^\\n]*removed`));
    // a namespace without guard rails leaves as before
    expect(judge(withIstio(), gone, { actors: ['alice'] }).failed).not.toContain('guard-rails');
  });

  it('a token there is access reserved for admins: created by one admin, another must approve (admin-change-approval)', () => {
    const mesh = meshToken('alice@acme.io');
    expect(judge(withIstio(), mesh, { actors: ['frank'] }).failed).toEqual(['admin-change-approval']);
    expect(judge(withIstio(), mesh, { actors: ['frank'], approvals: ['dan'] }).ok).toBe(true);
    // the same token in web reads only pods: no second admin needed
    const web = meshToken('alice@acme.io', 'web');
    expect(judge(withIstio(), web, { actors: ['frank'] }).failed).not.toContain('admin-change-approval');
  });

  it('the proof against base leaves to the full proof, which refuses it, a member bound there as orgctl would write it', () => {
    const base = outputOf(
      withIstio((s) =>
        s.spec.grants.push({ user: 'frank@acme.io', namespace: 'istio-system', levels: ['r:configmaps'] }),
      ),
    );
    // bob added to the RoleBinding of acme:r:configmaps in istio-system, in name order, as orgctl writes subjects
    const forged = base.map((f) =>
      f.content.includes('  name: acme:r:configmaps\n  namespace: istio-system\n')
        ? {
            ...f,
            content: f.content.replace(
              /( {2}name: acme:r:configmaps\n {2}namespace: istio-system\n[\s\S]*?subjects:\n)/,
              '$1- apiGroup: rbac.authorization.k8s.io\n  kind: User\n  name: bob@acme.io\n',
            ),
          }
        : f,
    );
    expect(forged.filter((f, i) => f.content !== base[i]!.content).length).toBeGreaterThan(0);
    const { againstBase, full } = proofsOf(base, forged);
    expect(againstBase).toEqual({
      proved: false,
      reason: 'bob@acme.io gains r:configmaps in namespace istio-system: a namespace for admins only',
    });
    // the full proof finds a difference or an error
    expect(full).toBe(false);
  });
});
