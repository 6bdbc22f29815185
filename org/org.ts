/**
 * The example organization: acme. Edit this file and open a pull request; CI synthesizes
 * dist/ and reviews who gains or loses what. See the README for every construct.
 */
import { App } from 'cdk8s';
import { Organization } from '../constructs/index.ts';

const app = new App();

const org = new Organization(app, 'acme', {
  owner: 'alice@acme.io',
  clusters: ['lga1', 'ord1'], // dist/lga1/ and dist/ord1/, sharded for Argo CD
  argocd: { repoURL: 'https://github.com/acme/org.git', revision: 'refs/heads/main' }, // generates dist/argocd/
  // Custom resources people who are not admins may write (any other write in an API group Kubernetes
  // does not serve itself is reserved for admins): an admin's word, another admin approves.
  safeCustomResources: [
    {
      group: 'monitoring.coreos.com',
      resources: ['prometheusrules'],
      reason: 'alerting and recording rules: no pods, no Secrets',
    },
  ],
});

// People. The owner is the first admin; only support can change that.
// An admin's GitHub account id (githubId, `gh api users/alice --jq .id`): the review counts the
// login as theirs only from that account, not from whoever registers it after a rename.
const alice = org.user('alice@acme.io', { github: 'alice', githubId: 583231, admin: true, billing: true });
org.user('frank@acme.io', { github: 'frank', githubId: 1742619, admin: true }); // a second admin
org.user('grace@acme.io', { github: 'grace', billing: true }); // views billing, no cluster access
const bob = org.user('bob@acme.io', { github: 'bob' });
const dan = org.user('dan@acme.io', { github: 'dan' });
const erin = org.user('erin@acme.io', { github: 'erin' });
org.user('ivan@acme.io', { github: 'ivan' }).addAll(); // the seed's "Add All"
const mallory = org.user('mallory@acme.io', { github: 'mallory' });

// Namespaces must exist before access to them is granted.
const web = org.namespace('web');
const data = org.namespace('data');
const ml = org.namespace('ml', { clusters: ['lga1'] });

// Named bundles of levels.
const developer = org.role('developer', 'r:full', 'w:services', 'w:configmaps', 'w:ingresses');
const analyst = org.role('analyst', 'r:full', 'r:secrets');

// Grants: levels directly, or through a role; optionally until a date (inclusive).
web.grant(bob, 'r:pods', 'w:services');
web.grant(dan, developer);
data.grant(dan, analyst).until('2027-06-30');
ml.grant(erin, 'r:full', 'w:pvcs');
data.grant(mallory, 'r:full');
mallory.deactivate(); // keeps her grants declared: mallory.activate() restores them

// Custom RBAC, judged by what its rules allow.
const configReader = org.customRole('configmap-reader', [
  { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] },
]);
web.grant(erin, configReader);
web.grantRules(dan, [
  { apiGroups: ['monitoring.coreos.com'], resources: ['prometheusrules'], verbs: ['create', 'update'] },
]);

// API access tokens belong to the organization; the id names the ServiceAccount, so renaming is safe.
org.token('ci-deploy', {
  name: 'CI deploy',
  namespaces: [web, data],
  owner: alice,
  note: 'deploys web and data from CI',
});
org.token('dashboards', { name: 'Grafana', namespaces: [web, data, ml], levels: ['r:full'] });
org
  .token('metrics-reader', { name: 'Prometheus' }) // a blank token: access only through custom RBAC
  .allow(web, [{ apiGroups: [''], resources: ['pods', 'services', 'endpoints'], verbs: ['get', 'list', 'watch'] }])
  .allow(ml, configReader);
// The seed: a departing user's tokens are deactivated with them (token-owner-inactive otherwise).
org
  .token('mallory-notebook', { name: 'Notebook', namespaces: [data], levels: ['r:full'], owner: mallory })
  .deactivate();

// Invitations: access is recorded, and bound once the invitee accepts and becomes a user.
org.invite('carol@acme.io', { billing: true, sso: true }).grant(web, 'r:full');
org.invite('heidi@acme.io').grant(data, 'r:pods').revoke();

export default org;
