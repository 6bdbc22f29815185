/** What can-i, who-can and access share: loading a folder of manifests into an Authorizer. */
import { Authorizer, SA_PREFIX } from '../analysis/authorizer.ts';
import { isBootstrapBinding, withBootstrap } from '../analysis/bootstrap.ts';
import { readRbac } from '../analysis/objects.ts';
import { resolveResource } from '../analysis/resources.ts';
import { UsageError } from '../model/errors.ts';
import type { Io } from '../model/io.ts';
import { loadManifests } from './manifests.ts';

const MAX_DANGLING_SHOWN = 20;

/** The flag can-i, who-can, access and explain share: leave out the bootstrap bindings every cluster has. */
export const NO_BOOTSTRAP_FLAG = 'no-bootstrap';
export const NO_BOOTSTRAP_HELP = `  --${NO_BOOTSTRAP_FLAG}  leave out the bootstrap ClusterRoleBindings every cluster has (system:discovery,
                  system:basic-user, system:public-info-viewer: discovery, health and self-reviews
                  for every authenticated user); by default they count, as on a cluster`;

/**
 * Loads `dir`; every malformed document is reported on stderr and left out, and so is every binding
 * whose role is missing (it grants nothing, which is otherwise a silent "no"). Unless `bootstrap` is
 * false, the API server's bootstrap roles and bindings are added (analysis/bootstrap.ts).
 */
export function loadAuthorizer(dir: string, io: Io, options: { readonly bootstrap?: boolean } = {}): Authorizer {
  io.progress?.(`reading ${dir}/...`);
  const { docs, problems } = loadManifests(dir);
  io.progress?.('');
  const read = readRbac(docs);
  for (const p of [...problems, ...read.problems]) io.err(`warning manifests ${p}`);
  const bootstrap = options.bootstrap ?? true;
  const authz = new Authorizer(bootstrap ? withBootstrap(read) : read);
  if (!read.roles.length && !read.bindings.length) {
    io.err(
      `warning manifests ${dir} holds no RBAC (no Role, ClusterRole or binding): ${bootstrap ? 'only the bootstrap bindings every cluster has apply' : 'every answer is no'}`,
    );
  }
  const dangling = authz.bindingsWithoutRole();
  for (const b of dangling.slice(0, MAX_DANGLING_SHOWN)) {
    io.err(
      `warning manifests ${b.kind} ${b.namespace ? `${b.namespace}/` : ''}${b.name}: its ${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)} is not among these manifests${b.roleRef.kind === 'Role' ? ` (in ${b.namespace})` : ''}, so it is counted as granting nothing, as the API server does when a role does not exist${b.roleRef.kind === 'ClusterRole' ? ' (a built-in ClusterRole counts only when the dump holds it)' : ''}`,
    );
  }
  if (dangling.length > MAX_DANGLING_SHOWN)
    io.err(`warning manifests ...and ${dangling.length - MAX_DANGLING_SHOWN} more bindings whose role does not exist`);
  return authz;
}

export interface Target {
  readonly apiGroup: string;
  readonly resource: string;
  readonly subresource: string;
  readonly name: string;
  readonly namespaced: boolean;
}

/** A kubectl TYPE[/NAME] argument: `pods`, `po/web-1`, `deployments.apps`, `widgets.example.com`, `*`. */
export function resolveTarget(arg: string, subresource: string, io: Io): Target {
  const slash = arg.indexOf('/');
  const type = slash < 0 ? arg : arg.slice(0, slash);
  const name = slash < 0 ? '' : arg.slice(slash + 1);
  if (!type) throw new UsageError(`${JSON.stringify(arg)} names no resource type`);
  if (type === '*') return { apiGroup: '*', resource: '*', subresource, name, namespaced: true };
  // kubectl's resource.version.group (deployments.v1.apps): the version says nothing to RBAC.
  const parts = type.split('.');
  if (parts.length >= 3 && /^v\d+((alpha|beta)\d+)?$/.test(parts[1]!))
    return resolveTarget([parts[0], ...parts.slice(2)].join('.') + (name ? `/${name}` : ''), subresource, io);
  const known = resolveResource(type);
  if (known)
    return { apiGroup: known.group, resource: known.resource, subresource, name, namespaced: known.namespaced };
  const dot = type.indexOf('.');
  io.err(
    `warning: ${JSON.stringify(type)} is not a built-in resource type; checking it as ${dot < 0 ? `${type} in the core group` : `${type.slice(0, dot)} in group ${type.slice(dot + 1)}`}`,
  );
  return dot < 0
    ? { apiGroup: '', resource: type.toLowerCase(), subresource, name, namespaced: true }
    : {
        apiGroup: type.slice(dot + 1).toLowerCase(),
        resource: type.slice(0, dot).toLowerCase(),
        subresource,
        name,
        namespaced: true,
      };
}

/**
 * Says on stderr when a question names someone or somewhere the manifests never mention: the
 * answer is still the authorizer's (no), but a typo should not read as a considered "no".
 */
export function warnUnknown(
  authz: Authorizer,
  io: Io,
  ask: { readonly user?: string; readonly namespace?: string },
): void {
  const { user, namespace } = ask;
  if (user !== undefined) {
    const sa = user.startsWith(SA_PREFIX) ? user.slice(SA_PREFIX.length).split(':') : undefined;
    const named = sa ? authz.namesSubject('ServiceAccount', sa[1] ?? '', sa[0]) : authz.namesSubject('User', user);
    if (!named && authz.set.bindings.some((b) => !isBootstrapBinding(b))) {
      io.err(
        `warning: ${user} is named in no binding of these manifests (a typo? a user is named as in its bindings, with any identity prefix); only bindings of its groups can apply`,
      );
    }
  }
  if (
    namespace !== undefined &&
    namespace !== '' &&
    authz.set.bindings.some((b) => !isBootstrapBinding(b)) &&
    !authz.hasBindingsIn(namespace)
  ) {
    io.err(
      `warning: namespace ${namespace} has no RoleBinding in these manifests (a typo?); only cluster-wide bindings can apply there`,
    );
  }
}
