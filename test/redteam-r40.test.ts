/**
 * Red team R40 (base 9b05362): temporary access and the expiry workflow, the boundary, `orgctl
 * kubeconfig`, and the files `init`, `generate` and `workflows --write` write. Each test asserts
 * the safe behaviour and fails on 9b05362.
 *
 * R40-1 (medium; the boundary's own attacker: a forged dist/ merged, the review bypassed): the
 *     boundary (synth/boundary.ts) judges a RoleBinding's roleRef and subjects but none of its
 *     metadata, and orgctl writes no finalizer. A forged RoleBinding carrying
 *     `metadata.finalizers: [orgctl.io/keep]` is admitted; once the forgery is found and reverted,
 *     Argo CD's prune (DELETE) only marks it for deletion, and a RoleBinding being deleted still
 *     grants: the RBAC authorizer lists bindings without looking at deletionTimestamp
 *     (pkg/registry/rbac/validation/rule.go VisitRulesFor). The review and dist/ say the access
 *     is gone; the cluster keeps it until someone removes the finalizer by hand. Every kind is
 *     alike (a Role or ClusterRole kept keeps its rules). Safe: the boundary refuses a finalizer
 *     Argo CD adds; one others put on the live object is kept (as labels are).
 *
 * R40-2 (low-medium; no attacker: a repository keeping its workflows as `.yml`, which `orgctl
 *     workflows` supports and keeps, 62c4d11's twin): the expiry workflow's `propose` step
 *     dispatches `gh workflow run orgctl-check.yaml` and `orgctl-review.yaml`. gh resolves the
 *     argument as a file name (GET actions/workflows/orgctl-check.yaml), then as a workflow's
 *     display name (cli/cli pkg/cmd/workflow/shared FindWorkflow): with orgctl-check.yml neither
 *     matches, the step fails after the pull request is opened, and the expiry pull request gets
 *     no check and no review, so no expired grant or token leaves the cluster until someone
 *     notices. Safe: the step dispatches the workflow files the repository holds.
 *
 * R40-3 (low; a wrong local answer): `orgctl workflows` reads a template's `.yml` twin only when
 *     the `.yaml` file is missing. With both present (an earlier orgctl's orgctl-review.yml kept
 *     beside the current orgctl-review.yaml after an upgrade, or an edited copy) GitHub runs both,
 *     and `orgctl workflows` says every workflow is this orgctl's (exit 0), never naming the
 *     second one. Safe: the second copy is named, and the answer is not "up to date".
 *
 * R40-4 (low; an admin pasting a Secret from elsewhere): `orgctl kubeconfig` checks the Secret's
 *     namespace only when `metadata.namespace` is present, and never reads `data.namespace`, which
 *     the token controller fills with the ServiceAccount's namespace. A Secret of the token's name
 *     from `web` (where someone with w:full made a ServiceAccount and token Secret of that name),
 *     its metadata.namespace dropped, is turned into a kubeconfig for ci-deploy: another identity.
 *     Safe: refused unless both say the system namespace (kubectl get -o json prints the first
 *     always, and the cluster fills the second).
 *
 * R40-5 (low; a wrong local answer): `data['ca.crt']` is written as the kubeconfig's
 *     certificate-authority-data unchecked: empty, or not base64 of a PEM certificate, kubectl then
 *     fails on every call (or, empty, trusts the system's roots for the cluster). Safe: refused,
 *     saying so.
 *
 * Held (no test) are listed in the report.
 */
import { cpSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { admission, ARGO, boundaryOf, type Obj, organization, tracked, writtenObjects } from './boundary-admission.ts';
import { files, ghStandIn, ROOT, run, runStep, tempDir } from './helpers.ts';

describe('R40-1: a finalizer keeps a pruned binding granting', () => {
  const out = files(organization().app);
  const { policy } = boundaryOf(out);
  const written = writtenObjects(out);
  const webBinding = written.find((w) => w.object.kind === 'RoleBinding' && w.object.metadata.namespace === 'web')!;
  const withFinalizers = (o: Obj, finalizers: string[]): Obj => ({ ...o, metadata: { ...o.metadata, finalizers } });

  it('a RoleBinding (and every kind orgctl writes) created or updated with a finalizer Argo CD adds is refused', () => {
    for (const w of written) {
      const object = tracked(withFinalizers(w.object, ['orgctl.io/keep']), w.app, 'label');
      const what = `${w.object.kind} ${w.object.metadata.namespace ?? ''}/${w.object.metadata.name}`;
      for (const operation of ['CREATE', 'UPDATE'] as const) {
        const v = admission(policy, {
          operation,
          username: ARGO,
          object,
          oldObject: tracked(w.object, w.app, 'label'),
        });
        expect(v.matched, what).toBe(true);
        expect(v.denied.join('\n'), `${operation} ${what}`).toMatch(/finalizer/);
      }
    }
  });

  it('a finalizer others put on the live object is kept; a prune is a prune', () => {
    const live = tracked(withFinalizers(webBinding.object, ['platform.example/audit']), webBinding.app, 'label');
    expect(admission(policy, { operation: 'UPDATE', username: ARGO, object: live, oldObject: live }).denied).toEqual(
      [],
    );
    expect(admission(policy, { operation: 'DELETE', username: ARGO, object: live }).denied).toEqual([]);
  });
});

/** Runs the expiry workflow's `propose` script in `repo` with stub git and gh; the workflow files gh is told to run. */
function dispatchedBy(repo: string): string[] {
  const template = parseYaml(readFileSync(join(ROOT, 'deploy/github/orgctl-expiry.yaml'), 'utf8'));
  const steps = template.jobs.propose.steps as { run?: string; name?: string }[];
  const script = steps.find((s) => s.run?.includes('gh workflow run'))!.run!;
  const { bin, calls } = ghStandIn(
    repo,
    { 'repo view': 'main', 'pr create': 'https://github.com/acme/org/pull/7' },
    ' M dist/members.json',
  );
  const r = runStep(script, repo, bin, {
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_REPOSITORY: 'acme/org',
    GH_TOKEN: 'x',
  });
  expect(r.status, r.stderr).toBe(0);
  // `workflow run FILE ...`: the file dispatched.
  return calls().map((c) => c.split(' ')[2]!);
}

describe('R40-2: the expiry pull request gets its checks whatever extension the workflows have', () => {
  it.each(['.yaml', '.yml'])('workflows kept as %s: each workflow dispatched is a file of the repository', (ext) => {
    const repo = tempDir('orgctl-r40-expiry-');
    const folder = join(repo, '.github/workflows');
    cpSync(join(ROOT, 'deploy/github'), folder, { recursive: true });
    if (ext === '.yml')
      for (const f of readdirSync(folder)) renameSync(join(folder, f), join(folder, f.replace(/\.yaml$/, ext)));
    const dispatched = dispatchedBy(repo);
    expect(dispatched).toHaveLength(2);
    for (const workflow of dispatched) expect(readdirSync(folder), workflow).toContain(workflow);
  });
});

describe('R40-3: a second copy of a workflow under the other extension', () => {
  it('orgctl-review.yml beside orgctl-review.yaml (GitHub runs both) is named, and not every workflow is up to date', async () => {
    const repo = tempDir('orgctl-r40-twin-');
    const folder = join(repo, '.github/workflows');
    cpSync(join(ROOT, 'deploy/github'), folder, { recursive: true });
    cpSync(join(ROOT, 'test/fixtures/workflows/orgctl-review.earlier.yaml'), join(folder, 'orgctl-review.yml'));
    const r = await run(['workflows', '--dir', repo]);
    expect(r.stdout).toContain('orgctl-review.yml');
    expect(r.code).toBe(1);
  });
});

const FIXTURE_SECRET = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/secrets/token-ci-deploy.json'), 'utf8'));

/** kubeconfig for ci-deploy from the fixture Secret changed by `edit`. */
async function kubeconfigFrom(edit: (secret: Obj) => void) {
  const secret = structuredClone(FIXTURE_SECRET);
  edit(secret);
  const file = join(tempDir('orgctl-r40-secret-'), 'secret.json');
  writeFileSync(file, JSON.stringify(secret));
  return run(['kubeconfig', 'ci-deploy', '--server', 'https://lga1.acme.io:6443', '--secret', file]);
}

describe("R40-4: the Secret's namespace, said twice by the cluster", () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');

  it('the fixture (as kubectl prints it) is taken', async () => {
    expect((await kubeconfigFrom(() => {})).code).toBe(0);
  });

  it("a Secret without metadata.namespace whose data.namespace is web (another ServiceAccount's token): refused", async () => {
    const r = await kubeconfigFrom((s) => {
      delete s.metadata.namespace;
      s.data.namespace = b64('web');
    });
    expect(r.stdout).not.toContain(Buffer.from(FIXTURE_SECRET.data.token, 'base64').toString());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('web');
  });

  it('a Secret in acme-system by its metadata whose data.namespace says web: refused', async () => {
    const r = await kubeconfigFrom((s) => {
      s.data.namespace = b64('web');
    });
    expect(r.code).toBe(2);
  });

  it('a Secret naming no namespace at all: refused (kubectl get -o json always names it)', async () => {
    const r = await kubeconfigFrom((s) => {
      delete s.metadata.namespace;
      delete s.data.namespace;
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('namespace');
  });
});

describe("R40-5: ca.crt is the cluster's certificate", () => {
  it.each([
    ['empty', ''],
    ['not base64', 'not base64 at all!'],
    ['base64 of no certificate', Buffer.from('hello').toString('base64')],
  ])('ca.crt %s: refused, never written as certificate-authority-data', async (_what, ca) => {
    const r = await kubeconfigFrom((s) => {
      s.data['ca.crt'] = ca;
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ca.crt');
  });
});
