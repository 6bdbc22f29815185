/** The one error model: a kind, its exit code, and isKind across the CLI's and a declaration's bundles. */
import { describe, expect, it } from 'vitest';
import {
  DeclarationError,
  ERROR_KINDS,
  InputError,
  isKind,
  kindOf,
  ModuleError,
  OutputError,
  SideError,
  SnapshotError,
  SpecError,
  UsageError,
} from '../model/errors.ts';
import { main } from '../cli/main.ts';
import { TODAY, run } from './helpers.ts';

describe('model/errors', () => {
  it('every class has its kind, and the kind its exit code', () => {
    const cases = [
      [new UsageError('x'), 'usage', 2],
      [new InputError('x'), 'input', 2],
      [new SideError('head', 'x'), 'input', 2],
      [new SnapshotError('x'), 'input', 2],
      [new OutputError('x'), 'output', 2],
      [new SpecError(['a', 'b']), 'spec', 2],
      [new ModuleError('x'), 'module', 2],
      [new DeclarationError('acme/users/bob', 'x'), 'declaration', 1],
    ] as const;
    for (const [e, kind, exit] of cases) {
      expect([e.name, kindOf(e), ERROR_KINDS[kindOf(e)!].exit]).toEqual([e.constructor.name, kind, exit]);
    }
  });

  it('isKind reads the kind field: a copy of the class from another bundle still counts', () => {
    // What a declaration's bundle throws: its own DeclarationError class, not this one.
    class DeclarationErrorCopy extends Error {
      readonly kind = 'declaration';
    }
    const foreign = new DeclarationErrorCopy('acme/users/bob: "x" is not an email address');
    expect(foreign instanceof DeclarationError).toBe(false);
    expect(isKind(foreign, 'declaration')).toBe(true);
    expect(kindOf(new Error('a bug'))).toBeUndefined();
    expect(kindOf({ kind: 'usage', message: 'not an Error' })).toBeUndefined();
    expect(kindOf(Object.assign(new Error('x'), { kind: 'toString' }))).toBeUndefined();
  });

  it('the CLI prints each kind its way and exits with its code; anything else is a bug with a hint', async () => {
    const thrown = async (e: unknown) => {
      const err: string[] = [];
      const code = await main(['levels'], {
        out: () => {
          throw e;
        },
        err: (l) => err.push(l),
        env: { ORGCTL_TODAY: TODAY },
      });
      return { code, stderr: err.join('\n') };
    };
    class Foreign extends Error {
      readonly kind = 'declaration';
    }
    expect(await thrown(new Foreign('acme/users/bob: bad'))).toEqual({
      code: 1,
      stderr: 'error declaration acme/users/bob: bad',
    });
    expect(await thrown(new SpecError(['spec.owner: missing', 'spec.users[0]: x']))).toEqual({
      code: 2,
      stderr: 'error spec spec.owner: missing\nerror spec spec.users[0]: x',
    });
    expect(await thrown(new UsageError('bad flag'))).toEqual({
      code: 2,
      stderr: 'orgctl levels: bad flag\nRun `orgctl levels --help` for usage.',
    });
    expect(await thrown(new TypeError('x is undefined'))).toEqual({
      code: 2,
      stderr: 'orgctl levels: x is undefined (set ORGCTL_DEBUG=1 for details)',
    });
  });

  it('--format json gets a JSON error object on stdout too, for every kind', async () => {
    const r = await run(['check', '--spec', 'no/such/file.yaml', '--format', 'json']);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout) as {
      ok: boolean;
      error: { kind: string; exit: number; message: string; problems: string[] };
    };
    expect(out).toMatchObject({ ok: false, error: { kind: 'spec', exit: 2 } });
    expect(out.error.problems[0]).toMatch(/^no\/such\/file.yaml: cannot read the file \(it does not exist\)/);
    expect(r.stderr).toMatch(/^error spec no\/such\/file.yaml/);
    const usage = await run(['diff', '--base', 'nowhere', '--format=json']);
    expect(JSON.parse(usage.stdout)).toMatchObject({
      ok: false,
      error: { kind: 'usage', exit: 2, message: '--head DIR|REF is required' },
    });
    // Without --format json, stdout stays empty.
    expect((await run(['check', '--spec', 'no/such/file.yaml'])).stdout).toBe('');
  });
});
