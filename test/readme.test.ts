/** The README is the front page: it must stay true to the code. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { beforeAll, describe, expect, it } from 'vitest';
import { CATALOG } from '../model/catalog.ts';
import { Organization, parseSpecText } from '../constructs/index.ts';
import { policiesTable, reviewRulesTable } from '../report/rules.ts';
import { COMMANDS } from '../cli/commands.ts';
import { spawnSync } from 'node:child_process';
import { ROOT, TODAY, cli, deployerSpec, repoScratch, synth, tempDir } from './helpers.ts';
import { exampleProject } from './example-project.ts';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('README', () => {
  it('shows the quick start commands', () => {
    expect(README).toContain('npm ci && npm run synth');
    expect(README).toContain('npm test');
  });

  it("the quick start's list of what `orgctl --help` lists names every command, once", () => {
    const listed = README.match(/`orgctl --help` lists them: ([^;]*);/)?.[1]?.split(/,\s+/);
    expect([...(listed ?? [])].sort()).toEqual(COMMANDS.map((c) => c.name).sort());
  });

  it('documents every catalog level, marking exactly the admin-only ones', () => {
    for (const l of CATALOG) {
      const row = README.split('\n').find((line) => line.startsWith(`| \`${l.id}\` |`));
      expect(row, l.id).toBeDefined();
      expect(row!.includes('**admin-only**'), l.id).toBe(l.adminOnly);
    }
  });

  it("holds the rule registry's tables exactly (npx tsx test/write-rule-tables.ts rewrites them)", () => {
    expect(README).toContain(policiesTable());
    expect(README).toContain(reviewRulesTable());
  });

  it('its spec example is valid and passes every policy', () => {
    const yaml = README.split('### The spec file')[1]!.match(/```yaml\n([\s\S]*?)```/)![1]!;
    const app = new App();
    Organization.fromSpec(app, parseSpecText(yaml), { today: '2026-11-26' });
    const r = synth(app);
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});

describe('README: Testing your declaration', () => {
  const section = README.split('\n## Testing your declaration\n')[1]!.split('\n## ')[0]!;

  it("its vitest command's filter, org/, is a folder vitest's projects include here, and no folder of test/", async () => {
    // `npx vitest run FILTER` runs the files of the config's projects whose path holds FILTER.
    const filter = section.match(/run by `npx vitest run (\S+)`/)?.[1];
    expect(filter).toBe('org/');
    const config = (await import('../vitest.config.ts')).default as {
      test: { projects: { test: { name: string; include: string[] } }[] };
    };
    const includes = config.test.projects.flatMap((p) => p.test.include);
    expect(includes).toContain('org/**/*.test.ts');
    // And nothing of the engine's own: test/ holds no folder org/.
    expect(existsSync(join(ROOT, 'test', 'org'))).toBe(false);
  });
});

