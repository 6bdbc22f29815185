/**
 * Finding the Organization in a construct tree, and what else the tree holds. Apart from
 * synthesize.ts so that commands which only read the declaration (check, explain) do not load the
 * synthesis and its Kubernetes schemas.
 */
import type { IConstruct } from 'constructs';
import type { Finding } from '../model/findings.ts';
import type { Organization } from './organization.ts';
import { ORG_CHART, ORG_SCOPE } from './org-scope.ts';

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

const apiObjectsIn = (c: IConstruct): IConstruct[] => c.node.findAll().filter((x) => CDK8S_API_OBJECT in x);
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
/** `2 objects (ConfigMap, Deployment)`. */
function objectsIn(c: IConstruct): string {
  const objects = apiObjectsIn(c);
  const kinds = [...new Set(objects.map((o) => String((o as { kind?: unknown }).kind)))].sort();
  return `${plural(objects.length, 'object')}${kinds.length ? ` (${kinds.join(', ')})` : ''}`;
}

/**
 * What orgctl would leave out of its output without a word: every cdk8s chart that is not one of
 * the organization's (anywhere in the tree), every object of a chart that holds the Organization
 * (`new Organization(Testing.chart(), ...)`), and every construct added to one of the
 * organization's charts (whose objects are only what the organization renders).
 */
function foreignCharts(root: IConstruct): Finding[] {
  const out: Finding[] = [];
  const foreign = (c: IConstruct, message: string) =>
    out.push({ severity: 'error', rule: 'foreign-chart', subject: c.node.path, message, source: c.node.path });
  const elsewhere = 'synthesize it in a cdk8s app of its own and deliver it with its own Argo CD Application';
  // A chart holding the Organization is walked through, not refused.
  const holders = new Set(outsideOrganizations(root).orgs.flatMap((o) => o.node.scopes));
  const stack: IConstruct[] = [root];
  while (stack.length) {
    const c = stack.pop()!;
    if (ORG_CHART in c) {
      for (const child of c.node.children)
        foreign(
          child,
          `added to the organization's chart for cluster ${c.node.id}, whose objects are only what the organization renders: its ${objectsIn(child)} would be left out of dist/ and of Testing.synth; put it in a chart of its own, in a cdk8s app of its own`,
        );
    } else if (ORG_SCOPE in c) {
      // The organization's data (users, grants...) is orgctl's own: only a chart put among it is
      // looked for, two levels down (the organization's charts sit in its `clusters`), not every grant.
      for (const child of c.node.children)
        stack.push(...[child, ...child.node.children].filter((x) => CDK8S_CHART in x));
    } else if (CDK8S_CHART in c && !holders.has(c)) {
      foreign(
        c,
        `a cdk8s chart next to the Organization, with ${objectsIn(c)}: orgctl writes only the organization's objects, the ones the review proves it renders, so this chart would be left out of dist/; ${elsewhere}`,
      );
    } else if (CDK8S_CHART in c) {
      for (const child of c.node.children) {
        if (holders.has(child) || ORG_SCOPE in child || !apiObjectsIn(child).length) stack.push(child);
        else
          foreign(
            child,
            `${objectsIn(child)} in the chart that holds the Organization: orgctl writes only the organization's objects, the ones the review proves it renders, so they would be left out of dist/; ${elsewhere}`,
          );
      }
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
