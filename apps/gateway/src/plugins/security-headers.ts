import fp from 'fastify-plugin';

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  'content-security-policy':
    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'self'",
};

/** The strict default headers on every HTTP answer. */
export const securityHeaders = fp(
  async (app) => {
    app.addHook('onSend', async (_req, reply, payload) => {
      // A route may set its own policy (the canvas allows inline scripts); otherwise the strict default.
      for (const [k, v] of Object.entries(SECURITY_HEADERS)) if (!reply.hasHeader(k)) reply.header(k, v);
      return payload;
    });
  },
  { name: 'openclaw-security-headers', fastify: '5.x' },
);
