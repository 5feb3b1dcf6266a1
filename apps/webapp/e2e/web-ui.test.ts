// The web UI in Debian's Chromium against the real stack (PostgreSQL, Temporal dev server,
// bootloader, API, worker, `next start`): signing in and out, then an analyst's whole path
// from an empty workspace to a synced connection with the real PyPI connector
// airbyte-source-faker, a cancelled sync, and API tokens. One stack for the file: it takes
// minutes to start on 2 cores. The tests run in order and build on each other.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '@tributary/testing';
import { createConnection, createSource, discover, getJob } from '@tributary/testing/stack';
import { ADMIN_EMAIL, ADMIN_PASSWORD, launchChromium, saveScreenshot, startWebappStack, type TestBrowser, type WebappStack } from '@tributary/testing/webapp';

const SCHEMA = 'webapp_e2e';
const PLANTED_SECRET = 'planted-Secret-webapp-7c1e';

let stack: WebappStack;
let chromium: TestBrowser;
beforeAll(async () => {
  stack = await startWebappStack('webapp');
  chromium = await launchChromium();
});
afterEach((ctx) => {
  if (ctx.task.result?.state === 'fail') console.error(stack?.output());
});
afterAll(async () => {
  await chromium?.close();
  await stack?.stop();
});

async function signIn(): Promise<void> {
  const { page } = chromium;
  await page.goto(`${stack.uiUrl}/sign-in`);
  await page.getByLabel('Email').fill(ADMIN_EMAIL);
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/connections$/);
}

