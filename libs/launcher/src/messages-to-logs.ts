/** Mapping connector protocol messages to platform log entries and failure reasons. */
import type { ConnectorRole, FailureReason, LogEntry, LogLevel } from '@tributary/domain';
import type { AirbyteMessage, AirbyteTraceMessage } from '@tributary/protocol';

export function failureFromTrace(trace: AirbyteTraceMessage, role: ConnectorRole): FailureReason {
  const error = trace.error;
  return {
    origin: role,
    type: error?.failure_type ?? 'system_error',
    message: error?.message ?? `${role} reported an error`,
    ...(error?.internal_message ? { internalMessage: error.internal_message } : {}),
    ...(error?.stack_trace ? { stackTrace: error.stack_trace } : {}),
    ...(error?.stream_descriptor ? { stream: error.stream_descriptor } : {}),
    timestamp: trace.emitted_at || Date.now(),
  };
}

/** A LOG or TRACE message as a log entry; undefined for other messages. */
export function logEntryFromMessage(m: AirbyteMessage, role: ConnectorRole): LogEntry | undefined {
  if (m.type === 'LOG') {
    const message = m.log.stack_trace ? `${m.log.message}\n${m.log.stack_trace}` : m.log.message;
    return { timestamp: Date.now(), level: m.log.level.toLowerCase() as LogLevel, origin: role, message };
  }
  if (m.type === 'TRACE' && m.trace.type === 'ERROR' && m.trace.error) {
    const e = m.trace.error;
    const detail = [e.internal_message, e.stack_trace].filter(Boolean).join('\n');
    return { timestamp: Date.now(), level: 'error', origin: role, message: detail ? `${e.message}\n${detail}` : e.message };
  }
  return undefined;
}
