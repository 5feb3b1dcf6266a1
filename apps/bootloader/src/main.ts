/** `node apps/bootloader/dist/main.js`: set up or upgrade the database, then exit. */
import { bootloaderEnvSchema, ConfigError, createLogger, loadConfig } from '@tributary/config';
import { runBootloader } from './bootloader.js';
import { builtinSpecFetcher } from './builtin-specs.js';

async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig(bootloaderEnvSchema, process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`bootloader: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const logger = createLogger({ name: 'bootloader', level: config.LOG_LEVEL });
  try {
    await runBootloader({
      config,
      logger,
      fetchSpec: builtinSpecFetcher(logger),
      printToken: (token) => process.stdout.write(`\nFirst admin API token (shown only this once, store it now):\n\n  ${token}\n\n`),
      printPassword: (email, password) =>
        process.stdout.write(`\nWeb UI sign-in (shown only this once, store it now):\n\n  ${email}\n  ${password}\n\n`),
    });
    logger.info('bootloader finished');
    return 0;
  } catch (error) {
    logger.error({ err: error }, `bootloader failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

process.exitCode = await main();
