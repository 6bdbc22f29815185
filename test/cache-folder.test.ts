/**
 * ORGCTL_CACHE_DIR names the folder orgctl keeps its caches in (declaration bundles, explain's
 * index, what synth wrote an output from) instead of node_modules/.cache/orgctl nearest the file.
 * The tests set it (test/global-setup.ts) to a folder of their run: a clone whose node_modules is a
 * link to a shared install would otherwise write into the shared one.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheFolder } from '../cli/paths.ts';
import { acmeSpecWith, cli, ROOT, tempDir } from './helpers.ts';

describe('ORGCTL_CACHE_DIR', () => {
  it('the tests keep their caches in a folder of their run, never in the repository’s node_modules', () => {
    const set = process.env.ORGCTL_CACHE_DIR;
    expect(set).toBeTruthy();
    expect(cacheFolder(join(ROOT, 'org/org.ts'), 'declarations')).toBe(join(set!, 'declarations'));
  });

  it('explain -n keeps its index there, not in node_modules/.cache beside the spec', () => {
    const project = tempDir('orgctl-cache-dir-');
    mkdirSync(join(project, 'node_modules'));
    const file = join(project, 'org.json');
    writeFileSync(file, JSON.stringify(acmeSpecWith({})));
    const cache = tempDir('orgctl-cache-');
    const r = cli(['explain', 'bob@acme.io', '-n', 'web', '--spec', file], { env: { ORGCTL_CACHE_DIR: cache } });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(cache, 'explain'))).toHaveLength(1);
    expect(existsSync(join(project, 'node_modules', '.cache'))).toBe(false);
  });
});
