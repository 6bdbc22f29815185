import { loadManifests } from './cli/manifests.ts';
import { readRbac } from './policies/rbac/objects.ts';
import { Authorizer } from './policies/rbac/authorizer.ts';
import { accessMatrix } from './policies/rbac/access.ts';
const { docs } = loadManifests('/tmp/Ldist');
const authz = new Authorizer(readRbac(docs));
const times: number[] = [];
for (let i = 0; i < 7; i++) { const a = performance.now(); accessMatrix(authz); times.push(performance.now() - a); }
console.log('matrix median', times.sort((a, b) => a - b)[3]!.toFixed(0), 'ms', times.map((t) => t.toFixed(0)).join(' '));
