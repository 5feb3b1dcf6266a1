// Users and roles in the browser, against the real stack: an admin adds a viewer and an editor
// in Settings (each with a password shown once), changes a role and removes a user; the viewer
// signs in and can read everything but change nothing, in the UI and in the API behind it.
// Runnable alone: `npx vitest run apps/webapp/e2e/users-and-roles.test.ts` (after tools/build-webapp.sh).
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '@tributary/testing';
import { createConnection, createSource, discover, ok, workspaceId } from '@tributary/testing/stack';
import { ADMIN_EMAIL, ADMIN_PASSWORD, launchChromium, saveScreenshot, startWebappStack, type TestBrowser, type WebappStack } from '@tributary/testing/webapp';

let stack: WebappStack;
let chromium: TestBrowser;
let db: pg.Client;
beforeAll(async () => {
  stack = await startWebappStack('webapp-users');
  chromium = await launchChromium();
  db = new pg.Client({ connectionString: stack.api.db.url });
  await db.connect();
});
afterEach((ctx) => {
  if (ctx.task.result?.state === 'fail') console.error(stack?.output());
});
afterAll(async () => {
  await db?.end();
  await chromium?.close();
  await stack?.stop();
});

async function signIn(email: string, password: string): Promise<void> {
  const { page } = chromium;
  await page.goto(`${stack.uiUrl}/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/connections$/);
}

async function signOut(): Promise<void> {
  await chromium.page.getByRole('button', { name: 'Sign out' }).click();
  await chromium.page.waitForURL(/\/sign-in/);
}

describe('users and roles in the web UI', () => {
  const passwords = new Map<string, string>();
  let connectionId: string;
  let sourceId: string;

  beforeAll(async () => {
    // something to look at: a source-sample -> dev-null connection, set up through the API
    sourceId = await createSource(stack.api, 'source-sample', 'sample users', { count: 100 });
    const destination = await ok(stack.api, 'POST', '/api/v1/destinations', {
      workspaceId: await workspaceId(stack.api),
      definitionId: ((await ok(stack.api, 'GET', '/api/v1/destination-definitions?limit=100')).data as { id: string; name: string }[]).find(
        (d) => d.name === 'destination-dev-null',
      )!.id,
      name: 'nowhere',
      configuration: {},
    });
    await discover(stack.api, sourceId);
    connectionId = await createConnection(stack.api, sourceId, destination.id as string, [{ name: 'users', syncMode: 'full_refresh_overwrite' }], {
      name: 'sample to nowhere',
      status: 'inactive',
    });
  });

  it('an admin adds users in Settings, each with a password shown once', async () => {
    const { page } = chromium;
    await signIn(ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.goto(`${stack.uiUrl}/settings`);
    for (const [email, name, role] of [
      ['vera@example.com', 'Vera Viewer', 'Viewer (reads the workspace)'],
      ['ed@example.com', 'Ed Editor', 'Editor (changes the workspace, runs syncs)'],
    ] as const) {
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Full name').fill(name);
      await page.getByLabel('Role of the new user').selectOption({ label: role });
      await page.getByRole('button', { name: 'Add user' }).click();
      await page.locator(`tr[data-user="${email}"]`).waitFor();
      const password = (await page.getByTestId('new-user-password').textContent())!.trim();
      expect(password).toMatch(/^[\w-]{24}$/);
      passwords.set(email, password);
    }
    const rows = (await db.query(`SELECT email, role, workspace_id IS NOT NULL AS in_workspace FROM app_user ORDER BY created_at`)).rows;
    expect(rows).toEqual([
      { email: ADMIN_EMAIL, role: 'instance_admin', in_workspace: false },
      { email: 'vera@example.com', role: 'workspace_viewer', in_workspace: true },
      { email: 'ed@example.com', role: 'workspace_editor', in_workspace: true },
    ]);
    // the password is shown once: a reload lists the users without it
    await page.reload();
    await page.locator('tr[data-user="vera@example.com"]').waitFor();
    expect(await page.content()).not.toContain(passwords.get('vera@example.com'));
    // the admin's own row offers neither a role change nor removal
    expect(await page.locator(`tr[data-user="${ADMIN_EMAIL}"] select, tr[data-user="${ADMIN_EMAIL}"] button`).count()).toBe(0);
    const users = page.locator('section', { has: page.getByRole('heading', { name: 'Users' }) });
    await users.getByText('Show as API call').click();
    expect(await users.getByTestId('curl').textContent()).toMatch(/-X POST .*\/api\/v1\/users/);
    await saveScreenshot(page, repoRoot, 'settings-users');
  });

  it("changes a user's role and removes a user", async () => {
    const { page } = chromium;
    await page.getByLabel('Role of ed@example.com').selectOption({ label: 'admin' });
    await expect
      .poll(async () => (await db.query(`SELECT role FROM app_user WHERE email = 'ed@example.com'`)).rows[0]?.role)
      .toBe('workspace_admin');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Remove ed@example.com' }).click();
    await expect.poll(() => page.locator('tr[data-user="ed@example.com"]').count()).toBe(0);
    expect((await db.query(`SELECT count(*)::int AS n FROM app_user WHERE email = 'ed@example.com'`)).rows[0].n).toBe(0);
    await signOut();
  });

  it('a viewer reads the connection, source and settings but can change nothing, and the API refuses if asked', async () => {
    const { page } = chromium;
    await signIn('vera@example.com', passwords.get('vera@example.com')!);
    expect(await page.getByTestId('signed-in-role').textContent()).toBe('viewer');
    // the list: no "New connection", the enable toggle shows the state but is off limits
    await page.locator('tr', { hasText: 'sample to nowhere' }).waitFor();
    expect(await page.getByRole('link', { name: 'New connection' }).count()).toBe(0);
    expect(await page.getByLabel('Enable sample to nowhere').isDisabled()).toBe(true);

    // the connection: no Sync now, no Edit streams, no Clear; its settings read-only
    await page.goto(`${stack.uiUrl}/connections/${connectionId}`);
    await page.getByRole('heading', { name: 'sample to nowhere' }).waitFor();
    expect(await page.getByRole('button', { name: 'Sync now' }).count()).toBe(0);
    await page.getByRole('tab', { name: 'Streams' }).click();
    await page.getByRole('cell', { name: 'users' }).waitFor();
    expect(await page.getByRole('button', { name: 'Edit streams' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Clear users' }).count()).toBe(0);
    await page.getByRole('tab', { name: 'Settings' }).click();
    expect(await page.getByLabel('Connection name').isDisabled()).toBe(true);
    for (const action of ['Save changes', 'Refresh source schema', 'Clear data']) {
      expect(await page.getByRole('button', { name: action }).count(), action).toBe(0);
    }
    await saveScreenshot(page, repoRoot, 'connection-viewer');

    // the source: its form shown disabled, no Delete
    await page.goto(`${stack.uiUrl}/sources/${sourceId}`);
    await page.locator('#root_count').waitFor();
    expect(await page.locator('#root_count').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    expect(await page.getByText('You have view access').isVisible()).toBe(true);

    // settings: no users or tokens to manage
    await page.goto(`${stack.uiUrl}/settings`);
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Users' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Create token' }).count()).toBe(0);

    // and what the UI hides, the API refuses: a sync asked for from the page's own session
    const status = await page.evaluate(
      async (id) =>
        (await fetch('/api/v1/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ connectionId: id, jobType: 'sync' }) }))
          .status,
      connectionId,
    );
    expect(status).toBe(403);
    expect((await db.query(`SELECT count(*)::int AS n FROM job`)).rows[0].n).toBe(0);
  });
});
