// Runs a declaration's bundle (org/org.ts and what reads it as data, constructs/declared.ts) in the
// child process cli/isolated-declaration.ts starts under Node's permission model, and writes what it
// declares to file descriptor 3 as one JSON message (a DeclarationMessage): stdout and stderr stay
// the declaration's own (its console.log). Plain JavaScript: it runs before anything is compiled.
import dgram from 'node:dgram';
import dns from 'node:dns';
import { writeSync } from 'node:fs';
import inspector from 'node:inspector';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

const RESULT_FD = 3;

// Node 20's permission model leaves the network open, and signals: from the admin's machine a
// declaration would reach what it reaches (a `kubectl proxy` on loopback is the cluster; a cloud's
// metadata address hands out credentials). A declaration needs neither: Node's JavaScript ways
// there are closed before it loads (fetch, http, https, tls and http2 all connect through
// net.Socket). Code that reaches Node's internals gets past this, as past the permission model.
const refused = (what) =>
  function refused() {
    throw Object.assign(new Error(`${what}: a declaration may not`), {
      code: 'ERR_ACCESS_DENIED',
      permission: 'Network',
    });
  };
net.Socket.prototype.connect = refused('connects to the network');
net.Server.prototype.listen = refused('listens on the network');
for (const method of ['bind', 'connect', 'send']) dgram.Socket.prototype[method] = refused('uses the network');
for (const names of [dns, dns.promises, dns.Resolver.prototype, dns.promises.Resolver.prototype])
  for (const name of Object.getOwnPropertyNames(names))
    if (/^(lookup|resolve|reverse)/.test(name) && typeof names[name] === 'function')
      names[name] = refused('looks up a name');
inspector.open = refused('opens the inspector');
process.kill = refused('signals a process');
syncBuiltinESMExports();

/** An error as plain fields: orgctl's errors (kind, path, position, problems) and Node's (code, permission, resource). */
function thrownData(e) {
  if (!(e instanceof Error)) return { message: String(e) };
  // fetch's TypeError says only "fetch failed": the refusal is its cause.
  const data = { name: e.name, message: e.message, stack: e.stack, ...(e.cause ? { cause: thrownData(e.cause) } : {}) };
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
