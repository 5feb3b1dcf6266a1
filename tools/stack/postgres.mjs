// The embedded database: Debian's PostgreSQL server in <data dir>/postgres, started and
// stopped by tools/postgres.sh, with a `tributary` role and database of its own.
//
// Why not PGlite over the wire (@electric-sql/pglite-socket)? It serves one connection at a
// time correctly; with the server, the worker and the bootloader connecting at once (and
// five parallel API requests) it answered 500 "portal does not exist" and spurious 401s.
import { execFile } from 'node:child_process';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { REPO_ROOT, newPassword, persistentSecret } from './settings.mjs';

const run = promisify(execFile);
const SCRIPT = join(REPO_ROOT, 'tools', 'postgres.sh');
const ROLE = 'tributary';
const DATABASE = 'tributary';

function scriptError(error) {
  return new Error(`PostgreSQL: ${(error.stderr || error.message).trim()}`);
}

/** Starts (or finds running) the server; returns the URL of Tributary's own role and database. */
export async function startEmbeddedPostgres({ dataDir, logDir, port }) {
  const dir = join(dataDir, 'postgres');
  let adminUrl;
  try {
    const { stdout } = await run('bash', [SCRIPT, 'start', dir, String(port)], { maxBuffer: 16 * 1024 * 1024 });
    adminUrl = stdout.trim().split('\n').pop();
  } catch (error) {
    throw scriptError(error);
  }
  // the server writes its own log; make it findable beside the others
  await symlink(join(dir, 'server.log'), join(logDir, 'postgres.log')).catch(() => undefined);
  const password = await persistentSecret(join(dataDir, 'postgres-password'), newPassword);
  await ensureRoleAndDatabase(adminUrl, password);
  const url = new URL(adminUrl);
  url.username = ROLE;
  url.password = password;
  url.pathname = `/${DATABASE}`;
  // the server's unix socket (in its data dir): cheaper per query than loopback TCP, which
  // matters for every API request
  url.searchParams.set('host', dir);
  return { url: url.toString(), dir };
}

/** Idempotent: creates the role and database when missing, (re)sets the password. */
async function ensureRoleAndDatabase(adminUrl, password) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const quoted = `'${password.replace(/'/g, "''")}'`;
    const role = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [ROLE]);
    await client.query(`${role.rowCount ? 'ALTER' : 'CREATE'} ROLE ${ROLE} LOGIN PASSWORD ${quoted}`);
    const database = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (!database.rowCount) await client.query(`CREATE DATABASE ${DATABASE} OWNER ${ROLE} TEMPLATE template0 ENCODING 'UTF8'`);
  } finally {
    await client.end();
  }
}

export async function stopEmbeddedPostgres(dir) {
  try {
    await run('bash', [SCRIPT, 'stop', dir]);
  } catch (error) {
    throw scriptError(error);
  }
}
