/**
 * The worker's settings without leaving its secrets where a connector could read them.
 * /proc/<pid>/environ shows a process's start-up environment for as long as it lives, so the
 * embedded stack passes DATABASE_URL and TRIBUTARY_SECRET_KEY on stdin (`NAME=value` lines,
 * with TRIBUTARY_ENV_STDIN=1) instead. Either way they are dropped from process.env once read,
 * so nothing this process spawns later inherits them.
 */
import { WORKER_SECRET_VARIABLES } from '@tributary/config';

export const ENV_FROM_STDIN = 'TRIBUTARY_ENV_STDIN';

export function parseEnvLines(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) vars[line.slice(0, at).trim()] = line.slice(at + 1).replace(/\r$/, '');
  }
  return vars;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export interface StartupEnv {
  env: NodeJS.ProcessEnv;
  /** secret variables that were in this process's own start-up environment (readable in /proc) */
  secretsInEnvironment: string[];
}

export async function startupEnv(): Promise<StartupEnv> {
  const secretsInEnvironment = WORKER_SECRET_VARIABLES.filter((name) => process.env[name] !== undefined);
  const fromStdin = process.env[ENV_FROM_STDIN] === '1' ? parseEnvLines(await readStdin()) : {};
  const env = { ...process.env, ...fromStdin };
  for (const name of WORKER_SECRET_VARIABLES) delete process.env[name];
  return { env, secretsInEnvironment };
}
