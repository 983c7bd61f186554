// Headless Chromium (Debian's package) driven by playwright-core, for the browser tests.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@openclaw/test-harness';
import { type BrowserContext, chromium } from 'playwright-core';
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
