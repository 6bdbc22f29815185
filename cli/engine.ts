/** The running orgctl: its package name and version, inlined by the bundle (no file is read). */
import packageJson from '../package.json' with { type: 'json' };
import type { Engine } from '../review/head-proof.ts';

export const RUNNING_ENGINE: Engine = { name: packageJson.name, version: packageJson.version };
