import type { ChatMedia } from '@openclaw/protocol';
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import type { GatewaySession } from '../connection/session.ts';

const LABEL: Record<ChatMedia['kind'], string> = {
  image: 'Photo',
  video: 'Video',
  audio: 'Audio',
  voice: 'Voice note',
  file: 'File',
  sticker: 'Sticker',
};

function size(n: number | undefined): string {
  if (n === undefined) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 102.4) / 10} KB`;
  return `${Math.round(n / (1024 * 102.4)) / 10} MB`;
}

/**
 * One attachment in the WebChat transcript: photos and stickers inline, audio and video playable,
 * anything else a download. The bytes come over HTTP with this browser's credential and are shown
 * through a blob: URL (revoked when the element goes away). A refused or expired item shows why.
 */
export class ChatMediaView extends LitElement {
  static override properties = {
    media: { attribute: false },
    session: { attribute: false },
    src: { state: true },
    error: { state: true },
  };
  declare media: ChatMedia;
  declare session: GatewaySession;
  declare src: string | undefined;
  declare error: string | undefined;
  #loaded: string | undefined;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.src) URL.revokeObjectURL(this.src);
    this.src = undefined;
    this.#loaded = undefined;
  }

  protected override willUpdate(): void {
    const url = this.media?.url;
    if (!url || url === this.#loaded || !this.session) return;
    this.#loaded = url;
    this.session
      .fetchMedia(url)
      .then((blob) => {
        if (this.#loaded !== url) return;
        if (this.src) URL.revokeObjectURL(this.src);
        this.src = URL.createObjectURL(blob);
      })
      .catch((e: unknown) => {
        this.error = (e as Error).message;
      });
  }

  protected override render(): TemplateResult {
    const m = this.media;
    const label = `${LABEL[m.kind]}${m.fileName ? `: ${m.fileName}` : ''}`;
    const meta = [m.mimeType, size(m.size)].filter(Boolean).join(', ');
    let body: TemplateResult | typeof nothing = nothing;
    if (!m.url) body = html`<span class="muted">${m.note ?? 'not stored'}</span>`;
    else if (this.error) body = html`<span class="muted">${label} (${this.error})</span>`;
    else if (!this.src) body = html`<span class="muted">loading ${label.toLowerCase()}…</span>`;
    else if (m.kind === 'image' || m.kind === 'sticker')
      body = html`<img src=${this.src} alt=${m.caption ?? label} data-testid="media-image" />`;
    else if (m.kind === 'audio' || m.kind === 'voice')
      body = html`<audio controls src=${this.src} aria-label=${label} data-testid="media-audio"></audio>`;
    else if (m.kind === 'video')
      body = html`<video controls src=${this.src} aria-label=${label} data-testid="media-video"></video>`;
    else
      body = html`<a href=${this.src} download=${m.fileName ?? 'file'} data-testid="media-file">Download ${label}</a>`;
    return html`<figure class="media" data-kind=${m.kind}>
      ${body}
      <figcaption>
        <span class="muted">${label}${meta ? ` · ${meta}` : ''}</span>
        ${m.caption ? html`<span>${m.caption}</span>` : nothing}
        ${m.transcript ? html`<q data-testid="media-transcript">${m.transcript}</q>` : nothing}
        ${m.url && m.note ? html`<span class="muted">${m.note}</span>` : nothing}
      </figcaption>
    </figure>`;
  }
}

customElements.define('oc-chat-media', ChatMediaView);
