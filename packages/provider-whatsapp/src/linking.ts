import type { ChannelAdapter } from '@openclaw/gateway-core/channel';
import QRCode from 'qrcode';

/**
 * Where linking stands:
 * - `qr`: a QR is showing; scan it in WhatsApp → Linked devices before `expiresAtMs`.
 * - `linked`: the device is linked and connected.
 * - `expired`: the QR codes ran out (WhatsApp offers six, about 2.5 minutes) or the link was
 *   dropped; `loginStart` makes new ones.
 * - `connecting`: no QR yet (the socket is still coming up, or pairing is being confirmed).
 */
export type WhatsAppLoginStatus = 'qr' | 'linked' | 'expired' | 'connecting';

export interface WhatsAppLoginState {
  status: WhatsAppLoginStatus;
  /** The raw QR payload, for clients that draw their own (e.g. a terminal). */
  qr?: string;
  /** The same QR as a `data:image/png;base64,…` URL, for UIs. */
  qrDataUrl?: string;
  /** Epoch ms when this QR stops working (WhatsApp rotates it: 60 s for the first, 20 s after). */
  expiresAtMs?: number;
  /** The linked account (status `linked`). */
  self?: { id: string; name?: string };
}

/**
 * QR linking, for the gateway's `web.login.*` methods. The adapter keeps its socket up while it waits
 * for a scan, so these work on an account whose start() resolved in `awaiting-login` mode.
 */
export interface WhatsAppLinking {
  /**
   * A QR to scan (the current one, or a new socket's first), or `linked` when already linked.
   * `force` unlinks an existing device first and starts a new pairing. Rejects when no QR comes
   * within `timeoutMs` (default 30 s).
   */
  loginStart(options?: { force?: boolean; timeoutMs?: number }): Promise<WhatsAppLoginState>;
  /** The next change: linked, expired, or a rotated QR; the current state after `timeoutMs` (default 60 s). */
  loginWait(options?: { timeoutMs?: number }): Promise<WhatsAppLoginState>;
  /** Every change (each QR rotation, linked, expired). Returns the unsubscribe function. */
  onLoginEvent(listener: (state: WhatsAppLoginState) => void): () => void;
  /** Unlink this device on WhatsApp and delete its credentials. */
  logout(): Promise<void>;
}

/** The linking API of a WhatsApp adapter, or undefined for any other adapter. */
export function linkingOf(adapter: ChannelAdapter): WhatsAppLinking | undefined {
  const a = adapter as Partial<WhatsAppLinking>;
  return typeof a.loginStart === 'function' &&
    typeof a.loginWait === 'function' &&
    typeof a.onLoginEvent === 'function'
    ? (adapter as unknown as WhatsAppLinking)
    : undefined;
}

/** The QR payload as a PNG data URL. */
export function qrDataUrl(qr: string): Promise<string> {
  return QRCode.toDataURL(qr, { errorCorrectionLevel: 'M', margin: 2, width: 320 });
}
