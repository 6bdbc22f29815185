/**
 * Red team R134: the corners the recent red teams left (the caches orgctl keeps outside dist/, the
 * GitHub side it ships, the last note's leftovers).
 *
 * R134-1 (low: can-i, who-can, access): a ClusterRole of orgctl's output labelled
 * `rbac.authorization.k8s.io/aggregate-to-*`, which orgctl never writes, was read without a word.
 * The aggregation controller adds its rules to every aggregated ClusterRole whose selector matches
 * the label (the built-in admin, edit and view, or one applied by hand), and whoever is bound to
 * one of those outside dist/ (a RoleBinding to admin applied by hand, a cluster's own) gets them:
 * who-can named nobody of them. diff and review refuse such a role (R129-1); a question now warns.
 */
import { describe, expect, it } from 'vitest';
import { exampleClusterShardsEdited, run } from './helpers.ts';

const LABEL = 'rbac.authorization.k8s.io/aggregate-to-admin';

/** The example's output with ClusterRole acme:r:pods labelled for the built-in admin to gather. */
const labelled = (): string =>
  exampleClusterShardsEdited('orgctl-r134-', (t) =>
    t.replace(
      '    orgctl.io/organization: acme\n  name: acme:r:pods\nrules:\n',
      `    orgctl.io/organization: acme\n    ${LABEL}: "true"\n  name: acme:r:pods\nrules:\n`,
    ),
  );

describe('R134-1: a ClusterRole labelled aggregate-to-* in orgctl output is warned of by every question', () => {
  const dir = labelled();
  const warned = new RegExp(`ClusterRole acme:r:pods .*${LABEL}.*outside`);

  it.each([
    ['can-i', 'can-i get pods -n web --as bob@acme.io'],
    ['who-can', 'who-can get pods -n web'],
    ['access', 'access'],
  ])('%s', async (_, asked) => {
    const r = await run([...asked.split(' '), '--dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(warned);
  });
});
