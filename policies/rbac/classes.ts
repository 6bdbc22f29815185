/**
 * Privilege classes: what a set of rules really lets a subject do, judged from the rules,
 * never from names. A class holds when any rule allows any of its probe requests, for any
 * object name (a rule limited to `resourceNames` still holds the class on those objects).
 */
import type { PolicyRule } from '../../constructs/catalog.ts';
import { apiGroupMatches, resourceMatches, verbMatches } from './rules.ts';

export type ClassId = 'run-pods' | 'exec' | 'read-secrets' | 'identity' | 'escalate' | 'webhooks' | 'node-host' | 'network';

export interface PrivilegeClass {
  readonly id: ClassId;
  readonly title: string;
  /** Why it matters, one line. */
  readonly why: string;
  /** For users who are not admins: error (`forbidden-grant`) or warning (`risky-grant`). */
  readonly severity: 'error' | 'warning';
  readonly probes: readonly Probe[];
}

/** verbs × group × resources (with `res/sub` for subresources). */
interface Probe {
  readonly verbs: readonly string[];
  readonly group: string;
  readonly resources: readonly string[];
  /** Cluster-scoped objects: only a ClusterRoleBinding can grant these. */
  readonly clusterOnly?: boolean;
}

/** Where a rule was granted: a RoleBinding's rules act only on that namespace's objects. */
export type Scope = 'namespace' | 'cluster';

const WRITE = ['create', 'update', 'patch'];
const p = (verbs: readonly string[], group: string, ...resources: string[]): Probe => ({ verbs, group, resources });
const cluster = (verbs: readonly string[], group: string, ...resources: string[]): Probe => ({ verbs, group, resources, clusterOnly: true });

export const CLASSES: readonly PrivilegeClass[] = [
  {
    id: 'run-pods',
    title: 'run arbitrary pods',
    why: 'a pod runs any image with any ServiceAccount of its namespace, and can mount its Secrets',
    severity: 'error',
    probes: [
      p(WRITE, '', 'pods', 'replicationcontrollers'),
      p(['update', 'patch'], '', 'pods/ephemeralcontainers'),
      p(WRITE, 'apps', 'deployments', 'replicasets', 'statefulsets', 'daemonsets'),
      p(WRITE, 'batch', 'jobs', 'cronjobs'),
    ],
  },
  {
    id: 'exec',
    title: 'exec into pods',
    why: 'a shell in a running container acts with its identity and sees its secrets (WebSocket exec is a GET)',
    severity: 'error',
    probes: [p(['get', 'create'], '', 'pods/exec', 'pods/attach'), cluster(['get', 'create', 'update', 'patch', 'delete'], '', 'nodes/proxy')],
  },
  {
    id: 'read-secrets',
    title: 'read Secrets',
    why: 'Secrets hold credentials: passwords, keys and ServiceAccount tokens',
    severity: 'warning',
    probes: [p(['get', 'list', 'watch'], '', 'secrets')],
  },
  {
    id: 'identity',
    title: 'take over identities',
    why: 'minting tokens, creating token Secrets, impersonating or approving certificates lets a subject act as someone else',
    severity: 'error',
    probes: [
      p(['create'], '', 'serviceaccounts/token', 'secrets'),
      p(['impersonate'], '', 'serviceaccounts'),
      cluster(['impersonate'], '', 'users', 'groups'),
      cluster(['impersonate'], 'authentication.k8s.io', 'uids', 'userextras', 'userextras/scopes'),
      cluster(['update', 'patch'], 'certificates.k8s.io', 'certificatesigningrequests/approval'),
      cluster(['approve'], 'certificates.k8s.io', 'signers'),
    ],
  },
  {
    id: 'escalate',
    title: 'escalate RBAC',
    why: 'writing roles or bindings (or escalate/bind) grants any permission, to oneself included',
    severity: 'error',
    probes: [
      // bind/escalate on clusterroles count in a namespace too: they let one bind a ClusterRole there.
      p(['escalate', 'bind'], 'rbac.authorization.k8s.io', 'roles', 'clusterroles'),
      p(WRITE, 'rbac.authorization.k8s.io', 'roles', 'rolebindings'),
      cluster(WRITE, 'rbac.authorization.k8s.io', 'clusterroles', 'clusterrolebindings'),
    ],
  },
  {
    id: 'webhooks',
    title: 'control admission webhooks',
    why: 'a webhook sees and can rewrite every object sent to the cluster, or switch policy off',
    severity: 'warning',
    probes: [cluster([...WRITE, 'delete'], 'admissionregistration.k8s.io', 'mutatingwebhookconfigurations', 'validatingwebhookconfigurations')],
  },
  {
    id: 'node-host',
    title: 'reach nodes and the host',
    why: 'PersistentVolumes mount host paths, node status steers scheduling, namespace labels lift pod security',
    severity: 'warning',
    // A RoleBinding in namespace X reaches Namespace object X itself (its pod-security labels).
    probes: [cluster(WRITE, '', 'persistentvolumes', 'nodes', 'nodes/status'), p(['update', 'patch'], '', 'namespaces')],
  },
  {
    id: 'network',
    title: 'intercept network traffic',
    why: 'writing Endpoints or a Service status redirects traffic meant for others',
    severity: 'warning',
    probes: [p(['update', 'patch'], '', 'services/status'), p(WRITE, '', 'endpoints'), p(WRITE, 'discovery.k8s.io', 'endpointslices')],
  },
];

