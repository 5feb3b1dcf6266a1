#!/usr/bin/env node
// Web UI benchmark on the embedded stack: 1,000 connections created through the API, then
// Debian's Chromium (playwright-core, headless) signs in and opens the connections page
// BENCH_RUNS times. Target (issue 12): first contentful paint under 1 s. The browser's own
// timings are read from the page (Paint Timing and Navigation Timing), plus when the first
// page of rows is on screen. The last line printed is one JSON object:
//   {"bench":"webapp","connections":1000,"fcp_ms":<median>,"rows_ms":<median>,...}
//
// Env: BENCH_CONNECTIONS (default 1000), BENCH_RUNS (default 5); DATABASE_URL / TEMPORAL_ADDRESS as for `npm start`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { allStreams, createActor, log, percentile, startBenchStack, waitForQuiet } from './stack/bench-support.mjs';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CHROMIUM = process.env.TRIBUTARY_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

async function createConnections(api, count) {
  const sourceId = await createActor(api, 'source', 'source-sample', { count: 10 });
  const destinationId = await createActor(api, 'destination', 'destination-dev-null', {});
  const streams = await allStreams(api, sourceId);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const n = next++;
      await api.json(
        'POST',
        '/connections',
        { name: `bench ${n}`, sourceId, destinationId, streams, schedule: { scheduleType: 'manual' } },
        [201],
      );
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

const median = (values) => percentile(values, 50);

async function main() {
  const { info, api, stop } = await startBenchStack('webapp');
  const profile = await mkdtemp(join(tmpdir(), 'tributary-bench-chromium-'));
  let context;
  try {
    log(`creating ${CONNECTIONS} connections`);
    await createConnections(api, CONNECTIONS);
    await waitForQuiet();
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 860 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const password = info.newAdminPassword;
    await page.goto(`${info.uiUrl}/sign-in`);
    await page.getByLabel('Email').fill(info.adminEmail);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/connections$/);
    await page.locator('tbody tr').nth(49).waitFor({ timeout: 60_000 }); // warm-up: the server's first render compiles nothing, but caches warm

    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      await page.goto(`${info.uiUrl}/connections`, { waitUntil: 'commit' });
      // when the first page of rows (50) is on screen, in the page's own clock
      const rowsMs = await page.waitForFunction(() => document.querySelectorAll('tbody tr').length >= 50 && performance.now(), undefined, {
        timeout: 60_000,
        polling: 'raf',
      });
      const timings = await page.evaluate(() => {
        const paint = performance.getEntriesByName('first-contentful-paint')[0];
        const nav = performance.getEntriesByType('navigation')[0];
        return {
          fcp: paint ? paint.startTime : null,
          ttfb: nav ? nav.responseStart : null,
          domContentLoaded: nav ? nav.domContentLoadedEventEnd : null,
        };
      });
      const run = {
        fcp_ms: Math.round(timings.fcp),
        ttfb_ms: Math.round(timings.ttfb),
        dom_content_loaded_ms: Math.round(timings.domContentLoaded),
        rows_ms: Math.round(await rowsMs.jsonValue()),
      };
      log(`run ${i + 1}: ${JSON.stringify(run)}`);
      runs.push(run);
    }
    const summary = {
      bench: 'webapp',
      connections: CONNECTIONS,
      runs: RUNS,
      fcp_ms: median(runs.map((r) => r.fcp_ms)),
      ttfb_ms: median(runs.map((r) => r.ttfb_ms)),
      rows_ms: median(runs.map((r) => r.rows_ms)),
      target_fcp_ms: 1000,
    };
    log(
      `connections page with ${CONNECTIONS} connections: first contentful paint ${summary.fcp_ms} ms (target < 1000), first 50 rows on screen ${summary.rows_ms} ms (medians of ${RUNS})`,
    );
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } finally {
    await context?.close();
    await rm(profile, { recursive: true, force: true });
    await stop();
  }
}

await main();
