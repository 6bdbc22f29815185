/**
 * Red team V: text Argo CD acts on. Argo CD's repo-server skips a whole manifest file whose bytes
 * contain `+argocd:skip-file-rendering` (reposerver/repository/repository.go,
 * getPotentiallyValidManifestFile: `bytes.Contains(out, []byte(skipFileRenderingMarker))`), and
 * each of orgctl's Applications reads one file: a declared value holding the marker (a namespace
 * annotation) emptied the shard's Application, which, syncing to empty (`allowEmpty`), would prune
 * every binding, ClusterRole and token of it; a head whose headers name a declaration holding the
 * marker passed the proof (headers may name another declaration). The review showed an annotation
 * change, or nothing.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, docs, files, ROOT, smallOrg, tempDir } from './helpers.ts';

const MARKER = '+argocd:skip-file-rendering';
const ARGOCD = { repoURL: 'https://github.com/acme/org.git' };

/** Every file under `dir`, relative paths. */
function allFiles(dir: string, at = ''): string[] {
  return readdirSync(join(dir, at), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? allFiles(dir, join(at, e.name)) : [join(at, e.name)],
  );
}

/** The organization with `note` as a namespace annotation, synthesized (path → content). */
function withNote(note: string): Map<string, string> {
  const { org } = smallOrg({ argocd: ARGOCD, clusters: ['lga1'] });
  const bob = org.user('bob@acme.io', { github: 'bob' });
  org.namespace('data', { annotations: { 'example.com/note': note } }).grant(bob, 'r:pods');
  return files(org);
}

describe('red team V: no file orgctl writes holds the marker that makes Argo CD skip it', () => {
  for (const [what, note] of [
    ['one line', `see ${MARKER}`],
    ['several lines (a block scalar)', `first line\nsee ${MARKER}\n`],
  ] as const)
    it(`a namespace annotation of ${what} holding it: written escaped, read back as declared`, () => {
      const out = withNote(note);
      const holding = [...out].filter(([, text]) => text.includes(MARKER)).map(([path]) => path);
      expect(holding.filter((p) => p.endsWith('.yaml'))).toEqual([]);
      const namespaces = [...out.values()].flatMap((t) => docs(t)).filter((o) => o?.kind === 'Namespace');
      expect(namespaces.find((o) => o.metadata.name === 'data')?.metadata.annotations['example.com/note']).toBe(note);
    });

  it('the written output proves, and a copy holding the marker raw does not', () => {
    const dir = tempDir('orgctl-redteam-v-');
    for (const [path, text] of withNote(`see ${MARKER}`)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    expect(cli(['prove', '--dir', dir]).code).toBe(0);
    const forged = allFiles(dir).filter(
      (p) => p.endsWith('.yaml') && readFileSync(join(dir, p), 'utf8').includes('argocd:skip'),
    );
    expect(forged.length).toBeGreaterThan(0);
    for (const p of forged)
      writeFileSync(join(dir, p), readFileSync(join(dir, p), 'utf8').replace(/\\u002bargocd:skip/gi, '+argocd:skip'));
    expect(cli(['prove', '--dir', dir]).code).toBe(1);
  });

  it('a head whose headers name a declaration holding the marker does not prove (every file would be skipped)', () => {
    const dir = tempDir('orgctl-redteam-v-');
    cpSync(join(ROOT, 'dist'), dir, { recursive: true });
    const yamls = allFiles(dir).filter((p) => p.endsWith('.yaml'));
    for (const p of yamls) {
      const text = readFileSync(join(dir, p), 'utf8');
      writeFileSync(join(dir, p), text.replace('from org/org.ts.', `from org/org.ts ${MARKER}.`));
    }
    expect(readFileSync(join(dir, yamls[0]!), 'utf8')).toContain(MARKER);
    expect(cli(['prove', '--dir', dir]).code).toBe(1);
  });
});
