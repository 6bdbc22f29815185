/**
 * Two syntheses of different declarations writing one output folder: the record of what the folder
 * was written from (cli/written-from.ts) must be the last writer's. synth wrote it after letting the
 * output's lock go: a synthesis that wrote and recorded in between left the folder its own and the
 * record the first one's, so the warning after an edit named the wrong declaration or none, and
 * refusals told a person to run the wrong synth (red team R101's leftover).
 */
import * as fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it, vi } from 'vitest';
import { resynthCommand, staleOutputWarning } from '../cli/written-from.ts';
import { ROOT, TODAY, run, tempDir } from './helpers.ts';

// Every rename, seen: the moment synth lets the output's lock go (a spy on the module's own import).
vi.mock('node:fs', async (original) => {
  const real = await original<typeof import('node:fs')>();
  return { ...real, renameSync: vi.fn(real.renameSync) };
});

const ACME = readFileSync(join(ROOT, 'test/fixtures/specs/acme.yaml'), 'utf8');
const BOB = 'levels: ["r:pods", "w:services"]';

it("the record of what an output folder was written from is the last writer's, whatever the order after the lock", async () => {
  const dir = tempDir();
  const cache = tempDir();
  vi.stubEnv('ORGCTL_CACHE_DIR', cache);
  const [a, b] = [join(dir, 'a.yaml'), join(dir, 'b.yaml')];
  writeFileSync(a, ACME);
  expect(ACME).toContain(BOB);
  writeFileSync(b, ACME.replace(BOB, 'levels: ["r:pods", "w:services", "r:secrets"]'));
  const out = join(dir, 'dist');
  const realRename = vi.mocked(fs.renameSync).getMockImplementation()!;
  let other: ReturnType<typeof spawnSync> | undefined;
  vi.mocked(fs.renameSync).mockImplementation((from, to) => {
    realRename(from, to);
    // a's synthesis has just let the lock go: b's, in another process, writes and records, whole.
    if (!other && /\.dist\.lock-gone-/.test(String(to)))
      other = spawnSync(process.execPath, [join(ROOT, 'bin/orgctl.mjs'), 'synth', '--spec', b, '--out', out], {
        env: { ...process.env, ORGCTL_TODAY: TODAY, ORGCTL_CACHE_DIR: cache },
        encoding: 'utf8',
      });
  });
  const first = await run(['synth', '--spec', a, '--out', out]);
  expect(first.code, first.stderr).toBe(0);
  expect(other?.status, String(other?.stderr)).toBe(0);
  expect(readFileSync(join(out, 'members.json'), 'utf8')).toBeTruthy();
  // The folder is b's: b's synth is the command that writes it again, and an edit of b is named.
  expect(resynthCommand(out)).toContain('b.yaml');
  writeFileSync(b, `${readFileSync(b, 'utf8')}\n`);
  expect(staleOutputWarning(out)).toMatch(/b\.yaml has changed since/);
});
