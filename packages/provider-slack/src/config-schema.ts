// Read without loading the Slack SDK: the gateway builds its config schema (and redacts) from this.
import { credential, SecretString, SecretUrl } from '@openclaw/gateway-core/channel';
import { type Static, Type } from '@sinclair/typebox';

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';
export const BOT_TOKEN_RULE = 'must be a bot token (xoxb-…, "Bot User OAuth Token")';
export const APP_TOKEN_RULE = 'must be an app-level token (xapp-…, with the connections:write scope)';
// Which of the two mode-bound credentials an account needs. An unset mode is what config.ts picks:
// events-http when a signing secret is set and no app token, socket otherwise (a new account too).
const UNSET_MODE = {
  defaults: { mode: 'socket' },
  inferred: { mode: [{ value: 'events-http', set: ['signingSecret'], unset: ['appToken'] }] },
};
const IN_SOCKET_MODE = { neededWhen: { mode: 'socket' }, ...UNSET_MODE };
const IN_EVENTS_HTTP_MODE = { neededWhen: { mode: 'events-http' }, ...UNSET_MODE };

/** One Slack app installation: `channels.slack` (or one of its `accounts`). */
export const slackConfigSchema = Type.Object(
  {
    botToken: Type.Optional(
      SecretString(
        credential({
          pattern: '^\\s*xoxb-',
          errorMessage: BOT_TOKEN_RULE,
          description: 'Bot User OAuth Token (xoxb-…). Default account: or SLACK_BOT_TOKEN.',
        }),
      ),
    ),
    appToken: Type.Optional(
      SecretString(
        credential(
          {
            pattern: '^\\s*xapp-',
            errorMessage: APP_TOKEN_RULE,
            description:
              'App-level token (xapp-…) with connections:write; socket mode needs it. Default account: or SLACK_APP_TOKEN.',
          },
          IN_SOCKET_MODE,
        ),
      ),
    ),
    signingSecret: Type.Optional(
      SecretString(
        credential(
          {
            description: 'Signs Events API requests; events-http mode needs it (socket mode does not).',
          },
          IN_EVENTS_HTTP_MODE,
        ),
      ),
    ),
    mode: Type.Optional(
      Type.Union([Type.Literal('socket'), Type.Literal('events-http')], {
        description:
          'socket when an app token is set (or nothing is), events-http with only a signing secret.',
      }),
    ),
    apiUrl: Type.Optional(
      SecretUrl({
        minLength: 1,
        default: DEFAULT_SLACK_API_URL,
        description: 'Web API root; the bot token is sent only here and to *.slack.com.',
      }),
    ),
    webhookPath: Type.Optional(
      Type.String({
        pattern: '^/',
        errorMessage: 'must start with /',
        description: 'Route for the Events API (default /channels/slack/<account>/events).',
      }),
    ),
    clientPingTimeoutMs: Type.Optional(
      Type.Number({
        minimum: 50,
        description:
          'Socket Mode pong deadline, also the library’s reconnect delay. Leave unset in production (5000).',
      }),
    ),
  },
  { additionalProperties: false, description: 'A Slack app.' },
);
export type SlackConfigInput = Static<typeof slackConfigSchema>;
