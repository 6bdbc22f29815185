/**
 * A step more than one of orgctl's workflows (deploy/github/) hold, defined once: the workflow
 * generator (test/write-workflows.ts) writes it, with the comment above it, into every job that has
 * a step of its name, and test/redteam-r103.test.ts checks that each workflow holds it as written.
 */

/** A shared step: its name, the comment above it and its lines after `- name:`, as YAML at indentation 0. */
interface SharedStep {
  readonly name: string;
  readonly comment: readonly string[];
  readonly body: readonly string[];
}

const SHARED_STEPS: readonly SharedStep[] = [
  {
    name: 'No problem matchers (what orgctl prints quotes the pull request)',
    comment: [
      '# actions/setup-node registers three problem matchers (tsc, eslint-stylish, eslint-compact) for',
      "# the rest of the job: a line orgctl prints that quotes a pull request's text in their form",
      "# would be an annotation in its author's words (R94-4), a merged declaration's output too (it",
      '# passes a guard that breaks workflow commands, not a pattern: R103-1). This job compiles and',
      '# lints nothing.',
    ],
    body: [
      '  run: |',
      '    echo "::remove-matcher owner=tsc::"',
      '    echo "::remove-matcher owner=eslint-stylish::"',
      '    echo "::remove-matcher owner=eslint-compact::"',
    ],
  },
  {
    name: 'Which orgctl runs (the one the lock installs, never a command the project names)',
    comment: [
      "# The command orgctl's own package.json names, of the orgctl the lock installs (of the project",
      "# itself in orgctl's own repository, named orgctl: the engine). Never `npx orgctl`, which runs",
      "# the project's own package.json `bin` first (a file a pull request may add, run here once",
      '# merged), nor node_modules/.bin/orgctl (npm links the first package of the lock naming it).',
    ],
    body: [
      '  shell: bash',
      '  run: |',
      "    node -e '",
      '      const fs = require("fs");',
      '      const dir = JSON.parse(fs.readFileSync("package.json", "utf8")).name === "orgctl" ? "." : "node_modules/orgctl";',
      '      const bin = JSON.parse(fs.readFileSync(`${dir}/package.json`, "utf8")).bin;',
      '      const file = typeof bin === "string" ? bin : bin?.orgctl;',
      '      if (typeof file !== "string" || !/^[\\w@.\\/-]+$/.test(file) || file.split("/").includes("..")) {',
      '        console.error(`${dir}/package.json names no command orgctl that is a file of its own (${JSON.stringify(file)})`);',
      '        process.exit(2);',
      '      }',
      '      console.log(`ORGCTL=${dir}/${file}`);',
      '    \' >> "$GITHUB_ENV"',
    ],
  },
];

/** A shared step's lines as written: the comment, its `- name:` line, the body. */
const linesOf = (step: SharedStep): string[] => [...step.comment, `- name: ${step.name}`, ...step.body];

/**
 * `text` (a workflow) with each shared step it has, found by its `- name:` line, written as defined:
 * the step's lines and the comment lines right above it at its indentation are replaced.
 */
export function withSharedSteps(text: string): string {
  const lines = text.split('\n');
  for (const step of SHARED_STEPS) {
    for (let at = lines.findIndex((l) => l.trimStart() === `- name: ${step.name}`); at >= 0; ) {
      const indent = lines[at]!.slice(0, lines[at]!.length - lines[at]!.trimStart().length);
      let start = at;
      while (start > 0 && lines[start - 1]!.startsWith(`${indent}#`)) start--;
      let end = at + 1;
      while (end < lines.length && (lines[end] === '' || lines[end]!.startsWith(`${indent} `))) end++;
      while (lines[end - 1] === '') end--; // a blank line after the step is the workflow's, kept
      const written = linesOf(step).map((l) => indent + l);
      lines.splice(start, end - start, ...written);
      const next = lines.slice(start + written.length).findIndex((l) => l.trimStart() === `- name: ${step.name}`);
      at = next < 0 ? -1 : start + written.length + next;
    }
  }
  return lines.join('\n');
}
