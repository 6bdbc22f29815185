/**
 * The files of dist/argocd/ are applied by hand (no Argo CD Application reads them): a change to one
 * does nothing in a cluster until an admin applies it. A namespace added with its grants merged,
 * and nobody told to apply the AppProject (or the boundary), leaves its Application refused.
 */
import { describe, expect, it } from 'vitest';
import { run } from '../helpers.ts';
import { baseSpec, distPair, type Spec } from './scenarios.ts';
import { renderMarkdown } from '../../report/markdown.ts';
import type { AccessDiff } from '../../analysis/diff.ts';

const ARGO = 'system:serviceaccount:argocd:argocd-application-controller';

const withArgo = (boundary = false): Spec => {
  const s = baseSpec();
  s.spec.clusters = ['lga1', 'ord1'];
  s.spec.delivery = {
    argocd: {
      repoURL: 'https://github.com/acme/org.git',
      namedClusterResources: true,
      ...(boundary ? { boundary: { appliedBy: ARGO } } : {}),
    },
  };
  return s;
};

const diff = (sides: { base: string; head: string }, ...args: string[]) =>
  run(['diff', '--base', sides.base, '--head', sides.head, ...args]);

const addNamespace = (s: Spec) => s.spec.namespaces.push({ name: 'payments' });

