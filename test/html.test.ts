/**
 * The access page in a real browser: headless Chromium (Debian's package) loads it from a file,
 * with no network request; the rendered cells, a filter interaction and a screenshot.
 * .ci/run installs Chromium and sets ORGCTL_REQUIRE_BROWSER=1, so CI always runs this.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { diffSnapshots } from '../analysis/diff.ts';
import { diffHtml } from '../report/diff-html.ts';
import { accessHtml, strengthOf } from '../report/access-html.ts';
import type { SubjectAccess } from '../analysis/access.ts';
import { ROOT, run } from './helpers.ts';
import { baseSpec, snapshotOf } from './review/scenarios.ts';
import { TODAY } from './helpers.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUT = join(ROOT, 'test-output');
const haveBrowser = existsSync(CHROMIUM);
if (process.env.ORGCTL_REQUIRE_BROWSER && !haveBrowser)
  throw new Error(`ORGCTL_REQUIRE_BROWSER is set but ${CHROMIUM} does not exist`);

/** 400 people × 300 namespaces (past the dense limit): person i holds three namespaces. */
function sparseMatrix(): SubjectAccess[] {
  return Array.from({ length: 400 }, (_, i) => ({
    kind: 'User' as const,
    name: `user-${i}@acme.io`,
    namespaces: Object.fromEntries(
      [0, 1, 2].map((k) => [
        `ns-${(i + k) % 300}`,
        {
          levels: k === 2 ? ['w:services'] : ['r:pods'],
          classes: [],
          via: [`RoleBinding ns-${(i + k) % 300}/x → ClusterRole x`],
        },
      ]),
    ),
  }));
}

/** An admin: w:full in every one of `n` namespaces. */
function adminOf(n: number): SubjectAccess {
  const full = { levels: ['w:full'], classes: [], via: ['RoleBinding x/acme:w:full → ClusterRole acme:w:full'] };
  return {
    kind: 'User',
    name: 'admin@acme.io',
    namespaces: Object.fromEntries(Array.from({ length: n }, (_, i) => [`ns-${i}`, full])),
  };
}

