/**
 * Custom resources of well-known projects whose controllers create pods (or deploy anything) from
 * what the resource says: writing one is `w:workloads` in disguise, so the privilege class
 * `run-pods` holds it (a namespace's own admission policy that may rewrite what is written there
 * too); below, a namespace's own admission policies that only validate (`hold-delivery`), the
 * subresources that reach into a workload (`exec`), the resources whose controllers write Secrets,
 * send ServiceAccount tokens, mint credentials or hand out cloud identities, and every resource of a
 * cloud provider's family of groups (`identity`), those whose controllers send a Secret where the
 * resource says or copy a database (`read-secrets`, a warning) and those whose controllers route
 * others' traffic (`network`, a warning). Data only, one entry per project and API group (or family
 * of groups), each with the project's CRD or API reference it was checked against.
 *
 * Kept apart from the built-in API (resources.ts): orgctl does not know these groups exist in a
 * cluster, it knows that if they do, their writes run code. Any other API group that is not a
 * built-in one is judged too (classes.ts): `*` resources there are `run-pods`, and a non-admin's
 * writes of named resources there are refused unless the organization declares them safe
 * (`safeCustomResources`), which no resource an admin-only class holds can be (a `read-secrets`
 * one can, and its grant is then a warning).
 */

/** Custom resources of one project and API group that a privilege class holds. */
export interface CustomResources {
  /** The project, for people. */
  readonly project: string;
  readonly group: string;
  /** Plural resource names (`resource/subresource` for subresources), as RBAC rules name them: namespaced ones. */
  readonly resources: readonly string[];
  /** Cluster-scoped resources: only a ClusterRoleBinding reaches them. */
  readonly clusterResources?: readonly string[];
  /** Where the group and resource names come from. */
  readonly source: string;
}

