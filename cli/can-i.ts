import { type Authorizer, userInfo, type Decision, type ResourceAttributes } from '../analysis/authorizer.ts';
import { bootstrapNote, isBootstrapAccess } from '../analysis/bootstrap.ts';
import { combineResourceGroup, goList, listAccess, type ListedRule } from '../analysis/rules-review.ts';
import { type AskedOutput, endedAnswer, type EndedAccess } from '../analysis/ended-access.ts';
import { dateFlag } from './args.ts';
import { defineCommand } from './command.ts';
import { UsageError } from '../model/errors.ts';
import {
  answeringClusters,
  checkVerb,
  CLUSTER_FLAG,
  CLUSTER_HELP,
  clusterBindings,
  loadRbacRead,
  NO_BOOTSTRAP_FLAG,
  NO_BOOTSTRAP_HELP,
  parseTarget,
  resourceQuestion,
  warnUnknown,
} from './rbac.ts';
import { DEFAULT_OUTPUT_DIR } from './output.ts';
import { showHidden, shownName } from '../model/text.ts';
import { askedOutput } from './written-from.ts';
import { DEFAULT_NAMESPACE, resolveToday } from '../model/model.ts';

const CAN_I_HELP = `Usage: orgctl can-i VERB TYPE[/NAME] [--subresource SUB] [-n NS | -A] --as USER [--as-group GROUP]... [--dir DIR] [--cluster NAME] [--why] [--today YYYY-MM-DD] [--format text|json] [--no-bootstrap]
       orgctl can-i VERB /NON-RESOURCE-URL --as USER [--as-group GROUP]... [--dir DIR] [--cluster NAME] [--why] [--format text|json] [--no-bootstrap]
       orgctl can-i --list [-n NS] --as USER [--as-group GROUP]... [--dir DIR] [--cluster NAME] [--no-headers] [--format text|json] [--no-bootstrap]

Answers as the Kubernetes RBAC authorizer would, offline, from the manifests in DIR (default dist/):
prints yes (exit 0) or no (exit 1). The arguments are kubectl auth can-i's.
In orgctl's output only the cluster/ shards and the namespace's shard are parsed; the other files'
bytes are searched for the namespace and the user, and a file that may hold either is parsed too
(kubectl applies an object wherever it is written: one placed elsewhere than orgctl places it is
refused); anything outside orgctl's layout is read whole.

  TYPE            pods, po, pod, deployments.apps, widgets.example.com, or * (as kubectl asks it:
                  resource * of the core group)
  --as USER       the user; a service account is system:serviceaccount:NS:NAME
  --as-group G    a group of the user (repeatable); system:authenticated is always added
  -n NS           the namespace (default: default); ignored for cluster-scoped types
  -A, --all-namespaces
                  ask for all namespaces at once, as kubectl does (namespace ""): only
                  ClusterRoleBindings can allow that, never a RoleBinding in each namespace
  --list          everything the user may do in the namespace, as kubectl auth can-i --list prints it
                  (Resources, Non-Resource URLs, Resource Names, Verbs); --no-headers leaves out the header
  --why           also print the binding, role and rule that decide (on stdout, after the answer)
  --today DATE    the day a temporary grant's end is judged on (default: ORGCTL_TODAY, else today). A
                  yes that only a grant ended before it gives stays yes (dist/ binds it until it is
                  synthesized again and Argo CD syncs), with a warning on stderr ("ended" in JSON)
                  naming whose access, what, where and when it ended, from the end dist/ records
  --format json   the answer, the request and what decides it as JSON (exit code as in text);
                  "clusters": each cluster's answer, when they differ
${CLUSTER_HELP}
                  (yes and exit 0 only when every cluster says yes; where they differ, each
                  cluster's answer follows on its own line, "lga1: yes"; --list: give --cluster)
${NO_BOOTSTRAP_HELP}
Examples:
  orgctl can-i create deployments.apps -n web --as bob@acme.io
  orgctl can-i get pods -n ml --as erin@acme.io --cluster lga1
  orgctl can-i list pods -A --as alice@acme.io
  orgctl can-i get pods --subresource exec -n web --as system:serviceaccount:acme-system:token-ci-deploy
  orgctl can-i get /healthz --as bob@acme.io --why
  orgctl can-i --list -n web --as bob@acme.io`;

