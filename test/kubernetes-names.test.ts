/**
 * metadataRefused's annotations: the first entry refused in order, names and values before their
 * size, and only the entries judged here (not those `skip` leaves to another check) counted.
 */
import { describe, expect, it } from 'vitest';
import {
  metadataRefused,
  qualifiedNameProblem,
  WRITTEN_ANNOTATIONS_LIMIT_TEXT,
  WRITTEN_ANNOTATIONS_MAX_BYTES,
} from '../policies/org/kubernetes-names.ts';

const refused = (annotations: Record<string, unknown>, skip?: (k: string, v: unknown) => boolean) =>
  metadataRefused({ annotations }, ' of X', skip);
const big = 'a'.repeat(WRITTEN_ANNOTATIONS_MAX_BYTES);

describe('metadataRefused: annotations', () => {
  it('names the first refused entry in order, a name or a value before any size', () => {
    const badKey = 'no spaces/in keys';
    expect(refused({ 'orgctl.io/a': big, [badKey]: 'x', 'orgctl.io/c': 5 })).toBe(
      `annotation ${badKey} ${qualifiedNameProblem(badKey)} of X: the API server refuses it`,
    );
    expect(refused({ 'orgctl.io/a': big, 'orgctl.io/c': 5, [badKey]: 'x' })).toBe(
      'annotation orgctl.io/c is not a string of X: the API server refuses it',
    );
  });

  it('counts keys and values as UTF-8 bytes, over the limit by one refused', () => {
    const at = { 'k/a': `é${'a'.repeat(WRITTEN_ANNOTATIONS_MAX_BYTES - 5)}` };
    expect(refused(at)).toBeUndefined();
    expect(refused({ ...at, x: '' })).toBe(
      `its annotations of X are ${WRITTEN_ANNOTATIONS_MAX_BYTES + 1} bytes, over the ${WRITTEN_ANNOTATIONS_LIMIT_TEXT}`,
    );
  });

  it('neither judges nor counts an entry skip leaves to another check', () => {
    const skip = (k: string) => k.startsWith('skipped');
    expect(refused({ 'skipped/a': big, 'skipped b!': 5, 'orgctl.io/c': 'x' }, skip)).toBeUndefined();
    expect(refused({ 'skipped/a': 'x', 'orgctl.io/c': `${big}x` }, skip)).toBe(
      `its annotations of X are ${WRITTEN_ANNOTATIONS_MAX_BYTES + 12} bytes, over the ${WRITTEN_ANNOTATIONS_LIMIT_TEXT}`,
    );
  });
});
