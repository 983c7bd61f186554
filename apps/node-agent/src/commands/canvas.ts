import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { CommandRefused } from '../allowlist.ts';
import type { CommandHandler } from './types.ts';

/** Where a Chromium is usually installed (Debian/Ubuntu, Fedora, Chrome packages, macOS). */
export const CHROMIUM_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

/** The first installed Chromium, if any. */
export function findChromium(candidates: readonly string[] = CHROMIUM_CANDIDATES): string | undefined {
  return candidates.find((p) => existsSync(p));
}

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface CanvasOptions {
  /** ws(s):// URL of the gateway; the canvas lives on the same host and port over http(s). */
  gatewayUrl: string;
  chromiumPath: string;
  /** A credential the gateway accepts for its browser surfaces (shared token or this node's token). */
  credential: () => string | undefined;
}

/**
 * Is a Chromium there to drive, and the driver to drive it with? Canvas commands are declared
 * only then: playwright-core is an optional dependency an install may leave out.
 */
export function canvasAvailable(chromiumPath: string): boolean {
  return existsSync(chromiumPath) && driverInstalled();
}

function driverInstalled(): boolean {
  try {
    import.meta.resolve('playwright-core');
    return true;
  } catch {
    return false;
  }
}

/**
 * canvas.* on a headless Chromium: one page that shows the gateway's canvas or its A2UI host.
 * The browser starts on the first canvas command and signs in to the gateway's surfaces with a
 * session cookie, so the pages never see a token.
 */
export function createCanvas(o: CanvasOptions): {
  handlers: Record<string, CommandHandler>;
  close(): Promise<void>;
} {
  const httpBase = o.gatewayUrl.replace(/^ws(s?):\/\//, 'http$1://').replace(/\/+$/, '');
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let profile: string | undefined;
  let starting: Promise<Page> | undefined;

  const ensurePage = (): Promise<Page> => {
    if (page && !page.isClosed()) return Promise.resolve(page);
    starting ??= (async () => {
      const { chromium } = await import('playwright-core');
      profile = await mkdtemp(join(tmpdir(), 'openclaw-canvas-'));
      context = await chromium.launchPersistentContext(profile, {
        executablePath: o.chromiumPath,
        headless: true,
        args: FLAGS,
      });
      const credential = o.credential();
      if (credential) {
        const res = await context.request.post(`${httpBase}/__openclaw__/session`, {
          headers: { authorization: `Bearer ${credential}` },
        });
        if (res.status() !== 204)
          throw new CommandRefused('CANVAS_AUTH', `the gateway refused the canvas session (${res.status()})`);
      }
      page = context.pages()[0] ?? (await context.newPage());
      return page;
    })().finally(() => {
      starting = undefined;
    });
    return starting;
  };

  const resolveUrl = (target: unknown): string => {
    if (typeof target !== 'string' || target === '') return `${httpBase}/__openclaw__/canvas/`;
    if (/^https?:\/\//.test(target)) return target;
    return `${httpBase}/__openclaw__/canvas/${target.replace(/^\/+/, '')}`;
  };

  const goto = async (url: string) => {
    const p = await ensurePage();
    const res = await p.goto(url, { waitUntil: 'load' });
    if (res && res.status() >= 400)
      throw new CommandRefused('CANVAS_HTTP', `${url} answered ${res.status()}`);
    return { url: p.url(), status: res?.status() ?? null, title: await p.title() };
  };

  const ensureA2ui = async (): Promise<Page> => {
    const p = await ensurePage();
    if (!p.url().includes('/__openclaw__/a2ui/')) await goto(`${httpBase}/__openclaw__/a2ui/`);
    await p.waitForFunction(() => document.documentElement.dataset.a2uiReady === 'true', undefined, {
      timeout: 15_000,
    });
    return p;
  };

  const handlers: Record<string, CommandHandler> = {
    'canvas.present': async (raw) => goto(resolveUrl((raw as { path?: unknown } | undefined)?.path)),
    'canvas.navigate': async (raw) => {
      const url = (raw as { url?: unknown } | undefined)?.url;
      if (typeof url !== 'string') throw new CommandRefused('INVALID_PARAMS', 'canvas.navigate needs {url}');
      return goto(resolveUrl(url));
    },
    'canvas.eval': async (raw) => {
      const script = (raw as { script?: unknown } | undefined)?.script;
      if (typeof script !== 'string')
        throw new CommandRefused('INVALID_PARAMS', 'canvas.eval needs {script}');
      const p = await ensurePage();
      // A string is evaluated by Playwright as a page expression (a promise is awaited);
      // its result must be JSON-able.
      const value: unknown = await p.evaluate(script);
      return { value: value === undefined ? null : value };
    },
    'canvas.snapshot': async (raw) => {
      const p = await ensurePage();
      const fullPage = (raw as { fullPage?: unknown } | undefined)?.fullPage === true;
      const png = await p.screenshot({ type: 'png', fullPage });
      const size = p.viewportSize();
      return {
        format: 'png',
        base64: png.toString('base64'),
        width: size?.width ?? null,
        height: size?.height ?? null,
      };
    },
    'canvas.a2ui.push': async (raw) => {
      const messages = (raw as { messages?: unknown } | undefined)?.messages;
      if (!Array.isArray(messages))
        throw new CommandRefused('INVALID_PARAMS', 'canvas.a2ui.push needs {messages: [...]}');
      const p = await ensureA2ui();
      const surfaces = await p.evaluate(
        (m) => (window as unknown as { openclawA2ui: { push(x: unknown): string[] } }).openclawA2ui.push(m),
        messages,
      );
      return { surfaces };
    },
    'canvas.a2ui.reset': async () => {
      const p = await ensureA2ui();
      await p.evaluate(() => (window as unknown as { openclawA2ui: { reset(): void } }).openclawA2ui.reset());
      return { surfaces: [] };
    },
  };

  return {
    handlers,
    async close() {
      await context?.close().catch(() => undefined);
      if (profile) await rm(profile, { recursive: true, force: true });
    },
  };
}
