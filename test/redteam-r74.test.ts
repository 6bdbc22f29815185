/**
 * Red team R74 (the proofs: review/proof.ts's full proof and review/base-proof.ts's proof against
 * base, and the shortcut "when head differs from base only in whom RoleBindings to catalog levels
 * bind, proved by that change alone").
 *
 * R74-1 (medium, closed): when only people's dated access changed, the proof against base proved a
 *     head whose last cluster's users' ConfigMaps carried the new records while an earlier cluster's
 *     were left as base's (readMembership reads every cluster's copy into one membership, the last
 *     winning; a cluster shard equal to base's was taken as proved). The full proof refuses that
 *     head: the proof against base overruled it, and the base it leaves is not what orgctl renders
 *     (the check workflow's `orgctl prove` on the default branch then fails, and every later proof
 *     against base stands on it). Now a cluster shard left as base's is not proved when dated access
 *     changes (review/base-proof.ts, clusterShardAsBase).
 *
 * What held and what was not done: at the end of this file.
 */
import { describe, expect, it } from 'vitest';
import type { OutputText } from '../cli/output-read.ts';
import { baseSpec, outputOf as output, proofsOf as proofs, type Spec } from './review/scenarios.ts';

/** baseSpec in two clusters, with bob holding r:events in data until `until` (dated access). */
function datedSpec(until: string): Spec {
  const s = baseSpec();
  s.spec.clusters = ['lga1', 'ord1'];
  s.spec.grants.push({ user: 'bob@acme.io', namespace: 'data', levels: ['r:events'], expires: until });
  return s;
}

/** `files` with the file at `path` as `from` holds it. */
const keeping = (files: OutputText[], from: OutputText[], path: string): OutputText[] =>
  files.map((f) => (f.path === path ? from.find((b) => b.path === path)! : f));

/**
 * R74-1: the membership ConfigMaps of each cluster are read into one membership, the last cluster's
 * record of a person winning (analysis/membership.ts readMembership: `out.set(email, record)` over
 * every cluster's copy). When only dated access changes, the proof against base re-rendered the
 * users' ConfigMaps of each cluster shard that changed, and took a cluster shard equal to base's as
 * proved: so a head extending bob's r:events in ord1's shard alone (lga1's left as base's, holding
 * the old end) was proved, though the clusters' membership data differ and the full proof refuses it
 * (orgctl writes every cluster's copy alike). The proof against base may spare the full proof, never
 * overrule it: what it proved was not what orgctl renders, and the next base it stands on is not either.
 */
describe('R74-1: dated access changed in one cluster shard only', () => {
  const base = output(datedSpec('2026-12-15'));
  const extended = output(datedSpec('2027-01-15'));

  it("held before: the first cluster's changed and the last's left as base's, or the two changed to different ends", () => {
    // The last cluster's records win the reading: the first's are then compared with them.
    const p = proofs(base, keeping(extended, base, 'ord1/cluster/resources.yaml'));
    expect(p).toEqual({ againstBase: { proved: false, reason: 'lga1/cluster/resources.yaml changes' }, full: false });
    const later = output(datedSpec('2027-02-15'));
    const q = proofs(base, keeping(extended, later, 'ord1/cluster/resources.yaml'));
    expect(q.againstBase.proved).toBe(false);
    expect(q.full).toBe(false);
  });

  it('proves the change made alike in every cluster, as the full proof does', () => {
    expect(proofs(base, extended)).toEqual({ againstBase: { proved: true, namespaces: 0, files: 0 }, full: true });
  });

  it("is left to the full proof, which refuses it, when a cluster's membership ConfigMaps stay base's", () => {
    const head = keeping(extended, base, 'lga1/cluster/resources.yaml');
    const p = proofs(base, head);
    expect(p.full).toBe(false);
    expect(p.againstBase).toEqual({
      proved: false,
      reason:
        "lga1/cluster/resources.yaml keeps base's membership ConfigMaps while another cluster's record people's dated access anew (orgctl writes every cluster's alike)",
    });
  });
});

/** baseSpec in two clusters with a deactivated member, Add All, Remove All, a pending invitee and a namespace for admins only. */
function peopleSpec(): Spec {
  const s = baseSpec();
  s.spec.clusters = ['lga1', 'ord1'];
  s.spec.users.push(
    { email: 'kim@acme.io', status: 'deactivated' },
    { email: 'lee@acme.io', access: 'all' },
    { email: 'nora@acme.io', access: 'none' },
  );
  s.spec.invites = [{ email: 'zoe@acme.io', grants: [{ namespace: 'web', levels: ['r:pods'] }] }];
  s.spec.namespaces.push({ name: 'ops', adminsOnly: true });
  return s;
}

/** `files` with the shard file holding namespace `ns` edited alike in both clusters. */
function inBoth(files: OutputText[], ns: string, edit: (text: string) => string): OutputText[] {
  const holds = (f: OutputText) =>
    /^(lga1|ord1)\/shard-/.test(f.path) && f.content.includes(`kind: Namespace\nmetadata:`);
  const edited = files.map((f) =>
    holds(f) && f.content.includes(`  name: ${ns}\n---`) ? { ...f, content: edit(f.content) } : f,
  );
  expect(edited.filter((f, i) => f.content !== files[i]!.content)).toHaveLength(2);
  return edited;
}

