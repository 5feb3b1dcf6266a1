/**
 * Secret values in text. Connectors echo their config in errors and debug output,
 * sometimes JSON-encoded or inside a URL, so each secret is also matched in those spellings.
 */
export const SECRET_MASK = '**********';

/** Shorter values would mask ordinary words and numbers (`true`, a port) all over the log. */
export const MIN_MASKED_SECRET_LENGTH = 4;

export type SecretMasker = (text: string) => string;

export function maskSecrets(secretValues: Iterable<string>): SecretMasker {
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

/**
 * Adds every non-empty string inside `value` (a secret field may hold an object, e.g. OAuth
 * credentials) to `into`: what must be masked wherever the config's connector speaks.
 */
export function collectSecretStrings(value: unknown, into: Set<string>): Set<string> {
  if (typeof value === 'string') {
    if (value.length > 0) into.add(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectSecretStrings(item, into);
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) collectSecretStrings(item, into);
  }
  return into;
}

/** A failure reason with every text a connector may have put in it masked. */
export function maskFailure<F extends { message: string; internalMessage?: string; stackTrace?: string }>(
  failure: F,
  mask: SecretMasker,
): F {
  return {
    ...failure,
    message: mask(failure.message),
    ...(failure.internalMessage !== undefined ? { internalMessage: mask(failure.internalMessage) } : {}),
    ...(failure.stackTrace !== undefined ? { stackTrace: mask(failure.stackTrace) } : {}),
  };
}