describe('the files an admin applies by hand, in diff and review', () => {
  it('a namespace added changes the AppProject: the comment says to apply it, and how', async () => {
    const sides = await distPair(withArgo(), addNamespace);
    const r = await diff(sides);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      // The namespace's Application in each cluster is refused until the project is applied, and
      // retries only for minutes (automated sync never tries a failed commit again).
      '**Applied by hand after merge**\n- dist/argocd/appproject.yaml is changed: apply it right after merge: until then Argo CD keeps the project it has, which refuses Applications acme-lga1-shard-06, acme-ord1-shard-06 (of a namespace or cluster added); each retries for about 5 minutes, then waits for the next commit, and the access added reaches nobody. Then sync them: `kubectl apply -n argocd --server-side --force-conflicts -f dist/argocd/appproject.yaml`, then `argocd app sync -l orgctl.io/organization=acme --async`\n',
    );
    expect(r.stdout).not.toContain('applicationset.yaml');
    const json = JSON.parse((await diff(sides, '--format', 'json')).stdout);
    expect(json.handApplied).toEqual([
      expect.objectContaining({ file: 'dist/argocd/appproject.yaml', change: 'changed' }),
    ]);
    const html = (await diff(sides, '--format', 'html')).stdout;
    expect(html).toContain('<h2>Applied by hand after merge</h2><ul><li>dist/argocd/appproject.yaml is changed');
    expect(html).toContain(
      '<code>kubectl apply -n argocd --server-side --force-conflicts -f dist/argocd/appproject.yaml</code>',
    );
    // The review's comment says it too.
    const review = await run([
      'review',
      '--base',
      sides.base,
      '--head',
      sides.head,
      '--actor',
      'alice',
      '--changed-path',
      'org/org.ts',
    ]);
    expect(review.stdout).toContain('**Applied by hand after merge**');
  });

  it('with the boundary, it is applied to each cluster; turned off, its policy stays until deleted', async () => {
    const added = await diff(await distPair(withArgo(true), addNamespace));
    expect(added.stdout).toContain(
      '- dist/argocd/boundary.yaml is changed: apply it to each cluster (lga1, ord1) right after merge: until then a cluster keeps the boundary it has, which refuses Applications acme-lga1-shard-06, acme-ord1-shard-06 (of a namespace or cluster added); each retries for about 5 minutes, then waits for the next commit, and the access added reaches nobody. Then sync them: `kubectl --context <cluster> apply --server-side --force-conflicts -f dist/argocd/boundary.yaml`, then `argocd app sync -l orgctl.io/organization=acme --async`',
    );
    const off = await diff(await distPair(withArgo(true), (s) => delete s.spec.delivery.argocd.boundary));
    expect(off.stdout).toContain(
      '- dist/argocd/boundary.yaml is no longer written: its policy and binding stay in each cluster (lga1, ord1) until an admin deletes them',
    );
    const on = await diff(await distPair(withArgo(), (s) => (s.spec.delivery.argocd.boundary = { appliedBy: ARGO })));
    expect(on.stdout).toContain(
      '- dist/argocd/boundary.yaml is added: after merge, an admin applies it to each cluster (lga1, ord1)',
    );
  });

  it('Argo CD no longer declared: each file is named where base wrote it (its delivery.argocd.path)', async () => {
    const elsewhere = () => {
      const s = withArgo();
      s.spec.delivery.argocd.path = 'manifests';
      return s;
    };
    const r = await diff(await distPair(elsewhere(), (s) => delete s.spec.delivery.argocd));
    expect(r.stdout).toContain(
      '- manifests/argocd/appproject.yaml is no longer written: what it holds stays in Argo CD until an admin deletes it',
    );
  });

  it('a change that leaves dist/argocd/ as it was says nothing of it', async () => {
    const r = await diff(
      await distPair(withArgo(true), (s) =>
        s.spec.grants.push({ user: 'bob@acme.io', namespace: 'data', levels: ['r:pods'] }),
      ),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('gains r:pods in data');
    expect(r.stdout).not.toContain('Applied by hand');
    expect(
      JSON.parse((await diff(await distPair(withArgo(), () => {}), '--format', 'json')).stdout).handApplied,
    ).toBeUndefined();
  });

  it('an organization renamed leaves its old objects in each cluster: the comment says so, and how to delete them', async () => {
    const rename = (s: Spec) => (s.metadata.name = 'acme2');
    const r = await diff(await distPair(withArgo(true), rename));
    expect(r.code, r.stderr).toBe(0);
    // acme2's Applications never prune acme's objects (another Application tracks them), and acme's
    // Applications no longer sync (their project allows none of acme2's): acme's tokens and
    // bindings hold until deleted.
    expect(r.stdout).toContain(
      "- the organization is renamed from acme: Argo CD's objects are acme2's (AppProject and ApplicationSet acme2-access, Applications acme2-\\<cluster\\>-\\<shard\\>), and acme's stay where they are: acme's Applications stop syncing (their project allows nothing of acme2's) and acme2's prune nothing of acme's, so acme's bindings, roles and tokens keep working in each cluster (lga1, ord1) until an admin deletes them. Once acme2's Applications have synced: delete acme's ApplicationSet and AppProject (what their Applications applied stays), then in each cluster acme's objects and its system namespace acme-system (acme's other namespaces are acme2's now and stay)",
    );
    for (const command of [
      '`kubectl delete -n argocd applicationset/acme-access appproject/acme-access`',
      '`kubectl --context <cluster> delete -A -l orgctl.io/organization=acme clusterroles.rbac.authorization.k8s.io,validatingadmissionpolicies.admissionregistration.k8s.io,validatingadmissionpolicybindings.admissionregistration.k8s.io,roles.rbac.authorization.k8s.io,rolebindings.rbac.authorization.k8s.io,serviceaccounts,secrets,configmaps,resourcequotas,limitranges,networkpolicies.networking.k8s.io`',
      '`kubectl --context <cluster> delete namespace acme-system`',
    ])
      expect(r.stdout).toContain(command);
    // The diff's own line for the rename no longer promises what only that deletion does.
    expect(r.stdout).toContain(
      'every token a new ServiceAccount in acme2-system (the old tokens stop working once acme-system is deleted: see Applied by hand after merge)',
    );
    const json = JSON.parse((await diff(await distPair(withArgo(), rename), '--format', 'json')).stdout);
    expect(json.handApplied).toContainEqual(
      expect.objectContaining({ file: 'dist/argocd/', change: 'renamed', commands: expect.any(Array) }),
    );
  });

  it('renamed without Argo CD: nothing is applied by hand, and the old tokens stop working with the next apply', async () => {
    const r = await diff(await distPair(baseSpec(), (s) => (s.metadata.name = 'acme2')));
    expect(r.stdout).not.toContain('Applied by hand');
    expect(r.stdout).toContain('every token a new ServiceAccount in acme2-system (the old tokens stop working)');
  });

  it('a cluster removed keeps what Argo CD applied there: the comment says so, and how to delete it', async () => {
    const r = await diff(
      await distPair(withArgo(), (s) => {
        s.spec.clusters = ['lga1'];
      }),
    );
    expect(r.code, r.stderr).toBe(0);
    // The ApplicationSet only creates and updates Applications (create-update): those of ord1 stay,
    // their folder gone, and sync no more; what they applied is never pruned.
    expect(r.stdout).toContain(
      "- cluster ord1 is removed: its Applications (acme-ord1-\\<shard\\>) stay in Argo CD and sync no more (their folder is gone), and what they applied stays in ord1, so acme's bindings, roles and tokens keep working there until an admin deletes them: the Applications (what they applied stays), then in ord1 acme's objects and its system namespace acme-system (its other namespaces stay, with what runs in them): `kubectl delete -n argocd applications.argoproj.io -l orgctl.io/organization=acme,orgctl.io/cluster=ord1`, then `kubectl --context ord1 delete -A -l orgctl.io/organization=acme clusterroles.rbac.authorization.k8s.io,",
    );
    expect(r.stdout).toContain('then `kubectl --context ord1 delete namespace acme-system`');
    expect(r.stdout).not.toContain('cluster lga1 is removed');
    // The diff's own line says where the commands are.
    expect(r.stdout).toContain(
      '- cluster ord1 is removed: nothing applies to it any more, so access there stays as it is, unmanaged: Applied by hand after merge says how to remove it',
    );
  });

  it('clusters declared for the first time, or no longer: no cleanup is said (in-cluster may be the same cluster)', async () => {
    const single = () => {
      const s = withArgo();
      delete s.spec.clusters;
      return s;
    };
    const declared = await diff(await distPair(single(), (s) => (s.spec.clusters = ['lga1'])));
    expect(declared.stdout).not.toContain('sync no more');
    const undeclared = await diff(await distPair(withArgo(), (s) => delete s.spec.clusters));
    expect(undeclared.stdout).not.toContain('sync no more');
    expect(undeclared.stdout).toContain(
      'cluster ord1 is removed: nothing applies to it any more, so access there stays as it is, unmanaged: remove it in the cluster by hand',
    );
  });

  it("Argo CD's namespace changed: the project and ApplicationSet in the old one stay until deleted", async () => {
    const r = await diff(await distPair(withArgo(), (s) => (s.spec.delivery.argocd.namespace = 'gitops')));
    expect(r.stdout).toContain(
      "- Argo CD's namespace changes from argocd to gitops: applying the files above adds acme-access there, and the AppProject and ApplicationSet acme-access in argocd stay (with their Applications): delete them once those of gitops have synced (what their Applications applied stays): `kubectl delete -n argocd applicationset/acme-access appproject/acme-access`",
    );
  });
});

