import type { InboundEnvelope } from '@openclaw/gateway-core/channel';

interface Pending {
  env: InboundEnvelope;
  timer: ReturnType<typeof setTimeout>;
  done: Promise<void>;
  settle: (error?: unknown) => void;
}

/**
 * Telegram delivers an album as one message per photo or video, sharing a media_group_id. They are
 * gathered into one envelope (the first message's id, every item, the caption) once no new part
 * came for `quietMs`, so the agent answers the album once. Each part's handler waits for the one
 * emit, so the poller confirms none of them before the whole album is accepted.
 */
export class AlbumCollector {
  readonly #groups = new Map<string, Pending>();
  readonly #quietMs: number;
  readonly #emit: (env: InboundEnvelope) => Promise<void>;

  constructor(quietMs: number, emit: (env: InboundEnvelope) => Promise<void>) {
    this.#quietMs = quietMs;
    this.#emit = emit;
  }

  add(env: InboundEnvelope, albumId: string): Promise<void> {
    const key = `${env.chat.id}\u0000${albumId}`;
    const g = this.#groups.get(key);
    if (g) {
      clearTimeout(g.timer);
      if (Number(env.id) < Number(g.env.id)) {
        // Parts can come out of order: the album is known by its first message.
        g.env.id = env.id;
        g.env.at = env.at;
      }
      if (env.text && !g.env.text) g.env.text = env.text;
      else if (env.text && env.text !== g.env.text) for (const m of env.media) m.caption = env.text;
      g.env.media.push(...env.media);
      g.env.mentions.bot ||= env.mentions.bot;
      g.timer = this.#arm(key);
      return g.done;
    }
    let settle!: (error?: unknown) => void;
    const done = new Promise<void>((resolve, reject) => {
      settle = (error) => (error === undefined ? resolve() : reject(error));
    });
    this.#groups.set(key, { env: { ...env, media: [...env.media] }, timer: this.#arm(key), done, settle });
    return done;
  }

  /** Emit what is gathered now (stopping). */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.#groups.keys()].map((k) => this.#fire(k)));
  }

  #arm(key: string): ReturnType<typeof setTimeout> {
    return setTimeout(() => void this.#fire(key), this.#quietMs);
  }

  async #fire(key: string): Promise<void> {
    const g = this.#groups.get(key);
    if (!g) return;
    clearTimeout(g.timer);
    this.#groups.delete(key);
    try {
      await this.#emit(g.env);
      g.settle();
    } catch (error) {
      g.settle(error);
    }
  }
}
