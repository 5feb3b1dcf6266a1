// The tables, the chart and the workspace switcher in the browser, against the real stack:
// the connections list, the streams table and the job history sort and search (TanStack
// Table), the job chart reads each job on hover (uPlot), and an instance admin switches
// between two workspaces, each page then listing that workspace's things, the choice kept
// over a reload. Quick connectors only (source-sample -> destination-dev-null, set up
// through the API). Runnable alone: `npx vitest run apps/webapp/e2e/tables-and-workspaces.test.ts`
// (after tools/build-webapp.sh).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '@tributary/testing';
import { createConnection, definitionId, discover, finishedJob, ok, startJob, syncAndWait, workspaceId } from '@tributary/testing/stack';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  launchChromium,
  saveScreenshot,
  startWebappStack,
  type TestBrowser,
  type WebappStack,
} from '@tributary/testing/webapp';

let stack: WebappStack;
let chromium: TestBrowser;
beforeAll(async () => {
  stack = await startWebappStack('webapp-tables');
  chromium = await launchChromium();
});
afterEach((ctx) => {
  if (ctx.task.result?.state === 'fail') console.error(stack?.output());
});
afterAll(async () => {
  await chromium?.close();
  await stack?.stop();
});

/** A source-sample source and a dev-null destination in the workspace, discovered. */
async function sampleActors(
  workspace: string,
  label: string,
  configuration: Record<string, unknown> = { count: 100 },
): Promise<{ sourceId: string; destinationId: string }> {
  const source = await ok(
    stack.api,
    'POST',
    '/api/v1/sources',
    {
      workspaceId: workspace,
      definitionId: await definitionId(stack.api, 'source', 'source-sample'),
      name: `${label} users`,
      configuration,
    },
    [201],
  );
  const destination = await ok(
    stack.api,
    'POST',
    '/api/v1/destinations',
    {
      workspaceId: workspace,
      definitionId: await definitionId(stack.api, 'destination', 'destination-dev-null'),
      name: `${label} nowhere`,
      configuration: {},
    },
    [201],
  );
  await discover(stack.api, source.id as string);
  return { sourceId: source.id as string, destinationId: destination.id as string };
}

const rowNames = () => chromium.page.locator('tbody tr td:first-child a').allTextContents();