export const POD_CREATING_GROUPS: readonly CustomResources[] = [
  {
    project: 'Argo Workflows',
    group: 'argoproj.io',
    // A WorkflowTemplate runs whenever a Workflow or CronWorkflow references it (workflowTemplateRef).
    resources: ['workflows', 'cronworkflows', 'workflowtemplates', 'clusterworkflowtemplates'],
    source:
      'https://argo-workflows.readthedocs.io/en/latest/workflow-templates/ (CRDs in argoproj/argo-workflows manifests/base/crds)',
  },
  {
    project: 'Argo Rollouts',
    group: 'argoproj.io',
    // Experiments create ReplicaSets; AnalysisRuns and their templates may run a Job (the job metric provider).
    resources: ['rollouts', 'experiments', 'analysisruns', 'analysistemplates', 'clusteranalysistemplates'],
    source:
      'https://argoproj.github.io/argo-rollouts/features/specification/ and https://argoproj.github.io/argo-rollouts/analysis/job/',
  },
  {
    project: 'Argo CD',
    group: 'argoproj.io',
    // An Application deploys any manifests with the application controller's (cluster-wide) identity.
    resources: ['applications', 'applicationsets', 'appprojects'],
    source: 'https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/',
  },
  {
    project: 'Argo Events',
    group: 'argoproj.io',
    // An EventSource runs as a Deployment; a Sensor's triggers create any Kubernetes object.
    resources: ['eventsources', 'sensors'],
    source: 'https://argoproj.github.io/argo-events/sensors/triggers/k8s-object-trigger/',
  },
  {
    project: 'Tekton Pipelines',
    group: 'tekton.dev',
    resources: ['tasks', 'clustertasks', 'taskruns', 'pipelines', 'pipelineruns', 'runs', 'customruns', 'stepactions'],
    source: 'https://tekton.dev/docs/pipelines/ (release.yaml: ClusterRole tekton-pipelines-controller-cluster-access)',
  },
  {
    project: 'Tekton Triggers',
    group: 'triggers.tekton.dev',
    // An EventListener runs as a Deployment; a TriggerTemplate creates any resource when triggered.
    resources: ['eventlisteners', 'triggertemplates', 'triggers'],
    source: 'https://tekton.dev/docs/triggers/',
  },
  {
    project: 'KubeVirt',
    group: 'kubevirt.io',
    // Every VirtualMachineInstance runs in a virt-launcher pod.
    resources: ['virtualmachines', 'virtualmachineinstances', 'virtualmachineinstancereplicasets'],
    source: 'https://kubevirt.io/api-reference/',
  },
  {
    project: 'KubeRay',
    group: 'ray.io',
    resources: ['rayclusters', 'rayjobs', 'rayservices'],
    source:
      'https://docs.ray.io/en/latest/cluster/kubernetes/getting-started.html (ray-project/kuberay ray-operator/config/crd)',
  },
  {
    project: 'Kubeflow (Training Operator, Notebooks, Katib)',
    group: 'kubeflow.org',
    resources: [
      'pytorchjobs',
      'tfjobs',
      'mpijobs',
      'xgboostjobs',
      'paddlejobs',
      'jaxjobs',
      'mxjobs',
      'notebooks',
      'experiments',
      'trials',
      // Kubeflow Pipelines: a ScheduledWorkflow holds a whole Argo Workflow spec, made into Workflows.
      'scheduledworkflows',
    ],
    source:
      'https://www.kubeflow.org/docs/components/trainer/legacy-v1/ and https://www.kubeflow.org/docs/components/notebooks/ and https://www.kubeflow.org/docs/components/katib/ and https://github.com/kubeflow/pipelines/blob/master/backend/src/crd/pkg/apis/scheduledworkflow/v1beta1/types.go',
  },
  {
    project: 'Kubeflow Trainer',
    group: 'trainer.kubeflow.org',
    resources: ['trainjobs', 'trainingruntimes', 'clustertrainingruntimes'],
    source: 'https://www.kubeflow.org/docs/components/trainer/',
  },
  {
    project: 'Spark operator',
    group: 'sparkoperator.k8s.io',
    resources: ['sparkapplications', 'scheduledsparkapplications'],
    source: 'https://www.kubeflow.org/docs/components/spark-operator/user-guide/ (kubeflow/spark-operator charts CRDs)',
  },
  {
    project: 'Volcano',
    group: 'batch.volcano.sh',
    resources: ['jobs'],
    source: 'https://volcano.sh/en/docs/vcjob/',
  },
  {
    project: 'Knative Serving',
    group: 'serving.knative.dev',
    resources: ['services', 'configurations', 'revisions'],
    source: 'https://knative.dev/docs/serving/reference/serving-api/',
  },
  {
    project: 'Knative Eventing',
    group: 'sources.knative.dev',
    // A ContainerSource's template "describes the pods that will be created".
    resources: ['containersources'],
    source: 'https://knative.dev/docs/eventing/custom-event-source/containersource/',
  },
  {
    project: 'KEDA',
    group: 'keda.sh',
    // A ScaledJob's jobTargetRef is a whole JobSpec: KEDA creates Jobs from it (a ScaledObject only scales what exists).
    resources: ['scaledjobs'],
    source: 'https://keda.sh/docs/latest/reference/scaledjob-spec/',
  },
  {
    project: 'Flux (Helm controller)',
    group: 'helm.toolkit.fluxcd.io',
    // Installs any chart, by default as the controller's own ServiceAccount (cluster-admin in a standard install).
    resources: ['helmreleases'],
    source:
      'https://fluxcd.io/flux/components/helm/helmreleases/ and https://fluxcd.io/flux/security/#controller-permissions',
  },
  {
    project: 'Flux (Kustomize controller)',
    group: 'kustomize.toolkit.fluxcd.io',
    // Applies anything a source holds, by default as the controller's own ServiceAccount (cluster-admin).
    resources: ['kustomizations'],
    source:
      'https://fluxcd.io/flux/components/kustomize/kustomizations/ and https://fluxcd.io/flux/security/#controller-permissions',
  },
  {
    project: 'Flux (source controller)',
    group: 'source.toolkit.fluxcd.io',
    // What a Kustomization or HelmRelease applies is what its source points to: re-pointing a source
    // (URL, ref, chart) they reference deploys anything, as a WorkflowTemplate a Workflow references runs.
    resources: ['gitrepositories', 'ocirepositories', 'buckets', 'helmrepositories', 'helmcharts'],
    source:
      'https://fluxcd.io/flux/components/source/ (sourceRef of https://fluxcd.io/flux/components/kustomize/kustomizations/#source-reference and https://fluxcd.io/flux/components/helm/helmreleases/#chart-template)',
  },
  {
    project: 'Prometheus Operator',
    group: 'monitoring.coreos.com',
    // spec.containers adds or replaces containers of the StatefulSet the operator makes, with spec.serviceAccountName.
    resources: ['prometheuses', 'prometheusagents', 'alertmanagers', 'thanosrulers'],
    source: 'https://prometheus-operator.dev/docs/api-reference/api/',
  },
  {
    project: 'JobSet',
    group: 'jobset.x-k8s.io',
    resources: ['jobsets'],
    source: 'https://jobset.sigs.k8s.io/docs/reference/jobset.v1alpha2/',
  },
  {
    project: 'LeaderWorkerSet',
    group: 'leaderworkerset.x-k8s.io',
    resources: ['leaderworkersets'],
    source: 'https://lws.sigs.k8s.io/docs/reference/leaderworkerset.v1/',
  },
  {
    project: 'Crossplane provider-kubernetes',
    group: 'kubernetes.m.crossplane.io',
    // Crossplane v2's namespaced managed resource (red team R69-4): spec.forProvider.manifest is any
    // object, created with the credentials of its providerConfigRef (by default the cluster's ClusterProviderConfig).
    resources: ['objects'],
    source:
      'https://github.com/crossplane-contrib/provider-kubernetes (package/crds/kubernetes.m.crossplane.io_objects.yaml: scope Namespaced, manifest "Raw JSON representation of the kubernetes object to be created")',
  },
  {
    project: 'OpenFaaS',
    group: 'openfaas.com',
    // The operator runs spec.image as a Deployment, every Secret spec.secrets names mounted (red team R75-5).
    resources: ['functions'],
    source:
      'https://github.com/openfaas/faas-netes (artifacts/crds/openfaas.com_functions.yaml: scope Namespaced) and https://docs.openfaas.com/openfaas-pro/function-crd/ (Function spec: image, secrets)',
  },
  {
    project: 'Crossplane provider-helm',
    group: 'helm.m.crossplane.io',
    // Crossplane v2's namespaced Release (red team R75-3): forProvider.chart is any chart, installed
    // into forProvider.namespace (any) with its providerConfigRef's credentials (by default the
    // cluster's ClusterProviderConfig).
    resources: ['releases'],
    source:
      'https://github.com/crossplane-contrib/provider-helm (package/crds/helm.m.crossplane.io_releases.yaml: scope Namespaced, forProvider.namespace "Namespace to install the release into", providerConfigRef default ClusterProviderConfig default)',
  },
  {
    project: 'Crossplane provider-terraform',
    group: 'tf.m.upbound.io',
    // Crossplane v2's namespaced Workspace (red team R76-5): terraform init/plan/apply of any module,
    // inline or from any address, in the provider's pod with its providerConfigRef's credentials (by
    // default the ClusterProviderConfig `default`); an `external` data source or a `local-exec`
    // provisioner runs any program there, its kubernetes and helm providers deploy anything.
    resources: ['workspaces'],
    source:
      'https://github.com/upbound/provider-terraform (package/crds/tf.m.upbound.io_workspaces.yaml: scope Namespaced, module "the content of a simple main.tf ... may be written inline", providerConfigRef default ClusterProviderConfig default)',
  },
  {
    project: 'Crossplane provider-kubernetes (cluster-scoped)',
    group: 'kubernetes.crossplane.io',
    // Before Crossplane v2 (red team R76-10): the Object of R69-4, cluster-scoped.
    resources: [],
    clusterResources: ['objects'],
    source:
      'https://github.com/crossplane-contrib/provider-kubernetes (package/crds/kubernetes.crossplane.io_objects.yaml: scope Cluster)',
  },
  {
    project: 'Crossplane provider-helm (cluster-scoped)',
    group: 'helm.crossplane.io',
    // Before Crossplane v2 (red team R76-10): the Release of R75-3, cluster-scoped.
    resources: [],
    clusterResources: ['releases'],
    source:
      'https://github.com/crossplane-contrib/provider-helm (package/crds/helm.crossplane.io_releases.yaml: scope Cluster)',
  },
  {
    project: 'Crossplane provider-terraform (cluster-scoped)',
    group: 'tf.upbound.io',
    resources: [],
    clusterResources: ['workspaces'],
    source: 'https://github.com/upbound/provider-terraform (package/crds/tf.upbound.io_workspaces.yaml: scope Cluster)',
  },
  {
    project: 'Crossplane (packages)',
    group: 'pkg.crossplane.io',
    // R90: a Provider or Function runs its package's image as a Deployment in Crossplane's namespace
    // (a Provider's controller with the permissions its package asks for), a Configuration installs
    // the Providers and Functions it depends on, a DeploymentRuntimeConfig chooses their image and pod
    // template: all cluster-scoped.
    resources: [],
    clusterResources: ['providers', 'functions', 'configurations', 'deploymentruntimeconfigs'],
    source:
      "https://docs.crossplane.io/latest/packages/providers/ (a Provider package installs a controller Deployment) and https://docs.crossplane.io/latest/packages/functions/ and https://docs.crossplane.io/latest/packages/deployment-runtime-configs/ (DeploymentRuntimeConfig: the package Deployment's image and pod template)",
  },
  {
    project: 'Crossplane (compositions and operations)',
    group: 'apiextensions.crossplane.io',
    // R90: a Composition (or the CompositionRevision a composite pins) makes whatever it says, any
    // Kubernetes object in Crossplane v2, for every composite of its type.
    resources: [],
    clusterResources: ['compositions', 'compositionrevisions'],
    source:
      'https://docs.crossplane.io/latest/composition/compositions/ ("Compositions are a template for creating multiple Kubernetes resources as a single composite resource") and https://docs.crossplane.io/latest/composition/composite-resources/ (compositionRef, compositionSelector, compositionRevisionRef)',
  },
  {
    project: 'Crossplane (operations)',
    group: 'ops.crossplane.io',
    // R90: an Operation runs a function pipeline once, a CronOperation on a schedule, a WatchOperation
    // whenever what it watches changes; the pipeline's functions make or change any object.
    resources: [],
    clusterResources: ['operations', 'cronoperations', 'watchoperations'],
    source:
      'https://docs.crossplane.io/latest/operations/ (Operation, CronOperation, WatchOperation: a function pipeline)',
  },
  {
    project: 'Apache Flink Kubernetes operator',
    group: 'flink.apache.org',
    // A FlinkDeployment's image, serviceAccount and podTemplate become its JobManager and TaskManager
    // pods; a FlinkSessionJob runs any jar (jarURI) in a session cluster's pods; a blue-green
    // deployment holds a FlinkDeployment's spec (red team R76-7).
    resources: ['flinkdeployments', 'flinksessionjobs', 'flinkbluegreendeployments'],
    source:
      'https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-main/docs/custom-resource/overview/ (CRDs in apache/flink-kubernetes-operator helm/flink-kubernetes-operator/crds)',
  },
  {
    project: 'OpenKruise',
    group: 'apps.kruise.io',
    // Workloads with pod templates; an EphemeralJob injects ephemeral containers into the pods it
    // selects, a WorkloadSpread patches the pods of the workload it targets, a SidecarSet (cluster-
    // scoped) injects containers into every pod it selects (red team R76-7).
    resources: [
      'clonesets',
      'statefulsets',
      'daemonsets',
      'broadcastjobs',
      'advancedcronjobs',
      'uniteddeployments',
      'ephemeraljobs',
      'workloadspreads',
    ],
    clusterResources: ['sidecarsets'],
    source:
      'https://openkruise.io/docs/ (CRDs in openkruise/kruise config/crd/bases: apps.kruise.io_*.yaml; WorkloadSpread subset patch "indicates patching podTemplate to the Pod")',
  },
  {
    project: 'Actions Runner Controller',
    group: 'actions.summerwind.dev',
    // Runner pods of the image and pod template the resource says (red team R76-8).
    resources: ['runnerdeployments', 'runnerreplicasets', 'runners', 'runnersets'],
    source: 'https://github.com/actions/actions-runner-controller (config/crd/bases/actions.summerwind.dev_*.yaml)',
  },
  {
    project: 'Actions Runner Controller (runner scale sets)',
    group: 'actions.github.com',
    // An AutoscalingRunnerSet's template is the runner pods' spec; the listener is a pod the controller makes.
    resources: ['autoscalingrunnersets', 'ephemeralrunnersets', 'ephemeralrunners', 'autoscalinglisteners'],
    source: 'https://github.com/actions/actions-runner-controller (config/crd/bases/actions.github.com_*.yaml)',
  },
  {
    project: 'Crossplane provider-ansible',
    group: 'ansible.crossplane.io',
    // R84: forProvider.playbookInline, or any playbook or role from any source, run by ansible-runner
    // in the provider's pod (a `localhost` play runs any program there, with its credentials).
    resources: ['ansibleruns', 'playbooksets'],
    source:
      'https://github.com/crossplane-contrib/provider-ansible (package/crds/ansible.crossplane.io_ansibleruns.yaml: playbookInline "the content of a simple playbook.yml file may be written inline", playbooks and roles "retrieved from Ansible Galaxy"; docs/design.md)',
  },
  {
    project: 'Strimzi',
    group: 'kafka.strimzi.io',
    // R84: a Kafka, KafkaNodePool, KafkaConnect, KafkaMirrorMaker(2) or KafkaBridge runs pods of the
    // image and pod template it says; a KafkaConnect's build adds connector plugins from any URL to its
    // image; a KafkaConnector runs connector code, configured as it says, in the Connect pods.
    resources: [
      'kafkas',
      'kafkanodepools',
      'kafkaconnects',
      'kafkaconnectors',
      'kafkamirrormakers',
      'kafkamirrormaker2s',
      'kafkabridges',
    ],
    source:
      'https://strimzi.io/docs/operators/latest/configuring.html (KafkaConnectSpec image, build.plugins artifacts url; template.pod) and https://docs.redhat.com/en/documentation/red_hat_streams_for_apache_kafka/2.7/html/streams_for_apache_kafka_api_reference/type-Build-reference',
  },
  {
    project: 'Strimzi (pod sets)',
    group: 'core.strimzi.io',
    // A StrimziPodSet holds the pods themselves: the operator makes each as written.
    resources: ['strimzipodsets'],
    source: 'https://strimzi.io/docs/operators/latest/configuring.html (StrimziPodSet schema reference: pods)',
  },
  {
    project: 'CloudNativePG',
    group: 'postgresql.cnpg.io',
    // R84: a Cluster's imageName (any image) runs as its instance pods, a Pooler's template is a pod
    // template; an ImageCatalog re-pointed rolls every Cluster referencing it onto the image it names
    // ("when a catalog entry is updated, all associated clusters automatically roll out the new image"),
    // a ClusterImageCatalog every namespace's.
    resources: ['clusters', 'poolers', 'imagecatalogs'],
    clusterResources: ['clusterimagecatalogs'],
    source:
      'https://cloudnative-pg.io/documentation/current/cloudnative-pg.v1/ (ClusterSpec imageName, PoolerSpec template) and https://cloudnative-pg.io/docs/1.30/image_catalog',
  },
  {
    project: 'Airflow (Apache operator)',
    group: 'airflow.apache.org',
    // R84: Airflow's scheduler and worker pods, of the images they say, run the DAGs (Python) of the
    // git repository or bucket an AirflowCluster's dags names.
    resources: ['airflowbases', 'airflowclusters'],
    source: 'https://github.com/apache/airflow-on-k8s-operator (AirflowBase, AirflowCluster: dags.git.repo, dags.gcs)',
  },
  {
    project: 'Airflow (Stackable operator)',
    group: 'airflow.stackable.tech',
    resources: ['airflowclusters'],
    source: 'https://docs.stackable.tech/home/stable/airflow/ (AirflowCluster: DAGs from git-sync or a ConfigMap)',
  },
  {
    project: 'Dapr',
    group: 'dapr.io',
    // R84: a Component of type middleware.http.wasm or bindings.wasm runs a Wasm program fetched from
    // any http(s) URL inside the Dapr sidecar of every app it is scoped to (all of the namespace's
    // unless `scopes` says): code in others' pods, seeing their requests, as a SidecarSet's containers.
    resources: ['components'],
    source:
      'https://docs.dapr.io/reference/components-reference/supported-middleware/middleware-wasm/ ("It is also possible to fetch the Wasm binary from a remote URL") and https://docs.dapr.io/reference/components-reference/supported-bindings/wasm',
  },
  // A namespace's own admission policies (red team R60-1): the engine's webhook applies one to
  // every request in its namespace, Argo CD's included. A mutation rewrites what anyone writes
  // there (a workload's pod template; the RoleBindings Argo CD applies, its writer added as a
  // subject), a generate rule makes any object there as the engine's controller.
  {
    project: 'Kyverno',
    group: 'kyverno.io',
    // A Policy's rules validate, mutate (at admission, and existing objects) and generate.
    resources: ['policies'],
    source:
      'https://kyverno.io/docs/kyverno-policies/ ("namespaced policies will only apply to resources within the namespace in which they are defined") and https://kyverno.io/docs/policy-types/cluster-policy/overview',
  },
  {
    project: 'Kyverno CEL policies',
    group: 'policies.kyverno.io',
    resources: ['namespacedmutatingpolicies', 'namespacedgeneratingpolicies'],
    source:
      'https://kyverno.io/docs/policy-types/mutating-policy/ and https://kyverno.github.io/kyverno-authz/main/reference/apis/policies.kyverno.io.v1/',
  },
  {
    project: 'Kubewarden',
    group: 'policies.kubewarden.io',
    // An AdmissionPolicy runs a WebAssembly module from any registry its writer names, `mutating: true` included.
    resources: ['admissionpolicies'],
    source:
      'https://github.com/kubewarden/kubewarden-controller (AdmissionPolicy: the namespaced ClusterAdmissionPolicy)',
  },
  {
    project: 'Kubernetes before 1.16 (extensions/v1beta1)',
    group: 'extensions',
    // Served until 1.16 (removed APIs: https://kubernetes.io/docs/reference/using-api/deprecation-guide/#v1-16).
    resources: ['deployments', 'replicasets', 'daemonsets'],
    source: 'https://kubernetes.io/docs/reference/using-api/deprecation-guide/#v1-16',
  },
];

