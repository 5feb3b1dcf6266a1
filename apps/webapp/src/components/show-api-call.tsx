'use client';

import { useUiSettings } from './providers';

/** single quotes for the shell: ' becomes '\'' */
const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * "Show as API call": what this screen is about to do, as the JSON body and a curl
 * command an engineer can run with their own API token.
 */
export function ShowApiCall({ method, path, body }: { method: string; path: string; body?: unknown }) {
  const { publicApiUrl } = useUiSettings();
  const lines = [`curl -X ${method} ${shellQuote(`${publicApiUrl}${path}`)}`, `  -H "Authorization: Bearer $TRIBUTARY_TOKEN"`];
  if (body !== undefined) lines.push(`  -H 'content-type: application/json'`, `  -d ${shellQuote(JSON.stringify(body))}`);
  return (
    <details className="api-call">
      <summary>Show as API call</summary>
      <p className="muted small">
        {method} {path} — run it with an API token from Settings in <code>TRIBUTARY_TOKEN</code>.
      </p>
      {body !== undefined ? (
        <>
          <h3>Body</h3>
          <pre>{JSON.stringify(body, null, 2)}</pre>
        </>
      ) : null}
      <h3>curl</h3>
      <pre data-testid="curl">{lines.join(' \\\n')}</pre>
    </details>
  );
}
