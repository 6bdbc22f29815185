/**
 * A JSON spec's positions are found by walking its text (constructs/json-positions.ts), at any
 * size: each equal to what the `yaml` package's parse with positions says (JSON is YAML), for
 * every kind of path (a value, an item, a missing field, past the end of a list), however the
 * JSON is laid out.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateSpec } from '../constructs/generate.ts';
import { jsonPositions } from '../constructs/json-positions.ts';
import { readSpecText, specLocator, yamlPositions } from '../constructs/spec.ts';
import { run, tempDir } from './helpers.ts';

type Key = string | number;

/** The oracle: the `yaml` package's parse with positions (JSON is YAML), as YAML specs are placed. */
const yamlPosition = (text: string, keys: readonly Key[]) => yamlPositions(text)(keys);

/** Every path into `value` (and one step past each: a missing key, an index past the end). */
function pathsOf(value: unknown, prefix: Key[] = [], out: Key[][] = []): Key[][] {
  out.push(prefix);
  if (Array.isArray(value)) {
    value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
    out.push([...prefix, value.length], [...prefix, 'name']);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
    out.push([...prefix, 'missing'], [...prefix, 0]);
  } else out.push([...prefix, 'x']);
  return out;
}

/**
 * JSON with odd whitespace between its tokens (never inside a string, where a raw line break would
 * make it no JSON at all): spaces before each colon and a CRLF after it, a blank line after each
 * comma.
 */
function spacedOddly(v: unknown): string {
  const text = JSON.stringify(v, null, 1);
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i];
      else if (c === '"') inString = false;
    } else if (c === ':' && text[i + 1] === ' ') {
      out += '  :\r\n ';
      i++;
    } else if (c === ',' && text[i + 1] === '\n') {
      out += ' ,\n\n';
      i++;
    } else {
      out += c;
      if (c === '"') inString = true;
    }
  }
  return out;
}

/** JSON laid out as people and programs write it: one line, indented, or spaced oddly. */
const LAYOUTS: Record<string, (v: unknown) => string> = {
  'one line': (v) => JSON.stringify(v),
  'two spaces': (v) => JSON.stringify(v, null, 2),
  tabs: (v) => `\n${JSON.stringify(v, null, '\t')}\n`,
  'spaced oddly': spacedOddly,
};

