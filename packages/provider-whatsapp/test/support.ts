import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AdapterContext, AdapterStatusPatch, InboundEnvelope } from '@openclaw/gateway-core/channel';
import { FakeWhatsApp, type WaLib, waitFor } from '@openclaw/test-fakes';
import { baileys } from '../src/baileys.ts';
import type { WhatsAppAccountConfig } from '../src/config.ts';
import { whatsappProvider } from '../src/index.ts';
import { WhatsAppAdapter, type WhatsAppAdapterOptions } from '../src/whatsapp-adapter.ts';

/** The Baileys module for FakeWhatsApp (test-fakes has no dependency on it). */
export const waLib: WaLib = baileys;

export const quietLog = { debug() {}, info() {}, warn() {}, error() {} };

/** An AdapterContext that records what the adapter hands the core. */
export function context(stateDir: string, extra: Partial<AdapterContext> = {}) {
  const inbound: InboundEnvelope[] = [];
  const failures: unknown[] = [];
  const statuses: AdapterStatusPatch[] = [];
  const controller = new AbortController();
  const ctx: AdapterContext = {
    channel: 'whatsapp',
    accountId: 'default',
    config: {},
    stateDir,
    signal: controller.signal,
    log: quietLog,
    emit: async (m) => {
      inbound.push(m);
    },
    status: (p) => statuses.push(p),
    fail: (e) => failures.push(e),
    degraded: () => {},
    healthy: () => {},
    ...extra,
  };
  return { ctx, inbound, failures, statuses, controller };
}

export async function tempDir(): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'oc-wa-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function config(
  fake: FakeWhatsApp,
  authDir: string,
  extra: Record<string, unknown> = {},
): WhatsAppAccountConfig {
  return whatsappProvider.parseAccountConfig({ authDir, waWebSocketUrl: fake.wsUrl, ...extra }, 'default');
}

/**
 * Link `authDir` to the fake's phone the real way (QR → scan → 515 → login → app-state keys), then
 * stop, leaving credentials a later adapter logs in with.
 */
export async function prelink(
  fake: FakeWhatsApp,
  authDir: string,
  options: WhatsAppAdapterOptions = {},
): Promise<void> {
  const adapter = new WhatsAppAdapter(config(fake, authDir), 'default', options);
  const { ctx } = context(authDir);
  try {
    await adapter.start(ctx);
    const qr = await adapter.loginStart({ timeoutMs: 5000 });
    if (qr.status !== 'qr' || !qr.qr) throw new Error(`expected a QR, got ${qr.status}`);
    await fake.scanQr(qr.qr);
    await waitFor(() => fake.isOnline(), 5000, 'the linked device online');
  } finally {
    await adapter.stop();
  }
}

export { FakeWhatsApp, waitFor };
