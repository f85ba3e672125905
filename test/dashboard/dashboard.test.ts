// The dashboard in a real browser (Debian's Chromium through playwright-core) against a running
// demo-like linernotes: the warm button, the live progress bar, the counts it changes, cancel, the API
// token prompt; and the screenshots the README shows (docs/dashboard.png, docs/dashboard-phone.png).
// The page's own code is strings here: the tests' TypeScript has no DOM types.
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, launchChromium } from './chromium.ts';
import { startTestDemo, type TestDemo } from './test-demo.ts';

// The README's screenshots are rewritten only on request (UPDATE_SCREENSHOTS=1 npm test), so that a
// test run does not leave the work tree dirty; otherwise they go to a temporary folder of this run,
// removed at the end.
const updateScreenshots = process.env.UPDATE_SCREENSHOTS === '1';
let docs = path.resolve(import.meta.dirname, '../../docs');
let temporaryDocs: string | undefined;
const chromium = findChromium();
if ('missing' in chromium) {
  process.stderr.write(`skipping the dashboard browser tests: ${chromium.missing}\n`);
}

/** Page errors, failed requests and console errors (a CSP violation is one) collected while a test runs. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('requestfailed', (request) =>
    problems.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`),
  );
  return problems;
}

// Records every value the warm's progress bar shows, from inside the page, so no step is missed
// between two looks from the test.
const RECORD_PROGRESS = `(() => {
  window.progressSeen = [];
  const read = () => {
    const bar = document.querySelector('.run-card[data-kind="cache-warm"] [role="progressbar"]');
    const value = bar && bar.getAttribute('aria-valuenow');
    if (value !== null && Number(value) !== window.progressSeen.at(-1)) window.progressSeen.push(Number(value));
  };
  new MutationObserver(read).observe(document.getElementById('active-runs'), { subtree: true, childList: true, attributes: true });
})()`;

function numbers(value: unknown): number[] {
  return Array.isArray(value) ? value.filter((item): item is number => typeof item === 'number') : [];
}

function text(page: Page, selector: string, content: string | RegExp) {
  return page.locator(selector, { hasText: content });
}

describe.skipIf('missing' in chromium)('dashboard in Chromium', () => {
  const ARTISTS = 40;
  let demo: TestDemo;
  let browser: Browser;

  beforeAll(async () => {
    if ('missing' in chromium) return;
    if (!updateScreenshots) {
      temporaryDocs = await mkdtemp(path.join(os.tmpdir(), 'linernotes-screenshots-'));
      docs = temporaryDocs;
    }
    [demo, browser] = await Promise.all([
      // Four artists in flight: the warm is paced by Last.fm's real limit, about ten seconds for 40.
      startTestDemo({ artists: ARTISTS, env: { CACHE_WARM_CONCURRENCY: '4' } }),
      launchChromium(chromium.path),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    if (temporaryDocs) await rm(temporaryDocs, { recursive: true, force: true });
  });

  it('starts a warm with its button, shows it live to the end, and the counts it changed', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watch(page);
    await page.goto(`${demo.url}/`);
    await page.locator('#connection[data-state="live"]').waitFor();
    await text(page, '[data-table="artists"] [data-stat="total"]', /^0$/).waitFor();
    await text(page, '#history-body', 'No runs yet').waitFor();

    await page.evaluate(RECORD_PROGRESS);
    await page.click('[data-job="warm-artists"]');
    // Queued, then (once the worker has it) running: the notice never lags behind the card.
    await text(page, '#notice', /Warm artists (queued|running) \(#\d+\)/).waitFor();
    await text(page, '#notice', /Warm artists (running \(#\d+\)|#\d+ succeeded)\./).waitFor();
    const card = page.locator('.run-card[data-kind="cache-warm"]');
    await card.locator('[role="progressbar"]').waitFor();
    await page.locator('.run-card[data-kind="cache-warm"][data-status="succeeded"]').waitFor({ timeout: 60_000 });
    await text(page, '#notice', /Warm artists #\d+ succeeded\./).waitFor();

    // The bar moved: several values on the way, rising, ending full.
    const seen = numbers(await page.evaluate('window.progressSeen'));
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.some((value) => value > 0 && value < ARTISTS)).toBe(true);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(seen.at(-1)).toBe(ARTISTS);
    expect(await card.locator('.progress-line').textContent()).toContain(`${ARTISTS} / ${ARTISTS}`);
    expect(await card.locator('[data-source="lastfm"]').count()).toBe(1);
    expect(await card.getByRole('button', { name: 'Dismiss' }).count()).toBe(1);

    // The counts, the charts and the history follow.
    await text(page, '[data-table="artists"] [data-stat="total"]', new RegExp(`^${ARTISTS}$`)).waitFor();
    await page.locator('#history-body tr[data-status="succeeded"]', { hasText: 'Warm artists' }).waitFor();
    expect(await page.locator('#genres-chart .bar-row').count()).toBeGreaterThan(3);
    expect(await page.locator('#sources .bar-row').count()).toBeGreaterThan(1);
    expect(await page.locator('[data-table="job-runs"] [data-stat="total"]').textContent()).toBe('1');
    // No tracks yet, and the card says where they come from.
    expect(await page.locator('[data-table="tracks"] [data-hint="tracks"]').textContent()).toContain(
      'Track statistics job',
    );
    // Providers: "not found" answers in a column of their own, apart from errors.
    expect(await page.locator('table.providers th', { hasText: 'not found' }).count()).toBe(1);

    // An album warm, caught half-way for the screenshot, then cancelled with its button.
    await page.click('[data-job="warm-albums"]');
    const albums = page.locator('.run-card[data-kind="cache-warm-albums"]');
    // (page.waitForFunction would evaluate a string in the page, which the dashboard's CSP forbids.)
    await expect
      .poll(async () => Number((await albums.locator('[role="progressbar"]').getAttribute('aria-valuenow')) ?? 0), {
        timeout: 60_000,
      })
      .toBeGreaterThanOrEqual(12);
    await text(page, '[data-table="albums"] [data-stat="total"]', /^[1-9]/).waitFor();
    // Provider health, for every process: the artist warm's Last.fm requests are in the last hour's count.
    const lastfmHealth = page.locator('#health-body tr[data-provider="lastfm"]');
    await lastfmHealth.locator('[data-label="requests"]', { hasText: /^[1-9]/ }).waitFor({ timeout: 30_000 });
    expect(await lastfmHealth.locator('[data-label="status"]').textContent()).toBe('ok');
    expect(await lastfmHealth.locator('[data-label="breaker"]').textContent()).toBe('closed');
    await mkdir(docs, { recursive: true });
    await page.screenshot({ path: path.join(docs, 'dashboard.png'), fullPage: true });
    expect((await stat(path.join(docs, 'dashboard.png'))).size).toBeGreaterThan(10_000);

    await albums.getByRole('button', { name: 'Cancel' }).click();
    await page
      .locator('.run-card[data-kind="cache-warm-albums"][data-status="cancelled"]')
      .waitFor({ timeout: 30_000 });
    await page.locator('#history-body tr[data-status="cancelled"]', { hasText: 'Warm albums' }).waitFor();

    // A phone: one column, nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(docs, 'dashboard-phone.png'), fullPage: true });

    expect(problems).toEqual([]);
    await page.close();
  }, 180_000);

  it('shows the coverage card of the warmed artists', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = watch(page);
    await page.goto(`${demo.url}/`);
    // The warm of the first test fetched every artist: the card counts them all.
    const artists = page.locator('#coverage tr[data-coverage="artists"]');
    await text(page, '#coverage tr[data-coverage="artists"] th', `artists (${ARTISTS})`).waitFor();
    expect(await artists.locator('td[data-label="genres"]').textContent()).toMatch(/^\d+(\.\d)?% \(\d+\)$/);
    await page.locator('#coverage tr[data-coverage="tracks"]').waitFor();
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('asks for the API token when the server needs one, and keeps it for the tab', async () => {
    const guarded = await startTestDemo({ artists: 6, apiToken: 'dashboard-secret' });
    const page = await browser.newPage({ viewport: { width: 1024, height: 800 } });
    try {
      const problems = watch(page);
      await page.goto(`${guarded.url}/`);
      await page.locator('#connection[data-state="live"]').waitFor();
      const dialog = page.locator('#token-dialog[open]');

      // Asked, and turned down: nothing starts.
      await page.click('[data-job="warm-artists"]');
      await text(page, '#token-dialog[open] [data-reason]', 'requires an API token').waitFor();
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await text(page, '#notice', 'Not started').waitFor();

      // A wrong token is refused and asked for again; the right one starts the run.
      await page.click('[data-job="warm-artists"]');
      await dialog.locator('input').fill('not-the-token');
      await dialog.getByRole('button', { name: 'Use token' }).click();
      await text(page, '#token-dialog[open] [data-reason]', 'did not accept').waitFor();
      await dialog.locator('input').fill('dashboard-secret');
      await dialog.getByRole('button', { name: 'Use token' }).click();
      await page.locator('.run-card[data-kind="cache-warm"][data-status="succeeded"]').waitFor({ timeout: 60_000 });
      expect(await page.evaluate("sessionStorage.getItem('linernotes.apiToken')")).toBe('dashboard-secret');

      // The next mutation uses the stored token without asking.
      await page.click('[data-job="warm-albums"]');
      await page.locator('.run-card[data-kind="cache-warm-albums"]').waitFor();
      expect(await page.locator('#token-dialog[open]').count()).toBe(0);
      // The refusals were answers the page handled; the browser logged no error.
      expect(problems).toEqual([]);
    } finally {
      await page.close();
      await guarded.close();
    }
  }, 180_000);

  it('asks for a token before showing anything when READ_TOKEN guards the statistics', async () => {
    const guarded = await startTestDemo({ artists: 2, env: { READ_TOKEN: 'reader-secret' } });
    const page = await browser.newPage({ viewport: { width: 1024, height: 800 } });
    try {
      await page.goto(`${guarded.url}/`);
      const dialog = page.locator('#token-dialog[open]');
      await text(page, '#token-dialog[open] [data-reason]', 'to show its statistics').waitFor();
      await dialog.locator('input').fill('reader-secret');
      await dialog.getByRole('button', { name: 'Use token' }).click();
      await text(page, '[data-table="artists"] [data-stat="total"]', /^0$/).waitFor();
      // The subscriptions carry the token too (graphql-ws connectionParams): a warm started by another
      // client (from loopback, where mutations need no API_TOKEN) shows up live.
      await page.locator('#connection[data-state="live"]').waitFor();
      const started = await fetch(`${guarded.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'mutation { warmArtistCache(input: {}) { id } }' }),
      });
      expect(started.status).toBe(200);
      await page.locator('.run-card[data-kind="cache-warm"]').waitFor();
      expect(await page.locator('#notice').isHidden()).toBe(true);
    } finally {
      await page.close();
      await guarded.close();
    }
  }, 120_000);
});