/**
 * A namespace's own admission policies that only validate (red team R60-1): the engine's webhook
 * refuses, in their namespace, whatever they say, Argo CD's writes of the organization's RoleBindings
 * included, which fails its shard's sync as a quota counting RoleBindings does: the privilege class
 * `hold-delivery` holds them. Those that may mutate or generate are in POD_CREATING_GROUPS.
 */
export const REFUSING_POLICY_GROUPS: readonly CustomResources[] = [
  {
    project: 'Kyverno CEL policies',
    group: 'policies.kyverno.io',
    resources: ['namespacedvalidatingpolicies', 'namespacedimagevalidatingpolicies'],
    source: 'https://kyverno.github.io/kyverno-authz/main/reference/apis/policies.kyverno.io.v1/',
  },
  {
    project: 'Kubewarden',
    group: 'policies.kubewarden.io',
    resources: ['admissionpolicygroups'],
    source: 'https://github.com/kubewarden/kubewarden-controller (AdmissionPolicyGroup)',
  },
];

/**
 * Custom resources that have a webhook refuse the deletion of the objects they name, in any namespace
 * (R90): one naming the RoleBinding of a grant being revoked has Argo CD's prune of it refused, and the
 * revocation stays applied, so the privilege class `hold-delivery` holds them. Crossplane's Usage
 * (namespaced in v2, `of` "in a different namespace" when it says so; ClusterUsage and the legacy
 * apiextensions.crossplane.io Usage cluster-scoped): Crossplane labels the object `crossplane.io/in-use`
 * and its webhook nousages.protection.crossplane.io (every group and resource, DELETE) refuses to
 * delete a labelled object while a Usage names it, for any kind Crossplane may label: RoleBindings
 * where it may compose them.
 */
