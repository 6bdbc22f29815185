/**
 * Data read from a file another program wrote (a head dist/'s membership lists, a head proof, a
 * lock): said and measured without recursing into it. JSON.parse reads any nesting; JSON.stringify
 * and a recursive walk do not: a value nested 10,000 deep overflowed the stack (R13-F3).
 */
import { clipShown } from './text.ts';

/** Whether a value read as JSON is an object (not null, not a list). */
export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A value as a message says it: a text quoted (clipped), a scalar as itself, a list or an object by its size, never whole. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return clipShown(JSON.stringify(value), { ending: '..."' });
  if (Array.isArray(value)) return `a list (of ${value.length})`;
  if (typeof value === 'object' && value !== null) {
    const n = Object.keys(value).length;
    return `an object (of ${n} ${n === 1 ? 'key' : 'keys'})`;
  }
  return String(value);
}

/** Whether `value` nests lists and objects more than `max` levels deep (a scalar: 0), found without recursion. */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth + 1 > max) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}
