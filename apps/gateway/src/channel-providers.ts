import { type ChannelProvider, gatewayConfigSchema } from '@openclaw/gateway-core';
import { discordProvider } from '@openclaw/provider-discord';
import { imessageProvider } from '@openclaw/provider-imessage';
import { signalProvider } from '@openclaw/provider-signal';
import { slackProvider } from '@openclaw/provider-slack';
import { telegramProvider } from '@openclaw/provider-telegram';
import { whatsappProvider } from '@openclaw/provider-whatsapp';
import type { TObject } from '@sinclair/typebox';
import pkg from '../package.json' with { type: 'json' };
import { StartupError } from './startup-error.ts';

/**
 * Every channel this gateway can run, in the order status lists them: each provider package's
 * descriptor. Reading a descriptor loads no platform library (its adapter, and the library with
 * it, is imported when an account is created), so a gateway with only Telegram configured never
 * pays for discord.js or the Slack SDK. The platform libraries are optional dependencies of the
 * installed package (`npm install --omit=optional` leaves them out); each descriptor names its own.
 */
export const channelProviders: readonly ChannelProvider[] = [
  telegramProvider,
  slackProvider,
  discordProvider,
  signalProvider,
  imessageProvider,
  whatsappProvider,
];

export const knownChannels = channelProviders.map((c) => c.id);

/**
 * The gateway's whole config schema: GatewayConfig with every known channel's account schema
 * under `channels.<id>`. Validation, `config.schema`, and redaction (logs, config.get, errors)
 * all read their secret marks from it.
 */
export const gatewayConfig: TObject = gatewayConfigSchema(channelProviders);

/** A configured channel whose platform library is not installed next to the gateway. */
function channelLibraryMissing(channel: string, libraries: readonly string[], cause: unknown): StartupError {
  const versions = pkg.optionalDependencies as Record<string, string>;
  const install = libraries.map((l) => `${l}@${versions[l] ?? 'latest'}`).join(' ');
  return new StartupError(
    'CHANNEL_LIBRARY_MISSING',
    `channel "${channel}" is configured but its library (${libraries.join(', ')}) is not installed; ` +
      `install it where the gateway is installed (npm install -g ${install}) or remove channels.${channel}`,
    { cause },
  );
}

/**
 * The providers the config names (unknown ids are refused by the config schema). A configured
 * channel whose library cannot be found fails here, at start, rather than when its account
 * first connects; finding it does not load it.
 */
export function loadProviders(
  channels: Record<string, unknown>,
  known: readonly ChannelProvider[] = channelProviders,
): ChannelProvider[] {
  const out: ChannelProvider[] = [];
  for (const p of known) {
    if (channels[p.id] === undefined) continue;
    for (const library of p.libraries) {
      try {
        import.meta.resolve(library);
      } catch (error) {
        throw channelLibraryMissing(p.id, p.libraries, error);
      }
    }
    out.push(p);
  }
  return out;
}
