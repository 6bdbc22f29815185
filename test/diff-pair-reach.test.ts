/**
 * A diff reads access for the touched subjects only when no binding on either side reaches past its
 * namespace's people: a Group subject (its reach is its members') or a ClusterRoleBinding (every
 * namespace) makes it read everyone (readSnapshotPair). Here in a binding both sides hold as one
 * object, its subjects read by the YAML reader as shared mappings, and head's RBAC read first and
 * read again, as `orgctl diff` does: what the reader knew of a list before must not hide either.
 */
import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { diffSnapshots } from '../analysis/diff.ts';
import { readRbac, type ManifestDoc } from '../analysis/objects.ts';
import { readMembership, readSnapshot, readSnapshotPair } from '../analysis/snapshot.ts';
import { Organization } from '../constructs/index.ts';
import { parseCanonicalYaml } from '../synth/yaml.ts';
import { files, TODAY } from './helpers.ts';
import { baseSpec } from './review/scenarios.ts';

const GROUP = '- apiGroup: rbac.authorization.k8s.io\n  kind: Group\n  name: everyone\n';

/** The base example's output, each file's text changed by `edit`, read as the diff reads it. */
function outputDocs(edit: (path: string, text: string) => string): ManifestDoc[] {
  const app = new App();
  Organization.fromSpec(app, baseSpec(), { today: TODAY });
  return [...files(app)]
    .filter(([path]) => path.endsWith('.yaml'))
    .flatMap(([path, text]) =>
      parseCanonicalYaml(edit(path, text))!.map((object, index) => ({ file: path, index, object })),
    );
}

type Doc = { kind?: string; metadata: { name: string; namespace?: string }; subjects?: unknown[] };
const doc = (d: ManifestDoc) => d.object as Doc;

/** Head: base's own objects (one each, as the document cache gives them) but one binding losing its last subject. */
function headOf(base: ManifestDoc[], spare: ManifestDoc): ManifestDoc[] {
  const edited = structuredClone(spare.object) as Doc;
  edited.subjects = edited.subjects!.slice(0, -1);
  return base.map((d) => (d === spare ? { ...d, object: edited } : d));
}

/** The pair as `orgctl diff` reads it (head's RBAC read first), and its diff against full snapshots'. */
function expectEveryoneRead(base: ManifestDoc[], head: ManifestDoc[]): void {
  for (let round = 0; round < 2; round++) {
    const headRbac = readRbac(head);
    const pair = readSnapshotPair(
      { docs: base, membership: readMembership(base, 'base') },
      { docs: head, membership: readMembership(head, 'head'), rbac: headRbac },
    );
    // Read for everyone: base's grants are counted by the access index, not apart.
    expect(pair.base.grantCount).toBeUndefined();
    const d = diffSnapshots(pair.base, pair.head, TODAY);
    expect(d).toEqual(diffSnapshots(readSnapshot(base, 'base'), readSnapshot(head, 'head'), TODAY));
  }
}

const roleBindings = (docs: ManifestDoc[]) => docs.filter((d) => doc(d).kind === 'RoleBinding');

describe('a diff of outputs whose unchanged bindings reach past their people', () => {
  it('reads everyone for a Group in a binding both sides hold, its subjects shared mappings', () => {
    let added = false;
    const base = outputDocs((_, text) => {
      // The first RoleBinding's subjects gain the Group after their first subject.
      if (added) return text;
      const at = text.indexOf('subjects:\n', text.indexOf('kind: RoleBinding\n'));
      if (at < 0) return text;
      added = true;
      const next = text.indexOf('\n- ', at + 'subjects:\n'.length) + 1;
      return next > 0 ? `${text.slice(0, next)}${GROUP}${text.slice(next)}` : text;
    });
    const withGroup = roleBindings(base).find((d) => JSON.stringify(doc(d).subjects).includes('"Group"'))!;
    expect(withGroup).toBeDefined();
    // The Group's mapping is the reader's shared one.
    expect(Object.isFrozen(doc(withGroup).subjects!.find((s) => (s as { kind: string }).kind === 'Group'))).toBe(true);
    const spare = roleBindings(base).find((d) => d !== withGroup && doc(d).subjects!.length > 1)!;
    expectEveryoneRead(base, headOf(base, spare));
  });

  it('reads everyone for a ClusterRoleBinding both sides hold', () => {
    const crb = [
      '---',
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: ClusterRoleBinding',
      'metadata:',
      '  name: viewers',
      'roleRef:',
      '  apiGroup: rbac.authorization.k8s.io',
      '  kind: ClusterRole',
      '  name: view',
      'subjects:',
      '- apiGroup: rbac.authorization.k8s.io',
      '  kind: User',
      '  name: dan@acme.io',
      '',
    ].join('\n');
    let added = false;
    const base = outputDocs((_, text) => {
      if (added || !text.includes('kind: RoleBinding\n')) return text;
      added = true;
      return `${text}${crb}`;
    });
    expect(base.some((d) => doc(d).kind === 'ClusterRoleBinding')).toBe(true);
    const spare = roleBindings(base).find((d) => doc(d).subjects!.length > 1)!;
    expectEveryoneRead(base, headOf(base, spare));
  });
});
