/** What the page knows about where it runs (from `window.location` and `globalThis.crypto`). */
export interface PageContext {
  isSecureContext: boolean;
  hasSubtleCrypto: boolean;
  protocol: string;
  hostname: string;
  port: string;
}

export type SecureContextVerdict =
  | { ok: true }
  | {
      ok: false;
      /** One sentence: what is wrong. */
      problem: string;
      /** The SSH tunnel that makes the page a loopback (secure) origin. */
      tunnelCommand: string;
      /** Where to open the page once the tunnel runs. */
      tunnelUrl: string;
    };

const DEFAULT_PORT = '18789';

/**
 * Browsers only offer WebCrypto (`crypto.subtle`) on secure origins: https://, and http:// on
 * 127.0.0.1 or localhost. The Control UI needs it to create and sign its device identity, so on
 * plain HTTP from a LAN address it says so, and how to get a secure origin, instead of failing
 * somewhere inside the handshake.
 */
export function checkSecureContext(page: PageContext): SecureContextVerdict {
  if (page.isSecureContext && page.hasSubtleCrypto) return { ok: true };
  const port = page.port || (page.protocol === 'https:' ? '443' : DEFAULT_PORT);
  const host = page.hostname.includes(':') ? `[${page.hostname}]` : page.hostname;
  const problem =
    page.protocol === 'http:'
      ? `This page was opened over plain HTTP from ${host}, which is not a secure origin, so the browser withholds WebCrypto (crypto.subtle). The Control UI needs it to create and sign this browser's device identity.`
      : `The browser does not offer WebCrypto (crypto.subtle) on this page, and the Control UI needs it to create and sign this browser's device identity.`;
  return {
    ok: false,
    problem,
    tunnelCommand: `ssh -N -L ${port}:127.0.0.1:${port} ${host}`,
    tunnelUrl: `http://127.0.0.1:${port}/`,
  };
}

/** The current page's context (browser only). */
export function currentPageContext(): PageContext {
  return {
    isSecureContext: globalThis.isSecureContext === true,
    hasSubtleCrypto: globalThis.crypto?.subtle !== undefined,
    protocol: location.protocol,
    hostname: location.hostname,
    port: location.port,
  };
}
