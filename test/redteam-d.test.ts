/**
 * Red team D: the access diff's account of identities and of clusters read apart. Each case is a
 * head (a dist/ edited by hand or forged) whose gain the diff left unsaid.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AccessDiff } from '../analysis/diff.ts';
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

/** `orgctl diff` of two dist/ folders, as JSON. */
async function diffJson(sides: { base: string; head: string }): Promise<AccessDiff> {
  const r = await run(['diff', '--base', sides.base, '--head', sides.head, '--format', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as AccessDiff;
}

/** `orgctl diff` of two dist/ folders, every line as `subject: text`. */
async function linesOf(sides: { base: string; head: string }): Promise<string[]> {
  const d = await diffJson(sides);
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

/** baseSpec in clusters lga1 and ord1 (web and data in both). */
function twoClusters(): Spec {
  const s = baseSpec();
  s.spec.clusters = ['lga1', 'ord1'];
  return s;
}

/** Makes the clusters' copies of `dist` differ: eve@evil.example bound to r:pods in web in lga1 only. */
function copiesMadeToDiffer(dist: string): void {
  const file = join(dist, shardHolding(dist, 'web'));
  expect(file).toContain('/lga1/');
  writeFileSync(
    file,
    `${readFileSync(file, 'utf8')}---\n${webBinding('x-eve', 'acme:r:pods', userSubject('eve@evil.example'))}`,
  );
}

describe('D2: when the clusters’ copies differ (each cluster read apart), what a reviewer reads', () => {
  const grant = (s: Spec, until: string) =>
    s.spec.grants.push({ user: 'bob@acme.io', namespace: 'data', levels: ['r:secrets'], expires: until });

  it("a grant that ends: 'until' was left off its gain", async () => {
    const sides = await distPair(twoClusters(), (s) => grant(s, '2027-01-31'));
    copiesMadeToDiffer(sides.head);
    const said = await linesOf(sides);
    expect(said).toContain('bob@acme.io: gains r:secrets in data in cluster lga1 until 2027-01-31');
    expect(said).toContain('bob@acme.io: gains r:secrets in data in cluster ord1 until 2027-01-31');
  });

  it('a grant lengthened: its "holds until" line was not said', async () => {
    const base = twoClusters();
    grant(base, '2027-01-31');
    const sides = await distPair(base, (s) => {
      s.spec.grants.at(-1).expires = '2027-03-31';
    });
    copiesMadeToDiffer(sides.head);
    const said = await linesOf(sides);
    expect(said).toContain('bob@acme.io: r:secrets in data holds until 2027-03-31, not until 2027-01-31');
  });

  it('a grant counted once per cluster: mass-removal read grants in base and grants lost twice over, in two clusters', async () => {
    const edit = (s: Spec) => {
      s.spec.grants = s.spec.grants.filter((g: { user: string }) => g.user !== 'bob@acme.io');
    };
    const ordinary = await diffJson(await distPair(twoClusters(), edit));
    const sides = await distPair(twoClusters(), edit);
    copiesMadeToDiffer(sides.head);
    const apart = await diffJson(sides);
    expect(apart.people.find((p) => p.id === 'bob@acme.io')?.changes.map((c) => c.text)).toEqual([
      'loses r:pods, w:services in web in cluster lga1',
      'can no longer intercept network traffic in web in cluster lga1',
      'loses r:pods, w:services in web in cluster ord1',
      'can no longer intercept network traffic in web in cluster ord1',
    ]);
    expect(apart.stats).toEqual(ordinary.stats);
  });
});

describe('D3: copies alike but for their order are one account; a binding written twice is refused (R83-2)', () => {
  const gainsInWeb = (s: Spec) => {
    s.spec.grants.push({ user: 'bob@acme.io', namespace: 'web', levels: ['w:configmaps'] });
  };

  /** Edits lga1's copy of web's shard: its documents (split at `---`) through `change`. */
  function editLga1Web(dist: string, change: (docs: string[]) => string[]): void {
    const file = join(dist, shardHolding(dist, 'web'));
    expect(file).toContain('/lga1/');
    const docs = readFileSync(file, 'utf8').split('---\n');
    const edited = change(docs).join('---\n');
    expect(edited).not.toBe(docs.join('---\n'));
    writeFileSync(file, edited);
  }
  const bindingsIn = (docs: string[]) =>
    docs.flatMap((d, i) => (d.startsWith('apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\n') ? [i] : []));

  it("two bindings swapped in lga1's copy: read cluster by cluster ('in web in cluster lga1')", async () => {
    const sides = await distPair(twoClusters(), gainsInWeb);
    editLga1Web(sides.head, (docs) => {
      const [a, b] = bindingsIn(docs);
      const out = [...docs];
      [out[a!], out[b!]] = [docs[b!]!, docs[a!]!];
      return out;
    });
    expect(await linesOf(sides)).toContain('bob@acme.io: gains w:configmaps in web');
  });

  it("a binding written twice, alike, in lga1's copy: refused, never counted twice (R83-2: orgctl writes each object once)", async () => {
    const sides = await distPair(twoClusters(), gainsInWeb);
    editLga1Web(sides.head, (docs) => {
      const [a] = bindingsIn(docs);
      return [...docs.slice(0, a! + 1), docs[a!]!, ...docs.slice(a! + 1)];
    });
    const r = await run(['diff', '--base', sides.base, '--head', sides.head, '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /RoleBinding web\/acme:[^ ]+ written twice \(first at [^)]+\): kubectl and Argo CD apply only the last copy; orgctl writes each object once/,
    );
  });
});

describe('D2, the class: a rule or line that reads a cell by namespace reads it in each cluster read apart', () => {
  it("an admin's w:full in a namespace added is theirs as an admin (implied), not an edit of their privileges", async () => {
    const sides = await distPair(twoClusters(), (s: Spec) => {
      s.spec.namespaces.push({ name: 'ops' });
    });
    copiesMadeToDiffer(sides.head);
    const frank = (await diffJson(sides)).people.find((p) => p.id === 'frank@acme.io');
    const said = frank?.changes.map((c) => c.text) ?? [];
    expect(said).toContain('gains w:full in ops in cluster lga1 (as an admin)');
    expect(said).toContain('gains w:full in ops in cluster ord1 (as an admin)');
    expect(said.filter((t) => !t.endsWith(' (as an admin)'))).toEqual([]);
  });
});
