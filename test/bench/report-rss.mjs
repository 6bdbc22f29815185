// Preloaded into every benchmarked process (NODE_OPTIONS=--import): reports its peak memory.
import { appendFileSync } from 'node:fs';

const file = process.env.ORGCTL_BENCH_RSS;
if (file) process.on('exit', () => appendFileSync(file, `${process.resourceUsage().maxRSS}\n`));
