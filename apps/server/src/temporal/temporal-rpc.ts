/**
 * Calls to Temporal from a request handler: each has a deadline (the SDK would otherwise
 * retry an unreachable server for about 20 s), and "Temporal is down" becomes a 503 that
 * says so instead of a 500.
 */
import { Inject, Injectable } from '@nestjs/common';
import { ApiProblem } from '../errors/api-problem.js';
import { TEMPORAL } from '../infrastructure/tokens.js';
import type { TemporalSettings } from './temporal-settings.js';

const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

/** The gRPC status code of an error or of one of its causes, if any. */
export function grpcCode(error: unknown): number | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number') return code;
  }
  return undefined;
}

/** Temporal could not be reached, or did not answer within the deadline. */
export function isTemporalUnreachable(error: unknown): boolean {
  const code = grpcCode(error);
  return code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED;
}

export const isDeadlineExceeded = (error: unknown): boolean => grpcCode(error) === GRPC_DEADLINE_EXCEEDED;

@Injectable()
export class TemporalRpc {
  constructor(@Inject(TEMPORAL) readonly settings: TemporalSettings) {}

  get client() {
    return this.settings.client;
  }

  /** Runs `call` with the control-call deadline; unreachable Temporal -> 503 naming `what` failed. */
  async control<T>(what: string, call: () => Promise<T>): Promise<T> {
    return this.withDeadline(this.settings.rpcTimeoutMs, call, (error) => this.unavailable(what, error));
  }

  /** Runs `call` with a deadline of `timeoutMs`; errors go through `onError` (which may rethrow its own). */
  async withDeadline<T>(timeoutMs: number, call: () => Promise<T>, onError: (error: unknown) => never): Promise<T> {
    try {
      return await this.client.connection.withDeadline(Date.now() + timeoutMs, call);
    } catch (error) {
      return onError(error);
    }
  }

  /** The 503 for an unreachable Temporal; any other error is rethrown as is. */
  unavailable(what: string, error: unknown): never {
    if (!isTemporalUnreachable(error)) throw error;
    throw new ApiProblem(
      503,
      'temporal_unavailable',
      'Service unavailable',
      `Temporal did not answer (${what}, namespace ${this.settings.namespace}): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
