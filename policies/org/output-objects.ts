/**
 * Rules over the objects the model renders to (every kind), before anything is written: what the
 * API server would refuse, and two declarations writing one object. A refused object stops its
 * whole Argo CD Application (revocations included); a shared object is owned by two Applications
 * and holds whichever declaration synced last. Rendering is shared with synthesis (cached).
 */
import type { OrgModel } from '../../model/model.ts';
import { objectsOnce, placeOrganization } from '../../synth/render.ts';
import { argoCdObjects } from '../../synth/argocd.ts';
import { boundaryObjects } from '../../synth/boundary.ts';
import { declaredAt, type Manifest } from '../../synth/manifest.ts';
import { type Finding, sourceText } from '../../model/findings.ts';
import type { OrgRule, PolicyContext } from './context.ts';
import { byteLength } from '../../model/text.ts';
import {
  annotationsBytes,
  CONFIGMAP_DATA_MAX_BYTES,
  configMapDataBytes,
  judgedEach,
  refusedLabels,
  NAME_RULE,
  REQUEST_MAX_BYTES,
  WRITTEN_ANNOTATIONS_LIMIT_TEXT,
  WRITTEN_ANNOTATIONS_MAX_BYTES,
  requestBytes,
} from './kubernetes-names.ts';

/** Every object once (clusters share them). */
const objectsOf = (model: OrgModel, ctx: PolicyContext): readonly Manifest[] =>
  objectsOnce(placeOrganization(model, { today: ctx.today }));

const describeObject = (o: Manifest): string =>
  `${o.kind} ${o.metadata.namespace !== undefined ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
const sourceOf = (model: OrgModel, o: Manifest): string => sourceText(declaredAt(o) ?? model.source);
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

/** Two declarations that render one (kind, namespace, name): one finding per pair of declarations. */
export const duplicateObject: OrgRule = {
  id: 'duplicate-object',
  check(model, ctx) {
    const first = new Map<string, Manifest>();
    const pairs = new Map<string, { a: string; b: string; objects: string[] }>();
    for (const o of objectsOf(model, ctx)) {
      const key = `${o.kind}\u0000${o.metadata.namespace ?? ''}\u0000${o.metadata.name}`;
      const earlier = first.get(key);
      if (!earlier) {
        first.set(key, o);
        continue;
      }
      const a = sourceOf(model, earlier);
      const b = sourceOf(model, o);
      const pair = `${a}\u0000${b}`;
      const entry = pairs.get(pair) ?? { a, b, objects: [] };
      entry.objects.push(describeObject(o));
      pairs.set(pair, entry);
    }
    return [...pairs.values()].map(
      ({ a, b, objects }): Finding => ({
        severity: 'error',
        rule: this.id,
        subject: objects[0]!,
        source: b,
        message: `${objects.join(' and ')} would be written by both ${a} and ${b}: one object cannot belong to two declarations (two Argo CD Applications would own it, and one declaration's holder would get the other's access); rename one of them`,
      }),
    );
  },
};

/** What to change, by kind, when a rendered name is refused. */
const NAME_ADVICE: Readonly<Record<string, string>> = {
  Namespace: 'choose a namespace name that is a DNS-1123 label',
  ServiceAccount: 'choose another token id (the ServiceAccount is named token-<id>)',
  Secret: 'choose another token id (the Secret is named token-<id>)',
  ConfigMap: 'this is an orgctl ConfigMap: report it',
  Role: "Roles of inline rules are named after the user's email: use a named custom role instead, or fix the name",
  ClusterRole: 'ClusterRoles are named <organization>:<level>: choose another organization name',
  RoleBinding:
    'bindings are named after their role: rename the role, or use a named custom role instead of inline rules',
};

/** Names, label values and annotations of every rendered object, by the API server's rules for its kind. */
export const invalidObject: OrgRule = {
  id: 'invalid-object',
  check(model, ctx) {
    const out: Finding[] = [];
    const report = (o: Manifest, message: string) =>
      out.push({ severity: 'error', rule: this.id, subject: describeObject(o), message, source: sourceOf(model, o) });
    // Objects share their labels and their kind's annotations (frozen: they cannot change): each judged once.
    const [labelProblems, annotationBytes] = [judgedEach(labelsProblems), judgedEach(annotationsBytes)];
    for (const o of objectsOf(model, ctx)) {
      const rule = NAME_RULE[o.kind];
      const problem = rule ? rule(o.metadata.name) : `is of kind ${o.kind}, which orgctl does not write`;
      if (problem)
        report(
          o,
          `name ${JSON.stringify(o.metadata.name)} ${problem}, which the API server refuses for a ${o.kind}; ${NAME_ADVICE[o.kind] ?? 'change the declaration'}`,
        );
      const meta = o.metadata as { labels?: Record<string, string>; annotations?: Record<string, string> };
      if (meta.labels) for (const message of labelProblems(meta.labels)) report(o, message);
      const bytes = meta.annotations ? annotationBytes(meta.annotations) : 0;
      if (bytes > WRITTEN_ANNOTATIONS_MAX_BYTES) {
        report(
          o,
          `its annotations are ${bytes} bytes, over the ${WRITTEN_ANNOTATIONS_LIMIT_TEXT}; shorten the token's name or note`,
        );
      }
    }
    return out;
  },
};

