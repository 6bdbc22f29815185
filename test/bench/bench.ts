/**
 * npm run bench: orgctl against the naive cdk8s-plus baseline, sizes S, M, L and XL, each command a
 * separate process run five times in rounds (median; three at XL). Issue 16 judges its targets on
 * `npm run bench` alone, so XL is in by default (minutes: synth, the Argo CD and API server limits
 * of what it wrote, check, levels and can-i; never the naive program). BENCH_SIZES=S,M,L (or any
 * list) limits the sizes; BENCH_RUNS overrides the number of runs.
 * After the table: issue 16's targets against this run (targets.ts) and how each command grows.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateSpec, seededRandom } from '../../constructs/generate.ts';
import { parseCanonicalYaml } from '../../synth/yaml.ts';
import { byteLength } from '../../model/text.ts';
import { answered, type MachineCosts, machineLine, median } from './measure.ts';
import {
  formatValue,
  growth,
  growthLines,
  growthMeasured,
  judge,
  type Measured,
  TARGETS,
  targetLines,
} from './targets.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/orgctl.mjs');
const RSS = pathToFileURL(join(ROOT, 'test/bench/report-rss.mjs')).href;
const SIZES = {
  S: { users: 200, namespaces: 50, grants: 2_000, tokens: 20 },
  M: { users: 2_000, namespaces: 400, grants: 20_000, tokens: 200 },
  L: { users: 10_000, namespaces: 2_000, grants: 100_000, tokens: 1_000 },
  XL: { users: 50_000, namespaces: 10_000, grants: 500_000, tokens: 5_000, invites: 20_000 },
} as const;
type Size = keyof typeof SIZES;

const work = mkdtempSync(join(tmpdir(), 'orgctl-bench-'));
/**
 * The environment every measured process runs in. NODE_EXTRA_CA_CERTS is left out: this machine
 * sets it for its network proxy, and Node reads the file it names at every start, before any of
 * orgctl's code, which orgctl's CI does not pay (the machine line prints its cost).
 */
const { NODE_EXTRA_CA_CERTS, ...INHERITED } = process.env;
/**
 * Its caches (can-i's verdicts, explain's index) in a folder of the run's own: the default for an
 * output outside a project is one tmp folder per user, which keeps the four outputs last asked
 * about, so another run on the machine could prune this one's and make "asked again" a first question.
 */
const ENV = { ...INHERITED, ORGCTL_CACHE_DIR: join(work, 'cache') };

interface Timing {
  readonly ms: number;
  readonly rssMB: number;
}

/** One process, timed from the outside; its peak memory reported from the inside. */
function timeProcess(args: readonly string[], before?: () => void, stdoutFile?: string): Timing {
  before?.();
  // Earlier runs' writes still being flushed to disk would slow this one: flush them first.
  spawnSync('sync', { stdio: 'ignore' });
  const rssFile = join(work, `rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const stdout = stdoutFile ? openSync(stdoutFile, 'w') : 'ignore';
  const start = performance.now();
  const r = spawnSync(process.execPath, args, {
    cwd: ROOT,
    env: { ...ENV, NODE_OPTIONS: `--import=${RSS}`, ORGCTL_BENCH_RSS: rssFile, ORGCTL_TODAY: '2026-11-26' },
    stdio: ['ignore', stdout, 'pipe'],
    maxBuffer: 1 << 26,
  });
  const ms = performance.now() - start;
  if (typeof stdout === 'number') closeSync(stdout);
  if (!answered(args, r.status))
    throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr?.toString().slice(0, 500)}`);
  const rss = Math.max(...readFileSync(rssFile, 'utf8').trim().split('\n').map(Number));
  return { ms, rssMB: rss / 1024 };
}

const medianTiming = (t: readonly Timing[]): Timing => ({
  ms: median(t.map((x) => x.ms)),
  rssMB: median(t.map((x) => x.rssMB)),
});

/** A ratio as the table shows it: `1.23x diff`. */
const against = (t: Timing, base: Timing, name: string) => `${(t.ms / base.ms).toFixed(2)}x ${name}`;

interface Command {
  readonly args: readonly string[];
  readonly before?: () => void;
}

/**
 * Each command run `runs` times, in rounds (every command once a round, in the order given): a
 * stretch where this VM runs slower (it does, for minutes) then costs each command a run, not one
 * command all of its runs, and a ratio's two commands run side by side. Medians, by name.
 */
