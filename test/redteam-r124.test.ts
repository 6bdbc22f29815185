/**
 * Red team R124: what `access` names and what the reader of dist/ accepts.
 *
 * R124-1: a cell's `via` (the bindings that give a subject its access in a namespace) kept one
 * binding per LABEL text. RBAC names may hold spaces and `→`, so two bindings to different roles
 * can share a label (`RoleBinding web/a → Role b` to Role `c`, and `RoleBinding web/a` to Role
 * `b → Role c`): the report named one, and hid a binding that grants access.
 *
 * R124-2: the reader of dist/ judged where objects are placed (misplaced) by the layout of the FIRST
 * organization ConfigMap in file order, not of the one readMembership accepts (its system
 * namespace's). A decoy first, in a team's namespace, made the reading fail with "has no
 * orgctl-organization ConfigMap" (there is one) and hid the real finding, a RoleBinding of web
 * written into the cluster shard; last, it was ignored. A decoy in its own system namespace (another
 * organization's) gave findings about acme-system's objects, placed where orgctl places them, rather
 * than "more than one orgctl-organization ConfigMap". No order let a misplaced object through.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { accessMatrix, accessMatrixJson, bindingLabel, type MatrixCell } from '../analysis/access.ts';
import { Authorizer } from '../analysis/authorizer.ts';
import { readRbac, type BindingObject, type ManifestDoc } from '../analysis/objects.ts';
import { accessHtml } from '../report/access-html.ts';
import { ERIN_FULL_IN_WEB, exampleDistCopy, run } from './helpers.ts';

const RBAC = 'rbac.authorization.k8s.io/v1';
const GROUP = 'rbac.authorization.k8s.io';

/** Documents of `objects`, one file. */
const docsOf = (objects: readonly Record<string, unknown>[]): ManifestDoc[] =>
  objects.map((object, index) => ({ file: 'forged.yaml', index, object }));

const role = (kind: 'Role' | 'ClusterRole', name: string, namespace: string | undefined, resource: string) => ({
  apiVersion: RBAC,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
  rules: [{ apiGroups: [''], resources: [resource], verbs: ['get'] }],
});

const binding = (
  kind: 'RoleBinding' | 'ClusterRoleBinding',
  name: string,
  namespace: string | undefined,
  roleRef: readonly [kind: 'Role' | 'ClusterRole', name: string],
  subjects: readonly (readonly [kind: 'User' | 'Group', name: string])[],
) => ({
  apiVersion: RBAC,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
  roleRef: { apiGroup: GROUP, kind: roleRef[0], name: roleRef[1] },
  subjects: subjects.map(([k, n]) => ({ apiGroup: GROUP, kind: k, name: n })),
});

/**
 * Two bindings with one label in web (to Role `c`: get pods; to Role `b → Role c`: get secrets),
 * and two ClusterRoleBindings with one label (get nodes; get configmaps):
 * - frank is named in both RoleBindings (a run of one subject's bindings in one namespace);
 * - erin in the first, and system:authenticated (every user) in the second (a cell merged with a group's);
 * - gina in both ClusterRoleBindings (the cluster-wide cell, and every namespace's of hers).
 */
function forged(): ManifestDoc[] {
  return docsOf([
    role('Role', 'c', 'web', 'pods'),
    role('Role', 'b → Role c', 'web', 'secrets'),
    binding(
      'RoleBinding',
      'a → Role b',
      'web',
      ['Role', 'c'],
      [
        ['User', 'frank'],
        ['User', 'erin'],
      ],
    ),
    binding(
      'RoleBinding',
      'a',
      'web',
      ['Role', 'b → Role c'],
      [
        ['User', 'frank'],
        ['Group', 'system:authenticated'],
      ],
    ),
    role('ClusterRole', 'y', undefined, 'nodes'),
    role('ClusterRole', 'x → ClusterRole y', undefined, 'configmaps'),
    binding('ClusterRoleBinding', 'x → ClusterRole x', undefined, ['ClusterRole', 'y'], [['User', 'gina']]),
    binding('ClusterRoleBinding', 'x', undefined, ['ClusterRole', 'x → ClusterRole y'], [['User', 'gina']]),
  ]);
}

