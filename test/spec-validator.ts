/**
 * The spec's JSON Schema validator as code (ajv's standalone output), so that no command compiles
 * the schema when it runs (66 ms of every spec-file command). `npx tsx test/write-spec-validator.ts`
 * rewrites schema/org.schema.validate.js from schema/org.schema.json; test/spec.test.ts keeps the
 * two equal. ajv's one runtime helper it needs (ucs2length, for string lengths) is written into
 * the file, so that it has no import at all.
 *
 * Each length check asks the string's length in UTF-16 units first: a string has at most as many
 * code points as units and at least half as many, so most strings are decided without counting
 * (ucs2length walks every character: twice per string, 600,000 strings at size L).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';
import ucs2length from 'ajv/dist/runtime/ucs2length.js';
import { SPEC_AJV_OPTIONS } from '../constructs/spec.ts';

const ROOT = join(import.meta.dirname, '..');
export const VALIDATOR_FILE = join(ROOT, 'schema/org.schema.validate.js');
const RUNTIME = 'require("ajv/dist/runtime/ucs2length").default';

/**
 * `count(s) > N` as `s.length > N && count(s) > N` and `count(s) < N` as `s.length < 2 * N &&
 * count(s) < N`: the same answers (N code points take N to 2N units). Throws when a call to the
 * helper is left in another form.
 */
function withLengthsBounded(code: string): string {
  const helper = /const (func\d+) = ucs2length;/.exec(code)?.[1];
  if (!helper) return code;
  const calls = code.split(`${helper}(`).length - 1;
  let bounded = 0;
  const out = code.replace(new RegExp(`${helper}\\((data\\d+)\\) ([<>]) (\\d+)`, 'g'), (_, data, op, n) => {
    bounded++;
    const units = op === '>' ? `${data}.length > ${n}` : `${data}.length < ${2 * Number(n)}`;
    return `(${units} && ${helper}(${data}) ${op} ${n})`;
  });
  if (bounded !== calls) throw new Error(`${calls - bounded} string length check(s) not in a form bounded by units`);
  return out;
}

/** The file's text, generated from the schema. */
export function specValidatorCode(): string {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schema/org.schema.json'), 'utf8'));
  const ajv = new Ajv({ ...SPEC_AJV_OPTIONS, validateSchema: false, code: { source: true, esm: true } });
  const code = (standalone as unknown as { default: typeof standalone }).default ?? standalone;
  const body = (code as unknown as (a: Ajv, v: unknown) => string)(ajv, ajv.compile(schema));
  const helper = (ucs2length as unknown as { default: (s: string) => number }).default ?? ucs2length;
  if (body.includes('require(') && !body.includes(RUNTIME))
    throw new Error('the standalone validator needs another ajv runtime helper');
  return [
    '// Generated from schema/org.schema.json by `npx tsx test/write-spec-validator.ts` (ajv standalone): do not edit.',
    withLengthsBounded(body.replaceAll(RUNTIME, 'ucs2length')),
    helper.toString(),
    '',
  ].join('\n');
}
