/**
 * Dormant grants (R108-1's staging, R102's deactivated blank token): a deactivated user's grants and
 * a deactivated token's custom rules bind nothing, so the output held none of them, and a pull
 * request staging them (w:full on a deactivated member, pod-running rules on a deactivated blank
 * token) read no line in `orgctl diff` or `orgctl review`: only the later reactivation listed them,
 * judged by whoever approved a one-line change. The membership data records them now (no RBAC
 * object: no access while deactivated), so the staging reads as a line, is judged as a live grant
 * is, and the import and both proofs recover them.
 */
import { describe, expect, it } from 'vitest';
import { diffSnapshots } from '../analysis/diff.ts';
import { MembershipLines, readMembership, readSnapshot, readSnapshotPair } from '../analysis/snapshot.ts';
import { DocumentCache, parseOutput, type OutputText } from '../cli/output-read.ts';
import { importRbac } from '../review/import.ts';
import { proveOutput } from '../review/proof.ts';
import {
  baseSpec,
  bobAway,
  configMapsGet,
  diffOf,
  dormantBlank,
  judge,
  outputOf,
  proofsOf,
  token,
  user,
  type Spec,
} from './review/scenarios.ts';
import { TODAY } from './helpers.ts';

const bob = 'bob@acme.io';

const stageFor =
  (email: string, levels: string[], namespace = 'data') =>
  (s: Spec) =>
    void s.spec.grants.push({ user: email, namespace, levels });

/** A person's or token's lines in a diff. */
const linesIn = (d: ReturnType<typeof diffOf>, id: string): string[] =>
  [...d.people, ...d.tokens].filter((p) => p.id === id).flatMap((p) => p.changes.map((c) => c.text));

const STAGED = (levels: string, ns: string) =>
  `is granted ${levels} in ${ns} while deactivated: it takes effect on reactivation`;

/** Output files with `from` replaced by `to` in every membership record (users.jsonl and members.json alike). */
function forged(files: OutputText[], from: string, to: string): OutputText[] {
  return files.map((f) => {
    if (f.path === 'members.json') {
      const text = JSON.stringify(JSON.parse(f.content));
      return { ...f, content: `${JSON.stringify(JSON.parse(text.replaceAll(from, to)), null, 2)}\n` };
    }
    return { ...f, content: f.content.replaceAll(from, to) };
  });
}

/** An output as an orgctl from before dormant grants wrote it: no `dormant`, no `recordsDormant`. */
function olderOutput(files: OutputText[]): OutputText[] {
  const drop = (o: Record<string, unknown>) => {
    delete o.dormant;
    delete o.recordsDormant;
    return o;
  };
  return files.map((f) => {
    if (f.path === 'members.json') {
      const data = JSON.parse(f.content) as { organization: Record<string, unknown>; users: Record<string, unknown>[] };
      drop(data.organization);
      data.users.forEach(drop);
      return { ...f, content: `${JSON.stringify(data, null, 2)}\n` };
    }
    const lines = f.content.split('\n').map((l) => {
      const at = l.indexOf('{"');
      if (at < 0 || !l.endsWith('}')) return l;
      return `${l.slice(0, at)}${JSON.stringify(drop(JSON.parse(l.slice(at)) as Record<string, unknown>))}`;
    });
    return { ...f, content: lines.join('\n') };
  });
}

const snapshotOfFiles = (files: OutputText[], label: string) =>
  readSnapshot(parseOutput(files, new DocumentCache()), label);

