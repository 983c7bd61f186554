import type { TextUnit } from '../channels/sdk/types.ts';

/** A platform's own limit on one message's text, as its documentation (or its server) states it. */
export interface PlatformTextLimit {
  max: number;
  unit: TextUnit;
  /** Where the number comes from. */
  source: string;
}

/**
 * The limits the contract checks chunks against: the platforms' own, written down here apart from
 * what each provider declares, so a provider that declares the wrong number or unit fails instead
 * of being measured against its own mistake. Facts from docs/CHANNELS.md of the team notes (the
 * "Limits" paragraph of each platform and the summary table).
 */
export const PLATFORM_TEXT_LIMITS: Readonly<Record<string, PlatformTextLimit | 'none documented'>> = {
  telegram: {
    max: 4096,
    unit: 'utf16',
    source: 'Bot API sendMessage: text of 1-4096 characters after entity parsing, counted in UTF-16 units',
  },
  discord: {
    max: 2000,
    unit: 'codepoint',
    source:
      'Discord API: message content up to 2000 characters for bots; the API (Python) counts code points (discord-api-docs#1315)',
  },
  slack: {
    max: 4000,
    unit: 'codepoint',
    source:
      'chat.postMessage: keep text to 4,000 characters for best results; Slack truncates past 40,000 (characters: counted here as code points)',
  },
  signal: {
    max: 2000,
    unit: 'utf8-bytes',
    source:
      'signal-cli truncates a message body at 2000 bytes of UTF-8 (AsamK/signal-cli#1598, bbernhard/signal-cli-rest-api#626)',
  },
  whatsapp: {
    max: 65_536,
    unit: 'codepoint',
    source: 'WhatsApp (consumer app): about 65,536 characters per text message',
  },
  // Apple documents no limit for an iMessage body and BlueBubbles adds none: the contract can
  // only hold the provider to what it declares.
  imessage: 'none documented',
};