describe('JSON spec positions', () => {
  it('equal the yaml package’s for every path of a generated organization, in every layout', () => {
    const spec = generateSpec({ users: 12, namespaces: 4, grants: 30, tokens: 3, seed: 3 });
    const paths = pathsOf(spec);
    expect(paths.length).toBeGreaterThan(300);
    for (const [layout, write] of Object.entries(LAYOUTS)) {
      const text = write(spec);
      const positions = jsonPositions(text);
      const oracle = yamlPositions(text);
      for (const keys of paths) expect(positions.at(keys), `${layout}: ${keys.join('.')}`).toEqual(oracle(keys));
    }
  });

  it('lay JSON out oddly outside its strings only (a key holding `": ` stays one string)', () => {
    const value = { '": ': [1, 'a, b'], x: { 'y:': 'z' } };
    const text = spacedOddly(value);
    expect(JSON.parse(text)).toEqual(value);
    expect(text).toContain('"\\": "  :\r\n [');
    expect(text).toContain(' ,\n\n');
  });

  it('equal the yaml package’s for any JSON value and path, asked in any order', () => {
    const key = fc.oneof(
      fc.constantFrom('a', 'b', 'spec', 'x"y', 'é', 'a\\b', '{', '[]', ''),
      fc.string({ maxLength: 3 }),
    );
    const json = fc.jsonValue({ maxDepth: 4 }).map((v) => ({ spec: v, k: [v, { a: v }] }));
    fc.assert(
      fc.property(
        json,
        fc.constantFrom(...Object.keys(LAYOUTS)),
        fc.array(fc.array(fc.oneof(key, fc.nat(4)), { maxLength: 5 }), { maxLength: 12 }),
        (value, layout, asked) => {
          const text = LAYOUTS[layout]!(value);
          const positions = jsonPositions(text);
          const oracle = yamlPositions(text);
          for (const keys of [...asked, ...pathsOf(value).slice(0, 40)])
            expect(positions.at(keys)).toEqual(oracle(keys));
        },
      ),
      { numRuns: 300, ...(process.env.ORGCTL_PROPERTY_SEED ? { seed: Number(process.env.ORGCTL_PROPERTY_SEED) } : {}) },
    );
  });

  it('thousands of questions behind a large value read the text about once (objects remember their members, lists their items)', () => {
    const spec = generateSpec({ users: 2_000, namespaces: 200, grants: 12_000, tokens: 400, seed: 4 });
    const text = JSON.stringify(spec, null, 1);
    const positions = jsonPositions(text);
    const oracle = yamlPositions(text);
    // Every token and every 10th grant, as the findings of a large spec ask (sorted by path: grants first).
    const asked = [
      ...spec.spec.grants!.flatMap((_, i) => (i % 10 ? [] : [['spec', 'grants', i, 'levels']])),
      ...spec.spec.tokens!.map((_, i) => ['spec', 'tokens', i, 'expires']),
      ['spec', 'users', 1_999, 'email'],
      ['metadata', 'name'],
    ];
    for (const keys of asked) expect(positions.at(keys)).toEqual(oracle(keys));
    expect(positions.skipped()).toBeLessThan(2 * text.length);
  });

  it('the lists the duplicate-key pass read (readSpecText) answer as the walk does, and let a question skip to its item', () => {
    const spec = generateSpec({ users: 300, namespaces: 40, grants: 1_000, tokens: 70, seed: 5 });
    // Lists of objects longer than LIST_STEP, one of mixed items (not indexed), an empty one, an
    // object that is no list, and a member at depth 3 that is no spec list.
    const value = {
      ...spec,
      spec: { ...spec.spec, mixed: [{ a: 1 }, 2, { b: [3] }], empty: [], settings: { x: [{ y: 1 }] } },
    };
    const paths = [
      ...pathsOf(value).filter((_, i) => i % 7 === 0),
      ['spec', 'grants', 999, 'user'],
      ['spec', 'grants', 1_000],
      ['spec', 'grants', 64],
      ['spec', 'grants', 63, 'levels', 0],
      ['spec', 'users', 299],
      ['spec', 'mixed', 2, 'b', 0],
      ['spec', 'empty', 0],
      ['spec', 'tokens', 69, 'id'],
    ];
    for (const [layout, write] of Object.entries(LAYOUTS)) {
      const text = write(value);
      const { data, lists } = readSpecText(text, 'org.json');
      expect(data).toEqual(JSON.parse(text));
      // Every spec list of objects, none of the others.
      const objects = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
      const specLists = Object.values(value.spec).filter((v) => Array.isArray(v) && v.length && v.every(objects));
      expect([...lists.values()].map((l) => l.count)).toEqual(specLists.map((l) => (l as unknown[]).length));
      expect(specLists.length).toBeGreaterThan(4);
      const walked = jsonPositions(text);
      const indexed = jsonPositions(text, lists);
      for (const keys of paths) expect(indexed.at(keys), `${layout}: ${keys.join('.')}`).toEqual(walked.at(keys));
      // The last grant: its block of LIST_STEP items walked, not the list up to it.
      const [far, farWalked] = [jsonPositions(text, lists), jsonPositions(text)];
      expect(far.at(['spec', 'grants', 0])).toEqual(farWalked.at(['spec', 'grants', 0]));
      const [before, beforeWalked] = [far.skipped(), farWalked.skipped()];
      expect(far.at(['spec', 'grants', 999])).toEqual(farWalked.at(['spec', 'grants', 999]));
      expect(far.skipped() - before).toBeLessThan((farWalked.skipped() - beforeWalked) / 10);
    }
  });

  it('a spec whose keys may repeat records no lists (its duplicate-key pass stopped early)', () => {
    const text = JSON.stringify({ spec: { grants: [{ user: 'a' }, { user: 'b' }], users: [{ 'e\\': 1 }] } });
    expect(readSpecText(text, 'org.json').lists.size).toBe(0);
    const repeated = '{"spec": {"grants": [{"user": "a"}], "grants": []}}';
    expect(() => readSpecText(repeated, 'org.json')).toThrow(/duplicate key "grants"/);
  });

  it('a text that is not JSON (a YAML flow mapping) is left to the yaml package', () => {
    const flow = '{apiVersion: orgctl/v1, spec: {grants: [{user: x, levels: [a, b]}]}}';
    expect(jsonPositions(flow).at(['spec'])).toBeUndefined();
    expect(specLocator(flow)('spec.grants[0].levels[1]')).toEqual(
      yamlPosition(flow, ['spec', 'grants', 0, 'levels', 1]),
    );
    expect(yamlPosition(flow, ['spec', 'grants', 0, 'levels', 1])).toEqual({ line: 1, column: flow.indexOf('b]') + 1 });
    expect(jsonPositions('\ufeff{"a": 1}').at(['a'])).toBeUndefined();
    // A key with an escape YAML has and JSON has not: YAML after all, not an error.
    const escaped = '{"apiVersion": "orgctl/v1", "\\x6detadata": {"name": "acme"}, "spec": {"owner": "a"}}';
    expect(jsonPositions(escaped).at(['spec', 'owner'])).toBeUndefined();
    expect(specLocator(escaped)('spec.owner')).toEqual(yamlPosition(escaped, ['spec', 'owner']));
  });

  it('a JSON spec of any size is placed; a YAML spec over 1 MiB keeps spec paths only', () => {
    const spec = generateSpec({ users: 3_000, namespaces: 300, grants: 20_000, tokens: 100, seed: 9 });
    const json = JSON.stringify(spec);
    expect(json.length).toBeGreaterThan(1024 * 1024);
    const locate = specLocator(json);
    const at = (path: string) => locate(path);
    // The last grant, then one in the middle: the list is read once.
    const last = `spec.grants[${spec.spec.grants!.length - 1}]`;
    expect(at(`${last}.namespace`)).toEqual(
      yamlPosition(json, ['spec', 'grants', spec.spec.grants!.length - 1, 'namespace']),
    );
    expect(at('spec.grants[7].user')).toEqual(yamlPosition(json, ['spec', 'grants', 7, 'user']));
    const yaml = `# generated\n${JSON.stringify(spec, null, 2).replace(/^\{/, '').replace(/\}$/, '').replace(/^ {2}/gm, '')}`;
    expect(yaml.length).toBeGreaterThan(1024 * 1024);
    expect(specLocator(yaml)('spec.grants[7].user')).toBeUndefined();
  });

  it('synth prints a large JSON spec’s warning led by its file position', async () => {
    const dir = tempDir();
    const file = join(dir, 'org.json');
    const spec = generateSpec({ users: 2_000, namespaces: 200, grants: 14_000, tokens: 50, seed: 7 });
    const text = JSON.stringify(spec);
    writeFileSync(file, text);
    expect(text.length).toBeGreaterThan(1024 * 1024);
    const r = await run(['synth', '--spec', file, '--out', join(dir, 'dist')]);
    expect(r.code).toBe(0);
    const warning = r.stderr.split('\n').find((l) => l.includes('warning risky-grant'))!;
    const [, column, path] = /^.*org\.json:1:(\d+): warning .*\(at (spec\.grants\[\d+\])\)$/.exec(warning)!;
    const index = Number(/\[(\d+)\]/.exec(path!)![1]);
    expect(Number(column)).toBe(yamlPosition(text, ['spec', 'grants', index])!.column);
  });
});
