/**
 * A real MinIO server for S3 storage tests, on a free loopback port with its data in a temp
 * dir. The binary comes from tools/ensure-minio.sh (MINIO_SERVER, or built once with
 * `go install` into the per-user cache: the first call may take minutes; npm test builds it
 * before any test runs).
 *
 *   import { startTestMinio, type TestMinio } from '@tributary/testing';
 *
 *   let minio: TestMinio;
 *   beforeAll(async () => { minio = await startTestMinio(); });   // ~1-2 s once built
 *   afterAll(() => minio.stop());
 *   const storage = await openStorage(minio.settings('logs'));
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './paths.js';
import { freePort } from './ports.js';
import { stopChild } from './processes.js';
import { waitFor } from './wait-for.js';

export interface TestMinio {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** libs/storage settings for a bucket on this server (created by the storage if missing) */
  settings(bucket: string): { kind: 's3'; bucket: string; endpoint: string; region: string; accessKeyId: string; secretAccessKey: string; pathStyle: boolean };
  /** the same as TRIBUTARY_STORAGE* variables, for processes */
  env(bucket: string): Record<string, string>;
  pid: number;
  stop(): Promise<void>;
}

/** The MinIO server binary: MINIO_SERVER, or built once into the cache by tools/ensure-minio.sh. */
export async function minioServer(): Promise<string> {
  if (process.env.MINIO_SERVER) return process.env.MINIO_SERVER;
  const { stdout } = await promisify(execFile)('bash', [join(repoRoot, 'tools', 'ensure-minio.sh')], {
    maxBuffer: 16 * 1024 * 1024,
    timeout: 30 * 60_000,
  });
  const path = stdout.trim().split('\n').pop();
  if (!path) throw new Error('tools/ensure-minio.sh printed no path');
  return path;
}

export async function startTestMinio(): Promise<TestMinio> {
  const binary = await minioServer();
  const dataDir = await mkdtemp(join(tmpdir(), 'tributary-minio-'));
  const [port, consolePort] = [await freePort(), await freePort()];
  const endpoint = `http://127.0.0.1:${port}`;
  const accessKeyId = 'tributary-test';
  const secretAccessKey = randomBytes(18).toString('hex');
  const region = 'us-east-1';
  const child = spawn(binary, ['server', dataDir, '--quiet', '--address', `127.0.0.1:${port}`, '--console-address', `127.0.0.1:${consolePort}`], {
    env: { PATH: process.env.PATH, HOME: dataDir, MINIO_ROOT_USER: accessKeyId, MINIO_ROOT_PASSWORD: secretAccessKey, MINIO_BROWSER: 'off', MINIO_UPDATE: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // a test process that ends without afterAll (crash, timeout) must not leave the server behind
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let out = '';
  const keep = (chunk: Buffer) => void (out = (out + chunk.toString()).slice(-8000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = async () => {
    await stopChild(child, 5000);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      () => `MinIO to answer on ${endpoint}: ${out}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`minio exited with code ${child.exitCode}: ${out}`);
        try {
          return (await fetch(`${endpoint}/minio/health/ready`)).ok || undefined;
        } catch {
          return undefined; // not listening yet
        }
      },
      60_000,
      100,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const settings = (bucket: string) => ({ kind: 's3' as const, bucket, endpoint, region, accessKeyId, secretAccessKey, pathStyle: true });
  return {
    endpoint,
    accessKeyId,
    secretAccessKey,
    region,
    settings,
    env: (bucket) => ({
      TRIBUTARY_STORAGE: 's3',
      TRIBUTARY_S3_BUCKET: bucket,
      TRIBUTARY_S3_ENDPOINT: endpoint,
      TRIBUTARY_S3_REGION: region,
      TRIBUTARY_S3_ACCESS_KEY_ID: accessKeyId,
      TRIBUTARY_S3_SECRET_ACCESS_KEY: secretAccessKey,
      TRIBUTARY_S3_PATH_STYLE: 'true',
    }),
    pid: child.pid ?? -1,
    stop,
  };
}
