/**
 * Red team D: the access diff's account of identities and of clusters read apart. Each case is a
 * head (a dist/ edited by hand or forged) whose gain the diff left unsaid.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFiles } from '../cli/output.ts';
import { run, shardHolding } from './helpers.ts';
import { baseSpec, distPair, token, type Spec } from './review/scenarios.ts';

/** A RoleBinding of web to ClusterRole `role`, its subjects as written (the lines of `subjects:`). */
const webBinding = (name: string, role: string, subjects: string) =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: ${name}\n  namespace: web\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: ${role}\nsubjects:\n${subjects}`;
const userSubject = (name: string) => `- apiGroup: rbac.authorization.k8s.io\n  kind: User\n  name: ${name}\n`;

/** Appends documents to web's shard of a dist/ folder. */
function appendToWeb(dist: string, text: string): void {
  const file = join(dist, shardHolding(dist, 'web'));
  const before = readFileSync(file, 'utf8');
  writeFileSync(file, `${before}${before.endsWith('---\n') ? '' : '---\n'}${text}`);
}

/** The files of a dist/ folder whose text holds `text`. */
const filesHolding = (dist: string, text: string) =>
  listFiles(dist)
    .map((f) => join(dist, f))
    .filter((f) => readFileSync(f, 'utf8').includes(text));

/** `orgctl diff` of two dist/ folders as JSON, every line as `subject: text`. */
async function linesOf(sides: { base: string; head: string }): Promise<string[]> {
  const r = await run(['diff', '--base', sides.base, '--head', sides.head, '--format', 'json']);
  expect(r.code, r.stderr).toBe(0);
  const d = JSON.parse(r.stdout) as Record<
    'people' | 'tokens' | 'outsiders',
    { id: string; changes: { text: string }[] }[]
  >;
  return [...d.people, ...d.tokens.map((t) => ({ ...t, id: `token ${t.id}` })), ...(d.outsiders ?? [])].flatMap((s) =>
    s.changes.map((c) => `${s.id}: ${c.text}`),
  );
}

describe('D1: a username no head record names, still bound in head for more than base gave it', () => {
  it("usernamePrefix changed, bob's old username bound to w:full in web in head: the gain was not said", async () => {
    const sides = await distPair(baseSpec(), (s: Spec) => {
      s.spec.identity = { usernamePrefix: 'oidc:' };
    });
    appendToWeb(sides.head, webBinding('x-old-bob', 'acme:w:full', userSubject('bob@acme.io')));
    const said = await linesOf(sides);
    expect(said).toContainEqual(expect.stringMatching(/^User bob@acme\.io: gains w:full in web$/));
  });

  it('a token rotated, its old ServiceAccount bound to w:full in web in head: the gain was not said', async () => {
    const sides = await distPair(baseSpec(), (s: Spec) => {
      token(s, 'bots').rotation = 1;
    });
    appendToWeb(
      sides.head,
      webBinding('x-old-bots', 'acme:w:full', '- kind: ServiceAccount\n  name: token-bots\n  namespace: acme-system\n'),
    );
    const said = await linesOf(sides);
    expect(said).toContain('ServiceAccount acme-system/token-bots: gains w:full in web');
  });

  it("bob's record given another username in head, orgctl's bindings of bob@acme.io left: what they give was not said", async () => {
    const sides = await distPair(baseSpec(), () => {});
    for (const file of filesHolding(sides.head, '"username":"bob@acme.io"'))
      writeFileSync(
        file,
        readFileSync(file, 'utf8').replace('"username":"bob@acme.io"', '"username":"robert@acme.io"'),
      );
    const said = await linesOf(sides);
    // bob's line reads robert@acme.io (which holds nothing), the old username holds on.
    expect(said).toContain('bob@acme.io: loses r:pods, w:services in web');
    expect(said).toContain('User bob@acme.io: gains r:pods, w:services in web');
  });

  it('the other way round: a name bound in base that no base record names, named in head by a changed identity', async () => {
    const sides = await distPair(baseSpec(), (s: Spec) => {
      s.spec.identity = { usernamePrefix: 'oidc:' };
    });
    appendToWeb(sides.base, webBinding('x-early', 'acme:w:full', userSubject('oidc:bob@acme.io')));
    const said = await linesOf(sides);
    // Base held w:full for the name head's bob is: bob's line compares his own old access, the
    // name's own access in base is said apart (its head access is bob's).
    expect(said).toContain('User oidc:bob@acme.io: loses w:full in web');
  });

  it("an email changed (a person leaves, another joins), the old username still bound in head: said on the old email's line", async () => {
    const sides = await distPair(baseSpec(), (s: Spec) => {
      s.spec.users.find((u: { email: string }) => u.email === 'bob@acme.io').email = 'robert@acme.io';
      for (const g of s.spec.grants) if (g.user === 'bob@acme.io') g.user = 'robert@acme.io';
      for (const t of s.spec.tokens) if (t.owner === 'bob@acme.io') t.owner = 'robert@acme.io';
    });
    appendToWeb(sides.head, webBinding('x-old-bob', 'acme:w:full', userSubject('bob@acme.io')));
    const said = await linesOf(sides);
    expect(said).toContain('bob@acme.io: gains w:full in web');
    expect(said.filter((l) => l.includes('w:full'))).toHaveLength(1);
  });
});
