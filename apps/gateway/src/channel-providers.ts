import type { ChannelProvider } from '@openclaw/gateway-core';
import pkg from '../package.json' with { type: 'json' };

/**
 * Providers load on demand: a gateway with only Telegram configured never pays for loading
 * discord.js or the Slack SDK, which keeps start-up fast and idle memory low. Their platform
 * libraries are optional dependencies of the installed package (`npm install --omit=optional`
 * leaves them out), so each loader names what it needs.
 */
const loaders: Record<string, { libraries: string[]; load: () => Promise<ChannelProvider> }> = {
  telegram: {
    libraries: ['telegraf'],
    load: async () => (await import('@openclaw/provider-telegram')).telegramProvider,
  },
  slack: {
    libraries: ['@slack/web-api', '@slack/socket-mode'],
    load: async () => (await import('@openclaw/provider-slack')).slackProvider,
  },
  discord: {
    libraries: ['discord.js'],
    load: async () => (await import('@openclaw/provider-discord')).discordProvider,
  },
  signal: {
    libraries: ['axios'],
    load: async () => (await import('@openclaw/provider-signal')).signalProvider,
  },
  imessage: {
    libraries: ['axios'],
    load: async () => (await import('@openclaw/provider-imessage')).imessageProvider,
  },
  whatsapp: {
    libraries: ['@whiskeysockets/baileys', 'qrcode'],
    load: async () => (await import('@openclaw/provider-whatsapp')).whatsappProvider,
  },
};

export const knownChannels = Object.keys(loaders);

/** A configured channel whose platform library is not installed next to the gateway. */
export class ChannelLibraryMissingError extends Error {
  override name = 'ChannelLibraryMissingError';
  readonly code = 'CHANNEL_LIBRARY_MISSING';
  readonly channel: string;
  readonly libraries: string[];
  constructor(channel: string, libraries: string[], options?: { cause?: unknown }) {
    const versions = pkg.optionalDependencies as Record<string, string>;
    const install = libraries.map((l) => `${l}@${versions[l] ?? 'latest'}`).join(' ');
    super(
      `channel "${channel}" is configured but its library (${libraries.join(', ')}) is not installed; ` +
        `install it where the gateway is installed (npm install -g ${install}) or remove channels.${channel}`,
      options,
    );
    this.channel = channel;
    this.libraries = libraries;
  }
}

const isMissing = (error: unknown, libraries: string[]): boolean => {
  const e = error as NodeJS.ErrnoException;
  return (
    (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') &&
    libraries.some((l) => e.message.includes(`'${l}'`) || e.message.includes(`"${l}"`))
  );
};

/** The providers the config names (unknown ids are skipped here and reported by the core). */
export async function loadProviders(channels: Record<string, unknown>): Promise<ChannelProvider[]> {
  const out: ChannelProvider[] = [];
  for (const id of Object.keys(channels)) {
    const loader = loaders[id];
    if (!loader) continue;
    try {
      out.push(await loader.load());
    } catch (error) {
      if (isMissing(error, loader.libraries))
        throw new ChannelLibraryMissingError(id, loader.libraries, { cause: error });
      throw error;
    }
  }
  return out;
}
