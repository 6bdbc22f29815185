/** Rendered files as text, and the shard limits: whether each file fits one Argo CD Application. */
import { type Finding, sourceText } from '../model/findings.ts';
import { SHARD_LIMITS, withinShardLimits } from '../model/rules.ts';
import { byteLength } from '../model/text.ts';
import type { OrgModel } from '../model/model.ts';
import {
  CLUSTER_SHARD,
  headerOf,
  isHashPlaced,
  shardOf,
  WRITTEN_DOCUMENTS,
  type Placed,
  type RenderedFile,
} from './render.ts';
import { type DocumentTexts, streamHeader, streamParts } from './yaml.ts';

export interface OutputFile {
  readonly path: string;
  readonly content: string;
}

/**
 * Where a synthesis hands each file as it is rendered, instead of keeping every file's text: the
 * text in parts (joined, the file's content), each used before the next file is rendered. Returns
 * the file's bytes in UTF-8 (what the shard limits measure): a writer counts them as it encodes,
 * where measuring the parts apart read every file's text once more (194 MB at size XL).
 */
export interface FileSink {
  write(path: string, parts: readonly string[]): number;
}

/** Every file's text, kept whole (fileParts joined), as synthesize's result holds it without a sink: for tests of rendering alone. */
export function renderFiles(files: readonly RenderedFile[], declaredIn: string): OutputFile[] {
  const parts = fileParts(files, declaredIn);
  return files.map((f) => ({ path: f.path, content: parts(f).join('') }));
}

/**
 * Each of `files`' text in parts, its header then its documents (toYamlStream's text, unjoined):
 * a writer that takes them one file at a time holds no file's text past it (194 MB at size XL).
 */
export function fileParts(files: readonly RenderedFile[], declaredIn: string): (f: RenderedFile) => string[] {
  const head = streamHeader(headerOf(declaredIn));
  // Each object is written once: placement measured some (their texts are kept), and clusters
  // share objects (kept while this runs). Other texts are not kept past their file: keeping every
  // document's text held the output twice (190 MB more at size XL), and the GC copied it.
  const seen = new Set<object>();
  const shared = new Set<object>();
  for (const f of files) for (const o of f.objects) (seen.has(o) ? shared : seen).add(o);
  const sharedTexts = new Map<object, string>();
  const texts: DocumentTexts = {
    get: (o) => WRITTEN_DOCUMENTS.get(o) ?? sharedTexts.get(o),
    set: (o, text) => shared.has(o) && sharedTexts.set(o, text),
  };
  return (f) => streamParts(f.objects, head, texts);
}

/** The bytes of a file in parts, as shard-limit measures them. */
export const partsBytes = (parts: readonly string[]): number => {
  let bytes = 0;
  for (const p of parts) bytes += byteLength(p);
  return bytes;
};

/** The smallest shard count at which every shard of every cluster fits, by the units' sizes. */
export function fittingShardCount(model: OrgModel, placed: readonly Placed[]): number | undefined {
  const units = placed
    .filter((p) => isHashPlaced(p.shard))
    .map((p) => ({
      cluster: p.cluster,
      key: p.key,
      objects: p.objects.length,
      bytes: Math.ceil(byteLength(JSON.stringify(p.objects)) * 1.3),
    }));
  for (let n = model.shards + 1; n <= 4096; n++) {
    const load = new Map<string, { objects: number; bytes: number }>();
    let fits = true;
    for (const u of units) {
      const k = `${u.cluster}/${shardOf(u.key, n)}`;
      const l = load.get(k) ?? { objects: 0, bytes: 0 };
      l.objects += u.objects;
      l.bytes += u.bytes;
      load.set(k, l);
      if (!withinShardLimits(l.objects, l.bytes)) {
        fits = false;
        break;
      }
    }
    if (fits) return n;
  }
  return undefined;
}

export function shardFindings(
  model: OrgModel,
  placed: readonly Placed[],
  files: readonly RenderedFile[],
  fileBytes: readonly number[],
): Finding[] {
  const out: Finding[] = [];
  files.forEach((f, i) => {
    // Bytes, as Argo CD's repo-server measures a file: a character beyond ASCII is 2 to 4 (R57-3).
    const bytes = fileBytes[i]!;
    if (withinShardLimits(f.objects.length, bytes)) return;
    const over = `${f.objects.length} objects, ${(bytes / 1024 / 1024).toFixed(1)} MB: over the ${SHARD_LIMITS.objects} objects / 4 MB of one Argo CD Application`;
    // The cluster-wide shard is not split by the shard count: saying "raise it" would mislead.
    const advice = f.path.endsWith(`/${CLUSTER_SHARD}/resources.yaml`)
      ? `this is the cluster-wide shard (the catalog's ClusterRoles, the system namespace and the admins' bindings; the membership ConfigMaps already have shards of their own when they do not fit here), which more shards do not split; an organization this large is beyond what orgctl delivers today`
      : (() => {
          const fit = fittingShardCount(model, placed);
          return fit
            ? `shards: ${fit} would fit (now ${model.shards}); raise it as the README says`
            : 'no shard count up to 4096 fits: one namespace is too large';
        })();
    out.push({
      severity: 'error',
      rule: 'shard-limit',
      subject: `dist/${f.path}`,
      source: sourceText(model.source),
      message: `${over}; ${advice}`,
    });
  });
  return out;
}
