/**
 * Red team R57 (base de0602a): what Argo CD applies against what the review judged, at the bytes
 * synthesis writes.
 *
 * R57-1 (low): synthesis wrote raw what Go's YAML refuses. A text orgctl writes as a `|` block
 * scalar (a multi-line annotation value of a namespace, and every membership list, whose JSON lines
 * carry declared texts as they are: the namespaces' guard rails hold their annotations) was checked against a list of characters of
 * its own (BLOCK_SAFE), not against what the reader refuses (NOT_WRITTEN_RAW): U+FFFE and U+FFFF,
 * which the declaration's text checks allow (they are neither controls nor format characters),
 * were written raw. go-yaml's reader refuses them ("control characters are not allowed"), so
 * Argo CD's repo-server renders nothing of the cluster shard and of the namespace's shard, and
 * orgctl's own strict reader refuses the files too: `check` and `synth` passed with no finding
 * (0 errors), `synth --check` said up to date, and `prove` and the review failed with "not YAML
 * orgctl writes", blaming dist/ for what the declaration held. No such dist/ passes the review,
 * so nothing reached a cluster; what failed is the promise that what synth writes is what Go reads.
 *     Safe: a text holding any character orgctl never writes raw is written JSON-quoted, escaped.
 *
 * R57-2 (low): `synth --check` decoded dist/ leniently (readFileSync 'utf8'), so bytes that are not
 * UTF-8 read as U+FFFD and matched a rendering holding U+FFFD (a declared annotation may): it said
 * "up to date" for a dist/ Go refuses ("invalid leading UTF-8 octet"), Argo CD would render nothing
 * of those files, and `prove` refuses. The unprivileged check is not trusted (the review and
 * `prove` read strictly), but an author's CI said the output was what synth writes when it was not.
 *     Safe: `synth --check` compares bytes.
 *
 * R57-3 (low-medium): the shard limit (4 MB, what one Argo CD Application takes) measured a file's
 * characters (UTF-16 units), not its bytes: synthesis (shard-limit, and the packing that moves the
 * membership ConfigMaps to members-NN) and the proof against base. A character of a declared text
 * beyond ASCII is 2 or 3 bytes, so a shard file reached three times the limit: 45 namespaces placed
 * in one shard, each with 86,000 CJK characters of annotations (258 KB, under the API server's
 * 256 KiB), wrote the namespaces' shard and the cluster shard (the membership lists hold the
 * annotations) at 11.6 MB each, 3.9 million characters, and check, synth, prove and the review's
 * full proof passed with no finding. Argo CD's repo-server refuses a directory source whose
 * manifests pass 10 MB (`reposerver.max.combined.directory.manifests.size`), so both Applications
 * would render nothing, sync nothing and prune nothing: every revocation in the cluster shard (the
 * admins' bindings, the ClusterRoles, membership) and in that shard held. A change of annotations
 * needs an admin's approval (guard-rails), who sees long text, not a size.
 *     Safe: every shard-limit measure counts UTF-8 bytes.
 *
 * What held (no test): the strict reader against Go (kubectl `label --local`, the decoder Argo CD's
 * splitYAMLOrJSON uses) on 636 texts it accepted out of 4,000 random line mutations of the example's
 * shard and cluster files (a line duplicated, indented, unindented, cut, deleted, or given one of
 * `"`, `'`, `#`, `: `, `|`, `>`, `---`, `...`, anchors, aliases, tags, `<<`, `?`, flow brackets,
 * YAML 1.1 words and numbers, NBSP, U+3000): every one read to the same objects, or refused by Go
 * for a missing `kind` only. The writer against Go on 1,500 random ConfigMaps of keys and values
 * drawn from YAML indicators, document markers, line breaks, quotes, NBSP, U+3000, emoji, NEL,
 * U+2028 and a BOM: the same objects, but for the NEL and C1 controls a block scalar wrote raw as
 * its first character, which the declaration's text checks refuse (R57-1's fix covers them too).
 * Argo CD's repo-server (reposerver/repository.go at argo-cd 3): an explicit `directory` source
 * is never Kustomize, Helm or a plugin; `.argocd-source.yaml` and `.argocd-source-<app>.yaml` are
 * read from the Application's path (`dist/<cluster>`), which the review refuses any file of but
 * `<shard>/resources.yaml`; the include glob names one file. The partial read trusts the layout of
 * the files it does not read (documented): a RoleBinding of web's written in another shard, or
 * before the first `---` of a file searched for the subject and holding no document wanted, is
 * unseen by can-i and applied by Argo CD; `orgctl prove` and the review refuse such a dist/.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFiles } from '../cli/output.ts';
import { readCanonicalYaml } from '../synth/yaml.ts';
import { SHARD_LIMITS } from '../model/rules.ts';
import { shardOf } from '../synth/render.ts';
import { acmeSpecWith, files, run, smallOrg, synth, tempDir } from './helpers.ts';

const KUBECTL = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

/** The Unicode noncharacters Go's YAML reader refuses raw, which a declared text may hold. */
const REFUSED_BY_GO = ['\ufffe', '\uffff'];

/**
 * An organization whose namespaces' annotation values (free text, one of them multi-line) hold `c`:
 * the Namespace writes one, and the guard rails' membership list (a line of JSON per namespace) both.
 */
function orgHolding(c: string) {
  const { org } = smallOrg({ clusters: ['lga1'] });
  org.namespace('data', { annotations: { 'example.com/about': `first line\nsecond ${c} line` } });
  org.namespace('ml', { annotations: { 'example.com/about': `one line ${c}` } });
  return org;
}

/**
 * Whether kubectl (Go's YAML, apimachinery's decoder) reads every one of `texts` (each written under
 * its path, in a folder of its own), in one run: "read", or its refusal, which names the file.
 */
