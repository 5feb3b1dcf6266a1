/** The runner endpoints of one attempt, called with its runner token. */
import type { RunnerApi } from './attempt-reporter.js';

export function httpRunnerApi(apiUrl: string, token: string, attempt: { jobId: string; attemptNumber: number }): RunnerApi {
  const base = `${apiUrl.replace(/\/+$/, '')}/api/v1/runner/jobs/${encodeURIComponent(attempt.jobId)}/attempts/${attempt.attemptNumber}`;
  const post = async (path: string, body: unknown): Promise<void> => {
    const response = await fetch(`${base}/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  };
  return {
    progress: (progress) => post('progress', progress),
    state: (state, totals) => post('state', { state, totals }),
    logs: (entries) => post('logs', { entries }),
    configUpdate: (role, config) => post('config-updates', { role, config }),
    outcome: (outcome) => post('outcome', outcome),
  };
}