/**
 * Red team F: what the comment tells an admin to do, in the order it says, against what Argo CD
 * does. Argo CD checks every task of a sync against the AppProject, a prune included
 * (gitops-engine pkg/sync/sync_context.go getSyncTasks: `permissionValidator(task.obj(), ...)`,
 * task.obj() being the live object when git has none; controller/sync.go: the kind, and with
 * named entries the name, IsGroupKindNamePermitted, and the destination of a namespaced object);
 * one refused task fails the whole sync ("one or more synchronization tasks are not valid"), and
 * automated sync does not try that commit again once its retries are spent
 * (controller/appcontroller.go autoSync: "Skipping auto-sync: failed previous sync attempt"). A
 * Namespace with Prune=false is skipped by the prune ("ignored (no prune)") but stays the
 * Application's, a prune task on every sync.
 */
describe('Red team F: the order of what is applied by hand, against what Argo CD checks', () => {
  const removeData = (s: Spec) => {
    s.spec.namespaces = s.spec.namespaces.filter((n: { name: string }) => n.name !== 'data');
    s.spec.tokens = s.spec.tokens.filter((t: { id: string }) => t.id !== 'bots');
  };
  const entries = async (base: Spec, edit: (s: Spec) => void) =>
    JSON.parse((await diff(await distPair(base, edit), '--format', 'json')).stdout).handApplied as {
      file: string;
      change: string;
      text: string;
      commands?: string[];
    }[];
  const STATUS =
    'kubectl get -n argocd applications.argoproj.io -l orgctl.io/organization=acme -o custom-columns=NAME:.metadata.name,REVISION:.status.operationState.syncResult.revision,PHASE:.status.operationState.phase';

  it('a namespace removed leaves its Namespace tracked by its Application: untracked once synced, before the AppProject that no longer allows it is applied', async () => {
    const list = await entries(withArgo(), removeData);
    // Per cluster, the Namespace's entry, then the AppProject's, then the boundary's (none here).
    expect(list.map((e) => e.file)).toEqual(['dist/lga1/', 'dist/ord1/', 'dist/argocd/appproject.yaml']);
    const [lga1, , project] = list;
    expect(lga1!.text).toBe(
      "in lga1, namespace data is no longer written: its Namespace stays (Prune=false), still tracked by Application acme-lga1-shard-05, which holds it as to prune on every sync; the AppProject no longer allows it by name, so once that is applied every sync of acme-lga1-shard-05 fails, and what it holds of other namespaces and tokens is never updated again. Once acme-lga1-shard-05 has synced this change (data's bindings pruned), take Argo CD's tracking off the Namespace, before applying the AppProject",
    );
    expect(lga1!.commands).toEqual([
      STATUS,
      'kubectl --context lga1 annotate namespace data argocd.argoproj.io/tracking-id-',
      'kubectl --context lga1 label namespace data app.kubernetes.io/instance-',
    ]);
    expect(project!.text).toContain(
      'dist/argocd/appproject.yaml is changed, and allows less (namespace data in lga1, ord1; Namespace data): Argo CD checks a prune against the project as it checks a write',
    );
    expect(project!.commands).toEqual([
      STATUS,
      'kubectl apply -n argocd --server-side --force-conflicts -f dist/argocd/appproject.yaml',
    ]);
  });

  it('an AppProject and a boundary that allow less are applied only once the Applications have synced: else the prunes are refused, and never retried', async () => {
    const leaves = (s: Spec) =>
      (s.spec.namespaces.find((n: { name: string }) => n.name === 'data').clusters = ['lga1']);
    const protectedBase = withArgo(true);
    protectedBase.spec.namespaceProtection = { appliedBy: ARGO };
    const list = await entries(protectedBase, leaves);
    const project = list.find((e) => e.file === 'dist/argocd/appproject.yaml')!;
    expect(project.text).toBe(
      "dist/argocd/appproject.yaml is changed, and allows less (namespace data in ord1): Argo CD checks a prune against the project as it checks a write, and one refused object fails an Application's whole sync, which automated sync does not try again for the same commit: applied before the Applications have pruned, what they were to delete stays, and they stop syncing. After merge, wait until each Application of acme has synced the merge commit (its REVISION the merge commit, PHASE Succeeded), then apply it",
    );
    const boundary = list.find((e) => e.file === 'dist/argocd/boundary.yaml')!;
    expect(boundary.text).toBe(
      'dist/argocd/boundary.yaml is changed, and allows less (namespace data in ord1): the API server refuses what it no longer allows, deletes too, so apply it to each cluster (lga1, ord1) only once the Applications have synced the merge commit, after the AppProject',
    );
    expect(boundary.commands).toEqual([
      STATUS,
      'kubectl --context <cluster> apply --server-side --force-conflicts -f dist/argocd/boundary.yaml',
    ]);
    // data's Namespace in ord1 stays, tracked: still allowed by name (lga1 has it), so only untracked.
    const ord1 = list.find((e) => e.file === 'dist/ord1/')!;
    expect(ord1.text).toContain('in ord1, namespace data is no longer written: its Namespace stays (Prune=false)');
    expect(ord1.text).not.toContain('no longer allows it by name');
    // Under namespace protection only orgctl's identity changes a Namespace's labels.
    expect(ord1.commands).toContain(
      'kubectl --context ord1 label namespace data app.kubernetes.io/instance- --as=system:serviceaccount:argocd:argocd-application-controller',
    );
    // A change that only adds says nothing of waiting.
    const added = await entries(withArgo(true), addNamespace);
    expect(added.find((e) => e.file === 'dist/argocd/appproject.yaml')!.text).not.toContain('allows less');
  });

  it('a namespace removed under protection by several identities: the relabel is as the one Argo CD reaches that cluster as, which the comment asks for', async () => {
    const MANAGER = 'system:serviceaccount:kube-system:argocd-manager';
    const base = withArgo(true);
    base.spec.delivery.argocd.boundary = { appliedBy: [ARGO, MANAGER] };
    base.spec.namespaceProtection = { appliedBy: [ARGO, MANAGER] };
    const list = await entries(base, removeData);
    const ord1 = list.find((e) => e.file === 'dist/ord1/')!;
    expect(ord1.commands).toContain(
      'kubectl --context ord1 label namespace data app.kubernetes.io/instance- --as=<identity-in-ord1>',
    );
    expect(ord1.text).toMatch(
      /namespace protection lets only Argo CD relabel it: as <identity-in-ord1>, whichever of system:serviceaccount:argocd:argocd-application-controller or system:serviceaccount:kube-system:argocd-manager Argo CD reaches ord1 as\)$/,
    );
  });

  it('namespace protection naming 16 long identities, 40 namespaces removed: in a cut comment a Namespace to untrack names the first identities and counts the rest, its commands whole (R23-2)', async () => {
    // Each line names all 16 (~4 KB): without them as a list it could only be shown whole or left out.
    // Where the comment's room ends among the lines moves with everything else it says, so the
    // identities' length varies: the room ends inside a line in some of these, clipped there.
    const clippedLines: number[] = [];
    for (const length of [120, 140, 160, 180, 200]) {
      const appliers = Array.from(
        { length: 16 },
        (_, i) => `system:serviceaccount:argocd-${String(i).padStart(2, '0')}:${'a'.repeat(length)}`,
      );
      const teams = Array.from({ length: 40 }, (_, i) => `team-${String(i).padStart(2, '0')}`);
      const base = withArgo(true);
      base.spec.delivery.argocd.boundary = { appliedBy: appliers };
      base.spec.namespaceProtection = { appliedBy: appliers };
      base.spec.namespaces.push(...teams.map((name) => ({ name })));
      const edit = (s: Spec) => {
        s.spec.namespaces = s.spec.namespaces.filter((n: { name: string }) => !n.name.startsWith('team-'));
      };
      const json = (await diff(await distPair(base, edit), '--format', 'json')).stdout;
      const d = JSON.parse(json) as AccessDiff;
      const untrack = d.handApplied!.filter((e) => e.namespace !== undefined);
      expect(untrack).toHaveLength(80);
      // The text is what it was; its identities are its list.
      expect(untrack[0]!.text).toContain(`whichever of ${appliers.join(' or ')} Argo CD reaches lga1 as)`);
      expect(untrack[0]!.list).toMatchObject({ items: appliers, noun: 'identities', separator: ' or ' });
      const md = renderMarkdown(d);
      expect(Buffer.byteLength(md)).toBeLessThanOrEqual(65_536);
      const shown = md.split('\n').filter((l) => /^- in (lga1|ord1), namespace team-/.test(l));
      expect(shown.length).toBeGreaterThan(0);
      clippedLines.push(
        shown.filter((l) => /whichever of (system:\S+ or )+… and \d+ more \(16 identities\) Argo CD reaches/.test(l))
          .length,
      );
      for (const line of shown) {
        const [, c, ns] = /^- in (\w+), namespace (team-\d\d)/.exec(line)!;
        const commands = untrack.find((e) => e.namespace === ns && e.file === `dist/${c}/`)!.commands!;
        expect(commands.filter((x) => !line.includes(`\`${x}\``))).toEqual([]);
      }
    }
    expect(
      clippedLines.some((n) => n > 0),
      `clipped lines at each length: ${clippedLines.join(', ')}`,
    ).toBe(true);
  });

  it('a namespace removed takes off the label Argo CD tracks by, under the key its argocd-cm names (argocd.instanceLabelKey)', async () => {
    const base = withArgo();
    base.spec.delivery.argocd.instanceLabelKey = 'argocd.argoproj.io/instance';
    const list = await entries(base, removeData);
    expect(list.find((e) => e.file === 'dist/lga1/')!.commands).toContain(
      'kubectl --context lga1 label namespace data argocd.argoproj.io/instance-',
    );
  });

  it('namespace protection turned off under the boundary: applying boundary.yaml deletes nothing, so the comment says how to delete the policy', async () => {
    const protect = () => {
      const s = withArgo(true);
      s.spec.namespaceProtection = { appliedBy: ARGO };
      return s;
    };
    const list = await entries(protect(), (s) => delete s.spec.namespaceProtection);
    const boundary = list.find((e) => e.file === 'dist/argocd/boundary.yaml')!;
    expect(boundary.text).toContain(
      'applying it deletes nothing: ValidatingAdmissionPolicy acme-namespace-protection, ValidatingAdmissionPolicyBinding acme-namespace-protection, ValidatingAdmissionPolicy acme-guard-rail-names and ValidatingAdmissionPolicyBinding acme-guard-rail-names, no longer in it, stay in each cluster until an admin deletes them',
    );
    expect(boundary.commands).toEqual([
      'kubectl --context <cluster> apply --server-side --force-conflicts -f dist/argocd/boundary.yaml',
      [
        'kubectl --context <cluster> delete',
        'validatingadmissionpolicybindings.admissionregistration.k8s.io/acme-guard-rail-names',
        'validatingadmissionpolicies.admissionregistration.k8s.io/acme-guard-rail-names',
        'validatingadmissionpolicybindings.admissionregistration.k8s.io/acme-namespace-protection',
        'validatingadmissionpolicies.admissionregistration.k8s.io/acme-namespace-protection',
      ].join(' '),
    ]);
  });
});

