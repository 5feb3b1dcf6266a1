'use client';

import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { attemptLogs, jobQuery, type LogEntry } from '@/lib/connections';
import { formatBytes, formatCount, formatDuration, formatTime } from '@/lib/format';
import { ErrorState, Loading, StatusBadge } from '../states';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

/** A job's attempts: counts per stream, failure reasons with whose fault it was, and the logs. */
export function JobDetails({ jobId }: { jobId: string }) {
  const job = useQuery(jobQuery(jobId));
  const [attempt, setAttempt] = useState<number | undefined>();
  if (job.isPending) return <Loading what={`job ${jobId}`} />;
  if (job.isError) return <ErrorState error={job.error} what={`job ${jobId}`} />;
  const attempts = job.data.attempts;
  const shown = attempts.find((a) => a.attemptNumber === attempt) ?? attempts[attempts.length - 1];
  return (
    <section className="card stack" aria-label={`Job ${jobId}`}>
      <div className="spread">
        <h3>
          Job #{jobId} <StatusBadge status={job.data.status} />
        </h3>
        {attempts.length > 1 ? (
          <label className="inline">
            Attempt{' '}
            <select value={shown?.attemptNumber} onChange={(e) => setAttempt(Number(e.target.value))}>
              {attempts.map((a) => (
                <option key={a.attemptNumber} value={a.attemptNumber}>
                  {a.attemptNumber} ({a.status})
                </option>
              ))}
            </select>
          </label>
        ) : null}
      </div>
      {!shown ? <p className="muted">No attempt yet.</p> : null}
      {shown ? (
        <>
          <p data-testid="attempt-summary">
            Attempt {shown.attemptNumber} <StatusBadge status={shown.status} /> · {formatCount(shown.stats?.recordsCommitted)} records
            committed · {formatBytes(shown.stats?.bytesEmitted)} read ·{' '}
            {shown.endedAt ? formatDuration(Date.parse(shown.endedAt) - Date.parse(shown.createdAt)) : 'running'}
          </p>
          {shown.failureReasons.length > 0 ? (
            <ul className="stack" style={{ paddingLeft: '1rem' }}>
              {shown.failureReasons.map((f, i) => (
                <li key={i} className="error-text">
                  <strong>{f.origin}</strong> ({f.type.replace('_', ' ')}): {f.message}
                </li>
              ))}
            </ul>
          ) : null}
          {shown.nextStep ? (
            <p className="small" data-testid="next-step">
              <strong>Then:</strong> {shown.nextStep}
            </p>
          ) : null}
          {shown.stats && shown.stats.streams.length > 0 ? (
            <table>
              <thead>
                <tr>
                  <th>Stream</th>
                  <th className="num">Records read</th>
                  <th className="num">Records committed</th>
                  <th className="num">Bytes read</th>
                </tr>
              </thead>
              <tbody>
                {shown.stats.streams.map((s) => (
                  <tr key={`${s.namespace ?? ''}.${s.name}`}>
                    <td>{s.name}</td>
                    <td className="num">{formatCount(s.recordsEmitted)}</td>
                    <td className="num">{formatCount(s.recordsCommitted)}</td>
                    <td className="num">{formatBytes(s.bytesEmitted)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <AttemptLogs jobId={jobId} attemptNumber={shown.attemptNumber} running={shown.status === 'running'} />
        </>
      ) : null}
    </section>
  );
}

function AttemptLogs({ jobId, attemptNumber, running }: { jobId: string; attemptNumber: number; running: boolean }) {
  // follows the log while the attempt runs
  const logs = useQuery({
    queryKey: ['logs', jobId, attemptNumber],
    queryFn: () => attemptLogs(jobId, attemptNumber),
    refetchInterval: running ? 2_000 : false,
  });
  const [level, setLevel] = useState<string>('all');
  const [origin, setOrigin] = useState<string>('all');
  const [search, setSearch] = useState('');
  // a running attempt's log keeps its newest line in view until the reader scrolls up
  const [follow, setFollow] = useState(running);
  const box = useRef<HTMLDivElement>(null);
  const shown = useMemo(() => {
    const maxLevel = LEVELS.indexOf(level as (typeof LEVELS)[number]);
    return (logs.data ?? []).filter(
      (e: LogEntry) =>
        (level === 'all' || LEVELS.indexOf(e.level) <= maxLevel) &&
        (origin === 'all' || e.origin === origin) &&
        (!search || e.message.toLowerCase().includes(search.toLowerCase())),
    );
  }, [logs.data, level, origin, search]);
  useEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [follow, shown]);
  const onScroll = () => {
    const el = box.current;
    if (follow && el && el.scrollHeight - el.clientHeight - el.scrollTop > 4) setFollow(false);
  };
  const download = () => {
    const text = (logs.data ?? []).map((e) => JSON.stringify(e)).join('\n');
    const url = URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `job-${jobId}-attempt-${attemptNumber}.jsonl`;
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <div className="stack">
      <div className="row">
        <h3 style={{ margin: 0 }}>Logs</h3>
        <label className="inline">
          Level{' '}
          <select value={level} onChange={(e) => setLevel(e.target.value)}>
            <option value="all">all</option>
            {LEVELS.slice(0, 4).map((l) => (
              <option key={l} value={l}>
                {l} and worse
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          Origin{' '}
          <select value={origin} onChange={(e) => setOrigin(e.target.value)}>
            {['all', 'platform', 'source', 'destination', 'replication'].map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        </label>
        <label className="inline">
          Search <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
        <label className="inline">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow the log
        </label>
        <button type="button" onClick={download} disabled={!logs.data?.length}>
          Download
        </button>
      </div>
      {logs.isPending ? <Loading what="logs" /> : null}
      {logs.isError ? <ErrorState error={logs.error} what="logs" /> : null}
      {logs.data ? (
        <div className="logs" data-testid="logs" tabIndex={0} aria-label="Attempt logs" ref={box} onScroll={onScroll}>
          {shown.length === 0 ? <div className="muted">No log line matches.</div> : null}
          {shown.map((e, i) => (
            <div key={i} className={e.level}>
              {formatTime(e.timestamp)} {e.level.toUpperCase().padEnd(5)} [{e.origin}] {e.message}
            </div>
          ))}
        </div>
      ) : null}
    </div>
  );
}
