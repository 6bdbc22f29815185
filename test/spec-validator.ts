/**
 * The spec's JSON Schema validator as code (ajv's standalone output), so that no command compiles
 * the schema when it runs (66 ms of every spec-file command). `npx tsx test/write-spec-validator.ts`
 * rewrites schema/org.schema.validate.js from schema/org.schema.json; test/spec.test.ts keeps the
 * two equal. ajv's one runtime helper it needs (ucs2length, for string lengths) is written into
 * the file, so that it has no import at all.
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
    body.replaceAll(RUNTIME, 'ucs2length'),
    helper.toString(),
    '',
  ].join('\n');
}
