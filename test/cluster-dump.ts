/**
 * Outputs laid out by cluster as the access tests read them (red team R142, R143): a cluster's
 * folder read alone, the clusters a reader sees, and orgctl's output made a dump of other manifests.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './helpers.ts';

/** The clusters of an output as a reader sees them: its folders holding a cluster shard. */
export const clusterFolders = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'cluster', 'resources.yaml')))
    .map((e) => e.name)
    .sort();

/** `cluster`'s folder of `dir` alone, under a plain path (a temporary folder named by `prefix`). */
export function alone(dir: string, cluster: string, prefix: string): string {
  const only = join(tempDir(prefix), 'dist');
  mkdirSync(only);
  cpSync(join(dir, cluster), join(only, cluster), { recursive: true });
  return only;
}

/** orgctl's output made a folder of other manifests of the same layout: no header, no members.json, no argocd/. */
export function asDump(dir: string): void {
  rmSync(join(dir, 'members.json'));
  rmSync(join(dir, 'argocd'), { recursive: true });
  for (const c of readdirSync(dir))
    for (const s of readdirSync(join(dir, c))) {
      const file = join(dir, c, s, 'resources.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/^# .*\n?/, ''));
    }
}
