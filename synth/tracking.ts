/**
 * How Argo CD tells what each of the organization's Applications applies: the Applications' names
 * and the tracking Argo CD writes on every object (a label or an annotation naming the
 * Application), as CEL and RE2 read them. It imports nothing else of synth/ but cel.ts, so that
 * the AppProject, the boundary and namespace protection may all import it.
 */
import type { ArgoCdModel } from '../model/model.ts';
import { celString, literalPattern } from './cel.ts';

/**
 * The name of the Argo CD Application of `dist/<cluster>/<shard>/`, as the ApplicationSet's
 * template makes it (given the template's own expressions for the cluster and the shard).
 */
export const applicationName = (organization: string, cluster: string, shard: string): string =>
  `${organization}-${cluster}-${shard}`;

/**
 * Every shard's name (CLUSTER_SHARD, a hash-placed `shard-NN`, `members-NN`), as an RE2 and
 * ECMAScript group: what an Application's name ends with.
 */
export const SHARD_NAME_PATTERN = '(cluster|shard-[0-9]{2,}|members-[0-9]{2,})';

/** Any cluster's name (a DNS label), as an RE2 group. */
const CLUSTER_NAME_PATTERN = '([a-z0-9]([-a-z0-9]*[a-z0-9])?)';

/**
 * How Argo CD marks what an Application applies, by its tracking method (label, annotation, or
 * both): the label under its `application.instanceLabelKey`, this one unless configured.
 */
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';
export const TRACKING_ANNOTATION = 'argocd.argoproj.io/tracking-id';

/**
 * Where the annotations Argo CD reads on a live object when it prunes, or deletes an Application
 * with cascade, live: its own (`sync-options: Prune=false` or `Prune=confirm`, `Delete=false` or
 * `Delete=confirm`, `compare-options: IgnoreExtraneous`, `hook`) and Helm's (`hook`,
 * `resource-policy`), each of which keeps an object Argo CD would otherwise delete, or holds the
 * sync (or the deletion) until a person confirms.
 */
export const PRUNE_READ_PREFIXES = ['argocd.argoproj.io/', 'helm.sh/'];

/** The label Argo CD tracks by, as the organization declares its Argo CD (ArgoCdModel.instanceLabelKey). */
export const instanceLabelOf = (argocd: Pick<ArgoCdModel, 'instanceLabelKey'> | undefined): string =>
  argocd?.instanceLabelKey ?? INSTANCE_LABEL;

/** The object a request writes, or deletes, CEL: a DELETE's is oldObject (its object is null). */
export const TARGET = "(request.operation == 'DELETE' ? oldObject : object)";

/** A label's or annotation's value on `object` (a CEL expression), '' when it has none. */
export const metadataValue = (object: string, map: 'labels' | 'annotations', key: string): string =>
  `(has(${object}.metadata.${map}) && ${celString(key)} in ${object}.metadata.${map} ? ${object}.metadata.${map}[${celString(key)}] : '')`;

/**
 * An RE2 pattern of the tracking of an Application of `org` in one of `clusters` (in any cluster
 * when none are given): the label's value is the Application's name, the annotation's begins with
 * it and a colon. applicationName takes the patterns for its parts as the ApplicationSet gives it
 * Go template expressions (its separators are `-`, no RE2 metacharacter).
 */
export const trackingPattern = (org: string, clusters?: readonly string[]): string =>
  `^${applicationName(literalPattern(org), clusters ? `(${clusters.map(literalPattern).join('|')})` : CLUSTER_NAME_PATTERN, SHARD_NAME_PATTERN)}(:|$)`;

/** Whether the tracking values `label` and `annotation` (CEL strings) name an Application of `org` in one of `clusters` (any, when none are given). */
export const namesApplication = (
  label: string,
  annotation: string,
  org: string,
  clusters?: readonly string[],
): string => {
  const pattern = celString(trackingPattern(org, clusters));
  return `${label}.matches(${pattern}) || ${annotation}.matches(${pattern})`;
};