describe('access page', () => {
  it('colours cells by strength', () => {
    expect(strengthOf(undefined)).toBe('none');
    expect(strengthOf({ levels: ['r:pods'], classes: [], via: [] })).toBe('read');
    expect(strengthOf({ levels: ['r:pods', 'w:services'], classes: [], via: [] })).toBe('write');
    expect(strengthOf({ levels: ['w:full'], classes: ['run-pods'], via: [] })).toBe('admin');
  });

  it('escapes what the manifests hold', () => {
    const page = accessHtml(
      [
        {
          kind: 'User',
          name: '<img src=x onerror=alert(1)>',
          namespaces: { web: { levels: ['r:pods'], classes: [], via: ['"><script>'] } },
        },
      ],
      { title: 't' },
    );
    expect(page).not.toContain('<img src=x');
    expect(page).not.toContain('"><script>');
  });

  it('diff --format html colours gains and losses', () => {
    const base = baseSpec();
    const head = structuredClone(base);
    head.spec.grants[0].levels = ['r:pods', 'w:configmaps'];
    const page = diffHtml(diffSnapshots(snapshotOf(base), snapshotOf(head), TODAY), 'changes');
    expect(page).toContain('<li class="gain">gains w:configmaps in web</li>');
    expect(page).toContain('<li class="loss">loses w:services in web (keeps r:pods, w:configmaps)</li>');
  });

  it('diff --format html shows what the pull request comment shows: settings and guard rails, a weakening as a loss', () => {
    const base = baseSpec() as any;
    base.spec.namespaces[0].podSecurity = { enforce: 'restricted' };
    const head = structuredClone(base);
    head.spec.namespaces[0].podSecurity = { enforce: 'baseline' };
    head.spec.identity = { usernamePrefix: 'oidc:' };
    const page = diffHtml(diffSnapshots(snapshotOf(base), snapshotOf(head), TODAY), 'changes');
    expect(page).toMatch(
      /<h2>Namespace guard rails<\/h2><ul><li class="loss">web: [^<]*restricted[^<]*baseline[^<]*<\/li>/,
    );
    expect(page).toMatch(/<li>setting [^<]*usernamePrefix[^<]*<\/li>/);
  });

  it('lists only held namespaces per person past the dense limit, and escapes them too', () => {
    const page = accessHtml(sparseMatrix(), { title: 't' });
    expect(page).toContain('class="sparse"');
    expect(page).toContain('400 people × 300 namespaces');
    expect(page.match(/<span class="[a-z]+" data-ns=/g)).toHaveLength(400 * 3);
    expect(page).not.toContain('<td class="none"');
    const small = accessHtml(sparseMatrix().slice(0, 2), { title: 't' });
    expect(small).not.toContain('class="sparse"');
    const hostile = accessHtml(
      [
        ...sparseMatrix(),
        {
          kind: 'User',
          name: '<img src=x onerror=alert(1)>',
          namespaces: { '"><b>': { levels: ['r:pods'], classes: [], via: ['"><script>'] } },
        },
      ],
      { title: 't' },
    );
    expect(hostile).toContain('class="sparse"');
    expect(hostile).not.toContain('<img src=x');
    expect(hostile).not.toContain('"><b>');
    expect(hostile).not.toContain('"><script>');
  });

  it("writes an admin's namespaces as one chip on a large page", () => {
    const page = accessHtml([adminOf(300), ...sparseMatrix()], { title: 't' });
    expect(page).toContain(
      '<span class="admin" data-ns="*" data-levels="w:full" title="w:full in all 300 namespaces">every namespace (300): w:full</span>',
    );
    expect(page.match(/<span class="[a-z]+" data-ns=/g)).toHaveLength(1 + 400 * 3);
    // holding w:full everywhere but one namespace is not "every namespace"
    const almost = adminOf(300);
    const namespaces = { ...almost.namespaces };
    delete namespaces['ns-0'];
    expect(accessHtml([{ ...almost, namespaces }, ...sparseMatrix()], { title: 't' })).not.toContain('every namespace');
  });

  it('lists the first 1,000 warnings and says how many more the JSON has', () => {
    const risky = Array.from({ length: 1_200 }, (_, i) => ({
      kind: 'User' as const,
      name: `u${i}@acme.io`,
      namespaces: { web: { levels: ['r:secrets'], classes: ['read-secrets' as const], via: [] } },
    }));
    const page = accessHtml(risky, { title: 't' });
    expect(page.match(/<li class="warn">/g)).toHaveLength(1_000);
    expect(page).toContain('... and 200 more: <code>orgctl access --format json</code> lists every one');
  });

  it.runIf(haveBrowser)("a large organization's page filters by person, namespace and level in Chromium", async () => {
    mkdirSync(OUT, { recursive: true });
    const file = join(OUT, 'access-large.html');
    writeFileSync(file, accessHtml([adminOf(300), ...sparseMatrix()], { title: 'large' }));
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      await page.goto(pathToFileURL(file).href);
      expect(await page.locator('#people tbody tr').count()).toBe(401);
      expect(await page.locator('#people span[data-ns]').count()).toBe(1201); // the admin's namespaces are one chip
      await page.fill('#f-namespace', 'ns-7');
      // ns-7, ns-70..79 and ns-270..279 hold the visible chips: person i holds ns-(i mod 300), +1 and +2
      const visible = await page.locator('#people span[data-ns]:visible').count();
      const expected = sparseMatrix()
        .flatMap((s) => Object.keys(s.namespaces))
        .filter((ns) => ns.includes('ns-7')).length;
      expect(visible).toBe(expected + 1); // "every namespace" always shows
      await page.fill('#f-namespace', '');
      await page.fill('#f-person', 'user-12@');
      expect(await page.locator('#people tbody tr:visible').count()).toBe(1);
      await page.fill('#f-person', '');
      await page.selectOption('#f-level', 'w:services');
      expect(await page.locator('#people span.dim').count()).toBe(801); // only the third namespace has w:services (and the admin w:full)
    } finally {
      await browser.close();
    }
  });

  it.runIf(haveBrowser)(
    'renders in headless Chromium: every cell, a person filter, no network, a screenshot',
    async () => {
      mkdirSync(OUT, { recursive: true });
      const file = join(OUT, 'access.html');
      expect((await run(['access', '--format', 'html', '--out', file])).code).toBe(0);
      const html = readFileSync(file, 'utf8');
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
        const requests: string[] = [];
        page.on('request', (r) => requests.push(r.url()));
        await page.goto(pathToFileURL(file).href);
        const people = await page.locator('#people tbody tr').count();
        const namespaces = await page.locator('#people thead th[data-ns]').count();
        // Every row is a person's, a token's or a group's (the bootstrap groups, system:authenticated first:
        // system:authenticated, system:masters, system:monitoring, system:serviceaccounts, system:unauthenticated).
        const groups = await page.locator('#groups tbody tr').count();
        expect(groups).toBe(5);
        expect(await page.locator('#groups tbody tr').first().textContent()).toContain('system:authenticated');
        expect(people).toBe(
          html.match(/<tr data-subject=/g)!.length - (await page.locator('#tokens tbody tr').count()) - groups,
        );
        expect(await page.locator('#people td[data-ns]').count()).toBe(people * namespaces);
        expect(await page.locator('#people td.admin').count()).toBeGreaterThan(0);
        await page.fill('#f-person', 'bob');
        expect(await page.locator('#people tbody tr:visible').count()).toBe(1);
        await page.fill('#f-person', '');
        await page.selectOption('#f-level', 'w:services');
        expect(await page.locator('#people td.dim').count()).toBeGreaterThan(0);
        await page.screenshot({ path: join(OUT, 'access.png'), fullPage: true });
        expect(readFileSync(join(OUT, 'access.png')).subarray(1, 4).toString()).toBe('PNG');
        expect(requests.every((u) => u.startsWith('file://'))).toBe(true);
      } finally {
        await browser.close();
      }
    },
  );
});