describe('tables, chart and workspaces in the web UI', () => {
  let alphaId: string;
  let jobIds: string[];
  let marketing: string;

  beforeAll(async () => {
    const { sourceId, destinationId } = await sampleActors(await workspaceId(stack.api), 'sample');
    const users = [{ name: 'users', syncMode: 'full_refresh_overwrite' }];
    // created in an order that is not alphabetical, so sorting has something to do
    await createConnection(stack.api, sourceId, destinationId, users, { name: 'beta sync' });
    alphaId = await createConnection(stack.api, sourceId, destinationId, users, { name: 'alpha sync' });
    await createConnection(stack.api, sourceId, destinationId, users, { name: 'gamma sync' });
    jobIds = [(await syncAndWait(stack.api, alphaId)).id, (await syncAndWait(stack.api, alphaId)).id];

    marketing = (await ok(stack.api, 'POST', '/api/v1/workspaces', { name: 'Marketing' }, [201])).id as string;
    const other = await sampleActors(marketing, 'marketing');
    await createConnection(stack.api, other.sourceId, other.destinationId, users, { name: 'marketing sync' });

    const { page } = chromium;
    await page.goto(`${stack.uiUrl}/sign-in`);
    await page.getByLabel('Email').fill(ADMIN_EMAIL);
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/connections$/);
  });

  it('the connections list sorts by name both ways and its search narrows the rows', async () => {
    const { page } = chromium;
    await page.locator('tr', { hasText: 'gamma sync' }).waitFor();
    expect(await rowNames()).toEqual(['beta sync', 'alpha sync', 'gamma sync']);
    const header = page.getByRole('columnheader', { name: /Connection/ });
    await header.getByRole('button').click();
    expect(await header.getAttribute('aria-sort')).toBe('ascending');
    expect(await rowNames()).toEqual(['alpha sync', 'beta sync', 'gamma sync']);
    await header.getByRole('button').click();
    expect(await header.getAttribute('aria-sort')).toBe('descending');
    expect(await rowNames()).toEqual(['gamma sync', 'beta sync', 'alpha sync']);
    await page.getByLabel('Search').fill('ALPHA');
    await expect.poll(rowNames).toEqual(['alpha sync']);
    // the source's name is searched too
    await page.getByLabel('Search').fill('sample users');
    await expect.poll(rowNames).toEqual(['gamma sync', 'beta sync', 'alpha sync']);
    await page.getByLabel('Search').fill('no such thing');
    await page.getByText('No connection matches.').waitFor();
    await page.getByLabel('Search').fill('');
    await saveScreenshot(page, repoRoot, 'connections-sorted');
  });

  it('the streams table of a new connection sorts by stream, searches and selects all shown', async () => {
    const { page } = chromium;
    await page.goto(`${stack.uiUrl}/connections/new`);
    await page.getByLabel('Source', { exact: true }).selectOption({ label: 'sample users' });
    await page.getByLabel('Destination', { exact: true }).selectOption({ label: 'sample nowhere' });
    await page.getByRole('button', { name: 'Discover streams' }).click();
    await page.locator('tr[data-stream="users"]').waitFor({ timeout: 120_000 });
    const streams = () => page.locator('tr[data-stream]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-stream')));
    expect(await streams()).toEqual(['users', 'products', 'purchases']);
    const header = page.getByRole('columnheader', { name: /Stream/ });
    await header.getByRole('button').click();
    expect(await streams()).toEqual(['products', 'purchases', 'users']);
    await header.getByRole('button').click();
    expect(await streams()).toEqual(['users', 'purchases', 'products']);

    await page.getByLabel('Search streams').fill('P');
    await expect.poll(streams).toEqual(['purchases', 'products']);
    await page.getByLabel(/Select all shown \(2\)/).uncheck();
    await page.getByLabel('Search streams').fill('');
    await expect.poll(streams).toHaveLength(3);
    expect(await page.getByLabel('Sync users').isChecked()).toBe(true);
    expect(await page.getByLabel('Sync products').isChecked()).toBe(false);
    expect(await page.getByLabel('Sync purchases').isChecked()).toBe(false);
    await page.getByRole('button', { name: 'Create connection (1 streams)' }).waitFor();
    await saveScreenshot(page, repoRoot, 'new-connection-streams');
  });

  it('the job history sorts by when a job started, and the chart names each job on hover', async () => {
    const { page } = chromium;
    await page.goto(`${stack.uiUrl}/connections/${alphaId}`);
    // the chart (uPlot, a canvas): hovering a bar names the job and its records in the legend
    const records = page.getByRole('img', { name: 'Records committed per recent job' });
    await records.locator('canvas').waitFor();
    const plot = records.locator('.u-over');
    // the newest job is the right-hand bar; hovered again on each try (a pixel up or down, or no
    // move event fires): the chart may draw its data after the first move, and then shows nothing
    let nudge = 0;
    const hoverNewest = async () => {
      const box = (await plot.boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.75, box.y + box.height - 3 - (nudge ^= 1));
      return records.locator('.u-legend').textContent();
    };
    await expect.poll(hoverNewest).toContain(`#${jobIds[1]}`);
    expect(await records.locator('.u-legend').textContent()).toContain('100');
    await page.getByRole('img', { name: 'Duration per recent job' }).locator('canvas').waitFor();
    // what the canvas shows, as a table for screen readers (clipped out of sight, still in the accessibility tree: getByRole finds it)
    const figures = page.getByRole('table', { name: 'Records committed per recent job, as a table' });
    expect(await figures.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.textContent))).toEqual([
      `#${jobIds[0]} succeeded100`,
      `#${jobIds[1]} succeeded100`,
    ]);
    await saveScreenshot(page, repoRoot, 'connection-chart');

    await page.getByRole('tab', { name: 'Job history' }).click();
    const jobs = () => page.locator('tr[data-job]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-job')));
    await expect.poll(jobs).toEqual([jobIds[1], jobIds[0]]);
    const started = page.getByRole('columnheader', { name: /Started/ });
    await started.getByRole('button').click();
    expect(await started.getAttribute('aria-sort')).toBe('ascending');
    expect(await jobs()).toEqual([jobIds[0], jobIds[1]]);
    await started.getByRole('button').click();
    expect(await jobs()).toEqual([jobIds[1], jobIds[0]]);
    // records are sortable too (both jobs moved the same 100 records)
    await page
      .getByRole('columnheader', { name: /Records/ })
      .getByRole('button')
      .click();
    expect(await page.getByRole('columnheader', { name: /Records/ }).getAttribute('aria-sort')).toBe('ascending');
    await saveScreenshot(page, repoRoot, 'connection-job-history-sorted');
  });

  it('an admin switches workspace: every page lists that workspace, and the choice survives a reload', async () => {
    const { page } = chromium;
    await page.goto(`${stack.uiUrl}/connections`);
    const switcher = page.getByLabel('Workspace', { exact: true });
    await expect.poll(() => switcher.locator('option').allTextContents()).toEqual(['Default Workspace', 'Marketing']);
    await page.locator('tr', { hasText: 'alpha sync' }).waitFor();
    await switcher.selectOption({ label: 'Marketing' });
    await expect.poll(rowNames).toEqual(['marketing sync']);
    await saveScreenshot(page, repoRoot, 'workspace-switcher');

    await page.reload();
    await expect.poll(rowNames).toEqual(['marketing sync']);
    expect(await switcher.inputValue()).toBe(marketing);
    await page.goto(`${stack.uiUrl}/sources`);
    await page.getByText('marketing users').waitFor();
    expect(await page.getByText('sample users').count()).toBe(0);
    await page.goto(`${stack.uiUrl}/settings`);
    await expect.poll(() => page.getByLabel('Workspace name').inputValue()).toBe('Marketing');

    // switching from a connection of the other workspace leads back to the list
    await page.goto(`${stack.uiUrl}/connections/${alphaId}`);
    await page.getByRole('heading', { name: 'alpha sync' }).waitFor();
    await switcher.selectOption({ label: 'Default Workspace' });
    await page.waitForURL(/\/connections$/);
    await expect.poll(rowNames).toEqual(['beta sync', 'alpha sync', 'gamma sync']);
  });

  it('the logs of a running attempt follow the newest line until the reader scrolls up', async () => {
    const { page } = chromium;
    const { sourceId, destinationId } = await sampleActors(await workspaceId(stack.api), 'slow', {
      count: 200_000,
      records_per_batch: 500,
      sleep_ms_per_batch: 200,
    });
    const slowId = await createConnection(stack.api, sourceId, destinationId, [{ name: 'users', syncMode: 'full_refresh_append' }], {
      name: 'slow sync',
    });
    const jobId = await startJob(stack.api, slowId);
    try {
      await page.goto(`${stack.uiUrl}/connections/${slowId}`);
      // a box one line high, so the first lines of a sync overflow it
      await page.addStyleTag({ content: '.logs { max-height: 1.3em !important; }' });
      await page.getByRole('tab', { name: 'Job history' }).click();
      await page.locator(`tr[data-job="${jobId}"]`).getByRole('button', { name: 'Details and logs' }).click();
      const logs = page.getByTestId('logs');
      await logs.waitFor();
      const fromBottom = () => logs.evaluate((el) => el.scrollHeight - el.clientHeight - el.scrollTop);
      await expect.poll(() => logs.evaluate((el) => el.scrollHeight - el.clientHeight), { timeout: 60_000 }).toBeGreaterThan(0);
      expect(await page.getByLabel('Follow the log').isChecked()).toBe(true);
      await expect.poll(fromBottom).toBeLessThanOrEqual(1);
      // the reader scrolls up: following stops
      await logs.evaluate((el) => el.scrollTo({ top: 0 }));
      await expect.poll(() => page.getByLabel('Follow the log').isChecked()).toBe(false);
      expect(await logs.evaluate((el) => el.scrollTop)).toBe(0);
      // following again jumps to the newest line
      await page.getByLabel('Follow the log').check();
      await expect.poll(fromBottom).toBeLessThanOrEqual(1);
    } finally {
      await ok(stack.api, 'POST', `/api/v1/jobs/${jobId}/cancel`);
      await finishedJob(stack.api, jobId);
    }
  });

  it('empty and error states: a catalog search without a match says so, a failed enable toggle says why', async () => {
    const { page } = chromium;
    await page.goto(`${stack.uiUrl}/catalog`);
    await page.getByLabel('Search connectors').fill('no-such-connector');
    await expect.poll(() => page.getByText('No connector matches “no-such-connector”.').count()).toBe(2);

    const { sourceId, destinationId } = await sampleActors(await workspaceId(stack.api), 'doomed');
    const doomed = await createConnection(stack.api, sourceId, destinationId, [{ name: 'users', syncMode: 'full_refresh_overwrite' }], {
      name: 'doomed sync',
    });
    await page.goto(`${stack.uiUrl}/connections`);
    await page.locator('tr', { hasText: 'doomed sync' }).waitFor();
    // gone behind the page's back: the toggle's refusal shows, announced
    await ok(stack.api, 'DELETE', `/api/v1/connections/${doomed}`, undefined, [204]);
    // (the box shows the stored state: it stays checked while the change is refused)
    await page.getByLabel('Enable doomed sync').click();
    await expect
      .poll(() =>
        page
          .getByRole('alert')
          .filter({ hasText: /doomed sync/ })
          .textContent(),
      )
      .toMatch(/not found/i);
  });

  it('"Show" asks the API for the connections in that state, whatever page they are on', async () => {
    const { page } = chromium;
    const { sourceId, destinationId } = await sampleActors(await workspaceId(stack.api), 'paused');
    const paused = await createConnection(stack.api, sourceId, destinationId, [{ name: 'users', syncMode: 'full_refresh_overwrite' }], {
      name: 'paused sync',
    });
    await ok(stack.api, 'PATCH', `/api/v1/connections/${paused}`, { status: 'inactive' });
    await page.goto(`${stack.uiUrl}/connections`);
    await page.locator('tr', { hasText: 'paused sync' }).waitFor();
    const asked = page.waitForRequest((r) => r.url().includes('/api/v1/connections?') && r.url().includes('state=disabled'));
    await page.getByLabel('Show').selectOption('disabled');
    await asked;
    await expect.poll(rowNames).toEqual(['paused sync']);
    await page.getByLabel('Show').selectOption('failed');
    await page.getByText('No connection matches.').waitFor();
    await page.getByLabel('Show').selectOption('all');
    await expect.poll(async () => (await rowNames()).includes('paused sync') && (await rowNames()).length > 1).toBe(true);
  });
});
