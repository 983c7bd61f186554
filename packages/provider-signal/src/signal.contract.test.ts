import { describeChannelContract } from '@openclaw/gateway-core/testing';
import { FakeSignal, type SignalMode } from '@openclaw/test-fakes';
import { describe } from 'vitest';
import { signalProvider } from './index.ts';

const me = '+15559999999';
/** How long the fake holds an empty receive, and the adapter's pause between polls (normal mode). */
const HOLD_MS = 100;
const POLL_INTERVAL_MS = 20;
/** The account's wait after a 429; not a value any default or the contract's retry-after has. */
const RATE_LIMIT_RETRY_MS = 1500;

/**
 * The same contract over both receive paths: json-rpc (WebSocket, picked by `auto` from /v1/about)
 * and normal mode (GET polling, set explicitly).
 */
function contract(mode: SignalMode, receiveMode: 'auto' | 'poll'): void {
  describeChannelContract<FakeSignal>({
    provider: signalProvider,
    // The platform's own limit, apart from what the provider declares.
    platformTextLimit: {
      max: 2000,
      unit: 'utf8-bytes',
      source:
        'signal-cli truncates a message body at 2000 bytes of UTF-8 (AsamK/signal-cli#1598, bbernhard/signal-cli-rest-api#626)',
    },
    startFake: () => FakeSignal.start({ number: me, mode, holdMs: HOLD_MS }),
    stopFake: (f) => f.close(),
    accountConfig: (f) => ({
      baseUrl: f.url,
      number: f.number,
      receiveMode,
      pollIntervalMs: POLL_INTERVAL_MS,
      // Signal's 429 carries no retry-after (a captcha lifts it): the wait is this setting.
      rateLimitRetryMs: RATE_LIMIT_RETRY_MS,
    }),
    ids: { senderA: '+15550000001', senderB: '+15550000002', group: 'Z3JvdXAtaWQ=' },
    pushDirect: async (f, m) => {
      f.pushMessage({ source: m.senderId, sourceName: m.senderName, text: m.text });
    },
    pushGroup: async (f, m) => {
      f.pushMessage({
        source: m.senderId,
        sourceName: m.senderName,
        groupId: m.groupId,
        // A mention is a U+FFFC placeholder in the body plus a record saying whom it stands for.
        text: m.mention ? `\uFFFC ${m.text}` : m.text,
        ...(m.mention ? { mentions: [{ start: 0, number: f.number, name: 'Bot' }] } : {}),
      });
    },
    sent: (f) => f.sent.map((s) => ({ chatId: s.recipients[0] ?? '', text: s.message })),
    directChatId: (s) => s,
    groupChatId: (g) => FakeSignal.groupRecipient(g),
    failNextSendWith429: (f) => f.failNext({ method: 'send', status: 429 }),
    sendCalls: (f) => f.calls.filter((c) => c.method === 'send').length,
    goOffline: (f) => f.goOffline(),
    goOnline: (f) => f.goOnline(),
    expectedRetryWaitMs: () => RATE_LIMIT_RETRY_MS,
    activity: (f) => f.activity(),
    // json-rpc holds its receive socket open; normal mode polls again after each held receive.
    maxSilenceMs: () => HOLD_MS + POLL_INTERVAL_MS,
  });
}

describe('json-rpc mode (WebSocket receive, receiveMode auto)', () => contract('json-rpc', 'auto'));
describe('normal mode (GET /v1/receive polling)', () => contract('normal', 'poll'));