describe('signing in to the web UI', () => {
  it('sends a visitor without a session to the sign-in page', async () => {
    const { page } = chromium;
    await page.goto(`${stack.uiUrl}/connections?status=failed`);
    await page.waitForURL(/\/sign-in\?next=%2Fconnections%3Fstatus%3Dfailed$/);
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
    // nothing of this attempt still in flight when the next test navigates
    await page.waitForLoadState('networkidle');
  });

  it('signs in with the admin password: an httpOnly SameSite cookie that page scripts cannot read', async () => {
    const { page, browser } = chromium;
    await page.goto(`${stack.uiUrl}/connections?status=failed`);
    await page.waitForURL(/\/sign-in\?next=/);
    // by keyboard only: the email field has the focus, Tab to the password, Enter submits
    await expect.poll(() => page.evaluate<string | null | undefined>('document.activeElement?.getAttribute("name")')).toBe('email');
    await page.keyboard.type(ADMIN_EMAIL);
    await page.keyboard.press('Tab');
    await page.keyboard.type(ADMIN_PASSWORD);
    expect([await page.getByLabel('Email').inputValue(), await page.getByLabel('Password').inputValue()]).toEqual([
      ADMIN_EMAIL,
      ADMIN_PASSWORD,
    ]);
    await page.keyboard.press('Enter');
    // back to the page asked for before signing in (a refusal would show its message on the page: say it)
    await page.waitForURL(/\/connections\?status=failed$/).catch(async (error: Error) => {
      const said = await page
        .locator('#sign-in-error')
        .textContent()
        .catch(() => null);
      throw new Error(`${error.message}\nstill at ${page.url()}, saying: ${said}`);
    });
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
      headers: {
        'content-type': 'application/json',
        origin: 'https://evil.example',
        cookie: `tributary_session=${(await chromium.browser.cookies()).find((c) => c.name === 'tributary_session')?.value}`,
      },
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

describe("an analyst's first sync, in the browser", () => {
  let db: pg.Client;
  beforeAll(async () => {
    db = new pg.Client({ connectionString: stack.api.db.url });
    await db.connect();
    await signIn();
  });
  afterAll(() => db?.end());

  it('an empty workspace opens on the onboarding steps', async () => {
    const { page } = chromium;
    await page.goto(`${stack.uiUrl}/connections`);
    await page.getByRole('heading', { name: 'Welcome to Tributary' }).waitFor();
    await saveScreenshot(page, repoRoot, 'onboarding');
    // the first Tab stop skips the navigation
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement.textContent')).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate<string>('document.activeElement.id')).toBe('main');
    await page.getByRole('link', { name: 'Add your first source' }).click();
    await page.waitForURL(/\/sources\/new/);
  });

  it('the connector catalog lists the seeded connectors and filters them', async () => {
    const { page } = chromium;
    await page.goto(`${stack.uiUrl}/catalog`);
    await page.getByText('source-faker', { exact: true }).waitFor();
    await saveScreenshot(page, repoRoot, 'catalog');
    await page.getByLabel('Search connectors').fill('postgres');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator('tbody tr').textContent()).toContain('destination-postgres');

    // a custom PyPI connector: added (installed only when first used); a taken name is refused with the API's reason
    await page.getByText('Add a custom connector').click();
    await page.getByLabel('Connector name').fill('source-faker');
    await page.getByLabel('Package', { exact: true }).fill('airbyte-source-faker');
    await page.getByLabel('Version').fill('7.2.1');
    await page.getByRole('button', { name: 'Add connector' }).click();
    await expect
      .poll(() =>
        page
          .getByRole('alert')
          .filter({ hasText: /source-faker/ })
          .count(),
      )
      .toBe(1);
    await page.getByLabel('Connector name').fill('source-faker-custom');
    await page.getByRole('button', { name: 'Add connector' }).click();
    await page.getByText('Added source-faker-custom').waitFor();
    const [custom] = (await db.query(`SELECT runtime, custom FROM actor_definition WHERE name = 'source-faker-custom'`)).rows;
    expect(custom).toEqual({ runtime: { kind: 'pypi', package: 'airbyte-source-faker', version: '7.2.1' }, custom: true });
    await page.goto(`${stack.uiUrl}/sources/new?next=/connections`);
  });

  it('sets up an airbyte-source-faker source through the form generated from its spec', async () => {
    const { page } = chromium;
    await page.getByLabel('Search connectors').fill('faker');
    await page.getByRole('button', { name: /^source-faker(?!-)/ }).click();
    // the first time, the worker installs the PyPI connector to ask it for its spec
    await page.locator('#root_count').waitFor({ timeout: 240_000 });
    await page.getByLabel('Name', { exact: true }).fill('faker users');
    await page.locator('#root_count').fill('300');
    await page.locator('#root_seed').fill('7');
    await saveScreenshot(page, repoRoot, 'source-form');
    await page.getByRole('button', { name: 'Set up source' }).click();
    // saving runs the connector's check first, then goes back to the onboarding
    await page.waitForURL(/\/connections$/, { timeout: 240_000 });
    await page.getByText('A source is set up').waitFor();
    const [source] = (await db.query(`SELECT name, configuration FROM actor WHERE actor_type = 'source'`)).rows;
    expect(source).toMatchObject({ name: 'faker users', configuration: { count: 300, seed: 7 } });
  });

  it('a destination-postgres form shows a bad field at the field, keeps the secret secret and takes a oneOf choice', async () => {
    const { page } = chromium;
    const target = stack.api.db.connection;
    await page.getByRole('link', { name: 'Add a destination' }).click();
    await page.getByLabel('Search connectors').fill('postgres');
    await page.getByRole('button', { name: /destination-postgres/ }).click();
    await page.locator('#root_host').waitFor();
    await page.getByLabel('Name', { exact: true }).fill('warehouse');
    await page.locator('#root_host').fill(target.host);
    await page.locator('#root_port').fill('70000');
    await page.locator('#root_database').fill(target.database);
    await page.locator('#root_username').fill(target.username);
    await page.locator('#root_password').fill(PLANTED_SECRET);
    await page.locator('#root_schema').fill(SCHEMA);
    await page.getByLabel('SSL mode').selectOption({ label: 'prefer' });
    await page.getByRole('button', { name: 'Set up destination' }).click();
    // blocked in the browser: nothing reached the API
    await expect.poll(() => page.locator('#root_port__error').textContent()).toContain('must be <= 65535');
    expect((await db.query(`SELECT count(*)::int AS n FROM actor WHERE actor_type = 'destination'`)).rows[0].n).toBe(0);
    expect(await page.locator('#root_password').getAttribute('type')).toBe('password');

    await page.locator('#root_port').fill(String(target.port));
    await saveScreenshot(page, repoRoot, 'destination-form');
    await page.getByRole('button', { name: 'Set up destination' }).click();
    await page.waitForURL(/\/connections$/, { timeout: 120_000 });
    const [destination] = (await db.query(`SELECT id, configuration FROM actor WHERE actor_type = 'destination'`)).rows;
    expect(destination.configuration).toMatchObject({ port: target.port, schema: SCHEMA, ssl_mode: { mode: 'prefer' } });
    // encrypted at rest, masked when the form shows it again
    expect(JSON.stringify(destination.configuration)).not.toContain(PLANTED_SECRET);
    await page.goto(`${stack.uiUrl}/destinations/${destination.id}`);
    await page.locator('#root_password__stored').waitFor();
    expect(await page.locator('#root_password').inputValue()).toBe('**********');
  });

  it('creates a connection from the discovered streams, with a mode per stream', async () => {
    const { page } = chromium;
    await page.goto(`${stack.uiUrl}/connections`);
    await page.getByRole('link', { name: /Connect them/ }).click();
    await page.getByLabel('Source', { exact: true }).selectOption({ label: 'faker users' });
    await page.getByLabel('Destination', { exact: true }).selectOption({ label: 'warehouse' });
    await page.getByRole('button', { name: 'Discover streams' }).click();
    await page.locator('tr[data-stream="users"]').waitFor({ timeout: 240_000 });
    await page.getByLabel('Sync purchases').uncheck();
    await page.getByLabel('Sync mode of users').selectOption({ label: 'Full refresh | Overwrite' });
    const users = page.locator('tr[data-stream="users"]');
    await users.locator('summary').click();
    await users.getByLabel('telephone', { exact: true }).uncheck();
    expect(await users.locator('summary').textContent()).toMatch(/^\d+ of \d+$/);
    await page.getByLabel('Connection name').fill('faker to warehouse');
    await page.getByText('Show as API call').click();
    expect(await page.getByTestId('curl').textContent()).toContain('/api/v1/connections');
    await saveScreenshot(page, repoRoot, 'new-connection');
    await page.getByRole('button', { name: /Create connection \(2 streams\)/ }).click();
    await page.waitForURL(/\/connections\/[0-9a-f-]{36}$/);
    const [connection] = (await db.query(`SELECT name, configured_catalog, field_selection FROM connection`)).rows;
    expect(connection.name).toBe('faker to warehouse');
    const usersFields = (connection.field_selection as { stream: { name: string }; fields: string[] }[]).find(
      (s) => s.stream.name === 'users',
    )!.fields;
    expect(usersFields).toContain('email');
    expect(usersFields).not.toContain('telephone');
    const streams = (
      connection.configured_catalog as { streams: { stream: { name: string }; sync_mode: string; destination_sync_mode: string }[] }
    ).streams;
    expect(streams.map((s) => s.stream.name).sort()).toEqual(['products', 'users']);
    expect(streams.find((s) => s.stream.name === 'users')).toMatchObject({ sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' });
  });

  it('Sync now runs the first sync; the job shows its record count and its logs', async () => {
    const { page } = chromium;
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.getByRole('tab', { name: 'Job history' }).click();
    await page.locator('tr[data-job] .badge.succeeded').waitFor({ timeout: 240_000 });
    const users = Number((await db.query(`SELECT count(*) AS n FROM "${SCHEMA}"."users"`)).rows[0].n);
    expect(users).toBe(300);
    // the field left out in the streams table never reached the destination
    const columns = (
      await db.query(`SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'users'`, [SCHEMA])
    ).rows.map((r) => r.column_name);
    expect(columns).toContain('email');
    expect(columns).not.toContain('telephone');
    const jobId = await page.locator('tr[data-job]').first().getAttribute('data-job');
    const job = await getJob(stack.api, jobId!);
    const committed = job.attempts.at(-1)!.stats!.recordsCommitted;
    // the history row itself: records, attempts
    const row = page.locator(`tr[data-job="${jobId}"]`);
    await expect.poll(() => row.locator('td.num').first().textContent()).toBe(committed.toLocaleString('en-US'));
    expect(await row.locator('td.num').nth(2).textContent()).toBe('1');
    await page.getByRole('button', { name: 'Details and logs' }).first().click();
    await expect
      .poll(() => page.getByTestId('attempt-summary').textContent())
      .toContain(`${committed.toLocaleString('en-US')} records committed`);
    await page.getByTestId('logs').waitFor();
    expect(await page.getByTestId('logs').textContent()).toMatch(/\[source\]|\[platform\]|\[replication\]/);
    // the secret typed into the destination form never shows in the logs
    expect(await page.getByTestId('logs').textContent()).not.toContain(PLANTED_SECRET);
    await saveScreenshot(page, repoRoot, 'connection-job-history');
    await page.goto(`${stack.uiUrl}/connections`);
    await page.locator('.badge.succeeded').waitFor();
    await saveScreenshot(page, repoRoot, 'connections');
    // dark mode follows the system setting
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await page.evaluate<string>('getComputedStyle(document.body).backgroundColor')).toBe('rgb(13, 17, 23)');
    await saveScreenshot(page, repoRoot, 'connections-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('the connection page charts the syncs, clears one stream then all, previews a cron schedule, reviews the source schema and edits the streams', async () => {
    const { page } = chromium;
    const [connection] = (await db.query(`SELECT id FROM connection WHERE name = 'faker to warehouse'`)).rows;
    await page.goto(`${stack.uiUrl}/connections/${connection.id}`);
    await page.getByRole('img', { name: 'Records committed per recent job' }).waitFor();
    await page.getByRole('img', { name: 'Duration per recent job' }).waitFor();
    const rows = async (table: string) => Number((await db.query(`SELECT count(*) AS n FROM "${SCHEMA}"."${table}"`)).rows[0].n);
    const clearJobs = async () =>
      (
        await db.query(`SELECT status FROM job WHERE connection_id = $1 AND job_type = 'clear' ORDER BY created_at`, [connection.id])
      ).rows.map((r) => r.status);

    // one stream cleared: its table empties, the other keeps its rows
    await page.getByRole('tab', { name: 'Streams' }).click();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Clear users' }).click();
    await expect.poll(clearJobs, { timeout: 120_000 }).toEqual(['succeeded']);
    expect(await rows('users')).toBe(0);
    expect(await rows('products')).toBeGreaterThan(0);

    await page.getByRole('tab', { name: 'Settings' }).click();
    // a cron schedule previews its next runs with the workflow's own parser, and a bad one says why
    await page.getByLabel('Type').selectOption({ label: 'Cron' });
    await page.getByLabel('Cron expression').fill('nope');
    await expect.poll(() => page.getByTestId('cron-preview').textContent()).toMatch(/expected 5, 6 or 7 fields/);
    await page.getByLabel('Cron expression').fill('30 6 * * *');
    await page.getByLabel('Time zone').fill('Europe/Paris');
    await expect.poll(() => page.getByTestId('cron-preview').textContent()).toMatch(/^Next runs: (.*06:30:00.*){3}\(Europe\/Paris\)$/);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved.').waitFor();
    const [saved] = (await db.query(`SELECT schedule FROM connection WHERE id = $1`, [connection.id])).rows;
    expect(saved.schedule).toEqual({ type: 'cron', cronExpression: '30 6 * * *', timeZone: 'Europe/Paris' });

    await page.getByRole('button', { name: 'Refresh source schema' }).click();
    // faker offers what it offered when the connection was set up (purchases was left out, not added since)
    await expect
      .poll(() => page.getByTestId('schema-review').textContent(), { timeout: 120_000 })
      .toContain('No change since this connection was set up');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Clear data' }).click();
    await expect.poll(clearJobs, { timeout: 120_000 }).toEqual(['succeeded', 'succeeded']);
    expect(await rows('products')).toBe(0);

    // the streams table again, from the connection's own choices: purchases added
    await page.getByRole('tab', { name: 'Streams' }).click();
    await page.getByRole('button', { name: 'Edit streams' }).click();
    expect(await page.getByLabel('Sync users').isChecked()).toBe(true);
    expect(await page.getByLabel('Sync mode of users').inputValue()).toBe('full_refresh_overwrite');
    await page.getByLabel('Sync purchases').check();
    await page.getByRole('button', { name: 'Save streams (3)' }).click();
    await page.getByRole('button', { name: 'Edit streams' }).waitFor();
    const [edited] = (await db.query(`SELECT configured_catalog FROM connection WHERE id = $1`, [connection.id])).rows;
    expect((edited.configured_catalog as { streams: { stream: { name: string } }[] }).streams.map((st) => st.stream.name).sort()).toEqual(['products', 'purchases', 'users']);
  });

  it('shows a running sync live and cancels it', async () => {
    const { page } = chromium;
    // a slow source (source-sample pausing between batches), set up through the API
    const sourceId = await createSource(stack.api, 'source-sample', 'slow sample', {
      count: 200_000,
      records_per_batch: 500,
      sleep_ms_per_batch: 200,
    });
    const [destination] = (await db.query(`SELECT id FROM actor WHERE actor_type = 'destination'`)).rows;
    await discover(stack.api, sourceId);
    const connectionId = await createConnection(stack.api, sourceId, destination.id, [{ name: 'users', syncMode: 'full_refresh_append' }], {
      name: 'slow sample',
    });
    await page.goto(`${stack.uiUrl}/connections/${connectionId}`);
    await page.getByRole('button', { name: 'Sync now' }).click();
    const records = page.getByTestId('records-emitted');
    await records.waitFor({ timeout: 120_000 });
    const count = async () => Number((await records.textContent())!.replace(/,/g, ''));
    const first = await count();
    // pushed by the short poll, not a reload
    await expect.poll(count, { timeout: 30_000 }).toBeGreaterThan(first);
    await saveScreenshot(page, repoRoot, 'connection-live-progress');
    await page.getByRole('button', { name: 'Cancel sync' }).click();
    await page.getByRole('button', { name: 'Sync now' }).waitFor({ timeout: 30_000 });
    await page.getByRole('tab', { name: 'Job history' }).click();
    await page.locator('tr[data-job] .badge.cancelled').waitFor({ timeout: 30_000 });
    const [job] = (await db.query(`SELECT status FROM job WHERE connection_id = $1`, [connectionId])).rows;
    expect(job.status).toBe('cancelled');
  });

  it('the tokens page creates a token that works, shown once, and revokes it', async () => {
    const { page } = chromium;
    await page.goto(`${stack.uiUrl}/settings`);
    await page.getByLabel('Token name').fill('ci deploys');
    await page.getByRole('button', { name: 'Create token' }).click();
    const token = (await page.getByTestId('new-token').textContent())!.trim();
    expect(token).toMatch(/^trb_/);
    const call = (t: string) => fetch(`${stack.api.baseUrl}/api/v1/workspaces`, { headers: { authorization: `Bearer ${t}` } });
    expect((await call(token)).status).toBe(200);
    await saveScreenshot(page, repoRoot, 'settings');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.locator('tr[data-token="ci deploys"]').getByRole('button', { name: 'Revoke' }).click();
    await page.locator('tr[data-token="ci deploys"] .badge.cancelled').waitFor();
    // the API forgets a revoked token at once on the server that revoked it
    expect((await call(token)).status).toBe(401);
    // shown once: a reload lists it by its prefix only
    await page.reload();
    await page.locator('tr[data-token="ci deploys"]').waitFor();
    expect(await page.content()).not.toContain(token);
  });
});
