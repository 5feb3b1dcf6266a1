// Signing in and out of the web UI, in Debian's Chromium, against the real stack.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, saveScreenshot, type TestBrowser } from '../../../testing/src/webapp/browser.testing.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startWebappStack, type WebappStack } from '../../../testing/src/webapp/webapp-stack.testing.js';
import { repoRoot } from '../../../tools/e2e/stack.testing.js';

describe('signing in to the web UI', () => {
  let stack: WebappStack;
  let chromium: TestBrowser;
  beforeAll(async () => {
    stack = await startWebappStack('webapp-sign-in');
    chromium = await launchChromium();
  });
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') console.error(stack?.output());
  });
  afterAll(async () => {
    await chromium?.close();
    await stack?.stop();
  });

  it('sends a visitor without a session to the sign-in page', async () => {
    const { page } = chromium;
    await page.goto(`${stack.uiUrl}/connections`);
    await page.waitForURL(/\/sign-in/);
    expect(await page.getByRole('heading', { name: /Tributary/ }).isVisible()).toBe(true);
    await saveScreenshot(page, repoRoot, 'sign-in');
  });

  it('a wrong password is refused with a message, and no cookie is set', async () => {
    const { page, browser } = chromium;
    await page.goto(`${stack.uiUrl}/sign-in`);
    await page.getByLabel('Email').fill(ADMIN_EMAIL);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('#sign-in-error').textContent()).toContain('The email or the password is wrong.');
    expect((await browser.cookies()).map((c) => c.name)).not.toContain('tributary_session');
  });

  it('signs in with the admin password: an httpOnly SameSite cookie that page scripts cannot read', async () => {
    const { page, browser } = chromium;
    await page.goto(`${stack.uiUrl}/sign-in`);
    await page.getByLabel('Email').fill(ADMIN_EMAIL);
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/connections$/);
    const cookie = (await browser.cookies()).find((c) => c.name === 'tributary_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie?.value).toMatch(/^trs_/);
    expect(await page.evaluate<string>('document.cookie')).not.toContain('trs_');
    // the page's own API calls go through the web UI's server with the cookie
    const workspaces = await page.evaluate(async () => (await fetch('/api/v1/workspaces')).status);
    expect(workspaces).toBe(200);
  });

  it('the web UI server refuses a cross-site write even with the cookie', async () => {
    // a browser would not even send the SameSite cookie along; this checks the second line of defence
    const forged = await fetch(`${stack.uiUrl}/api/v1/api-tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example', cookie: `tributary_session=${(await chromium.browser.cookies()).find((c) => c.name === 'tributary_session')?.value}` },
      body: '{"name":"forged"}',
    });
    expect(forged.status).toBe(403);
  });

  it('signs out: the session stops working in the API too', async () => {
    const { page, browser } = chromium;
    const credential = (await browser.cookies()).find((c) => c.name === 'tributary_session')!.value;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    expect((await browser.cookies()).map((c) => c.name)).not.toContain('tributary_session');
    const res = await fetch(`${stack.api.baseUrl}/api/v1/workspaces`, { headers: { authorization: `Bearer ${credential}` } });
    expect(res.status).toBe(401);
  });
});