describe('README: Adopting an existing cluster', () => {
  const section = README.split('\n### Adopting an existing cluster\n')[1]!.split('\n### ')[0]!;

  it('its console block is what import prints on standard error for a cluster like it (test/fixtures/cluster/shop.yaml)', () => {
    const block = section.match(/```console\n([\s\S]*?)```/)![1]!;
    const [command, ...printed] = block.split('\n').filter(Boolean);
    expect(command).toMatch(/^\$ kubectl get .* -A -o yaml \\$/);
    const args = printed[0]!.match(/\| npx orgctl (import .*) > org\.yaml$/)![1]!.split(' ');
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/orgctl.mjs'), ...args], {
      input: readFileSync(join(ROOT, 'test/fixtures/cluster/shop.yaml'), 'utf8'),
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.trimEnd()).toBe(printed.slice(1).join('\n'));
  });

  it('its init from a dump on standard input imports what import does, and lists the same lines', () => {
    const command = section.match(/`orgctl (init acme-org [^`]*--from -)`/)?.[1];
    expect(command).toBe('init acme-org --org acme --owner alice@acme.io --from -');
    const dump = readFileSync(join(ROOT, 'test/fixtures/cluster/cluster.json'), 'utf8');
    const dir = tempDir();
    const orgctl = (args: readonly string[]) =>
      spawnSync(process.execPath, [join(ROOT, 'bin/orgctl.mjs'), ...args], {
        cwd: dir,
        input: dump,
        encoding: 'utf8',
        env: { ...process.env, ORGCTL_TODAY: TODAY },
      });
    const init = orgctl(command!.split(' '));
    expect(init.status, init.stderr).toBe(0);
    const imported = orgctl(['import', '--from', '-', '--org', 'acme', '--owner', 'alice@acme.io']);
    expect(imported.status, imported.stderr).toBe(0);
    expect(readFileSync(join(dir, 'acme-org/org/org.yaml'), 'utf8')).toContain(imported.stdout.trim());
    expect(init.stderr.trim()).toBe(imported.stderr.trim());
  });
});

describe('README examples are real output', () => {
  it('the analysis forbidden-grant example', async () => {
    const { formatFinding } = await import('../model/findings.ts');
    const app = new App();
    Organization.fromSpec(app, deployerSpec());
    const line = formatFinding(synth(app).findings.find((f) => f.rule === 'forbidden-grant')!);
    expect(README).toContain(`\n${line}\n`);
  });

  it('the model forbidden-grant example, led by its position in the spec file', async () => {
    const { formatFinding, locateFindings } = await import('../model/findings.ts');
    const { parseSpecText, specLocator } = await import('../constructs/spec.ts');
    const text = [
      'apiVersion: orgctl/v1',
      'kind: Organization',
      'metadata: { name: acme }',
      'spec:',
      '  owner: alice@acme.io',
      '  users:',
      '    - { email: alice@acme.io, admin: true }',
      '    - { email: bob@acme.io }',
      '  namespaces:',
      '    - name: web',
      '  grants:',
      '    - { user: bob@acme.io, namespace: web, levels: [r:pods, w:pods] }',
      '',
    ].join('\n');
    const app = new App();
    Organization.fromSpec(app, parseSpecText(text));
    const findings = locateFindings(synth(app).findings, 'org.yaml', specLocator(text));
    const line = formatFinding(findings.find((f) => f.rule === 'forbidden-grant')!);
    expect(line).toMatch(/^org\.yaml:12:\d+: error forbidden-grant /);
    expect(README).toContain(`\n${line}\n`);
  });
});

describe('README sample pull-request comment', () => {
  it('is what orgctl review prints for that change', async () => {
    const { readFileSync: read, writeFileSync: write } = await import('node:fs');
    const { tempDir, run } = await import('./helpers.ts');
    const acme = read(join(ROOT, 'test/fixtures/specs/acme.yaml'), 'utf8');
    const dist = async (text: string) => {
      const dir = tempDir();
      write(join(dir, 'org.yaml'), text);
      await run(['synth', '--spec', join(dir, 'org.yaml'), '--out', join(dir, 'dist')]);
      return join(dir, 'dist');
    };
    const base = await dist(acme);
    const head = await dist(
      acme
        .replace(
          '{ email: alice@acme.io, github: alice, githubId: 583231, admin: true, billing: true }',
          '{ email: alice@acme.io, github: alice, githubId: 583231, admin: true }',
        )
        .replace('levels: ["r:pods", "w:services"]', 'levels: ["r:pods"]'),
    );
    const r = await run([
      'review',
      '--base',
      base,
      '--head',
      head,
      '--actor',
      'alice',
      '--approved-by',
      'frank',
      '--changed-path',
      'org/org.ts',
      '--changed-path',
      'dist/namespaces/web.yaml',
    ]);
    const sample = README.split('A sample pull-request comment')[1]!.match(/```markdown\n([\s\S]*?)```/)![1]!;
    expect(sample).toBe(`${r.stdout}\n`);
  });
});

describe("README's commands and flags", () => {
  const commands = async () => Promise.all(COMMANDS.map((c) => c.load()));
  const rows = README.split('\n').filter((l) => l.startsWith('| `orgctl '));
  /** `orgctl CMD ...` and `npx orgctl CMD ...` in the Commands table's first column and in code blocks. */
  const mentions = (): { command: string; text: string }[] => {
    const blocks = [...README.matchAll(/```(?:sh|console|bash)?\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n'));
    const table = rows.map((r) => r.split(' | ')[0]!.slice(3, -1));
    return [...table, ...blocks].flatMap((line) =>
      [...line.matchAll(/(?:^|[\s|$(])(?:npx (?:--no-install )?)?orgctl ([a-z-]+)((?:[^|;&>`\n]*))/g)].map((m) => ({
        command: m[1]!,
        text: m[2]!,
      })),
    );
  };

  it('every flag it attributes to a command is one that command takes', async () => {
    const byName = new Map((await commands()).map((c) => [c.name, c]));
    const found = mentions().filter((m) => byName.has(m.command));
    expect(found.length).toBeGreaterThan(10);
    for (const { command, text } of found) {
      const c = byName.get(command)!;
      for (const [, name] of text.matchAll(/(?<![\w-])--([a-z][a-z-]*)/g))
        expect(
          name === 'help' || Object.hasOwn(c.flags, name!) || Object.hasOwn(c.aliases, name!),
          `${command} --${name}`,
        ).toBe(true);
      for (const [, short] of text.matchAll(/(?<![\w-])-([a-zA-Z])\b/g))
        expect(short === 'h' || Object.hasOwn(c.aliases, short!), `${command} -${short}`).toBe(true);
    }
  });

  it('every command and each of its flags are in the Commands table (by a name or an alias)', async () => {
    for (const c of await commands()) {
      const mine = rows.filter((r) => r.startsWith(`| \`orgctl ${c.name} `) || r.startsWith(`| \`orgctl ${c.name}\``));
      expect(mine.length, c.name).toBeGreaterThan(0);
      const text = mine.map((r) => r.split(' | ')[0]).join('\n');
      for (const name of Object.keys(c.flags)) {
        const spellings = [name, ...Object.keys(c.aliases).filter((a) => c.aliases[a] === name)];
        expect(
          spellings.some((n) => new RegExp(`(?<![\\w-])--?${n}\\b`).test(text)),
          `${c.name} --${name} is not in the Commands table`,
        ).toBe(true);
      }
    }
  });
});

