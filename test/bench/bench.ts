/**
 * npm run bench: orgctl against the naive cdk8s-plus baseline, sizes S, M and L, each command a
 * separate process run several times (median). BENCH_SIZES=S,M limits the sizes; BENCH_RUNS
 * overrides the number of runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateSpec, seededRandom } from '../../constructs/generate.ts';
import { parseCanonicalYaml } from '../../synth/yaml.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/orgctl.mjs');
const RSS = pathToFileURL(join(ROOT, 'test/bench/report-rss.mjs')).href;
const SIZES = {
  S: { users: 200, namespaces: 50, grants: 2_000, tokens: 20 },
  M: { users: 2_000, namespaces: 400, grants: 20_000, tokens: 200 },
  L: { users: 10_000, namespaces: 2_000, grants: 100_000, tokens: 1_000 },
} as const;
type Size = keyof typeof SIZES;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const work = mkdtempSync(join(tmpdir(), 'orgctl-bench-'));

interface Timing {
  readonly ms: number;
  readonly rssMB: number;
}

/** One process, timed from the outside; its peak memory reported from the inside. */
function timeProcess(args: readonly string[], before?: () => void): Timing {
  before?.();
  // Earlier runs' writes still being flushed to disk would slow this one: flush them first.
  spawnSync('sync', { stdio: 'ignore' });
  const rssFile = join(work, `rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const start = performance.now();
  const r = spawnSync(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: `--import=${RSS}`, ORGCTL_BENCH_RSS: rssFile, ORGCTL_TODAY: '2026-11-26' },
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 1 << 26,
  });
  const ms = performance.now() - start;
  // can-i answers no, and review fails a rule, with exit 1; anything else is a failed run.
  if (r.status !== 0 && !(r.status === 1 && (args.includes('can-i') || args.includes('review'))))
    throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr?.toString().slice(0, 500)}`);
  const rss = Math.max(...readFileSync(rssFile, 'utf8').trim().split('\n').map(Number));
  return { ms, rssMB: rss / 1024 };
}

function repeat(runs: number, args: readonly string[], before?: () => void): Timing {
  const t = Array.from({ length: runs }, () => timeProcess(args, before));
  return { ms: median(t.map((x) => x.ms)), rssMB: median(t.map((x) => x.rssMB)) };
}

function output(dir: string): { objects: number; bytes: number; files: string[] } {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else files.push(join(d, e.name));
    }
  };
  walk(dir);
  const yaml = files.filter((f) => f.endsWith('.yaml'));
  return {
    files: yaml,
    objects: yaml.reduce((n, f) => n + (readFileSync(f, 'utf8').match(/^kind: /gm)?.length ?? 0), 0),
    bytes: files.reduce((n, f) => n + statSync(f).size, 0),
  };
}

/** The same organization with 1% of its grants given other levels. */
function editedSpec(spec: ReturnType<typeof generateSpec>, seed: number) {
  const copy = structuredClone(spec) as unknown as { spec: { grants: { levels?: string[]; role?: string }[] } };
  const rand = seededRandom(seed);
  const grants = copy.spec.grants;
  for (let i = 0; i < Math.ceil(grants.length / 100); i++) {
    const g = grants[Math.floor(rand() * grants.length)]!;
    delete g.role;
    g.levels = g.levels?.includes('r:events') ? ['r:pods'] : ['r:events'];
  }
  return copy;
}

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const rows: string[][] = [];