export const DELETION_REFUSING_GROUPS: readonly CustomResources[] = [
  {
    project: 'Crossplane',
    group: 'protection.crossplane.io',
    resources: ['usages'],
    clusterResources: ['clusterusages'],
    source:
      'https://docs.crossplane.io/latest/managed-resources/usages/ (Usage across namespaces: "specify the namespace in the of resourceRef"; ClusterUsage; "rejecting any deletion request") and crossplane cmd/crossplane/core/core.go (webhook crossplane-no-usages, nousages.protection.crossplane.io)',
  },
  {
    project: 'Crossplane (before v2)',
    group: 'apiextensions.crossplane.io',
    resources: [],
    clusterResources: ['usages'],
    source:
      'https://docs.crossplane.io/v1.19/concepts/usages (apiextensions.crossplane.io/v1alpha1 Usage, cluster-scoped)',
  },
];

/**
 * Custom resources whose controller requests a token for the ServiceAccount the resource names (the
 * TokenRequest API, with the controller's own cluster-wide permission) and sends it to a server the
 * resource names, as its login there (red team R69-3): writing one is `create serviceaccounts/token`
 * in disguise, so the privilege class `identity` holds it.
 */
export const TOKEN_SENDING_GROUPS: readonly CustomResources[] = [
  {
    project: 'External Secrets Operator',
    group: 'external-secrets.io',
    // provider.vault.auth.kubernetes.serviceAccountRef, logged in with at provider.vault.server; the
    // store controller logs in for every store it validates. A ClusterSecretStore names any namespace's.
    resources: ['secretstores'],
    clusterResources: ['clustersecretstores'],
    source:
      'https://external-secrets.io/latest/provider/hashicorp-vault/ (Kubernetes authentication, serviceAccountRef) and external-secrets pkg/provider/vault/auth_kubernetes.go (createServiceAccountToken, auth.Login), pkg/controllers/secretstore/common.go (validateStore), deploy/charts/external-secrets/templates/rbac.yaml (serviceaccounts/token: create)',
  },
  {
    project: 'External Secrets Operator generators',
    group: 'generators.external-secrets.io',
    // A VaultDynamicSecret's provider is a SecretStore's Vault provider, its Kubernetes login included,
    // run whenever an ExternalSecret or PushSecret references it (red team R75-2); a ClusterGenerator
    // holds any generator's spec, a VaultDynamicSecret's included.
    resources: ['vaultdynamicsecrets'],
    clusterResources: ['clustergenerators'],
    source:
      'https://external-secrets.io/latest/api/generator/vault/ ("Any Vault authentication method supported by the provider can be used here (provider block of the spec)") and https://external-secrets.io/latest/guides/generator/ (ClusterGenerator: "All the generators are available as a ClusterGenerator spec")',
  },
  {
    project: 'External Secrets Operator registry generators',
    group: 'generators.external-secrets.io',
    // serviceAccountRef (any of the namespace, with the audiences it lists: none is the API server's
    // own) is sent to url / apiUrl, any host, whenever an ExternalSecret references one (red team R76-2).
    resources: ['quayaccesstokens', 'cloudsmithaccesstokens'],
    source:
      'external-secrets pkg/generator/quay/quay.go (fetchServiceAccountToken; getQuayRobotToken: basic auth to https://<url>/oauth2/federation/robot/token) and pkg/generator/cloudsmith/cloudsmith.go (exchangeTokenWithCloudsmith: POST to <apiUrl>/openid/<orgSlug>/)',
  },
  {
    project: 'External Secrets Operator token-exchange generators',
    group: 'generators.external-secrets.io',
    // R90, ESO's main branch: ArtifactoryAccessToken's auth.oidc.serviceAccountRef is exchanged at its
    // url, DexTokenExchange's serviceAccountRef at its dexUrl, any host, as Quay's and Cloudsmith's.
    resources: ['artifactoryaccesstokens', 'dextokenexchanges'],
    source:
      'external-secrets apis/generators/v1alpha1/types_artifactory.go (URL "the JFrog Platform base URL", ArtifactoryOIDCAuth ServiceAccountRef "the Kubernetes service account used for OIDC exchange") and types_dex.go (DexTokenExchangeSpec: DexURL, ServiceAccountRef "the service account to use for token exchange")',
  },
];

