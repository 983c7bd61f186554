/** The protocol version this package speaks. */
export const PROTOCOL_VERSION = 4;
/** Operators, UIs and automations must include this version in their range. */
export const MIN_CLIENT_PROTOCOL_VERSION = 4;
/** Nodes (`role: "node"` with `client.mode: "node"`) may still speak the previous version. */
export const MIN_NODE_PROTOCOL_VERSION = 3;
/** Probes (`client.mode: "probe"`) get the same N-1 window as nodes. */
export const MIN_PROBE_PROTOCOL_VERSION = 3;

/** Bytes a frame may have before `hello-ok`. */
export const MAX_PREAUTH_PAYLOAD_BYTES = 64 * 1024;
/** Default `policy.maxPayload` after `hello-ok`. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 25 * 1024 * 1024;
/** Default `policy.maxBufferedBytes`: outbound bytes a connection may have queued. */
export const DEFAULT_MAX_BUFFERED_BYTES = 50 * 1024 * 1024;
/** Default `policy.tickIntervalMs`. */
export const DEFAULT_TICK_INTERVAL_MS = 15_000;
/** How long a client waits for `hello-ok` before giving up on a handshake. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * The lowest protocol version a connecting client may use, given its role and mode.
 * Nodes and probes keep an N-1 window; everyone else must speak the current version.
 */
export function minProtocolFor(role: string | undefined, mode: string | undefined): number {
  if (mode === 'probe') return MIN_PROBE_PROTOCOL_VERSION;
  if (role === 'node' && mode === 'node') return MIN_NODE_PROTOCOL_VERSION;
  return MIN_CLIENT_PROTOCOL_VERSION;
}
