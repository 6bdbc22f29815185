// Starts the process that runs a declaration (bin/declaration.mjs, with the arguments given: Node's
// permission flags and the entry) and ends it when orgctl ends, however orgctl ends: a SIGKILL (an
// OOM kill, a runner ending the job) runs no handler of orgctl's, and Node has no way to have a
// child signalled when its parent dies (Linux's PR_SET_PDEATHSIG). A declaration's own thread never
// reads its end of a pipe while it loops (`for (;;) {}`, Atomics.wait), and it may start no worker
// thread: this process, which runs nothing of the declaration's, watches orgctl's pipe (its stdin)
// instead, and ends the declaration when the pipe closes (orgctl ended, or stopped it: R88-3).
// Plain JavaScript: it runs before anything is compiled.
import { spawn } from 'node:child_process';

// Its stdout, stderr and message (fd 3) are orgctl's pipes, shared: nothing passes through here.
const declaration = spawn(process.execPath, process.argv.slice(2), { stdio: ['ignore', 1, 2, 3] });
const end = () => declaration.kill('SIGKILL');
process.stdin.on('data', () => {});
process.stdin.on('close', end);
process.stdin.on('end', end);
// Ctrl-C reaches every process of the terminal's group: the declaration may ignore it, this may not.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, end);
declaration.on('error', () => process.exit(1));
declaration.on('exit', (code, signal) => {
  if (code !== null) process.exit(code);
  process.removeAllListeners(signal);
  process.kill(process.pid, signal); // ends as it did, for orgctl to say so
});