/**
 * R64-4 (defense in depth): the pages escape every name, and say they make no network request;
 * nothing held them to it. A name an escape missed (`<img src=…>`, a `<script>`) would beacon or
 * run wherever the page is opened (the review's artifact, unzipped on an admin's machine). Each
 * page now carries a Content-Security-Policy: nothing fetched, no script but its own.
 */
describe('R64-4: the pages forbid what they never do', () => {
  const access = accessHtml([], { title: 't' });
  const diff = diffHtml(diffSnapshots(snapshotOf(baseSpec()), snapshotOf(baseSpec()), TODAY), 't');
  const policyOf = (page: string) => /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(page)?.[1];

  it('each page holds a policy: no source by default, and the access page no script but its own', async () => {
    const { createHash } = await import('node:crypto');
    for (const page of [access, diff]) expect(policyOf(page)).toMatch(/^default-src 'none';/);
    const script = /<script>([\s\S]*?)<\/script>/.exec(access)![1]!;
    const hash = createHash('sha256').update(script).digest('base64');
    expect(policyOf(access)).toContain(`script-src 'sha256-${hash}'`);
    expect(policyOf(diff)).not.toContain('script-src');
  });

  it.runIf(haveBrowser)(
    'in Chromium, markup an escape missed neither fetches nor runs; the page script still does',
    async () => {
      mkdirSync(OUT, { recursive: true });
      const file = join(OUT, 'access-csp.html');
      // A beacon's server counts what reaches it (a request the policy blocks never does).
      const { createServer } = await import('node:http');
      let hits = 0;
      const server = createServer((_req, res) => {
        hits++;
        res.end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as { port: number };
      const slipped = `<img src="http://127.0.0.1:${port}/beacon.png"><script>document.title = "ran"</script>`;
      const html = accessHtml([adminOf(3)], { title: 't' });
      writeFileSync(file, html.replace('<h2>People</h2>', `${slipped}<h2>People</h2>`));
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
      try {
        const page = await browser.newPage();
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
        await page.selectOption('#f-level', 'w:services'); // the page's own script dims the admin's w:full cells
        const dimmed = await page.locator('#people td.dim').count();
        expect({ title: await page.title(), hits, dimmed }).toEqual({ title: 't', hits: 0, dimmed: 3 });
      } finally {
        await browser.close();
        server.close();
      }
    },
  );
});