function rounds<K extends string>(runs: number, commands: Readonly<Record<K, Command>>): Record<K, Timing> {
  const names = Object.keys(commands) as K[];
  const times = new Map<K, Timing[]>(names.map((n) => [n, []]));
  for (let r = 0; r < runs; r++)
    for (const n of names) times.get(n)!.push(timeProcess(commands[n].args, commands[n].before));
  return Object.fromEntries(names.map((n) => [n, medianTiming(times.get(n)!)])) as Record<K, Timing>;
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

interface Limits {
  /** Every object synth wrote, parsed (for the serialization floor). */
  readonly objects: Record<string, unknown>[];
  /** One Argo CD Application per `<cluster>/<shard>/` folder: its objects and bytes. */
  readonly apps: { path: string; objects: number; bytes: number }[];
  readonly largestObject: { name: string; bytes: number };
  readonly largestConfigMap: { name: string; bytes: number };
}

const nameOf = (o: Record<string, unknown>) => {
  const m = o.metadata as { name?: string; namespace?: string } | undefined;
  return `${o.kind} ${m?.namespace ? `${m.namespace}/` : ''}${m?.name ?? ''}`;
};

/** What synth wrote, against Argo CD's limits (SHARD_LIMITS) and the API server's (object-size). */
function limitsOf(dir: string, files: readonly string[]): Limits {
  const objects: Record<string, unknown>[] = [];
  const apps = new Map<string, { path: string; objects: number; bytes: number }>();
  let largestObject = { name: '', bytes: 0 };
  let largestConfigMap = { name: '', bytes: 0 };
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const docs = (parseCanonicalYaml(text) ?? []) as Record<string, unknown>[];
    objects.push(...docs);
    const parts = relative(dir, f).split('/');
    if (parts.length >= 3) {
      const path = `${parts[0]}/${parts[1]}/`;
      const app = apps.get(path) ?? { path, objects: 0, bytes: 0 };
      app.objects += docs.length;
      app.bytes += byteLength(text);
      apps.set(path, app);
    }
    for (const o of docs) {
      const bytes = byteLength(JSON.stringify(o));
      if (bytes > largestObject.bytes) largestObject = { name: nameOf(o), bytes };
      if (o.kind !== 'ConfigMap') continue;
      let data = 0;
      for (const [k, v] of Object.entries((o.data ?? {}) as Record<string, string>))
        data += byteLength(k) + byteLength(v);
      if (data > largestConfigMap.bytes) largestConfigMap = { name: nameOf(o), bytes: data };
    }
  }
  return { objects, apps: [...apps.values()], largestObject, largestConfigMap };
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

const fmt = (ms: number) => formatValue(ms, 'ms');
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
/** Bytes of one Argo CD Application or object: small ones in KB. */
const kb = (b: number) => (b < 1024 * 1024 ? `${Math.round(b / 1024)} KB` : `${(b / 1024 / 1024).toFixed(2)} MB`);
const rows: string[][] = [];
const measured: Record<string, Record<string, number>> = {};
const notes: string[] = [];
/** The commands the growth section follows (the naive program writes other objects; the floor is no command). */
const COMMANDS = ['synth', 'check', 'access', 'diff', 'review', 'levels', 'can-i', 'who-can', 'explain'];

/** A command's median wall and peak memory, under its metric name, and its row. */
function record(size: Size, metric: string, run: string, t: Timing, ...rest: string[]): void {
  measured[size]![`${metric}.ms`] = t.ms;
  measured[size]![`${metric}.mb`] = t.rssMB;
  rows.push([size, run, fmt(t.ms), `${Math.round(t.rssMB)} MB`, ...rest, ...Array(3 - rest.length).fill('')]);
}

/**
 * Synth's row and what it wrote; returns the rows that close the size's table: the largest Argo
 * CD Application, object and ConfigMap, and the serialization floor.
 */
function recordOutput(size: Size, synth: Timing, out: string): string[][] {
  const written = output(out);
  const limits = limitsOf(out, written.files);
  const m = measured[size]!;
  m['output.objects'] = written.objects;
  m['output.bytes'] = written.bytes;
  const most = (key: 'objects' | 'bytes') => limits.apps.reduce((a, b) => (b[key] > a[key] ? b : a));
  const byObjects = most('objects');
  const byBytes = most('bytes');
  m['apps.objects'] = byObjects.objects;
  m['apps.bytes'] = byBytes.bytes;
  m['object.bytes'] = limits.largestObject.bytes;
  m['configmap.bytes'] = limits.largestConfigMap.bytes;
  const naive = m['naive.ms'];
  record(
    size,
    'synth',
    'orgctl synth',
    synth,
    String(written.objects),
    mb(written.bytes),
    naive ? `${(naive / synth.ms).toFixed(1)}x` : '',
  );
  const apps = `${limits.apps.length} Argo CD Applications`;
  const extra = [
    [size, `${apps}: the most objects, ${byObjects.path}`, '', '', String(byObjects.objects), kb(byObjects.bytes), ''],
    [size, `${apps}: the most bytes, ${byBytes.path}`, '', '', String(byBytes.objects), kb(byBytes.bytes), ''],
    [size, `largest object: ${limits.largestObject.name}`, '', '', '1', kb(limits.largestObject.bytes), ''],
    [size, `most ConfigMap data: ${limits.largestConfigMap.name}`, '', '', '1', kb(limits.largestConfigMap.bytes), ''],
  ];
  // The serialization floor: JSON.stringify of the same objects, in this process.
  const floor = median(
    Array.from({ length: 5 }, () => {
      const t = performance.now();
      JSON.stringify(limits.objects);
      return performance.now() - t;
    }),
  );
  extra.push([size, 'serialization floor (JSON.stringify)', fmt(floor), '', String(limits.objects.length), '', '']);
  return extra;
}

/** The first active member who is no admin, holds no Add All, and holds grants, none in `namespace` (the seed decides who). */
function memberBoundElsewhere(spec: ReturnType<typeof generateSpec>, namespace: string): string {
  const grants = spec.spec.grants ?? [];
  const bound = new Set(grants.map((g) => g.user));
  const here = new Set(grants.filter((g) => g.namespace === namespace).map((g) => g.user));
  const user = (spec.spec.users ?? []).find(
    (u) => !u.admin && !u.access && (u.status ?? 'active') === 'active' && bound.has(u.email) && !here.has(u.email),
  );
  if (!user) throw new Error(`bench: no member holds grants outside ${namespace} only`);
  return user.email;
}

function benchSize(size: Size): void {
  const dims = SIZES[size];
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  measured[size] = {};
  const spec = generateSpec({ ...dims, seed: 7 });
  const specFile = join(work, `${size}.json`);
  writeFileSync(specFile, JSON.stringify(spec));
  const headFile = join(work, `${size}-edited.json`);
  writeFileSync(headFile, JSON.stringify(editedSpec(spec, 11)));
  const out = join(work, `${size}-dist`);
  const headOut = join(work, `${size}-dist-head`);
  // As people run it (node bin/orgctl.mjs, V8's own heap sizing): measured no slower than with a larger young generation.
  const orgctl = (...a: string[]) => [BIN, ...a];

  // Both outputs first, and explain's first question (it writes the index the later ones read).
  const removeOut = () => rmSync(out, { recursive: true, force: true });
  timeProcess(orgctl('synth', '--spec', specFile, '--out', out), removeOut);
  timeProcess(orgctl('synth', '--spec', headFile, '--out', headOut));
  const explainArgs = orgctl('explain', 'user5@acme.io', '-n', 'ns-0', '--spec', specFile);
  const explainFirst = timeProcess(explainArgs);
  // can-i and who-can ask an output written once (synth rewrites \`out\` each round, each file a new
  // inode): the first question judges every file and keeps the verdicts, the rounds' read them.
  const questionsOut = join(work, `${size}-dist-questions`);
  timeProcess(orgctl('synth', '--spec', specFile, '--out', questionsOut));
  const canIFirst = timeProcess(
    orgctl('can-i', 'get', 'pods', '-n', 'ns-0', '--as', 'user5@acme.io', '--dir', questionsOut),
  );
  // Synth writes the same output each round; the commands after it read it.
  // can-i's target asks about someone bound where asked; these are asked too, and printed beside it:
  // a member bound only elsewhere (the lists read for whether a binding elsewhere may name them),
  // and a name nobody has (a typo: did-you-mean over every username).
  const elsewhere = memberBoundElsewhere(spec, 'ns-0');
  const { synth, check, access, diff, review, levels, canI, canIElsewhere, canINobody, whoCan, explain } = rounds(
    runs,
    {
      synth: { args: orgctl('synth', '--spec', specFile, '--out', out), before: removeOut },
      check: { args: orgctl('check', '--spec', specFile) },
      access: { args: orgctl('access', '--format', 'json', '--dir', out) },
      diff: { args: orgctl('diff', '--base', out, '--head', headOut, '--format', 'json') },
      // The privileged review: the diff, plus proving head (re-rendered, compared byte for byte, judged).
      review: { args: orgctl('review', '--base', out, '--head', headOut, '--actor', 'user0', '--format', 'json') },
      // The CLI's fixed cost, for the questions about one namespace (the partial-read issue: at most 1.5x levels).
      levels: { args: orgctl('levels') },
      canI: { args: orgctl('can-i', 'get', 'pods', '-n', 'ns-0', '--as', 'user5@acme.io', '--dir', questionsOut) },
      canIElsewhere: { args: orgctl('can-i', 'get', 'pods', '-n', 'ns-0', '--as', elsewhere, '--dir', questionsOut) },
      canINobody: {
        args: orgctl('can-i', 'get', 'pods', '-n', 'ns-0', '--as', 'nobody@acme.io', '--dir', questionsOut),
      },
      whoCan: { args: orgctl('who-can', 'create', 'pods', '-n', 'ns-0', '--dir', questionsOut) },
      // Asked again (the same file, date and orgctl): the namespace's part of the index.
      explain: { args: explainArgs },
    },
  );

  const naiveOut = join(work, `${size}-naive`);
  const { naive } = rounds(size === 'L' ? Math.min(runs, 3) : runs, {
    naive: {
      args: ['--import', 'tsx', join(ROOT, 'test/bench/naive.ts'), specFile, naiveOut],
      before: () => rmSync(naiveOut, { recursive: true, force: true }),
    },
  });
  const naiveWritten = output(naiveOut);
  measured[size]!['naive.ms'] = naive.ms;

  const extra = recordOutput(size, synth, out);
  rows.push([
    size,
    'naive cdk8s-plus synth',
    fmt(naive.ms),
    `${Math.round(naive.rssMB)} MB`,
    String(naiveWritten.objects),
    mb(naiveWritten.bytes),
    '1x',
  ]);
  record(size, 'check', 'orgctl check', check);
  record(size, 'access', 'orgctl access --format json', access);
  record(size, 'diff', 'orgctl diff (1% of grants changed)', diff);
  record(size, 'review', 'orgctl review (1% of grants changed)', review, '', '', against(review, diff, 'diff'));
  record(size, 'levels', 'orgctl levels', levels);
  recordQuestions(size, levels, [
    ...canIQuestions(canIFirst, canI),
    ['can-i-elsewhere', 'orgctl can-i, a member bound only elsewhere', canIElsewhere],
    ['can-i-nobody', 'orgctl can-i, a name nobody has', canINobody],
    ['who-can', 'orgctl who-can VERB TYPE -n NS', whoCan],
    ['explain-first', 'orgctl explain USER -n NS, the first question (checks, writes the index)', explainFirst],
    ['explain', 'orgctl explain USER -n NS, asked again (the index)', explain],
  ]);
  rows.push(...extra);
  process.stderr.write(`bench: ${size} done (${runs} runs)\n`);
}

/** A question about one namespace: its metric, its row's words, its timing. */
type Question = readonly [metric: string, run: string, timing: Timing];

/** can-i's two rows at every size: the first question of an output, and the same asked again. */
const canIQuestions = (first: Timing, again: Timing): Question[] => [
  ['can-i-first', 'orgctl can-i, the first question of an output (judges every file, keeps the verdicts)', first],
  ['can-i', 'orgctl can-i, asked again (the verdicts)', again],
];

/** The questions about one namespace, each against the CLI's fixed cost (issue 16: at most 1.5x levels). */
function recordQuestions(size: Size, levels: Timing, questions: readonly Question[]): void {
  for (const [metric, run, t] of questions) record(size, metric, run, t, '', '', against(t, levels, 'levels'));
}

/**
 * Size XL: the spec from `orgctl generate` itself (the shards it declares), synth, the limits of
 * what it wrote, check, levels and can-i. Not the naive program, and not the commands that XL's
 * targets do not name (diff and review would need a second synthesis).
 */
function benchXL(): void {
  const size = 'XL';
  // Three: one run's XL synth varied from 8.2 to 10.3 s on one VM in one day, and the growth target reads it.
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  measured[size] = {};
  const dims = SIZES.XL;
  const specFile = join(work, 'XL.json');
  const flags = Object.entries(dims).flatMap(([k, v]) => [`--${k}`, String(v)]);
  const generate = timeProcess([BIN, 'generate', ...flags, '--seed', '7', '--format', 'json'], undefined, specFile);
  const spec = JSON.parse(readFileSync(specFile, 'utf8')) as { spec: { delivery?: { shards?: number } } };
  measured[size]['generate.shards'] = spec.spec.delivery?.shards ?? 0;
  rows.push([
    size,
    `orgctl generate (declares ${spec.spec.delivery?.shards ?? 'no'} shards)`,
    fmt(generate.ms),
    `${Math.round(generate.rssMB)} MB`,
    '',
    mb(statSync(specFile).size),
    '',
  ]);
  const out = join(work, 'XL-dist');
  // As at the other sizes: can-i asks an output written once (synth rewrites `out` each round), so
  // the rounds' question is asked again, the first one timed apart. Asking `out` made every XL can-i
  // a first question (14.5 s), which the growth section read against L's asked-again one (70x).
  const questionsOut = join(work, 'XL-dist-questions');
  timeProcess([BIN, 'synth', '--spec', specFile, '--out', questionsOut]);
  const canIArgs = [BIN, 'can-i', 'get', 'pods', '-n', 'ns-0', '--as', 'user5@acme.io', '--dir', questionsOut];
  const canIFirst = timeProcess(canIArgs);
  const { synth, check, levels, canI } = rounds(runs, {
    synth: {
      args: [BIN, 'synth', '--spec', specFile, '--out', out],
      before: () => rmSync(out, { recursive: true, force: true }),
    },
    check: { args: [BIN, 'check', '--spec', specFile] },
    levels: { args: [BIN, 'levels'] },
    canI: { args: canIArgs },
  });
  const extra = recordOutput(size, synth, out);
  rows.push([size, 'naive cdk8s-plus synth', 'skipped: minutes and over 10 GB of memory at XL', '', '', '', '']);
  notes.push(
    'XL: the naive cdk8s-plus program is not run (minutes and over 10 GB of memory at this size); nor are access, diff, review and explain (no XL target names them; diff and review need a second synthesis).',
  );
  record(size, 'check', 'orgctl check', check);
  record(size, 'levels', 'orgctl levels', levels);
  recordQuestions(size, levels, canIQuestions(canIFirst, canI));
  rows.push(...extra);
  process.stderr.write(`bench: XL done (${runs} runs)\n`);
}

/** A Node process's median wall time (ms) over `runs`, or the median of what it prints (a number). */
function nodeMedian(code: string, env: NodeJS.ProcessEnv, runs: number, printed = false): number {
  return median(
    Array.from({ length: runs }, () => {
      const start = performance.now();
      const r = spawnSync(process.execPath, ['-e', code], { env, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`node -e ${code} exited ${r.status}: ${r.stderr.slice(0, 500)}`);
      return printed ? Number(r.stdout) : performance.now() - start;
    }),
  );
}

/** Starting Node, and a first touch of memory, on this machine now (see machineLine). */
function machineCosts(): MachineCosts {
  // allocUnsafeSlow: memory the kernel maps and this process has never touched, one byte a page written.
  const touch = `const b = Buffer.allocUnsafeSlow(256 * 2 ** 20); const t = performance.now();
for (let i = 0; i < b.length; i += 4096) b[i] = 1; process.stdout.write(String(performance.now() - t));`;
  return {
    startMs: nodeMedian('0', ENV, 9),
    ...(NODE_EXTRA_CA_CERTS === undefined ? {} : { startWithCaMs: nodeMedian('0', process.env, 9) }),
    faultUs: (nodeMedian(touch, ENV, 5, true) * 1000) / 65536,
  };
}

const sizes = (process.env.BENCH_SIZES ?? 'S,M,L,XL').split(',').map((s) => s.trim()) as Size[];
for (const s of sizes)
  if (!(s in SIZES)) throw new Error(`BENCH_SIZES: ${s} is not one of ${Object.keys(SIZES).join(', ')}`);
// Warm orgctl's bundle cache so that no run pays for building it.
spawnSync(process.execPath, [BIN, 'levels'], { cwd: ROOT, stdio: 'ignore' });
const machine = machineCosts();
for (const size of sizes) {
  if (size === 'XL') benchXL();
  else benchSize(size);
}
rmSync(work, { recursive: true, force: true });

const header = ['size', 'run', 'wall (median)', 'peak memory', 'objects', 'bytes written', 'naive / orgctl'];
const table = [header, header.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
console.log(
  `orgctl benchmark — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; sizes ${sizes.join(',')}, BENCH_RUNS ${process.env.BENCH_RUNS ?? 'default'}\n`,
);
console.log(`${machineLine(machine)}\n`);
console.log(table);
for (const n of notes) console.log(`\n${n}`);

const grown = growth(measured, COMMANDS);
const all: Measured = { ...measured, ...growthMeasured(grown) };
console.log('\n## Targets (issue 16), from this run\n');
console.log(targetLines(TARGETS.map((t) => judge(t, all))).join('\n'));
console.log('\n## Growth: each command against the previous size run, next to the growth of what synth wrote\n');
console.log(grown.length ? growthLines(grown).join('\n') : 'Only one size was run: nothing to compare.');
