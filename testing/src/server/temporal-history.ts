/** What Temporal keeps of workflows: to search its histories for a value that must not be there. */
import type { Client } from '@temporalio/client';

/** Every payload in `value` (a fetched history), decoded as text, plus the rest of it as JSON. */
export function historyText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v));
}

/** The histories of every workflow the query matches (default: all in the client's namespace), as text. */
export async function workflowHistoriesText(client: Client, query?: string): Promise<string> {
  const texts: string[] = [];
  for await (const execution of client.workflow.list(query ? { query } : {})) {
    texts.push(historyText(await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory()));
  }
  return texts.join('\n');
}
