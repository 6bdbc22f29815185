/**
 * Red team R60-2: one Application deletion deletes every organization Namespace.
 *
 * orgctl wrote each Namespace with `argocd.argoproj.io/sync-options: Prune=false`, so dropping a
 * namespace from the declaration never deletes it. But Argo CD reads another option when an
 * Application is deleted with cascade (its UI's delete, background propagation included): the
 * controller's `shouldBeDeleted` skips only an object whose sync options hold `Delete=false`
 * (gitops-engine's SyncOptionDisableDeletion; Prune=false, SyncOptionDisablePrune, is read by a
 * sync's prune alone). So whoever Argo CD's own RBAC lets delete a shard's Application deletes the
 * Namespaces in it, and with them everything in them: everyone's workloads and Secrets. Namespace
 * protection exempts `appliedBy`, the identity Argo CD applies (and deletes) with, so it admits the
 * deletion; only the opt-in boundary refuses Argo CD deleting a Namespace.
 *
 * Argo CD reads the annotation as a list (gitops-engine resource.GetAnnotationCSVs): split at every
 * comma, each item trimmed of white space, empty ones dropped; an option holds when an item is
 * exactly it (HasAnnotationOption). The Namespaces orgctl writes must hold both.
 *
 * The upgrade: the release before this one (46eeeaf, the stepping stone) reads an upgrade's
 * Namespaces with `Prune=false,Delete=false`, and the boundary declaring them, as its own (its
 * test/upgrade-r60b.test.ts, at 46eeeaf: this release removed it with that reading); the previous
 * boundary policy is in test/fixtures/redteam-r60b/.
 */
import { ValidatingAdmissionPolicy } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, docs, files, ROOT, smallOrg, tempDir } from './helpers.ts';
import { admission, ARGO, boundaryOf, type Obj, organization, tracked, writtenObjects } from './boundary-admission.ts';

const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
const PREVIOUS = 'Prune=false';
const NEXT = 'Prune=false,Delete=false';

