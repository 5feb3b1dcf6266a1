/**
 * Schemathesis (PyPI) against a running API: property-based requests generated from the
 * served OpenAPI document, every check on. The `st` command comes from
 * tools/ensure-schemathesis.sh (installed once into a virtualenv in the per-user cache;
 * `npm test` installs it before the run, SCHEMATHESIS names it).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../paths.js';

const run = promisify(execFile);

export async function schemathesisCommand(): Promise<string> {
  if (process.env.SCHEMATHESIS) return process.env.SCHEMATHESIS;
  const { stdout } = await run('bash', [join(repoRoot, 'tools/ensure-schemathesis.sh')], { maxBuffer: 1024 * 1024 });
  const path = stdout.trim().split('\n').pop();
  if (!path) throw new Error('tools/ensure-schemathesis.sh printed no path');
  return path;
}

export interface SchemathesisRun {
  exitCode: number | null;
  /** what `st` printed (its summary names every failure and how to reproduce it) */
  output: string;
}

export interface SchemathesisOptions {
  baseUrl: string;
  /** `Authorization: Bearer <token>` on every request */
  token: string;
  /** extra `st run` arguments (checks, limits, exclusions) */
  args: string[];
  /** schemathesis.toml contents (per-operation settings the CLI has no flag for) */
  config?: string;
  /** the whole run is killed past this */
  timeoutMs: number;
}

export async function runSchemathesis(options: SchemathesisOptions): Promise<SchemathesisRun> {
  const st = await schemathesisCommand();
  // its working files (config, reports) live and die with the run
  const dir = await mkdtemp(join(tmpdir(), 'tributary-schemathesis-'));
  try {
    const configArgs: string[] = [];
    if (options.config) {
      await writeFile(join(dir, 'schemathesis.toml'), options.config);
      configArgs.push('--config-file', join(dir, 'schemathesis.toml'));
    }
    const args = [
      ...configArgs,
      'run',
      `${options.baseUrl}/api/v1/openapi.json`,
      '--url',
      options.baseUrl,
      '--header',
      `Authorization: Bearer ${options.token}`,
      '--no-color',
      '--generation-database',
      'none',
      ...options.args,
    ];
    return await new Promise<SchemathesisRun>((resolve, reject) => {
      const child = spawn(st, args, {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, SCHEMATHESIS_TELEMETRY: 'false' },
      });
      let output = '';
      const keep = (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-200_000));
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('close', (exitCode, signal) => {
        clearTimeout(timer);
        resolve({ exitCode, output: signal ? `${output}\n[killed by ${signal} after ${options.timeoutMs} ms]` : output });
      });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