/** Subjects written first in the binding of `role` in `ns` (their order or form is what the attack is about). */
const prepend = (ns: string, role: string, raw: string) => (text: string) =>
  text.replace(
    new RegExp(`(name: acme:${role}\\n {2}namespace: ${ns}\\nroleRef:\\n(?: {2}.*\\n)*subjects:\\n)`),
    `$1${raw}`,
  );
const user = (name: string, extra = '') =>
  `- apiGroup: rbac.authorization.k8s.io\n  kind: User\n  name: ${name}\n${extra}`;

/**
 * Held (R74, pinned): whom a RoleBinding binds, in each form Kubernetes reads as someone. The API
 * server matches a User subject by name against the request's username, a Group by the user's
 * groups, a ServiceAccount by system:serviceaccount:<namespace>:<name> (kubernetes/kubernetes
 * pkg/registry/rbac/validation/rule.go, appliesToUser; Subject's fields as documented in
 * kubernetes-client/java docs/RbacV1Subject.md: a namespace on a User or Group "the Authorizer
 * should report an error"). So a User subject naming a token's ServiceAccount identity binds that
 * token, a Group binds everyone in it, and apiGroup or namespace fields are the authorizer's to
 * read. The proof against base takes only User and ServiceAccount subjects, judges each gain by the
 * membership data (a member orgctl binds: not deactivated, not Remove All, not an invitee, not a
 * ServiceAccount's identity), leaves ServiceAccounts exactly base's, and re-renders every changed
 * role with synthesis' own function (one subject once, in name order, one part unless too large),
 * compared as text: every other form differs. Each is also refused by the full proof.
 */
describe("held: the proof against base's reading of subjects", () => {
  const base = output(peopleSpec());
  const attacks: [string, (f: OutputText[]) => OutputText[], RegExp][] = [
    [
      "a User subject naming a token's ServiceAccount identity (binds the token)",
      (f) => inBoth(f, 'web', prepend('web', 'r:pods', user('system:serviceaccount:acme-system:token-ci'))),
      /system:serviceaccount:acme-system:token-ci gains r:pods in namespace web and is not a member/,
    ],
    [
      'a Group (system:authenticated: everyone)',
      (f) =>
        inBoth(
          f,
          'web',
          prepend(
            'web',
            'r:pods',
            '- apiGroup: rbac.authorization.k8s.io\n  kind: Group\n  name: system:authenticated\n',
          ),
        ),
      /binds a Group, which orgctl does not bind/,
    ],
    [
      'a pending invitee, before accepting',
      (f) => inBoth(f, 'web', prepend('web', 'r:pods', user('zoe@acme.io'))),
      /zoe@acme.io gains r:pods in namespace web and is not a member/,
    ],
    [
      'a member with Remove All',
      (f) => inBoth(f, 'web', prepend('web', 'r:pods', user('bob@acme.io') + user('nora@acme.io'))),
      /nora@acme.io gains r:pods .*deactivated or Remove All/,
    ],
    [
      "another namespace's ServiceAccount",
      (f) => inBoth(f, 'web', prepend('web', 'r:pods', '- kind: ServiceAccount\n  name: default\n  namespace: web\n')),
      /a token's binding to acme:r:pods in namespace web changes/,
    ],
    [
      'a person written twice',
      (f) => inBoth(f, 'web', prepend('web', 'r:pods', user('bob@acme.io'))),
      /RoleBindings of acme:r:pods are not written as orgctl writes them/,
    ],
    [
      'a User subject with a namespace field',
      (f) => inBoth(f, 'web', prepend('web', 'r:pods', user('bob@acme.io', '  namespace: web\n'))),
      /RoleBindings of acme:r:pods are not written as orgctl writes them/,
    ],
    [
      'a User subject with no apiGroup',
      (f) => inBoth(f, 'web', prepend('web', 'r:pods', '- kind: User\n  name: lee@acme.io\n')),
      /RoleBindings of acme:r:pods are not written as orgctl writes them/,
    ],
    [
      'a member (not an admin) given a level in a namespace for admins only',
      (f) =>
        inBoth(f, 'ops', (t) =>
          t.replace(
            /( {2}name: acme:w:full\n {2}namespace: ops\nroleRef:\n(?: {2}.*\n)*subjects:\n(?:- .*\n(?: {2}.*\n)*)*)/,
            `$1---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  annotations:\n    argocd.argoproj.io/sync-wave: "4"\n  labels:\n    app.kubernetes.io/managed-by: orgctl\n    orgctl.io/organization: acme\n  name: acme:r:events\n  namespace: ops\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: acme:r:events\nsubjects:\n${user('bob@acme.io')}`,
          ),
        ),
      /bob@acme.io gains r:events in namespace ops: a namespace for admins only/,
    ],
    [
      "a level's ClusterRole bound as a namespaced Role of its name",
      (f) =>
        inBoth(f, 'web', (t) =>
          t.replace(
            /( {2}name: acme:r:pods\n {2}namespace: web\nroleRef:\n {2}apiGroup: rbac.authorization.k8s.io\n {2}kind: )ClusterRole/,
            '$1Role',
          ),
        ),
      /who holds acme:r:pods in namespace web changes \(a custom role or custom rules\)|not written as orgctl writes them/,
    ],
  ];
  for (const [what, attack, why] of attacks)
    it(`leaves to the full proof, which refuses it: ${what}`, () => {
      const p = proofs(base, attack(base));
      expect(p.againstBase.proved ? 'proved' : p.againstBase.reason).toMatch(why);
      expect(p.full).toBe(false);
    });
});

