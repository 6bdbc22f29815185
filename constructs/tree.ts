/**
 * Finding the Organization in a construct tree. Apart from synthesize.ts so that commands which only
 * read the declaration (check, explain) do not load the synthesis and its Kubernetes schemas.
 */
import type { IConstruct } from 'constructs';
import type { Organization } from './organization.ts';
import { ORG_SCOPE } from './props.ts';

/** Constructs outside any Organization's subtree (whose children are orgctl's own, data only). */
export function outsideOrganizations(root: IConstruct): { orgs: Organization[]; others: IConstruct[] } {
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
