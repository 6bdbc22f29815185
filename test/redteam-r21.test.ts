/**
 * Red team R21: the trust chain's seams no earlier review took (custom RBAC for blank tokens,
 * tokens outliving their user, invitations, names, billing and the owner, the self-edit rule
 * through a second route). Each test asserts the safe behaviour and fails on bb2d748.
 *
 * R21-1 (low): writing a Pod's `status` subresource is in no privilege class. The EndpointSlice
 *     controller builds every Service's endpoints from its Pods' `status` (`podIPs`, the `Ready`
 *     condition), so whoever may update or patch `pods/status` decides where the Services of the
 *     namespace send traffic: the `network` class ("writing Endpoints or a Service status redirects
 *     traffic meant for others") without its warning. A blank token or a person given it by custom
 *     RBAC shows no `can now intercept network traffic` line, and `orgctl check` gives no
 *     `risky-grant` warning.
 */
import { describe, expect, it } from 'vitest';
import { classesOfRule } from '../analysis/classes.ts';
import { baseSpec, diffOf, type Spec } from './review/scenarios.ts';

/** The rules of a Pod's status writer (the kubelet's, in a namespace). */
const POD_STATUS = { apiGroups: [''], resources: ['pods/status'], verbs: ['update', 'patch'] };

describe('R21-1: writing pods/status steers Services as writing Endpoints does', () => {
  it('the rule holds the network class, as endpoints and services/status writes do', () => {
    expect(classesOfRule({ apiGroups: [''], resources: ['endpoints'], verbs: ['patch'] }, 'namespace')).toEqual([
      'network',
    ]);
    expect(classesOfRule(POD_STATUS, 'namespace')).toContain('network');
  });

  it('a blank token created with it: the review says it can now intercept network traffic in web', () => {
    const edit = (s: Spec) => {
      s.spec.tokens.push({ id: 'probe', namespaces: [], rbac: [{ namespace: 'web', rules: [POD_STATUS] }] });
    };
    const lines = diffOf(baseSpec(), edit)
      .tokens.find((t) => t.id === 'probe')
      ?.changes.map((c) => c.text);
    expect(lines).toContain('gains custom RBAC acme:token:probe in web');
    expect(lines).toContain('can now intercept network traffic in web');
  });
});
