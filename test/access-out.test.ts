/** `orgctl access --out FILE`: the report goes to the file in every format, as the usage line says. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, run, tempDir } from './helpers.ts';

describe('access --out', () => {
  // It wrote only html there: json and text went to standard output, exit 0, and no file at all.
  for (const format of ['json', 'text', 'html'] as const) {
    it(`writes --format ${format} to the file, not to standard output`, async () => {
      const file = join(tempDir(), `access.${format}`);
      const toStdout = await run(['access', '--dir', join(ROOT, 'dist'), '--format', format]);
      const toFile = await run(['access', '--dir', join(ROOT, 'dist'), '--format', format, '--out', file]);
      expect(toFile.code).toBe(0);
      expect(toFile.stdout).toBe('');
      expect(toFile.stderr).toBe(`wrote ${file}`);
      expect(existsSync(file)).toBe(true);
      expect(readFileSync(file, 'utf8')).toBe(`${toStdout.stdout}\n`);
    });
  }

  // A walk-through's leftover: a page of HTML poured onto a terminal is read by nobody.
  it('refuses --format html to a terminal without --out, saying what to give; a pipe or a file still gets it', async () => {
    const dist = join(ROOT, 'dist');
    const onTerminal = await run(['access', '--dir', dist, '--format', 'html'], {}, true);
    expect(onTerminal.code).toBe(2);
    expect(onTerminal.stdout).toBe('');
    expect(onTerminal.stderr).toMatch(
      /--format html writes a page for a browser: give --out FILE \(access\.html\), or redirect standard output/,
    );
    expect((await run(['access', '--dir', dist, '--format', 'html'])).stdout).toMatch(/^<!doctype html>/i);
    const file = join(tempDir(), 'access.html');
    expect((await run(['access', '--dir', dist, '--format', 'html', '--out', file], {}, true)).code).toBe(0);
  });

  // The README writes the page as access.html at the project's top (21 MB at size L): a later
  // `git add -A` would commit it, here and in a project orgctl init makes.
  it('leaves the page out of git where the README writes it, here and in a project init makes', async () => {
    expect(readFileSync(join(ROOT, '.gitignore'), 'utf8').split('\n')).toContain('/access.html');
    const project = join(tempDir(), 'acme-org');
    expect((await run(['init', project, '--org', 'acme', '--owner', 'alice@acme.io'])).code).toBe(0);
    expect(readFileSync(join(project, '.gitignore'), 'utf8').split('\n')).toContain('/access.html');
  });
});
