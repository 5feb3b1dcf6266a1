/**
 * Debian's Chromium driven by playwright-core: never a downloaded browser. Headless, with
 * a fresh profile per launch, and nothing that phones home.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.TRIBUTARY_CHROMIUM ?? '/usr/bin/chromium';

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

export interface TestBrowser {
  browser: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** A persistent context is how playwright takes a --user-data-dir of our choosing. */
export async function launchChromium(viewport = { width: 1280, height: 860 }): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (tools/lib.sh ensure_chromium does)`);
  const profile = await mkdtemp(join(tmpdir(), 'tributary-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    colorScheme: 'light',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    browser: context,
    page,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export type { Browser, BrowserContext, Page };

/** Whether this run refreshes the README's screenshots: only when asked, so a CI run leaves the tree clean. */
export const screenshotsWanted = (): boolean => process.env.TRIBUTARY_SCREENSHOTS === '1';

/**
 * docs/screenshots/<name>.png, the pictures the README shows: written only with
 * TRIBUTARY_SCREENSHOTS=1 (undefined otherwise).
 */
export async function saveScreenshot(page: Page, repoRoot: string, name: string): Promise<string | undefined> {
  if (!screenshotsWanted()) return undefined;
  const dir = join(repoRoot, 'docs', 'screenshots');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
