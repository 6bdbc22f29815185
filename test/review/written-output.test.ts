/**
 * review/written-output.ts, the judgement of a head dist/ that an upgrade's head proof vouches for:
 * nothing orgctl writes for an organization is refused (the refusals, each an attack a lying head
 * engine could write, are in head-proof.test.ts, through the CLI). Honest outputs of every shape
 * orgctl writes: the example, guard rails and namespace protection in two clusters, a username
 * prefix, rotated tokens, custom and token roles, and generated organizations.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMembership } from '../../analysis/membership.ts';
import { readRbac } from '../../analysis/objects.ts';
import { readIfOrgctlOutput } from '../../cli/output-read.ts';
import { generateSpec } from '../../constructs/generate.ts';
import { proveOutput } from '../../review/proof.ts';
import { judgeWrittenOutput } from '../../review/written-output.ts';
import { LONE_SURROGATE } from '../../synth/yaml.ts';
import { cli, relabelledCopy, ROOT, TODAY, tempDir } from '../helpers.ts';

/**
 * What the review holds against an output folder as an upgrade would write it (relabelled: every
 * file differs from this orgctl's rendering, the access does not), when a head proof vouches for it;
 * `forge` edits each cluster's file at a path before it is read.
 */
function unaccounted(
  dir: string,
  forge?: { readonly path: string; readonly edit: (text: string) => string },
): string[] {
  const head = relabelledCopy(dir, '9.9.9');
  if (forge)
    for (const cluster of ['lga1', 'ord1']) {
      const file = join(head, cluster, forge.path);
      if (existsSync(file)) writeFileSync(file, forge.edit(readFileSync(file, 'utf8')));
    }
  const read = readIfOrgctlOutput(head)!;
  const membership = readMembership(read.docs, dir);
  const rbac = readRbac(read.docs);
  const proof = proveOutput(read.files, read.docs, TODAY, { rbac, membership });
  expect(proof.model, `${dir}: the organization is recovered`).toBeDefined();
  expect(proof.rendered, `${dir}: this orgctl renders it differently`).toBeDefined();
  return judgeWrittenOutput(proof.model!, { docs: read.docs, membership, rbac, files: read.files }, proof.rendered!)
    .filter((f) => f.rule === 'output-proof')
    .map((f) => `${f.subject}: ${f.message}`);
}

/** A spec synthesized into a folder of its own. */
function synthesized(spec: unknown): string {
  const dir = tempDir('orgctl-written-');
  const file = join(dir, 'org.json');
  writeFileSync(file, JSON.stringify(spec));
  const r = cli(['synth', '--spec', file, '--out', join(dir, 'dist')]);
  expect(r.code, r.stderr).toBe(0);
  return join(dir, 'dist');
}

/** The guard-rails fixture synthesized (once). */
let guardRailsDir: string | undefined;
function guardRails(): string {
  if (!guardRailsDir) {
    guardRailsDir = join(tempDir('orgctl-written-'), 'dist');
    const r = cli(['synth', '--spec', join(ROOT, 'test/fixtures/specs/guard-rails.yaml'), '--out', guardRailsDir]);
    expect(r.code, r.stderr).toBe(0);
  }
  return guardRailsDir;
}

/** The document of `kind` in a file's text, with its `---` line. */
const documentOf = (text: string, kind: string): string => {
  const start = text.indexOf(`---\napiVersion: `, text.lastIndexOf('---', text.indexOf(`\nkind: ${kind}\n`)));
  const end = text.indexOf('\n---', start + 4);
  return text.slice(start, end < 0 ? text.length : end + 1);
};

// Guard rails a lying head engine could drop or add (a third red-team round; the other attacks are in
// head-proof.test.ts, through the CLI, on the example, which declares none).
describe('guard rails written other than declared are refused', () => {
  it.each([
    [
      'the declared NetworkPolicy left out',
      'shard-01/resources.yaml',
      (text: string) => text.replace(documentOf(text, 'NetworkPolicy'), ''),
      /NetworkPolicy web\/orgctl-same-namespace: this orgctl writes it in lga1\/shard-01\/; head dist\/ does not/,
    ],
    [
      'a NetworkPolicy letting every namespace in, beside the declared one',
      'shard-01/resources.yaml',
      (text: string) =>
        `${text}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: orgctl-allow-all\n  namespace: web\nspec:\n  ingress:\n  - from:\n    - namespaceSelector: {}\n  podSelector: {}\n  policyTypes:\n  - Ingress\n`,
      /NetworkPolicy web\/orgctl-allow-all: written in lga1\/shard-01\/, where this orgctl writes no such object/,
    ],
    [
      'the namespace protection left out',
      'cluster/resources.yaml',
      (text: string) => text.replace(documentOf(text, 'ValidatingAdmissionPolicyBinding'), ''),
      /ValidatingAdmissionPolicyBinding acme-namespace-protection: this orgctl writes it in lga1\/cluster\/; head dist\/ does not/,
    ],
  ])('%s', (_, path, edit, message) => {
    const found = unaccounted(guardRails(), { path, edit });
    expect(found.join('\n')).toMatch(message);
  });
});

