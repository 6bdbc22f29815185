/**
 * Every installed package runs on every Node version orgctl declares (package.json `engines.node`):
 * `npm ci` prints no EBADENGINE warning, and no dependency quietly needs a newer Node. The check is
 * a small semver subset (x-ranges, ^, ~, comparators, ||, hyphen-free): orgctl's range is sampled
 * at every MAJOR.MINOR.0 from 14 to 40, and each sample must satisfy every package's range.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.ts';

type Version = readonly [number, number, number];

const cmp = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** One comparator (`>=20.19.0`, `^20`, `~1.2`, `20 || 22` is split before) as a test on a version. */
function comparator(text: string): (v: Version) => boolean {
  const m = /^(>=|<=|>|<|=|\^|~)?\s*v?(\d+|[xX*])?(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-[\w.]+)?$/.exec(text);
  if (!m) throw new Error(`unsupported range part ${JSON.stringify(text)}`);
  const [, op = '', ...parts] = m;
  const nums = parts.map((p) => (p === undefined || /[xX*]/.test(p) ? undefined : Number(p)));
  const given = nums.indexOf(undefined);
  const precision = given < 0 ? 3 : given; // how many of MAJOR.MINOR.PATCH are given
  const base: Version = [nums[0] ?? 0, nums[1] ?? 0, nums[2] ?? 0];
  if (precision === 0) return () => true; // *, x
  // The version just past the range an x-range or a caret/tilde covers.
  const bump = (i: number): Version =>
    i === 0 ? [base[0] + 1, 0, 0] : i === 1 ? [base[0], base[1] + 1, 0] : [base[0], base[1], base[2] + 1];
  switch (op) {
    case '>=':
      return (v) => cmp(v, base) >= 0;
    case '>':
      return (v) => cmp(v, precision < 3 ? bump(precision - 1) : base) >= (precision < 3 ? 0 : 1);
    case '<':
      return (v) => cmp(v, base) < 0;
    case '<=':
      return (v) => cmp(v, precision < 3 ? bump(precision - 1) : base) < (precision < 3 ? 0 : 1);
    case '^': {
      const first = base[0] > 0 || precision === 1 ? 0 : base[1] > 0 || precision === 2 ? 1 : 2;
      return (v) => cmp(v, base) >= 0 && cmp(v, bump(first)) < 0;
    }
    case '~':
      return (v) => cmp(v, base) >= 0 && cmp(v, bump(precision === 1 ? 0 : 1)) < 0;
    default:
      return (v) => cmp(v, base) >= 0 && cmp(v, bump(precision - 1)) < 0;
  }
}

/** Whether `v` satisfies a range such as `^20.19.0 || >=22.12.0` or `>= 14.17 < 23`. */
export function satisfies(v: Version, range: string): boolean {
  return range.split('||').some((set) => {
    const parts = set
      .trim()
      .replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1')
      .split(/\s+/)
      .filter(Boolean);
    return parts.every((p) => comparator(p)(v));
  });
}

/** Every package.json under node_modules (nested ones too), as name, version and engines.node. */
function installed(dir = join(ROOT, 'node_modules')): { name: string; version: string; node: string }[] {
  const out: { name: string; version: string; node: string }[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (entry.startsWith('@')) {
      out.push(...installed(path));
      continue;
    }
    const manifest = join(path, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
    if (typeof pkg.engines?.node === 'string')
      out.push({ name: pkg.name, version: pkg.version, node: pkg.engines.node });
    if (existsSync(join(path, 'node_modules'))) out.push(...installed(join(path, 'node_modules')));
  }
  return out;
}

const declared: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).engines.node;
const samples: Version[] = [];
for (let major = 14; major <= 40; major++)
  for (let minor = 0; minor <= 40; minor++) if (satisfies([major, minor, 0], declared)) samples.push([major, minor, 0]);

describe('engines', () => {
  it('the range check reads ranges as npm does', () => {
    expect(satisfies([20, 19, 0], '^20.19.0 || >=22.12.0')).toBe(true);
    expect(satisfies([20, 18, 0], '^20.19.0 || >=22.12.0')).toBe(false);
    expect(satisfies([21, 0, 0], '^20.19.0 || >=22.12.0')).toBe(false);
    expect(satisfies([22, 12, 0], '^20.19.0 || >=22.12.0')).toBe(true);
    expect(satisfies([20, 0, 0], '>=22')).toBe(false);
    expect(satisfies([20, 0, 0], '>= 8')).toBe(true);
    expect(satisfies([20, 0, 0], '20 || >=22')).toBe(true);
    expect(satisfies([21, 5, 0], '20 || >=22')).toBe(false);
    expect(satisfies([16, 0, 0], '>=14.17 <16')).toBe(false);
    expect(satisfies([20, 3, 0], '~20.2')).toBe(false);
  });

  it('orgctl declares Node 20 (the CI and the workflows run it) and the current LTS lines', () => {
    expect(samples.some((v) => v[0] === 20)).toBe(true);
    expect(samples.some((v) => v[0] === 22)).toBe(true);
    expect(satisfies([Number(process.versions.node.split('.')[0]), 99, 0], declared)).toBe(true);
  });

  it('no installed package excludes a Node version orgctl declares', () => {
    const excluding = installed().flatMap(({ name, version, node }) => {
      const bad = samples.filter((v) => !satisfies(v, node));
      return bad.length ? [`${name}@${version} needs node ${node}, excluding ${bad[0]!.join('.')}`] : [];
    });
    expect(excluding).toEqual([]);
  });
});
