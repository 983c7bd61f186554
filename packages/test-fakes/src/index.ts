export {
  type BlueBubblesAttachmentSent,
  type BlueBubblesMessage,
  type BlueBubblesPushMessageInput,
  type BlueBubblesReaction,
  type BlueBubblesSent,
  type BlueBubblesTyping,
  FakeBlueBubbles,
  type FakeBlueBubblesOptions,
  type FakeBlueBubblesWebhook,
} from './bluebubbles/fake-bluebubbles.ts';
export {
  type DiscordGuildConfig,
  DiscordIntents,
  type DiscordPushMessageInput,
  type DiscordSent,
  type DiscordUser,
  FakeDiscord,
  type FakeDiscordOptions,
} from './discord/fake-discord.ts';
export {
  ActivityMeter,
  CallHold,
  type ClientActivity,
  closeServer,
  FAKE_KEEP_ALIVE_MS,
  FailureQueue,
  freePort,
  type InjectedFailure,
  listen,
  listenAgain,
  parseBody,
  readBody,
  sendJson,
  stopListening,
  waitFor,
} from './http-util.ts';
export { samplePng, sampleVoiceNote } from './media-samples.ts';
export {
  type ChatRequest,
  type ChatRequestMessage,
  type ContentPart,
  FakeOpenAi,
  type FakeOpenAiOptions,
  type MidStreamFailure,
  messageText,
  type ScriptedTurn,
  type TranscriptionRequest,
  type WireToolCall,
} from './openai/fake-openai.ts';
export {
  FakeSignal,
  type FakeSignalOptions,
  type SignalEnvelopeItem,
  type SignalMention,
  type SignalMode,
  type SignalPushMessageInput,
  type SignalSent,
} from './signal/fake-signal.ts';
export {
  FakeSlack,
  type FakeSlackOptions,
  type SignedEventOptions,
  type SlackAck,
  type SlackFile,
  type SlackPushMessageInput,
  type SlackSent,
  type SlackUpload,
} from './slack/fake-slack.ts';
export {
  FakeTelegram,
  type FakeTelegramOptions,
  type PushMessageInput,
  type TelegramSent,
  type TelegramUser,
} from './telegram/fake-telegram.ts';
export { type WebhookHit, WebhookReceiver } from './webhook/webhook-receiver.ts';
export {
  FakeWhatsApp,
  type FakeWhatsAppOptions,
  type WaLib,
  type WaMediaType,
  type WhatsAppMediaInput,
  type WhatsAppPresence,
  type WhatsAppPushOptions,
  type WhatsAppSent,
} from './whatsapp/index.ts';
