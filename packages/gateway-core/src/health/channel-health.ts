import type { HealthSummary } from '@openclaw/protocol';
import type { AccountRuntimeStatus } from '../channels/supervisor.ts';

type ChannelParts = Pick<HealthSummary, 'channels' | 'channelOrder' | 'channelLabels'>;

/**
 * The per-channel part of health: each channel as healthy as its worst account. `configured` and
 * `healthState` are the fields the reference clients read (its CLI prints "unknown" without them).
 */
export function summarizeChannels(
  accounts: readonly AccountRuntimeStatus[],
  providers: () => readonly { id: string; label: string }[],
): ChannelParts {
  const out: ChannelParts = { channels: {}, channelOrder: [], channelLabels: {} };
  // Built only when some account is there to label (a gateway without channels skips it).
  let labels: Map<string, string> | undefined;
  for (const a of accounts) {
    labels ??= new Map(providers().map((p) => [p.id, p.label]));
    let c = out.channels[a.channel];
    if (!c) {
      c = {
        state: a.healthState,
        accounts: 0,
        connected: 0,
        configured: false,
        lastInboundAt: null,
        lastError: null,
      };
      out.channels[a.channel] = c;
      out.channelOrder.push(a.channel);
      out.channelLabels[a.channel] = labels.get(a.channel) ?? a.channel;
    }
    c.accounts++;
    if (a.connected) c.connected++;
    if (a.configured) c.configured = true;
    if (a.healthState !== 'running') c.state = a.healthState;
    if (a.lastInboundAt && (c.lastInboundAt ?? 0) < a.lastInboundAt) c.lastInboundAt = a.lastInboundAt;
    if (a.lastError) c.lastError = a.lastError;
  }
  for (const c of Object.values(out.channels)) {
    // "disconnected" is the reference's word for an account that runs but lost its connection.
    c.healthState = c.state !== 'running' ? c.state : c.connected === c.accounts ? 'healthy' : 'disconnected';
  }
  return out;
}
