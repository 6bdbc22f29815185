import { describeRule } from '../analysis/classes.ts';
import { userInfo, type Decision } from '../analysis/authorizer.ts';
import { defineCommand } from './command.ts';
import { UsageError } from '../model/errors.ts';
import { loadAuthorizer, resolveTarget, warnUnknown } from './rbac.ts';
import { DEFAULT_OUTPUT_DIR } from './output.ts';

const CAN_I_HELP = `Usage: orgctl can-i VERB TYPE[/NAME] [--subresource SUB] [-n NS] --as USER [--as-group GROUP]... [--dir DIR] [--why]
       orgctl can-i VERB /NON-RESOURCE-URL --as USER [--as-group GROUP]... [--dir DIR]

Answers as the Kubernetes RBAC authorizer would, offline, from the manifests in DIR (default dist/):
prints yes (exit 0) or no (exit 1). The arguments are kubectl auth can-i's.

  TYPE            pods, po, pod, deployments.apps, widgets.example.com, or *
  --as USER       the user; a service account is system:serviceaccount:NS:NAME
  --as-group G    a group of the user (repeatable); system:authenticated is always added
  -n NS           the namespace (default: default); ignored for cluster-scoped types
  --why           also print the binding, role and rule that decide
Examples:
  orgctl can-i create deployments.apps -n web --as bob@acme.io
  orgctl can-i get pods --subresource exec -n web --as system:serviceaccount:acme-system:token-ci-deploy
  orgctl can-i get /healthz --as bob@acme.io`;

function explain(d: Decision): string {
  if (!d.by) return 'no RoleBinding or ClusterRoleBinding of this user allows it';
  const { binding, role, rule, ruleIndex } = d.by;
  return `${binding.kind} ${binding.namespace ? `${binding.namespace}/` : ''}${binding.name} → ${role.kind} ${role.name}, rule ${ruleIndex}: ${describeRule(rule)}`;
}

export const command = defineCommand({
  name: 'can-i',
  summary: 'yes or no, as the Kubernetes RBAC authorizer would answer, from DIR (default dist/).',
  help: CAN_I_HELP,
  flags: {
    as: 'string',
    'as-group': 'list',
    namespace: 'string',
    subresource: 'string',
    dir: 'string',
    why: 'boolean',
  },
  aliases: { n: 'namespace' },
  positionals: true,
  run({ flags, positionals }, io) {
    if (positionals.length !== 2)
      throw new UsageError(`expected VERB and TYPE[/NAME], got ${positionals.length} argument(s)`);
    if (!flags.as) throw new UsageError('--as USER is required: orgctl answers for a user, never for you');
    const [verb, what] = positionals as [string, string];
    const user = userInfo(flags.as, flags['as-group']);
    const authz = loadAuthorizer(flags.dir ?? DEFAULT_OUTPUT_DIR, io);
    let decision: Decision;
    if (what.startsWith('/')) {
      if (flags.subresource !== undefined || flags.namespace !== undefined)
        throw new UsageError('a non-resource URL takes neither --subresource nor -n');
      warnUnknown(authz, io, { user: flags.as });
      decision = authz.authorizeNonResource(user, { verb, path: what });
    } else {
      const t = resolveTarget(what, flags.subresource ?? '', io);
      let namespace = flags.namespace ?? 'default';
      if (!t.namespaced) {
        if (flags.namespace !== undefined) io.err(`warning: resource '${t.resource}' is not namespace scoped`);
        namespace = '';
      }
      warnUnknown(authz, io, { user: flags.as, ...(flags.namespace !== undefined && namespace ? { namespace } : {}) });
      decision = authz.authorize(user, {
        verb,
        namespace,
        apiGroup: t.apiGroup,
        resource: t.resource,
        subresource: t.subresource,
        name: t.name,
      });
    }
    io.out(decision.allowed ? 'yes' : 'no');
    if (flags.why) io.err(explain(decision));
    return decision.allowed ? 0 : 1;
  },
});
