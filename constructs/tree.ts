/**
 * Finding the Organization in a construct tree, and what else the tree holds. Apart from
 * synthesize.ts so that commands which only read the declaration (check, explain) do not load the
 * synthesis and its Kubernetes schemas.
 */
import type { IConstruct } from 'constructs';
import type { Finding } from '../model/findings.ts';
import type { Organization } from './organization.ts';
import { ORG_CHART, ORG_SCOPE } from './props.ts';

/** Constructs outside any Organization's subtree (whose children are orgctl's own, data only). */
function outsideOrganizations(root: IConstruct): { orgs: Organization[]; others: IConstruct[] } {
  const orgs: Organization[] = [];
  const others: IConstruct[] = [];
  const stack: IConstruct[] = [root];
  while (stack.length) {
    const c = stack.pop()!;
    // By marker, not instanceof: org/org.ts may load its own copy of the constructs.
    if (ORG_SCOPE in c) orgs.push(c as unknown as Organization);
    else {
      others.push(c);
      for (const child of c.node.children) stack.push(child);
    }
  }
  return { orgs, others };
}

/** The one Organization in a construct tree (an App, or the Organization itself). */
export function findOrganization(root: IConstruct): Organization {
  const { orgs } = outsideOrganizations(root);
  if (orgs.length !== 1) {
    throw new Error(
      orgs.length === 0
        ? 'no Organization is declared'
        : `one Organization per app, found ${orgs.length}: ${orgs.map((o) => o.node.path).join(', ')}`,
    );
  }
  return orgs[0]!;
}

/** cdk8s marks charts and API objects with these (any copy of cdk8s: the declaration may load its own). */
const CDK8S_CHART = Symbol.for('cdk8s.Chart');
const CDK8S_API_OBJECT = Symbol.for('cdk8s.ApiObject');

const apiObjectsIn = (c: IConstruct): number => c.node.findAll().filter((x) => CDK8S_API_OBJECT in x).length;
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/**
 * What orgctl would leave out of its output without a word: every cdk8s chart that is not one of
 * the organization's (anywhere in the tree), and every construct added to one of the
 * organization's charts (whose objects are only what the organization renders).
 */
function foreignCharts(root: IConstruct): Finding[] {
  const out: Finding[] = [];
  const stack: IConstruct[] = [root];
  while (stack.length) {
    const c = stack.pop()!;
    if (ORG_CHART in c) {
      for (const child of c.node.children)
        out.push({
          severity: 'error',
          rule: 'foreign-chart',
          subject: child.node.path,
          message: `added to the organization's chart for cluster ${c.node.id}, whose objects are only what the organization renders: its ${plural(apiObjectsIn(child), 'object')} would be left out of dist/ and of Testing.synth; put it in a chart of its own, in a cdk8s app of its own`,
          source: child.node.path,
        });
    } else if (CDK8S_CHART in c) {
      out.push({
        severity: 'error',
        rule: 'foreign-chart',
        subject: c.node.path,
        message: `a cdk8s chart next to the Organization (${plural(apiObjectsIn(c), 'object')}): orgctl writes only the organization's objects, the ones the review proves it renders, so this chart would be left out of dist/; synthesize it in a cdk8s app of its own and deliver it with its own Argo CD Application`,
        source: c.node.path,
      });
    } else if (ORG_SCOPE in c) {
      // The organization's data (users, grants...) is orgctl's own: only a chart put among it is
      // looked for, two levels down (the organization's charts sit in its `clusters`), not every grant.
      for (const child of c.node.children)
        stack.push(...[child, ...child.node.children].filter((x) => CDK8S_CHART in x));
    } else for (const child of c.node.children) stack.push(child);
  }
  return out.sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
}

/** Validations other constructs added with `node.addValidation` (the Organization's own run as policies). */
function otherValidations(root: IConstruct): Finding[] {
  return outsideOrganizations(root).others.flatMap((c) =>
    c.node.validate().map(
      (message): Finding => ({
        severity: 'error',
        rule: 'validation',
        subject: c.node.path,
        message,
        source: c.node.path,
      }),
    ),
  );
}

/**
 * What the rest of the construct tree says about the declaration: charts orgctl would drop
 * (`foreign-chart`) and other constructs' failing validations (`validation`).
 */
export function treeFindings(root: IConstruct): Finding[] {
  return [...foreignCharts(root), ...otherValidations(root)];
}
