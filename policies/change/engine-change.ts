import { secondAdmin, type ChangeRule } from './context.ts';

/** What lives outside org/ and dist/ decides how every rule runs: the engine itself. */
const DECLARATION_PATHS = ['org/', 'dist/'];

export const engineChange: ChangeRule = {
  id: 'engine-change',
  check(input) {
    if (!input.changedPaths)
      return [{ rule: this.id, ok: true, message: 'changed paths unknown (--changed-path not given): not judged' }];
    const engine = input.changedPaths.filter((p) => !DECLARATION_PATHS.some((d) => p.startsWith(d)));
    if (!engine.length) return [{ rule: this.id, ok: true, message: 'only org/ and dist/ change' }];
    const second = secondAdmin(input);
    const list = `${engine.slice(0, 5).join(', ')}${engine.length > 5 ? `, and ${engine.length - 5} more` : ''}`;
    const trusts = input.headEngine
      ? `; approving it trusts ${input.headEngine}, which head's package-lock.json installs`
      : '';
    return [
      {
        rule: this.id,
        ok: second.ok,
        message: second.ok
          ? `changes ${list}; ${second.approved}${trusts}`
          : `changes ${list}: outside org/ and dist/, an admin who is not an author must approve the head commit${second.note}${trusts}`,
      },
    ];
  },
};
