/**
 * JobPersistence on JSON files: the interim store until libs/db implements the port on
 * Postgres (used by the worker's tests, and by main.ts until then). Writes are atomic
 * (temp file + fsync + rename), so a killed worker leaves the last committed state intact.
 *
 *   <dir>/connections/<id>.json   { settings, sync }   written by putConnection()
 *   <dir>/state/<connectionId>.json                    the committed state
 *   <dir>/jobs/<jobId>.json                            job, attempts, progress, result
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { AirbyteCatalog } from '@tributary/protocol';
import type { ReplicationProgress, ReplicationState, ReplicationTotals } from '@tributary/replication';
import type {
  AttemptOutcome,
  AttemptRef,
  ConnectionSettings,
  JobPersistence,
  JobStatus,
  JobTrigger,
  SchemaChange,
  SyncConfig,
  SyncJobResult,
} from '@tributary/workflows';

export interface StoredConnection {
  settings: ConnectionSettings;
  sync: SyncConfig;
  /** set by schema-change detection */
  discoveredCatalog?: AirbyteCatalog;
  statusReason?: string;
}

export interface StoredAttempt {
  attemptNumber: number;
  status: 'running' | AttemptOutcome['status'];
  outcome?: AttemptOutcome;
  progress?: ReplicationProgress;
  committedTotals?: ReplicationTotals;
}

export interface StoredJob {
  jobId: string;
  connectionId: string;
  trigger: JobTrigger;
  status: 'running' | JobStatus;
  createdAt: number;
  attempts: StoredAttempt[];
  result?: SyncJobResult;
}

async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${randomUUID()}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(JSON.stringify(value, null, 2));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export class FileJobStore implements JobPersistence {
  /** per-file write queue: read-modify-write of a job must not interleave */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(readonly dir: string) {}

  private path(kind: 'connections' | 'state' | 'jobs', id: string): string {
    if (!/^[\w.:-]+$/.test(id)) throw new Error(`invalid id ${JSON.stringify(id)}`);
    return join(this.dir, kind, `${id}.json`);
  }

  private serialized<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(key) ?? Promise.resolve()).then(fn, fn);
    this.queues.set(
      key,
      run.catch(() => undefined),
    );
    return run;
  }

  private updateJob(jobId: string, change: (job: StoredJob) => void): Promise<void> {
    const path = this.path('jobs', jobId);
    return this.serialized(path, async () => {
      const job = await readJson<StoredJob>(path);
      if (!job) throw new Error(`job ${jobId} not found`);
      change(job);
      await writeJsonAtomic(path, job);
    });
  }

  private attempt(job: StoredJob, attemptNumber: number): StoredAttempt {
    const attempt = job.attempts.find((a) => a.attemptNumber === attemptNumber);
    if (!attempt) throw new Error(`job ${job.jobId} has no attempt ${attemptNumber}`);
    return attempt;
  }

  async putConnection(connectionId: string, connection: StoredConnection): Promise<void> {
    await writeJsonAtomic(this.path('connections', connectionId), connection);
  }

  readConnection(connectionId: string): Promise<StoredConnection | undefined> {
    return readJson<StoredConnection>(this.path('connections', connectionId));
  }

  readJob(jobId: string): Promise<StoredJob | undefined> {
    return readJson<StoredJob>(this.path('jobs', jobId));
  }

  private async connection(connectionId: string): Promise<StoredConnection> {
    const stored = await readJson<StoredConnection>(this.path('connections', connectionId));
    if (!stored) throw new Error(`connection ${connectionId} not found`);
    return stored;
  }

  async loadConnectionSettings(connectionId: string): Promise<ConnectionSettings> {
    const stored = await readJson<StoredConnection>(this.path('connections', connectionId));
    return stored?.settings ?? { connectionId, status: 'deleted', schedule: { type: 'manual' } };
  }

  async loadSyncConfig(connectionId: string): Promise<SyncConfig> {
    return (await this.connection(connectionId)).sync;
  }

  loadState(connectionId: string): Promise<ReplicationState | undefined> {
    return readJson<ReplicationState>(this.path('state', connectionId));
  }

  async createJob(connectionId: string, trigger: JobTrigger): Promise<{ jobId: string }> {
    const jobId = randomUUID();
    const job: StoredJob = { jobId, connectionId, trigger, status: 'running', createdAt: Date.now(), attempts: [] };
    await writeJsonAtomic(this.path('jobs', jobId), job);
    return { jobId };
  }

  async createAttempt(jobId: string): Promise<{ attemptNumber: number }> {
    let attemptNumber = 0;
    await this.updateJob(jobId, (job) => {
      attemptNumber = job.attempts.length + 1;
      job.attempts.push({ attemptNumber, status: 'running' });
    });
    return { attemptNumber };
  }

  async persistState(ref: AttemptRef, state: ReplicationState, totals: ReplicationTotals): Promise<void> {
    const path = this.path('state', ref.connectionId);
    await this.serialized(path, () => writeJsonAtomic(path, state));
    await this.updateJob(ref.jobId, (job) => void (this.attempt(job, ref.attemptNumber).committedTotals = totals));
  }

  persistProgress(ref: AttemptRef, progress: ReplicationProgress): Promise<void> {
    return this.updateJob(ref.jobId, (job) => void (this.attempt(job, ref.attemptNumber).progress = progress));
  }

  finishAttempt(ref: AttemptRef, outcome: AttemptOutcome): Promise<void> {
    return this.updateJob(ref.jobId, (job) => {
      const attempt = this.attempt(job, ref.attemptNumber);
      attempt.status = outcome.status;
      attempt.outcome = outcome;
    });
  }

  async applySchemaChange(connectionId: string, change: SchemaChange): Promise<void> {
    const path = this.path('connections', connectionId);
    await this.serialized(path, async () => {
      const stored = await this.connection(connectionId);
      stored.discoveredCatalog = change.discovered;
      if (change.catalog) stored.sync.catalog = change.catalog;
      if (change.disableReason) {
        stored.settings.status = 'inactive';
        stored.statusReason = change.disableReason;
      }
      await writeJsonAtomic(path, stored);
    });
  }

  finishJob(jobId: string, result: SyncJobResult): Promise<void> {
    return this.updateJob(jobId, (job) => {
      job.status = result.status;
      job.result = result;
    });
  }
}
