/**
 * The cut pull-request comment (report/markdown.ts) over random diffs: uncut, byte for byte what
 * it was before comments were cut line by line; cut, within GitHub's limit, counting exactly what
 * it leaves out, never splitting a character, and using the room it has.
 */
import { describe, expect, it } from 'vitest';
import { escapeMarkdown, heldNote, renderMarkdown, sizeOf } from '../report/markdown.ts';
import { renderBefore } from './fixtures/markdown-e910a92.ts';
import type { AccessDiff, SubjectDiff } from '../analysis/diff.ts';
import { listedSentence } from '../analysis/change.ts';

const LIMIT = 65_536;
const stats = { users: { base: 1, losing: 0 }, grants: { base: 1, lost: 0 }, tokens: { base: 1, losing: 0 } };
const diffWith = (people: SubjectDiff[], extra: Partial<AccessDiff> = {}): AccessDiff => ({
  namespaces: { added: [], removed: [] },
  people,
  tokens: [],
  customRbac: [],
  clusters: [],
  settings: [],
  guardRails: [],
  stats,
  ...extra,
});

/** A seeded generator: the same diffs on every run. */
function randomDiffs(seed: number) {
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const KINDS = ['gains', 'loses', 'gains-class', 'admin', 'github', 'token-added', 'invited', 'joins'];
  const ALPHA = ['a', 'b', '*', '_', '`', '[', ']', '(', ')', '<', '>', '&', '\\', '😀', 'é', ' ', '|', '#', '~'];
  const word = () => Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => pick(ALPHA)).join('');
  return (people: number, changes: number, longLine = 0) =>
    diffWith(
      Array.from({ length: people }, (_, p) => ({
        id: `p${p}-${word()}@acme.io`,
        ...(rnd() < 0.5 ? { github: `gh${p}` } : {}),
        changes: Array.from({ length: 1 + Math.floor(rnd() * changes) }, (_, c) => ({
          kind: pick(KINDS),
          text: `change ${c} ${word()} ${longLine && rnd() < 0.05 ? '😀`x'.repeat(longLine) : word()}`,
          ...(rnd() < 0.3 ? { removes: true } : {}),
          ...(rnd() < 0.1 ? { implied: 'as an admin' } : {}),
          ...(rnd() < 0.2 ? { to: { admin: rnd() < 0.5 } } : {}),
        })),
      })),
      { namespaces: { added: Array.from({ length: Math.floor(rnd() * 5) }, word), removed: [] } },
    );
}

describe('the cut comment', () => {
  it('a comment that fits is what it was before comments were cut line by line, byte for byte', () => {
    const random = randomDiffs(1);
    let compared = 0;
    for (let i = 0; i < 300; i++) {
      const d = random(1 + (i % 30), 10);
      const before = renderBefore(d);
      if (Buffer.byteLength(before) > LIMIT) continue;
      compared++;
      expect(renderMarkdown(d)).toBe(before);
    }
    expect(compared).toBeGreaterThan(250);
  });

  it('a cut comment is within the limit, splits no character, and counts what it leaves out exactly', () => {
    const random = randomDiffs(7);
    for (let i = 0; i < 40; i++) {
      const d = random(50 + ((i * 37) % 400), 40, (i * 311) % 3000);
      const md = renderMarkdown(d);
      expect(Buffer.byteLength(md)).toBeLessThanOrEqual(LIMIT);
      expect(md).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
      expect(md).not.toContain('cut at GitHub');
      const total = d.people.reduce((n, p) => n + p.changes.length, 0) + d.namespaces.added.length;
      const shown = (md.match(/^- (?!_… and)/gm) ?? []).length;
      const left = Number(/_… and (\d+) more\. /.exec(md)?.[1] ?? 0);
      const perPart = [...md.matchAll(/^- _… and (\d+) more_$/gm)].reduce((n, m) => n + Number(m[1]), 0);
      expect({ i, sum: shown + left }).toEqual({ i, sum: total });
      expect(perPart).toBeLessThanOrEqual(left); // and the parts left out whole
    }
  });

  it.each([
    [
      '100,000 people with one change each',
      diffWith(
        Array.from({ length: 100_000 }, (_, i) => ({
          id: `u${i}@acme.io`,
          changes: [{ kind: i % 7 ? 'gains' : 'gains-class', text: `gains r:pods in team-${i}` }],
        })),
      ),
    ],
    [
      'one person with 100,000 changes',
      diffWith([
        {
          id: 'a@acme.io',
          changes: Array.from({ length: 100_000 }, (_, i) => ({
            kind: i % 7 ? 'gains' : 'gains-class',
            text: `gains r:pods in team-${i}-${'x'.repeat(40)}`,
          })),
        },
      ]),
    ],
  ])('%s: the comment uses its room', (_, d) => {
    const md = renderMarkdown(d);
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(LIMIT);
    expect(Buffer.byteLength(md)).toBeGreaterThan(LIMIT - 1_000);
  });
});

