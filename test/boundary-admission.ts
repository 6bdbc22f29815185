/**
 * The boundary's policy (synth/boundary.ts) as the API server evaluates it, for the tests that
 * judge requests under it (test/boundary.test.ts, the red teams'): its resource rules, then match
 * conditions, then validations, each variable evaluated when an expression first reads it (as the
 * API server's composition does: an error of one no validation reads denies nothing), its CEL run
 * by a CEL implementation (`@bufbuild/cel`, conformance-tested against cel-go, the CEL the API
 * server runs); an error denies (failurePolicy Fail), with the error's message, not the
 * validation's: a refusal test that matches a validation's message fails when the expression errs.
 * `request` is the API server's AdmissionRequest as its JSON has it (k8s.io/apiserver
 * admission/plugin/cel: CreateAdmissionRequest, converted to unstructured): `namespace`, `name` and
 * `subResource` are `omitempty`, so a cluster-scoped request has no `namespace` key at all, and
 * reading it is an error ("no such key"), not ''.
 */
import { celEnv, isCelError, parse, plan } from '@bufbuild/cel';
import { applicationName } from '../synth/tracking.ts';
import { docs, smallOrg } from './helpers.ts';

export const ARGO = 'system:serviceaccount:argocd:argocd-application-controller';
export const REPO = 'https://github.com/acme/org.git';
export const BOUNDARY_FILE = 'argocd/boundary.yaml';

export type Obj = Record<string, any>;
export type Tracking = 'label' | 'annotation';

/** An organization over two clusters with every kind orgctl writes, and the boundary declared. */
export function organization(extra: Record<string, unknown> = {}) {
  const { app, org, alice, web } = smallOrg({
    clusters: ['lga1', 'ord1'],
    argocd: { repoURL: REPO, namedClusterResources: true, boundary: { appliedBy: ARGO } } as never,
    ...extra,
  });
  const bob = org.user('bob@acme.io');
  web.grant(bob, 'r:pods');
  org
    .namespace('ml', {
      clusters: ['lga1'],
      quota: { pods: '10' },
      limits: { max: { cpu: '2' } },
      // kube2iam: the roles the namespace's pods may assume.
      annotations: { 'iam.amazonaws.com/permitted': 'arn:aws:iam::123456789012:role/ml-.*' },
    })
    .grant(bob, 'w:services');
  org.namespace('data', { networkPolicy: 'same-namespace', podSecurity: 'restricted' });
  org.token('ci-deploy', { owner: alice, namespaces: ['web'] });
  org.token('reader', { owner: alice }).allow('data', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]);
  return { app, org };
}

/**
 * An organization protecting its namespaces (namespaceProtection, not the boundary); bob may write
 * NetworkPolicies and LimitRanges in `data`, which declares every guard rail.
 */
export function protectedOrg(argocd?: Record<string, unknown>) {
  const { app, org } = smallOrg({
    namespaceProtection: { appliedBy: ARGO },
    ...(argocd ? { argocd: argocd as never } : {}),
  });
  const data = org.namespace('data', {
    networkPolicy: 'same-namespace',
    limits: { max: { cpu: '2' } },
    quota: { pods: '10' },
  });
  const bob = org.user('bob@acme.io');
  data.grant(bob, 'w:networkpolicies');
  data.grantRules(bob, [{ apiGroups: [''], resources: ['limitranges'], verbs: ['create', 'update', 'patch'] }]);
  return { app, org };
}

/** An object's API group, '' for the core group. */
const groupOf = (o: Obj): string => (String(o.apiVersion).includes('/') ? String(o.apiVersion).split('/')[0]! : '');

/** The object as Argo CD sends it to the API server: its Application's tracking added. */
export function tracked(o: Obj, app: string, how: Tracking, labelKey = 'app.kubernetes.io/instance'): Obj {
  const group = groupOf(o);
  const m = o.metadata ?? {};
  return {
    ...o,
    metadata:
      how === 'label'
        ? { ...m, labels: { ...m.labels, [labelKey]: app } }
        : {
            ...m,
            annotations: {
              ...m.annotations,
              'argocd.argoproj.io/tracking-id': `${app}:${group}/${o.kind}:${m.namespace ?? ''}/${m.name}`,
            },
          },
  };
}

/** An object orgctl writes with `labels` added, as Argo CD sends it for `w`'s Application. */
export const withLabels = (
  w: { readonly app: string; readonly object: Obj },
  labels: Record<string, string>,
  how: Tracking = 'label',
): Obj =>
  tracked(
    { ...w.object, metadata: { ...w.object.metadata, labels: { ...w.object.metadata.labels, ...labels } } },
    w.app,
    how,
  );

