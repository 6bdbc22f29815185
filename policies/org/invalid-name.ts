import {
  customRoleName,
  KUBE_PREFIX,
  reservedOrgNameProblem,
  ROTATION_SUFFIX,
  SYSTEM_PREFIX,
  systemNamespaceOf,
  tokenAccountName,
  usernameOf,
} from '../../model/model.ts';
import { at, type Finding, sourceText } from '../../model/findings.ts';
import { ARGOCD_FILES, ARGOCD_FOLDER } from '../../synth/render.ts';
import type { OrgRule } from './context.ts';
import {
  DNS1123_LABEL_MAX,
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  pathSegmentProblem,
} from './kubernetes-names.ts';

/** The longest organization name: its system namespace (NAME-system) is a DNS label too. */
export const ORG_NAME_MAX = DNS1123_LABEL_MAX - systemNamespaceOf('').length;

/** A token id's problem, saying that the limit is its ServiceAccount's (`token-<id>-r<N>`). */
const withAccount = (problem: string | undefined, account: string) =>
  problem && `${problem}: its ServiceAccount ${account} is a DNS label too`;

/** A reserved name's problem, saying what to do. */
const withChoice = (problem: string | undefined) => problem && `${problem}; choose another name`;

/** The longest role name orgctl takes (a DNS-1123 subdomain; it is written into longer object names). */
const ROLE_NAME_MAX = 200;

/** Kubernetes' name rules, checked here because cdk8s does not check explicit names. */
export const invalidName: OrgRule = {
  id: 'invalid-name',
  grantsWith: 'rules',
  check(model) {
    const out: Finding[] = [];
    const report = (subject: string, given: string, problem: string | undefined, source: string) => {
      if (problem)
        out.push({ severity: 'error', rule: this.id, subject, message: `${JSON.stringify(given)} ${problem}`, source });
    };
    report(
      `organization/${model.name}`,
      model.name,
      dns1123LabelProblem(model.name, ORG_NAME_MAX) ??
        // Its system namespace (kube-system) or its roles' names (system:...) are Kubernetes' own.
        withChoice(reservedOrgNameProblem(model.name)),
      sourceText(model.source),
    );
    const fromSpec = 'spec' in model.source;
    model.clusters.forEach((c, i) =>
      report(
        `clusters/${c}`,
        c,
        dns1123LabelProblem(c) ??
          // A cluster's shards are written to <output>/<cluster>/: this one's would be read as Argo CD's files.
          (c === ARGOCD_FOLDER
            ? `is the folder of dist/ where orgctl writes Argo CD's files (${Object.values(ARGOCD_FILES).join(', ')}): a cluster's shards may not share it; choose another name`
            : undefined),
        fromSpec ? `spec.clusters[${i}]` : sourceText(model.source),
      ),
    );
    // Argo CD's namespace: its objects' metadata.namespace, and a word of the commands an admin pastes.
    if (model.argocd)
      report(
        `organization/${model.name}`,
        model.argocd.namespace,
        dns1123LabelProblem(model.argocd.namespace) &&
          `(Argo CD's namespace) ${dns1123LabelProblem(model.argocd.namespace)}`,
        fromSpec ? 'spec.delivery.argocd.namespace' : sourceText(model.source),
      );
    // A username starting system: is Kubernetes' own kind (system:serviceaccount:…, system:node:…):
    // the boundary refuses a RoleBinding naming one, which stops its shard's Application,
    // everyone else's revocations in it included (R32b-2). Said of the prefix once, if it is why.
    const reserved = `starts with ${SYSTEM_PREFIX}, which Kubernetes reserves for its own identities (orgctl's boundary refuses a RoleBinding naming one, and with it its shard's Application)`;
    if (model.usernamePrefix.startsWith(SYSTEM_PREFIX))
      report(
        'identity/usernamePrefix',
        model.usernamePrefix,
        `(the username prefix) ${reserved}; choose another prefix`,
        fromSpec ? 'spec.identity.usernamePrefix' : sourceText(model.source),
      );
    else
      for (const [list, people] of [
        ['users', model.users],
        ['invites', model.invites],
      ] as const)
        for (const p of people)
          if (usernameOf(model, p.key).startsWith(SYSTEM_PREFIX))
            report(
              `${list}/${p.key}`,
              p.email,
              `(its username) ${reserved}; write the email as the identity provider issues it`,
              at(p.source, '.email'),
            );
    for (const n of model.namespaces) {
      const problem =
        dns1123LabelProblem(n.name) ??
        (n.name.startsWith(KUBE_PREFIX) ? `uses the ${KUBE_PREFIX} prefix, reserved for Kubernetes` : undefined);
      report(`namespaces/${n.name}`, n.name, problem, at(n.source, '.name'));
      n.clusters.forEach((c, i) =>
        report(`namespaces/${n.name}`, c, dns1123LabelProblem(c), at(n.source, `.clusters[${i}]`)),
      );
    }
    for (const t of model.tokens) {
      // The ServiceAccount `token-<id>-r<N>` is a DNS label too. An id ending in -r<number> would
      // name another token's rotation: its ServiceAccount and Secret, so the token value that
      // token's holder has (one ServiceAccount name, one id: removing one and declaring the other
      // would patch the credential in place).
      const suffix = tokenAccountName('', t.rotation).length;
      const rotation = ROTATION_SUFFIX.exec(t.id);
      report(
        `tokens/${t.id}`,
        t.id,
        withAccount(dns1123LabelProblem(t.id, DNS1123_LABEL_MAX - suffix), tokenAccountName(t.id, t.rotation)) ??
          (rotation
            ? `ends in -r<number>: its ServiceAccount would be token ${t.id.slice(0, rotation.index)}'s at rotation ${rotation[1]} (the token value its holder has); choose another id`
            : undefined),
        at(t.source, '.id'),
      );
    }
    for (const r of model.roles)
      report(`roles/${r.name}`, r.name, dns1123SubdomainProblem(r.name, ROLE_NAME_MAX), at(r.source, '.name'));
    for (const r of model.customRoles)
      report(`customRoles/${r.name}`, r.name, dns1123SubdomainProblem(r.name, ROLE_NAME_MAX), at(r.source, '.name'));
    return out;
  },
  grant(model, _ctx, out) {
    // Inline rules become a Role named after the user's email: an RBAC name is a path segment
    // (kubernetes pkg/api/validation/path/name.go: no "/", no "%", not "." or "..").
    return (g) => {
      if (!g.rules.length) return;
      const role = customRoleName(model.name, g.user);
      const problem = pathSegmentProblem(role);
      if (problem) {
        out.push({
          severity: 'error',
          rule: this.id,
          subject: `users/${g.user} → ${g.namespace}`,
          source: at(g.source, '.rules'),
          message: `the inline rules would become Role ${JSON.stringify(role)}, named after the email, and an RBAC object name ${problem}: declare the rules as a named custom role (customRoles) and grant it with customRole`,
        });
      }
    };
  },
};
