import type { ChannelProvider } from '@openclaw/gateway-core';

/**
 * Providers load on demand: a gateway with only Telegram configured never pays for loading
 * discord.js or the Slack SDK, which keeps start-up fast.
 */
const loaders: Record<string, () => Promise<ChannelProvider>> = {
  telegram: async () => (await import('@openclaw/provider-telegram')).telegramProvider,
  slack: async () => (await import('@openclaw/provider-slack')).slackProvider,
  discord: async () => (await import('@openclaw/provider-discord')).discordProvider,
  signal: async () => (await import('@openclaw/provider-signal')).signalProvider,
  imessage: async () => (await import('@openclaw/provider-imessage')).imessageProvider,
  whatsapp: async () => (await import('@openclaw/provider-whatsapp')).whatsappProvider,
};

export const knownChannels = Object.keys(loaders);

/** The providers the config names (unknown ids are skipped here and reported by the core). */
export async function loadProviders(channels: Record<string, unknown>): Promise<ChannelProvider[]> {
  const out: ChannelProvider[] = [];
  for (const id of Object.keys(channels)) {
    const load = loaders[id];
    if (load) out.push(await load());
  }
  return out;
}
