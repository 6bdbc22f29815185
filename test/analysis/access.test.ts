/** The access matrix's JSON, written directly, says exactly what the matrix says. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../../cli/manifests.ts';
import { generateSpec } from '../../constructs/generate.ts';
import { Organization } from '../../constructs/index.ts';
import { synthesize } from '../../constructs/synthesize.ts';
import { parseCanonicalYaml } from '../../synth/yaml.ts';
import {
  accessMatrix,
  accessMatrixJson,
  bindingLabel,
  bindingLabelJson,
  levelsCovered,
  ruleAtoms,
} from '../../analysis/access.ts';
import { CATALOG, type PolicyRule } from '../../model/catalog.ts';
import { rulesAllow } from '../../analysis/rules.ts';
import { Authorizer } from '../../analysis/authorizer.ts';
import { readRbac, type ManifestDoc } from '../../analysis/objects.ts';
import { isBootstrapBinding, withBootstrap } from '../../analysis/bootstrap.ts';
import { writeAtomically } from '../../cli/output.ts';
import { AsciiBytes, unicodeEscape } from '../../model/text.ts';
import { lineWriter } from '../../model/io.ts';
import fc from 'fast-check';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cli, ROOT, run, tempDir, TODAY } from '../helpers.ts';

function generatedFiles(seed: number, users = 60) {
  const root = new Construct(undefined as never, '');
  Organization.fromSpec(
    root,
    generateSpec({ users, namespaces: users / 5, grants: users * 7, tokens: users / 7, seed }),
    { today: TODAY },
  );
  return synthesize(root, { today: TODAY, declaredIn: 'test' }).files;
}

function generatedDocs(seed: number, users?: number): ManifestDoc[] {
  return generatedFiles(seed, users)
    .filter((f) => f.path.endsWith('.yaml'))
    .flatMap((f) => parseCanonicalYaml(f.content)!.map((object, index) => ({ file: f.path, index, object })));
}

const jsonText = (authz: Authorizer, options?: Parameters<typeof accessMatrixJson>[1]) =>
  Buffer.concat(accessMatrixJson(authz, options)).toString();

describe('accessMatrixJson', () => {
  it.each([
    ['the committed dist/', () => loadManifests(join(ROOT, 'dist')).docs],
    [
      'hand-written manifests (groups, cluster bindings, aggregation)',
      () => loadManifests(join(ROOT, 'test/fixtures/manifests')).docs,
    ],
    ['a generated organization', () => generatedDocs(3)],
    ['another generated organization', () => generatedDocs(4)],
    // Admins bound in all 81 namespaces, and Add All's users: cells of long lists written once, copied.
    ['a generated organization of 405 namespaces', () => generatedDocs(5, 2_025)],
  ])('is JSON.stringify(accessMatrix()) for %s', (_what, docs) => {
    const authz = new Authorizer(readRbac(docs()));
    const text = jsonText(authz);
    expect(JSON.parse(text)).toEqual(accessMatrix(authz));
    // the same text as JSON.stringify, but for the escaped arrow of every binding label
    expect(text).toBe(JSON.stringify(accessMatrix(authz)).replaceAll('→', '\\u2192'));
    expect(text).toMatch(/^[\x20-\x7e]*$/);
  });

  it('people bound in many namespaces by the same bindings (admins) share their cells; one bound once more has their own', () => {
    const docs = generatedDocs(5, 2_025);
    const admins = accessMatrix(new Authorizer(readRbac(docs))).filter((s) => Object.keys(s.namespaces).length >= 64);
    expect(admins.length).toBeGreaterThan(2);
    expect(new Set(admins.map((s) => JSON.stringify(s.namespaces))).size).toBe(1);
    // Two of them bound once more, each in another namespace: as many bindings as each other, not the same ones.
    const boundOnceMore = (admin: { name: string; namespaces: object }, at: number): ManifestDoc => ({
      file: 'extra.yaml',
      index: at,
      object: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: `extra-${at}`, namespace: Object.keys(admin.namespaces)[at] },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'acme:r:pods' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: admin.name }],
      },
    });
    const authz = new Authorizer(readRbac([...docs, boundOnceMore(admins[0]!, 7), boundOnceMore(admins[1]!, 9)]));
    const text = jsonText(authz);
    expect(text).toBe(JSON.stringify(accessMatrix(authz)).replaceAll('→', '\\u2192'));
    const cells = (JSON.parse(text) as { name: string; namespaces: object }[]).filter((s) =>
      admins.some((a) => a.name === s.name),
    );
    expect(new Set(cells.map((s) => JSON.stringify(s.namespaces))).size).toBe(3);
  });

  it('a run of bindings in a namespace of 30 or more is the same cell as any list of the same bindings, repeats and late places too', () => {
    // 34 Roles and their RoleBindings in one namespace: a run's places past 29 are found by the bindings' numbers.
    const rbac = 'rbac.authorization.k8s.io/v1';
    const people: Record<string, number[]> = {
      early: [0, 1],
      again: [1, 0, 1], // named twice in binding 1
      late: [29, 30, 33],
      lateAgain: [33, 30, 29, 30],
      apart: [2, 31],
    };
    const docs: ManifestDoc[] = [];
    for (let k = 0; k < 34; k++) {
      const names = Object.entries(people).flatMap(([name, at]) => at.filter((a) => a === k).map(() => name));
      docs.push(
        {
          file: 'x.yaml',
          index: 2 * k,
          object: {
            apiVersion: rbac,
            kind: 'Role',
            metadata: { name: `r${k}`, namespace: 'web' },
            rules: [{ apiGroups: [''], resources: [k % 2 ? 'pods' : 'secrets'], verbs: ['get'] }],
          },
        },
        {
          file: 'x.yaml',
          index: 2 * k + 1,
          object: {
            apiVersion: rbac,
            kind: 'RoleBinding',
            metadata: { name: `b${k}`, namespace: 'web' },
            roleRef: { kind: 'Role', name: `r${k}` },
            subjects: names.map((name) => ({ kind: 'User', name })),
          },
        },
      );
    }
    const authz = new Authorizer(readRbac(docs));
    const text = jsonText(authz);
    expect(text).toBe(JSON.stringify(accessMatrix(authz)).replaceAll('→', '\\u2192'));
    const cell = (name: string) =>
      (JSON.parse(text) as { name: string; namespaces: Record<string, { via: string[] }> }[]).find(
        (s) => s.name === name,
      )!.namespaces.web!;
    expect(cell('again')).toEqual(cell('early'));
    expect(cell('lateAgain')).toEqual(cell('late'));
    expect(cell('late').via).toHaveLength(3);
    expect(cell('apart').via).toEqual(['RoleBinding web/b2 → Role r2', 'RoleBinding web/b31 → Role r31']);
  });

  it("names a cell's bindings in the order of their labels, not of their JSON, when a name holds a space, `!` or more", () => {
    // `web/x y` sorts before `web/x →` (y before the arrow), `web/x \u2192` before `web/x y` (\ before y);
    // `Role a` before `Role a!` (a prefix first), `Role a"` after `Role a!` in JSON (" after !).
    const rbac = 'rbac.authorization.k8s.io/v1';
    const bound = [
      ['x', 'a'],
      ['x y', 'a'],
      ['x!', 'a!'],
      ['w', 'a'],
      ['w ', 'a!'],
      ['v', 'é'],
      ['v"', 'a'],
      ['u', 'a'],
    ] as const;
    const docs: ManifestDoc[] = [
      ...['a', 'a!', 'é'].map((name, k) => ({
        file: 'x.yaml',
        index: k,
        object: {
          apiVersion: rbac,
          kind: 'Role',
          metadata: { name, namespace: 'web' },
          rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
        },
      })),
      ...bound.map(([name, role], k) => ({
        file: 'x.yaml',
        index: 3 + k,
        object: {
          apiVersion: rbac,
          kind: 'RoleBinding',
          metadata: { name, namespace: 'web' },
          roleRef: { kind: 'Role', name: role },
          // everyone in pairs of neighbours, and one person in all of them
          subjects: [`p${k}`, `p${k + 1}`, 'all'].map((user) => ({ kind: 'User', name: user })),
        },
      })),
    ];
    const authz = new Authorizer(readRbac(docs));
    const text = jsonText(authz);
    expect(text).toBe(JSON.stringify(accessMatrix(authz)).replace(/[\u0080-\uffff]/g, unicodeEscape));
    const all = (JSON.parse(text) as { name: string; namespaces: Record<string, { via: string[] }> }[]).find(
      (s) => s.name === 'all',
    )!.namespaces.web!.via;
    expect(all).toEqual(bound.map(([name, role]) => `RoleBinding web/${name} → Role ${role}`).sort());
    expect(all.indexOf('RoleBinding web/x y → Role a')).toBeLessThan(all.indexOf('RoleBinding web/x → Role a'));
  });

  it('writes namespaces in sorted order even when a name looks like a number', () => {
    const binding = (ns: string) => ({
      file: 'x.yaml',
      index: 0,
      object: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'b', namespace: ns },
        roleRef: { kind: 'ClusterRole', name: 'view' },
        subjects: [{ kind: 'User', name: 'u' }],
      },
    });
    const role = {
      file: 'x.yaml',
      index: 1,
      object: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'view' },
        rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
      },
    };
    const authz = new Authorizer(readRbac([binding('web'), binding('42'), role]));
    const text = jsonText(authz);
    expect(Object.keys((JSON.parse(text) as { namespaces: object }[])[0]!.namespaces)).toEqual(['42', 'web']);
    expect(text.indexOf('"42"')).toBeLessThan(text.indexOf('"web"'));
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(accessMatrix(authz))));
  });

  it.each([
    ['the committed dist/', () => loadManifests(join(ROOT, 'dist')).docs],
    [
      'hand-written manifests (groups, cluster bindings)',
      () => loadManifests(join(ROOT, 'test/fixtures/manifests')).docs,
    ],
    ['a generated organization', () => generatedDocs(5)],
  ])('with the bootstrap bindings shown apart (as the CLI asks) is still the matrix, for %s', (_what, docs) => {
    const authz = new Authorizer(withBootstrap(readRbac(docs())));
    const options = { apart: isBootstrapBinding };
    const text = jsonText(authz, options);
    expect(text).toBe(JSON.stringify(accessMatrix(authz, options)).replaceAll('→', '\\u2192'));
  });

  it('is what `orgctl access --format json` prints, most of a megabyte of it', async () => {
    const dir = tempDir();
    const files = generatedFiles(6, 700);
    await writeAtomically(dir, files);
    const r = cli(['access', '--format', 'json', '--dir', dir]);
    expect(r.code).toBe(0);
    const docs = files
      .filter((f) => f.path.endsWith('.yaml'))
      .flatMap((f) => parseCanonicalYaml(f.content)!.map((object, index) => ({ file: f.path, index, object })));
    const authz = new Authorizer(withBootstrap(readRbac(docs)));
    const expected = JSON.stringify(accessMatrix(authz, { apart: isBootstrapBinding })).replaceAll('→', '\\u2192');
    expect(expected.length).toBeGreaterThan(1 << 19); // several of the writer's pieces
    expect(r.stdout).toBe(`${expected}\n`);
    // Into a file (written as it is made, one buffer written over again): the same bytes.
    const file = join(tempDir(), 'access.json');
    const fd = openSync(file, 'w');
    const toFile = spawnSync(
      process.execPath,
      [join(ROOT, 'bin/orgctl.mjs'), 'access', '--format', 'json', '--dir', dir],
      {
        env: { ...process.env, ORGCTL_TODAY: TODAY },
        stdio: ['ignore', fd, 'pipe'],
      },
    );
    closeSync(fd);
    expect(toFile.status).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(`${expected}\n`);
  });
});

describe('levelsCovered', () => {
  // The definition: a level is covered when the rules allow every request its rules stand for.
  const byDefinition = (rules: readonly PolicyRule[]) =>
    CATALOG.filter((l) => ruleAtoms(l.rules).every((a) => rulesAllow(rules, a))).map((l) => l.id);
  const catalogWords = (pick: (r: PolicyRule) => readonly string[] | undefined) => [
    ...new Set(CATALOG.flatMap((l) => l.rules.flatMap((r) => pick(r) ?? []))),
  ];
  const part = (words: string[]) =>
    fc.array(fc.oneof(fc.constantFrom(...words, '*', '*/log', 'pods/log/x', 'Get', ''), fc.string({ maxLength: 3 })), {
      maxLength: 5,
    });
  const rule = fc.record(
    {
      verbs: part(catalogWords((r) => r.verbs)),
      apiGroups: part(catalogWords((r) => r.apiGroups)),
      resources: part(catalogWords((r) => r.resources)),
      resourceNames: fc.array(fc.constantFrom('', 'x'), { maxLength: 2 }),
    },
    { requiredKeys: ['verbs'] },
  );

  it("is the levels whose every request the rules allow, wildcards, subresources and resource names too, each level's own rules and any", () => {
    for (const level of CATALOG) expect(levelsCovered(level.rules)).toEqual(byDefinition(level.rules));
    // A level's rules, each kept, given resource names, or a field made a wildcard: near covering it.
    const changed = (r: PolicyRule, change: number): PolicyRule =>
      [
        r,
        { ...r, resourceNames: ['x'] },
        { ...r, resourceNames: [''] },
        { ...r, resourceNames: [] },
        { ...r, verbs: ['*'] },
        { ...r, apiGroups: ['*'] },
        { ...r, resources: ['*'] },
        { ...r, resources: [...(r.resources ?? []), '*/log'] },
        { ...r, verbs: r.verbs.slice(1) },
      ][change]!;
    const nearLevel = fc
      .tuple(fc.constantFrom(...CATALOG.map((l) => l.rules)), fc.array(fc.nat(8), { minLength: 40, maxLength: 40 }))
      .map(([rules, changes]) => rules.map((r, k) => changed(r, changes[k % changes.length]!)));
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 4 }), nearLevel, nearLevel, (rules, one, two) => {
        for (const all of [rules, one, [...rules, ...one], [...one, ...two]])
          expect(levelsCovered(all)).toEqual(byDefinition(all));
      }),
      { numRuns: 300 },
    );
  });
});

