/** Rewrites schema/org.schema.validate.js from the schema (test/spec-validator.ts): run it after changing schema/org.schema.json. */
import { writeFileSync } from 'node:fs';
import { specValidatorCode, VALIDATOR_FILE } from './spec-validator.ts';

writeFileSync(VALIDATOR_FILE, specValidatorCode());
