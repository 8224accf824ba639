import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPORT_SECTIONS } from '../../../src/report/html-sections.js';
import { renderHtml } from '../../../src/report/html.js';
import type { ReportData, ReportIntegrity } from '../../../src/report/model.js';

/**
 * The HTML report in a real browser: Debian's Chromium driven by playwright-core (no
 * bundled browser download). The page must load without console errors or requests
 * outside the file, show the fixture's totals and every section, and both screenshot and
 * print to PDF. The artefacts land in test-results/report/ (gitignored) for a human look.
 *
 * Chromium missing is a failure, not a skip: `.ci/run` installs it. Only
 * CHANGEBRIDGE_SKIP_BROWSER=1 skips, and says so loudly.
 */

const CHROMIUM = '/usr/bin/chromium';
const SKIP = process.env.CHANGEBRIDGE_SKIP_BROWSER === '1';
const repoRoot = resolve(import.meta.dirname, '../../..');
const outDir = join(repoRoot, 'test-results', 'report');
const data = JSON.parse(
  readFileSync(join(repoRoot, 'test/fixtures/report/sample-report.json'), 'utf8'),
) as ReportData; // checked against the ReportData contract in test/unit/report/html.test.ts
const integrity: ReportIntegrity = { auditHead: data.auditHead, sha256: '0'.repeat(64) };

if (SKIP) {
  const bar = '!'.repeat(78);
  console.warn(
    `\n${bar}\n!!! CHANGEBRIDGE_SKIP_BROWSER=1: the HTML report's Chromium test is SKIPPED.\n${bar}\n`,
  );
}

(SKIP ? describe.skip : describe)('HTML report in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const foreignRequests: string[] = [];
  let fileUrl: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `[changebridge test] ${CHROMIUM} not found: the HTML report test needs Debian's Chromium. ` +
          'Install it with `apt-get install -y --no-install-recommends chromium` (.ci/run does), ' +
          'or set CHANGEBRIDGE_SKIP_BROWSER=1 to skip this test.',
      );
    }
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, 'report.html');
    writeFileSync(file, renderHtml(data, integrity));
    fileUrl = pathToFileURL(file).href;
    // --no-sandbox: CI runs as root, where Chromium refuses its sandbox.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => {
      if (r.url() !== fileUrl) foreignRequests.push(r.url());
    });
    await page.goto(fileUrl, { waitUntil: 'load' });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('loads without console errors, page errors or requests outside the file', () => {
    expect(problems).toEqual([]);
    expect(foreignRequests).toEqual([]);
  });

  it('shows the expected totals', async () => {
    const total = async (key: string) =>
      Number(await page.locator(`[data-total="${key}"]`).textContent());
    expect(await total('changes')).toBe(data.totals.changes);
    expect(await total('deployments')).toBe(data.totals.deployments);
    expect(await total('merges')).toBe(data.totals.merges);
    expect(await total('unauthorised')).toBe(data.totals.unauthorised);
    expect(await total('open-findings')).toBe(data.totals.openFindings);
    expect(await total('blocking-findings')).toBe(data.totals.blockingFindings);
    for (const key of ['changes', 'deployments', 'merges', 'unauthorised']) {
      await expect(page.locator(`[data-total="${key}"]`).isVisible()).resolves.toBe(true);
    }
  });

  it('shows the title, every section heading, the charts and the integrity values', async () => {
    const h1 = page.getByRole('heading', { level: 1, name: 'Change governance report' });
    expect(await h1.isVisible()).toBe(true);
    for (const s of REPORT_SECTIONS) {
      const h2 = page.getByRole('heading', { level: 2, name: s.title, exact: true });
      expect(`${s.title}: ${await h2.isVisible()}`).toBe(`${s.title}: true`);
    }
    const charts = page.locator('svg[role="img"]');
    expect(await charts.count()).toBe(3);
    for (const chart of await charts.all()) {
      const box = await chart.boundingBox();
      expect(box?.width ?? 0).toBeGreaterThan(200);
      expect(await chart.getAttribute('aria-label')).toMatch(/\d/);
    }
    expect(await page.locator('[data-integrity="sha256"]').textContent()).toBe(integrity.sha256);
    expect(await page.locator('[data-integrity="audit-seq"]').textContent()).toBe(
      String(data.auditHead.seq),
    );
    expect(await page.locator('a[href^="https://"]').count()).toBeGreaterThan(10);
  });

  it('carries the machine-readable data block', async () => {
    const text = await page.locator('script#changebridge-report').textContent();
    expect(JSON.parse(text ?? '')).toEqual({ ...data, integrity });
  });

  it('takes a full-page screenshot', async () => {
    const png = join(outDir, 'report.png');
    await page.screenshot({ path: png, fullPage: true });
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    expect(statSync(png).size).toBeGreaterThan(10 * 1024);
  });

  it('prints to PDF (the print stylesheet applies)', async () => {
    const pdf = join(outDir, 'report.pdf');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('nav.toc').isVisible()).toBe(false); // hidden when printed
    await page.pdf({ path: pdf, preferCSSPageSize: true, printBackground: false });
    await page.emulateMedia({ media: 'screen' });
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    expect(statSync(pdf).size).toBeGreaterThan(10 * 1024);
  });
});
