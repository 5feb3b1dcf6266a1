/**
 * The one-shot start-up job: ordered, idempotent, logged steps. Only the bootloader
 * migrates; the server and the worker expect a ready database.
 */
import { TRIBUTARY_VERSION, type BootloaderConfig, type Logger } from '@tributary/config';
import { connectorCatalog } from './connector-catalog.js';
import { ensureDefaultWorkspace, ensureFirstAdminToken, ensureFirstAdminUser } from './steps/first-admin.js';
import { refuseDowngrade, stampVersion, storedVersion } from './steps/platform-version.js';
import { createDataSource, seedDefinitions, type SpecFetcher } from '@tributary/db';
import { waitForDatabase } from './steps/wait-for-database.js';

export interface BootloaderOptions {
  config: BootloaderConfig;
  logger: Logger;
  /** how builtin connector specs are fetched (see builtin-specs.ts) */
  fetchSpec: SpecFetcher;
  /** shows a generated first admin token to the operator, once (one the operator chose is theirs already) */
  printToken: (token: string) => void;
  /** shows a generated password of the first web UI user to the operator, once */
  printPassword?: (email: string, password: string) => void;
  /** the code's version; default TRIBUTARY_VERSION */
  version?: string;
}

export interface StepReport {
  step: string;
  changed: boolean;
  detail?: unknown;
}

// any constant works; it only has to be the same for every bootloader
const BOOTLOADER_LOCK_ID = 7_305_001;

export async function runBootloader(options: BootloaderOptions): Promise<StepReport[]> {
  const { config, logger } = options;
  const version = options.version ?? TRIBUTARY_VERSION;
  const reports: StepReport[] = [];
  const step = async (name: string, run: () => Promise<Omit<StepReport, 'step'>>): Promise<void> => {
    const started = Date.now();
    logger.info({ step: name }, `${name}: started`);
    const report = { step: name, ...(await run()) };
    logger.info({ ...report, durationMs: Date.now() - started }, `${name}: ${report.changed ? 'done' : 'nothing to do'}`);
    reports.push(report);
  };

  await step('wait-for-database', async () => {
    await waitForDatabase(config.DATABASE_URL, config.TRIBUTARY_DB_WAIT_TIMEOUT_MS, logger);
    return { changed: false };
  });

  const dataSource = await createDataSource({ url: config.DATABASE_URL, applicationName: 'tributary-bootloader', poolSize: 2 }).initialize();
  // a second bootloader (e.g. two Helm hooks) waits here instead of migrating concurrently
  const lock = dataSource.createQueryRunner();
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock($1)', [BOOTLOADER_LOCK_ID]);
    const manager = dataSource.manager;

    await step('refuse-downgrade', async () => {
      const stored = await storedVersion(manager);
      refuseDowngrade(stored, version);
      return { changed: false, detail: { stored: stored ?? null, code: version } };
    });

    await step('run-migrations', async () => {
      const ran = await dataSource.runMigrations({ transaction: 'each' });
      return { changed: ran.length > 0, detail: { applied: ran.map((m) => m.name) } };
    });

    await step('seed-connector-definitions', async () => {
      const result = await seedDefinitions(manager, connectorCatalog(version), options.fetchSpec);
      return { changed: result.created.length + result.updated.length > 0, detail: result };
    });

    await step('default-workspace', async () => ({ changed: await ensureDefaultWorkspace(manager) }));

    await step('first-admin-token', async () => {
      const token = await ensureFirstAdminToken(manager, config.TRIBUTARY_ADMIN_TOKEN);
      // a chosen token is never echoed: the bootloader's output may land in a log file (npm start's does)
      if (token && !config.TRIBUTARY_ADMIN_TOKEN) options.printToken(token);
      return { changed: token !== undefined };
    });

    await step('first-admin-user', async () => {
      const user = await ensureFirstAdminUser(manager, config.TRIBUTARY_ADMIN_EMAIL, config.TRIBUTARY_ADMIN_PASSWORD);
      if (user?.generatedPassword) options.printPassword?.(user.email, user.generatedPassword);
      return { changed: user !== undefined, ...(user ? { detail: { email: user.email } } : {}) };
    });

    await step('stamp-version', async () => ({ changed: await stampVersion(manager, version), detail: { version } }));
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [BOOTLOADER_LOCK_ID]).catch(() => undefined);
    await lock.release();
    await dataSource.destroy();
  }
  return reports;
}
