/**
 * The seed: "deactivate the user's account and any Access Tokens associated to that user". A
 * deactivated token dies (its ServiceAccount, Secret and bindings are left out, so Argo CD prunes
 * them) while its access stays declared; reactivating it makes the ServiceAccount again.
 */
import { describe, expect, it } from 'vitest';
import { files, run, smallOrg, synth } from '../helpers.ts';
import { baseSpec, distPair, type Spec } from '../review/scenarios.ts';
import { importRbac } from '../../review/import.ts';
import { loadManifests } from '../../cli/manifests.ts';

/** The token's ServiceAccount, Secret and binding subjects (`name: token-ci`), and its Role: the membership data only names it. */
const tokenObjects = (out: Map<string, string>) =>
  [...out.values()].join('\n').match(/(name: token-ci\n|acme:token:ci\b)/g) ?? [];

describe('a deactivated token', () => {
  it('has no ServiceAccount, Secret or binding; the membership data keeps it, deactivated; activate() brings it back', () => {
    const { org, web } = smallOrg();
    const ci = org.token('ci', { name: 'CI', namespaces: [web] });
    ci.allow(web, [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }]);
    const active = files(org);
    expect(tokenObjects(active).length).toBeGreaterThan(2);
    ci.deactivate();
    const deactivated = files(org);
    expect(tokenObjects(deactivated)).toEqual([]);
    const members = JSON.parse(deactivated.get('members.json')!);
    expect(members.tokens).toEqual([
      expect.objectContaining({ id: 'ci', status: 'deactivated', namespaces: ['web'], customRbac: ['web'] }),
    ]);
    ci.activate();
    expect(files(org)).toEqual(active);
  });

  it('is declared by the spec too, and recovered from the output by import', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const spec = baseSpec();
    (spec.spec.tokens as Record<string, unknown>[])[1]!.status = 'deactivated';
    const dir = mkdtempSync(join(tmpdir(), 'orgctl-token-status-'));
    writeFileSync(join(dir, 'org.json'), JSON.stringify(spec));
    const r = await run(['synth', '--spec', join(dir, 'org.json'), '--out', join(dir, 'dist')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { spec: imported } = importRbac(loadManifests(join(dir, 'dist')).docs);
    expect(imported.spec.tokens!.find((t) => t.id === 'bots')).toMatchObject({ status: 'deactivated' });
    expect(imported.spec.tokens!.find((t) => t.id === 'ci')!.status).toBeUndefined();
    // The recovered organization renders the same output (the proof's round trip).
    expect((await run(['prove', '--dir', join(dir, 'dist')])).code).toBe(0);
  });

  it('lifts token-owner-inactive: the seed deactivates a departing user and their tokens', () => {
    const { org, web } = smallOrg();
    const bob = org.user('bob@acme.io').deactivate();
    const t = org.token('notebook', { namespaces: [web], levels: ['r:full'], owner: bob });
    expect(synth(org).findings.map((f) => f.rule)).toEqual(['token-owner-inactive']);
    expect(synth(org).findings[0]!.message).toContain('deactivate the token');
    t.deactivate();
    const r = synth(org);
    expect(r.findings).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('refuses a status that is neither active nor deactivated', () => {
    const { org } = smallOrg();
    expect(() => org.token('ci', { status: 'paused' as never })).toThrow(/status.*"paused"/);
  });
});

describe('in the review', () => {
  const deactivate = (s: Spec) => ((s.spec.tokens as Record<string, unknown>[])[0]!.status = 'deactivated');
  const review = (sides: { base: string; head: string }, ...args: string[]) =>
    run(['review', '--base', sides.base, '--head', sides.head, '--changed-path', 'org/org.ts', ...args]);

  it('deactivating is routine: the comment says the token dies and what it loses', async () => {
    const sides = await distPair(baseSpec(), deactivate);
    const r = await review(sides, '--actor', 'alice');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '- is deactivated: its ServiceAccount and token are deleted once synced (its access stays declared)',
    );
    expect(r.stdout).toMatch(/- loses w:full in web/);
  });

  it('reactivating a token with access reserved for admins is admin-grade: another admin approves, and its owner may not make it', async () => {
    const base = baseSpec();
    deactivate(base);
    const sides = await distPair(base, (s) => ((s.spec.tokens as Record<string, unknown>[])[0]!.status = 'active'));
    const alone = await review(sides, '--actor', 'alice');
    expect(alone.code).toBe(1);
    expect(alone.stdout).toContain(
      '- is reactivated: ServiceAccount token-ci is made again, with a new token to hand over',
    );
    expect(alone.stdout).toMatch(/\| `admin-change-approval` \| ❌ \| token ci \(access reserved for admins in web\)/);
    // ci belongs to alice: she gains from it, so another admin makes it and a third approves.
    const own = await review(sides, '--actor', 'alice', '--approved-by', 'frank');
    expect(own.code).toBe(1);
    expect(own.stdout).toMatch(/\| `self-edit` \| ❌ \| token ci belongs to alice&#64;acme\.io/);
    expect((await review(sides, '--actor', 'frank', '--approved-by', 'dan')).code).toBe(0);
  });
});
