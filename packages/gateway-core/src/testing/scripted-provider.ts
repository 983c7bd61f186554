// A provider whose adapter does what a test script says. For testing the core's own policy
// (supervision, outbox, leases); the real platform seams are tested in each provider package.
import { SecretString } from '@openclaw/protocol';
import { Type } from '@sinclair/typebox';
import { defineChannelProvider } from '../channels/sdk/define-channel-provider.ts';
import type {
  AdapterContext,
  ChannelAdapter,
  ChannelCapabilities,
  ChannelProvider,
  OutboundMessage,
  SendReceipt,
} from '../channels/sdk/types.ts';

export interface Script {
  /** Called on every start; throw to fail it. */
  onStart?(attempt: number, ctx: AdapterContext): Promise<void> | void;
  /** Called on every send; throw to fail it. */
  onSend?(msg: OutboundMessage, n: number): Promise<SendReceipt> | SendReceipt;
  /** When present, the adapter has a probe that answers this. */
  onProbe?(timeoutMs: number): Promise<ProbeResult> | ProbeResult;
  capabilities?: Partial<ChannelCapabilities>;
}

type ProbeResult = Awaited<ReturnType<NonNullable<ChannelAdapter['probe']>>>;

export interface ScriptState {
  starts: number;
  stops: number;
  probes: number;
  sent: OutboundMessage[];
  ctx: AdapterContext | undefined;
}

export function scriptedProvider(
  script: Script,
  id = 'scripted',
): { provider: ChannelProvider; state: ScriptState } {
  const state: ScriptState = { starts: 0, stops: 0, probes: 0, sent: [], ctx: undefined };
  const capabilities: ChannelCapabilities = {
    chatKinds: ['direct', 'group'],
    text: { max: 100, unit: 'utf16', markdown: 'none' },
    media: { inbound: false, outbound: true },
    typing: false,
    reactions: false,
    threads: false,
    mentionDetection: true,
    ...script.capabilities,
  };
  const provider: ChannelProvider = defineChannelProvider({
    id,
    label: 'Scripted',
    capabilities,
    configSchema: Type.Object(
      {
        botToken: Type.Optional(SecretString({ description: 'A token, to test that secrets stay inside.' })),
      },
      { description: 'A scripted account.' },
    ),
    create(): ChannelAdapter {
      const probe = script.onProbe;
      return {
        ...(probe
          ? {
              async probe(timeoutMs: number) {
                state.probes++;
                return probe(timeoutMs);
              },
            }
          : {}),
        capabilities,
        async start(ctx) {
          state.starts++;
          state.ctx = ctx;
          await script.onStart?.(state.starts, ctx);
        },
        async stop() {
          state.stops++;
        },
        async send(msg) {
          state.sent.push(msg);
          if (script.onSend) return script.onSend(msg, state.sent.length);
          return { ids: [`p${state.sent.length}`], at: Date.now() };
        },
      };
    },
  });
  return { provider, state };
}
