/**
 * Adds the current workflow templates (deploy/github/) to deploy/workflow-history.json, so that
 * `orgctl workflows` knows the version it replaces as orgctl's own, not an edit. It never removes a
 * version. The workflow generator (`npx tsx test/write-workflows.ts`, run after changing a template)
 * runs it last, once it has written the shared steps and copied the workflows to .github/workflows/;
 * run alone, it does neither.
 * test/workflows-command.test.ts checks that every current template is in the history.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { workflowDigest, workflowHistoryFile, workflowTemplates } from '../cli/workflows.ts';

const file = workflowHistoryFile();
const doc = JSON.parse(readFileSync(file, 'utf8')) as { templates: Record<string, string[]> };
for (const [name, text] of workflowTemplates()) {
  const versions = new Set(doc.templates[name] ?? []).add(workflowDigest(text));
  doc.templates[name] = [...versions].sort();
}
writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
