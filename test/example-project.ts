/**
 * The example organization, pinned, for the README's walk-throughs: test/fixtures/specs/acme.yaml
 * (which synthesizes exactly what org/org.ts ships, test/spec.test.ts) declared by a project's own
 * org/org.ts at construct paths, as org/org.ts declares it, and synthesized into that project's
 * dist/. The README tells a newcomer to edit org/org.ts and run `npm run synth` (Your first change),
 * then `npm test`: run here, its examples stay the example's, whatever this checkout's org/ and dist/
 * hold.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, ROOT } from './helpers.ts';

export const EXAMPLE_SPEC = join(ROOT, 'test/fixtures/specs/acme.yaml');

/**
 * Writes the example project into `dir` (under the repository, so that cdk8s resolves), its spec
 * text changed by `edit`, synthesizes its dist/ unless `synth` is false, and returns `dir`. Its
 * package.json makes dist/'s header name `org/org.ts`, as the checkout's does.
 */
export function exampleProject(
  dir: string,
  { edit = (s: string) => s, synth = true }: { edit?: (spec: string) => string; synth?: boolean } = {},
): string {
  mkdirSync(join(dir, 'org'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "private": true, "type": "module" }\n');
  writeFileSync(join(dir, 'org', 'example.yaml'), edit(readFileSync(EXAMPLE_SPEC, 'utf8')));
  writeFileSync(
    join(dir, 'org', 'org.ts'),
    [
      "import { readFileSync } from 'node:fs';",
      "import { App } from 'cdk8s';",
      `import { Organization, parseSpecText } from ${JSON.stringify(join(ROOT, 'constructs', 'index.ts'))};`,
      "const text = readFileSync(new URL('./example.yaml', import.meta.url), 'utf8');",
      'export default Organization.fromSpec(new App(), parseSpecText(text), { specPaths: false });',
      '',
    ].join('\n'),
  );
  if (!synth) return dir;
  const written = cli(['synth'], { cwd: dir });
  if (written.code !== 0) throw new Error(`the example project does not synthesize: ${written.stderr}`);
  return dir;
}