describe("a deactivated user's grants staged read a line and are judged as a live grant", () => {
  it('the staging reads a line naming the namespace and the level, taking effect on reactivation', () => {
    expect(linesIn(diffOf(bobAway(), stageFor(bob, ['r:secrets'])), bob)).toEqual([STAGED('r:secrets', 'data')]);
  });

  it('w:full staged on a deactivated member (a head no honest synth writes) reads a line, and head-policies refuses it (forbidden-grant)', () => {
    const base = bobAway();
    const head = structuredClone(base);
    stageFor(bob, ['r:full'])(head);
    const record = '{"namespace":"data","levels":["r:full"]}';
    const files = outputOf(head);
    expect(JSON.stringify(files.map((f) => f.content))).toContain(record.replaceAll('"', '\\"'));
    const wFull = forged(files, record, '{"namespace":"data","levels":["w:full"]}');
    const d = diffSnapshots(snapshotOfFiles(outputOf(base), 'base'), snapshotOfFiles(wFull, 'head'), TODAY);
    expect(linesIn(d, bob)).toEqual([STAGED('w:full', 'data')]);
    const proof = proveOutput(wFull, parseOutput(wFull, new DocumentCache()), TODAY);
    expect(proof.ok).toBe(false);
    expect(proof.findings.map((f) => `${f.rule} ${f.subject}`)).toContain(`forbidden-grant users/${bob} → data`);
  });

  it('self-edit: frank staging r:secrets on his own deactivated address fails; erin staging on bob needs what a live grant needs', () => {
    const base = baseSpec();
    base.spec.users.push({ email: 'frank+ops@acme.io', github: 'frankops', status: 'deactivated' });
    expect(
      judge(base, stageFor('frank+ops@acme.io', ['r:secrets']), { actors: ['frank'], approvals: ['alice'] }).failed,
    ).toEqual(['self-edit']);
    expect(judge(bobAway(), stageFor(bob, ['r:secrets']), { actors: ['erin'], approvals: ['alice'] }).failed).toEqual(
      [],
    );
  });

  it('the reactivation of a user whose grants were recorded while deactivated says what it gains, each staging having read its own line', () => {
    const base = bobAway();
    stageFor(bob, ['r:secrets'])(base);
    const back = (s: Spec) => {
      delete user(s, bob).status;
      delete token(s, 'bots').status;
    };
    expect(linesIn(diffOf(base, back), bob)).toEqual([
      'is reactivated: what they gain was recorded while they were deactivated (each staging read a line of its own)',
      'gains r:secrets in data',
      'can now read Secrets in data',
      'gains r:pods, w:services in web',
      'can now intercept network traffic in web',
    ]);
  });

  it('a base from before the record (no dormant grants in its membership data): the staging line says whether it is new cannot be known', () => {
    const base = bobAway();
    stageFor(bob, ['r:pods'])(base);
    const head = structuredClone(base);
    stageFor(bob, ['r:secrets'])(head);
    const old = olderOutput(outputOf(base));
    const d = diffSnapshots(snapshotOfFiles(old, 'base'), snapshotOfFiles(outputOf(head), 'head'), TODAY);
    const unknown = " (the base's output records no staged grants: what was staged before cannot be known)";
    expect(linesIn(d, bob)).toEqual([
      `${STAGED('r:pods, r:secrets', 'data')}${unknown}`,
      `${STAGED('r:pods, w:services', 'web')}${unknown}`,
    ]);
  });

  it('import and both proofs recover the dormant grants', () => {
    const base = bobAway();
    const head = structuredClone(base);
    stageFor(bob, ['r:secrets'])(head);
    const files = outputOf(head);
    const { spec } = importRbac(parseOutput(files, new DocumentCache()));
    expect(spec.spec.grants?.filter((g) => g.user === bob && g.namespace === 'data')).toEqual([
      { user: bob, namespace: 'data', levels: ['r:secrets'] },
    ]);
    // A staging alone (written as synthesis writes it) is proved against base too (test/review/base-proof-dormant).
    expect(proofsOf(outputOf(base), files)).toEqual({
      againstBase: { proved: true, namespaces: 0, files: 0 },
      full: true,
    });
  });
});

/** Both sides read as `orgctl diff` reads them: what head repeats is base's object (document and membership line). */
function readAsDiff(base: Spec, head: Spec) {
  const [cache, lines] = [new DocumentCache(), new MembershipLines()];
  const side = (s: Spec, label: string) => {
    const docs = parseOutput(outputOf(s), cache);
    return { docs, membership: readMembership(docs, label, lines) };
  };
  return readSnapshotPair(side(base, 'base'), side(head, 'head'));
}

