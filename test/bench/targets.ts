/**
 * What `npm run bench` judges after its table: issue 16's targets (as data, each with the issue's
 * words) against the values measured in the same run, and how each command's cost grows between
 * sizes against the growth of what synth writes. Pure functions: bench.ts measures, these judge.
 */
import { SHARD_LIMITS } from '../../model/rules.ts';
import { CONFIGMAP_DATA_MAX_BYTES, REQUEST_MAX_BYTES } from '../../policies/org/kubernetes-names.ts';

/** Sizes in order: the growth compares each size with the previous one measured. */
export const SIZE_ORDER = ['S', 'M', 'L', 'XL'] as const;

/**
 * What one run measured: size → metric → value. Metrics: `<command>.ms` (median wall),
 * `<command>.mb` (median peak RSS, MiB), `output.objects` and `output.bytes` (what synth wrote),
 * `apps.objects` and `apps.bytes` (the largest Argo CD Application), `object.bytes` (the largest
 * object as JSON), `configmap.bytes` (the most data one ConfigMap holds), `generate.shards`;
 * and, under GROWTH, `faster` (commands growing faster than the output).
 */
export type Measured = Readonly<Record<string, Readonly<Record<string, number>>>>;

/** The size key under which the growth's own figure is measured. */
export const GROWTH = 'growth';

type Unit = 'ms' | 'x' | 'MiB' | 'objects' | 'bytes' | 'count';

export interface Target {
  /** The words for it. */
  readonly source: string;
  readonly size: string;
  readonly what: string;
  /** One metric, or a ratio of two (numerator, denominator) from the same run. */
  readonly metric: string | readonly [string, string];
  readonly op: '<=' | '>=' | '=';
  readonly limit: number;
  readonly unit: Unit;
}

const NEAR_LEVELS = '`can-i` and `explain USER -n NS` at most 1.5× `orgctl levels`';
const SYNTH_L = '`synth` ≤ 1.0 s and ≥ 15× the naive cdk8s-plus program measured in the same run';
const DIFF_REVIEW = '`diff` and `review` (1% of grants changed) ≤ 1.0 s';
const XL_SYNTH = 'Size XL: synth ≤ 6 s and ≤ 1.5 GiB';
const XL_APPS =
  'every Argo CD Application (one per `dist/<cluster>/<shard>/` folder, including `cluster/` and `members-NN/`) ≤ 1,500 objects and ≤ 4 MiB';
const XL_OBJECTS = "every object within the API server's limits";

/** Issue 16's targets (size L: 10,000 users, 2,000 namespaces, 100,000 grants, 1,000 tokens; XL as SIZES says). */
export const TARGETS: readonly Target[] = [
  {
    source: NEAR_LEVELS,
    size: 'L',
    what: 'can-i, asked again (the verdicts) / levels',
    metric: ['can-i.ms', 'levels.ms'],
    op: '<=',
    limit: 1.5,
    unit: 'x',
  },
  {
    source: NEAR_LEVELS,
    size: 'L',
    what: 'explain USER -n NS, asked again (the index) / levels',
    metric: ['explain.ms', 'levels.ms'],
    op: '<=',
    limit: 1.5,
    unit: 'x',
  },
  { source: '`check` ≤ 0.5 s', size: 'L', what: 'check', metric: 'check.ms', op: '<=', limit: 500, unit: 'ms' },
  {
    source: '`access --format json` ≤ 0.6 s',
    size: 'L',
    what: 'access --format json',
    metric: 'access.ms',
    op: '<=',
    limit: 600,
    unit: 'ms',
  },
  { source: DIFF_REVIEW, size: 'L', what: 'diff', metric: 'diff.ms', op: '<=', limit: 1000, unit: 'ms' },
  { source: DIFF_REVIEW, size: 'L', what: 'review', metric: 'review.ms', op: '<=', limit: 1000, unit: 'ms' },
  { source: SYNTH_L, size: 'L', what: 'synth', metric: 'synth.ms', op: '<=', limit: 1000, unit: 'ms' },
  {
    source: SYNTH_L,
    size: 'L',
    what: 'naive / synth',
    metric: ['naive.ms', 'synth.ms'],
    op: '>=',
    limit: 15,
    unit: 'x',
  },
  { source: XL_SYNTH, size: 'XL', what: 'synth', metric: 'synth.ms', op: '<=', limit: 6000, unit: 'ms' },
  { source: XL_SYNTH, size: 'XL', what: 'synth peak memory', metric: 'synth.mb', op: '<=', limit: 1536, unit: 'MiB' },
  {
    source: XL_APPS,
    size: 'XL',
    what: 'largest Argo CD Application, objects',
    metric: 'apps.objects',
    op: '<=',
    limit: SHARD_LIMITS.objects,
    unit: 'objects',
  },
  {
    source: XL_APPS,
    size: 'XL',
    what: 'largest Argo CD Application, bytes',
    metric: 'apps.bytes',
    op: '<=',
    limit: SHARD_LIMITS.bytes,
    unit: 'bytes',
  },
  {
    source: XL_OBJECTS,
    size: 'XL',
    what: 'largest object (one request)',
    metric: 'object.bytes',
    op: '<=',
    limit: REQUEST_MAX_BYTES,
    unit: 'bytes',
  },
  {
    source: XL_OBJECTS,
    size: 'XL',
    what: 'largest ConfigMap data',
    metric: 'configmap.bytes',
    op: '<=',
    limit: CONFIGMAP_DATA_MAX_BYTES,
    unit: 'bytes',
  },
  {
    source:
      '`orgctl generate --users 50000 --namespaces 10000 --grants 500000 --tokens 5000 --invites 20000` makes it (it declares 128 shards by itself)',
    size: 'XL',
    what: 'shards orgctl generate declares',
    metric: 'generate.shards',
    op: '=',
    limit: 128,
    unit: 'count',
  },
  {
    source: 'How cost grows: nothing grows faster than the output',
    size: GROWTH,
    what: 'commands growing faster than the output',
    metric: 'faster',
    op: '<=',
    limit: 0,
    unit: 'count',
  },
];

