/**
 * What a v1.32 API server makes of a quantity, ported line by line from Go for tests to judge
 * orgctl's own reading against (not shared with it, so one mistake cannot hide in both):
 * apimachinery pkg/api/resource ParseQuantity (quantity.go: parseQuantityString, the int64 fast
 * path, the inf.Dec path rounding up to 1n and capping BinarySI at 2^63-1), suffixHandler.interpret
 * (suffix.go: the exponent of `1e5` is parsed in 64 bits and kept in 32, `int32(parsed)`), Cmp, and
 * MilliValue (ScaledValue: int64Amount.AsScaledInt64 gives 0 on overflow; scaledValue on an inf.Dec
 * multiplies in int64 and wraps), which ValidateResourceQuantityValue (pkg/apis/core/validation)
 * reads to refuse a count that is not whole: `value.MilliValue()%int64(1000) != int64(0)`.
 */

/** A parsed quantity: `unscaled × 10^-scale` (inf.Dec's scale), and which of Go's two forms holds it. */
export interface GoQuantity {
  readonly unscaled: bigint;
  readonly scale: bigint;
  readonly form: 'int64' | 'dec';
}

const INT64_MAX = 2n ** 63n - 1n;
const int64 = (x: bigint): bigint => BigInt.asIntN(64, x);
const int32 = (x: bigint): bigint => BigInt.asIntN(32, x);
const DIGITS = '0123456789';
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

interface QuantityParts {
  readonly positive: boolean;
  readonly value: string;
  readonly num: string;
  readonly denom: string;
  readonly suffix: string;
}

/** parseQuantityString: undefined for ErrFormatWrong. */
function parseQuantityString(str: string): QuantityParts | undefined {
  const positive = str[0] !== '-';
  const end = str.length;
  let pos = str[0] === '-' || str[0] === '+' ? 1 : 0;
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, value: '0', num: '0', denom: '', suffix: '' };
  let i = pos;
  while (i < end && DIGITS.includes(str[i]!)) i++;
  const num = str.slice(pos, i) || '0';
  if (i >= end) return { positive, value: str, num, denom: '', suffix: '' };
  pos = i;
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && DIGITS.includes(str[i]!)) i++;
    denom = str.slice(pos, i);
    if (i >= end) return { positive, value: str, num, denom, suffix: '' };
    pos = i;
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  i = pos;
  while (i < end && 'eEinumkKMGTP'.includes(str[i]!)) i++;
  if (i < end) {
    if (str[i] === '-' || str[i] === '+') i++;
    while (i < end && DIGITS.includes(str[i]!)) i++;
    if (i < end) return undefined;
  }
  return { positive, value, num, denom, suffix: str.slice(suffixStart) };
}

/** ParseQuantity(str): undefined where Go returns an error. */
export function goParseQuantity(str: string): GoQuantity | undefined {
  if (!str) return undefined;
  if (str === '0') return { unscaled: 0n, scale: 0n, form: 'int64' };
  const parts = parseQuantityString(str);
  if (!parts) return undefined;
  const { positive, value, num, denom, suffix } = parts;
  // suffixHandler.interpret
  let base: 10 | 2;
  let exponent: bigint;
  let format: 'DecimalSI' | 'BinarySI' | 'DecimalExponent';
  if (suffix in DECIMAL) [base, exponent, format] = [10, BigInt(DECIMAL[suffix]!), 'DecimalSI'];
  else if (suffix in BINARY) [base, exponent, format] = [2, BigInt(BINARY[suffix]!), 'BinarySI'];
  else if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    if (!/^[+-]?[0-9]+$/.test(suffix.slice(1))) return undefined;
    const parsed = BigInt(suffix.slice(1));
    if (parsed !== int64(parsed)) return undefined; // strconv.ParseInt(..., 10, 64) out of range
    [base, exponent, format] = [10, int32(parsed), 'DecimalExponent'];
  } else return undefined; // ErrSuffix
  // The int64 fast path.
  let precision: bigint;
  let scale = 0n;
  let mantissa = 1n;
  if (format === 'BinarySI') {
    if (exponent >= 0n && !denom.length) {
      mantissa = 1n << exponent;
      precision = 15n - BigInt(num.length) - BigInt(Math.trunc((Number(exponent) * 3) / 10)) - 1n;
    } else precision = -1n;
  } else {
    scale = exponent;
    precision = 18n - BigInt(num.length + denom.length);
  }
  if (precision >= 0n) {
    scale -= BigInt(denom.length);
    if (scale >= -9n) {
      const shifted = BigInt(num + denom);
      if (shifted > INT64_MAX) return undefined; // ErrNumeric
      const result = shifted * mantissa;
      if (result <= INT64_MAX) return { unscaled: positive ? result : -result, scale: -scale, form: 'int64' };
    }
  }
  // The inf.Dec path: value as written, the suffix applied, rounded up to 1n, BinarySI capped.
  const [whole, fraction = ''] = value.replace(/^[+-]/, '').split('.');
  let unscaled = BigInt(`${whole}${fraction}` || '0');
  let decScale = BigInt(fraction.length);
  if (base === 10) decScale -= exponent;
  else unscaled *= 1n << exponent;
  if (unscaled !== 0n && decScale !== 9n) {
    if (decScale < 9n) unscaled *= 10n ** (9n - decScale);
    else {
      const d = 10n ** (decScale - 9n);
      unscaled = unscaled / d + (unscaled % d ? 1n : 0n);
    }
    decScale = 9n;
  }
  if (format === 'BinarySI' && unscaled > INT64_MAX * 10n ** decScale) [unscaled, decScale] = [INT64_MAX, 0n];
  return { unscaled: positive ? unscaled : -unscaled, scale: decScale, form: 'dec' };
}

