/**
 * Heavy clients stay behind their own doors: importing a package's main entry loads no
 * Kubernetes, S3 or database client unless that package is the one that talks to it. The
 * Kubernetes launcher lives behind `@tributary/launcher/kubernetes`, S3 storage behind
 * `@tributary/storage/s3`; code that needs only types or the vocabulary never pays for them.
 * Checked on the built packages, as Node really loads them (a type-only import loads nothing).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const LOADED_MODULES = fileURLToPath(new URL('./loaded-modules.mjs', import.meta.url));

const HEAVY_CLIENTS = {
  kubernetes: ['@kubernetes/client-node'],
  s3: ['minio'],
  database: ['pg', 'pg-copy-streams', 'typeorm'],
  // OpenTelemetry's SDK and Temporal's interceptors for it: loaded only with TRIBUTARY_TRACING=otlp
  tracing: ['@opentelemetry/sdk-trace-base', '@opentelemetry/sdk-trace-node', '@opentelemetry/exporter-trace-otlp-http', '@temporalio/interceptors-opentelemetry'],
} as const;
type Heavy = keyof typeof HEAVY_CLIENTS;

async function loadedBy(specifier: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)(process.execPath, [LOADED_MODULES, specifier], { cwd: repoRoot });
  return JSON.parse(stdout) as string[];
}

/** The packages of node_modules among the loaded URLs (`@scope/name` or `name`). */
function packagesIn(urls: string[]): Set<string> {
  const names = new Set<string>();
  for (const url of urls) {
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (match) names.add(match[1]!);
  }
  return names;
}

/** entry -> the heavy clients it may load */
const ENTRIES: Record<string, Heavy[]> = {
  '@tributary/protocol': [],
  '@tributary/launcher': [],
  '@tributary/launcher/kubernetes': ['kubernetes'],
  '@tributary/replication': [],
  '@tributary/storage': [],
  '@tributary/storage/s3': ['s3'],
  '@tributary/workflows': [],
  '@tributary/workflows/workflows': [],
  '@tributary/config': [],
  '@tributary/api-client': [],
  '@tributary/connectors': [],
  '@tributary/db': ['database'],
  '@tributary/metrics': [],
  '@tributary/metrics/tracing': ['tracing'],
};

describe('entry points', () => {
  it('@tributary/domain loads nothing but itself: no Node builtin, no package (workflow code may import its values)', async () => {
    const loaded = await loadedBy('@tributary/domain');
    expect(loaded.length).toBeGreaterThan(1);
    expect(loaded.filter((url) => !url.startsWith(`file://${repoRoot}libs/domain/dist/`))).toEqual([]);
  });

  for (const [entry, allowed] of Object.entries(ENTRIES)) {
    it(`${entry} loads no ${(Object.keys(HEAVY_CLIENTS) as Heavy[]).filter((h) => !allowed.includes(h)).join(', ')} client`, async () => {
      const packages = packagesIn(await loadedBy(entry));
      const forbidden = (Object.keys(HEAVY_CLIENTS) as Heavy[]).filter((h) => !allowed.includes(h)).flatMap((h) => HEAVY_CLIENTS[h]);
      expect(forbidden.filter((name) => packages.has(name))).toEqual([]);
    });
  }

  it('sees a heavy client when one is loaded (the check is not blind)', async () => {
    expect(packagesIn(await loadedBy('@tributary/db')).has('typeorm')).toBe(true);
    expect(packagesIn(await loadedBy('@tributary/storage/s3')).has('minio')).toBe(true);
    expect(packagesIn(await loadedBy('@tributary/launcher/kubernetes')).has('@kubernetes/client-node')).toBe(true);
    expect(packagesIn(await loadedBy('@tributary/metrics/tracing')).has('@opentelemetry/sdk-trace-base')).toBe(true);
  });
});
