/**
 * Argo CD Application names over a label value's 63 characters. With label tracking (Argo CD's
 * default before 3.0, or `application.resourceTrackingMethod: label`) Argo CD writes the
 * Application's name into the `app.kubernetes.io/instance` label of every object it applies, and
 * the API server refuses a label value over 63 characters (argoproj/argo-cd#4045, #14637): every
 * sync of that Application fails, and a revocation in it never reaches the cluster. Annotation
 * tracking (Argo CD 3's default) has no such limit, hence a warning, not an error.
 */
import { type Finding, sourceText } from '../../model/findings.ts';
import type { OrgModel } from '../../model/model.ts';
import { applicationName } from '../../synth/tracking.ts';
import { ARGOCD_FILES } from '../../synth/render.ts';
import { LABEL_VALUE_MAX } from '../org/kubernetes-names.ts';

/** One warning when any Application of the written shard files (`<cluster>/<shard>/...`) is named over 63 characters. */
export function applicationNameFindings(model: OrgModel, shardFiles: readonly string[]): Finding[] {
  if (!model.argocd) return [];
  const names = shardFiles.map((path) => {
    const [cluster, shard] = path.split('/') as [string, string];
    return applicationName(model.name, cluster, shard);
  });
  const over = names.filter((n) => n.length > LABEL_VALUE_MAX);
  if (!over.length) return [];
  const longest = over.reduce((a, b) => (b.length > a.length ? b : a));
  return [
    {
      severity: 'warning',
      rule: 'argocd-application-name',
      subject: `dist/${ARGOCD_FILES.applicationSet}`,
      source: sourceText(model.source),
      message: `${over.length} of ${names.length} Argo CD Applications have names over ${LABEL_VALUE_MAX} characters (the longest: ${longest} (${longest.length} characters)): with label tracking, Argo CD's default before 3.0, every object such an Application applies carries its name in a label, and Kubernetes refuses them all, revocations included; use annotation tracking (Argo CD 3's default), or a shorter organization or cluster name`,
    },
  ];
}
