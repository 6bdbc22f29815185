/**
 * What orgctl prints to a terminal never drives it: a forged dist/ (a branch checked out, a folder
 * given with --dir) can name a token or a person with an escape sequence, and `orgctl members`,
 * `access`, a warning on standard error would write it raw. On a terminal every control or
 * formatting character but the line break and the tab is written as its code point; a pipe gets
 * the bytes as they are (scripts read data exactly).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { terminalText } from '../model/text.ts';
import { ROOT, TODAY, exampleDistCopy } from './helpers.ts';

/** dist/ with token ci-deploy's id written with an ESC sequence and a direction override in members.json. */
function forgedDist(): string {
  const dir = exampleDistCopy('orgctl-tty-');
  const file = join(dir, 'members.json');
  const text = readFileSync(file, 'utf8');
  writeFileSync(
    file,
    text.replace('"id": "ci-deploy"', '"id": "ci-\\u001b]8;;https://evil.example\\u0007de\\u202eploy"'),
  );
  expect(readFileSync(file, 'utf8')).not.toBe(text);
  return dir;
}

/** orgctl `args` on a pseudo-terminal (script(1)) and through a pipe: what each shows. */
function onTerminalAndPipe(args: readonly string[]) {
  const orgctl = [process.execPath, join(ROOT, 'bin/orgctl.mjs'), ...args].map((w) => `'${w}'`).join(' ');
  const env = { ...process.env, ORGCTL_TODAY: TODAY, SHELL: '/bin/sh' };
  const tty = spawnSync('script', ['-qec', `${orgctl} 2>&1`, '/dev/null'], { env, encoding: 'utf8' });
  const piped = spawnSync('/bin/sh', ['-c', `${orgctl} 2>&1`], { env, encoding: 'utf8' });
  // The progress line's own clearing (`\r` ESC `[K`, standard error on a terminal) is orgctl's, not the name's.
  return { tty: tty.stdout.replace(/\r\x1b\[K/g, ''), piped: piped.stdout };
}

describe('terminalText', () => {
  it('writes every control and formatting character but the line break and the tab as its code point', () => {
    expect(terminalText('a\x1b[31mb\tc\nd\re\u202ef\u0085g\u200bh\x7f')).toBe(
      'a<U+001B>[31mb\tc\nd<U+000D>e<U+202E>f<U+0085>g<U+200B>h<U+007F>',
    );
    expect(terminalText('plain text, é and 😀')).toBe('plain text, é and 😀');
  });
});

describe('a forged name on a terminal', () => {
  it('orgctl members shows its escape sequence as code points, on a terminal and in its table through a pipe too', () => {
    const { tty, piped } = onTerminalAndPipe(['members', '--dir', forgedDist()]);
    expect(tty).toContain('ci-<U+001B>]8;;https://evil.example<U+0007>de<U+202E>ploy');
    expect(tty).not.toMatch(/[\x1b\x07\u202e]/);
    // A table's cell is one line wherever it is printed (R29-1: a line break is a row of someone's).
    expect(piped).toContain('ci-<U+001B>]8;;https://evil.example<U+0007>de<U+202E>ploy');
  });

  it('a line printed through a pipe keeps its bytes: the escape of a warning naming what was asked', () => {
    const { tty, piped } = onTerminalAndPipe(['can-i', 'get', 'pods', '-n', 'web', '--as', 'x\x1b[31m']);
    expect(piped).toContain('x\x1b[31m');
    expect(tty).toContain('x<U+001B>[31m');
  });
});
