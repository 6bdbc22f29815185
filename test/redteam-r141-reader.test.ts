/**
 * Red team R141, the strict reader's fixed tokens (synth/yaml.ts, r187b): `Namespace`, `ConfigMap`,
 * `Secret`, `v1` and a Secret's `type` key are read by heart (knownToken), as the RBAC kinds were.
 * A forged dist/ text around them (the value or key quoted, commented, padded with spaces or a tab,
 * cased otherwise, lengthened, shortened, tagged, a block scalar, a number) is either refused or read
 * as the `yaml` package reads it: never a kind, version or key that another reader reads otherwise.
 * No hole found: a guard (R141_RUNS cases, 300 by default), on every file of the example's lga1.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { readCanonicalYaml } from '../synth/yaml.ts';
import { ROOT } from './helpers.ts';

const RUNS = Number(process.env.R141_RUNS ?? 300);
const SEED = Number(process.env.ORGCTL_PROPERTY_SEED ?? Date.now() % 2 ** 31);

const FILES = readdirSync(join(ROOT, 'dist/lga1')).map((s) =>
  readFileSync(join(ROOT, 'dist/lga1', s, 'resources.yaml'), 'utf8'),
);
/** A line holding a token read by heart: its indentation, key and value. */
const FIXED_LINE =
  /^( *)(kind|apiVersion|type): (Namespace|ConfigMap|Secret|v1|kubernetes\.io\/service-account-token)$/gm;

/** Edits of a fixed line, from its indentation, key and value. */
const EDITS: readonly ((indent: string, key: string, value: string) => string)[] = [
  (i, k, v) => `${i}${k}: "${v}"`,
  (i, k, v) => `${i}${k}: '${v}'`,
  (i, k, v) => `${i}"${k}": ${v}`,
  (i, k, v) => `${i}${k}: ${v} # ${v}x`,
  (i, k, v) => `${i}${k}: ${v}  `,
  (i, k, v) => `${i}${k}: ${v}\t`,
  (i, k, v) => `${i}${k}:  ${v}`,
  (i, k, v) => `${i}${k} : ${v}`,
  (i, k, v) => `${i}${k}: ${v.toLowerCase()}`,
  (i, k, v) => `${i}${k}: ${v.toUpperCase()}`,
  (i, k, v) => `${i}${k[0]!.toUpperCase()}${k.slice(1)}: ${v}`,
  (i, k, v) => `${i}${k}: ${v}x`,
  (i, k, v) => `${i}${k}: x${v}`,
  (i, k, v) => `${i}${k}: ${v.slice(0, -1)}`,
  (i, k, v) => `${i}${k}: ${v}.0`,
  (i, k, v) => `${i}${k}: !!str ${v}`,
  (i, k, v) => `${i}${k}: |-\n${i}  ${v}`,
  (i, k, v) => `${i}${k}: >-\n${i}  ${v}`,
  (i, k, v) => `${i}${k}: "${v.replace(/./, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`,
  (i, k, v) => `${i}${k}: ${v}\u200b`,
  (i, k) => `${i}${k}: 1`,
  (i, k) => `${i}${k}: ~`,
  (i, k) => `${i}${k}:`,
  (i, k, v) => `${i}${k}: ${v}\n${i}${k}: ${v}`,
];

describe('R141 guards: the tokens the strict reader knows by heart', () => {
  it('a forged text around them is refused, or read as the yaml package reads it', () => {
    fc.assert(
      fc.property(
        fc.nat(FILES.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.nat(EDITS.length - 1)), { minLength: 1, maxLength: 3 }),
        (file, edits) => {
          let text = FILES[file]!;
          for (const [at, edit] of edits) {
            const lines = [...text.matchAll(FIXED_LINE)];
            if (!lines.length) break;
            const m = lines[at % lines.length]!;
            text = text.slice(0, m.index) + EDITS[edit]!(m[1]!, m[2]!, m[3]!) + text.slice(m.index + m[0].length);
          }
          const read = readCanonicalYaml(text);
          if ('error' in read) return;
          expect(read.documents).toEqual(parseAllDocuments(text).map((d) => d.toJS()));
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('each file as written, and with its first such value double-quoted (Go reads it alike), is read as the yaml package reads it', () => {
    for (const file of FILES)
      for (const edit of [undefined, EDITS[0]!]) {
        const m = [...file.matchAll(FIXED_LINE)][0]!;
        const text = edit
          ? file.slice(0, m.index) + edit(m[1]!, m[2]!, m[3]!) + file.slice(m.index + m[0].length)
          : file;
        const read = readCanonicalYaml(text);
        expect('error' in read ? read.error : read.documents).toEqual(parseAllDocuments(text).map((d) => d.toJS()));
      }
  });
});
