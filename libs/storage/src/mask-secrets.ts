/**
 * Replaces secret values in log text. Connectors echo their config in errors and debug
 * output, sometimes JSON-encoded or inside a URL, so each secret is also matched in those
 * spellings.
 */
export const SECRET_MASK = '**********';

/** Shorter values would mask ordinary words and numbers (`true`, a port) all over the log. */
export const MIN_MASKED_SECRET_LENGTH = 4;

export type SecretMasker = (text: string) => string;

export function maskSecrets(secretValues: readonly string[]): SecretMasker {
  const spellings = new Set<string>();
  for (const secret of secretValues) {
    if (typeof secret !== 'string' || secret.length < MIN_MASKED_SECRET_LENGTH) continue;
    spellings.add(secret);
    spellings.add(JSON.stringify(secret).slice(1, -1));
    spellings.add(encodeURIComponent(secret));
  }
  if (spellings.size === 0) return (text) => text;
  // longest first: where one secret contains another, the whole of the longer one is masked
  const alternatives = [...spellings].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const pattern = new RegExp(alternatives.join('|'), 'g');
  return (text) => text.replace(pattern, SECRET_MASK);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
