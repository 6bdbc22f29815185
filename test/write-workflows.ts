/**
 * The workflow generator: writes each shared step (test/workflow-steps.ts) into the workflow
 * templates (deploy/github/), copies them into the repository's own .github/workflows/, and records
 * them in the workflow history (test/write-workflow-history.ts). Run it after changing a template
 * or a shared step: `npx tsx test/write-workflows.ts`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workflowTemplates } from '../cli/workflows.ts';
import { withSharedSteps } from './workflow-steps.ts';

const root = join(import.meta.dirname, '..');
const [templates, copies] = [join(root, 'deploy/github'), join(root, '.github/workflows')];
for (const [name, template] of workflowTemplates()) {
  const text = withSharedSteps(template);
  writeFileSync(join(templates, name), text);
  writeFileSync(join(copies, name), text);
}
await import('./write-workflow-history.ts');
