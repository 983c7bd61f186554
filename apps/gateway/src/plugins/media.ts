import type { MediaStore } from '@openclaw/gateway-core';
import { isInlineSafe, isMediaId } from '@openclaw/gateway-core';
import fp from 'fastify-plugin';

export const MEDIA_PREFIX = '/__openclaw__/media/';

export interface MediaRouteOptions {
  media: MediaStore;
}

/** Nothing served from here runs: no scripts, no plugins, no frames, even if a browser is talked into rendering it. */
const MEDIA_CSP = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox";

/**
 * Stored media for operators: `GET /__openclaw__/media/<sha256>` with the gateway token or an
 * operator device token as Bearer (the same check as /metrics, behind the same limiter). The type
 * is the one sniffed from the bytes; only images, audio and video are shown inline, everything
 * else (text, HTML, SVG, PDFs, archives…) is a download, and nosniff stops a browser guessing.
 */
export const mediaRoute = fp<MediaRouteOptions>(
  async (app, { media }) => {
    const preHandler = app.httpAuth.require({ audience: 'operator', surface: 'media', body: 'text' });
    app.get(`${MEDIA_PREFIX}:id`, { preHandler }, async (req, reply) => {
      const { id } = req.params as { id: string };
      const item = isMediaId(id) ? await media.stat(id) : undefined;
      if (!item) return reply.code(404).type('text/plain; charset=utf-8').send('not found\n');
      const inline = isInlineSafe(item.mimeType);
      const ext =
        item.mimeType
          .split('/')[1]
          ?.split(/[;+]/)[0]
          ?.replace(/[^a-z0-9]/gi, '') || 'bin';
      reply
        .header('content-type', item.mimeType)
        .header('content-length', String(item.size))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', MEDIA_CSP)
        .header('cross-origin-resource-policy', 'same-origin')
        // Content-addressed: the bytes behind this URL never change. Private: it took a credential.
        .header('cache-control', 'private, max-age=86400, immutable')
        .header(
          'content-disposition',
          `${inline ? 'inline' : 'attachment'}; filename="${id.slice(0, 16)}.${ext}"`,
        );
      return reply.send(await media.open(id));
    });
  },
  { name: 'openclaw-media', fastify: '5.x', encapsulate: true, dependencies: ['openclaw-http-auth'] },
);
