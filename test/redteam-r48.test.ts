/**
 * Red team R48 (base 7716b2d): seams between what synthesis writes, what the review proves and what
 * Argo CD applies.
 *
 * R48-1 (medium): a namespace's ResourceQuota may count the objects orgctl itself writes there.
 * `count/<resource>.<group>` is any object count the quota admission enforces
 * (`count/rolebindings.rbac.authorization.k8s.io`), and orgctl accepted it as any name with a `/`.
 * Its RoleBindings and Roles grow with the grants (one per level granted there, one per custom
 * role and person with inline rules, a numbered one past the size limit), and its NetworkPolicy,
 * LimitRange and ResourceQuota are objects others holding their write may count against it first.
 * Once the namespace holds as many as the quota allows, the API server refuses the next one orgctl
 * writes (`exceeded quota`); the quota is applied in an earlier sync wave than the bindings, so
 * this holds from the first sync. A refused object fails its Application's sync, and with
 * `PruneLast=true` nothing of that sync is pruned: every revocation in that shard (of any namespace
 * sharing it) stays in the cluster, sync after sync, while each review passes (a new quota entry is
 * a strengthening: `guard-rails` passes it).
 *
 * R48-2 (low-medium): a verdict is given on the day its review ran, and dated access is judged on
 * that day: a grant (or token) added or made to last until D passes on D, and its `orgctl/review`
 * check run stays a success after D. Nothing judges the pull request again while its head and base
 * stand still (the expiry workflow opens a pull request only when main's own dist/ changes), so it
 * can be merged days later, and Argo CD then applies, for the first time, a binding whose end has
 * passed; it stays until the next expiry pull request is opened, reviewed and merged. Whoever may
 * merge picks the moment: the person granted, holding their approved pull request. Judged again on
 * any later day, the same head fails `output-proof` (synthesis leaves the ended grant out).
 */
import { describe, expect, it } from 'vitest';
import { DeclarationError } from '../constructs/index.ts';
import { parse as parseYaml } from 'yaml';
import { cli, ghStandIn, ROOT, runStep, smallOrg, synth, tempDir } from './helpers.ts';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the quota admission counts of the kinds orgctl writes into a namespace. */
const COUNTS_OF_ORGCTLS_OWN = [
  'count/rolebindings.rbac.authorization.k8s.io',
  'count/roles.rbac.authorization.k8s.io',
  'count/networkpolicies.networking.k8s.io',
  'count/limitranges',
];
const COUNT = 'count/rolebindings.rbac.authorization.k8s.io';
const SPEC = join(ROOT, 'test/fixtures/specs/guard-rails.yaml');

describe('R48-1: a quota counting the objects orgctl writes in its namespace', () => {
  it.each(COUNTS_OF_ORGCTLS_OWN)('a quota of %s is refused at the declaration', (resource) => {
    const { org } = smallOrg();
    let error: unknown;
    try {
      org.namespace('shop', { quota: { pods: '10', [resource]: '100' } });
      const r = synth(org);
      error = r.ok ? undefined : r.findings;
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DeclarationError);
    expect(String((error as Error).message)).toContain(resource);
  });

  it('orgctl check refuses a spec whose quota counts RoleBindings below what it binds there', () => {
    const spec = join(tempDir('orgctl-r48-'), 'org.yaml');
    writeFileSync(spec, readFileSync(SPEC, 'utf8').replace('pods: "50" }', `pods: "50", ${COUNT}: "1" }`));
    const r = cli(['check', '--spec', spec]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout + r.stderr).toContain(`resource "${COUNT}"`);
  });

  it('a pull request adding such a quota (3 RoleBindings in web, a quota of 1), approved by an admin, fails the review', () => {
    // The fixture's web holds the admins' w:full, bob's r:pods and w:services: three RoleBindings.
    const base = join(tempDir('orgctl-r48-'), 'dist');
    expect(cli(['synth', '--spec', SPEC, '--out', base]).code).toBe(0);
    // Head: what orgctl rendered for the fixture with the count added to web's quota (byte for byte
    // what 7716b2d synthesizes from it): the ResourceQuota in each cluster, the membership data.
    const head = join(tempDir('orgctl-r48-'), 'dist');
    cpSync(base, head, { recursive: true });
    const edit = (file: string, from: string, to: string) => {
      const text = readFileSync(join(head, file), 'utf8');
      expect(text.split(from)).toHaveLength(2);
      writeFileSync(join(head, file), text.replace(from, to));
    };
    for (const c of ['lga1', 'ord1']) {
      edit(
        `${c}/shard-01/resources.yaml`,
        '  hard:\n    limits.memory',
        `  hard:\n    ${COUNT}: "1"\n    limits.memory`,
      );
      edit(`${c}/cluster/resources.yaml`, '"quota":{"limits.memory"', `"quota":{"${COUNT}":"1","limits.memory"`);
    }
    edit('members.json', '"quota": {\n', `"quota": {\n        "${COUNT}": "1",\n`);
    const r = cli(['review', '--base', base, '--head', head, '--actor', 'bob', '--approved-by', 'alice']);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toMatch(/`output-proof` \| ❌/);
    expect(r.stdout).toContain(COUNT);
  });

  it('a quota counting what orgctl does not write there still passes', () => {
    const { org } = smallOrg();
    org.namespace('shop', { quota: { 'count/deployments.apps': '10', configmaps: '20', secrets: '20' } });
    expect(synth(org).ok).toBe(true);
  });
});

