/**
 * The README init writes shows a change a newcomer can make as it says: with a spec, the file as it
 * then reads (a key written twice in YAML is refused, so lines to paste under `users:` would fail).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initAcme, run, tempDir } from './helpers.ts';

describe("init's README", () => {
  it('--spec yaml: its example, written as org/org.yaml, passes check and gives bob r:pods in web', async () => {
    const dir = join(tempDir(), 'acme-org');
    const init = await run(initAcme(dir, '--spec', 'yaml'));
    expect(init.code, init.stderr).toBe(0);
    const example = readFileSync(join(dir, 'README.md'), 'utf8').match(/```yaml\n([\s\S]*?)```/)?.[1];
    expect(example).toBeDefined();
    const spec = join(dir, 'org/org.yaml');
    writeFileSync(spec, example!);
    const check = await run(['check', '--spec', spec]);
    expect([check.code, check.stderr], check.stdout).toEqual([0, '']);
    const explain = await run(['explain', 'bob@example.com', '-n', 'web', '--spec', spec]);
    expect(explain.stdout).toContain('r:pods: read Pods and their logs');
  });
});

describe("the project README's upgrade note on init's tsconfig.json", () => {
  it('names the option init writes, which a repository an earlier init made adds by hand', async () => {
    const dir = join(tempDir(), 'acme-org');
    const init = await run(initAcme(dir));
    expect(init.code, init.stderr).toBe(0);
    const options = JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8')).compilerOptions;
    expect(options.allowImportingTsExtensions).toBe(true);
    const readme = readFileSync(join(import.meta.dirname, '../README.md'), 'utf8');
    expect(readme).toContain('**This release\'s `orgctl init` writes `"allowImportingTsExtensions": true`**');
    // workflows --write, the upgrade's other step, leaves tsconfig.json as it is.
    const before = readFileSync(join(dir, 'tsconfig.json'), 'utf8');
    writeFileSync(join(dir, 'tsconfig.json'), before.replace('"allowImportingTsExtensions": true,', ''));
    const write = await run(['workflows', '--write', '--dir', dir]);
    expect(readFileSync(join(dir, 'tsconfig.json'), 'utf8'), write.stderr).not.toContain('allowImportingTsExtensions');
  });
});
