/**
 * The whole synthesis as one pure function: construct tree → findings + file contents.
 * Writing files is the CLI's job (atomically); nothing here touches the disk (a sink given is
 * handed each file's text, and the CLI's writes it).
 */
import { compareFindings, type Finding, sourceText } from '../model/findings.ts';
import { analyzeOrganization, type Declaration } from './analyze.ts';
import { MEMBERS_FILE } from '../model/membership.ts';
import type { OrgModel } from '../model/model.ts';
import { byText } from '../model/text.ts';
import { argoCdObjects } from '../synth/argocd.ts';
import { boundaryObjects } from '../synth/boundary.ts';
import { schemaProblems } from '../synth/kubernetes-schema.ts';
import { ARGOCD_FILES, groupIntoFiles, headerOf, membershipData, membersFileParts } from '../synth/render.ts';
import type { Manifest } from '../synth/manifest.ts';
import { toYamlStream } from '../synth/yaml.ts';
import { type FileSink, fileParts, type OutputFile, partsBytes, shardFindings } from '../synth/files.ts';
import { applicationNameFindings } from '../policies/output/application-names.ts';

export interface SynthOptions {
  /** YYYY-MM-DD for grant expiry. */
  readonly today: string;
  /** Where the declaration came from, named in each file's header (e.g. `org/org.ts`). */
  readonly declaredIn: string;
}

export interface SynthResult {
  /** True when no finding is an error: only then are there files. */
  readonly ok: boolean;
  readonly findings: readonly Finding[];
  /** The files and their contents; none when they were handed to a sink as rendered. */
  readonly files: readonly OutputFile[];
  /** Every file's path, sorted (with a sink, what it was given once `ok`). */
  readonly paths: readonly string[];
  /** The organization as policies and synthesis read it. */
  readonly model: OrgModel;
  /** Every synthesized object once (clusters share them), as written: for analysis without re-reading the files. */
  readonly objects?: readonly Manifest[];
  /** How many YAML documents the files hold (an object every cluster has is counted in each). */
  readonly documents: number;
}

/**
 * Policies, then (only when no error) the manifests as YAML file contents. Given a `sink`, each
 * file goes to it as it is rendered and none is kept (the result's `files` is empty): the shards'
 * files before the shard limits are judged on them, so a sink must discard what it was given when
 * the result is not `ok`.
 */
export function synthesize(root: Declaration, options: SynthOptions, sink?: FileSink): SynthResult {
  const { findings, model, placed, objects } = analyzeOrganization(root, options);
  if (!placed || !objects) return { ok: false, findings, files: [], paths: [], model, documents: 0 };
  const rendered = groupIntoFiles(placed);
  const parts = fileParts(rendered, options.declaredIn);
  // Without a sink, one that keeps each file's text: the result's files.
  const contents: OutputFile[] = [];
  const to: FileSink = sink ?? {
    write: (path, text) => {
      contents.push({ path, content: text.join('') });
      return partsBytes(text);
    },
  };
  const bytes = rendered.map((f) => to.write(f.path, parts(f)));
  // Applied by hand to each cluster, so checked against Kubernetes' schema with the shards' objects.
  const boundary = boundaryObjects(model);
  const judged = [
    ...findings,
    // Checked against the Kubernetes API schema, and sized for Argo CD.
    ...schemaProblems(boundary.length ? [...objects, ...boundary] : objects).map(
      (message): Finding => ({
        severity: 'error',
        rule: 'kubernetes-schema',
        subject: 'dist/',
        message,
        source: sourceText(model.source),
      }),
    ),
    ...shardFindings(model, placed, rendered, bytes),
    ...applicationNameFindings(
      model,
      rendered.map((f) => f.path),
    ),
  ].sort(compareFindings);
  if (judged.some((f) => f.severity === 'error'))
    return { ok: false, findings: judged, files: [], paths: [], model, documents: 0 };
  const header = headerOf(options.declaredIn);
  const argo = argoCdObjects(model);
  // members.json as parts: its 20 MB at size XL never made one string.
  to.write(MEMBERS_FILE, membersFileParts(membershipData(model, options.today)));
  const others: OutputFile[] = [
    ...(argo.length
      ? [
          { path: ARGOCD_FILES.applicationSet, content: toYamlStream([argo[1]!], header) },
          { path: ARGOCD_FILES.appProject, content: toYamlStream([argo[0]!], header) },
        ]
      : []),
    ...(boundary.length ? [{ path: ARGOCD_FILES.boundary, content: toYamlStream(boundary, header) }] : []),
  ];
  for (const f of others) to.write(f.path, [f.content]);
  return {
    ok: true,
    findings: judged,
    model,
    objects,
    // Counted as written, not by reading 200 MB of text again (45 ms at size XL).
    documents: rendered.reduce((n, f) => n + f.objects.length, 0) + argo.length + boundary.length,
    files: contents.sort((a, b) => byText(a.path, b.path)),
    paths: [...rendered, ...others]
      .map((f) => f.path)
      .concat(MEMBERS_FILE)
      .sort(byText),
  };
}
