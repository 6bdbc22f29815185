/**
 * Red team R63 (base 1965d72): the readers that judge orgctl's output against what Go's YAML
 * (kubectl, Argo CD) reads, and the proofs and partial reads built on them.
 *
 * R63-1 (low-medium): the strict reader took any token of the shape of a JSON number as a number,
 * `Number(token)`, where Go's YAML (sigs.k8s.io/yaml over goyaml.v2) reads a number only within
 * float64's range and anything past it as text: `1e400` is Infinity to orgctl and the string
 * "1e400" to kubectl and Argo CD. orgctl never writes it (it writes String(n) of a finite number),
 * yet every reader of an output folder accepted it. A RoleBinding binding the ServiceAccount
 * `1e400` (a valid name: anyone who may create ServiceAccounts and pods in the namespace runs as it)
 * was read with a subject without a name, left out with a warning: `diff`, and the review's comment
 * beside output-proof's failure, said "No change in access" (or that the binding's other subjects
 * lost it) while Argo CD would bind the ServiceAccount; `can-i` said no and `who-can` left it out.
 * The verdict held (the bytes are not orgctl's: output-proof, and with a head proof the written
 * judgement, refuse the document), but "the account is complete, whatever dist/ holds" and "every
 * reader refuses what Go reads otherwise" did not.
 *
 * What held (no test). The partial read (can-i, who-can): every file of the folder is listed (hidden
 * ones, `.yml`, `kustomization.yaml`, `Chart.yaml`, `.argocd-source.yaml`, a folder in a shard)
 * and any outside the layout, or a symbolic link, sends it to the full read, which refuses it (exit
 * 2, each tried); what it still trusts is documented (a binding in a shard its namespace is not
 * placed in, or twice across shards, is unseen there and refused by prove and the review). A
 * document it skips unparsed holding `name: 1e400` binds the ServiceAccount "1e400" to Go, never the
 * subject asked about, so its answer stays the cluster's. engine-change's reading of a lock's
 * sources by their spelling: every spelling tried (`file://`, `file:///`, backslashes, `.//`, `?`,
 * `#`, percent-escapes, which npm-package-arg leaves as written for a folder and hosted-git-info
 * decodes for GitHub's shorthand) reads as remote (all of org/ and dist/ are engine) or as a folder
 * at least as wide as npm's: none narrower. The strict reader against Go (kubectl) for the rest of
 * the brief's list: duplicate keys (`__proto__` too, refused as one), merge keys, anchors, aliases,
 * tags, `---` inside a text (JSON-escaped, or indented in a block), BOM, CR, tab, NUL, NEL and
 * U+2028 are refused raw; plain scalars are only those no YAML 1.1 or 1.2 resolver reads as another
 * type; a key over 1,024 characters (Go refuses it) cannot be written, every key orgctl writes
 * passing the API server's name rules (317 at most). The proof against base reads every byte of head
 * but its headers (one line, as orgctl writes it, naming one declaration) and the RoleBindings it
 * re-renders: nothing else in head escapes it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCanonicalYaml, toYamlDocument } from '../synth/yaml.ts';
import { ROOT, run, tempDir, exampleDistCopy } from './helpers.ts';

const KUBECTL = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

/** The objects kubectl (Go's YAML, apimachinery's decoder) reads from a text, as JSON. */
function readByGo(text: string): any {
  const file = join(tempDir('orgctl-r63-'), 'resources.yaml');
  writeFileSync(file, text);
  const r = spawnSync('kubectl', ['label', '--local', '-f', file, 'zz.example.com/go=x', '-o', 'json'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

/** A RoleBinding of data, w:full, whose only subject is the ServiceAccount `name` (written as is). */
const bindingOf = (name: string) => `---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  annotations:
    argocd.argoproj.io/sync-wave: "4"
  labels:
    app.kubernetes.io/managed-by: orgctl
    orgctl.io/organization: acme
  name: acme:w:full:2
  namespace: data
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: acme:w:full
subjects:
- kind: ServiceAccount
  name: ${name}
  namespace: data
`;

/** The example's dist/, each cluster's shard of data given one more document. */
function exampleWith(doc: string): string {
  const head = exampleDistCopy('orgctl-r63-');
  for (const cluster of ['lga1', 'ord1']) {
    const file = join(head, cluster, 'shard-05/resources.yaml');
    writeFileSync(file, readFileSync(file, 'utf8') + doc);
  }
  return head;
}

const read = (text: string) => {
  const r = readCanonicalYaml(text);
  return 'documents' in r ? r.documents : r.error;
};

describe('R63-1: a number is read only as orgctl writes one, which Go reads as that number', () => {
  it.skipIf(!KUBECTL)('Go reads a number past float64 as text', () => {
    const bound = readByGo(bindingOf('1e400'));
    expect(bound.subjects[0].name).toBe('1e400');
  });

  it.each([
    '1e400',
    '-1e400',
    '1e-400',
    '1E5',
    '1.50',
    '-0',
    '01',
    'a number of 400 digits',
  ])('%s is refused: orgctl never writes it', (token) => {
    const got = read(`---\na: ${token.startsWith('a ') ? '1'.padEnd(400, '0') : token}\n`);
    expect(Array.isArray(got), JSON.stringify(got)).toBe(false);
  });

  it.each([
    0,
    1,
    -1,
    4,
    1.5,
    -2.25,
    1e21,
    1e-7,
    123456789012,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_VALUE,
  ])('%s as the writer writes it reads back', (n) => {
    expect(read(`---\n${toYamlDocument({ a: n })}`)).toEqual([{ a: n }]);
  });

  it('a forged binding of the ServiceAccount 1e400 is an input error to every reader, never left out', async () => {
    const head = exampleWith(bindingOf('1e400'));
    const asked = [
      ['diff', '--base', join(ROOT, 'dist'), '--head', head],
      ['can-i', 'get', 'pods', '-n', 'data', '--as', 'system:serviceaccount:data:1e400', '--dir', head],
      ['who-can', 'get', 'pods', '-n', 'data', '--dir', head],
      ['prove', '--dir', head],
    ];
    for (const args of asked) {
      const r = await run(args);
      expect(r.stdout, args[0]).not.toContain('No change in access');
      expect(r.code, `${args[0]}: ${r.stdout}${r.stderr}`).toBe(2);
      expect(r.stderr).toContain('shard-05/resources.yaml:');
    }
  });

  it('manifests of any origin: a number Go reads as text is refused, never read as Infinity', async () => {
    const dir = tempDir('orgctl-r63-dump-');
    // Not orgctl's (no header): read with the full YAML parser, which reads 1e400 as Infinity too.
    for (const token of ['1e400', '.5e999', '-1e400']) {
      writeFileSync(join(dir, 'bindings.yaml'), bindingOf(token).replace(/^---\n/, ''));
      const r = await run([
        'can-i',
        'get',
        'pods',
        '-n',
        'data',
        '--as',
        `system:serviceaccount:data:${token}`,
        '--dir',
        dir,
      ]);
      expect(r.code, `${token}: ${r.stdout}${r.stderr}`).toBe(2);
      expect(r.stderr).toContain('bindings.yaml:17');
    }
  });
});

/**
 * R63-2 (low): the review's comment, cut, points to "the job summary of <run>" for its full report,
 * and the run's page shows first the summary of `head-engine`, the job that runs the pull request's
 * own code (docs/github.md: "that code's words, however they look"): it may write a full report of
 * its own, headed as the review heads its, listing no gain. Now the review job heads its summary
 * with a mark of its run, random, which head-engine (finished before the review job starts, on
 * another machine) cannot know, and every pointer to it, and the check run's summary (which no code
 * of the pull request writes), names the job and that mark.
 */
describe("R63-2: the full report is told from the pull request's own summary by a mark of the run", () => {
  it('the step summary is headed with a mark the check run names, another each run', async () => {
    const { distOf, erinGainsConfigMaps } = await import('./review/scenarios.ts');
    const { defaultState, fakeSha, pullRequestEvent, reviewOnStandin, startStandin, verdicts } = await import(
      './github/standin.ts'
    );
    const acme = readFileSync(join(ROOT, 'test/fixtures/specs/acme.yaml'), 'utf8');
    const sides = { base: await distOf(acme), head: await distOf(erinGainsConfigMaps(acme)) };
    const marks: string[] = [];
    for (let i = 0; i < 2; i++) {
      const standin = await startStandin(
        defaultState({
          pull: { ...defaultState().pull, author: 'alice' },
          commits: [{ sha: fakeSha('head'), authorLogin: 'alice', verified: true }],
        }),
      );
      const summary = join(tempDir('orgctl-r63-summary-'), 'summary.md');
      writeFileSync(summary, '');
      const env = {
        GITHUB_STEP_SUMMARY: summary,
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_RUN_ID: '7',
        GITHUB_RUN_ATTEMPT: '2',
      };
      const { code } = await reviewOnStandin(standin, sides, pullRequestEvent(), { env });
      expect(code).toBe(0);
      const mark = /^### .*`([0-9a-f]{8})`/.exec(readFileSync(summary, 'utf8'))?.[1];
      expect(mark, readFileSync(summary, 'utf8').slice(0, 200)).toBeDefined();
      const checkSummary = verdicts(standin.state)[0]!.summary;
      expect(checkSummary).toContain(`\`${mark}\``);
      expect(checkSummary).toContain('`review` job');
      expect(checkSummary).toContain('head-engine');
      // This attempt's page: a later attempt's head-engine may have read the mark in the comment.
      expect(checkSummary).toContain('https://github.com/acme/org/actions/runs/7/attempts/2');
      expect(standin.schemaErrors).toEqual([]);
      await standin.close();
      marks.push(mark!);
    }
    expect(marks[0]).not.toBe(marks[1]);
  });
});
