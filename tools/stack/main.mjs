#!/usr/bin/env node
// `npm start` (after tools/start.sh has built everything): runs the embedded stack in the
// foreground until Ctrl-C / SIGTERM (exit 0) or until a service dies (exit 1).
// Settings come from the environment: see tools/stack/settings.mjs and the README.
import { Stack } from './stack.mjs';
import { stackSettings } from './settings.mjs';

const bold = (text) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
const log = (line) => process.stderr.write(`${bold('[tributary]')} ${line}\n`);

function printReady(info) {
  const lines = [
    '',
    bold('Tributary is running.'),
    `  Web UI:       ${bold(info.uiUrl)}`,
    `  Sign in as:   ${info.adminEmail}, password ${
      info.newAdminPassword ? `${info.newAdminPassword} (shown this once; also in ${info.adminPasswordFile})` : info.adminPasswordFile ? `in ${info.adminPasswordFile}` : 'from TRIBUTARY_ADMIN_PASSWORD'
    }`,
    `  API:          ${info.apiUrl}`,
    `  API docs:     ${info.docsUrl}`,
    `  Admin token:  ${info.adminToken}`,
    `  Temporal:     ${info.temporalAddress}`,
    `  Data:         ${info.dataDir}`,
    `  Logs:         ${info.logDir}`,
    '',
    'Try it:',
    `  curl -H "Authorization: Bearer ${info.adminToken}" ${info.apiUrl}/workspaces`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
  if (!info.tokenWorks) {
    log(
      `warning: the admin token above is not accepted: this database already had API tokens before it was ` +
        `${info.adminTokenFile ? `saved in ${info.adminTokenFile}` : 'set in TRIBUTARY_ADMIN_TOKEN'}; use the token you were given then`,
    );
  }
}

async function main() {
  let settings;
  try {
    settings = stackSettings();
  } catch (error) {
    log(error.message);
    return 2;
  }
  const stack = new Stack(settings, { log });
  // whatever happens to this process, nothing it started keeps running
  process.on('exit', () => stack.kill());
  const stopRequested = new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM']) {
      process.on(signal, () => {
        if (!stack.stopping) log(`${signal}: stopping`);
        resolve(signal);
      });
    }
  });

  try {
    const info = await Promise.race([stack.start(), stopRequested.then(() => undefined)]);
    if (info) printReady(info);
  } catch (error) {
    if (!stack.stopping) {
      log(`could not start: ${error.message}`);
      await stack.stop();
      return 1;
    }
  }
  const failure = await Promise.race([stack.failure, stopRequested.then(() => undefined)]);
  if (failure) log(failure.message);
  await stack.stop();
  log('stopped');
  return failure ? 1 : 0;
}

process.exitCode = await main();