function readByGo(texts: readonly (readonly [string, string])[]): string {
  const root = tempDir('orgctl-r57-');
  const written = texts.map(([path, text], i) => {
    const file = join(root, String(i), path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    return file;
  });
  const r = spawnSync(
    'kubectl',
    ['label', '--local', ...written.flatMap((f) => ['-f', f]), 'zz.example.com/go=x', '-o', 'json'],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  return r.status === 0 ? 'read' : r.stderr.trim();
}

/** A spec of acme whose namespace web is annotated with `value`, synthesized by the CLI into a folder of its own. */
async function synthesizedWithAnnotation(value: string): Promise<{ spec: string; out: string }> {
  const dir = tempDir('orgctl-r57-spec-');
  const spec = join(dir, 'org.json');
  writeFileSync(
    spec,
    JSON.stringify(acmeSpecWith({ namespaces: [{ name: 'web', annotations: { 'acme.io/x': value } }] })),
  );
  const out = join(dir, 'dist');
  expect((await run(['synth', '--spec', spec, '--out', out])).code).toBe(0);
  return { spec, out };
}

describe('R57-1: what synthesis writes holds no character Go refuses raw', () => {
  it.each(
    REFUSED_BY_GO.map((c) => [c.codePointAt(0)!.toString(16)]),
  )('U+%s in multi-line declared texts: every file reads back, its texts as declared', (hex) => {
    const c = String.fromCodePoint(Number.parseInt(hex, 16));
    const out = files(orgHolding(c));
    for (const [path, text] of out) {
      if (!path.endsWith('.yaml')) continue;
      const read = readCanonicalYaml(text);
      expect('documents' in read ? 'read' : read.error, path).toBe('read');
      expect(text.includes(c), `${path} holds U+${hex} raw`).toBe(false);
    }
    const data = [...out.values()].flatMap((t) => {
      const read = readCanonicalYaml(t);
      return 'documents' in read ? read.documents : [];
    });
    const namespace = data.find((d: any) => d.kind === 'Namespace' && d.metadata.name === 'data') as any;
    expect(namespace.metadata.annotations['example.com/about']).toBe(`first line\nsecond ${c} line`);
  });

  it.skipIf(!KUBECTL)('Go (kubectl) reads every file synthesis writes for them', () => {
    // One kubectl for them all: it refuses the run if it refuses any file, and names that file.
    const texts = REFUSED_BY_GO.flatMap((c) =>
      [...files(orgHolding(c))].filter(([path]) => path.endsWith('.yaml') && !path.startsWith('argocd/')),
    );
    expect(texts.length).toBeGreaterThanOrEqual(2 * 3);
    expect(readByGo(texts)).toBe('read');
  });

  it('synth writes what prove reads (the CLI, from a spec)', async () => {
    const { out } = await synthesizedWithAnnotation('line1\nline2 \uffff end');
    const proved = await run(['prove', '--dir', out]);
    expect(proved.stderr).toBe('');
    expect(proved.code).toBe(0);
  });
});

describe('R57-2: synth --check compares what synth writes, byte for byte', () => {
  it('bytes that are not UTF-8 where synth writes U+FFFD are not up to date', async () => {
    const { spec, out } = await synthesizedWithAnnotation('replacement \ufffd here');
    expect((await run(['synth', '--spec', spec, '--out', out, '--check'])).code).toBe(0);
    const forged: string[] = [];
    for (const path of listFiles(out)) {
      const bytes = readFileSync(join(out, path));
      const at = bytes.indexOf(Buffer.from('\ufffd'));
      if (at < 0) continue;
      // One byte Go and orgctl's strict reader refuse, which a lenient decoder reads as U+FFFD.
      writeFileSync(
        join(out, path),
        Buffer.concat([bytes.subarray(0, at), Buffer.from([0xff]), bytes.subarray(at + 3)]),
      );
      forged.push(path);
    }
    expect(forged.length).toBeGreaterThan(0);
    const check = await run(['synth', '--spec', spec, '--out', out, '--check']);
    expect(check.code, check.stdout).toBe(1);
    for (const path of forged) expect(check.stdout + check.stderr).toContain(path);
  });
});

describe('R57-3: the shard limit counts the bytes Argo CD reads, not characters', () => {
  /**
   * 20 namespaces, each annotated with 86,000 characters of 3 UTF-8 bytes (258 KB, within the API
   * server's 256 KiB): 5.2 MB, 1.7 million characters, in the membership lists of the cluster shard,
   * and in one namespaces' shard when `oneShard` (else wherever shardOf places them).
   */
  function orgOfWideAnnotations(oneShard: boolean) {
    const { org } = smallOrg();
    const value = '\u4e2d'.repeat(86_000);
    for (let i = 0, made = 0; made < 20; i++)
      if (!oneShard || shardOf(`team-${i}`, 32) === 'shard-00') {
        org.namespace(`team-${i}`, { annotations: { 'acme.io/about': value } });
        made++;
      }
    return org;
  }

  it('a shard of 4 MB in characters and more in bytes fails synthesis (shard-limit)', () => {
    const r = synth(orgOfWideAnnotations(true));
    const over = r.findings.filter((f) => f.rule === 'shard-limit').map((f) => f.subject);
    expect(over).toContain('dist/in-cluster/shard-00/resources.yaml');
  });

  it('membership moves to shards of its own by bytes: the cluster shard stays within the limit', () => {
    const r = synth(orgOfWideAnnotations(false));
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const cluster = r.files.find((f) => f.path === 'in-cluster/cluster/resources.yaml');
    expect(cluster).toBeDefined();
    expect(Buffer.byteLength(cluster!.content)).toBeLessThanOrEqual(SHARD_LIMITS.bytes);
  });
});