/**
 * Custom resources whose controller exchanges a token of the ServiceAccount the resource names at a
 * cloud's token service, or acts with its own cloud identity when the resource names none, and writes
 * the credentials it gets into a Secret (red team R76-3): writing one acts as another workload, or as
 * the controller, in the cloud, so the privilege class `identity` holds it. ESO's generators: their
 * auth.jwt or auth.workloadIdentity names any ServiceAccount of the namespace; with no auth, the AWS
 * SDK's defaults (the controller's own role), `role` assumed on top; the result lands in the Secret of
 * every ExternalSecret referencing the generator, and ACR sends its Azure token to the `registry` host.
 */
export const CLOUD_IDENTITY_GROUPS: readonly CustomResources[] = [
  {
    project: 'External Secrets Operator cloud generators',
    group: 'generators.external-secrets.io',
    // CodeArtifactAuthorizationToken (R84): the same AWSAuth and role as STS, its token any package
    // repository of the domain. R90, ESO's main branch: AWSIAMKey calls CreateAccessKey for the IAM user
    // iamRef.username names, STSAssumeRoleToken assumes any role, both with that AWSAuth.
    resources: [
      'ecrauthorizationtokens',
      'stssessiontokens',
      'gcraccesstokens',
      'acraccesstokens',
      'codeartifactauthorizationtokens',
      'awsiamkeys',
      'stsassumeroletokens',
    ],
    source:
      'https://external-secrets.io/latest/api/generator/ecr/ and .../sts/, .../gcr/ ("Use spec.auth.workloadIdentity to point to a Service Account"), .../acr/; external-secrets pkg/generator/sts/sts.go (GetSessionToken with awsauth.NewGeneratorSession) and docs/api/spec.md AWSAuth ("if none is specified the controller will load credentials using the aws sdk defaults"); apis/generators/v1alpha1/types_codeartifact.go (Auth AWSAuth, Role), types_aws_iam_keys.go ("AWSIAMKey uses the CreateAccessKey API", Auth AWSAuth, IAMRef Username) and the STSAssumeRoleToken types ("uses sts:AssumeRole to obtain temporary AWS credentials", Role, Auth AWSAuth)',
  },
];

/**
 * Custom resources whose controller reads a Secret of the namespace the resource names and sends its
 * content where the resource says (red team R69-5): writing one reads Secrets in disguise, so the
 * privilege class `read-secrets` holds it (a warning, as reading them is).
 */
