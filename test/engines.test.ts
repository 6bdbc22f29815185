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
import { satisfies, type Version } from './semver.ts';

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
