import { execFile } from 'node:child_process';
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { closeServer, listen, readBody, sendJson } from '../http-util.ts';

/** Baileys' media key derivation (HKDF of the message's mediaKey), the way both ends compute it. */
export type GetMediaKeys = (
  mediaKey: Uint8Array,
  type: string,
) => Promise<{ iv: Buffer; cipherKey: Buffer; macKey?: Buffer | undefined }>;

/** Media types and how WhatsApp names each in a message and in its upload path. */
export const WA_MEDIA = {
  image: { message: 'imageMessage', path: '/mms/image' },
  video: { message: 'videoMessage', path: '/mms/video' },
  audio: { message: 'audioMessage', path: '/mms/audio' },
  document: { message: 'documentMessage', path: '/mms/document' },
  sticker: { message: 'stickerMessage', path: '/mms/image' },
} as const;
export type WaMediaType = keyof typeof WA_MEDIA;

/** A self-signed certificate for 127.0.0.1, made with the system's openssl for this run only. */
async function selfSigned(): Promise<{ cert: string; key: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'wa-media-tls-'));
  try {
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ]);
    return {
      cert: await readFile(join(dir, 'cert.pem'), 'utf8'),
      key: await readFile(join(dir, 'key.pem'), 'utf8'),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * WhatsApp's media hosts (mmg.whatsapp.net), on HTTPS as Baileys insists: uploads are POSTed
 * encrypted to `/mms/<type>/<encSha256>?auth=…`, downloads are GETs of the direct path. The host
 * only ever sees ciphertext; both ends encrypt and decrypt with Baileys' own key derivation
 * (AES-256-CBC, HMAC-SHA256 truncated to 10 bytes, appended).
 */
export class WaMediaHost {
  /** PEM of the host's certificate: trust it (NODE_EXTRA_CA_CERTS, or an https.Agent's `ca`). */
  readonly ca: string;
  readonly auth = randomBytes(16).toString('base64url');
  hostname = '';
  /** Uploads received, in order. */
  readonly uploads: { path: string; size: number }[] = [];
  readonly #server: Server;
  readonly #blobs = new Map<string, Buffer>();
  readonly #getMediaKeys: GetMediaKeys;
  #next = 1;

  private constructor(tls: { cert: string; key: string }, getMediaKeys: GetMediaKeys) {
    this.ca = tls.cert;
    this.#getMediaKeys = getMediaKeys;
    this.#server = createServer(tls, (req, res) => {
      void this.#handle(req, res).catch((error: unknown) => sendJson(res, 500, { error: String(error) }));
    });
  }

  static async start(getMediaKeys: GetMediaKeys): Promise<WaMediaHost> {
    const host = new WaMediaHost(await selfSigned(), getMediaKeys);
    // An https.Server listens and closes like an http.Server (what the helpers are typed for).
    host.hostname = `127.0.0.1:${await listen(host.#server as unknown as HttpServer)}`;
    return host;
  }

  close(): Promise<void> {
    return closeServer(this.#server as unknown as HttpServer);
  }

  /** Encrypt `data` as a sender would, store it, and describe it for a `<type>Message`. */
  async put(
    type: WaMediaType,
    data: Buffer,
  ): Promise<{
    url: string;
    directPath: string;
    mediaKey: Buffer;
    fileSha256: Buffer;
    fileEncSha256: Buffer;
    fileLength: number;
  }> {
    const mediaKey = randomBytes(32);
    const { iv, cipherKey, macKey } = await this.#keys(mediaKey, type);
    const cipher = createCipheriv('aes-256-cbc', cipherKey, iv);
    const enc = Buffer.concat([cipher.update(data), cipher.final()]);
    const mac = createHmac('sha256', macKey).update(iv).update(enc).digest().subarray(0, 10);
    const body = Buffer.concat([enc, mac]);
    const directPath = `/v/t62/${this.#next++}-${randomBytes(6).toString('hex')}.enc`;
    this.#blobs.set(directPath, body);
    return {
      url: `https://${this.hostname}${directPath}`,
      directPath,
      mediaKey,
      fileSha256: sha256(data),
      fileEncSha256: sha256(body),
      fileLength: data.length,
    };
  }

  /** The plaintext of stored media, as its recipient decrypts it (the MAC is checked first). */
  async open(directPath: string, mediaKey: Uint8Array, type: WaMediaType): Promise<Buffer> {
    const path = directPath.startsWith('https://') ? new URL(directPath).pathname : directPath.split('?')[0]!;
    const body = this.#blobs.get(path);
    if (!body) throw new Error(`no media at ${path}`);
    const { iv, cipherKey, macKey } = await this.#keys(mediaKey, type);
    const enc = body.subarray(0, -10);
    const mac = createHmac('sha256', macKey).update(iv).update(enc).digest().subarray(0, 10);
    if (!timingSafeEqual(mac, body.subarray(-10))) throw new Error('media MAC mismatch');
    const decipher = createDecipheriv('aes-256-cbc', cipherKey, iv);
    return Buffer.concat([decipher.update(enc), decipher.final()]);
  }

  async #keys(
    mediaKey: Uint8Array,
    type: WaMediaType,
  ): Promise<{ iv: Buffer; cipherKey: Buffer; macKey: Buffer }> {
    // Stickers are images to the key derivation (their HKDF info is "WhatsApp Image Keys").
    const k = await this.#getMediaKeys(mediaKey, type === 'sticker' ? 'sticker' : type);
    if (!k.macKey) throw new Error('no MAC key derived');
    return { iv: k.iv, cipherKey: k.cipherKey, macKey: k.macKey };
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://fake');
    if (req.method === 'POST' && url.pathname.startsWith('/mms/')) {
      if (url.searchParams.get('auth') !== this.auth) return sendJson(res, 401, { error: 'bad auth' });
      const body = await readBody(req);
      const token = url.pathname.split('/').pop() ?? '';
      // The path names the upload by the SHA-256 of its ciphertext (url-safe base64, no padding).
      if (sha256(body).toString('base64url') !== token.replace(/=+$/, ''))
        return sendJson(res, 400, { error: 'hash mismatch' });
      const directPath = `/v/t62/${this.#next++}-${token.slice(0, 12)}.enc`;
      this.#blobs.set(directPath, body);
      this.uploads.push({ path: directPath, size: body.length });
      return sendJson(res, 200, { url: `https://${this.hostname}${directPath}`, direct_path: directPath });
    }
    if (req.method === 'GET') {
      const body = this.#blobs.get(url.pathname);
      if (!body) return sendJson(res, 404, { error: 'not found' });
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
      res.end(body);
      return;
    }
    sendJson(res, 404, { error: 'not found' });
  }
}

function sha256(b: Buffer): Buffer {
  return createHash('sha256').update(b).digest();
}
