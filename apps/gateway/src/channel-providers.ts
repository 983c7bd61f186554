import { type ChannelProvider, gatewayConfigSchema } from '@openclaw/gateway-core';
import { discordConfigSchema } from '@openclaw/provider-discord/config-schema';
import { imessageConfigSchema } from '@openclaw/provider-imessage/config-schema';
import { signalConfigSchema } from '@openclaw/provider-signal/config-schema';
import { slackConfigSchema } from '@openclaw/provider-slack/config-schema';
import { telegramConfigSchema } from '@openclaw/provider-telegram/config-schema';
import { whatsappConfigSchema } from '@openclaw/provider-whatsapp/config-schema';
import type { TObject } from '@sinclair/typebox';
import pkg from '../package.json' with { type: 'json' };
import { StartupError } from './startup-error.ts';

interface KnownChannel {
  id: string;
  label: string;
  /** The provider's account schema: a module of its own that loads no platform library. */
  configSchema: TObject;
  /** The platform libraries the provider needs (optional dependencies of the installed package). */
  libraries: string[];
  load(): Promise<ChannelProvider>;
}

/**
 * Every channel this gateway can run. The schemas are read at start-up (config validation and
 * redaction need them). The providers load on demand: a gateway with only Telegram configured
 * never pays for loading discord.js or the Slack SDK, which keeps start-up fast and idle memory
 * low. Their platform libraries are optional dependencies of the installed package (`npm install
 * --omit=optional` leaves them out), so each entry names what it needs.
 */
export const knownChannelList: readonly KnownChannel[] = [
  {
    id: 'telegram',
    label: 'Telegram',
    configSchema: telegramConfigSchema,
    libraries: ['telegraf'],
    load: async () => (await import('@openclaw/provider-telegram')).telegramProvider,
  },
  {
    id: 'slack',
    label: 'Slack',
    configSchema: slackConfigSchema,
    libraries: ['@slack/web-api', '@slack/socket-mode'],
    load: async () => (await import('@openclaw/provider-slack')).slackProvider,
  },
  {
    id: 'discord',
    label: 'Discord',
    configSchema: discordConfigSchema,
    libraries: ['discord.js'],
    load: async () => (await import('@openclaw/provider-discord')).discordProvider,
  },
  {
    id: 'signal',
    label: 'Signal',
    configSchema: signalConfigSchema,
    libraries: ['axios'],
    load: async () => (await import('@openclaw/provider-signal')).signalProvider,
  },
  {
    id: 'imessage',
    label: 'iMessage',
    configSchema: imessageConfigSchema,
    libraries: ['axios'],
    load: async () => (await import('@openclaw/provider-imessage')).imessageProvider,
  },
  {
    id: 'whatsapp',
    label: 'WhatsApp',
    configSchema: whatsappConfigSchema,
    libraries: ['@whiskeysockets/baileys', 'qrcode'],
    load: async () => (await import('@openclaw/provider-whatsapp')).whatsappProvider,
  },
];

export const knownChannels = knownChannelList.map((c) => c.id);

/**
 * The gateway's whole config schema: GatewayConfig with every known channel's account schema
 * under `channels.<id>`. Validation, `config.schema`, and redaction (logs, config.get, errors)
 * all read their secret marks from it.
 */
export const gatewayConfig: TObject = gatewayConfigSchema(knownChannelList);

/** A configured channel whose platform library is not installed next to the gateway. */
function channelLibraryMissing(channel: string, libraries: string[], cause: unknown): StartupError {
  const versions = pkg.optionalDependencies as Record<string, string>;
  const install = libraries.map((l) => `${l}@${versions[l] ?? 'latest'}`).join(' ');
  return new StartupError(
    'CHANNEL_LIBRARY_MISSING',
    `channel "${channel}" is configured but its library (${libraries.join(', ')}) is not installed; ` +
      `install it where the gateway is installed (npm install -g ${install}) or remove channels.${channel}`,
    { cause },
  );
}

const isMissing = (error: unknown, libraries: string[]): boolean => {
  const e = error as NodeJS.ErrnoException;
  return (
    (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') &&
    libraries.some((l) => e.message.includes(`'${l}'`) || e.message.includes(`"${l}"`))
  );
};

/** The providers the config names (unknown ids are refused by the config schema). */
export async function loadProviders(channels: Record<string, unknown>): Promise<ChannelProvider[]> {
  const out: ChannelProvider[] = [];
  for (const c of knownChannelList) {
    if (channels[c.id] === undefined) continue;
    try {
      out.push(await c.load());
    } catch (error) {
      if (isMissing(error, c.libraries)) throw channelLibraryMissing(c.id, c.libraries, error);
      throw error;
    }
  }
  return out;
}