const label = (kind: BindingObject['kind'], name: string, namespace: string, roleRef: readonly [string, string]) =>
  bindingLabel({
    kind,
    name,
    namespace,
    roleRef: { kind: roleRef[0] as 'Role', name: roleRef[1] },
    subjects: [],
    from: { file: '', index: 0 },
  });

describe('R124-1: two bindings that share a label are both named in via', () => {
  const authz = () => new Authorizer(readRbac(forged()));
  const WEB = label('RoleBinding', 'a', 'web', ['Role', 'b → Role c']);
  const CLUSTER = label('ClusterRoleBinding', 'x', '', ['ClusterRole', 'x → ClusterRole y']);

  it('the forgery holds: each pair of bindings shares one label', () => {
    expect(label('RoleBinding', 'a → Role b', 'web', ['Role', 'c'])).toBe(WEB);
    expect(label('ClusterRoleBinding', 'x → ClusterRole x', '', ['ClusterRole', 'y'])).toBe(CLUSTER);
  });

  const cellOf =
    (matrix: readonly { name: string; cluster?: MatrixCell; namespaces: Record<string, MatrixCell> }[]) =>
    (name: string, ns: string | undefined) => {
      const s = matrix.find((m) => m.name === name)!;
      return ns === undefined ? s.cluster! : s.namespaces[ns]!;
    };

  const cases = [
    ['frank (both RoleBindings, one run)', 'frank', 'web', WEB],
    ['erin (one RoleBinding, the other through system:authenticated)', 'erin', 'web', WEB],
    ['gina cluster-wide (both ClusterRoleBindings)', 'gina', undefined, CLUSTER],
    ['gina in web (cluster-wide access in every namespace)', 'gina', 'web', CLUSTER],
  ] as const;

  it.each(cases)('accessMatrix names both bindings for %s', (_what, name, ns, text) => {
    const via = cellOf(accessMatrix(authz()))(name, ns).via;
    expect(via.filter((v) => v === text)).toHaveLength(2);
  });

  it.each(cases)('access --format json (accessMatrixJson) names both bindings for %s', (_what, name, ns, text) => {
    const a = authz();
    const json = Buffer.concat(accessMatrixJson(a)).toString();
    const via = cellOf(JSON.parse(json))(name, ns).via;
    expect(via.filter((v) => v === text)).toHaveLength(2);
    expect(json).toBe(JSON.stringify(accessMatrix(a)).replaceAll('→', '\\u2192'));
  });

  it("the HTML report's tooltip names both of frank's bindings in web", () => {
    const html = accessHtml(accessMatrix(authz()), { title: 'forged' });
    const tip = /<td class="[a-z]+" data-ns="web" data-levels="[^"]*" title="([^"]*)">/.exec(
      html.slice(html.indexOf('<th>frank')),
    )![1]!;
    expect(tip.split('&#10;').filter((line) => line === WEB)).toHaveLength(2);
  });

  it('a guard: one binding named twice for a subject (directly and through a group) is named once', () => {
    const docs = docsOf([
      role('Role', 'c', 'web', 'pods'),
      binding(
        'RoleBinding',
        'a',
        'web',
        ['Role', 'c'],
        [
          ['User', 'erin'],
          ['User', 'erin'],
          ['Group', 'system:authenticated'],
        ],
      ),
    ]);
    const a = new Authorizer(readRbac(docs));
    for (const matrix of [accessMatrix(a), JSON.parse(Buffer.concat(accessMatrixJson(a)).toString())])
      expect(cellOf(matrix)('erin', 'web').via).toEqual(['RoleBinding web/a → Role c']);
  });
});

describe('R124-2: misplaced objects are judged by the organization ConfigMap readMembership accepts, in any file order', () => {
  const CLUSTER_FILE = 'lga1/cluster/resources.yaml';
  const real = readFileSync(join(exampleDistCopy('orgctl-r124-'), CLUSTER_FILE), 'utf8');
  const organizationJson = /organization\.json: \|\n {4}(.*)\n/.exec(real)![1]!;
  /** An organization ConfigMap in `namespace` recording `json`. */
  const decoy = (namespace: string, json: string) => [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  annotations:',
    '    argocd.argoproj.io/sync-wave: "2"',
    '  labels:',
    '    app.kubernetes.io/managed-by: orgctl',
    '    orgctl.io/organization: acme',
    '  name: orgctl-organization',
    `  namespace: ${namespace}`,
    'data:',
    '  organization.json: |',
    `    ${json}`,
  ];
  /**
   * The example's dist/ with `doc` first in lga1's cluster file (before the real organization
   * ConfigMap, the first file read) or last, and `extra` last.
   */
  const withDocs = (doc: readonly string[], first: boolean, extra?: readonly string[]) =>
    exampleDistCopy('orgctl-r124-', (dir) => {
      const header = real.slice(0, real.indexOf('\n') + 1);
      const body = real.slice(header.length);
      const docs = [...(first ? [] : [body]), ...(extra ? [`---\n${extra.join('\n')}\n`] : [])];
      const text = `${header}${first ? `---\n${doc.join('\n')}\n${body}` : ''}${docs.join('')}${first ? '' : `---\n${doc.join('\n')}\n`}`;
      writeFileSync(join(dir, CLUSTER_FILE), text);
    });
  const access = async (dir: string) => {
    const r = await run(['access', '--dir', dir]);
    return { code: r.code, stderr: r.stderr.replaceAll(dir, 'DIR') };
  };

  it.each([
    ['first', true],
    ['last', false],
  ])('a decoy in web %s in file order: the RoleBinding of web in the cluster shard is the finding', async (_, first) => {
    const r = await access(withDocs(decoy('web', organizationJson), first, ERIN_FULL_IN_WEB));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/RoleBinding web\/acme:r:full-extra is in cluster, .*it places it in shard-/);
    expect(r.stderr).not.toMatch(/has no orgctl-organization ConfigMap/);
  });

  it('a decoy in web, nothing misplaced: the same verdict first and last in file order', async () => {
    const [first, last] = [
      await access(withDocs(decoy('web', organizationJson), true)),
      await access(withDocs(decoy('web', organizationJson), false)),
    ];
    expect(first).toEqual(last);
  });

  it.each([
    ['first', true],
    ['last', false],
  ])("a decoy in another organization's system namespace %s in file order: more than one organization, no finding about acme-system", async (_, first) => {
    const r = await access(
      withDocs(decoy('evil-system', organizationJson.replace('"name":"acme"', '"name":"evil"')), first),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/more than one orgctl-organization ConfigMap/);
    expect(r.stderr).not.toMatch(/acme-system/);
  });
});

