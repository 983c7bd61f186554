// The config schema as a gateway with Telegram, Slack and WhatsApp serves it from config.schema:
// the core's sections, each provider's own account schema under channels.<id>, and the hints.
import { gatewayConfigSchema } from '@openclaw/gateway-core';
import { schemaHints } from '@openclaw/protocol';
import { slackProvider } from '@openclaw/provider-slack';
import { telegramProvider } from '@openclaw/provider-telegram';
import { whatsappProvider } from '@openclaw/provider-whatsapp';
import type { JsonSchema } from '../src/state/config-form.ts';

// The providers' descriptors: reading them loads no platform library.
const composed = gatewayConfigSchema([telegramProvider, slackProvider, whatsappProvider]);

/** What config.schema answers: `schema` as JSON, and `uiHints`. */
export const served = {
  schema: JSON.parse(JSON.stringify(composed)) as JsonSchema,
  uiHints: schemaHints(composed) as Record<string, unknown>,
};