interface Decided {
  readonly binding: { readonly kind: string; readonly namespace: string; readonly name: string };
  readonly role: { readonly kind: string; readonly name: string };
  readonly rule: number;
  readonly ruleText: string;
  readonly bootstrap: boolean;
}

/** What decides `d`, its rule in words (`ruleText`, when it has one). */
function decided(d: Decision, ruleText: string): Decided | undefined {
  if (!d.by) return undefined;
  const { binding, role, ruleIndex } = d.by;
  return {
    binding: { kind: binding.kind, namespace: binding.namespace, name: binding.name },
    role: { kind: role.kind, name: role.name },
    rule: ruleIndex,
    ruleText,
    bootstrap: isBootstrapAccess(binding, role),
  };
}

function why(d: Decision, allNamespaces: boolean, ruleText: string): string[] {
  if (!d.by)
    return [
      allNamespaces
        ? 'no ClusterRoleBinding of this user allows it (in all namespaces at once only ClusterRoleBindings count)'
        : 'no RoleBinding or ClusterRoleBinding of this user allows it',
    ];
  const { binding, role, ruleIndex } = d.by;
  return [
    `${binding.kind} ${binding.namespace ? `${binding.namespace}/` : ''}${binding.name} → ${role.kind} ${role.name}, rule ${ruleIndex}: ${ruleText}`,
    ...(isBootstrapAccess(binding, role) ? [`bootstrap: ${bootstrapNote(binding)}`] : []),
  ];
}

/**
 * Go's tabwriter as kubectl's printers.GetNewTabWriter sets it up: cells padded to the widest plus 3
 * (who-can's table: loaded with it, and analysis/classes.ts, only for --list).
 */
const tabwriter = async (rows: readonly (readonly string[])[]): Promise<string> =>
  (await import('./who-can.ts')).table(rows, 3);

const LIST_HEADER = ['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs'];

function listRow(r: ListedRule): string[] {
  return [
    combineResourceGroup(r.resources, r.apiGroups),
    goList(r.nonResourceURLs),
    goList(r.resourceNames),
    goList(r.verbs),
  ];
}

/**
 * A TYPE argument parsed before reading: the namespace it is asked in decides what of orgctl's
 * output is read. Undefined for one that is not a type: its error comes after reading, as it
 * always has (then everything is read).
 */
function parsedBeforeReading(what: string, subresource: string): ReturnType<typeof parseTarget> | undefined {
  try {
    return parseTarget(what, subresource);
  } catch {
    return undefined;
  }
}

