/**
 * Reads a folder of a git ref from git objects: no checkout, nothing run from the tree.
 * `origin/main` means that ref's dist/; `REF:path` names another folder.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import type { ManifestDoc } from '../policies/rbac/objects.ts';
import { InputError } from './args.ts';
import { loadManifests, parseManifestText, type DocumentCache } from './manifests.ts';

function git(args: readonly string[], input?: Buffer): Buffer {
  const r = spawnSync('git', args, { input, maxBuffer: 1 << 30 });
  if (r.error) throw new InputError(`git ${args[0]}: ${r.error.message}`);
  if (r.status !== 0) throw new InputError(`git ${args.join(' ')}: ${r.stderr.toString().trim().split('\n')[0]}`);
  return r.stdout;
}

/** Every manifest file under `dir` at `ref`, read with one `git cat-file --batch`. */
export function readRefFolder(ref: string, dir: string, cache?: DocumentCache): { docs: ManifestDoc[]; problems: string[] } {
  const prefix = dir.replace(/\/+$/, '');
  const listing = git(['ls-tree', '-r', '-z', '--full-tree', ref, '--', prefix]).toString('utf8').split('\0').filter(Boolean);
  const blobs = listing
    .map((line) => {
      const [meta, path] = [line.slice(0, line.indexOf('\t')), line.slice(line.indexOf('\t') + 1)];
      const [, type, sha] = meta.split(' ');
      return { type, sha: sha!, path };
    })
    .filter((e) => e.type === 'blob' && /\.(ya?ml|json)$/i.test(e.path));
  if (!blobs.length) throw new InputError(`${ref}:${prefix} holds no manifests`);
  const out = git(['cat-file', '--batch'], Buffer.from(blobs.map((b) => `${b.sha}\n`).join('')));
  const docs: ManifestDoc[] = [];
  const problems: string[] = [];
  let at = 0;
  for (const b of blobs) {
    const eol = out.indexOf(10, at);
    const size = Number(out.subarray(at, eol).toString().split(' ')[2]);
    const text = out.subarray(eol + 1, eol + 1 + size).toString('utf8');
    at = eol + 1 + size + 1;
    const got = parseManifestText(text, `${ref}:${b.path}`, cache);
    for (const d of got.docs) docs.push(d); // one file may hold 100,000s of documents: no push(...)
    for (const p of got.problems) problems.push(p);
  }
  return { docs, problems };
}

/** `--base`/`--head`: a folder when one exists, else a git ref (`REF` or `REF:folder`). */
export function loadSide(spec: string, cache?: DocumentCache, defaultDir = 'dist'): { docs: readonly ManifestDoc[]; problems: readonly string[] } {
  if (existsSync(spec) && statSync(spec).isDirectory()) return loadManifests(spec, cache);
  const colon = spec.indexOf(':');
  const [ref, dir] = colon > 0 ? [spec.slice(0, colon), spec.slice(colon + 1)] : [spec, defaultDir];
  if (!ref || ref.startsWith('-')) throw new InputError(`${JSON.stringify(spec)} is neither a folder nor a git ref`);
  return readRefFolder(ref, dir, cache);
}