export interface Request {
  readonly operation: 'CREATE' | 'UPDATE' | 'DELETE';
  readonly username: string;
  /** The object written (CREATE, UPDATE) or deleted (DELETE). */
  readonly object: Obj;
  /** The object before an UPDATE (the same object unless given). */
  readonly oldObject?: Obj;
  /**
   * The request's namespace, when not the object's: a Namespace's own name for a request on a
   * Namespace, as the API server's request info reads `/api/v1/namespaces/NAME`.
   */
  readonly namespace?: string;
  /** The subresource written (`finalize` in PUT /api/v1/namespaces/NAME/finalize), none unless given. */
  readonly subResource?: string;
  /**
   * The Namespace a namespaced object is written in, as the API server looks it up: its labels for
   * a policy's namespaceSelector, and CEL's `namespaceObject`. Needed only under a namespaceSelector.
   */
  readonly namespaceObject?: Obj;
  /**
   * The request's options as the API server hands them to admission (`request.options`): a
   * DELETE's DeleteOptions (`propagationPolicy`, `orphanDependents`), none given an empty object.
   */
  readonly options?: Obj;
  /**
   * The request's name, when not the object's: none in a deletecollection, whose items admission
   * judges one by one with the collection's attributes (k8s.io/apiserver registry/rest
   * AdmissionToValidateObjectDeleteFunc: the item as oldObject, the name the request's, '').
   */
  readonly name?: string;
}

interface Verdict {
  /** Whether the policy applies to the request at all (its match conditions). */
  readonly matched: boolean;
  /** The messages of the validations that deny it (an expression error denies too). */
  readonly denied: readonly string[];
}

const CEL = celEnv();
const PLANNED = new Map<string, (bindings: never) => unknown>();

