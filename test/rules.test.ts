/** The rule registry (model/rules.ts): every rule orgctl reports is there, once, and everything that lists rules reads it. */
import { describe, expect, it } from 'vitest';
import { OVERRIDABLE_RULES, RULES, RULE_BY_ID, rulesOf } from '../model/rules.ts';
import { MODEL_RULES, OUTPUT_RULES } from '../policies/org/index.ts';
import { CHANGE_RULES } from '../review/review.ts';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, run } from './helpers.ts';

describe('the rule registry', () => {
  it('holds each id once, in kebab-case, with a description and a remediation', () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const r of RULES) {
      expect(r.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(r.description.length, r.id).toBeGreaterThan(20);
      expect(r.remediation.length, r.id).toBeGreaterThan(3);
    }
  });

  it('every implemented rule is registered at its stage', () => {
    for (const r of MODEL_RULES) expect(RULE_BY_ID.get(r.id)?.stage, r.id).toBe('declaration');
    for (const r of OUTPUT_RULES) expect(RULE_BY_ID.get(r.id)?.stage, r.id).toBe('output');
    for (const r of CHANGE_RULES) expect(RULE_BY_ID.get(r.id)?.stage, r.id).toBe('change');
  });

  it('only change rules can be overridden, and only mass-removal is', () => {
    expect(OVERRIDABLE_RULES).toEqual(['mass-removal']);
  });

  it('orgctl check --list prints the declaration and output rules of the registry, in its order', async () => {
    const text = await run(['check', '--list']);
    expect(text.stdout.split('\n').map((l) => l.split(/\s+/)[0])).toEqual(
      [...rulesOf('declaration'), ...rulesOf('output')].map((r) => r.id),
    );
    const json = JSON.parse((await run(['check', '--list', '--format', 'json'])).stdout) as {
      id: string;
      stage: string;
      remediation: string;
    }[];
    expect(json).toEqual([...rulesOf('declaration'), ...rulesOf('output')]);
  });

  it('orgctl review --help lists every change rule and how the overridable one is lifted', async () => {
    const help = (await run(['review', '--help'])).stdout;
    for (const r of rulesOf('change')) expect(help).toMatch(new RegExp(`^  ${r.id} `, 'm'));
    expect(help).toContain('(override: the label orgctl/override-mass-removal');
  });

  it('every finding of the example and of every bad-input fixture names a registered rule', async () => {
    // Types hold ids to the registry at compile time; this catches a cast or a rule read from data.
    const ruleIds = (out: string) =>
      out.startsWith('{')
        ? ((JSON.parse(out) as { findings?: { rule: string }[] }).findings ?? []).map((f) => f.rule)
        : [];
    const dir = join(ROOT, 'test/fixtures/bad-input');
    const specs = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f) && f !== 'expectations.json');
    const found = (
      await Promise.all([
        run(['check', '--format', 'json']),
        run(['synth', '--check', '--format', 'json']),
        ...specs.map((f) => run(['check', '--spec', join(dir, f), '--format', 'json'])),
      ])
    ).flatMap((r) => ruleIds(r.stdout));
    expect(new Set(found).size).toBeGreaterThan(8);
    for (const id of found) expect(RULE_BY_ID.has(id as never), id).toBe(true);
  });
});