export interface Verdict {
  readonly target: Target;
  /** Undefined: the size (or a metric of the ratio) was not measured in this run. */
  readonly value: number | undefined;
  readonly met: boolean | undefined;
}

export function judge(target: Target, measured: Measured): Verdict {
  const at = measured[target.size];
  const read = (m: string) => at?.[m];
  let value: number | undefined;
  if (typeof target.metric === 'string') value = read(target.metric);
  else {
    const [num, den] = target.metric.map(read);
    value = num !== undefined && den !== undefined && den > 0 ? num / den : undefined;
  }
  if (value === undefined) return { target, value, met: undefined };
  const met =
    target.op === '<=' ? value <= target.limit : target.op === '>=' ? value >= target.limit : value === target.limit;
  return { target, value, met };
}

export function formatValue(value: number, unit: Unit): string {
  switch (unit) {
    case 'ms':
      return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
    case 'x':
      return `${value.toFixed(2)}×`;
    case 'MiB':
      return `${Math.round(value)} MiB`;
    case 'bytes':
      return `${(value / 1024 / 1024).toFixed(2)} MiB`;
    default:
      return String(value);
  }
}

const OP = { '<=': '≤', '>=': '≥', '=': '=' } as const;
const cell = (s: string) => s.replaceAll('|', '\\|');

/** One markdown row per target: status, size, what, measured, target, the words. */
export function targetLines(verdicts: readonly Verdict[]): string[] {
  const rows = verdicts.map(({ target: t, value, met }) => {
    const status = met === undefined ? 'not measured' : met ? '✅' : '❌';
    const measured = value === undefined ? '—' : formatValue(value, t.unit);
    return `| ${status} | ${t.size} | ${t.what} | ${measured} | ${OP[t.op]} ${formatValue(t.limit, t.unit)} | ${cell(t.source)} |`;
  });
  const met = verdicts.filter((v) => v.met).length;
  const missed = verdicts.filter((v) => v.met === false).length;
  return [
    '| | size | target | measured | limit | issue 16 |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `${met} met, ${missed} missed, ${verdicts.length - met - missed} not measured (their size, or for growth a second size, not run in this run).`,
  ];
}

export interface Growth {
  readonly command: string;
  readonly from: string;
  readonly to: string;
  /** Wall time and peak memory at `to` over `from`. */
  readonly wall: number;
  readonly memory: number | undefined;
  /** What synth wrote at `to` over `from`: objects and bytes. */
  readonly objects: number;
  readonly bytes: number;
  /** Wall time or memory grew more than both objects and bytes written. */
  readonly faster: boolean;
}

/** Each command against the previous size at which it (and the output) was measured. */
export function growth(measured: Measured, commands: readonly string[]): Growth[] {
  const out: Growth[] = [];
  for (const command of commands) {
    const sizes = SIZE_ORDER.filter(
      (s) => measured[s]?.[`${command}.ms`] !== undefined && measured[s]?.['output.objects'],
    );
    for (let i = 1; i < sizes.length; i++) {
      const a = measured[sizes[i - 1]!]!;
      const b = measured[sizes[i]!]!;
      const factor = (m: string) => (a[m] && b[m] !== undefined ? b[m] / a[m] : undefined);
      const objects = factor('output.objects')!;
      const bytes = factor('output.bytes') ?? objects;
      const wall = factor(`${command}.ms`)!;
      const memory = factor(`${command}.mb`);
      const output = Math.max(objects, bytes);
      out.push({
        command,
        from: sizes[i - 1]!,
        to: sizes[i]!,
        wall,
        memory,
        objects,
        bytes,
        faster: wall > output || (memory ?? 0) > output,
      });
    }
  }
  return out;
}

export function growthLines(rows: readonly Growth[]): string[] {
  const x = (f: number | undefined) => (f === undefined ? '—' : `${f.toFixed(2)}×`);
  return [
    '| command | sizes | wall | peak memory | objects written | bytes written | |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (g) =>
        `| ${g.command} | ${g.from} → ${g.to} | ${x(g.wall)} | ${x(g.memory)} | ${x(g.objects)} | ${x(g.bytes)} | ${g.faster ? '❌ grows faster than the output' : ''} |`,
    ),
  ];
}

/** The growth's own figure for TARGETS (under GROWTH): how many commands grew faster; none when no two sizes were run. */
export function growthMeasured(rows: readonly Growth[]): Measured {
  if (rows.length === 0) return {};
  return { [GROWTH]: { faster: new Set(rows.filter((g) => g.faster).map((g) => g.command)).size } };
}