export const command = defineCommand({
  name: 'can-i',
  summary:
    'yes or no, as the Kubernetes RBAC authorizer would answer, from DIR (default dist/); --list: every rule that applies.',
  help: CAN_I_HELP,
  flags: {
    as: 'string',
    'as-group': 'list',
    namespace: 'string',
    'all-namespaces': 'boolean',
    subresource: 'string',
    dir: 'string',
    why: 'boolean',
    list: 'boolean',
    'no-headers': 'boolean',
    format: ['text', 'json'],
    today: 'string',
    [NO_BOOTSTRAP_FLAG]: 'boolean',
    [CLUSTER_FLAG]: 'string',
  },
  aliases: { n: 'namespace', A: 'all-namespaces' },
  positionals: true,
  async run({ flags, positionals }, io) {
    const allNamespaces = flags['all-namespaces'];
    const json = flags.format === 'json';
    const today = dateFlag(flags.today);
    if (flags.list) {
      // As kubectl's Validate: --list asks no single question.
      if (positionals.length) throw new UsageError('--list takes no VERB or TYPE: it lists everything the user may do');
      if (allNamespaces || flags.subresource !== undefined)
        throw new UsageError('--list cannot be used with -A or --subresource (as in kubectl): it lists one namespace');
      if (flags.why) throw new UsageError('--why explains one answer; --list gives none');
    } else {
      if (flags['no-headers']) throw new UsageError('--no-headers needs --list');
      if (positionals.length !== 2)
        throw new UsageError(`expected VERB and TYPE[/NAME], got ${positionals.length} argument(s)`);
    }
    if (!flags.as) throw new UsageError('--as USER is required: orgctl answers for a user, never for you');
    const user = userInfo(flags.as, flags['as-group']);
    const subresource = flags.subresource ?? '';
    const nonResource = !flags.list && positionals[1]!.startsWith('/');
    const parsed = flags.list || nonResource ? undefined : parsedBeforeReading(positionals[1]!, subresource);
    const asked = { namespace: flags.namespace, allNamespaces };
    // What --list lists: -n's namespace, else kubectl's default.
    const listNamespace = flags.namespace ?? DEFAULT_NAMESPACE;
    // The namespace whose RoleBindings decide the question ('' = only ClusterRoleBindings).
    let scope: string | undefined;
    if (flags.list) scope = listNamespace;
    else if (nonResource) scope = '';
    else if (parsed) scope = resourceQuestion(positionals[0]!, parsed.target, asked).evaluatedIn;
    const dir = flags.dir ?? DEFAULT_OUTPUT_DIR;
    const read = await loadRbacRead(dir, io, {
      bootstrap: !flags[NO_BOOTSTRAP_FLAG],
      ...(flags.cluster !== undefined ? { cluster: flags.cluster } : {}),
      ...(scope !== undefined ? { question: { namespace: scope, user: flags.as } } : {}),
    });
    const { authz, dated } = read;

    // Warnings name the cluster asked: another's bindings are not these.
    const bindingsOf = {
      ...clusterBindings(dir, flags.cluster),
      // A name another cluster binds is no typo (R140-5).
      ...(read.boundElsewhere ? { boundIn: read.boundElsewhere } : {}),
      // Its membership data, of the output whose bindings were read (R147).
      ...(read.stamp ? { asRead: read.stamp } : {}),
    };
    if (flags.list) {
      warnUnknown(authz, io, {
        dir,
        user: flags.as,
        ...bindingsOf,
        ...(flags.namespace !== undefined ? { namespace: flags.namespace } : {}),
      });
      // One table is one cluster's: where the clusters' differ, which to list is asked (R139-1).
      const lists = answeringClusters(read).map(([cluster, a]) => ({
        cluster,
        rules: listAccess(a, user, listNamespace),
      }));
      if (lists.length > 1 && new Set(lists.map((l) => JSON.stringify(l.rules))).size > 1)
        throw new UsageError(
          `${user.name} may do different things in ${listNamespace} in the clusters of ${showHidden(dir)} (${lists.map((l) => shownName(l.cluster)).join(', ')}): give --${CLUSTER_FLAG} NAME to list one cluster's`,
        );
      const { rules } = lists[0]!;
      if (json)
        io.out(JSON.stringify({ user: user.name, groups: user.groups, namespace: listNamespace, rules }, null, 2));
      else io.out(await tabwriter([...(flags['no-headers'] ? [] : [LIST_HEADER]), ...rules.map(listRow)]));
      return 0;
    }

    const [verb, what] = positionals as [string, string];
    checkVerb(verb, nonResource, authz.set, scope, `in ${showHidden(dir)}`);
    if (allNamespaces && flags.namespace !== undefined)
      io.err('warning: -n is ignored with -A (as in kubectl): the question is asked for all namespaces');
    let request: Record<string, string>;
    let ask: (a: Authorizer) => Decision;
    let attrs: ResourceAttributes | undefined;
    if (what.startsWith('/')) {
      if (flags.subresource !== undefined || flags.namespace !== undefined)
        throw new UsageError('a non-resource URL takes neither --subresource nor -n');
      warnUnknown(authz, io, { dir, user: flags.as, ...bindingsOf });
      request = { verb, path: what };
      ask = (a) => a.authorizeNonResource(user, { verb, path: what });
    } else {
      const { target: t, warning } = parsed ?? parseTarget(what, subresource);
      if (warning) io.err(warning);
      const q = resourceQuestion(verb, t, asked);
      if (q.warning) io.err(q.warning);
      warnUnknown(authz, io, {
        dir,
        user: flags.as,
        ...bindingsOf,
        ...(q.named !== undefined ? { namespace: q.named } : {}),
      });
      request = q.attrs;
      attrs = q.attrs;
      ask = (a) => a.authorize(user, q.attrs);
    }
    // Each cluster answers for itself (R139-1): one Authorizer of several clusters' objects is none's.
    const answers = answeringClusters(read).map(([cluster, a]) => ({
      cluster,
      a,
      decision: ask(a),
    }));
    const allowed = answers.every((x) => x.decision.allowed);
    // What is printed when the clusters agree: theirs; else the first that says no.
    const { decision } = answers.find((x) => x.decision.allowed === allowed)!;
    // A yes only a binding whose grant has ended gives (non-resource URLs: ClusterRoleBindings, never dated).
    // The day is resolved, and the folder's record read, only for someone whose access has an end
    // recorded, and once whichever clusters say yes.
    let endedAsked: { readonly today: string; readonly output: AskedOutput } | undefined;
    const endedOf = (a: Authorizer, d: Decision): EndedAccess | undefined => {
      if (!attrs || !dated?.byUsername.has(user.name)) return undefined;
      endedAsked ??= { today: resolveToday(today, io.env), output: askedOutput(dir) };
      return endedAnswer(a, user, attrs, d, dated, endedAsked.today, endedAsked.output);
    };
    const endings = answers.flatMap((x) => {
      const e = x.decision.allowed ? endedOf(x.a, x.decision) : undefined;
      return e ? [e] : [];
    });
    for (const warning of new Set(endings.map((e) => e.warning))) io.err(showHidden(`warning: ${warning}`)); // the folder's name, on one line
    const ended = endings[0];
    const allowedDiffers = answers.some((x) => x.decision.allowed !== allowed);
    const decisionsDiffer = new Set(answers.map((x) => decisionKey(x.decision))).size > 1;
    // The deciding rule in words, only for an answer that shows it: analysis/classes.ts is a large module to load.
    const describe =
      (json || flags.why) && answers.some((x) => x.decision.by)
        ? (await import('../analysis/classes.ts')).describeRule
        : undefined;
    const ruleTextOf = (d: Decision) => (d.by && describe ? describe(d.by.rule) : '');
    const ruleText = ruleTextOf(decision);
    if (json) {
      const by = decided(decision, ruleText);
      const clusters = Object.fromEntries(
        answers.map((x) => {
          const text = ruleTextOf(x.decision);
          const byIt = decided(x.decision, text);
          return [
            x.cluster,
            {
              allowed: x.decision.allowed,
              ...(byIt ? { by: byIt } : {}),
              reason: why(x.decision, allNamespaces, text).join('; '),
            },
          ];
        }),
      );
      io.out(
        JSON.stringify(
          {
            allowed,
            user: user.name,
            groups: user.groups,
            allNamespaces,
            request,
            ...(by ? { by } : {}),
            reason: why(decision, allNamespaces, ruleText).join('; '),
            ...(ended ? { ended } : {}),
            ...(decisionsDiffer ? { clusters } : {}),
          },
          null,
          2,
        ),
      );
    } else {
      io.out(allowed ? 'yes' : 'no');
      const show = (line: string) => io.out(showHidden(line)); // a dump's names, on one line (R67-2)
      if (allowedDiffers || (flags.why && decisionsDiffer))
        for (const x of answers) {
          show(`${shownName(x.cluster)}: ${x.decision.allowed ? 'yes' : 'no'}`);
          if (flags.why) for (const line of why(x.decision, allNamespaces, ruleTextOf(x.decision))) show(`  ${line}`);
        }
      else if (flags.why) for (const line of why(decision, allNamespaces, ruleText)) show(line);
    }
    // Exit 0 only when every cluster allows it: kubectl's meaning of 0, for whichever cluster is asked.
    return allowed ? 0 : 1;
  },
});

/** What makes two clusters' decisions the same answer: allowed, by the same binding, role and rule. */
const decisionKey = (d: Decision): string =>
  JSON.stringify([
    d.allowed,
    d.by && [
      d.by.binding.kind,
      d.by.binding.namespace,
      d.by.binding.name,
      d.by.role.kind,
      d.by.role.name,
      d.by.ruleIndex,
    ],
  ]);
