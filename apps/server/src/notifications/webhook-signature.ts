/**
 * How webhook deliveries are signed, in the Standard Webhooks scheme, so receivers can verify them
 * with its libraries or by hand (README: "Verifying a webhook"): headers `webhook-id` (the delivery
 * id, the same on every retry), `webhook-timestamp` (Unix seconds) and `webhook-signature`:
 * `v1,` + base64 HMAC-SHA256 over `<id>.<timestamp>.<body>`, keyed with the base64 part of the
 * channel's `whsec_` secret. A receiver rejects old timestamps and ids it has seen (replays).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

export function newWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

function keyOf(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error(`a webhook secret starts with ${SECRET_PREFIX}`);
  return Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
}

export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', keyOf(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** The receiver's side, as documented: a valid signature and a timestamp within `toleranceSeconds` of now. */
export function verifyWebhook(
  secret: string,
  headers: { id: string; timestamp: string; signature: string },
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = 300,
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, headers.id, timestamp, body));
  // the header may carry several space-separated signatures (e.g. while a secret is rotated)
  return headers.signature.split(' ').some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
