/**
 * The part of npm's semver ranges Node versions are declared with (x-ranges, ^, ~, comparators, ||,
 * hyphen-free): package.json `engines.node` read as npm reads it, for the engines tests.
 */

export type Version = readonly [number, number, number];

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