describe('AsciiBytes', () => {
  it('keeps every piece in order across its buffers, pieces larger than a buffer too', () => {
    const out = new AsciiBytes();
    const expected: string[] = [];
    let seed = 11;
    for (let n = 0; n < 5000; n++) {
      seed = (seed * 48271) % 2147483647; // Park–Miller: exact in doubles (a larger multiplier loses bits past 2^53)
      const piece = String.fromCharCode(33 + (seed % 90)).repeat(n % 97 === 0 ? 70_000 + (seed % 5000) : seed % 300);
      if (seed % 3 === 0) out.text(piece);
      else if (seed % 3 === 1) out.bytes(Buffer.from(piece, 'latin1'));
      else for (const c of piece.slice(0, 3)) out.byte(c.charCodeAt(0));
      expected.push(seed % 3 === 2 ? piece.slice(0, 3) : piece);
    }
    const pieces = out.done();
    expect(pieces.length).toBeGreaterThan(3);
    expect(Buffer.concat(pieces).toString('latin1')).toBe(expected.join(''));
  });

  it('gives each full buffer to its drain, in order, and writes over only those the drain says were written out', () => {
    const drained: Buffer[] = [];
    const kept: Buffer[] = [];
    const keptAsGiven: string[] = [];
    let calls = 0;
    // Every third buffer is "still queued" (kept by reference, as a pipe keeps what it could not write yet).
    const out = new AsciiBytes((full) => {
      calls++;
      if (calls % 3 === 0) {
        drained.push(full);
        kept.push(full);
        keptAsGiven.push(full.toString('latin1'));
        return false;
      }
      drained.push(Buffer.from(full));
      return true;
    });
    const expected: string[] = [];
    for (let n = 0; n < 20_000; n++) {
      const piece = String.fromCharCode(33 + (n % 90)).repeat(1 + ((n * 7919) % 700));
      if (n % 2) out.text(piece);
      else out.bytes(Buffer.from(piece, 'latin1'));
      expected.push(piece);
    }
    expect(out.done()).toEqual([]);
    expect(calls).toBeGreaterThan(6);
    // what was kept by reference was never written over
    expect(kept.map((b) => b.toString('latin1'))).toEqual(keptAsGiven);
    expect(Buffer.concat(drained).toString('latin1')).toBe(expected.join(''));
  });
});

