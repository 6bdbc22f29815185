/**
 * can-i and who-can answer for one cluster at a time, as kubectl asks one (red team R139): the
 * example organization's namespace ml is in lga1 only, so on ord1 nobody may get its pods. Read as
 * one authorizer, every cluster's objects together answered yes there, for both clusters.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, run } from './helpers.ts';

const DIST = join(ROOT, 'dist');

describe('R139-1: an output of two clusters is not answered as one cluster', () => {
  it('can-i get pods -n ml (ml in lga1 only) is not a plain yes: ord1 says no, and which cluster says what is printed', async () => {
    const r = await run(['can-i', 'get', 'pods', '-n', 'ml', '--as', 'erin@acme.io', '--dir', DIST]);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe('no');
    expect(r.stdout).toContain('lga1: yes');
    expect(r.stdout).toContain('ord1: no');
  });

  it('who-can get pods -n ml says erin holds it in lga1 only', async () => {
    const r = await run(['who-can', 'get', 'pods', '-n', 'ml', '--dir', DIST, '--format', 'json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { subject: string; clusters?: string[] }[];
    const erin = rows.filter((row) => row.subject === 'erin@acme.io');
    expect(erin.map((row) => row.clusters)).toEqual([['lga1']]);
  });
});
