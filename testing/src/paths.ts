/** Where tests keep slow-to-build things (virtualenvs, Postgres binaries' data, ...). */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Per-user cache shared by CI runs and fresh clones; override with TRIBUTARY_CACHE_DIR. */
export function cacheDir(): string {
  return process.env.TRIBUTARY_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tributary');
}

/** Where connector virtualenvs / npm prefixes are installed for tests. */
export function connectorInstallDir(): string {
  return join(cacheDir(), 'connectors');
}

/** The repository's root directory. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** A fixture program (a fake connector, a helper process) in testing/fixtures/. */
export function fixturePath(name: string): string {
  return join(repoRoot, 'testing', 'fixtures', name);
}
