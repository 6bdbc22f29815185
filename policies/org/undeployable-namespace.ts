import { DENIED_NAMESPACES, deniedDestination } from '../../synth/argocd.ts';
import { at, type Finding, sourceText } from '../../model/findings.ts';
import type { OrgRule } from './context.ts';
import { KUBE_PREFIX } from '../../model/model.ts';

/** Argo CD's namespace when the organization configures none (Argo CD's own default). */
export const DEFAULT_ARGOCD_NAMESPACE = 'argocd';

/**
 * A namespace the generated Argo CD AppProject keeps its Applications out of (Argo CD's own
 * namespace, `default` and the `kube-` system namespaces; see synth/argocd.ts) would be a shard that
 * never syncs: every object in it refused, forever. Refused here, at the declaration.
 * (`kube-*` names are `invalid-name`; the organization's system namespace is `system-namespace`.)
 */
export const undeployableNamespace: OrgRule = {
  id: 'undeployable-namespace',
  check(model) {
    const out: Finding[] = [];
    const argo = model.argocd?.namespace ?? DEFAULT_ARGOCD_NAMESPACE;
    for (const n of model.namespaces) {
      const denied = 'the generated AppProject denies it: its shard would never sync';
      const because = deniedDestination(n.name, argo);
      // Kubernetes' own (`kube-*`) are invalid-name already.
      const why =
        because === 'argocd'
          ? `is Argo CD's own namespace${model.argocd ? ' (delivery.argocd.namespace)' : ' (the default of delivery.argocd.namespace)'}, and ${denied}`
          : because === 'default'
            ? `is Kubernetes' namespace for whatever names none, in every cluster: no organization owns it (its grants would reach whatever anyone deploys without a namespace)${model.argocd ? `, and ${denied}` : ''}`
            : undefined;
      if (why === undefined) continue;
      out.push({
        severity: 'error',
        rule: this.id,
        subject: `namespaces/${n.name}`,
        source: at(n.source, '.name'),
        message: `${n.name} ${why}; choose another name`,
      });
    }
    if (model.argocd) {
      const source = 'spec' in model.source ? 'spec.delivery.argocd.namespace' : sourceText(model.source);
      const why =
        argo === model.systemNamespace
          ? `is the organization's system namespace: the AppProject denies Argo CD's namespace, so tokens and membership (the cluster shard) would never sync`
          : DENIED_NAMESPACES.includes(argo) || argo.startsWith(KUBE_PREFIX)
            ? 'is a Kubernetes system namespace, not where Argo CD runs'
            : undefined;
      if (why)
        out.push({
          severity: 'error',
          rule: this.id,
          subject: `organization/${model.name}`,
          source,
          message: `delivery.argocd.namespace ${JSON.stringify(argo)} ${why}; give the namespace Argo CD runs in`,
        });
    }
    return out;
  },
};