describe('R48-2: a verdict on dated access outlives the access', () => {
  const END = '2026-11-26';
  const AFTER = '2026-11-27';

  it('the same head passes on the day its grant ends and fails output-proof the day after', () => {
    const base = join(tempDir('orgctl-r48-'), 'dist');
    expect(cli(['synth', '--spec', SPEC, '--out', base, '--today', END]).code).toBe(0);
    const spec = join(tempDir('orgctl-r48-'), 'org.yaml');
    writeFileSync(
      spec,
      readFileSync(SPEC, 'utf8').replace(
        'levels: ["r:pods", "w:services"] }',
        `levels: ["r:pods", "w:services"] }\n    - { user: bob@acme.io, namespace: data, levels: ["r:pods"], expires: ${END} }`,
      ),
    );
    const head = join(tempDir('orgctl-r48-'), 'dist');
    expect(cli(['synth', '--spec', spec, '--out', head, '--today', END]).code).toBe(0);
    const judgedOn = (today: string) =>
      cli(['review', '--base', base, '--head', head, '--actor', 'erin', '--approved-by', 'alice', '--today', today]);
    expect(judgedOn(END).code).toBe(0);
    const after = judgedOn(AFTER);
    expect(after.code, after.stdout).toBe(1);
    expect(after.stdout).toMatch(/`output-proof` \| ❌/);
  });

  /**
   * The `gh workflow run` calls of the daily workflow's jobs that run whatever synthesis found (no
   * `needs`), their steps run with stand-in gh and git: two pull requests open, main's dist/ unchanged.
   */
  function dailyDispatches(): string[] {
    const repo = tempDir('orgctl-r48-daily-');
    cpSync(join(ROOT, 'deploy/github'), join(repo, '.github/workflows'), { recursive: true });
    const { bin, calls } = ghStandIn(repo, { 'repo view': 'main', 'pr list': '3 5' });
    const template = parseYaml(readFileSync(join(ROOT, 'deploy/github/orgctl-expiry.yaml'), 'utf8'));
    type Job = { needs?: unknown; steps: { run?: string }[] };
    for (const job of Object.values(template.jobs as Record<string, Job>)) {
      if (job.needs !== undefined || !job.steps.some((step) => step.run?.includes('gh workflow run'))) continue;
      for (const step of job.steps.filter((x) => x.run)) {
        const r = runStep(step.run!, repo, bin, { GITHUB_REPOSITORY: 'acme/org', GH_TOKEN: 'x', GITHUB_RUN_ID: '1' });
        expect(r.status, r.stderr).toBe(0);
      }
    }
    return calls();
  }

  it('the daily workflow judges every open pull request into the default branch again, whatever expired in main', () => {
    const calls = dailyDispatches();
    for (const n of ['3', '5'])
      expect(calls).toContainEqual(
        expect.stringMatching(new RegExp(`^workflow run orgctl-review\\.yaml .*pull=${n}$`)),
      );
    expect(calls.every((c) => c.includes('--ref main'))).toBe(true);
  });
});
