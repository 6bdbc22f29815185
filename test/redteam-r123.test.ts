/**
 * Red team R123: what orgctl writes against what the applying side reads, after the speed shortcuts
 * on the path from the model to dist/'s bytes and on the readers that judge them.
 *
 * R123-1: the strict reader judged an object's labels and its annotations against one cache of
 * verdicts by object (kubernetes-names' METADATA_JUDGED), and the YAML reader reads the same small
 * mapping's text as one frozen object wherever it is written. Annotations `acme.io/x: "not a label
 * value"` (accepted: an annotation's value is any text) made the same text under another object's
 * `labels` accepted unjudged, a label value the API server refuses: Argo CD applies nothing of that
 * file's Application, and every answer read from dist/ (revocations included) is not the cluster's.
 * The other way round, labels refused first refused the same annotations with the label's words.
 */
import { describe, expect, it } from 'vitest';
import { parseOutput, type OutputText } from '../cli/output-read.ts';
import { baseSpec, outputOf } from './review/scenarios.ts';

/** A ConfigMap in namespace web whose metadata holds `meta` (its lines, two spaces in). */
const configMap = (name: string, meta: string): string =>
  `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n${meta}  name: ${name}\n  namespace: web\ndata:\n  a: b\n`;

/** baseSpec's output with `documents` after the documents of the file holding namespace web's objects. */
function forged(documents: string): OutputText[] {
  const files = outputOf(baseSpec());
  const web = files.find((f) => f.path.endsWith('resources.yaml') && f.content.includes('\n  namespace: web\n'))!;
  return files.map((f) => (f === web ? { ...f, content: f.content + documents } : f));
}

/** Why parseOutput refuses `files`, or undefined when it reads them. */
function refusedBy(files: readonly OutputText[]): string | undefined {
  try {
    parseOutput(files);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

describe('R123-1: labels and annotations of the same text are judged each by its own rules', () => {
  it('attack: annotations read first do not make a label value the API server refuses accepted', () => {
    // A value of its own: the reader's caches live as long as the process.
    const entry = '    acme.io/r123-1: "not a label value"\n';
    const refused = refusedBy(
      forged(configMap('noted', `  annotations:\n${entry}`) + configMap('labelled', `  labels:\n${entry}`)),
    );
    expect(refused).toContain(
      'ConfigMap web/labelled: label acme.io/r123-1 "not a label value" must be empty or letters, digits',
    );
  });

  it("attack: labels refused first do not refuse the same text as annotations, with a label's words", () => {
    const entry = '    acme.io/r123-1b: "not a label value"\n';
    const refused = refusedBy(
      forged(configMap('labelled', `  labels:\n${entry}`) + configMap('noted', `  annotations:\n${entry}`)),
    );
    expect(refused).toContain('ConfigMap web/labelled: label acme.io/r123-1b');
    expect(refused).not.toContain('ConfigMap web/noted');
  });

  it('held: the text alone, as labels refused, as annotations accepted', () => {
    const entry = (n: string) => `    acme.io/r123-1${n}: "not a label value"\n`;
    expect(refusedBy(forged(configMap('labelled', `  labels:\n${entry('c')}`)))).toContain(
      'ConfigMap web/labelled: label acme.io/r123-1c "not a label value" must be empty',
    );
    expect(refusedBy(forged(configMap('noted', `  annotations:\n${entry('d')}`)))).toBeUndefined();
  });
});