describe('the cut comment: a hand-applied line gives its commands whole, in order, never one cut (R23-2, R24-1)', () => {
  // A person copies the commands shown. A line with a list is clipped item by item, its commands
  // after it; one without (a Namespace to untrack naming 16 identities, a change of shards deleting
  // every Application of the shards it drops) was cut in the middle, through a command (R23-2).
  // It is shown whole or left out; but one larger than the comment, which could never be shown
  // whole, shows the commands that fit, whole and in order, and how many more the full report holds.
  it('random hand-applied lines, with and without lists, beside people: each line shown holds its commands whole, or (larger than the comment) its first ones and how many more', () => {
    let seed = 23;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const int = (n: number) => Math.floor(rnd() * n);
    const word = (n: number) => 'abcdefghij'.repeat(1 + Math.floor(n / 10)).slice(0, 1 + int(n));
    let shownLines = 0;
    let partLines = 0;
    for (let i = 0; i < 30; i++) {
      const handApplied = Array.from({ length: 5 + int(40) }, (_, h) => {
        const commands = Array.from(
          { length: 1 + int(3) },
          (_, c) => `kubectl h${h}c${c} ${word(rnd() < 0.01 ? 80_000 : rnd() < 0.1 ? 9_000 : 400)}`,
        );
        const start = `hand ${h}: ${word(rnd() < 0.5 ? 6_000 : 300)}`;
        const listed =
          rnd() < 0.3
            ? listedSentence([
                `${start} (`,
                { items: Array.from({ length: 1 + int(300) }, () => word(30)), noun: 'things' },
                ') end',
              ])
            : { text: start };
        return {
          file: 'dist/argocd/',
          change: 'changed' as const,
          ...listed,
          commands,
          ...(rnd() < 0.5 ? { namespace: `team-${h}` } : {}),
        };
      });
      const people = Array.from({ length: int(600) }, (_, p) => ({
        id: `u${p}@acme.io`,
        changes: [{ kind: 'gains', text: `gains r:pods in team-${p}-${'x'.repeat(int(200))}` }],
      }));
      const md = renderMarkdown(diffWith(people, { handApplied }));
      expect(Buffer.byteLength(md)).toBeLessThanOrEqual(LIMIT);
      for (const line of md.split('\n').filter((l) => l.startsWith('- hand '))) {
        const h = Number(/^- hand (\d+):/.exec(line)![1]);
        const { commands } = handApplied[h]!;
        // Every code span shown is one of its commands, whole, and they are its first ones, in order.
        const note = / in the full report \(run `orgctl diff`\)$/;
        const spans = (line.replace(note, '').match(/`[^`]*`/g) ?? []).map((s) => s.slice(1, -1));
        expect({ i, h, spans: spans.map((c) => c.slice(0, 20)) }).toEqual({
          i,
          h,
          spans: commands.slice(0, spans.length).map((c) => c.slice(0, 20)),
        });
        expect(spans).toEqual(commands.slice(0, spans.length));
        const out = commands.length - spans.length;
        if (out) {
          // Only a line the comment could never hold whole.
          expect(sizeOf(commands.join(''))).toBeGreaterThan(LIMIT - 10_000);
          partLines++;
          const more = spans.length ? `, then … ${out} more command` : `: … its ${out} command`;
          expect(line).toContain(more);
          expect(line).toMatch(note);
        }
        shownLines++;
      }
      const shown = (md.match(/^- (?!_… and)/gm) ?? []).length;
      const left = Number(/_… and (\d+) more\. /.exec(md)?.[1] ?? 0);
      expect({ i, sum: shown + left }).toEqual({ i, sum: people.length + handApplied.length });
    }
    // Not left out all: the lines that fit are shown; and some show only their first commands.
    expect(shownLines).toBeGreaterThan(100);
    expect(partLines).toBeGreaterThan(0);
  });
});

describe('the cut comment: a hand-applied line larger than the comment (R24-1)', () => {
  // A change of shards of 200 clusters, 32 → 1: its delete command names 6,200 Applications (~250 KB).
  const gone = Array.from(
    { length: 200 * 31 },
    (_, i) => `acme-prod-${Math.floor(i / 31)}-us-east-1-shard-${(i % 31) + 1}`,
  );
  const commands = [
    'kubectl -n argocd patch applicationset acme --type merge -p {}',
    'kubectl get -n argocd applications.argoproj.io -l orgctl.io/organization=acme',
    'kubectl apply -n argocd --server-side --force-conflicts -f dist/argocd/applicationset.yaml',
    `kubectl delete -n argocd applications.argoproj.io ${gone.join(' ')}`,
  ];
  const handApplied = [
    {
      file: 'dist/',
      change: 'changed' as const,
      text: 'shards change from 32 to 1. Before merge, suspend pruning',
      commands,
    },
  ];
  const people = Array.from({ length: 600 }, (_, p) => ({
    id: `dev${p}@acme.io`,
    changes: [{ kind: 'gains', text: `gains r:pods in team-${p}-payments-service-staging` }],
  }));

  it('shows its sentence and the commands that fit, whole and in order, and where the rest is', () => {
    const md = renderMarkdown(diffWith(people, { handApplied }), undefined, { fullReport: 'the job summary' });
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(LIMIT);
    const line = md.split('\n').find((l) => l.startsWith('- shards change'));
    expect(line).toBe(
      `- shards change from 32 to 1. Before merge, suspend pruning: ${commands
        .slice(0, 3)
        .map((c) => `\`${c}\``)
        .join(', then ')}, then … 1 more command in the full report (the job summary)`,
    );
  });
});

describe('heldNote: what a cut line held, said as cut whenever it was (R17-3)', () => {
  it('a URL-ish run ending in a backtick and a 4-byte character, cut by one byte, ends in …', () => {
    const held = [escapeMarkdown(`www.${'a'.repeat(100)}\`😀`)];
    const whole = `among them ${held[0]}`;
    const note = heldNote(held, sizeOf(whole) - 1);
    // The cut kept as many UTF-16 units as the whole (a 4-byte character out, two spaces of the
    // fence in): a length comparison read it as whole.
    expect(note.endsWith('…'), note.slice(-12)).toBe(true);
    expect(note).not.toBe(whole);
  });

  it('whole when it fits, with no …', () => {
    expect(heldNote(['`a`', 'b'], 1_000)).toBe('among them `a`; b');
  });
});