// A role's rule the API server refuses stops the whole Application, its revocations with it: each
// defect ValidatePolicyRule finds is refused by name (the CLI's round in head-proof.test.ts has one).
describe('role rules the API server refuses are refused', () => {
  const firstRuleOfEvents = (rule: string) => (text: string) => {
    const at = text.indexOf('rules:\n', text.indexOf('orgctl.io/level: r:events')) + 'rules:\n'.length;
    return `${text.slice(0, at)}${rule}${text.slice(at)}`;
  };
  it.each([
    ['a rule without verbs', '- apiGroups:\n  - ""\n  resources:\n  - events\n  verbs: []\n', /rule 0 names no verbs/],
    [
      'non-resource URLs beside resource names',
      '- nonResourceURLs:\n  - /healthz\n  resourceNames:\n  - x\n  verbs:\n  - get\n',
      /rule 0 names non-resource URLs and resources together/,
    ],
  ])('%s', (_, rule, message) => {
    // Since R89-1 the strict reader refuses it before the proof: every reader, not the proof alone.
    expect(() =>
      unaccounted(join(ROOT, 'dist'), { path: 'cluster/resources.yaml', edit: firstRuleOfEvents(rule) }),
    ).toThrow(new RegExp(`ClusterRole acme:r:events: ${message.source}: the API server refuses it`));
  });
});

/** The guard-rails fixture with `edit` made to its text, synthesized. */
function guardRailsWith(edit: (spec: string) => string): string {
  const dir = tempDir('orgctl-written-');
  writeFileSync(join(dir, 'org.yaml'), edit(readFileSync(join(ROOT, 'test/fixtures/specs/guard-rails.yaml'), 'utf8')));
  const r = cli(['synth', '--spec', join(dir, 'org.yaml'), '--out', join(dir, 'dist')]);
  expect(r.code, r.stderr).toBe(0);
  return join(dir, 'dist');
}

// How a field head writes otherwise is said: its path and head's value, clipped, or `none`.
describe('a field written otherwise is said as it is', () => {
  const CONTACT = 'owner.acme.io/contact';

  /** The value head writes for web's contact annotation, as the finding shows it. */
  const shownContact = (yamlScalar: string): string => {
    const found = unaccounted(guardRails(), {
      path: 'shard-01/resources.yaml',
      edit: (text) => text.replace(`${CONTACT}: web-team@acme.io`, `${CONTACT}: ${yamlScalar}`),
    }).join('\n');
    const at = found.indexOf(`metadata.annotations.${CONTACT} `);
    expect(at, found).toBeGreaterThan(0);
    return found.slice(at + `metadata.annotations.${CONTACT} `.length, found.indexOf(' is not what', at));
  };

  // The value is shown as JSON, clipped to 80 characters: a cut inside a surrogate pair left half
  // an emoji (a lone surrogate, U+FFFD to a reader, refused by a JSON consumer), and one inside an
  // escape (`\u00`) a text no JSON reader reads.
  it.each(['🎉', '\\u0001', '\\\\', '\\"'])('a long value with %s (as YAML writes it) where it is clipped', (piece) => {
    for (let n = 70; n <= 78; n++) {
      const shown = shownContact(`"${'a'.repeat(n)}${piece}${'b'.repeat(40)}"`);
      expect(shown, `${n}`).toMatch(/^".*\.\.\.$/);
      expect(LONE_SURROGATE.test(shown), `${n}: ${shown}`).toBe(false);
      const text = JSON.parse(`${shown.slice(0, -3)}"`) as string;
      expect(JSON.parse(`"${'a'.repeat(n)}${piece}${'b'.repeat(40)}"`).startsWith(text), `${n}: ${shown}`).toBe(true);
      expect(shown.length, `${n}: ${shown}`).toBeGreaterThanOrEqual(75);
      expect(shown.length, `${n}: ${shown}`).toBeLessThanOrEqual(80);
    }
  });

  // A key head leaves out is `none`: a plain object reads `toString` (a valid label key) from
  // Object's prototype, and the finding said `null`, as if head wrote one.
  it.each(['toString', 'constructor'])('a label %s head leaves out', (key) => {
    const dir = guardRailsWith((spec) => spec.replace('labels: { team: web }', `labels: { team: web, ${key}: x }`));
    const found = unaccounted(dir, {
      path: 'shard-01/resources.yaml',
      edit: (text) => text.replace(`\n    ${key}: x\n`, '\n'),
    }).join('\n');
    expect(found).toMatch(new RegExp(`metadata\\.labels\\.${key} none is not what this orgctl writes`));
  });
});

describe('what orgctl writes is accounted for', () => {
  it('the example', () => {
    expect(unaccounted(join(ROOT, 'dist'))).toEqual([]);
  });

  it('guard rails, namespace protection, a namespace in one cluster of two', () => {
    expect(unaccounted(guardRails())).toEqual([]);
  });

  it('generated organizations with a username prefix, rotated tokens, blank tokens, invites, no cluster named', () => {
    for (const seed of [1, 2, 3]) {
      const spec = generateSpec({ users: 60, namespaces: 12, grants: 300, tokens: 8, invites: 5, seed }) as unknown as {
        spec: Record<string, unknown> & { tokens: Record<string, unknown>[]; clusters?: string[] };
      };
      spec.spec.identity = { usernamePrefix: 'oidc:' };
      if (seed === 3) delete spec.spec.clusters; // one cluster, unnamed: in-cluster/
      spec.spec.tokens[0]!.rotation = 2;
      spec.spec.tokens[1]!.namespaces = [];
      spec.spec.tokens[1]!.rbac = [
        { namespace: 'ns-1', rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] },
      ];
      expect(unaccounted(synthesized(spec)), `seed ${seed}`).toEqual([]);
    }
  });
});