export const CLASS_BY_ID: ReadonlyMap<ClassId, PrivilegeClass> = new Map(CLASSES.map((c) => [c.id, c]));

/** Whether one rule allows some request of the probe (for some object name). */
function ruleHitsProbe(rule: PolicyRule, probe: Probe): boolean {
  if (!apiGroupMatches(rule, probe.group)) return false;
  if (!probe.verbs.some((v) => verbMatches(rule, v))) return false;
  return probe.resources.some((res) => {
    const slash = res.indexOf('/');
    return slash < 0 ? resourceMatches(rule, res) : resourceMatches(rule, res.slice(0, slash), res.slice(slash + 1));
  });
}

/** The classes a rule holds where it was granted, in catalog order. */
export function classesOfRule(rule: PolicyRule, scope: Scope): ClassId[] {
  return CLASSES.filter((c) => c.probes.some((pr) => (scope === 'cluster' || !pr.clusterOnly) && ruleHitsProbe(rule, pr))).map((c) => c.id);
}

/** The classes a set of rules holds (the union of its rules': each probe is one request). */
export function classesOf(rules: readonly PolicyRule[], scope: Scope): ClassId[] {
  const held = new Set(rules.flatMap((r) => classesOfRule(r, scope)));
  return CLASSES.filter((c) => held.has(c.id)).map((c) => c.id);
}

/**
 * Why rules holding admin-only classes are refused, for a finding: `lets a non-admin run
 * arbitrary pods (rule 1: create on jobs.batch): reserved for admins, because ...`. One text for
 * the policy on the declaration and the judgement of the synthesized output.
 */
export function reservedForAdmins(classes: readonly ClassId[], ruleIndex: number, rule: PolicyRule): string {
  return `lets a non-admin ${classes.map((c) => CLASS_BY_ID.get(c)!.title).join(', ')} (rule ${ruleIndex}: ${describeRule(rule)}): reserved for admins, because ${CLASS_BY_ID.get(classes[0]!)!.why}`;
}

/** A rule for people: `create on deployments.apps`. */
export function describeRule(rule: PolicyRule): string {
  if (rule.nonResourceURLs?.length) return `${rule.verbs.join(',')} on ${rule.nonResourceURLs.join(',')}`;
  const groups = rule.apiGroups ?? [];
  const res = (rule.resources ?? []).flatMap((r) => groups.map((g) => (g === '' ? r : `${r}.${g}`)));
  const names = rule.resourceNames?.length ? ` named ${rule.resourceNames.join(',')}` : '';
  return `${rule.verbs.join(',')} on ${res.join(',') || '(no resources)'}${names}`;
}
