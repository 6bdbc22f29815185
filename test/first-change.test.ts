/**
 * The README's "Your first change" is a walk-through a newcomer follows alone: every command in it
 * is run here on a copy of the example with the README's edit, and prints exactly what the
 * README shows.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ROOT } from './helpers.ts';

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

// A project folder under node_modules (so `cdk8s` resolves) with the example's org/org.ts, edited.
const PROJECT = join(ROOT, 'node_modules', '.cache', 'orgctl-first-change');

/** The README's command, run in the project: `HEAD` (the committed dist/) is the repository's dist/. */
function runStep(command: string) {
  const words = command.replace(/^npx orgctl /, '').split(' ');
  const args = words.map((w) => (w === 'HEAD' ? join(ROOT, 'dist') : w));
  return cli(args, { cwd: PROJECT });
}

describe('README: your first change, followed step by step', () => {
  const edit = SECTION.match(/```ts\n(.*)\n```/)![1]!;

  beforeAll(() => {
    rmSync(PROJECT, { recursive: true, force: true });
    mkdirSync(join(PROJECT, 'org'), { recursive: true });
    const original = readFileSync(join(ROOT, 'org', 'org.ts'), 'utf8');
    const grant = original.split('\n').filter((l) => l.startsWith(edit.slice(0, edit.indexOf(',') + 1)));
    expect(grant, 'the README edits one line of org/org.ts').toHaveLength(1);
    const edited = original
      .replace(grant[0]!, edit)
      .replace("'../constructs/index.ts'", JSON.stringify(join(ROOT, 'constructs', 'index.ts')));
    writeFileSync(join(PROJECT, 'org', 'org.ts'), edited);
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
