import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret, signWebhook, verifyWebhook } from './webhook-signature.js';

describe('webhook signatures', () => {
  const secret = newWebhookSecret();
  const body = '{"specversion":"1.0","type":"io.tributary.sync.failed"}';

  it('is the documented recipe: base64 HMAC-SHA256 of "<id>.<timestamp>.<body>" keyed with the decoded whsec_ secret', () => {
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const byHand = createHmac('sha256', key).update(`msg_1.1700000000.${body}`).digest('base64');
    expect(signWebhook(secret, 'msg_1', 1700000000, body)).toBe(`v1,${byHand}`);
  });

  it('verifies a fresh signature, and refuses another body, another id, another secret, an old timestamp', () => {
    const now = 1_800_000_000;
    const headers = { id: 'd1', timestamp: String(now), signature: signWebhook(secret, 'd1', now, body) };
    expect(verifyWebhook(secret, headers, body, now)).toBe(true);
    expect(verifyWebhook(secret, { ...headers, signature: `v1,bogus ${headers.signature}` }, body, now)).toBe(true);
    expect(verifyWebhook(secret, headers, body.replace('failed', 'succeeded'), now)).toBe(false);
    expect(verifyWebhook(secret, { ...headers, id: 'd2' }, body, now)).toBe(false);
    expect(verifyWebhook(newWebhookSecret(), headers, body, now)).toBe(false);
    expect(verifyWebhook(secret, headers, body, now + 301)).toBe(false);
    expect(verifyWebhook(secret, { ...headers, timestamp: 'soon' }, body, now)).toBe(false);
  });
});
