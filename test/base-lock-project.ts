/** A base project whose lock installs orgctl from a given source, and a review of it by one admin (red teams R47, R50). */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, run, tempDir } from './helpers.ts';

/**
 * A base project as a repository holds it (package.json, its lock, the example's dist/), orgctl
 * from `spec` (its lock entry's `integrity` when given): its dist/ folder.
 */
export function baseProject(spec: string, integrity?: string): string {
  const dir = tempDir('orgctl-lock-base-');
  const root = { name: 'acme-org', version: '1.0.0', dependencies: { orgctl: spec } };
  const packages = {
    '': root,
    'node_modules/orgctl': { version: '0.1.0', resolved: spec, ...(integrity ? { integrity } : {}) },
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(root, null, 2));
  writeFileSync(
    join(dir, 'package-lock.json'),
    JSON.stringify({ ...root, lockfileVersion: 3, requires: true, packages }, null, 2),
  );
  mkdirSync(join(dir, 'dist'));
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  return join(dir, 'dist');
}

/** alice (an admin) alone changes `path`, head dist/ base's: the exit code and engine-change's row. */
export async function aliceAlone(base: string, path: string) {
  const r = await run(['review', '--base', base, '--head', base, '--actor', 'alice', '--changed-path', path]);
  return { code: r.code, row: r.stdout.match(/\| `engine-change` \|[^\n]*/)?.[0] };
}
