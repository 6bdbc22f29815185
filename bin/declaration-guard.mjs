// Starts the process that runs a declaration (bin/declaration.mjs, with the arguments given: Node's
// permission flags and the entry) and ends it when orgctl ends, however orgctl ends: a SIGKILL (an
// OOM kill, a runner ending the job) runs no handler of orgctl's, and Node has no way to have a
// child signalled when its parent dies (Linux's PR_SET_PDEATHSIG). A declaration's own thread never
// reads its end of a pipe while it loops (`for (;;) {}`, Atomics.wait), and it may start no worker
// thread: this process, which runs nothing of the declaration's, watches orgctl's pipe (its stdin)
// instead, and ends the declaration when the pipe closes (orgctl ended, or stopped it: R88-3).
// It also stops a declaration that holds more memory than it may (R88-6). Plain JavaScript: it runs
// before anything is compiled.
import { spawnSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

// The memory limit in bytes, and the exit code that says the declaration was stopped for it: both
// orgctl's (cli/isolated-declaration.ts, which reads the code), then Node's arguments.
const [memoryLimit, overMemoryCode, ...nodeArguments] = process.argv.slice(2);
// Its stdout, stderr and message (fd 3) are orgctl's pipes, shared: nothing passes through here.
const declaration = spawn(process.execPath, nodeArguments, { stdio: ['ignore', 1, 2, 3] });
const end = () => declaration.kill('SIGKILL');

// Its resident memory: Node limits V8's heap alone, and Buffers outside it would take all of the
// machine's (R88-6). Linux says it in /proc; elsewhere ps does, asked less often.
const procfs = process.platform === 'linux';
function residentBytes() {
  try {
    if (procfs)
      return Number(/VmRSS:\s*(\d+) kB/.exec(readFileSync(`/proc/${declaration.pid}/status`, 'utf8'))?.[1]) * 1024;
    return Number(spawnSync('ps', ['-o', 'rss=', '-p', String(declaration.pid)], { encoding: 'utf8' }).stdout) * 1024;
  } catch {
    return 0; // ended
  }
}
let overMemory = false;
setInterval(
  () => {
    if (residentBytes() > Number(memoryLimit)) {
      overMemory = true;
      end();
    }
  },
  procfs ? 100 : 1000,
).unref();
process.stdin.on('data', () => {});
process.stdin.on('close', end);
process.stdin.on('end', end);
// Ctrl-C reaches every process of the terminal's group: the declaration may ignore it, this may not.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, end);
declaration.on('error', () => process.exit(1));
declaration.on('exit', (code, signal) => {
  if (overMemory) process.exit(Number(overMemoryCode));
  if (code !== null) process.exit(code);
  process.removeAllListeners(signal);
  process.kill(process.pid, signal); // ends as it did, for orgctl to say so
});