/**
 * R124-3 (the class of R124-1: a text made from names where identity is meant): CellMaker.key, by
 * which cells share what their roles allow, joined a cell's role keys by a line break. A Role name
 * may hold one (the API server asks only that it be a path segment), so one Role named
 * `a\nnamespace:Role/web/b` had the key of the two Roles a and b together: whoever came first in
 * the matrix decided what the other was shown to hold.
 */
describe('R124-3: a cell of one role never takes the access of a cell of two', () => {
  const docs = docsOf([
    { ...role('Role', 'a', 'web', 'secrets'), rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] },
    role('Role', 'b', 'web', 'pods'),
    { ...role('Role', 'a\nnamespace:Role/web/b', 'web', 'pods'), rules: [] },
    binding('RoleBinding', 'one', 'web', ['Role', 'a\nnamespace:Role/web/b'], [['User', 'aaron']]),
    binding('RoleBinding', 'ra', 'web', ['Role', 'a'], [['User', 'zed']]),
    binding('RoleBinding', 'rb', 'web', ['Role', 'b'], [['User', 'zed']]),
  ]);

  it("zed (Roles a and b: everything in web) is shown what they allow, not what aaron's one empty Role allows", () => {
    const a = new Authorizer(readRbac(docs));
    const alone = new Authorizer(
      readRbac(docs.filter((d) => (d.object as { metadata: { name: string } }).metadata.name !== 'one')),
    );
    // What zed holds, read without aaron's binding.
    const zedAlone = accessMatrix(alone).find((s) => s.name === 'zed')!.namespaces.web!;
    for (const matrix of [accessMatrix(a), JSON.parse(Buffer.concat(accessMatrixJson(a)).toString())]) {
      const cell = (name: string) =>
        (matrix as { name: string; namespaces: Record<string, MatrixCell> }[]).find((s) => s.name === name)!.namespaces
          .web!;
      expect(cell('zed').levels).toEqual(zedAlone.levels);
      expect(cell('zed').classes).toEqual(zedAlone.classes);
      expect(cell('aaron').levels).toEqual([]);
    }
  });
});