describe("README's console examples of the example organization (pinned: an edit of org/org.ts is the reader's)", () => {
  const scratch = repoScratch('readme-example-');
  let project = '';
  beforeAll(() => {
    project = exampleProject(scratch());
  });

  /** Each `$ npx orgctl ...` (optionally `| grep WORD`) of a section's console blocks, with the output it shows. */
  const steps = (section: string) => {
    const text = README.split(`\n### ${section}\n`)[1]!.split('\n#')[0]!;
    return [...text.matchAll(/```console\n([\s\S]*?)```/g)].flatMap((block) =>
      block[1]!
        .split(/^\$ /m)
        .slice(1)
        .map((part) => {
          const [command, ...lines] = part.split('\n');
          return { command: command!, output: lines.join('\n').trimEnd() };
        }),
    );
  };

  it.each(['Worked example', 'Explaining a permission'])('%s: each command prints what the README shows', (s) => {
    const found = steps(s);
    expect(found.length).toBeGreaterThan(1);
    for (const { command, output } of found) {
      const [invocation, grep] = command.split(' | grep ');
      const r = cli(invocation!.replace(/^npx orgctl /, '').split(' '), { cwd: project });
      const printed = grep ? r.stdout.split('\n').filter((l) => l.includes(grep)) : r.stdout.split('\n');
      expect(printed.join('\n').trimEnd(), command).toBe(output);
    }
  });
});
