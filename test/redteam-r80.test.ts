/**
 * Red team R80: a declaration module runs in a child process under Node's permission model
 * (cli/isolated-declaration.ts). Each test is a way out it had, or a way orgctl's judgement or the
 * admin's machine was reached through it.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, declarationRunning as declarationIn, repoScratch } from './helpers.ts';

const scratch = repoScratch('r80-');

/** A valid declaration in a folder of its own (in a project beside a secret) that runs `attack` first. */
function declarationRunning(attack: string): { dir: string; file: string } {
  const project = scratch();
  writeFileSync(join(project, 'secret.txt'), 'hunter2\n');
  const dir = join(project, 'org');
  return { dir, file: declarationIn(dir, attack, "import { readFileSync } from 'node:fs';") };
}

describe('R80-1: a link committed inside a package folder of a node_modules in reach', () => {
  // git checks out links, in an ignored folder too (git add -f); npm ci leaves org/node_modules
  // (it is not the project's); npm drops links from what it installs, so reachOf looked only where
  // npm makes links, and a link inside a package's folder was read through.
  for (const [where, link] of [
    ['a package', 'node_modules/evil/s'],
    ['a scoped package', 'node_modules/@evil/pkg/s'],
    ["a package's subfolder", 'node_modules/evil/lib/s'],
    ['the cache folder', 'node_modules/.cache/s'],
  ] as const)
    it(`is refused before it runs: in ${where}`, () => {
      const { dir, file } = declarationRunning(
        `console.log('read:', readFileSync(new URL('./${link}', import.meta.url), 'utf8'));`,
      );
      mkdirSync(join(dir, link, '..'), { recursive: true });
      symlinkSync(join(dir, '..', 'secret.txt'), join(dir, link));
      const r = cli(['check', '--spec', file]);
      expect(r.stderr + r.stdout).not.toContain('hunter2');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${join(dir, link)} is a link to ${join(dir, '..', 'secret.txt')}, outside`);
    });
});
