/**
 * What a sync did, as the worker sees it: syncs started and finished (by connection, status and
 * the origin of the failure), records and bytes committed, attempt durations, running syncs and
 * how long an attempt waited in the task queue for a worker slot.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface FinishedSync {
  connectionId: string;
  status: string;
  /** origin of the failure that decided the job (source, destination, platform, ...); absent on success */
  failureOrigin?: string;
}

export interface FinishedAttempt {
  connectionId: string;
  status: string;
  durationSeconds: number;
  recordsCommitted: number;
  bytesCommitted: number;
}

export class SyncMetrics {
  private readonly started: Counter<'connection_id'>;
  private readonly finished: Counter<'connection_id' | 'status' | 'failure_origin'>;
  private readonly records: Counter<'connection_id'>;
  private readonly bytes: Counter<'connection_id'>;
  private readonly attemptDuration: Histogram<'status'>;
  private readonly running: Gauge;
  private readonly queueWait: Histogram;

  constructor(registry: Registry) {
    const registers = [registry];
    this.started = new Counter({ name: 'tributary_syncs_started_total', help: 'Jobs created, by connection.', labelNames: ['connection_id'], registers });
    this.finished = new Counter({
      name: 'tributary_syncs_finished_total',
      help: 'Jobs ended, by connection, status (succeeded, failed, cancelled) and the origin of the failure that decided them.',
      labelNames: ['connection_id', 'status', 'failure_origin'],
      registers,
    });
    this.records = new Counter({ name: 'tributary_records_synced_total', help: 'Records committed by destinations.', labelNames: ['connection_id'], registers });
    this.bytes = new Counter({ name: 'tributary_bytes_synced_total', help: 'Bytes of records committed by destinations.', labelNames: ['connection_id'], registers });
    this.attemptDuration = new Histogram({
      name: 'tributary_attempt_duration_seconds',
      help: 'Duration of sync attempts (the replication itself), by outcome.',
      labelNames: ['status'],
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600],
      registers,
    });
    this.running = new Gauge({ name: 'tributary_running_syncs', help: 'Sync attempts replicating on this worker now.', registers });
    this.queueWait = new Histogram({
      name: 'tributary_sync_queue_wait_seconds',
      help: 'Time from an attempt being scheduled to a worker starting it (waiting for a free slot or a worker).',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
  }

  syncStarted(connectionId: string): void {
    this.started.inc({ connection_id: connectionId });
  }

  syncFinished(sync: FinishedSync): void {
    this.finished.inc({ connection_id: sync.connectionId, status: sync.status, failure_origin: sync.failureOrigin ?? '' });
  }

  /** an attempt began replicating after waiting this long in the queue; call the returned function when it ends */
  attemptStarted(queueWaitSeconds: number): () => void {
    this.queueWait.observe(Math.max(0, queueWaitSeconds));
    this.running.inc();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.running.dec();
    };
  }

  attemptFinished(attempt: FinishedAttempt): void {
    this.attemptDuration.observe({ status: attempt.status }, attempt.durationSeconds);
    this.records.inc({ connection_id: attempt.connectionId }, attempt.recordsCommitted);
    this.bytes.inc({ connection_id: attempt.connectionId }, attempt.bytesCommitted);
  }
}
