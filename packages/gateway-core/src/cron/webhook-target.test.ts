import { describe, expect, it } from 'vitest';
import {
  checkWebhookTarget,
  isBlockedHostname,
  isSpecialAddress,
  parseWebhookUrl,
  redactWebhookUrl,
  WebhookError,
} from './webhook-target.ts';

const resolvesTo =
  (...addresses: string[]) =>
  async () =>
    addresses.map((address) => ({ address }));

async function refusal(p: Promise<unknown>): Promise<WebhookError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(WebhookError);
  return e as WebhookError;
}

describe('where a job webhook may go', () => {
  it('tells public addresses from loopback, private, link-local and special-use ones', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
    ])
      expect(isSpecialAddress(a), a).toBe(true);
    for (const a of ['100.64.0.1', '0.0.0.0', '198.18.0.1', '224.0.0.1', '::1', '::', 'fe80::1', 'fd00::1'])
      expect(isSpecialAddress(a), a).toBe(true);
    // An IPv4 address written as IPv6 is judged as what it is.
    expect(isSpecialAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isSpecialAddress('::ffff:8.8.8.8')).toBe(false);
    for (const a of ['8.8.8.8', '172.32.0.1', '1.1.1.1', '2606:4700:4700::1111'])
      expect(isSpecialAddress(a), a).toBe(false);
    expect(isSpecialAddress('not-an-ip')).toBe(true);
  });

  it('takes http(s) URLs without credentials, and shows them without their query', () => {
    expect(parseWebhookUrl('ftp://example.com/x')).toBe('only http and https URLs are posted to');
    expect(parseWebhookUrl('https://u:p@example.com/')).toMatch(/credentials in the URL are refused/);
    expect(parseWebhookUrl('nonsense')).toBe('not a URL');
    expect(parseWebhookUrl('https://example.com/h')).toBeInstanceOf(URL);
    expect(redactWebhookUrl('https://example.com/h?key=s3cret#x')).toBe('https://example.com/h');
  });

  it('refuses a name that resolves to a private address, unless the policy lets it', async () => {
    const blocked = await refusal(
      checkWebhookTarget('https://hooks.internal/x', undefined, resolvesTo('10.0.0.7')),
    );
    expect(blocked).toMatchObject({ code: 'WEBHOOK_BLOCKED', retryable: false });
    // One private answer among public ones is enough to refuse.
    await refusal(checkWebhookTarget('https://mixed.example/x', {}, resolvesTo('8.8.8.8', '127.0.0.1')));
    await refusal(checkWebhookTarget('http://localhost:9/x', {}, resolvesTo('8.8.8.8')));
    await refusal(checkWebhookTarget('http://[::1]:9/x', {}));
    expect(
      (await checkWebhookTarget('https://hooks.example/x', {}, resolvesTo('93.184.216.34'))).hostname,
    ).toBe('hooks.example');
    // Listed by exact name (or IP literal): allowed; a wider switch allows every private target.
    const listed = { allowedHostnames: ['hooks.internal', '[::1]'] };
    await expect(
      checkWebhookTarget('https://hooks.internal/x', listed, resolvesTo('10.0.0.7')),
    ).resolves.toBeInstanceOf(URL);
    await expect(checkWebhookTarget('http://[::1]:9/x', listed)).resolves.toBeInstanceOf(URL);
    await refusal(checkWebhookTarget('https://other.internal/x', listed, resolvesTo('10.0.0.8')));
    await expect(
      checkWebhookTarget(
        'https://other.internal/x',
        { dangerouslyAllowPrivateNetwork: true },
        resolvesTo('10.0.0.8'),
      ),
    ).resolves.toBeInstanceOf(URL);
  });

  it('refuses a host on the deny list first, before the allow list and the private-network switch', async () => {
    expect(isBlockedHostname('Hooks.Example.com.', ['hooks.example.com'])).toBe(true);
    // *.suffix: every name under suffix, not suffix itself; a bare * names nothing.
    expect(isBlockedHostname('a.b.example.com', ['*.example.com'])).toBe(true);
    expect(isBlockedHostname('example.com', ['*.example.com'])).toBe(false);
    expect(isBlockedHostname('badexample.com', ['*.example.com'])).toBe(false);
    expect(isBlockedHostname('anything.com', ['*', '*.'])).toBe(false);
    expect(isBlockedHostname('::1', ['[::1]'])).toBe(true);
    const policy = {
      blockedHostnames: ['*.corp.example', '127.0.0.1'],
      allowedHostnames: ['127.0.0.1', 'api.corp.example'],
      dangerouslyAllowPrivateNetwork: true,
    };
    for (const url of ['http://127.0.0.1:9/x', 'https://api.corp.example/x'])
      expect(await refusal(checkWebhookTarget(url, policy, resolvesTo('93.184.216.34'))), url).toMatchObject({
        code: 'WEBHOOK_BLOCKED',
        retryable: false,
        message: expect.stringMatching(/blockedHostnames/),
      });
    // A public name not on it still goes.
    await expect(
      checkWebhookTarget('https://hooks.example/x', policy, resolvesTo('93.184.216.34')),
    ).resolves.toBeInstanceOf(URL);
  });

  it('a name that does not resolve is worth trying again; a bad URL is not', async () => {
    const failing = async () => {
      throw new Error('getaddrinfo ENOTFOUND nowhere.example');
    };
    expect(await refusal(checkWebhookTarget('https://nowhere.example/x', {}, failing))).toMatchObject({
      code: 'WEBHOOK_FAILED',
      retryable: true,
    });
    expect(await refusal(checkWebhookTarget('file:///etc/passwd', {}))).toMatchObject({
      code: 'WEBHOOK_URL_INVALID',
      retryable: false,
    });
  });
});