/** The sync options of an object's annotation as gitops-engine reads them (GetAnnotationCSVs). */
const syncOptionsOf = (o: { metadata?: { annotations?: Record<string, string> } }): string[] =>
  (o.metadata?.annotations?.[SYNC_OPTIONS] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

/** Every Namespace of an output, with the file it is written in. */
const namespacesIn = (out: Map<string, string>) =>
  [...out.entries()]
    .filter(([p]) => p.endsWith('/resources.yaml'))
    .flatMap(([p, text]) => docs(text).map((o) => ({ file: p, object: o })))
    .filter((w) => w.object.kind === 'Namespace');

describe('R60-2: the Namespaces orgctl writes survive both a prune and the deletion of their Application', () => {
  const outputs: [string, Map<string, string>][] = [
    ['a small organization', files(smallOrg().app)],
    ['an organization with guard rails, settings and the boundary', files(organization().app)],
  ];

  it.each(outputs)('%s: every Namespace holds Prune=false and Delete=false, as Argo CD reads them', (_, out) => {
    const namespaces = namespacesIn(out);
    expect(namespaces.length).toBeGreaterThan(1);
    for (const { file, object } of namespaces) {
      const options = syncOptionsOf(object);
      expect(options, `${file}: Namespace ${object.metadata.name}`).toContain('Prune=false');
      expect(options, `${file}: Namespace ${object.metadata.name}`).toContain('Delete=false');
      new Namespace(object as never).validate();
    }
  });

  it('reads the options as gitops-engine does: comma-separated, trimmed, whole items only', () => {
    const annotated = (v: string) => ({ metadata: { annotations: { [SYNC_OPTIONS]: v } } });
    expect(syncOptionsOf(annotated(NEXT))).toEqual(['Prune=false', 'Delete=false']);
    expect(syncOptionsOf(annotated(' Prune=false , Delete=false ,'))).toEqual(['Prune=false', 'Delete=false']);
    // One item "Prune=false;Delete=false" is neither option.
    expect(syncOptionsOf(annotated('Prune=false;Delete=false'))).not.toContain('Delete=false');
    expect(syncOptionsOf({ metadata: {} })).toEqual([]);
  });
});

/**
 * The upgrade with `delivery.argocd.boundary`: the boundary judges a Namespace's annotations as
 * declared (its sync options among them), so the policy in the cluster and the Namespaces Argo CD
 * writes must change in an order that never has Argo CD write a Namespace the live policy refuses (a
 * refused object stops its whole Application, revocations included). The previous release's policy
 * for the fixture's organization is the one it wrote (test/fixtures/redteam-r60b/): its
 * Namespaces differ from this release's in their sync options alone.
 */
describe('R60-2: the upgrade order with the boundary (apply the new boundary.yaml, then merge)', () => {
  const fixture = join(ROOT, 'test/fixtures/redteam-r60b');
  const dist = join(tempDir('orgctl-r60b-'), 'dist');
  const synthesized = cli(['synth', '--spec', join(fixture, 'org.json'), '--out', dist]);
  const out = new Map(
    readdirSync(dist, { recursive: true, encoding: 'utf8' })
      .filter((p) => p.endsWith('.yaml'))
      .map((p) => [p, readFileSync(join(dist, p), 'utf8')]),
  );
  const { policy } = boundaryOf(out);
  const [previousPolicy] = docs(readFileSync(join(fixture, 'boundary-46eeeaf.yaml'), 'utf8')) as [Obj];
  const withOptions = (o: Obj, options: string): Obj => ({
    ...o,
    metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, [SYNC_OPTIONS]: options } },
  });
  const namespaces = writtenObjects(out).filter((w) => w.object.kind === 'Namespace');
  /** What policy `p` answers Argo CD writing `w`'s Namespace with `options` over the live one with `live` (none: a create). */
  const write = (p: Obj, w: (typeof namespaces)[number], options: string, live?: string) =>
    admission(p, {
      operation: live === undefined ? 'CREATE' : 'UPDATE',
      username: ARGO,
      object: tracked(withOptions(w.object, options), w.app, 'label'),
      ...(live === undefined ? {} : { oldObject: tracked(withOptions(w.object, live), w.app, 'label') }),
    });

  it('this release writes the new options, and the previous policy admits the previous Namespaces', () => {
    expect(synthesized.code, synthesized.stderr).toBe(0);
    new ValidatingAdmissionPolicy(policy as never).validate();
    expect(namespaces.length).toBe(7);
    for (const w of namespaces) {
      expect(w.object.metadata.annotations[SYNC_OPTIONS]).toBe(NEXT);
      expect(write(previousPolicy, w, PREVIOUS, PREVIOUS).denied, w.object.metadata.name).toEqual([]);
    }
  });

  it('merged first, every Namespace is refused by the previous policy: each shard holding one is held', () => {
    for (const w of namespaces)
      expect(write(previousPolicy, w, NEXT, PREVIOUS).denied.join('\n')).toMatch(/labels and annotations as declared/);
  });

  it('the new policy applied first admits the upgrade writing each Namespace, and new ones', () => {
    for (const w of namespaces) {
      expect(write(policy, w, NEXT, PREVIOUS).denied, w.object.metadata.name).toEqual([]);
      expect(write(policy, w, NEXT).denied, w.object.metadata.name).toEqual([]);
    }
  });

  it('until the merge it refuses a Namespace written the previous way, and Argo CD writes only those out of sync (ApplyOutOfSyncOnly): merge nothing else that writes one in between', () => {
    for (const w of namespaces) expect(write(policy, w, PREVIOUS, PREVIOUS).denied).not.toEqual([]);
    for (const w of namespaces) expect(write(policy, w, PREVIOUS).denied).not.toEqual([]);
    const appSet = docs(out.get('argocd/applicationset.yaml')!).find((o) => o.kind === 'ApplicationSet')!;
    expect(appSet.spec.template.spec.syncPolicy.syncOptions).toContain('ApplyOutOfSyncOnly=true');
  });
});
