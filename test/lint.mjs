// npm run lint: tsc, biome and knip side by side. In turn they took 30-60 s, 9 s and 24 s on CI's
// two cores, tsc on one core all along while the other waited (here 36, 4.4 and 11.6 s of CPU);
// side by side, lint takes about as long as tsc alone. Each step's output is printed whole, in
// this order, when all have ended (the lines of two steps never interleave); lint fails when any
// step fails, and says which.
import { spawn } from 'node:child_process';

const STEPS = [
  ['tsc', '--noEmit'],
  ['biome', 'check', '--config-path', 'lint', '.'],
  ['knip', '--config', 'lint/knip.json', '--include', 'exports,types', '--no-progress'],
];

/** A step run to its end: its exit code (1 when it could not start, or was signalled) and what it printed. */
const run = ([command, ...args]) =>
  new Promise((done) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', (e) => done({ code: 1, out: [], err: [Buffer.from(`${command}: ${e.message}\n`)] }));
    child.on('close', (code) => done({ code: code ?? 1, out, err }));
  });

const results = await Promise.all(STEPS.map(run));
const failed = [];
results.forEach(({ code, out, err }, i) => {
  process.stdout.write(Buffer.concat(out));
  process.stderr.write(Buffer.concat(err));
  if (code !== 0) failed.push(STEPS[i][0]);
});
if (failed.length) {
  process.stderr.write(`lint: ${failed.join(', ')} failed\n`);
  process.exitCode = 1;
}
