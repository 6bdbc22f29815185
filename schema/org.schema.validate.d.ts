/** The spec's JSON Schema validator, generated as code (test/spec-validator.ts): ajv's standalone output. */
import type { ValidateFunction } from 'ajv';

export declare const validate: ValidateFunction;
export default validate;
