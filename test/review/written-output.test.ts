/**
 * review/written-output.ts, the judgement of a head dist/ that an upgrade's head proof vouches for:
 * nothing orgctl writes for an organization is refused (the refusals, each an attack a lying head
 * engine could write, are in head-proof.test.ts, through the CLI). Honest outputs of every shape
 * orgctl writes: the example, guard rails and namespace protection in two clusters, a username
 * prefix, rotated tokens, custom and token roles, and generated organizations.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMembership } from '../../analysis/membership.ts';
import { readRbac } from '../../analysis/objects.ts';
import { readIfOrgctlOutput } from '../../cli/output-read.ts';
import { generateSpec } from '../../constructs/generate.ts';
import { proveOutput } from '../../review/proof.ts';
import { judgeWrittenOutput } from '../../review/written-output.ts';
import { cli, relabelledCopy, ROOT, TODAY, tempDir } from '../helpers.ts';

/**
 * What the review holds against an output folder as an upgrade would write it (relabelled: every
 * file differs from this orgctl's rendering, the access does not), when a head proof vouches for it.
 */
function unaccounted(dir: string): string[] {
  const read = readIfOrgctlOutput(relabelledCopy(dir, '9.9.9'))!;
  const membership = readMembership(read.docs, dir);
  const rbac = readRbac(read.docs);
  const proof = proveOutput(read.files, read.docs, TODAY, { rbac, membership });
  expect(proof.model, `${dir}: the organization is recovered`).toBeDefined();
  expect(proof.rendered, `${dir}: this orgctl renders it differently`).toBeDefined();
  return judgeWrittenOutput(proof.model!, { docs: read.docs, membership, rbac, files: read.files }, proof.rendered!)
    .filter((f) => f.rule === 'output-proof')
    .map((f) => `${f.subject}: ${f.message}`);
}

/** A spec synthesized into a folder of its own. */
function synthesized(spec: unknown): string {
  const dir = tempDir('orgctl-written-');
  const file = join(dir, 'org.json');
  writeFileSync(file, JSON.stringify(spec));
  const r = cli(['synth', '--spec', file, '--out', join(dir, 'dist')]);
  expect(r.code, r.stderr).toBe(0);
  return join(dir, 'dist');
}

describe('what orgctl writes is accounted for', () => {
  it('the example', () => {
    expect(unaccounted(join(ROOT, 'dist'))).toEqual([]);
  });

  it('guard rails, namespace protection, a namespace in one cluster of two', () => {
    const dir = join(tempDir('orgctl-written-'), 'dist');
    const r = cli(['synth', '--spec', join(ROOT, 'test/fixtures/specs/guard-rails.yaml'), '--out', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(unaccounted(dir)).toEqual([]);
  });

  it('generated organizations with a username prefix, rotated tokens, blank tokens, invites, no cluster named', () => {
    for (const seed of [1, 2, 3]) {
      const spec = generateSpec({ users: 60, namespaces: 12, grants: 300, tokens: 8, invites: 5, seed }) as unknown as {
        spec: Record<string, unknown> & { tokens: Record<string, unknown>[]; clusters?: string[] };
      };
      spec.spec.identity = { usernamePrefix: 'oidc:' };
      if (seed === 3) delete spec.spec.clusters; // one cluster, unnamed: in-cluster/
      spec.spec.tokens[0]!.rotation = 2;
      spec.spec.tokens[1]!.namespaces = [];
      spec.spec.tokens[1]!.rbac = [
        { namespace: 'ns-1', rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] },
      ];
      expect(unaccounted(synthesized(spec)), `seed ${seed}`).toEqual([]);
    }
  });
});
