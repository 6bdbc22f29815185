// npm test: lint (test/lint.mjs) and vitest side by side, not one after the other. Lint took 20-60 s
// before vitest started (tsc most of it, 27 s of CPU), while vitest's two workers spend much of their
// time waiting on the processes, sleeps and files their tests wait for: tsc runs in those gaps.
// vitest prints as it goes; lint's output is printed whole once both have ended, after vitest's. npm
// test fails when either fails, and says which. Arguments go to vitest (npm test -- test/x.test.ts).
import { spawn } from 'node:child_process';

/** A command run to its end: its exit code (1 when it could not start, or was signalled). */
const ended = (child, name) =>
  new Promise((done) => {
    child.on('error', (e) => {
      process.stderr.write(`${name}: ${e.message}\n`);
      done(1);
    });
    child.on('close', (code) => done(code ?? 1));
  });

const lint = spawn(process.execPath, ['test/lint.mjs'], { stdio: ['ignore', 'pipe', 'pipe'] });
const lintOut = [];
lint.stdout.on('data', (c) => lintOut.push(c));
lint.stderr.on('data', (c) => lintOut.push(c));
const vitest = spawn('vitest', ['run', ...process.argv.slice(2)], { stdio: 'inherit' });

const [lintCode, vitestCode] = await Promise.all([ended(lint, 'lint'), ended(vitest, 'vitest')]);
process.stdout.write(Buffer.concat(lintOut));
const failed = [lintCode && 'lint', vitestCode && 'vitest'].filter(Boolean);
if (failed.length) {
  process.stderr.write(`npm test: ${failed.join(', ')} failed\n`);
  process.exitCode = 1;
}
