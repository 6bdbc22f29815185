/** Every routine task of routine-tasks.ts through `orgctl review`; the README holds their table. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { App } from 'cdk8s';
import { beforeAll, describe, expect, it } from 'vitest';
import { Organization } from '../../constructs/index.ts';
import { synthesize } from '../../constructs/synthesize.ts';
import { ROOT, run, TODAY, tempDir } from '../helpers.ts';
import { alice, org, TASKS, tasksTable, type Who } from './routine-tasks.ts';
import type { Spec } from './scenarios.ts';

/** Writes `spec` synthesized as `dir` (an output folder orgctl would write). */
function synthTo(spec: Spec, dir: string): void {
  const app = new App();
  Organization.fromSpec(app, spec, { today: TODAY });
  const r = synthesize(app, { today: TODAY, declaredIn: 'org/org.yaml' });
  if (!r.ok) throw new Error(r.findings.map((f) => `${f.rule}: ${f.message}`).join('\n'));
  for (const f of r.files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
  }
}

const CHANGED = ['--changed-path', 'org/org.yaml', '--changed-path', 'dist/members.json'];

async function review(base: string, head: string, who: Who) {
  const r = await run([
    'review',
    '--base',
    base,
    '--head',
    head,
    ...who.actors.flatMap((a) => ['--actor', a]),
    ...(who.approvals ?? []).flatMap((a) => ['--approved-by', a]),
    ...CHANGED,
    '--format',
    'json',
  ]);
  const verdict = JSON.parse(r.stdout) as { ok: boolean; results: { rule: string; ok: boolean; message: string }[] };
  return { code: r.code, verdict, failed: [...new Set(verdict.results.filter((x) => !x.ok).map((x) => x.rule))] };
}

describe('routine admin tasks through orgctl review (the README table)', () => {
  const dirs = new Map<string, { base: string; head: string }>();
  beforeAll(() => {
    const root = tempDir('orgctl-tasks-');
    for (const admins of [1, 2] as const) {
      const base = join(root, `${admins}-base`);
      synthTo(org(admins), base);
      TASKS.forEach((t, i) => {
        const head = structuredClone(org(admins));
        t.edit(head.spec);
        const dir = join(root, `${admins}-${i}`);
        synthTo(head, dir);
        dirs.set(`${admins}-${i}`, { base, head: dir });
      });
    }
  });

  for (const [i, t] of TASKS.entries()) {
    for (const admins of [1, 2] as const) {
      const outcome = admins === 1 ? t.one : t.two;
      describe(`${t.task}, ${admins === 1 ? 'one admin' : 'two admins'}: ${outcome.text}`, () => {
        if (outcome.passes) {
          const who = outcome.passes;
          it(`passes: made by ${who.actors.join(', ')}${who.approvals ? `, approved by ${who.approvals.join(', ')}` : ''}`, async () => {
            const { base, head } = dirs.get(`${admins}-${i}`)!;
            const r = await review(base, head, who);
            expect(r.failed, JSON.stringify(r.verdict.results.filter((x) => !x.ok))).toEqual([]);
            expect(r.code).toBe(0);
          });
        }
        if (outcome.fails) {
          const who = outcome.fails;
          it(`fails ${who.rule}: made by ${who.actors.join(', ')}${who.approvals ? `, approved by ${who.approvals.join(', ')}` : ''}`, async () => {
            const { base, head } = dirs.get(`${admins}-${i}`)!;
            const r = await review(base, head, who);
            expect(r.failed).toContain(who.rule);
            expect(r.code).toBe(1);
          });
        }
      });
    }
  }

  it('one admin: the verdict says the only admin decided', async () => {
    const i = TASKS.findIndex((t) => t.task === 'Make a user admin');
    const { base, head } = dirs.get(`1-${i}`)!;
    const r = await review(base, head, alice);
    const message = r.verdict.results.find((x) => x.rule === 'admin-change-approval')?.message;
    expect(message).toMatch(/^bob@acme\.io \(made admin\): becomes admin: gains w:full in every namespace \(3, /);
    expect(message).toMatch(/; made by alice@acme\.io, the organization's only admin$/);
  });

  it("two admins: the other admin's change to an admin needs that admin's approval, and says so", async () => {
    const i = TASKS.findIndex((t) => t.task.startsWith("Change another admin's"));
    const { base, head } = dirs.get(`2-${i}`)!;
    const r = await review(base, head, alice);
    expect(r.verdict.results.find((x) => x.rule === 'admin-change-approval')?.message).toMatch(
      /from an admin who is neither an author nor frank@acme\.io \(with two admins, and this concerning frank@acme\.io, there is none to ask: instead alice@acme\.io makes the change and frank@acme\.io approves it\)$/,
    );
  });

  it('three admins, a token handed from one to another: counts the admins and asks each concerned one', async () => {
    // Said "with two admins" and "the organization's two admins" of an organization of three: the
    // one admin left makes it, and both admins it concerns (old and new owner) approve it.
    const root = tempDir('orgctl-three-admins-');
    const three = (): Spec => {
      const spec = org(2);
      spec.spec.users.push({ email: 'erin2@acme.io', github: 'erin2', admin: true });
      return spec;
    };
    const head = three();
    head.spec.tokens[1].owner = 'frank@acme.io';
    head.spec.tokens[1].rotation = 1;
    synthTo(three(), join(root, 'base'));
    synthTo(head, join(root, 'head'));
    const message = async (who: Who) =>
      (await review(join(root, 'base'), join(root, 'head'), who)).verdict.results.find(
        (x) => x.rule === 'admin-change-approval',
      )?.message;
    expect(await message({ actors: ['erin2'], approvals: ['alice'] })).toMatch(
      / \(with 3 admins, and this concerning alice@acme\.io, frank@acme\.io, there is none to ask: instead erin2@acme\.io makes the change and alice@acme\.io, frank@acme\.io each approve it\)$/,
    );
    expect(await message({ actors: ['erin2'], approvals: ['alice', 'frank'] })).toMatch(
      /; made by erin2@acme\.io and approved by alice, frank: the organization's 3 admins$/,
    );
  });

  it('the README holds this table', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(tasksTable());
  });
});
