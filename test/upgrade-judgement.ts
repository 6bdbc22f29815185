/**
 * The base engine's judgement of an upgrade's head dist/ as written (review/written-output.ts),
 * as the review runs it once a head proof vouches for that dist/: for the tests of what an upgrade
 * may change (the red teams' tests).
 */
import { expect } from 'vitest';
import { readMembership } from '../analysis/membership.ts';
import { readRbac } from '../analysis/objects.ts';
import { readIfOrgctlOutput } from '../cli/output-read.ts';
import { proveOutput } from '../review/proof.ts';
import { judgeWrittenOutput } from '../review/written-output.ts';
import { TODAY } from './helpers.ts';

/** What this release holds against head dist/ `head` as written when a head proof vouches for it. */
export function refusedUpgrade(head: string): string[] {
  const read = readIfOrgctlOutput(head)!;
  const membership = readMembership(read.docs, head);
  const rbac = readRbac(read.docs);
  const proof = proveOutput(read.files, read.docs, TODAY, { rbac, membership });
  expect(proof.model).toBeDefined();
  expect(proof.rendered, 'this release renders it differently').toBeDefined();
  return judgeWrittenOutput(proof.model!, { docs: read.docs, membership, rbac, files: read.files }, proof.rendered!)
    .filter((f) => f.rule === 'output-proof')
    .map((f) => `${f.subject}: ${f.message}`);
}
