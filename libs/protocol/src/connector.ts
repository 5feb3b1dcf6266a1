/**
 * A minimal SDK for connectors written in TypeScript: parses the standard command line
 * (spec | check | discover | read | write with --config/--catalog/--state files),
 * calls the connector, frames its output and turns thrown errors into TRACE ERRORs.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type {
  AirbyteCatalog,
  AirbyteConnectionStatus,
  AirbyteStateMessage,
  ConfiguredAirbyteCatalog,
  ConnectorSpecification,
  FailureType,
} from './messages.js';
import { readInputChunks, type ChunkHandler } from './input-chunks.js';
import { ConfiguredAirbyteCatalogSchema } from './messages.js';
import { MessageWriter } from './writer.js';

/** Throw from a connector to report an error of a given failure type. */
export class ConnectorError extends Error {
  constructor(
    message: string,
    readonly failureType: FailureType = 'system_error',
    readonly internalMessage?: string,
  ) {
    super(message);
    this.name = 'ConnectorError';
  }
}

export type ConnectorConfig = Record<string, unknown>;

export interface ReadContext<C extends ConnectorConfig> {
  config: C;
  catalog: ConfiguredAirbyteCatalog;
  /** the state file's content: an array of state messages, or a legacy blob, or undefined */
  state: AirbyteStateMessage[] | undefined;
  out: MessageWriter;
}

export interface WriteContext<C extends ConnectorConfig> {
  config: C;
  catalog: ConfiguredAirbyteCatalog;
  /** the destination's stdin (use this or readInput(), not both) */
  readonly input: NodeJS.ReadableStream;
  /** stdin chunk by chunk, as views of one reused buffer valid only during each call (see input-chunks.ts) */
  readInput(onChunk: ChunkHandler): Promise<void>;
  out: MessageWriter;
}

export interface Connector<C extends ConnectorConfig = ConnectorConfig> {
  spec(): ConnectorSpecification;
  check(config: C): Promise<AirbyteConnectionStatus>;
  discover?(config: C): Promise<AirbyteCatalog>;
  read?(ctx: ReadContext<C>): Promise<void>;
  write?(ctx: WriteContext<C>): Promise<void>;
}

const COMMANDS = ['spec', 'check', 'discover', 'read', 'write'] as const;
type Command = (typeof COMMANDS)[number];

export interface ParsedArgs {
  command: Command;
  config?: string;
  catalog?: string;
  state?: string;
}

/** Parses `<command> [--config f] [--catalog f] [--state f]`; throws a config_error on misuse. */
export function parseConnectorArgs(argv: string[]): ParsedArgs {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { config: { type: 'string' }, catalog: { type: 'string' }, state: { type: 'string' } },
  });
  const command = positionals[0] as Command | undefined;
  if (!command || !COMMANDS.includes(command)) {
    throw new ConnectorError(`usage: <${COMMANDS.join('|')}> [--config FILE] [--catalog FILE] [--state FILE]`, 'config_error');
  }
  const needs: Record<Command, (keyof typeof values)[]> = {
    spec: [],
    check: ['config'],
    discover: ['config'],
    read: ['config', 'catalog'],
    write: ['config', 'catalog'],
  };
  for (const flag of needs[command]) {
    if (!values[flag]) throw new ConnectorError(`${command} needs --${flag} FILE`, 'config_error');
  }
  return { command, ...values };
}

async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConnectorError(`cannot read ${what} file ${path}: ${(err as Error).message}`, 'config_error');
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConnectorError(`${what} file ${path} is not valid JSON: ${(err as Error).message}`, 'config_error');
  }
}

/** Normalises a state file: an array of state messages, or a single legacy blob. */
export function normaliseStateInput(value: unknown): AirbyteStateMessage[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value as AirbyteStateMessage[];
  return [{ type: 'LEGACY', data: value }];
}

async function dispatch<C extends ConnectorConfig>(connector: Connector<C>, args: ParsedArgs, out: MessageWriter): Promise<void> {
  if (args.command === 'spec') {
    await out.emit({ type: 'SPEC', spec: connector.spec() });
    return;
  }
  const config = (await readJsonFile(args.config!, 'config')) as C;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ConnectorError('config must be a JSON object', 'config_error');
  }
  switch (args.command) {
    case 'check':
      await out.emit({ type: 'CONNECTION_STATUS', connectionStatus: await connector.check(config) });
      return;
    case 'discover': {
      if (!connector.discover) throw new ConnectorError('this connector does not support discover', 'config_error');
      await out.emit({ type: 'CATALOG', catalog: await connector.discover(config) });
      return;
    }
    case 'read':
    case 'write': {
      const parsed = ConfiguredAirbyteCatalogSchema.safeParse(await readJsonFile(args.catalog!, 'catalog'));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new ConnectorError(`invalid catalog: ${issue?.path.join('.')}: ${issue?.message}`, 'config_error');
      }
      const catalog = parsed.data;
      if (args.command === 'read') {
        if (!connector.read) throw new ConnectorError('this connector is not a source', 'config_error');
        const state = args.state ? normaliseStateInput(await readJsonFile(args.state, 'state')) : undefined;
        await connector.read({ config, catalog, state, out });
      } else {
        if (!connector.write) throw new ConnectorError('this connector is not a destination', 'config_error');
        // stdin is opened by whichever of the two the connector asks for
        await connector.write({
          config,
          catalog,
          get input() {
            return process.stdin;
          },
          readInput: (onChunk) => readInputChunks(onChunk),
          out,
        });
      }
      return;
    }
  }
}

/** Entry point of a connector program: runs the command in argv and exits. */
export async function runConnector<C extends ConnectorConfig>(connector: Connector<C>, argv = process.argv.slice(2)): Promise<void> {
  const out = new MessageWriter(process.stdout);
  // a consumer that went away is not our error: stop quietly
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  let exitCode = 0;
  try {
    await dispatch(connector, parseConnectorArgs(argv), out);
  } catch (err) {
    const e = err as Error;
    const failureType = err instanceof ConnectorError ? err.failureType : 'system_error';
    const internal = err instanceof ConnectorError ? err.internalMessage : e.message;
    await out.traceError(e.message, failureType, {
      ...(internal ? { internalMessage: internal } : {}),
      ...(e.stack ? { stackTrace: e.stack } : {}),
    });
    exitCode = 1;
  }
  await out.close();
  process.exitCode = exitCode;
}
