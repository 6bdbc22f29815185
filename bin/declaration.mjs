// Runs a declaration's bundle (org/org.ts and what reads it as data, constructs/declared.ts) in the
// child process cli/isolated-declaration.ts starts under Node's permission model, and writes what it
// declares to file descriptor 3 as one JSON message (a DeclarationMessage): stdout and stderr stay
// the declaration's own (its console.log). Plain JavaScript: it runs before anything is compiled.
import { writeSync } from 'node:fs';

const RESULT_FD = 3;

/** An error as plain fields: orgctl's errors (kind, path, position, problems) and Node's (code, permission, resource). */
function thrownData(e) {
  if (!(e instanceof Error)) return { message: String(e) };
  const data = { name: e.name, message: e.message, stack: e.stack };
  for (const [field, value] of Object.entries(e))
    if (typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string')))
      data[field] = value;
  return data;
}

// The declaration's own errors point into its TypeScript lines (the bundle's inline source map).
process.setSourceMapsEnabled(true);
let message;
try {
  const bundle = await import(process.argv[2]);
  message = bundle.declaredMessage(bundle.declaration);
} catch (e) {
  message = JSON.stringify({ error: thrownData(e) });
}
const bytes = Buffer.from(message);
for (let at = 0; at < bytes.length; ) at += writeSync(RESULT_FD, bytes, at);
// Done: a timer or socket the declaration left open does not hold orgctl up.
process.exit(0);