describe("a deactivated person's record head repeats stages nothing, and an edit beside it is still read", () => {
  it('bob staged more in head reads his line; kim, deactivated with the same record (one object), reads none', () => {
    const base = bobAway();
    base.spec.users.push({ email: 'kim@acme.io', github: 'kim', status: 'deactivated' });
    stageFor('kim@acme.io', ['r:secrets'])(base);
    const head = structuredClone(base);
    stageFor(bob, ['r:secrets'])(head);
    const pair = readAsDiff(base, head);
    expect(pair.head.users.get('kim@acme.io')).toBe(pair.base.users.get('kim@acme.io'));
    expect(pair.head.users.get(bob)).not.toBe(pair.base.users.get(bob));
    const d = diffSnapshots(pair.base, pair.head, TODAY);
    expect(linesIn(d, bob)).toEqual([STAGED('r:secrets', 'data')]);
    expect(linesIn(d, 'kim@acme.io')).toEqual([]);
  });

  it("kim's own staging edited reads her line (her record is no longer base's object)", () => {
    const base = bobAway();
    base.spec.users.push({ email: 'kim@acme.io', github: 'kim', status: 'deactivated' });
    stageFor('kim@acme.io', ['r:pods'])(base);
    const head = structuredClone(base);
    stageFor('kim@acme.io', ['r:secrets'], 'web')(head);
    const pair = readAsDiff(base, head);
    expect(pair.head.users.get(bob)).toBe(pair.base.users.get(bob));
    const d = diffSnapshots(pair.base, pair.head, TODAY);
    expect(linesIn(d, 'kim@acme.io')).toEqual([STAGED('r:secrets', 'web')]);
    expect(linesIn(d, bob)).toEqual([]);
  });
});

describe("a deactivated blank token's custom rules staged read a line and are judged as live ones", () => {
  const configMaps = configMapsGet;
  const podsCreate = [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }];
  const stage = (s: Spec) =>
    void (token(s, 'blank').rbac = [{ namespace: 'web', rules: [...configMaps, ...podsCreate] }]);

  it('the staging reads a line saying what the rules allow, taking effect on reactivation', () => {
    expect(linesIn(diffOf(dormantBlank('frank@acme.io'), stage), 'blank')).toEqual([
      'custom rules in web changed while deactivated (now can run arbitrary pods in web): they take effect on reactivation',
    ]);
  });

  it("its owner staging fails self-edit; a member's token, as a live one, needs two admins for pods", () => {
    expect(judge(dormantBlank('frank@acme.io'), stage, { actors: ['frank'], approvals: ['alice'] }).failed).toEqual([
      'self-edit',
    ]);
    expect(judge(dormantBlank('alice@acme.io'), stage, { actors: ['erin'], approvals: ['frank'] }).failed).toContain(
      'admin-change-approval',
    );
  });

  it('import and the proof recover its rules', () => {
    const files = outputOf(dormantBlank('frank@acme.io'));
    const { spec } = importRbac(parseOutput(files, new DocumentCache()));
    expect(spec.spec.tokens?.find((t) => t.id === 'blank')?.rbac).toEqual([{ namespace: 'web', rules: configMaps }]);
    expect(proofsOf(files, files)).toMatchObject({ full: true });
  });
});

describe("a cut comment keeps a privileged staging, as a live grant's class line", () => {
  it('past the limit, the staging with a privilege class is kept before ordinary gains', async () => {
    const { renderMarkdown } = await import('../report/markdown.ts');
    const d = diffOf(bobAway(), stageFor(bob, ['r:secrets']));
    const filler = Array.from({ length: 400 }, (_, i) => ({
      id: `p${String(i).padStart(3, '0')}@acme.io`,
      changes: [{ kind: 'gains', text: `gains r:pods in web ${'x'.repeat(150)}` }],
    }));
    const text = renderMarkdown({ ...d, people: [...filler, ...d.people] }, undefined, { maxBytes: 20_000 });
    expect(text).toContain(STAGED('r:secrets', 'data'));
    expect(text).not.toContain('p399@acme.io');
  });
});
