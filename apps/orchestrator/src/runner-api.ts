/** The runner endpoints of one attempt (typed by the committed OpenAPI document), called with its runner token. */
import { createTributaryClient, type Schemas } from '@tributary/api-client';
import { RunnerApiError, type RunnerApi } from './attempt-reporter.js';

export function httpRunnerApi(apiUrl: string, token: string, attempt: { jobId: string; attemptNumber: number }): RunnerApi {
  const api = createTributaryClient({ baseUrl: apiUrl, token });
  const params = { path: { jobId: attempt.jobId, attemptNumber: attempt.attemptNumber } };
  const check = ({ error, response }: { error?: unknown; response: Response }, what: string): void => {
    if (!response.ok)
      throw new RunnerApiError(`${what}: ${response.status} ${error ? JSON.stringify(error) : response.statusText}`, response.status);
  };
  const base = '/api/v1/runner/jobs/{jobId}/attempts/{attemptNumber}' as const;
  return {
    progress: async (progress) =>
      check(await api.POST(`${base}/progress`, { params, body: progress as Schemas['RunnerProgressDto'] }), 'progress'),
    state: async (state, totals) =>
      check(await api.POST(`${base}/state`, { params, body: { state, totals } as Schemas['RunnerStateDto'] }), 'state'),
    logs: async (entries) => check(await api.POST(`${base}/logs`, { params, body: { entries } as Schemas['RunnerLogsDto'] }), 'logs'),
    configUpdate: async (role, config) =>
      check(await api.POST(`${base}/config-updates`, { params, body: { role, config } }), 'config update'),
    outcome: async (outcome) =>
      check(await api.POST(`${base}/outcome`, { params, body: outcome as Schemas['RunnerOutcomeDto'] }), 'outcome'),
  };
}
