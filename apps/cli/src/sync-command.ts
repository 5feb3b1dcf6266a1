/**
 * `tributary-sync`: one sync from the command line, without the API. Discovers the
 * catalog when none is given, streams progress to stderr, keeps the committed state in
 * a file so the next run continues incrementally, and exits 0 / 1 / 130.
 */
import { CatalogConfigurationError, configureCatalog, type LogEntry, SYNC_MODE_CHOICES, type SyncModeChoice } from '@tributary/domain';
import { rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ConfiguredAirbyteCatalogSchema, type ConfiguredAirbyteCatalog } from '@tributary/protocol';
import { ProcessLauncher, type ConnectorDefinition } from '@tributary/launcher';
import { replicate, type ReplicationResult, type ReplicationState } from '@tributary/replication';
import { resolveBuiltinConnector } from '@tributary/connectors';
import { parseConnectorRef } from './connector-ref.js';
import { InputError, readJsonArg, readJsonObjectArg, readOptionalJsonFile } from './inputs.js';
import { formatProgress, formatSummary } from './format.js';

export interface SyncCommandOptions {
  source: ConnectorDefinition;
  sourceConfig: string;
  destination: ConnectorDefinition;
  destinationConfig: string;
  catalog?: string;
  streams?: string[];
  mode: SyncModeChoice;
  state?: string;
  dataDir: string;
  json: boolean;
  verbose: boolean;
  quiet: boolean;
}

export const EXIT = { succeeded: 0, failed: 1, usage: 2, cancelled: 130 } as const;

export function defaultDataDir(): string {
  return process.env.TRIBUTARY_DATA_DIR ?? join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'tributary');
}

const connectorRef = (value: string) => {
  try {
    return parseConnectorRef(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
};

export function buildSyncCommand(run: (options: SyncCommandOptions) => Promise<number>): Command {
  return new Command('tributary-sync')
    .description('Run one sync from a source connector to a destination connector, without the API.')
    .requiredOption('--source <connector>', 'source: builtin name, pypi:<pkg>==<ver>, npm:<pkg>@<ver> or command:<path>', connectorRef)
    .option('--source-config <json|file>', 'source config as inline JSON or a JSON file', '{}')
    .requiredOption('--destination <connector>', 'destination connector (same forms as --source)', connectorRef)
    .option('--destination-config <json|file>', 'destination config as inline JSON or a JSON file', '{}')
    .option('--catalog <file>', 'configured catalog JSON; default: discover and select every stream')
    .option('--streams <names>', 'comma-separated streams to sync (with discovery)', (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .addOption(new Option('--mode <mode>', 'sync mode for discovered streams').choices(SYNC_MODE_CHOICES).default('auto'))
    .option('--state <file>', 'committed state: read at start if it exists, rewritten after every commit')
    .option('--data-dir <dir>', 'where connector virtualenvs are installed (env TRIBUTARY_DATA_DIR)', defaultDataDir())
    .option('--json', 'print the final result as JSON on stdout', false)
    .option('--verbose', 'print every connector log line to stderr', false)
    .option('--quiet', 'no progress lines', false)
    .exitOverride()
    .action(async function (this: Command) {
      process.exitCode = await run(this.opts<SyncCommandOptions>());
    });
}

async function writeStateFile(path: string, state: ReplicationState): Promise<void> {
  // write-then-rename: a crash mid-write never leaves a truncated state file
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, path);
}

function printLog(entry: LogEntry, verbose: boolean): void {
  if (!verbose && !['fatal', 'error', 'warn'].includes(entry.level)) return;
  process.stderr.write(`[${entry.origin}] ${entry.level}: ${entry.message}\n`);
}

async function loadCatalog(o: SyncCommandOptions, launcher: ProcessLauncher, sourceConfig: Record<string, unknown>): Promise<ConfiguredAirbyteCatalog> {
  if (o.catalog) {
    const parsed = ConfiguredAirbyteCatalogSchema.safeParse(await readJsonArg(o.catalog, 'catalog'));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(`catalog ${o.catalog} is invalid at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
    }
    return parsed.data;
  }
  if (!o.quiet) process.stderr.write('discovering streams...\n');
  const discovered = await launcher.discover(o.source, sourceConfig, { role: 'source', onLog: (e) => printLog(e, o.verbose) });
  if (!discovered.ok) throw new InputError(`discover failed (${discovered.failure.origin} ${discovered.failure.type}): ${discovered.failure.message}`);
  try {
    return configureCatalog(discovered.value, { ...(o.streams ? { streams: o.streams } : {}), mode: o.mode });
  } catch (err) {
    if (err instanceof CatalogConfigurationError) throw new InputError(err.message);
    throw err;
  }
}

/** Runs the sync; returns the process exit code. */
export async function runSync(o: SyncCommandOptions): Promise<number> {
  const launcher = new ProcessLauncher({ installDir: join(o.dataDir, 'connectors'), resolveBuiltin: resolveBuiltinConnector });
  const sourceConfig = await readJsonObjectArg(o.sourceConfig, 'source config');
  const destinationConfig = await readJsonObjectArg(o.destinationConfig, 'destination config');
  const catalog = await loadCatalog(o, launcher, sourceConfig);
  const state = o.state ? ((await readOptionalJsonFile(o.state, 'state')) as ReplicationState | undefined) : undefined;

  const abort = new AbortController();
  const onSignal = () => {
    if (!o.quiet) process.stderr.write('\ncancelling: stopping connectors, keeping committed state...\n');
    abort.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let result: ReplicationResult;
  try {
    result = await replicate({
      launcher,
      source: { definition: o.source, config: sourceConfig },
      destination: { definition: o.destination, config: destinationConfig },
      catalog,
      ...(state ? { state } : {}),
      signal: abort.signal,
      onLog: (e) => printLog(e, o.verbose),
      onProgress: (p) => {
        if (!o.quiet && !p.done) process.stderr.write(formatProgress(p) + '\n');
      },
      onStateCommitted: o.state ? (committed) => writeStateFile(o.state!, committed) : undefined,
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (o.json) process.stdout.write(JSON.stringify(result) + '\n');
  else process.stdout.write(formatSummary(result) + '\n');
  return EXIT[result.status];
}

/** Entry point used by bin/tributary-sync. */
export async function main(argv = process.argv): Promise<void> {
  const command = buildSyncCommand(async (options) => {
    try {
      return await runSync(options);
    } catch (err) {
      if (err instanceof InputError) {
        process.stderr.write(`error: ${err.message}\n`);
        return EXIT.usage;
      }
      throw err;
    }
  });
  try {
    await command.parseAsync(argv);
  } catch (err) {
    const code = (err as { exitCode?: number }).exitCode;
    // commander already printed its message (usage errors, --help)
    process.exitCode = code === 0 ? 0 : EXIT.usage;
  }
}
