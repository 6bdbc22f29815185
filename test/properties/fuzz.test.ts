/**
 * A fuzzed front door: valid specs mutated (dropped, duplicated, retyped, overlong and unicode
 * strings, deep nesting, huge arrays, __proto__ keys) never crash check or synth: exit 0, 1 or 2,
 * a message that names where, no stack trace, and the output folder untouched on failure. A
 * damaged dist/ never gets a passing review.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { listFiles } from '../../cli/output.ts';
import { toYamlDocument } from '../../synth/yaml.ts';
import { ROOT, run, tempDir } from '../helpers.ts';

const RUNS = Number(process.env.ORGCTL_FUZZ_RUNS ?? 150);
const ACME = parse(readFileSync(join(ROOT, 'test/fixtures/specs/acme.yaml'), 'utf8')) as Record<string, unknown>;

type Op =
  | 'drop'
  | 'duplicate'
  | 'number'
  | 'string'
  | 'boolean'
  | 'null'
  | 'object'
  | 'array'
  | 'overlong'
  | 'unicode'
  | 'deep'
  | 'huge'
  | 'proto';
const OPS: Op[] = [
  'drop',
  'duplicate',
  'number',
  'string',
  'boolean',
  'null',
  'object',
  'array',
  'overlong',
  'unicode',
  'deep',
  'huge',
  'proto',
];

/** Applies one mutation at the node a random walk (by the given choices) reaches. */
function mutate(doc: unknown, choices: readonly number[], op: Op): unknown {
  const root = structuredClone(doc) as Record<string, unknown>;
  let parent: Record<string, unknown> | unknown[] = root;
  let key: string | number = Object.keys(root)[choices[0]! % Object.keys(root).length]!;
  for (const c of choices.slice(1)) {
    const v: unknown = (parent as Record<string | number, unknown>)[key];
    if (v === null || typeof v !== 'object') break;
    const keys: (string | number)[] = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
    if (!keys.length) break;
    parent = v as Record<string, unknown>;
    key = keys[c % keys.length]!;
  }
  const p = parent as Record<string | number, unknown>;
  const current = p[key];
  const set = (v: unknown) => (p[key] = v);
  switch (op) {
    case 'drop':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete p[key];
      break;
    case 'duplicate':
      if (Array.isArray(parent)) parent.push(structuredClone(current));
      else set([current, current]);
      break;
    case 'number':
      set(-1e308);
      break;
    case 'string':
      set('42');
      break;
    case 'boolean':
      set(true);
      break;
    case 'null':
      set(null);
      break;
    case 'object':
      set({ unexpected: current });
      break;
    case 'array':
      set([current]);
      break;
    case 'overlong':
      set('x'.repeat(200_000));
      break;
    case 'unicode':
      set('wéb\u202e東京🙂\u200b\u0000');
      break;
    case 'deep': {
      let v: unknown = current;
      for (let i = 0; i < 500; i++) v = [v];
      set(v);
      break;
    }
    case 'huge':
      set(Array.from({ length: 10_000 }, () => current));
      break;
    case 'proto':
      Object.defineProperty(Array.isArray(parent) ? root : parent, '__proto__', {
        value: { admin: true, polluted: true },
        enumerable: true,
        configurable: true,
        writable: true,
      });
      break;
  }
  return root;
}

const STACK = /^\s+at .+:\d+:\d+\)?$/m;

describe('fuzzed front door', () => {
  it(`check and synth survive ${RUNS} mutated specs`, async () => {
    const out = join(tempDir(), 'dist');
    const seedRun = await run(['synth', '--spec', join(ROOT, 'test/fixtures/specs/acme.yaml'), '--out', out]);
    expect(seedRun.code).toBe(0);
    const snapshot = () => listFiles(out).map((f) => [f, readFileSync(join(out, f), 'utf8')]);
    const dir = tempDir();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
        fc.constantFrom(...OPS),
        fc.boolean(),
        async (choices, op, asYaml) => {
          const spec = mutate(ACME, choices, op);
          // FUZZ_LOG=file records every case before it runs: a crash (out of memory) leaves its cause.
          if (process.env.FUZZ_LOG)
            appendFileSync(process.env.FUZZ_LOG, `${op} ${JSON.stringify(choices)} ${asYaml}\n`);
          const file = join(dir, `spec-${n++}.${asYaml ? 'yaml' : 'json'}`);
          writeFileSync(file, asYaml ? toYamlDocument(spec as Record<string, unknown>) : JSON.stringify(spec));
          for (const args of [
            ['check', '--spec', file],
            ['synth', '--spec', file, '--out', out],
          ]) {
            const before = snapshot(); // a harmless mutation may have synthesized a new output
            const r = await run(args);
            expect([0, 1, 2], `${args[0]} ${op} ${JSON.stringify(choices)}: ${r.stderr}`).toContain(r.code);
            expect(r.stderr).not.toMatch(STACK);
            expect(r.stderr, `${op} ${JSON.stringify(choices)}`).not.toMatch(/ORGCTL_DEBUG/); // an unexpected exception
            if (r.code !== 0)
              expect(r.stderr).toMatch(
                /spec|metadata|apiVersion|kind|\(document\)|:\d+:\d+|declaration|users\/|namespaces\/|tokens\/|invites\/|organization\//,
              );
            if (args[0] === 'synth' && r.code !== 0) expect(snapshot()).toEqual(before);
          }
          if (op === 'proto') expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        },
      ),
      { numRuns: RUNS, seed: Number(process.env.ORGCTL_PROPERTY_SEED ?? Date.now() % 2 ** 31) },
    );
  });

  it('a YAML spec too large to parse safely is refused before parsing', async () => {
    const file = join(tempDir(), 'big.yaml');
    writeFileSync(file, `# ${'x'.repeat(17 * 1024 * 1024)}\napiVersion: orgctl/v1\n`);
    const r = await run(['check', '--spec', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/big.yaml: 17 MB of YAML is larger than 16 MB; write large organizations as JSON/);
  });

  it('a YAML alias bomb is refused quickly, with a message', async () => {
    const file = join(tempDir(), 'bomb.yaml');
    const lines = [
      'apiVersion: orgctl/v1',
      'kind: Organization',
      'metadata: {name: acme}',
      'spec:',
      '  owner: a@acme.io',
      '  x0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ];
    for (let i = 1; i < 12; i++)
      lines.push(
        `  x${i}: &a${i} [${Array(9)
          .fill(`*a${i - 1}`)
          .join(',')}]`,
      );
    writeFileSync(file, lines.join('\n'));
    const r = await run(['check', '--spec', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/aliases are limited|spec/);
  });

  it.each([
    ['no organization ConfigMap', (t: string) => t.replace(/name: orgctl-organization/, 'name: something-else')],
    ['users that are not JSON', (t: string) => t.replace(/users.jsonl: \|\n {4}\{/, 'users.jsonl: |\n    nope{')],
    [
      'organization.json that is not JSON',
      (t: string) => t.replace(/organization.json: \|\n {4}\{/, 'organization.json: |\n    ['),
    ],
  ])('a damaged base dist/ (%s) never gets a verdict', async (_what, damage) => {
    const dist = join(tempDir(), 'dist');
    await run(['synth', '--spec', join(ROOT, 'test/fixtures/specs/acme.yaml'), '--out', dist]);
    for (const f of listFiles(dist).filter((x) => x.endsWith('cluster/resources.yaml')))
      writeFileSync(join(dist, f), damage(readFileSync(join(dist, f), 'utf8')));
    const r = await run(['review', '--base', dist, '--head', 'dist', '--actor', 'alice']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(STACK);
  });
});
