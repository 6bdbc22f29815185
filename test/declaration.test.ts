/** TypeScript declarations load as cached esbuild bundles: edits are seen, mistakes point at their lines. */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cacheFolder } from '../cli/paths.ts';
import { ROOT, cli, repoScratch, run, waitOutRacyWindowSince } from './helpers.ts';

// Inside the repository, so that the declaration finds cdk8s as org/org.ts does.
const scratch = repoScratch('declaration-');
const CONSTRUCTS = join(ROOT, 'constructs/index.ts');

const declaration = (body: string) => `import { App } from 'cdk8s';
import { Organization } from '${CONSTRUCTS}';
const org = new Organization(new App(), 'acme', { owner: 'alice@acme.io' });
org.user('alice@acme.io', { admin: true });
${body}
export default org;
`;

describe('TypeScript declarations', () => {
  it('sees every edit of the declaration and of a module it imports, in the same process', async () => {
    const dir = scratch();
    const file = join(dir, 'org.ts');
    writeFileSync(join(dir, 'people.ts'), 'export const people = ["bob@acme.io"];\n');
    writeFileSync(file, declaration(`import { people } from './people.ts';\nfor (const p of people) org.user(p);`));
    const first = await run(['check', '--spec', file]);
    expect(first.code).toBe(0);
    writeFileSync(join(dir, 'people.ts'), 'export const people = ["bob@acme.io", "not-an-email"];\n');
    const second = await run(['check', '--spec', file]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/"not-an-email" is not an email address/);
    writeFileSync(file, declaration('org.user("carol@acme.io");'));
    const third = await run(['check', '--spec', file, '--format', 'json']);
    expect(third.code).toBe(0);
  });

  it('a declaration that throws while it runs is named with its own TypeScript line', async () => {
    const dir = scratch();
    const file = join(dir, 'org.ts');
    writeFileSync(
      file,
      declaration(
        'const members: string[] | undefined = undefined as string[] | undefined;\nmembers!.forEach((m) => org.user(m));',
      ),
    );
    const r = await run(['check', '--spec', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/org\.ts: Cannot read properties of undefined \(reading 'forEach'\)/);
    expect(r.stderr).toContain(`${file}:6:`); // the line in org.ts, not in the bundle
  });

  it("a method of orgctl's constructs mistyped (web.grnt) names the method meant, with its own TypeScript line", async () => {
    const cases = [
      [
        "const web = org.namespace('web');\nweb.grnt(org.user('bob@acme.io'), 'r:pods');",
        'web.grnt is not a function: did you mean grant?',
      ],
      ["org.user('bob@acme.io').adAll();", 'org.user(...).adAll is not a function: did you mean addAll?'],
      ["org.namespce('web');", 'org.namespce is not a function: did you mean namespace?'],
      // a name near none of them is said as before
      ['(org as any).frobnicate();', 'org.frobnicate is not a function'],
    ] as const;
    // Each a declaration of its own, checked at once: each check mostly waits on its bundle and
    // the declaration's own process.
    const checked = await Promise.all(
      cases.map(async ([body]) => {
        const file = join(scratch(), 'org.ts');
        writeFileSync(file, declaration(body));
        return { file, r: await run(['check', '--spec', file]) };
      }),
    );
    checked.forEach(({ file, r }, i) => {
      const [body, said] = cases[i]!;
      expect([r.code, r.stderr.split('\n')[0]], body).toEqual([2, `error declaration ${file}: ${said}`]);
    });
  });

  it('a declaration that does not compile is named with file, line and column, and no stack', async () => {
    const dir = scratch();
    const file = join(dir, 'org.ts');
    writeFileSync(file, declaration('const = 1;'));
    const r = await run(['check', '--spec', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:5:7: Expected identifier`));
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('without a cache folder in the project the declaration still loads (bundled in the temporary folder)', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'node_modules'), 'a file where the cache folder would go\n');
    const file = join(dir, 'org.ts');
    writeFileSync(file, declaration('org.user("not-an-email");'));
    // No cache folder named (the tests' run names one, global-setup.ts, which a check here would use).
    const r = cli(['check', '--spec', file], { env: { ORGCTL_CACHE_DIR: '' } });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/"not-an-email" is not an email address/);
  });

  it('a package the declaration imports is loaded from where it sits, and reinstalling it rebuilds', () => {
    const dir = scratch();
    const pkg = join(dir, 'node_modules', 'people-directory');
    mkdirSync(pkg, { recursive: true });
    // Each version has its entry file elsewhere, as a package's new release may.
    const install = (version: string, people: string[]) => {
      rmSync(join(pkg, 'lib'), { recursive: true, force: true });
      mkdirSync(join(pkg, 'lib', version), { recursive: true });
      writeFileSync(
        join(pkg, 'package.json'),
        JSON.stringify({ name: 'people-directory', version, type: 'module', exports: `./lib/${version}/index.js` }),
      );
      writeFileSync(join(pkg, 'lib', version, 'index.js'), `export const people = ${JSON.stringify(people)};\n`);
    };
    install('1.0.0', ['bob@acme.io']);
    const file = join(dir, 'org.ts');
    writeFileSync(
      file,
      declaration(`import { people } from 'people-directory';\nfor (const p of people) org.user(p);`),
    );
    expect(cli(['check', '--spec', file]).code).toBe(0);
    install('1.0.1', ['bob@acme.io', 'not-an-email']);
    const r = cli(['check', '--spec', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/"not-an-email" is not an email address/);
  });

  // Its declaration is written before the file's first test: the tests before it take longer than
  // the racy window, which it then need not wait out (run alone, it waits it out whole).
  let saved: { file: string; at: number } | undefined;
  beforeAll(() => {
    const dir = scratch();
    const file = join(dir, 'org.ts');
    writeFileSync(file, declaration('org.user("bob@acme.io");'));
    // Saved a minute ago: a file saved during a build is never trusted to the cache.
    const past = new Date(Date.now() - 60_000);
    utimesSync(file, past, past);
    utimesSync(dir, past, past);
    saved = { file, at: Date.now() };
  });

  it('bundles once and reuses the bundle while nothing changed', async () => {
    const { file, at } = saved!;
    waitOutRacyWindowSince(at);
    const cache = cacheFolder(file, 'declarations')!;
    const key = createHash('sha256').update(file).digest('hex').slice(0, 16);
    expect((await run(['check', '--spec', file])).code).toBe(0);
    const record = statSync(join(cache, `${key}.json`)).mtimeMs;
    const code = readdirSync(cache).filter((f) => f.startsWith(`${key}-`));
    expect(code).toHaveLength(1);
    expect((await run(['check', '--spec', file])).code).toBe(0);
    expect(statSync(join(cache, `${key}.json`)).mtimeMs).toBe(record);
    expect(readdirSync(cache).filter((f) => f.startsWith(`${key}-`))).toEqual(code);
    // an edit: a new bundle (named by its content), and the record names it
    writeFileSync(file, declaration('org.user("carol@acme.io");'));
    expect((await run(['check', '--spec', file])).code).toBe(0);
    expect(readdirSync(cache).filter((f) => f.startsWith(`${key}-`)).length).toBeGreaterThanOrEqual(2);
  });

  it('import.meta.url names the declaration, not the bundle', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'people.txt'), 'bob@acme.io\nnot-an-email\n');
    const file = join(dir, 'org.ts');
    writeFileSync(
      file,
      declaration(`import { readFileSync } from 'node:fs';
for (const p of readFileSync(new URL('./people.txt', import.meta.url), 'utf8').trim().split('\\n')) org.user(p);
if (import.meta.dirname !== ${JSON.stringify(dir)}) throw new Error('dirname ' + import.meta.dirname);`),
    );
    const r = await run(['check', '--spec', file]);
    expect(r.stderr).toMatch(/"not-an-email" is not an email address/);
    expect(r.code).toBe(1);
  });

  it('a new file that changes what an import resolves to is seen', async () => {
    const dir = scratch();
    mkdirSync(join(dir, 'helpers'));
    writeFileSync(join(dir, 'helpers', 'index.ts'), 'export const extra = "bob@acme.io";\n');
    const file = join(dir, 'org.ts');
    writeFileSync(file, declaration(`import { extra } from './helpers';\norg.user(extra);`));
    const past = new Date(Date.now() - 60_000);
    for (const p of [file, join(dir, 'helpers', 'index.ts'), join(dir, 'helpers'), dir]) utimesSync(p, past, past);
    expect((await run(['check', '--spec', file])).code).toBe(0);
    writeFileSync(join(dir, 'helpers.ts'), 'export const extra = "not-an-email";\n'); // ./helpers now means this file
    const r = await run(['check', '--spec', file]);
    expect(r.stderr).toMatch(/"not-an-email" is not an email address/);
  });

  it('a bare import of a linked TypeScript package is bundled (Node cannot import .ts)', async () => {
    const dir = scratch();
    const pkg = join(dir, 'node_modules', 'acme-people');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(
      join(pkg, 'package.json'),
      JSON.stringify({ name: 'acme-people', type: 'module', exports: './index.ts' }),
    );
    writeFileSync(join(pkg, 'index.ts'), 'export const people: string[] = ["bob@acme.io", "not-an-email"];\n');
    const file = join(dir, 'org.ts');
    writeFileSync(file, declaration(`import { people } from 'acme-people';\nfor (const p of people) org.user(p);`));
    const r = await run(['check', '--spec', file]);
    expect(r.stderr).toMatch(/"not-an-email" is not an email address/);
    expect(r.code).toBe(1);
  });
});