/** Decimal digits of |n| (n not 0). */
const digitsOf = (n: bigint): bigint => BigInt((n < 0n ? -n : n).toString().length);

/**
 * Quantity.Cmp: exact. Without computing 10^k for an exponent of up to 2^31 (`0e323228484` held a
 * fast-check run for 15 minutes): by sign, then by order of magnitude, exactly only when they meet.
 */
export function goCmp(a: GoQuantity, b: GoQuantity): number {
  const sign = (n: bigint) => (n < 0n ? -1 : n > 0n ? 1 : 0);
  const [sa, sb] = [sign(a.unscaled), sign(b.unscaled)];
  if (sa !== sb || sa === 0) return sa < sb ? -1 : sa > sb ? 1 : 0;
  // |q| is in [10^(order-1), 10^order): a lower order is a smaller magnitude.
  const [oa, ob] = [digitsOf(a.unscaled) - a.scale, digitsOf(b.unscaled) - b.scale];
  if (oa !== ob) return (oa < ob ? -1 : 1) * sa;
  const s = a.scale > b.scale ? a.scale : b.scale;
  const x = a.unscaled * 10n ** (s - a.scale);
  const y = b.unscaled * 10n ** (s - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Quantity.MilliValue(), with Go's int64 overflows (values not negative). */
export function goMilliValue(q: GoQuantity): bigint {
  const dif = q.scale - 3n; // the value's inf.Dec scale minus Milli's
  // Exponents reach 2^31: what 10^|dif| would give, said without computing it.
  if (q.unscaled === 0n) return 0n;
  if (dif > digitsOf(q.unscaled)) return 1n; // 0 < unscaled < 10^dif: rounded up to 1
  if (q.form === 'int64') {
    // int64Amount.AsScaledInt64(Milli): scaled up, 0 on overflow; scaled down, rounded up.
    if (dif < -19n) return 0n; // 10^20 and up overflow
    if (dif <= 0n) {
      const r = q.unscaled * 10n ** -dif;
      return r > INT64_MAX ? 0n : r;
    }
    const d = 10n ** dif;
    return q.unscaled / d + (q.unscaled % d ? 1n : 0n);
  }
  // scaledValue: unscaled.Int64() (the low 64 bits) times 10^-dif in int64, or divided rounding up.
  if (dif <= -64n) return 0n; // 2^64 divides 10^64 and up: 0 in int64
  if (dif <= 0n) return int64(int64(q.unscaled) * 10n ** -dif);
  const d = 10n ** dif;
  return int64(q.unscaled / d + (q.unscaled % d ? 1n : 0n));
}

/** ValidateResourceQuantityValue for a resource counted in whole units (IsIntegerResourceName): whether the API server accepts it. */
export const goAcceptsCount = (q: GoQuantity): boolean => q.unscaled >= 0n && goMilliValue(q) % 1000n === 0n;

/** The quantity `str` says, exactly, as `unscaled × 10^-scale` (binary suffixes multiplied out); undefined when it is none or beyond reach. */
export function writtenValue(str: string): { readonly unscaled: bigint; readonly scale: bigint } | undefined {
  const m = /^\+?([0-9]*)(?:\.([0-9]*))?(?:([KMGTPE]i)|([numkMGTPE])|[eE]([+-]?[0-9]+))?$/.exec(str);
  if (!m) return undefined;
  const unscaled = BigInt(`${m[1]}${m[2] ?? ''}` || '0');
  const exponent = m[4] ? BigInt(DECIMAL[m[4]]!) : m[5] ? BigInt(m[5]) : 0n;
  if (unscaled === 0n) return { unscaled, scale: 0n };
  if (exponent > 1000n || exponent < -1000n) return undefined;
  return {
    unscaled: unscaled * (m[3] ? 1n << BigInt(BINARY[m[3]]!) : 1n),
    scale: BigInt((m[2] ?? '').length) - exponent,
  };
}