describe('lineWriter', () => {
  it("without the Io's own writer, keeps a copy of each piece (its memory may be written over) and writes the line at the end", () => {
    const lines: string[] = [];
    const line = lineWriter({ out: (l) => lines.push(l), err: () => {}, env: {} });
    const piece = Buffer.from('abc');
    expect(line.write(piece)).toBe(true);
    piece.write('xyz');
    line.write(piece);
    expect(lines).toEqual([]);
    line.end();
    expect(lines).toEqual(['abcxyz']);
  });
});

describe('bindingLabelJson', () => {
  it("is the label's JSON with every character past ASCII escaped, whatever the names", () => {
    const name = fc.oneof(
      fc.string(),
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: 'binary' }),
      fc.constant('acme:r:full'),
    );
    fc.assert(
      fc.property(fc.boolean(), name, name, fc.boolean(), name, (cluster, ns, n, clusterRole, role) => {
        const b = {
          kind: cluster ? ('ClusterRoleBinding' as const) : ('RoleBinding' as const),
          name: n,
          namespace: cluster ? '' : ns,
          roleRef: { kind: clusterRole ? ('ClusterRole' as const) : ('Role' as const), name: role },
          subjects: [],
          from: { file: 'x.yaml', index: 0 },
        };
        expect(bindingLabelJson(b)).toBe(JSON.stringify(bindingLabel(b)).replace(/[\u0080-\uffff]/g, unicodeEscape));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('a ServiceAccount bound as a User subject (a red team)', () => {
  // appliesToUser (rule.go) matches a User subject by name, and a ServiceAccount's username is
  // system:serviceaccount:NS:NAME: both subjects are one identity, on one row.
  const RBAC = 'rbac.authorization.k8s.io';
  const role = (name: string, rules: unknown[]) => ({
    apiVersion: `${RBAC}/v1`,
    kind: 'ClusterRole',
    metadata: { name },
    rules,
  });
  const binding = (name: string, roleName: string, subject: Record<string, string>) => ({
    apiVersion: `${RBAC}/v1`,
    kind: 'RoleBinding',
    metadata: { name, namespace: 'web' },
    roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: roleName },
    subjects: [subject],
  });
  it('web:bot’s row holds what its User-named binding and its ServiceAccount group give; a longer name is another user', async () => {
    const d = tempDir('orgctl-sa-user-');
    writeFileSync(
      join(d, 'rbac.json'),
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          role('cm-reader', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]),
          role('pod-runner', [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }]),
          role('secret-reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]),
          binding('bot-view', 'cm-reader', { kind: 'ServiceAccount', name: 'bot', namespace: 'web' }),
          binding('bot-run', 'pod-runner', { apiGroup: RBAC, kind: 'User', name: 'system:serviceaccount:web:bot' }),
          binding('odd', 'pod-runner', { apiGroup: RBAC, kind: 'User', name: 'system:serviceaccount:web:bot:x' }),
          binding('sa-secrets', 'secret-reader', { apiGroup: RBAC, kind: 'Group', name: 'system:serviceaccounts:web' }),
        ],
      }),
    );
    expect(
      (await run(['can-i', 'create', 'pods', '-n', 'web', '--as', 'system:serviceaccount:web:bot', '--dir', d])).stdout,
    ).toBe('yes');
    const rows = JSON.parse((await run(['access', '--dir', d, '--format', 'json', '--no-bootstrap'])).stdout) as {
      kind: string;
      name: string;
      namespaces: Record<string, { classes: string[] }>;
    }[];
    expect(rows.filter((r) => r.name.includes('bot')).map((r) => [r.kind, r.name])).toEqual([
      ['ServiceAccount', 'web:bot'],
      ['User', 'system:serviceaccount:web:bot:x'],
    ]);
    expect(rows.find((r) => r.name === 'web:bot')!.namespaces.web!.classes).toEqual(['run-pods', 'read-secrets']);
  });
});

describe('orgctl access --out', () => {
  it('a folder given for the file says so, not "a folder orgctl may write to"', async () => {
    const dir = tempDir();
    const r = await run(['access', '--format', 'html', '--out', dir]);
    expect(r.stderr).toBe(`orgctl access: cannot write ${dir}: it is a folder; give the path of a file to write in it`);
    expect(r.code).toBe(2);
  });
});