/**
 * Held (R74, pinned): the membership (who is an admin, the organization's settings) changed while
 * the bindings look the same. Outside RoleBindings every byte of head is base's but people's dated
 * access, and members.json is base's with only those records re-written: an admin made in
 * members.json alone, or in every cluster's users' ConfigMaps and members.json alike, is left to
 * the full proof (which refuses a members.json that is not the ConfigMaps' data; a membership
 * changed alike it re-renders, and its change rules judge).
 */
describe('held: the membership changed while the bindings look the same', () => {
  const base = output(peopleSpec());
  const admin = (t: string) => t.replace(/("email": "bob@acme\.io",[^}]*?"admin": )false/, '$1true');
  const adminLine = (t: string) =>
    t.replace(/(\{"email":"bob@acme\.io","username":"bob@acme\.io","github":"bob","admin":)false/, '$1true');

  it('members.json alone: refused, and by the full proof', () => {
    const head = base.map((f) => (f.path === 'members.json' ? { ...f, content: admin(f.content) } : f));
    expect(head.find((f) => f.path === 'members.json')!.content).not.toBe(
      base.find((f) => f.path === 'members.json')!.content,
    );
    expect(proofs(base, head)).toEqual({
      againstBase: {
        proved: false,
        reason: "members.json is not the users' membership data as the ConfigMaps hold it",
      },
      full: false,
    });
  });

  it("every cluster's ConfigMaps and members.json alike: left to the full proof", () => {
    const head = base.map((f) =>
      f.path === 'members.json'
        ? { ...f, content: admin(f.content) }
        : f.path.endsWith('/cluster/resources.yaml')
          ? { ...f, content: adminLine(f.content) }
          : f,
    );
    expect(head.filter((f, i) => f.content !== base[i]!.content)).toHaveLength(3);
    expect(proofs(base, head).againstBase).toEqual({ proved: false, reason: 'lga1/cluster/resources.yaml changes' });
  });
});

/**
 * R74, closing notes.
 * What held (pinned above, or already pinned where named):
 * - Subjects in every form Kubernetes reads as someone (appliesToUser, cited above): a User naming a
 *   token's ServiceAccount identity, a Group, a pending invitee, Remove All, a deactivated member
 *   (review/base-proof.test), another namespace's ServiceAccount, a person twice, people out of
 *   order (review/base-proof.test), a namespace field or no apiGroup on a User, a member in a
 *   namespace for admins only, a level's ClusterRole bound as a namespaced Role of its name, a
 *   role's bindings split into parts orgctl would not write: each refused by both proofs. The
 *   proof against base re-renders each changed role with synthesis' own function (Subjects.sorted
 *   sorts by key once any subject came out of key order, and drops repeats), so no form of subject
 *   it does not judge can pass as text.
 * - The membership while the bindings look the same: members.json alone, or every cluster's users'
 *   ConfigMaps and members.json alike (an admin made), are left to the full proof; dated records are
 *   checked as synthesis writes them (order by expiryKey, which grantExpiries sorts by too; ends on
 *   calendar dates; never a standing's level), and members.json is base's with those users alone
 *   re-written.
 * - Read in order: every side's YAML is read strictly, base before head (cli/diff.ts), so each
 *   file's readings are [base, head]; a side that fails to read throws before any proof, so the two
 *   are never swapped (a swap would judge head's gains as losses).
 * - Identity keys: role groups by roleRef name in strict binding order (bindingOrder compares the
 *   level part; equal keys are refused), ServiceAccounts by namespace/name (namespaces and names hold
 *   no `/`, and what is rendered must match as text anyway), files by exact path against base's
 *   set; a binding moved to another namespace's part fails on order or on its namespace.
 * - A base with no dist/ (an empty folder, a missing one) is an input error (exit 2), never proved.
 *
 * Not done: the full proof's importRbac was not re-read line by line (its byte comparison stands
 * behind it, and test/properties/proof.test covers random forgeries); older layouts as base (the
 * proof against base trusts base is what this orgctl renders: an upgrade re-renders it whole);
 * members-NN shards (the proof against base leaves any change there to the full proof); the access
 * diff's affectedSubjects shortcut against forged copies; the rolling window (--window) with an
 * inconsistent older output.
 */