export const SECRET_READING_GROUPS: readonly CustomResources[] = [
  {
    project: 'External Secrets Operator',
    group: 'external-secrets.io',
    // selector.secret.name: any Secret of the namespace; remoteRef: where it lands in the store named.
    resources: ['pushsecrets'],
    source:
      'https://external-secrets.io/latest/guides/pushsecrets/ ("PushSecret reads a local kind=Secret and pushes its content to a secret provider")',
  },
  {
    project: 'External Secrets Operator generators',
    group: 'generators.external-secrets.io',
    // GithubAccessToken signs a GitHub App JWT with the key auth.privatKey.secretRef names and sends
    // it to url; Grafana sends the token auth.token names to url (red team R76-4). R84: GitlabDeployToken
    // sends the access token auth.token.secretRef names to url, any GitLab; the BeyondTrust Workload
    // Credentials generator the API key its provider's auth names to server.apiUrl. R90, ESO's main
    // branch: DexUsernamePassword sends the username, password and client secret its refs name to
    // dexUrl; BeyondtrustSecretsDynamicSecret the API key provider.auth.apikey.token names to
    // provider.server.apiUrl.
    resources: [
      'githubaccesstokens',
      'grafanas',
      'gitlabdeploytokens',
      'beyondtrustworkloadcredentialsdynamicsecrets',
      'dexusernamepasswords',
      'beyondtrustsecretsdynamicsecrets',
    ],
    source:
      'external-secrets apis/generators/v1alpha1/generator_github.go (URL "the Github instance URL", Auth.PrivatKey.SecretRef), generator_grafana.go (URL, Auth.Token "A service account token used to authenticate against the Grafana instance"), the GitlabDeployToken types (URL "the GitLab instance URL", Auth.Token.SecretRef) and types_beyondtrustworkloadcredentials.go (Provider: Auth, Server.APIURL); types_dex.go (DexUsernamePasswordSpec: DexURL, UsernameRef, PasswordRef, ClientSecretRef) and types_beyondtrustsecrets.go (Provider BeyondtrustSecretsProvider: Auth.APIKey.Token, Server.APIURL)',
  },
  {
    project: 'Prometheus Operator',
    group: 'monitoring.coreos.com',
    // basicAuth, authorization, bearerTokenSecret and oauth2 name Secrets of the namespace that
    // Prometheus sends to the targets these choose (a Probe's prober.url and static targets, a
    // ScrapeConfig's static configs: any host); an AlertmanagerConfig's receivers send theirs to the
    // URLs they name (red team R76-9).
    resources: ['servicemonitors', 'podmonitors', 'probes', 'scrapeconfigs', 'alertmanagerconfigs'],
    source:
      'https://prometheus-operator.dev/docs/api-reference/api/ (Endpoint, ProbeSpec: "The list of probed addresses which can be defined statically", ScrapeConfigSpec, AlertmanagerConfig WebhookConfig)',
  },
  {
    project: 'Flux (notification controller)',
    group: 'notification.toolkit.fluxcd.io',
    // A Provider's secretRef (token, address, headers) is sent to its address, any URL (red team R76-9).
    resources: ['providers'],
    source: 'https://fluxcd.io/flux/components/notification/providers/ (Address, Secret reference)',
  },
  {
    project: 'cert-manager',
    group: 'cert-manager.io',
    // A Vault issuer sends the key auth.tokenSecretRef names as its token to spec.vault.server, any URL
    // (auth.appRole.secretRef and auth.kubernetes.secretRef in its login), when the issuer is set up
    // (red team R76-1); a Venafi issuer its credentialsRef to its url. A ClusterIssuer reads Secrets of
    // cert-manager's own namespace (--cluster-resource-namespace). Checked again (R84) and kept here:
    // auth.kubernetes.serviceAccountRef's audiences may add the API server's, so the server receives a
    // token the API server accepts, but only for a ServiceAccount an admin let cert-manager mint tokens
    // for, and secretRef already sends any Secret of the namespace, token Secrets included, as
    // r:secrets reads them (a warning too).
    resources: ['issuers'],
    clusterResources: ['clusterissuers'],
    source:
      'https://cert-manager.io/docs/configuration/vault/ (Authenticating: "the token is stored inside a Kubernetes Secret inside the same namespace as the Issuer") and cert-manager internal/vault/vault.go (New: setToken reads the Secret key and logs in at spec.vault.server; IsVaultInitializedAndUnsealed)',
  },
  {
    project: 'CloudNativePG Barman Cloud plugin',
    group: 'barmancloud.cnpg.io',
    // R84: an ObjectStore's s3Credentials (azure, google ones alike) name Secrets of the namespace, used
    // at its endpointURL, any host; every Cluster archiving to it sends its WAL and base backups there.
    resources: ['objectstores'],
    source:
      'https://cloudnative-pg.io/plugin-barman-cloud/docs/usage (ObjectStore: destinationPath, endpointURL, s3Credentials secret references)',
  },
  {
    project: 'Dapr',
    group: 'dapr.io',
    // R84: an HTTPEndpoint's headers take values from Secrets (secretKeyRef) and go with every call to
    // its baseUrl, any host.
    resources: ['httpendpoints'],
    source: 'https://docs.dapr.io/reference/resource-specs/httpendpoints-schema/ (baseUrl, headers secretKeyRef)',
  },
];

/**
 * Custom resources whose controller copies a whole database of the namespace to a store or into
 * volume snapshots (R84), or to another cluster by logical replication, or another cluster's into the
 * namespace's (R90): its roles' password hashes and whatever credentials its applications keep there
 * go where the database's readers are not the only ones to reach them, so the privilege class
 * `read-secrets` holds them (a warning, as reading Secrets is).
 */
export const DATABASE_COPYING_GROUPS: readonly CustomResources[] = [
  {
    project: 'CloudNativePG',
    group: 'postgresql.cnpg.io',
    // A Backup (a ScheduledBackup makes them) of any Cluster of the namespace, to its object store, or,
    // `method: volumeSnapshot`, into VolumeSnapshots of the namespace that any new claim may be made from.
    resources: ['backups', 'scheduledbackups'],
    source:
      'https://cloudnative-pg.io/documentation/current/backup/ (BackupSpec cluster, method barmanObjectStore, volumeSnapshot or plugin)',
  },
  {
    project: 'CloudNativePG (logical replication)',
    group: 'postgresql.cnpg.io',
    // R90: a Publication publishes a database's tables (target.allTables) to whoever subscribes with
    // replication rights; a Subscription copies the tables another cluster publishes (the external
    // cluster, and its credentials, as the Cluster names them) into a database of the namespace, made
    // by the postgres superuser with the parameters it lists in CREATE SUBSCRIPTION's WITH clause.
    resources: ['publications', 'subscriptions'],
    source:
      'https://cloudnative-pg.io/documentation/current/logical_replication/ (Publication: cluster, dbname, target allTables or objects; Subscription: cluster, dbname, publicationName, externalClusterName, parameters)',
  },
];

/**
 * Custom resources whose controller reads and writes Secrets of any namespace the resource names,
 * through the cluster's provider config (red team R76-6): every Secret of the cluster in disguise,
 * service-account token Secrets included, so the privilege class `identity` holds them. Crossplane
 * provider-http: a request's `{{ name:namespace:key }}` placeholders are filled from Secrets and sent
 * to its URL, any; `secretInjectionConfigs` writes the response into the Secrets it names.
 */
export const ANY_SECRET_GROUPS: readonly CustomResources[] = [
  {
    project: 'Crossplane provider-http',
    group: 'http.m.crossplane.io',
    resources: ['requests', 'disposablerequests'],
    source:
      'https://github.com/crossplane-contrib/provider-http (examples/namespaced/README.md, Cross-namespace Access: "The ClusterProviderConfig allows cross-namespace operations while the resource itself remains namespaced"; resources-docs/request_docs.md)',
  },
  {
    project: 'Crossplane provider-http (cluster-scoped)',
    group: 'http.crossplane.io',
    resources: [],
    clusterResources: ['requests', 'disposablerequests'],
    source:
      'https://github.com/crossplane-contrib/provider-http (README: Cluster-scoped Resources (http.crossplane.io))',
  },
];

/**
 * A namespace's own exceptions to a policy engine's cluster-wide policies (red team R69-2): the engine
 * lets whatever resources one matches, in any namespace, past the policy rules it names, so writing
 * one switches the cluster's policy off for anyone's requests: the privilege class `webhooks` holds
 * them, in a namespace too.
 */
export const EXEMPTING_POLICY_GROUPS: readonly CustomResources[] = [
  {
    project: 'Kyverno',
    group: 'kyverno.io',
    resources: ['policyexceptions'],
    source:
      'https://kyverno.io/docs/exceptions ("It can be used to exempt any resource from any Kyverno rule type"; honoured in every namespace by default before 1.13: GO-2024-3230)',
  },
  {
    project: 'Kyverno CEL policies',
    group: 'policies.kyverno.io',
    resources: ['policyexceptions'],
    source: 'https://kyverno.io/docs/exceptions (CEL PolicyException, policyexceptions.policies.kyverno.io)',
  },
];

