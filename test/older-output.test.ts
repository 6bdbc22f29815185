/**
 * Red team R13-F8: an older orgctl's dist/ read by this one. test/fixtures/older-output/ holds two,
 * each as that commit of this repository wrote the example organization:
 *
 * - e89e71f: sharded, with dist/argocd/, but from before the membership data recorded the delivery
 *   settings (organization.json without `argocd` or `shards`). `orgctl diff` and `orgctl review`
 *   with it as base threw a TypeError (untrackedNamespaces read base's Argo CD path, which it does
 *   not record), an internal error; as head, the diff said dist/argocd/ was no longer generated,
 *   beside the very files. What is done by hand after merge cannot be said from it.
 * - 226e4b7: one file per namespace (cluster/, namespaces/), before shards. A folder of it was
 *   said to hold no file under orgctl's header, "not a dist/ synthesized by orgctl".
 *
 * Each is now an input error naming the side, what it lacks, and the fix (synthesize it again with
 * this orgctl). What needs no delivery settings (can-i, who-can, access, members, a review's
 * --window) still reads the first.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, run } from './helpers.ts';

const OLDER = join(ROOT, 'test/fixtures/older-output');
const UNRECORDED = join(OLDER, 'e89e71f');
const UNSHARDED = join(OLDER, '226e4b7');
const DIST = join(ROOT, 'dist');

describe('R13-F8: a dist/ written without the delivery settings it delivers with', () => {
  for (const [base, head, side] of [
    [UNRECORDED, DIST, 'base'],
    [DIST, UNRECORDED, 'head'],
  ] as const) {
    it(`orgctl diff with it as ${side}: an input error naming ${side}, what it lacks and the fix`, async () => {
      const r = await run(['diff', '--base', base, '--head', head]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${side} (${UNRECORDED})`);
      expect(r.stderr).toContain('does not record delivery.argocd');
      expect(r.stderr).toContain('synthesize it again with this orgctl');
      expect(r.stderr).not.toContain('ORGCTL_DEBUG');
    });
  }

  it('orgctl review with it as base: the same input error, no verdict', async () => {
    const r = await run(['review', '--base', UNRECORDED, '--head', DIST, '--actor', 'alice']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('does not record delivery.argocd');
  });

  it('what needs no delivery settings still reads it: can-i, who-can, access, members, a --window', async () => {
    for (const args of [
      ['can-i', 'get', 'pods', '-n', 'web', '--as', 'dan@acme.io', '--dir', UNRECORDED],
      ['who-can', 'get', 'pods', '-n', 'web', '--dir', UNRECORDED],
      ['access', '--dir', UNRECORDED],
      ['access', '--dir', UNRECORDED, '--format', 'html'],
      ['members', '--dir', UNRECORDED],
      ['review', '--base', DIST, '--head', DIST, '--actor', 'alice', '--window', UNRECORDED],
    ]) {
      const r = await run(args);
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 0, stderr: '' });
    }
  });
});

describe('R13-F8: a dist/ in the layout before shards', () => {
  it('orgctl diff of a folder of it: said to be an older orgctl layout, with the fix, not "no file under orgctl\'s header"', async () => {
    const r = await run(['diff', '--base', UNSHARDED, '--head', DIST]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`base (${UNSHARDED})`);
    expect(r.stderr).toContain("an older orgctl's layout");
    expect(r.stderr).toContain('synthesize it again with this orgctl');
    expect(r.stderr).not.toContain("no file under orgctl's header");
  });

  it('can-i, who-can, access and prove of it: the same, naming its files', async () => {
    for (const args of [
      ['can-i', 'get', 'pods', '-n', 'web', '--as', 'dan@acme.io', '--dir', UNSHARDED],
      ['who-can', 'get', 'pods', '-n', 'web', '--dir', UNSHARDED],
      ['access', '--dir', UNSHARDED],
      ['prove', '--dir', UNSHARDED],
    ]) {
      const r = await run(args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toContain("an older orgctl's layout");
      expect(r.stderr).toContain('synthesize it again with this orgctl');
    }
  });
});
