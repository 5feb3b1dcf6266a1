// The schema change review in the browser, against the real stack: a connection is set up on a
// source whose schema then changes (a stream added, one removed, fields added, removed and
// retyped: the cursor and primary key among them); "Refresh source schema" runs discover on a
// worker and the review lists each change, the breaking ones marked.
// Runnable alone: `npx vitest run apps/webapp/e2e/schema-review.test.ts` (after tools/build-webapp.sh).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath, repoRoot } from '@tributary/testing';
import { createConnection, discover, finishedJob, ok, startJob, workspaceId } from '@tributary/testing/stack';
import { ADMIN_EMAIL, ADMIN_PASSWORD, launchChromium, saveScreenshot, startWebappStack, type TestBrowser, type WebappStack } from '@tributary/testing/webapp';

let stack: WebappStack;
let chromium: TestBrowser;
beforeAll(async () => {
  // the fake connector is a `command` connector: its discover answers the fields its config lists
  stack = await startWebappStack('webapp-schema', { env: { TRIBUTARY_ALLOW_COMMAND_CONNECTORS: 'true' } });
  chromium = await launchChromium();
});
afterEach((ctx) => {
  if (ctx.task.result?.state === 'fail') console.error(stack?.output());
});
afterAll(async () => {
  await chromium?.close();
  await stack?.stop();
});

const BEFORE = [
  { name: 'users', fields: { id: 'integer', name: 'string', updated_at: 'string' } },
  { name: 'products', fields: { id: 'integer', title: 'string' } },
];
const AFTER = [
  // updated_at (the cursor) gone, id (the primary key) now a string, email new
  { name: 'users', fields: { id: 'string', name: 'string', email: 'string' } },
  { name: 'purchases', fields: { id: 'integer' } },
];

describe('schema change review', () => {
  let sourceId: string;
  let connectionId: string;

  beforeAll(async () => {
    const definition = await ok(stack.api, 'POST', '/api/v1/source-definitions', {
      name: 'source-fake',
      runtime: { kind: 'command', command: process.execPath, args: [fixturePath('fake-connector.mjs')] },
    });
    const workspace = await workspaceId(stack.api);
    sourceId = (await ok(stack.api, 'POST', '/api/v1/sources', { workspaceId: workspace, definitionId: definition.id, name: 'shop', configuration: { streams: BEFORE } }))
      .id as string;
    const devNull = ((await ok(stack.api, 'GET', '/api/v1/destination-definitions?limit=100')).data as { id: string; name: string }[]).find(
      (d) => d.name === 'destination-dev-null',
    )!;
    const destination = await ok(stack.api, 'POST', '/api/v1/destinations', { workspaceId: workspace, definitionId: devNull.id, name: 'nowhere', configuration: {} });
    await discover(stack.api, sourceId);
    connectionId = await createConnection(
      stack.api,
      sourceId,
      destination.id as string,
      [
        { name: 'users', syncMode: 'incremental_dedup', cursorField: ['updated_at'], primaryKey: [['id']] },
        { name: 'products', syncMode: 'full_refresh_overwrite' },
      ],
      { name: 'shop to nowhere' },
    );
    const { page } = chromium;
    await page.goto(`${stack.uiUrl}/sign-in`);
    await page.getByLabel('Email').fill(ADMIN_EMAIL);
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/connections$/);
  });

  it('says there is no change while the source has not changed', async () => {
    const { page } = chromium;
    await page.goto(`${stack.uiUrl}/connections/${connectionId}`);
    await page.getByRole('tab', { name: 'Settings' }).click();
    const refresh = page.getByRole('button', { name: /Refresh source schema|Discovering/ });
    await refresh.click();
    // the discover ran on a worker and the review was read again
    await expect.poll(() => refresh.textContent(), { timeout: 120_000 }).toBe('Refresh source schema');
    expect(await page.getByTestId('schema-review').getAttribute('data-schema-change')).toBe('no_change');
    expect(await page.getByTestId('schema-review').textContent()).toContain('No change since this connection was set up');
  });

  it('after the source changes, lists added, removed and changed streams and fields, and marks the breaking ones', async () => {
    const { page } = chromium;
    // the source's schema changes (its config says which fields it has now)
    await ok(stack.api, 'PATCH', `/api/v1/sources/${sourceId}`, { configuration: { streams: AFTER } });
    await page.getByRole('button', { name: 'Refresh source schema' }).click();
    const review = page.getByTestId('schema-review');
    await expect.poll(() => review.getAttribute('data-schema-change'), { timeout: 120_000 }).toBe('breaking');
    expect(await review.locator('[data-change="added-stream"]').textContent()).toContain('purchases');
    expect(await review.locator('[data-change="removed-stream"]').textContent()).toContain('products');
    const users = review.locator('[data-change="changed-stream"][data-stream="users"]');
    const text = await users.textContent();
    expect(text).toContain('fields added: email');
    expect(text).toContain('fields removed: updated_at');
    expect(text).toContain('fields changed: id');
    expect(await users.locator('.badge.failed').textContent()).toBe('breaking');
    expect(await review.textContent()).toContain('users: cursor field updated_at was removed or changed');
    await saveScreenshot(page, repoRoot, 'schema-review');

    // the connection page itself says so on the next visit, and leads to the review
    await page.reload();
    const notice = page.getByTestId('schema-change-notice');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('breaks this connection');
    await notice.getByRole('button', { name: 'Review the changes' }).click();
    await expect.poll(() => page.getByTestId('schema-review').getAttribute('data-schema-change')).toBe('breaking');
  });

  it('a sync then fails on the breaking change: the connections list shows it failed, why, and that it is disabled', async () => {
    const job = await finishedJob(stack.api, await startJob(stack.api, connectionId));
    expect(job.status).toBe('failed');
    expect(job.attempts).toHaveLength(1); // a config error is not retried
    const { page } = chromium;
    await page.goto(`${stack.uiUrl}/connections`);
    const row = page.locator('tr', { hasText: 'shop to nowhere' });
    await row.locator('.badge.failed').waitFor({ timeout: 30_000 });
    expect(await row.getByTestId('failure-reason').textContent()).toMatch(/^source: breaking schema change: users: cursor field updated_at/);
    // and disabled, with the platform's reason
    expect(await row.getByLabel('Enable shop to nowhere').isChecked()).toBe(false);
    expect(await row.locator('.muted', { hasText: /^breaking schema change: users/ }).count()).toBe(1);
    await saveScreenshot(page, repoRoot, 'connections-failed');
  });
});