/**
 * Subresources of custom APIs that reach into a running workload, like `pods/exec` and
 * `pods/portforward`: the privilege class `exec` holds them. Upgraded to WebSocket by a GET.
 */
interface ReachingSubresources extends CustomResources {
  /** The verbs that open them (a WebSocket upgrade is a GET). */
  readonly verbs: readonly string[];
}

export const REACHING_SUBRESOURCES: readonly ReachingSubresources[] = [
  {
    project: 'KubeVirt',
    group: 'subresources.kubevirt.io',
    // The serial console and VNC are a shell and a screen in the VM; port-forward reaches its ports.
    resources: [
      'virtualmachineinstances/console',
      'virtualmachineinstances/vnc',
      'virtualmachineinstances/portforward',
      'virtualmachines/portforward',
      // A raw stream to a vsock port of the guest, as port-forward is; a USB device of the client attached to the VM.
      'virtualmachineinstances/vsock',
      'virtualmachineinstances/usbredir',
    ],
    verbs: ['get'],
    source:
      'https://kubevirt.io/user-guide/user_workloads/accessing_virtual_machines/ and https://kubevirt.io/user-guide/cluster_admin/authorization/ and https://kubevirt.io/user-guide/compute/vsock/ and https://kubevirt.io/user-guide/compute/client_passthrough/',
  },
];

/**
 * Custom resources whose controllers write a Secret of whatever type the resource says: writing one
 * is writing Secrets in disguise, so the privilege class `identity` holds it (a Secret of type
 * `kubernetes.io/service-account-token` naming a ServiceAccount is filled with a token for it).
 */
export const SECRET_MAKING_GROUPS: readonly CustomResources[] = [
  {
    project: 'External Secrets Operator',
    group: 'external-secrets.io',
    // spec.target.template is the blueprint of the Secret the controller writes, its type included.
    resources: ['externalsecrets'],
    clusterResources: ['clusterexternalsecrets'],
    source:
      'https://external-secrets.io/latest/api/externalsecret/ (spec.target.template) and https://external-secrets.io/latest/guides/templating/',
  },
  {
    project: 'Sealed Secrets',
    group: 'bitnami.com',
    // The controller's public key seals anything: spec.template (its type included) becomes the Secret.
    resources: ['sealedsecrets'],
    source:
      'https://github.com/bitnami-labs/sealed-secrets#sealedsecrets-as-templates-for-secrets (README: SealedSecrets as templates for secrets)',
  },
  {
    project: 'SAP ClusterSecret operator',
    group: 'core.cs.sap.com',
    resources: [],
    // spec.template (type mandatory) is written into every namespace the selector matches.
    clusterResources: ['clustersecrets'],
    source: 'https://sap.github.io/clustersecret-operator/docs/usage',
  },
];

/**
 * Custom resources whose controller mints credentials for whatever identity and privileges the
 * resource says, with its own authority over a system the cluster's workloads trust (an issuer's CA,
 * a database server's admin login, a Kafka cluster's CA), and writes them into a Secret of the
 * namespace, or a CertificateRequest's status (R84):
 * writing one acts as whoever that authority lets it name, so the privilege class `identity` holds it.
 */
export const CREDENTIAL_MINTING_GROUPS: readonly CustomResources[] = [
  // Crossplane provider-sql: made with the ClusterProviderConfig `default` (the CRDs' default
  // providerConfigRef), the server's admin login; a PostgreSQL Role may be SUPERUSER (which runs
  // programs on the server: COPY ... FROM PROGRAM), a Grant any role's membership or any privilege,
  // and writeConnectionSecretToRef gets the new login's password. Before v2, cluster-scoped. R90: a
  // Database clones any database of the server (template: "only superusers or the owner of the
  // database can clone it") and hands it to any role (owner), a Schema hands one to any role (role),
  // an Extension runs an extension's install script as that admin in any database and schema.
  ...(
    [
      ['postgresql', ['roles', 'grants', 'defaultprivileges', 'databases', 'schemas', 'extensions']],
      ['mysql', ['users', 'grants', 'databases']],
      ['mssql', ['users', 'grants', 'databases']],
    ] as const
  ).flatMap(([engine, kinds]) => [
    {
      project: `Crossplane provider-sql (${engine})`,
      group: `${engine}.sql.m.crossplane.io`,
      resources: [...kinds],
      source: `https://github.com/crossplane-contrib/provider-sql (package/crds/${engine}.sql.m.crossplane.io_*.yaml: scope Namespaced, providerConfigRef default ClusterProviderConfig default; README: Role privileges, Grant; databases: template, owner; schemas: role; extensions: database, schema)`,
    },
    {
      project: `Crossplane provider-sql (${engine}, cluster-scoped)`,
      group: `${engine}.sql.crossplane.io`,
      resources: [],
      clusterResources: [...kinds],
      source: `https://github.com/crossplane-contrib/provider-sql (package/crds/${engine}.sql.crossplane.io_*.yaml)`,
    },
  ]),
  {
    project: 'CloudNativePG',
    group: 'postgresql.cnpg.io',
    // R90: the instance manager runs a Database's statements as the postgres superuser: a database of
    // the Cluster, an existing one included, handed to any role (owner), its extensions and foreign
    // data wrappers made by the superuser, its schemas and wrappers owned by, or granted to, any role.
    // A Subscription's parameters go into CREATE SUBSCRIPTION's WITH clause, made by that superuser:
    // with run_as_owner = true the owner of any table replicated into runs code as the superuser.
    resources: ['databases', 'subscriptions'],
    source:
      'https://cloudnative-pg.io/docs/1.31/declarative_database_management ("Every SQL statement described on this page is issued by the instance manager running on the primary, as the postgres superuser"; owner, extensions, schemas, fdws), CNPG api/v1 SubscriptionSpec (Parameters: "Subscription parameters included in the WITH clause of the PostgreSQL CREATE SUBSCRIPTION command") and https://www.postgresql.org/docs/current/logical-replication-security.html (run_as_owner: "any user who owns a table into which replication is happening can execute arbitrary code with the privileges of the subscription owner")',
  },
  {
    project: 'cert-manager',
    group: 'cert-manager.io',
    // A certificate for whatever names, organizations and usages a Certificate or CertificateRequest
    // lists, from any Issuer of the namespace or any ClusterIssuer (issuerRef), which the default
    // approver approves: from a ClusterIssuer whose CA the API server trusts (a CA issuer holding the
    // cluster CA), a client certificate authenticates as any user, O=system:masters included; from a
    // mesh's or an internal CA, it is any workload's or host's TLS identity. A Certificate's key lands
    // in the Secret it names, a CertificateRequest's writer holds the key and reads the certificate
    // from its status. The stricter class (R84): orgctl cannot see which issuers a cluster has nor what
    // trusts their CAs; where only ACME issuers exist, admins grant Certificates themselves.
    resources: ['certificates', 'certificaterequests'],
    source:
      'https://cert-manager.io/docs/policy/approval/ ("In a default installation, cert-manager automatically approves all CertificateRequests and CertificateSigningRequests that use any of its built-in issuers") and https://cert-manager.io/docs/usage/certificate/ (issuerRef kind ClusterIssuer; subject.organizations; usages client auth)',
  },
  {
    project: 'Strimzi',
    group: 'kafka.strimzi.io',
    // The User Operator makes the Kafka user a KafkaUser names, with the ACLs it lists (any topic,
    // group, transactional id, or the cluster itself), and writes its credentials (a client
    // certificate from the clients CA, or a SCRAM password) into the Secret of its name.
    resources: ['kafkausers'],
    source:
      'https://strimzi.io/docs/operators/latest/configuring.html (KafkaUser: authentication tls, scram-sha-512; authorization.acls resource type topic, group, cluster, transactionalId; "the user credentials are created in a Secret")',
  },
];

