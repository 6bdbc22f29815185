/**
 * A value one slip from the one meant names it, as a mistyped command, flag or verb does: the
 * organization's name out of case, a flag's choice, a git ref, a level named for a resource no level
 * can grant; and a file that cannot be read says why.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { editDistance, nearestName, nearestNameAmong } from '../model/text.ts';
import { acmeSpecWith, cli, gitIn, ROOT, run, tempDir } from './helpers.ts';

describe('did you mean', () => {
  it('kubeconfig names the token one slip from the id given', async () => {
    const secret = join(ROOT, 'test/fixtures/secrets/token-ci-deploy.json');
    const r = await run(['kubeconfig', 'ci-deploi', '--server', 'https://k.acme.io', '--secret', secret]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /declares no token "ci-deploi": did you mean ci-deploy\? \(tokens: ci-deploy, dashboards, mallory-notebook, metrics-reader\)$/m,
    );
  });

  it('--org Acme names the lower-case name, in init and import', async () => {
    const dir = join(tempDir(), 'new');
    expect((await run(['init', dir, '--org', 'Acme', '--owner', 'a@b.io'])).stderr).toMatch(
      /^orgctl init: --org "Acme" is not a DNS label \(.*\): did you mean acme\?$/m,
    );
    expect((await run(['init', dir, '--org', 'Acme Corp', '--owner', 'a@b.io'])).stderr).toMatch(
      /: did you mean acme-corp\?$/m,
    );
    const imported = await run(['import', '--from', join(ROOT, 'dist'), '--org', 'Acme', '--owner', 'alice@acme.io']);
    expect(imported.code).toBe(2);
    expect(imported.stderr).toMatch(/^orgctl import: --org "Acme" is not a DNS label \(.*\): did you mean acme\?$/m);
  });

  it('--org says the limit its system namespace leaves (NAME-system is a DNS label too: 56), and suggests within it', async () => {
    const dir = join(tempDir(), 'new');
    const long = await run(['init', dir, '--org', 'a'.repeat(57), '--owner', 'a@b.io']);
    expect(long.code).toBe(2);
    expect(long.stderr).toContain('at most 56');
    const upper = await run(['init', dir, '--org', `B${'a'.repeat(60)}`, '--owner', 'a@b.io']);
    expect(upper.stderr).toContain('at most 56');
    expect(upper.stderr).toContain(`did you mean b${'a'.repeat(55)}?`);
  });

  it("a flag's choice one slip away names it: --spec yml, --format jsn", async () => {
    const dir = join(tempDir(), 'new');
    expect((await run(['init', dir, '--org', 'acme', '--owner', 'a@b.io', '--spec', 'yml'])).stderr).toMatch(
      /^orgctl init: --spec "yml" is not allowed \(expected one of ts, yaml\): did you mean yaml\?$/m,
    );
    expect((await run(['access', '--format', 'jsn'])).stderr).toMatch(/: did you mean json\?$/m);
    // A choice's long name: markdown is md (and no yaml format is html by one letter).
    expect((await run(['diff', '--base', 'dist', '--head', 'dist', '--format', 'markdown'])).stderr).toMatch(
      /--format "markdown" is not allowed \(expected one of text, md, json, html\): did you mean md\?$/m,
    );
    expect((await run(['access', '--format', 'yml'])).stderr).toMatch(/\(expected one of text, json, html\)$/m);
  });

  it('--dir dsit names the folder meant beside it, in can-i, who-can and access', async () => {
    const parent = tempDir();
    mkdirSync(join(parent, 'dist'));
    for (const args of [['who-can', 'get', 'pods'], ['can-i', 'get', 'pods', '--as', 'bob'], ['access']]) {
      const r = cli([...args, '--dir', join(parent, 'dsit')]);
      expect([r.code, r.stderr.trim()], args[0]).toEqual([
        2,
        `orgctl ${args[0]}: ${join(parent, 'dsit')}: no such file or folder: did you mean ${join(parent, 'dist')}?`,
      ]);
    }
    // Nothing near: said as before.
    expect(cli(['who-can', 'get', 'pods', '--dir', join(parent, 'elsewhere')]).stderr.trim()).toBe(
      `orgctl who-can: ${join(parent, 'elsewhere')}: no such file or folder`,
    );
  });

  it('in a folder with no dist/ and no declaration, each command says what to do, not only what is missing', () => {
    const here = tempDir();
    for (const args of [['who-can', 'get', 'pods'], ['can-i', 'get', 'pods', '--as', 'bob'], ['access']]) {
      const r = cli(args, { cwd: here });
      expect([r.code, r.stderr.trim()], args[0]).toEqual([
        2,
        `orgctl ${args[0]}: dist: no such folder: run orgctl synth first, or give --dir`,
      ]);
    }
    for (const args of [['check'], ['synth'], ['explain', 'bob@acme.io']]) {
      const r = cli(args, { cwd: here });
      expect(r.code, args[0]).toBe(2);
      expect(r.stderr.trim(), args[0]).toMatch(
        /org\/org\.ts: cannot read the file \(it does not exist\): give --spec FILE, name it in package\.json \("orgctl": \{ "spec": FILE \}\), or run orgctl in an organization's repository \(orgctl init DIR makes one\)$/,
      );
    }
  });

  it('review --actor or --approved-by given an email is a usage error saying to give a GitHub login', async () => {
    for (const flag of ['--actor', '--approved-by']) {
      const args = ['review', '--base', 'dist', '--head', 'dist', '--actor', 'alice', flag, 'alice@acme.io'];
      const r = await run(args);
      expect(r.code, flag).toBe(2);
      expect(r.stderr, flag).toMatch(
        new RegExp(
          `^orgctl review: ${flag} "alice@acme\\.io" is an email, not a GitHub login: give the person's GitHub login \\(orgctl members lists it\\)$`,
          'm',
        ),
      );
    }
  });

  it('diff --base origin/mian names the git ref meant', () => {
    const repo = tempDir('orgctl-refs-');
    const git = gitIn(repo);
    git('init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'a'), 'a');
    git('add', 'a');
    git('commit', '-q', '-m', 'a');
    git('update-ref', 'refs/remotes/origin/main', 'HEAD');
    mkdirSync(join(repo, 'dist'));
    const r = cli(['diff', '--base', 'origin/mian', '--head', 'dist'], { cwd: repo });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no git ref origin\/mian in this repository \(did you mean origin\/main\?\)/);
  });

  it('r:nodes is no level, and no level grants nodes: said, not r:pods', async () => {
    const file = join(tempDir(), 'org.json');
    writeFileSync(
      file,
      JSON.stringify(acmeSpecWith({ grants: [{ user: 'bob@acme.io', namespace: 'web', levels: ['r:nodes'] }] })),
    );
    const r = await run(['check', '--spec', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('did you mean r:pods');
    expect(r.stderr).toContain(
      '"r:nodes" is not an access level (no level grants nodes: they are cluster-wide, and a level grants in a namespace;',
    );
  });

  it('review --github: an event payload that cannot be read says why', async () => {
    const env = { GITHUB_REPOSITORY: 'acme/org', GITHUB_TOKEN: 't' };
    const missing = join(tempDir(), 'event.json');
    const gone = await run(['review', '--github'], { ...env, GITHUB_EVENT_PATH: missing });
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain(`${missing}: cannot read the event payload (it does not exist)`);
    const folder = tempDir();
    expect((await run(['review', '--github'], { ...env, GITHUB_EVENT_PATH: folder })).stderr).toContain(
      `${folder}: cannot read the event payload (it is a folder)`,
    );
    // A file where a folder of its path should be: said in words, not as ENOTDIR.
    const file = join(tempDir(), 'event.json');
    writeFileSync(file, '{}');
    expect((await run(['review', '--github'], { ...env, GITHUB_EVENT_PATH: join(file, 'x') })).stderr).toContain(
      `${join(file, 'x')}: cannot read the event payload (a folder on its path is a file)`,
    );
  });

  it("review: an --actor or --approved-by a letter from an admin's login says the one meant, and is judged as given", async () => {
    const { baseSpec, distPair } = await import('./review/scenarios.ts');
    const { base, head } = await distPair(baseSpec(), (s) => {
      s.spec.grants.push({ user: 'erin@acme.io', namespace: 'data', levels: ['r:pods'] });
    });
    const r = await run(['review', '--base', base, '--head', head, '--actor', 'alcie', '--approved-by', 'frnak']);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('warning: --'))).toEqual([
      "warning: --actor alcie is no admin's GitHub login in base: did you mean alice?",
      "warning: --approved-by frnak is no admin's GitHub login in base: did you mean frank?",
    ]);
    expect(r.code).toBe(1); // alcie is nobody: not an admin's change, and frnak's approval is nobody's
    const right = await run(['review', '--base', base, '--head', head, '--actor', 'alice', '--approved-by', 'frank']);
    expect(right.stderr).not.toContain('did you mean');
  });

  it('editDistance answers as the whole table does, with a bound up to it (random short names)', () => {
    /** The optimal string alignment distance, the whole table and nothing left out: the oracle. */
    const whole = (a: string, b: string): number => {
      const d = Array.from({ length: a.length + 1 }, (_, i) =>
        Array.from({ length: b.length + 1 }, (_, j) => (i ? (j ? 0 : i) : j)),
      );
      for (let i = 1; i <= a.length; i++)
        for (let j = 1; j <= b.length; j++) {
          d[i]![j] = Math.min(
            d[i - 1]![j]! + 1,
            d[i]![j - 1]! + 1,
            d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
          );
          if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
            d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
        }
      return d[a.length]![b.length]!;
    };
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const name = () =>
      Array.from({ length: Math.floor(random() * 9) }, () => 'abcab.@'[Math.floor(random() * 7)]).join('');
    for (let n = 0; n < 3000; n++) {
      const [a, b, max] = [name(), name(), Math.floor(random() * 4)];
      expect(editDistance(a!, b!), `${a} ${b}`).toBe(whole(a!, b!));
      expect(editDistance(a!, b!, max), `${a} ${b} ${max}`).toBe(Math.min(whole(a!, b!), max + 1));
    }
    // A transposition counts one edit, bounded or not; a typo finds its name among many.
    expect(editDistance('wbe', 'web', 1)).toBe(1);
    const many = Array.from({ length: 10_000 }, (_, i) => `user${i}@acme.io`);
    expect(nearestName('usre42@acme.io', many)).toBe('user42@acme.io');
    expect(nearestName('nobody@acme.io', many)).toBeUndefined();
  });

  it('a policy naming the one meant answers the first hundred names asked, then none (a spec of thousands of typos stays fast)', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => `user${i}@acme.io`);
    const meantOf = nearestNameAmong(many);
    expect(meantOf('usre42@acme.io')).toBe('user42@acme.io');
    for (let i = 0; i < 99; i++) meantOf(`usex${i}@acme.io`);
    expect(meantOf('usre42@acme.io'), 'asked before: answered again').toBe('user42@acme.io');
    expect(meantOf('usre43@acme.io'), 'the 101st name').toBeUndefined();
  });
});
