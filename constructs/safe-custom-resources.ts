/**
 * The organization's `safeCustomResources`, checked where they are given (an early DeclarationError
 * naming the path, what was given and what is allowed) and normalized into the model's sorted data.
 * A declaration lifts `forbidden-grant` for the resources it names, so it names them exactly: one
 * API group Kubernetes does not serve itself, resources by name (never `*`), none a privilege class
 * reserves, and the reason a reviewer reads.
 */
import { BUILTIN_GROUPS, SAFE_CLAIM, unsafeDeclaration } from '../analysis/classes.ts';
import { sortBy, type SafeCustomResource } from '../model/model.ts';
import { DNS1123_LABEL_BODY, DNS1123_LABEL_MAX, dns1123SubdomainProblem } from '../policies/org/kubernetes-names.ts';
import { declaredRecords, failAt, show } from './props.ts';

/** A custom resource non-admins may write: an admin's word that no controller runs code from it. */
export interface SafeCustomResourceProps {
  /** The API group, e.g. `cert-manager.io`: not one Kubernetes serves itself. */
  readonly group: string;
  /** Plural resource names as RBAC rules name them (`certificates`, `widgets/status`); never `*`. */
  readonly resources: readonly string[];
  /** Why no controller makes pods, reads Secrets or takes identities from them: the review shows it. */
  readonly reason: string;
}

const FIELDS = ['group', 'resources', 'reason'];
// A plural resource name, or `resource/subresource`, each a DNS label (at most 63 characters).
const RESOURCE = new RegExp(`^${DNS1123_LABEL_BODY}(/${DNS1123_LABEL_BODY})?$`);
const EXAMPLE =
  "{ group: 'monitoring.coreos.com', resources: ['prometheusrules'], reason: 'alerting and recording rules only' }";

/** The declaration, checked and sorted (by group, each group's resources by name); undefined when none. */
export function safeCustomResourcesOf(where: string, value: unknown): readonly SafeCustomResource[] | undefined {
  if (value === undefined) return undefined;
  const groups = new Set<string>();
  const out = declaredRecords(where, 'safeCustomResources', value, FIELDS, EXAMPLE).map(({ at, entry }) => {
    const { group, resources, reason } = entry;
    if (typeof group === 'string' && BUILTIN_GROUPS.has(group))
      failAt(
        where,
        `${at}.group`,
        `${show(group)} is an API group Kubernetes serves itself: orgctl judges its resources by what their rules allow, so there is nothing to declare`,
      );
    if (typeof group !== 'string' || dns1123SubdomainProblem(group) !== undefined)
      failAt(where, `${at}.group`, `${show(group)} is not an API group name (one group, e.g. 'cert-manager.io')`);
    if (groups.has(group)) failAt(where, `${at}.group`, `${show(group)} is declared twice: list its resources once`);
    groups.add(group);
    if (!Array.isArray(resources) || !resources.length)
      failAt(where, `${at}.resources`, `${show(resources)} is not a list of resource names, e.g. ['certificates']`);
    resources.forEach((r: unknown, j) => {
      if (typeof r !== 'string' || !RESOURCE.test(r) || r.split('/').some((part) => part.length > DNS1123_LABEL_MAX))
        failAt(
          where,
          `${at}.resources[${j}]`,
          `${show(r)} is not a resource name (plural, lower case, e.g. 'certificates' or 'widgets/status'; never *)`,
        );
      const reserved = unsafeDeclaration(group, r);
      if (reserved) failAt(where, `${at}.resources[${j}]`, `${r}.${group} ${reserved}`);
    });
    if (typeof reason !== 'string' || !reason.trim())
      failAt(where, `${at}.reason`, `${show(reason)} is not a reason: say why ${SAFE_CLAIM} these resources`);
    return { group, resources: [...new Set(resources as string[])].sort(), reason };
  });
  return sortBy(out, (s) => s.group);
}