/**
 * Every API group under a domain whose custom resources act in a cloud, or another system, with a
 * provider's credentials (R84): Upbound's official Crossplane providers, hundreds of groups
 * (`iam.aws.m.upbound.io`, `eks.aws.m.upbound.io`...), whose managed resources take the
 * ClusterProviderConfig `default` (the cluster's cloud identity) unless they name another, and whose
 * ProviderConfigs may take the provider pod's own. IAM users, roles and access keys (the keys written
 * into a Secret of the namespace), EKS access entries (cluster-admin on an EKS cluster, this one
 * included): the writer acts as the cluster's cloud identity, so the privilege class `identity` holds
 * every resource of every such group. R90: Crossplane v2's other providers alike (every group under
 * `m.crossplane.io`: provider-sql's database server admin, Keycloak's, Harbor's), and before v2 every
 * cluster-scoped group ending `.upbound.io` or `.crossplane.io` (Crossplane's own among them).
 */
interface CloudProviderFamily {
  readonly project: string;
  /** The domain every group of the family ends with (`m.upbound.io`: `iam.aws.m.upbound.io`). */
  readonly domain: string;
  /** Cluster-scoped resources (Crossplane before v2): only a ClusterRoleBinding reaches them. */
  readonly clusterOnly?: boolean;
  /** What writing its resources does, for a finding: after `<project> (every API group ending in .<domain>)`. */
  readonly acts: string;
  readonly source: string;
}

/** What an Upbound provider's managed resources do, namespaced or not. */
const UPBOUND_ACTS =
  "act in the cloud with the credentials of the provider config they name, by default the cluster's ClusterProviderConfig: IAM users, roles and access keys (the keys written into a Secret of the namespace), EKS access entries (cluster-admin on a cluster, this one included)";

export const CLOUD_PROVIDER_FAMILIES: readonly CloudProviderFamily[] = [
  {
    project: "Upbound's providers (Crossplane v2, namespaced)",
    domain: 'm.upbound.io',
    acts: UPBOUND_ACTS,
    source:
      'https://docs.crossplane.io/v2.0/get-started/get-started-with-managed-resources/ (aws.m.upbound.io ClusterProviderConfig "cluster-wide provider configuration") and https://github.com/upbound/provider-terraform (package/crds/tf.m.upbound.io_workspaces.yaml: providerConfigRef default ClusterProviderConfig default, as every Upjet CRD)',
  },
  {
    project: "Crossplane v2's other providers (namespaced)",
    domain: 'm.crossplane.io',
    acts: "act in the system their provider manages (a database server, an identity provider, a registry) with the credentials of the provider config they name, by default the cluster's ClusterProviderConfig: provider-sql's databases, roles, grants and extensions as the server's admin login",
    source:
      'https://github.com/crossplane-contrib/provider-sql (package/crds/postgresql.sql.m.crossplane.io_*.yaml: scope Namespaced, providerConfigRef default {kind: ClusterProviderConfig, name: default}) and Upjet providers rooted in <name>.m.crossplane.io (ujconfig.WithRootGroup, e.g. usergroup.harbor.m.crossplane.io)',
  },
  // Before v2 the same managed resources are cluster-scoped, in the families' groups without `.m`:
  // Upbound's every family (aws, gcp, azure, azuread, vault, the beta ones...), and crossplane-contrib's
  // providers beside Crossplane's own groups (packages, compositions, operations, usages).
  {
    project: "Upbound's providers (cluster-scoped)",
    domain: 'upbound.io',
    clusterOnly: true,
    acts: UPBOUND_ACTS,
    source:
      'https://marketplace.upbound.io/providers/upbound/provider-family-aws (groups *.aws.upbound.io; provider-vault: *.vault.upbound.io, provider-family-gcp-beta: *.gcp-beta.upbound.io)',
  },
  {
    project: 'Crossplane and its providers (cluster-scoped)',
    domain: 'crossplane.io',
    clusterOnly: true,
    acts: "act with Crossplane's or their provider's credentials: a managed resource with its provider config's (by default the ProviderConfig `default`, the cluster's), a package, a Composition or an Operation with Crossplane's own",
    source:
      'https://docs.crossplane.io/v1.19/concepts/managed-resources/ (providerConfigRef: "If not specified, Crossplane uses the ProviderConfig named default") and https://github.com/crossplane-contrib/provider-sql (package/crds/*.sql.crossplane.io_*.yaml: scope Cluster)',
  },
];

/**
 * Custom resources whose controller routes others' traffic where the resource says (R84): the
 * privilege class `network` holds them (a warning, as writing Services is).
 */
export const TRAFFIC_ROUTING_GROUPS: readonly CustomResources[] = [
  {
    project: 'Dapr',
    group: 'dapr.io',
    // A Subscription delivers a pub/sub component's topic to the route of the apps it scopes. R90: the
    // sidecars of the apps a Configuration configures (dapr.io/config) resolve other apps through the
    // name-resolution component it names and configures, pass requests through the middleware it lists
    // (httpPipeline: one dropped, the authentication it did is gone) and send traces to its
    // tracing.otel.endpointAddress, any host.
    resources: ['subscriptions', 'configurations'],
    source:
      'https://docs.dapr.io/reference/resource-specs/subscription-schema/ (pubsubname, topic, routes, scopes) and https://docs.dapr.io/reference/resource-specs/configuration-schema (nameResolution component and configuration, httpPipeline handlers, tracing otel endpointAddress)',
  },
];
