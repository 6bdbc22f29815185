/**
 * shellCommand (model/text.ts): the commands the review hands an admin to paste pass each word to
 * the program as written, whatever a declared value holds (R26-1). Checked by bash itself: a
 * stand-in `kubectl` prints the arguments it got, one a line, NUL-free.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { placeholder, shellCommand } from '../model/text.ts';

/** The arguments bash passes to `kubectl` when `command` is pasted, and what it wrote to stderr. */
function argumentsOf(command: string): { args: string[]; stderr: string } {
  const sh = spawnSync(
    'bash',
    ['--noprofile', '--norc', '-c', `kubectl() { printf '%s\\0' "$@"; }\ncd "$(mktemp -d)" || exit 9\n${command}`],
    { encoding: 'utf8' },
  );
  expect(sh.status, sh.stderr).toBe(0);
  return { args: sh.stdout.split('\0').slice(0, -1), stderr: sh.stderr };
}

/** A deterministic generator (mulberry32): the same words every run. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('shellCommand', () => {
  it('leaves a word the shell reads as itself as it is (the commands orgctl always wrote)', () => {
    expect(
      shellCommand(['kubectl', '--context', 'lga1', 'label', 'namespace', 'data', 'app.kubernetes.io/instance-']),
    ).toBe('kubectl --context lga1 label namespace data app.kubernetes.io/instance-');
    expect(shellCommand(['-l', 'orgctl.io/organization=acme,orgctl.io/cluster=lga1'])).toBe(
      '-l orgctl.io/organization=acme,orgctl.io/cluster=lga1',
    );
    expect(shellCommand(['--as=system:serviceaccount:argocd:argocd-application-controller'])).toBe(
      '--as=system:serviceaccount:argocd:argocd-application-controller',
    );
  });

  it('quotes any other word, and only the value of a --flag=value', () => {
    expect(shellCommand(['-p', '{"a":1}'])).toBe(`-p '{"a":1}'`);
    expect(shellCommand(['--as=arn:aws:iam::1:role/x$(id)'])).toBe(`--as='arn:aws:iam::1:role/x$(id)'`);
    expect(shellCommand(["it's"])).toBe(`'it'\\''s'`);
    expect(shellCommand([''])).toBe(`''`);
    // zsh reads `=ls` as the path of ls.
    expect(shellCommand(['=ls', '--as==ls'])).toBe(`'=ls' --as='=ls'`);
  });

  it('shows a placeholder as the person replaces it, and refuses one that is not a plain name', () => {
    expect(
      shellCommand(['kubectl', '--context', placeholder('cluster'), placeholder('identity-in-lga1', '--as')]),
    ).toBe('kubectl --context <cluster> --as=<identity-in-lga1>');
    expect(() => placeholder('x>y')).toThrow(/not a placeholder/);
    expect(() => placeholder('x', '--as;')).toThrow(/not a placeholder/);
  });

  it('bash passes every word to the program as written: 300 words of shell metacharacters, quotes and Unicode', () => {
    const alphabet = [
      ...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)),
      '\t',
      '\n',
      'é',
      '😀',
      '\u202e',
    ];
    const next = random(26);
    const words = Array.from({ length: 300 }, (_, i) => {
      const word = Array.from(
        { length: 1 + Math.floor(next() * 12) },
        () => alphabet[Math.floor(next() * alphabet.length)],
      ).join('');
      return i % 3 === 0 ? `--as=${word}` : word;
    });
    for (let i = 0; i < words.length; i += 50) {
      const some = words.slice(i, i + 50);
      const { args, stderr } = argumentsOf(shellCommand(['kubectl', ...some]));
      expect(stderr).toBe('');
      expect(args).toEqual(some);
    }
  });
});