describe('Red team F: namespace protection moving into the boundary', () => {
  it('Argo CD prunes the policy it applied (its tracking would take the copy applied by hand too): the boundary is applied after the sync, after the AppProject', async () => {
    const protectedOrg = () => {
      const s = withArgo();
      s.spec.namespaceProtection = { appliedBy: ARGO };
      return s;
    };
    const r = await diff(
      await distPair(protectedOrg(), (s) => (s.spec.delivery.argocd.boundary = { appliedBy: ARGO })),
    );
    expect(r.stdout).toContain(
      '- dist/argocd/appproject.yaml is changed, and allows less (ValidatingAdmissionPolicy acme-guard-rail-names; ValidatingAdmissionPolicy acme-namespace-protection; ValidatingAdmissionPolicyBinding acme-guard-rail-names; ValidatingAdmissionPolicyBinding acme-namespace-protection)',
    );
    expect(r.stdout).toContain(
      '- dist/argocd/boundary.yaml is added: Argo CD first prunes what the project no longer allows, so apply it to each cluster (lga1, ord1) only once the Applications have synced the merge commit, after the AppProject',
    );
  });
});

describe('Red team F: Argo CD keeps running what the review no longer follows', () => {
  it('Argo CD no longer declared: its Applications keep applying the output under a project nothing updates; the comment says so, and how to stop it', async () => {
    const r = await diff(await distPair(withArgo(), (s) => delete s.spec.delivery.argocd));
    expect(r.stdout).toContain(
      '- dist/argocd/applicationset.yaml is no longer written: the ApplicationSet stays in Argo CD, and its Applications keep syncing what they read (dist/\\<cluster\\>/ of refs/heads/main) under a project nothing updates any more (a namespace added later is refused, and this comment no longer says so): once something else applies the output, delete the ApplicationSet and the AppProject (what their Applications applied stays, unmanaged): `kubectl delete -n argocd applicationset/acme-access appproject/acme-access`',
    );
  });

  it('a change of shards: the comment gives the rollout in order (pruning suspended before merge, restored after, the Applications of shards no longer written deleted)', async () => {
    const withShards = (n: number) => {
      const s = withArgo();
      s.spec.delivery.shards = n;
      return s;
    };
    const json = JSON.parse(
      (await diff(await distPair(withShards(8), (s) => (s.spec.delivery.shards = 2)), '--format', 'json')).stdout,
    );
    const entry = json.handApplied.find((e: { file: string }) => e.file === 'dist/');
    // An Application that syncs before the one an object moves to deletes it: a token's
    // ServiceAccount and Secret made again are a new token, the one handed over stops working.
    expect(entry.text).toContain(
      "shards change from 8 to 2: objects move between Applications, and one that syncs before the Application an object moves to deletes it (a token's ServiceAccount made again is a new token: the one handed over stops working; a binding is gone until the other syncs). Before merge, suspend pruning; once each Application has synced the merge commit, restore it, and delete the Applications of shards no longer written",
    );
    expect(entry.commands[0]).toBe(
      `kubectl -n argocd patch applicationset acme-access --type merge -p '{"spec":{"template":{"spec":{"syncPolicy":{"automated":{"prune":false}}}}}}'`,
    );
    expect(entry.commands).toContain(
      'kubectl apply -n argocd --server-side --force-conflicts -f dist/argocd/applicationset.yaml',
    );
    const deleted = entry.commands.at(-1) as string;
    expect(deleted).toMatch(/^kubectl delete -n argocd applications\.argoproj\.io acme-lga1-shard-0\d /);
    expect(deleted).not.toMatch(/shard-0[01]\b/);
  });

  it('a namespace removed: the diff says what is pruned and what stays, in markdown and html alike', async () => {
    const sides = await distPair(withArgo(), (s) => {
      s.spec.namespaces = s.spec.namespaces.filter((n: { name: string }) => n.name !== 'data');
      s.spec.tokens = s.spec.tokens.filter((t: { id: string }) => t.id !== 'bots');
    });
    const line =
      "namespace data is removed: orgctl's objects in it (bindings, roles, guard rails) are pruned; the Namespace and what runs in it stay (Prune=false)";
    expect((await diff(sides)).stdout).toContain(`**Organization**\n- ${line}\n`);
    expect((await diff(sides, '--format', 'html')).stdout).toContain(
      `<li class="loss">${line.replace("orgctl's", 'orgctl&#39;s')}</li>`,
    );
  });

  it('a cluster added: its Applications are refused until the AppProject is applied, and synced then', async () => {
    const r = await diff(await distPair(withArgo(), (s) => s.spec.clusters.push('sfo1')));
    expect(r.stdout).toContain('which refuses Application acme-sfo1-\\<shard\\> (of a namespace or cluster added)');
    expect(r.stdout).toContain('then `argocd app sync -l orgctl.io/organization=acme --async`');
  });

  it('delivery.argocd.path changed: the Applications read a folder the change empties until the ApplicationSet is applied', async () => {
    const r = await diff(await distPair(withArgo(), (s) => (s.spec.delivery.argocd.path = 'manifests')));
    expect(r.stdout).toContain(
      '- manifests/argocd/applicationset.yaml is changed: apply it right after merge: until then its Applications read dist/, which this change empties, and sync nothing',
    );
  });

  it('delivery.argocd.repoURL changed: the AppProject and the ApplicationSet are applied in one command', async () => {
    const r = await diff(
      await distPair(withArgo(), (s) => (s.spec.delivery.argocd.repoURL = 'https://github.com/acme/access.git')),
    );
    expect(r.stdout).toContain(
      "the repository changes (`https://github.com/acme/org.git` → `https://github.com/acme/access.git`): apply the AppProject and the ApplicationSet in one command, else every Application is refused in between (the repository it reads is not the project's): `kubectl apply -n argocd --server-side --force-conflicts -f dist/argocd/appproject.yaml -f dist/argocd/applicationset.yaml`",
    );
  });
});
