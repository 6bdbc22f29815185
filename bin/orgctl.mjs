#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx: no build step, and org/org.ts loads the same way.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
const { processIo } = await import('../cli/io.ts');
process.exitCode = await main(process.argv.slice(2), processIo);
