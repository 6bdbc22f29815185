/**
 * Red team R68: what orgctl caches and later trusts.
 *
 * R68-1. bin/orgctl.mjs names its bundle (node_modules/.cache/orgctl/<fingerprint>/) by the
 * sources' sizes and modification times only. A modification time can be put back (`touch -d`,
 * `touch -r`, `cp -p`, `rsync -t`, an extractor keeping a tarball's times), and a fix is often of
 * the same size (`<` for `<=`, `true` for `fals`+e elsewhere): the sources changed, the old bundle
 * (and the V8 code kept beside it, and every explain index named by that engine) went on running.
 * Every other cache of orgctl (cli/file-stamp.ts) trusts a stat only with the change time and the
 * inode, which no one can put back or choose.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, engineCopy } from './helpers.ts';

describe('R68-1: a source changed with its size and modification time kept', () => {
  it('is bundled again: the change runs, not the bundle of the sources before it', () => {
    const { dir } = engineCopy();
    const before = cli(['explain', '--help'], { engine: dir });
    expect(before.stdout).toContain('Every permission of a user');
    const file = join(dir, 'cli/explain.ts');
    const was = statSync(file);
    const text = readFileSync(file, 'utf8');
    const changed = text.replace('Every permission of a user', 'EVERY permission of a user');
    expect(changed).not.toBe(text);
    const kept = join(dir, 'explain.ts.times');
    writeFileSync(kept, '');
    spawnSync('touch', ['-r', file, kept]); // its times, to the nanosecond
    writeFileSync(file, changed); // the same size
    spawnSync('touch', ['-r', kept, file]); // the same modification time
    expect(statSync(file).size).toBe(was.size);
    expect(statSync(file).mtimeMs).toBe(was.mtimeMs);
    const after = cli(['explain', '--help'], { engine: dir });
    expect(after.stdout).toContain('EVERY permission of a user');
  });
});
