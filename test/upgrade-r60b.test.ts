/**
 * The release before red team R60-2's fix, reviewing the upgrade to it: that release writes each
 * Namespace with `argocd.argoproj.io/sync-options: Prune=false,Delete=false` (an Application's
 * cascade delete skips only `Delete=false`), where this one writes `Prune=false`, and with the
 * boundary declares it in its policy's CEL. Every organization writes its system namespace, so no
 * declaration can be taken off for the upgrade: this release's judgement of head dist/ as written
 * (an accepted head proof) reads exactly that change as its own rendering, and nothing else.
 */
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ROOT, tempDir } from './helpers.ts';
import { refusedUpgrade } from './upgrade-judgement.ts';

/** This release's output for the fixture (two clusters, guard rails, the boundary). */
function synthesized(): string {
  const dist = join(tempDir('orgctl-upgrade-r60b-'), 'dist');
  const r = cli(['synth', '--spec', join(ROOT, 'test/fixtures/redteam-r60b/org.json'), '--out', dist]);
  expect(r.code, r.stderr).toBe(0);
  return dist;
}

/** A copy of `dir` with each Namespace's sync options, and the boundary's declared ones, `options`. */
function withOptions(dir: string, options: string): string {
  const head = join(tempDir('orgctl-upgrade-r60b-'), 'dist');
  cpSync(dir, head, { recursive: true });
  for (const p of readdirSync(head, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml'))) {
    const file = join(head, p);
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replaceAll('sync-options: "Prune=false"', `sync-options: "${options}"`)
        .replaceAll(
          `'argocd.argoproj.io/sync-options': 'Prune=false'`,
          `'argocd.argoproj.io/sync-options': '${options}'`,
        ),
    );
  }
  return head;
}

describe("R60-2's upgrade, judged by the release before it", () => {
  const dist = synthesized();

  it('accepts every Namespace with Prune=false,Delete=false, and the boundary declaring it', () => {
    const head = withOptions(dist, 'Prune=false,Delete=false');
    expect(readFileSync(join(head, 'argocd/boundary.yaml'), 'utf8')).toContain('Prune=false,Delete=false');
    expect(refusedUpgrade(head)).toEqual([]);
  });

  it.each([
    'Delete=false',
    'Prune=false,Delete=false,Force=true',
    'Prune=false, Delete=false',
  ])('refuses any other sync options: %s', (options) => {
    expect(refusedUpgrade(withOptions(dist, options)).join('\n')).toMatch(
      /sync-options .* is not what this orgctl writes/,
    );
  });
});
