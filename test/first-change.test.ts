/**
 * The README's "Your first change" is a walk-through a newcomer follows alone: every command in it
 * is run here on a copy of the example with the README's edit, and prints exactly what the
 * README shows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, repoScratch, ROOT } from './helpers.ts';
import { EXAMPLE_SPEC, exampleProject } from './example-project.ts';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const SECTION = README.split('## Your first change\n')[1]!.split('\n## Start your own organization')[0]!;

/** Each `$ command` of the section's console blocks, with the output the README shows for it. */
function steps(): { command: string; output: string }[] {
  const out: { command: string; output: string }[] = [];
  for (const block of SECTION.matchAll(/```console\n([\s\S]*?)```/g)) {
    for (const part of block[1]!.split(/^\$ /m).slice(1)) {
      const [command, ...lines] = part.split('\n');
      out.push({ command: command!, output: lines.join('\n') });
    }
  }
  return out;
}

// The example, pinned (test/example-project.ts): this checkout's org/ and dist/ may hold the
// reader's own first change. BASE is the example as committed; PROJECT, the example with the edit.
const scratch = repoScratch('first-change-');
let BASE = '';
let PROJECT = '';

/** The README's command, run in the project: `HEAD` (the committed dist/) is the example's dist/. */
function runStep(command: string) {
  const words = command.replace(/^npx orgctl /, '').split(' ');
  const args = words.map((w) => (w === 'HEAD' ? join(BASE, 'dist') : w));
  return cli(args, { cwd: PROJECT });
}

describe('README: your first change, followed step by step', () => {
  const edit = SECTION.match(/```ts\n(.*)\n```/)![1]!;

  beforeAll(() => {
    // The edit's levels, as the example's spec gives them to bob in web: all but the one it adds.
    const levels = [...edit.matchAll(/'([rw]:[a-z]+)'/g)].map((m) => m[1]!);
    const before = `{ user: bob@acme.io, namespace: web, levels: ${JSON.stringify(levels.slice(0, -1)).replace(/,/g, ', ')} }`;
    const after = `{ user: bob@acme.io, namespace: web, levels: ${JSON.stringify(levels).replace(/,/g, ', ')} }`;
    expect(readFileSync(EXAMPLE_SPEC, 'utf8'), 'the example gives bob what the README edits').toContain(before);
    BASE = exampleProject(scratch());
    PROJECT = exampleProject(scratch(), { edit: (spec) => spec.replace(before, after), synth: false });
  });

  it('edits a line org/org.ts holds: the example grant, its levels but the one it adds (or all, once made)', () => {
    const shipped = edit.replace(/, '[rw]:[a-z]+'\);$/, ');');
    const lines = readFileSync(join(ROOT, 'org', 'org.ts'), 'utf8').split('\n');
    expect(lines.filter((l) => l === shipped || l === edit)).toHaveLength(1);
  });

  it('has the commands a newcomer runs, in order', () => {
    expect(steps().map((s) => s.command.split(' ').slice(0, 3).join(' '))).toEqual([
      'npx orgctl check',
      'npx orgctl synth',
      'npx orgctl diff',
      'npx orgctl review',
    ]);
  });

  it('each prints what the README shows, and succeeds', () => {
    for (const { command, output } of steps()) {
      const r = runStep(command);
      expect(`${command}: exit ${r.code}`).toBe(`${command}: exit 0`);
      expect(r.stdout.trimEnd(), command).toBe(output.trimEnd());
    }
  });

  it("names what each of synth's three warnings is about: its rule, its level and everyone it names", () => {
    const said = SECTION.match(/\(The three warnings are ([^)]*)\)/)?.[1] ?? '';
    const warnings = runStep('npx orgctl synth').stderr.trim().split('\n');
    expect(warnings).toHaveLength(3);
    for (const warning of warnings) {
      const [, rule, level, holders] = warning.match(/^warning (\S+) levels\/(\S+): .*?\(([^;]*) in /)!;
      for (const named of [`\`${rule}\``, `\`${level}\``, ...holders!.split(', ').map((h) => h.split('@')[0]!)])
        expect(said, named).toContain(named);
    }
  });
});
