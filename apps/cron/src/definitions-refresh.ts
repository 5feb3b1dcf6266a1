/**
 * Definitions refresh: re-reads an operator's connector registry (TRIBUTARY_CONNECTOR_REGISTRY,
 * a JSON file path or an http(s) URL) and applies it as the bootloader applies the shipped
 * catalog: new connectors are added, a connector moves to the registry's version unless a user
 * pinned another one, custom definitions are never touched. The shipped catalog itself changes
 * only with a platform upgrade, which the bootloader applies.
 */
import { readFile } from 'node:fs/promises';
import { seedDefinitions, type SeedDefinition } from '@tributary/db';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { scheduledRun, type ScheduledRunResult } from './scheduled-run.js';
import type { Logger } from '@tributary/config';

const packageName = z.string().min(1).max(214);
const version = z.string().min(1).max(100);
// what a registry may install: packages (a worker installs them in the background), never commands
const runtime = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('pypi'), package: packageName, version, entrypoint: z.string().min(1).optional() }).strict(),
  z.object({ kind: z.literal('npm'), package: packageName, version, bin: z.string().min(1).optional() }).strict(),
]);
const entry = z
  .object({
    actorType: z.enum(['source', 'destination']),
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/, 'must be lowercase letters, digits and -'),
    runtime,
    image: z.string().min(1).nullable().default(null),
    documentationUrl: z.url().nullable().default(null),
  })
  .strict();
const registrySchema = z.object({ definitions: z.array(entry).max(10_000) }).strict();

export class RegistryError extends Error {}

/** The registry's definitions, each checked; a bad one is named by its place (definitions[2].runtime.kind). */
export async function readRegistry(location: string): Promise<SeedDefinition[]> {
  let text: string;
  if (/^https?:\/\//.test(location)) {
    const response = await fetch(location, { signal: AbortSignal.timeout(30_000) });
    if (!response.ok) throw new RegistryError(`the connector registry ${location} answered HTTP ${response.status}`);
    text = await response.text();
  } else {
    text = await readFile(location, 'utf8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RegistryError(`the connector registry ${location} is not JSON: ${(error as Error).message}`);
  }
  const parsed = registrySchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '')}: ${issue.message}`);
    throw new RegistryError(`the connector registry ${location} is not valid: ${issues.join('; ')}`);
  }
  return parsed.data.definitions.map((d) => ({ ...d, version: d.runtime.version }));
}

export interface RefreshCounts {
  definitions: number;
  created: number;
  updated: number;
  keptUserVersion: number;
}

export async function refreshDefinitions(dataSource: DataSource, location: string): Promise<RefreshCounts> {
  const definitions = await readRegistry(location);
  // registry connectors are packages: their specs come from their install, none is fetched here
  const result = await dataSource.transaction((manager) => seedDefinitions(manager, definitions, async () => undefined));
  return { definitions: definitions.length, created: result.created.length, updated: result.updated.length, keptUserVersion: result.keptUserVersion.length };
}

/** pg_advisory_lock key of the definitions refresh */
export const DEFINITIONS_REFRESH_LOCK_KEY = 7_301_403;

export function definitionsRefreshRun(deps: { dataSource: DataSource; logger: Logger }, location: string): Promise<ScheduledRunResult<RefreshCounts>> {
  return scheduledRun('definitions-refresh', DEFINITIONS_REFRESH_LOCK_KEY, deps, () => refreshDefinitions(deps.dataSource, location));
}
