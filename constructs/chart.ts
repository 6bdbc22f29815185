/**
 * The organization's objects as cdk8s charts, one per cluster: `Testing.synth(org.chartFor('lga1'))`
 * returns what `orgctl synth` writes into `dist/lga1/`, and `app.synth()` writes each cluster's
 * objects into the app's outdir like any chart. Loaded with the public API (constructs/index.ts):
 * the CLI reads a declaration without it, so that commands which write no YAML load neither cdk8s
 * nor the synthesis.
 */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { analyzeOrganization } from './analyze.ts';
import { errorsOf } from '../policies/org/index.ts';
import { groupIntoFiles, outputClusters } from '../synth/render.ts';
import type { Manifest } from '../synth/manifest.ts';
import { provideCharts, type Organization } from './organization.ts';
import { DeclarationError, freeId } from './props.ts';
import { ORG_CHART } from './org-scope.ts';

/**
 * One cluster's objects of an Organization, as a cdk8s Chart: its `toJson()` (what
 * `Testing.synth` and `app.synth()` call) is exactly the objects `orgctl synth` writes into
 * `dist/<cluster>/`, in the files' order (the cluster shard, then each shard). It holds no
 * constructs of its own: an object added to it would be left out, so it is refused.
 */
export class OrganizationChart extends Chart {
  /** The cluster, as its folder in dist/ names it (`in-cluster` for an organization that names none). */
  public readonly cluster: string;
  private readonly org: Organization;
  private readonly today: () => string;

  constructor(scope: Construct, id: string, props: { org: Organization; cluster: string; today: () => string }) {
    super(scope, id);
    this.org = props.org;
    this.cluster = props.cluster;
    this.today = props.today;
    Object.defineProperty(this, ORG_CHART, { value: true });
    this.node.addValidation({
      validate: () =>
        this.node.children.map(
          (c) =>
            `${c.node.id}: the organization's chart holds only what the organization renders; put your own objects in a chart of their own, in a cdk8s app of their own`,
        ),
    });
  }

  /**
   * The cluster's objects, as `orgctl synth` writes them. Throws a DeclarationError naming every
   * error finding when `orgctl synth` would refuse the declaration (its policies, the judgement of
   * the RBAC it renders, a chart it would drop, another construct's validation); the checks of the
   * files themselves (Kubernetes schema, Argo CD shard sizes) are `orgctl synth`'s.
   */
  public override toJson(): Manifest[] {
    // As cdk8s' own Chart.toJson validates the whole app, the whole tree is judged.
    const r = analyzeOrganization(this.node.root, { today: this.today() });
    const errors = errorsOf(r.findings);
    if (errors.length || !r.placed)
      throw new DeclarationError(
        this.org.node.path,
        `does not synthesize (${errors.length} error${errors.length === 1 ? '' : 's'}; \`orgctl check\` lists them all):\n  ${errors.join('\n  ')}`,
      );
    // The cluster's files in path order (groupIntoFiles sorts them as synth writes them).
    return groupIntoFiles(r.placed.filter((p) => p.cluster === this.cluster))
      .flatMap((f) => f.objects)
      .map((o) => JSON.parse(JSON.stringify(o)) as Manifest);
  }
}

provideCharts((org, today) => {
  const scope = new Construct(org, 'clusters');
  const names = outputClusters(org);
  return new Map(
    names.map((cluster) => [cluster, new OrganizationChart(scope, freeId(scope, cluster), { org, cluster, today })]),
  );
});