/** An expression's value, or an Error (CEL's own, or a parse error): each expression parsed once. */
function evaluate(expression: string, bindings: Record<string, unknown>): unknown {
  try {
    let program = PLANNED.get(expression);
    if (!program) PLANNED.set(expression, (program = plan(CEL, parse(expression)) as (bindings: never) => unknown));
    const value = program(bindings as never);
    return isCelError(value) ? new Error(String(value)) : value;
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

/** An object as admission sees it: the API server labels every Namespace with its name first. */
function stored(o: Obj): Obj {
  if (o.kind !== 'Namespace') return o;
  const labels = { ...o.metadata.labels, 'kubernetes.io/metadata.name': o.metadata.name };
  return { ...o, metadata: { ...o.metadata, labels } };
}

/** The resource a kind is served as: its plural, in lower case (every kind orgctl writes is regular). */
const resourceOf = (kind: string): string => `${kind.toLowerCase().replace(/y$/, 'ie')}s`;

/** Whether a rule's groups, versions or operations list `value` (`*` lists each). */
const lists = (entries: readonly string[], value: string): boolean => entries.includes('*') || entries.includes(value);

/**
 * Whether one of the policy's resource rules matches the request, as the API server's matcher
 * reads a rule (k8s.io/apiserver admission/plugin/webhook/predicates/rules): each resource entry
 * is `resource` or `resource/subresource`, `*` matching any; an entry without a `/` matches no
 * subresource (`*` is every resource and none of their subresources; `*\/*` is both).
 */
function matchesResourceRules(policy: Obj, r: Request, group: string, version: string): boolean {
  const rules = policy.spec.matchConstraints.resourceRules as Obj[];
  return rules.some(
    (rule) =>
      lists(rule.apiGroups, group) &&
      lists(rule.apiVersions, version) &&
      lists(rule.operations, r.operation) &&
      noResourceNames(rule) &&
      (rule.resources as string[]).some((entry) => {
        const [resource, sub = ''] = entry.split(/\/(.*)/s);
        return (
          (resource === '*' || resource === resourceOf(r.object.kind)) && (sub === '*' || sub === (r.subResource ?? ''))
        );
      }),
  );
}

/** A rule naming resources is not modelled here: a test of a policy with one must not pass by ignoring it. */
function noResourceNames(rule: Obj): true {
  if (rule.resourceNames?.length) throw new Error('boundary-admission: resourceNames are not modelled');
  return true;
}

/** A JSON object as Go's encoding/json writes a struct: its `omitempty` fields left out when empty. */
const omitEmpty = (o: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([k, v]) => !(keys.includes(k) && (v === '' || v === undefined))));

/**
 * The policy's variables, each evaluated when an expression first reads it and kept for the
 * request (a Map, which the CEL implementation reads a key at a time): one that errs makes the
 * expression reading it err, as the API server's composition does. (The error aborts the whole
 * expression, where CEL's `||` would take a true other side: this may deny what the API server
 * admits, never admit what it denies.)
 */
class LazyVariables extends Map<string, unknown> {
  readonly #values = new Map<string, unknown>();
  constructor(
    private readonly expressions: ReadonlyMap<string, string>,
    private readonly bindings: Record<string, unknown>,
  ) {
    super();
  }
  override get(name: string): unknown {
    const expression = this.expressions.get(name);
    if (expression === undefined) return undefined;
    if (!this.#values.has(name)) this.#values.set(name, evaluate(expression, this.bindings));
    const value = this.#values.get(name);
    if (value instanceof Error) throw new Error(`variable ${name}: ${value.message}`);
    return value;
  }
  override has(name: string): boolean {
    return this.expressions.has(name);
  }
}

/**
 * Whether the policy's objectSelector (its matchLabels) selects the request: as the API server
 * reads it, on the old and the new object, either one matching; a null object (the old one of a
 * CREATE, the new one of a DELETE) matches nothing. No selector selects everything.
 */
function selected(policy: Obj, r: Request, o: Obj): boolean {
  const wanted = (policy.spec.matchConstraints.objectSelector?.matchLabels ?? {}) as Record<string, string>;
  const matches = (x: Obj | undefined) =>
    x !== undefined && Object.entries(wanted).every(([k, v]) => x.metadata?.labels?.[k] === v);
  if (r.operation === 'DELETE') return matches(o);
  return matches(o) || (r.operation === 'UPDATE' && matches(stored(r.oldObject ?? o)));
}

/**
 * Whether the policy's namespaceSelector (its matchLabels) selects the request, as the API server
 * reads it (admission/plugin/webhook/predicates/namespace): a Namespace by its own labels (the old
 * object's on DELETE), any other cluster-scoped object always, a namespaced one by its Namespace's
 * labels. No selector selects everything.
 */
function namespaceSelected(policy: Obj, r: Request, o: Obj): boolean {
  const wanted = policy.spec.matchConstraints.namespaceSelector?.matchLabels as Record<string, string> | undefined;
  if (!wanted) return true;
  const matches = (x: Obj) => Object.entries(wanted).every(([k, v]) => x.metadata?.labels?.[k] === v);
  if (o.kind === 'Namespace') return matches(o);
  if (o.metadata.namespace === undefined) return true;
  if (!r.namespaceObject) throw new Error('boundary-admission: a namespaceSelector needs the request namespaceObject');
  return matches(stored(r.namespaceObject));
}

/** What the API server answers a request, under the policy, as it evaluates one. */
export function admission(policy: Obj, r: Request): Verdict {
  const o = stored(r.object);
  const group = groupOf(o);
  const version = String(o.apiVersion).split('/').pop()!;
  if (!matchesResourceRules(policy, r, group, version) || !selected(policy, r, o) || !namespaceSelected(policy, r, o))
    return { matched: false, denied: [] };
  const bindings: Record<string, unknown> = {
    request: omitEmpty(
      {
        operation: r.operation,
        userInfo: { username: r.username },
        kind: { group, version, kind: o.kind },
        namespace: r.namespace ?? o.metadata.namespace ?? '',
        name: r.name ?? o.metadata.name,
        subResource: r.subResource ?? '',
        options: r.options ?? {},
      },
      ['namespace', 'name', 'subResource'],
    ),
    object: r.operation === 'DELETE' ? null : o,
    oldObject: r.operation === 'CREATE' ? null : r.operation === 'DELETE' ? o : stored(r.oldObject ?? o),
    namespaceObject: r.namespaceObject ? stored(r.namespaceObject) : null,
  };
  // Every match condition is evaluated: one false and the policy does not apply, an error else denies.
  const conditions = ((policy.spec.matchConditions ?? []) as { name: string; expression: string }[]).map((c) => ({
    name: c.name,
    value: evaluate(c.expression, bindings),
  }));
  if (conditions.some((c) => c.value === false)) return { matched: false, denied: [] };
  const failed = conditions.filter((c) => c.value !== true);
  if (failed.length)
    return { matched: true, denied: failed.map((c) => `match condition ${c.name}: ${errorText(c.value)}`) };
  const expressions = new Map(
    ((policy.spec.variables ?? []) as { name: string; expression: string }[]).map((v) => [v.name, v.expression]),
  );
  bindings.variables = new LazyVariables(expressions, bindings);
  const denied = (policy.spec.validations as { expression: string; message: string }[]).flatMap((v) => {
    const value = evaluate(v.expression, bindings);
    if (value === true) return [];
    return [value instanceof Error ? `expression resulted in error: ${value.message}` : v.message];
  });
  return { matched: true, denied };
}

const errorText = (value: unknown): string =>
  value instanceof Error ? value.message : `not a boolean: ${String(value)}`;

/** Every object of the output with the Application that applies it (by its file's cluster and shard). */
export function writtenObjects(
  out: Map<string, string>,
  organization = 'acme',
): { app: string; cluster: string; object: Obj }[] {
  return [...out.entries()]
    .filter(([p]) => p.endsWith('/resources.yaml'))
    .flatMap(([p, text]) => {
      const [cluster, shard] = p.split('/') as [string, string];
      return docs(text).map((object) => ({ app: applicationName(organization, cluster, shard), cluster, object }));
    });
}

export const boundaryOf = (out: Map<string, string>) => {
  const [policy, binding] = docs(out.get(BOUNDARY_FILE)!);
  return { policy: policy!, binding: binding! };
};
