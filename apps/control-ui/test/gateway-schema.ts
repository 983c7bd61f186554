// The config schema as a gateway with Telegram, Slack and WhatsApp serves it from config.schema:
// the core's sections, each provider's own account schema under channels.<id>, and the hints.
import { gatewayConfigSchema } from '@openclaw/gateway-core';
import { schemaHints } from '@openclaw/protocol';
import { slackConfigSchema } from '@openclaw/provider-slack/config-schema';
import { telegramConfigSchema } from '@openclaw/provider-telegram/config-schema';
import { whatsappConfigSchema } from '@openclaw/provider-whatsapp/config-schema';
import type { JsonSchema } from '../src/state/config-form.ts';

const composed = gatewayConfigSchema([
  { id: 'telegram', label: 'Telegram', configSchema: telegramConfigSchema },
  { id: 'slack', label: 'Slack', configSchema: slackConfigSchema },
  { id: 'whatsapp', label: 'WhatsApp', configSchema: whatsappConfigSchema },
]);

/** What config.schema answers: `schema` as JSON, and `uiHints`. */
export const served = {
  schema: JSON.parse(JSON.stringify(composed)) as JsonSchema,
  uiHints: schemaHints(composed) as Record<string, unknown>,
};
