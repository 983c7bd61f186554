import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack's own guidance: a request signed more than five minutes ago may be a replay. */
export const MAX_SIGNATURE_AGE_S = 5 * 60;

type Headers = Record<string, string | string[] | undefined>;

const header = (h: Headers, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Checks `X-Slack-Signature: v0=hex(HMAC-SHA256(signingSecret, "v0:<timestamp>:<raw body>"))` and
 * that `X-Slack-Request-Timestamp` is within five minutes of now. Returns why not, or undefined when valid.
 */
export function verifySlackSignature(
  signingSecret: string,
  headers: Headers,
  rawBody: Buffer,
  nowSeconds = Math.floor(Date.now() / 1000),
): string | undefined {
  const signature = header(headers, 'x-slack-signature');
  const timestamp = header(headers, 'x-slack-request-timestamp');
  if (!signature || !timestamp) return 'missing signature headers';
  const ts = Number(timestamp);
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - ts) > MAX_SIGNATURE_AGE_S) return 'stale timestamp';
  const mac = createHmac('sha256', signingSecret);
  mac.update(`v0:${timestamp}:`);
  mac.update(rawBody);
  const expected = Buffer.from(`v0=${mac.digest('hex')}`);
  const got = Buffer.from(signature);
  // timingSafeEqual throws on a length mismatch; a wrong length is simply a wrong signature.
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) return 'bad signature';
  return undefined;
}
