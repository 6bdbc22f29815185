/**
 * cdk8s habits through the CLI and the README: a chart orgctl would drop fails `check` and `synth`
 * naming it, and the README's "Testing your declaration" example runs as a vitest file of its own.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, TODAY, cli, repoScratch, tempDir } from './helpers.ts';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const TESTING = README.split('## Testing your declaration')[1]!.split('\n## ')[0]!;

// Inside the repository, so that the declaration finds cdk8s and cdk8s-plus as org/org.ts does.
const scratch = repoScratch('cdk8s-');

/** A declaration whose App holds the Organization and, with `extra`, a cdk8s-plus ConfigMap chart. */
const declaration = (extra: boolean) => `import { App, Chart } from 'cdk8s';
import { ConfigMap } from 'cdk8s-plus-28';
import { Organization } from '${join(ROOT, 'constructs/index.ts')}';

const app = new App();
const org = new Organization(app, 'acme', { owner: 'alice@acme.io' });
org.user('alice@acme.io', { github: 'alice', githubId: 583231, admin: true });
org.namespace('web');
${extra ? "new ConfigMap(new Chart(app, 'config'), 'settings', { data: { greeting: 'hello' } });" : ''}
export default app;
`;

const FOREIGN =
  "error foreign-chart config: a cdk8s chart next to the Organization, with 1 object (ConfigMap): orgctl writes only the organization's objects, the ones the review proves it renders, so this chart would be left out of dist/; synthesize it in a cdk8s app of its own and deliver it with its own Argo CD Application (at config)";

describe('a chart next to the Organization', () => {
  it('fails orgctl synth and check, naming the chart and where it belongs; dist/ is not written', () => {
    const dir = scratch();
    const file = join(dir, 'org.ts');
    writeFileSync(file, declaration(true));
    const out = join(dir, 'dist');
    const synth = cli(['synth', '--spec', file, '--out', out]);
    expect(synth.code).toBe(1);
    expect(synth.stderr).toContain(FOREIGN);
    expect(synth.stderr).toContain(`synthesis failed: 1 error, 0 warnings; ${out}/ left unchanged`);
    expect(existsSync(out)).toBe(false);
    const check = cli(['check', '--spec', file]);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain(FOREIGN);
    const json = JSON.parse(cli(['synth', '--spec', file, '--out', out, '--format', 'json']).stdout);
    expect(json.findings.map((f: { rule: string; subject: string }) => `${f.rule} ${f.subject}`)).toEqual([
      'foreign-chart config',
    ]);
    // The same App without the chart synthesizes.
    writeFileSync(file, declaration(false));
    expect(cli(['synth', '--spec', file, '--out', out]).code).toBe(0);
  });

  it('is shown in the README as orgctl prints it', () => {
    expect(TESTING).toContain(`\`\`\`\n${FOREIGN}\n\`\`\``);
  });
});

describe("the README's Testing your declaration", () => {
  it('runs as a vitest file next to org/org.ts, and passes', () => {
    const snippet = TESTING.match(/```ts\n([\s\S]*?)```/)![1]!;
    // Outside the repository (vitest would collect it), with the repository's packages.
    const dir = tempDir('orgctl-readme-');
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(
      join(dir, 'org.test.ts'),
      snippet
        .replace("from '../constructs/index.ts'", `from '${join(ROOT, 'constructs/index.ts')}'`)
        .replace("from './org.ts'", `from '${join(ROOT, 'org/org.ts')}'`),
    );
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--root', dir], {
      cwd: dir,
      env: { ...process.env, ORGCTL_TODAY: TODAY, CI: '1', NO_COLOR: '1', FORCE_COLOR: undefined },
      encoding: 'utf8',
    });
    expect(r.stdout + r.stderr).toMatch(/Tests\s+2 passed \(2\)/);
    expect(r.status).toBe(0);
  });
});
