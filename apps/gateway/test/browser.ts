// Headless Chromium (Debian's package) driven by playwright-core, for the browser tests.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@openclaw/test-harness';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { requirement } from '../../../tooling/vitest/requirements.ts';

// Where it is looked for, and whether a test may run without it: needs('chromium').
export const CHROMIUM_PATH = requirement('chromium').path ?? '/usr/bin/chromium';

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  [Symbol.asyncDispose](): Promise<void>;
}

/** What a test may set on the browser: a time zone (to see local times), a window size. */
export interface BrowserOptions {
  timezoneId?: string;
  viewport?: { width: number; height: number };
}

/** A fresh headless Chromium with its own empty profile. */
export async function launchBrowser(options: BrowserOptions = {}): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'oc-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: FLAGS,
    acceptDownloads: true,
    ...options,
  });
  return {
    context,
    async [Symbol.asyncDispose]() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Where screenshots from browser tests are kept (git-ignored). */
export async function artifactPath(name: string): Promise<string> {
  const dir = join(repoRoot, 'test-artifacts');
  await mkdir(dir, { recursive: true });
  return join(dir, name);
}

/** What signedInPage() needs, and what a test may add around the sign-in. */
export interface SignInOptions {
  /** The gateway's `http://host:port`, where the Control UI is served. */
  base: string;
  /** The gateway token typed into the sign-in form. */
  token: string;
  /** How long the Overview may take to show after Connect (ms, default 20 s). */
  timeoutMs?: number;
  /** Whether console errors count as page errors too (default true). */
  consoleErrors?: boolean;
  /** Called with the new page before it loads anything: listeners that must see its first frames. */
  watch?: (page: Page) => void;
  /** Called once the sign-in form shows, before the token is typed (e.g. screenshots of the form). */
  atSignInForm?: (page: Page) => Promise<void>;
}

/** A page signed in to the Control UI, and the errors it has raised so far (the list keeps growing). */
export interface SignedInPage {
  page: Page;
  errors: string[];
}

/**
 * A new page in `browser`, signed in to the Control UI with the gateway token: it opens the page,
 * types the token, connects and waits for the Overview. A loopback browser is approved without a
 * pairing step (the gateway's default), which is what this relies on.
 */
export async function signedInPage(browser: Browser, options: SignInOptions): Promise<SignedInPage> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  if (options.consoleErrors ?? true)
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
  options.watch?.(page);
  await page.goto(`${options.base}/`);
  const tokenField = page.getByLabel('Gateway token');
  await tokenField.waitFor();
  await options.atSignInForm?.(page);
  await tokenField.fill(options.token);
  await page.getByRole('button', { name: 'Connect' }).click();
  await page
    .getByRole('heading', { name: 'Overview', exact: true })
    .waitFor({ timeout: options.timeoutMs ?? 20_000 });
  return { page, errors };
}