function benchSize(size: Size): void {
  const dims = SIZES[size];
  const runs = Number(process.env.BENCH_RUNS ?? (size === 'L' ? 3 : 5));
  const spec = generateSpec({ ...dims, seed: 7 });
  const specFile = join(work, `${size}.json`);
  writeFileSync(specFile, JSON.stringify(spec));
  const headFile = join(work, `${size}-edited.json`);
  writeFileSync(headFile, JSON.stringify(editedSpec(spec, 11)));
  const out = join(work, `${size}-dist`);
  const headOut = join(work, `${size}-dist-head`);
  // As people run it (node bin/orgctl.mjs, V8's own heap sizing): measured no slower than with a larger young generation.
  const orgctl = (...a: string[]) => [BIN, ...a];

  const synth = repeat(runs, orgctl('synth', '--spec', specFile, '--out', out), () =>
    rmSync(out, { recursive: true, force: true }),
  );
  const written = output(out);
  timeProcess(orgctl('synth', '--spec', headFile, '--out', headOut));
  const check = repeat(runs, orgctl('check', '--spec', specFile));
  const access = repeat(runs, orgctl('access', '--format', 'json', '--dir', out));
  const diff = repeat(runs, orgctl('diff', '--base', out, '--head', headOut, '--format', 'json'));
  // The privileged review: the diff, plus proving head (re-rendered, compared byte for byte, judged).
  const review = repeat(
    runs,
    orgctl('review', '--base', out, '--head', headOut, '--actor', 'user0', '--format', 'json'),
  );
  // The CLI's fixed cost, for the questions about one namespace (the partial-read issue: at most 1.5x levels).
  const levels = repeat(runs, orgctl('levels'));
  const canI = repeat(runs, orgctl('can-i', 'get', 'pods', '-n', 'ns-0', '--as', 'user5@acme.io', '--dir', out));
  const explain = repeat(runs, orgctl('explain', 'user5@acme.io', '-n', 'ns-0', '--spec', specFile));

  const naiveOut = join(work, `${size}-naive`);
  const naive = repeat(
    size === 'L' ? Math.min(runs, 3) : runs,
    ['--import', 'tsx', join(ROOT, 'test/bench/naive.ts'), specFile, naiveOut],
    () => rmSync(naiveOut, { recursive: true, force: true }),
  );
  const naiveWritten = output(naiveOut);

  // The serialization floor: JSON.stringify of the same objects, in this process.
  const objects = written.files.flatMap((f) => parseCanonicalYaml(readFileSync(f, 'utf8')) ?? []);
  const floor = median(
    Array.from({ length: 5 }, () => {
      const t = performance.now();
      JSON.stringify(objects);
      return performance.now() - t;
    }),
  );

  const ratio = (naive.ms / synth.ms).toFixed(1);
  const against = (run: string, t: Timing, base: Timing, name: string) => [
    size,
    run,
    fmt(t.ms),
    `${Math.round(t.rssMB)} MB`,
    '',
    '',
    `${(t.ms / base.ms).toFixed(2)}x ${name}`,
  ];
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
  rows.push(
    [
      size,
      'orgctl synth',
      fmt(synth.ms),
      `${Math.round(synth.rssMB)} MB`,
      String(written.objects),
      mb(written.bytes),
      `${ratio}x`,
    ],
    [
      size,
      'naive cdk8s-plus synth',
      fmt(naive.ms),
      `${Math.round(naive.rssMB)} MB`,
      String(naiveWritten.objects),
      mb(naiveWritten.bytes),
      '1x',
    ],
    [size, 'orgctl check', fmt(check.ms), `${Math.round(check.rssMB)} MB`, '', '', ''],
    [size, 'orgctl access --format json', fmt(access.ms), `${Math.round(access.rssMB)} MB`, '', '', ''],
    [size, 'orgctl diff (1% of grants changed)', fmt(diff.ms), `${Math.round(diff.rssMB)} MB`, '', '', ''],
    [
      size,
      'orgctl review (1% of grants changed)',
      fmt(review.ms),
      `${Math.round(review.rssMB)} MB`,
      '',
      '',
      `${(review.ms / diff.ms).toFixed(2)}x diff`,
    ],
    [size, 'orgctl levels', fmt(levels.ms), `${Math.round(levels.rssMB)} MB`, '', '', ''],
    against('orgctl can-i', canI, levels, 'levels'),
    against('orgctl explain USER -n NS', explain, levels, 'levels'),
    [size, 'serialization floor (JSON.stringify)', fmt(floor), '', String(objects.length), '', ''],
  );
  process.stderr.write(`bench: ${size} done (${runs} runs)\n`);
}

const sizes = (process.env.BENCH_SIZES ?? 'S,M,L').split(',').map((s) => s.trim()) as Size[];
// Warm orgctl's bundle cache so that no run pays for building it.
spawnSync(process.execPath, [BIN, 'levels'], { cwd: ROOT, stdio: 'ignore' });
for (const size of sizes) benchSize(size);
rmSync(work, { recursive: true, force: true });

const header = ['size', 'run', 'wall (median)', 'peak memory', 'objects', 'bytes written', 'naive / orgctl'];
const table = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
console.log(
  `orgctl benchmark — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`,
);
console.log(table);
