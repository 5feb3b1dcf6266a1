/** `node apps/server/dist/main.js`: the Config API. Expects a database the bootloader has migrated. */
import { ConfigError, createLogger, loadConfig, serverEnvSchema } from '@tributary/config';
import { createDataSource } from '@tributary/db';
import { createServerApp } from './app.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(serverEnvSchema, process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`server: ${error.message}\n`);
    process.exitCode = 2;
    return;
  }
  const logger = createLogger({ name: 'server', level: config.LOG_LEVEL });
  const dataSource = await createDataSource({ url: config.DATABASE_URL, applicationName: 'tributary-server' }).initialize();
  if (await dataSource.showMigrations()) {
    logger.fatal('the database has pending migrations: run the bootloader first');
    await dataSource.destroy();
    process.exitCode = 1;
    return;
  }
  const app = await createServerApp({ dataSource, secretKey: config.TRIBUTARY_SECRET_KEY, logger });
  await app.listen({ port: config.PORT, host: config.HOST });
  const url = config.TRIBUTARY_PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`;
  logger.info({ url: `${url}/api/v1`, docs: `${url}/api/docs` }, 'Config API listening');
  const stop = async () => {
    await app.close();
    await dataSource.destroy();
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

await main();