const labelsProblems = (labels: Record<string, string>): readonly string[] =>
  refusedLabels(labels).map((l) => `label ${l.key}: ${JSON.stringify(l.value)} ${l.problem}`);

/**
 * Why a membership ConfigMap is over the limit, when one record fills it: a record is a line, never
 * split, and one person's or token's holds every rule recorded while they are bound to nothing
 * (R113-5: live, each namespace's rules are a Role of their own). '' for any other ConfigMap.
 */
function oversizeRecord(data: Record<string, string>): string {
  let [largest, bytes] = ['', 0];
  for (const text of Object.values(data))
    for (const line of String(text).split('\n')) {
      const n = byteLength(line);
      if (n > bytes) [largest, bytes] = [line, n];
    }
  if (bytes <= CONFIGMAP_DATA_MAX_BYTES / 2 || !largest.startsWith('{')) return '';
  const record = JSON.parse(largest) as { email?: unknown; id?: unknown };
  if (typeof record.email === 'string')
    return `: the record of ${record.email} alone holds ${bytes} bytes, their grants recorded while bound to nothing (dormant: deactivated or Remove All), each rule of each namespace in one line; declare fewer inline or custom-role rules for them, or remove the grants they will not need again`;
  if (typeof record.id === 'string')
    return `: the record of token ${record.id} alone holds ${bytes} bytes, its custom rules recorded while it is not live (dormantRbac), in one line; declare fewer rules for it, or remove the ones it will not need again`;
  return '';
}

/** Every rendered object under the API server's size limits, dist/argocd/'s included (AppProject, ApplicationSet, boundary). */
export const objectSize: OrgRule = {
  id: 'object-size',
  check(model, ctx) {
    const out: Finding[] = [];
    // The AppProject lists a destination per namespace and cluster (and, with namedClusterResources,
    // each namespace by name), and the boundary each cluster's namespaces: they grow with the
    // namespaces alone.
    for (const o of [...objectsOf(model, ctx), ...argoCdObjects(model), ...boundaryObjects(model)]) {
      const report = (message: string) =>
        out.push({ severity: 'error', rule: this.id, subject: describeObject(o), message, source: sourceOf(model, o) });
      // Measured exactly only when the bound could be over the limit (a few objects, if any).
      const bytes = requestBytes(o);
      if (bytes > REQUEST_MAX_BYTES)
        report(
          `is ${mib(bytes)}, over the ${mib(REQUEST_MAX_BYTES)} the API server (etcd) accepts in one request; split what it holds`,
        );
      if (o.kind === 'ConfigMap') {
        const values = (o as { data?: Record<string, string> }).data ?? {};
        const data = configMapDataBytes(values);
        if (data > CONFIGMAP_DATA_MAX_BYTES)
          report(
            `holds ${data} bytes of data, over the ${CONFIGMAP_DATA_MAX_BYTES} bytes (1 MiB) a ConfigMap may hold${oversizeRecord(values)}`,
          );
      }
    }
    return out;
  },
};
