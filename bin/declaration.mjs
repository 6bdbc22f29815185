// Runs a declaration's bundle (org/org.ts and what reads it as data, constructs/declared.ts) in the
// child process cli/isolated-declaration.ts starts under Node's permission model, and writes what it
// declares to file descriptor 3 as one JSON message (a DeclarationMessage): stdout and stderr stay
// the declaration's own (its console.log). Plain JavaScript: it runs before anything is compiled.
import dgram from 'node:dgram';
import dns from 'node:dns';
import fs, { writeSync } from 'node:fs';
import inspector from 'node:inspector';
import Module, { isBuiltin, syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import { isAbsolute, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import traceEvents from 'node:trace_events';
import v8 from 'node:v8';

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

// The handle classes under net.Socket, dgram and dns.Resolver connect, bind, listen, send and
// query themselves, and any of their instances reaches them (process.stdout's Pipe, the TCP one
// net.Server's _listen2 makes, R80-2): their methods are replaced, on the prototype every
// instance shares. Each class is taken from an instance made here, before the original connect is
// replaced: a socket's handle is made by connect, which is stopped before it reaches out (an IP
// address connects on the next tick; a path at once, here one in no folder). Node 25 and later
// refuse the connect itself without --allow-net: no handle is made, and none is needed.
function handleClassOf(options) {
  const socket = new net.Socket();
  socket.on('error', () => {});
  socket.connect(options);
  const Handle = socket._handle?.constructor;
  socket.destroy();
  return Handle;
}
const Tcp = handleClassOf({ host: '127.0.0.1', port: 9 });
const Pipe = handleClassOf({ path: '/orgctl-no-such-folder/socket' });
const udp = dgram.createSocket('udp4');
const Udp = Object.getOwnPropertySymbols(udp)
  .map((s) => udp[s]?.handle?.constructor)
  .find((c) => typeof c === 'function');
udp.close();
const Channel = new dns.Resolver()._handle.constructor;
const replace = (target, pattern, what) => {
  for (const name of Object.getOwnPropertyNames(target))
    if (pattern.test(name) && typeof Object.getOwnPropertyDescriptor(target, name).value === 'function')
      target[name] = refused(what);
};
replace(net.Socket.prototype, /^connect$/, 'connects to the network');
replace(net.Server.prototype, /^(listen|_listen2)$/, 'listens on the network');
replace(dgram.Socket.prototype, /^(bind|connect|send|sendto)$/, 'uses the network');
for (const Handle of [Tcp, Pipe, Udp].filter(Boolean))
  replace(Handle.prototype, /^(connect|bind|listen|send)/, 'uses the network');
replace(Channel.prototype, /^(query|getHostByAddr)/, 'looks up a name');
for (const names of [dns, dns.promises, dns.Resolver.prototype, dns.promises.Resolver.prototype])
  replace(names, /^(lookup|resolve|reverse)/, 'looks up a name');
inspector.open = refused('opens the inspector');
// process.kill's own: what it calls, and SIGUSR1 (which ends a process that does not catch it).
replace(process, /^(kill|_kill|_debugProcess)$/, 'signals a process');
// Another process's priority (as root, any process's, either way): R80-6.
os.setPriority = refused("changes a process's priority");
// Files the permission model does not see written, from C++: V8 writes what its flags ask for
// (--trace-turbo-path names any folder) and Node's trace file goes into the working directory, the
// project (R81-1); a heap snapshot near the heap limit goes there too.
v8.setFlagsFromString = refused("sets V8's flags");
v8.setHeapSnapshotNearHeapLimit = refused('writes a heap snapshot');
traceEvents.createTracing = refused('traces to a file');
// The machine, its addresses and the admin's account, which a declaration could write into the
// output the admin pushes (R81-5). Its own path (import.meta.url) names the folder it is in.
os.hostname = refused("reads the machine's name");
os.networkInterfaces = refused("reads the machine's network addresses");
os.userInfo = refused("reads the user's account");
// And the folders of the admin's machine (R88-2): their home (its name is their account's), where
// Node and orgctl are installed and every folder granted (execPath, argv, execArgv). It runs in
// its project's root (cli/isolated-declaration.ts), which its own path names anyway.
os.homedir = refused("reads the user's home folder");
const [, , bundleURL, admitted] = process.argv;
process.execPath = 'node';
process.argv = ['node'];
process.execArgv = [];
process.report.getReport = refused('reads a report on the machine');

// Answers about files the permission model does not check (R81-5): fs.realpathSync is JavaScript
// over calls it does not see, and require's resolution stats files by its own: each said whether a
// file outside the reach is there, and realpathSync where a link leads. Refused as a read is.
const mayRead = (path) => process.permission.has('fs.read', path);
const readRefused = (path) =>
  Object.assign(new Error(`Access to ${path} has been restricted`), {
    code: 'ERR_ACCESS_DENIED',
    permission: 'FileSystemRead',
    resource: path,
  });
const realpathSync = fs.realpathSync;
fs.realpathSync = Object.assign(
  function realpathSyncInReach(path, options) {
    const absolute = resolve(path instanceof URL ? fileURLToPath(path) : String(path));
    if (!mayRead(absolute)) throw readRefused(absolute);
    return realpathSync(path, options);
  },
  { native: realpathSync.native }, // checked by the permission model
);
const findPath = Module._findPath;
Module._findPath = function findPathInReach(request, paths, isMain) {
  // A path is looked for only where it may be read; a package only in node_modules folders where
  // it may be (Node 20 answers no for a granted folder itself when a file under it is granted too).
  const named = isAbsolute(request) || /^\.\.?($|\/)/.test(request);
  const readable = (paths ?? []).filter((folder) => mayRead(resolve(folder, request)));
  if (named && !readable.length) throw readRefused(resolve(paths?.[0] ?? '', request));
  return findPath.call(this, request, isAbsolute(request) ? paths : readable, isMain);
};

// Node's modules it may load (R88-4): DECLARATION_BUILTINS, named by orgctl. Its own imports were
// judged as it was bundled; require (a package's too) and process.getBuiltinModule are here.
const builtins = new Set(admitted.split(','));
/** Refuses a module of Node's that is not admitted, by the name it was asked for; anything else passes. */
function refuseUnadmitted(name) {
  if (!isBuiltin(name)) return;
  const bare = name.replace(/^node:/, '');
  if (!builtins.has(bare.split('/')[0]))
    throw Object.assign(new Error(`loads node:${bare}: a declaration may not`), {
      code: 'ERR_ACCESS_DENIED',
      permission: 'Builtin',
      resource: bare,
    });
}
const load = Module._load;
Module._load = function loadAdmitted(request, ...rest) {
  refuseUnadmitted(request);
  return load.call(this, request, ...rest);
};
const getBuiltinModule = process.getBuiltinModule;
if (getBuiltinModule)
  process.getBuiltinModule = function getBuiltinModuleAdmitted(name) {
    refuseUnadmitted(String(name));
    return getBuiltinModule.call(this, name);
  };

// Node's ES module resolver stats a file before the permission model is asked: for a path outside
// the reach it said whether it is there, a folder, or neither (R88-1). Node 22.15 and later run a
// resolve hook first, in this thread: a path outside is refused there, as a read, whatever is
// there. Node 20 has none (module.register's run on a worker thread, which a declaration may not
// start): there the bundle holds no import() of a value and no URL (cli/declaration.ts), code
// from strings is not compiled (--disallow-code-generation-from-strings), vm is not loaded, and
// CommonJS code runs only from a package (below); an installed package's own import() of a path
// it is handed still answers.
/** The file an import names by path or file: URL (a relative one from a file), if it names one. */
function fileNamed(specifier, parentURL) {
  const base = /^(\/|file:)/.test(specifier) ? 'file:///' : /^\.\.?($|\/)/.test(specifier) ? parentURL : undefined;
  try {
    return base?.startsWith('file:') ? fileURLToPath(new URL(specifier, base)) : undefined;
  } catch {
    return undefined; // not a file's URL: Node's resolver says so
  }
}
if (Module.registerHooks)
  Module.registerHooks({
    resolve(specifier, context, nextResolve) {
      refuseUnadmitted(specifier);
      const file = fileNamed(specifier, context.parentURL);
      if (file !== undefined && !mayRead(file)) throw readRefused(file);
      return nextResolve(specifier, context);
    },
  });
// module.findPackageJSON (Node 22.14+) resolves with Node's own resolver, not through the hook
// (R88-5): a specifier, or a base, naming a file outside is refused as a read, and so is a
// package.json found outside.
const findPackageJSON = Module.findPackageJSON;
if (findPackageJSON)
  Module.findPackageJSON = function findPackageJSONInReach(specifier, base) {
    const from = typeof base === 'string' && isAbsolute(base) ? pathToFileURL(base).href : base?.toString();
    const specified = specifier instanceof URL ? specifier.href : String(specifier);
    for (const file of [fileNamed(specified, from), from && fileNamed(from, undefined)])
      if (file && !mayRead(file)) throw readRefused(file);
    const found = findPackageJSON.call(this, specifier, base);
    if (found !== undefined && !mayRead(found)) throw readRefused(found);
    return found;
  };
// CommonJS code of the declaration's folder, required at run time, is code the bundle does not
// hold (its import() of a value unseen): a declaration's own code is imported, and bundled.
const compile = Module.prototype._compile;
Module.prototype._compile = function compileInstalled(content, filename) {
  if (!String(filename).split(sep).includes('node_modules'))
    throw Object.assign(new Error(`runs ${filename} apart from its bundle (required at run time): import it instead`), {
      code: 'ERR_ACCESS_DENIED',
      permission: 'Code',
    });
  return compile.call(this, content, filename);
};
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
  const bundle = await import(bundleURL);
  message = bundle.declaredMessage(bundle.declaration);
} catch (e) {
  message = JSON.stringify({ error: thrownData(e) });
}
const bytes = Buffer.from(message);
for (let at = 0; at < bytes.length; ) at += writeSync(RESULT_FD, bytes, at);
// Done: a timer or socket the declaration left open does not hold orgctl up.
process.exit(0);
