import type { AuthLockout, GatewayConfig } from '@openclaw/protocol';
import {
  type ConnectParams,
  type GatewayError,
  gatewayError,
  isOperatorScope,
  minProtocolFor,
  PROTOCOL_VERSION,
  scopesCovered,
} from '@openclaw/protocol';
import type { AuditLog } from '../audit/audit-log.ts';

import type { Connection } from '../connection/connection.ts';
import type { Session } from '../connection/transport.ts';
import type { DevicePairing } from '../pairing/device-pairing.ts';
import type { LastSeen } from '../pairing/last-seen.ts';
import type { DeviceTokenRecord, Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import { type AuthLimiter, type CredentialKind, LOOPBACK_MAX_WAIT_MS } from './auth-limiter.ts';
import { checkDeviceProof } from './device-proof.ts';
import { DeviceVerifier } from './device-verifier.ts';
import { hashToken, secretsEqual } from './secrets.ts';
import { sessionOf } from './session-of.ts';

export interface SharedSecrets {
  token?: string | undefined;
  password?: string | undefined;
}

export interface AuthenticatorOptions {
  store: Store;
  clock: Clock;
  audit: AuditLog;
  pairing: DevicePairing;
  limiter: AuthLimiter;
  config: () => GatewayConfig;
  lastSeen: LastSeen;
  /** The effective shared secrets (config, env, flags, generated file). */
  secrets: () => SharedSecrets;
}

export interface AuthResult {
  session: Session;
  /** A device token minted by this connect; goes into hello-ok.auth. */
  issued?: { token: string; issuedAtMs: number } | undefined;
}

type Credential = 'shared-secret' | 'device-token' | 'none';

/**
 * Decides a connect, in order: protocol range, role and scopes, shared secret or device token
 * (each behind the limiter), device signature, pairing. Every failure is a typed error with a
 * specific details.code; a wrong credential counts against (peer, credential kind).
 */
export class Authenticator {
  readonly #o: AuthenticatorOptions;
  readonly #verifier = new DeviceVerifier();

  constructor(options: AuthenticatorOptions) {
    this.#o = options;
  }

  async authenticate(conn: Connection, params: ConnectParams): Promise<AuthResult> {
    const { clock } = this.#o;
    const config = this.#o.config();
    const role = params.role ?? 'operator';
    const mode = params.client.mode;

    // 0. Browsers from a foreign origin never get in, whatever they present.
    if (conn.peer.originRejected) {
      throw gatewayError(
        'INVALID_REQUEST',
        'CONTROL_UI_ORIGIN_NOT_ALLOWED',
        `origin ${conn.peer.origin ?? '?'} is not allowed`,
        {
          details: { origin: conn.peer.origin, recommendedNextStep: 'review_auth_configuration' },
        },
      );
    }

    // 1. Protocol window: v4 for everyone, v3 still for nodes and probes.
    const min = minProtocolFor(role, mode);
    const negotiated = Math.min(params.maxProtocol, PROTOCOL_VERSION);
    if (
      params.minProtocol > PROTOCOL_VERSION ||
      negotiated < min ||
      params.minProtocol > params.maxProtocol
    ) {
      throw gatewayError(
        'INVALID_REQUEST',
        'PROTOCOL_MISMATCH',
        `protocol mismatch: this gateway speaks ${min === PROTOCOL_VERSION ? PROTOCOL_VERSION : `${min}..${PROTOCOL_VERSION}`} for role ${role} (mode ${mode}); client offered ${params.minProtocol}..${params.maxProtocol}`,
        {
          details: {
            supported: { min, max: PROTOCOL_VERSION },
            offered: { min: params.minProtocol, max: params.maxProtocol },
          },
        },
      );
    }

    // 2. Role and scopes are from closed sets.
    if (role !== 'operator' && role !== 'node') {
      throw gatewayError('INVALID_REQUEST', 'ROLE_INVALID', `unknown role ${role}`, { details: { role } });
    }
    const requestedScopes = role === 'operator' ? [...new Set(params.scopes ?? [])].sort() : [];
    const badScope = requestedScopes.find((s) => !isOperatorScope(s));
    if (badScope) {
      throw gatewayError('INVALID_REQUEST', 'SCOPE_INVALID', `unknown scope ${badScope}`, {
        details: { scope: badScope },
      });
    }

    // 3-4. Credentials: shared secret, else device token, each behind its own limiter key.
    const { credential, token } = await this.#credentials(conn, params, role, config);

    // 5. Device identity. Without one, only a direct-loopback client holding the shared secret
    //    gets in (see SPEC.md, "Device-less connections").
    const device = params.device;
    if (!device) {
      if (!(conn.peer.isLoopback && credential === 'shared-secret')) {
        throw gatewayError(
          'INVALID_REQUEST',
          'DEVICE_IDENTITY_REQUIRED',
          'connect must carry a signed device identity',
          {
            details: { recommendedNextStep: 'update_auth_configuration' },
          },
        );
      }
      const scopes = role === 'operator' && isHostLocalTool(params, conn) ? requestedScopes : [];
      return {
        session: sessionOf(params, {
          role,
          scopes,
          deviceId: undefined,
          authKind: credential,
          tokenHash: undefined,
          protocol: negotiated,
          connectedAtMs: this.#o.clock.now(),
        }),
      };
    }
    await this.#verifyDevice(conn, params, role, requestedScopes);

    // 6. Pairing: the device must be approved for this role and these scopes.
    const record = await this.#o.store.devices.get(device.id);
    const approved =
      record?.roles.includes(role) && (role !== 'operator' || scopesCovered(record.scopes, requestedScopes));
    if (credential === 'device-token' && token) {
      if (role === 'operator' && !scopesCovered(token.scopes, requestedScopes)) {
        throw gatewayError(
          'INVALID_REQUEST',
          'AUTH_SCOPE_MISMATCH',
          'the device token does not cover the requested scopes; re-pair with the shared secret to ask for more',
          {
            details: {
              tokenScopes: token.scopes,
              requestedScopes,
              recommendedNextStep: 'review_auth_configuration',
            },
          },
        );
      }
      if (!approved) {
        // The token outlived its pairing (device removed): it is not a credential anymore.
        const lockout = await this.#countFailure(conn, params, 'device-token', 'AUTH_DEVICE_TOKEN_MISMATCH');
        throw authFailed('AUTH_DEVICE_TOKEN_MISMATCH', undefined, lockout);
      }
    }
    if (!approved) {
      const isRepair = record !== undefined;
      const silent = config.pairing.autoApproveLoopback && conn.peer.isLoopback;
      const ask = {
        deviceId: device.id,
        publicKey: device.publicKey,
        role,
        scopes: requestedScopes,
        displayName: params.client.displayName,
        platform: params.client.platform,
        deviceFamily: params.client.deviceFamily,
        clientId: params.client.id,
        clientMode: params.client.mode,
        browserOrigin: conn.peer.origin,
        remoteIp: conn.peer.remoteAddress,
      };
      const request = await this.#o.pairing.request(ask, { isRepair, silent });
      if (!silent) {
        throw gatewayError(
          'NOT_PAIRED',
          'PAIRING_REQUIRED',
          `device ${device.id.slice(0, 12)} needs approval: run \`openclaw devices approve ${request.requestId}\` on a paired client`,
          {
            details: {
              requestId: request.requestId,
              deviceId: device.id,
              requestedRole: role,
              requestedScopes,
              reason: isRepair
                ? record.roles.includes(role)
                  ? 'scope-upgrade'
                  : 'role-upgrade'
                : 'not-paired',
              recommendedNextStep: 'wait_then_retry',
            },
          },
        );
      }
      await this.#o.pairing.approve(
        request.requestId,
        { id: 'system', deviceId: undefined, scopes: [] },
        { silent: true },
      );
    }
    if (credential === 'device-token') this.#o.limiter.succeed(conn.peer, 'device-token');
    const now = clock.now();
    this.#o.lastSeen.device(device.id, now, conn.peer.remoteAddress);

    // 7. A device token for this role, minted the first time (after approval).
    let issued: AuthResult['issued'];
    // Only a socket that authenticated with a device token is tied to it (and closed with it).
    const tokenHash = credential === 'device-token' ? token?.tokenHash : undefined;
    if (credential === 'device-token' && token) {
      this.#o.lastSeen.token(device.id, role, now);
    } else {
      const existing = await this.#o.store.deviceTokens.get(device.id, role);
      if (!existing) {
        const fresh = await this.#o.store.devices.get(device.id);
        const grant = role === 'operator' ? (fresh?.scopes ?? requestedScopes) : [];
        issued = await this.#o.pairing.issueToken(device.id, role, grant);
      }
    }
    const session = sessionOf(params, {
      role,
      scopes: requestedScopes,
      deviceId: device.id,
      authKind: credential,
      tokenHash,
      protocol: negotiated,
      connectedAtMs: this.#o.clock.now(),
    });
    return { session, issued };
  }

  async #verifyDevice(
    conn: Connection,
    params: ConnectParams,
    role: string,
    scopes: string[],
  ): Promise<void> {
    const skewMs = this.#o.config().limits.signatureSkewMs;
    const bad = checkDeviceProof(this.#verifier, conn, params, {
      role,
      scopes,
      skewMs,
      now: this.#o.clock.now(),
    });
    if (bad) throw await this.#fail(conn, bad.code, params, bad.message);
  }

  /**
   * The credential stage. Each kind is admitted by the limiter before it is looked at, so a
   * locked-out kind gets the same answer whether it is right or wrong; a wrong one counts against
   * its own kind only. A connect with no credential at all is not a guess and counts nothing.
   */
  async #credentials(
    conn: Connection,
    params: ConnectParams,
    role: string,
    config: GatewayConfig,
  ): Promise<{ credential: Credential; token?: DeviceTokenRecord | undefined }> {
    const { limiter } = this.#o;
    const peer = conn.peer;
    const auth = params.auth ?? {};
    const mode = config.auth.mode;
    const findToken = (t: string) => this.#o.store.deviceTokens.findByHash(hashToken(t));
    const matches = (t: DeviceTokenRecord | undefined): t is DeviceTokenRecord =>
      t !== undefined && params.device !== undefined && t.deviceId === params.device.id && t.role === role;
    if (mode === 'none') {
      // Nothing to guess; a valid device token still ties the socket to it (revocation closes it).
      const candidate = auth.deviceToken ?? auth.token;
      const token = candidate ? await findToken(candidate) : undefined;
      return matches(token) ? { credential: 'device-token', token } : { credential: 'none' };
    }
    // Waiting for a loopback slot must fit in the handshake timeout.
    const maxWaitMs = Math.min(LOOPBACK_MAX_WAIT_MS, Math.floor(config.limits.handshakeTimeoutMs / 2));
    const secrets = this.#o.secrets();
    let shared = mode === 'token' ? auth.token : (auth.password ?? auth.token);
    let deviceToken = auth.deviceToken;
    let record: DeviceTokenRecord | undefined;
    let retryAfterMs = 0;
    let lockout: AuthLockout | undefined;
    const sharedCode = mode === 'token' ? 'AUTH_TOKEN_MISMATCH' : 'AUTH_PASSWORD_MISMATCH';

    // auth.token alone may carry a device token (clients that keep one token field). A stored
    // device token is one, and is never counted as a shared-secret guess. While device tokens
    // are locked for this peer it is taken for what it otherwise is: a shared-secret attempt.
    if (mode === 'token' && shared !== undefined && deviceToken === undefined) {
      if ((await limiter.acquire(peer, 'device-token', maxWaitMs)).allowed) {
        record = await findToken(shared);
        if (record) {
          deviceToken = shared;
          shared = undefined;
        }
      }
    }
    let sharedFailed = false;
    if (shared !== undefined) {
      const gate = await limiter.acquire(peer, 'shared-secret', maxWaitMs);
      if (!gate.allowed) retryAfterMs = gate.retryAfterMs;
      else if (secretsEqual(shared, mode === 'token' ? secrets.token : secrets.password)) {
        limiter.succeed(peer, 'shared-secret');
        return { credential: 'shared-secret' };
      } else {
        sharedFailed = true;
        lockout = await this.#countFailure(conn, params, 'shared-secret', sharedCode);
      }
    }
    if (deviceToken !== undefined) {
      const gate = record ? undefined : await limiter.acquire(peer, 'device-token', maxWaitMs);
      if (gate && !gate.allowed) retryAfterMs = Math.max(retryAfterMs, gate.retryAfterMs);
      else {
        record ??= await findToken(deviceToken);
        // Success is recorded once the pairing behind the token is confirmed.
        if (matches(record)) return { credential: 'device-token', token: record };
        const code = auth.deviceToken !== undefined ? 'AUTH_DEVICE_TOKEN_MISMATCH' : 'AUTH_TOKEN_MISMATCH';
        const own = await this.#countFailure(conn, params, 'device-token', code);
        throw authFailed(code, undefined, own ?? lockout);
      }
    }
    if (retryAfterMs > 0) throw rateLimited(retryAfterMs);
    if (sharedFailed) throw authFailed(sharedCode, undefined, lockout);
    throw authFailed(mode === 'token' ? 'AUTH_TOKEN_MISSING' : 'AUTH_PASSWORD_MISSING');
  }

  /** A wrong credential: counted against its kind and audited. Returns a restriction it started. */
  async #countFailure(
    conn: Connection,
    params: ConnectParams,
    kind: CredentialKind,
    code: string,
  ): Promise<AuthLockout | undefined> {
    const lockout = this.#o.limiter.fail(conn.peer, kind);
    await this.#audit(conn, params, code, kind);
    return lockout;
  }

  /**
   * A bad device proof: audited, not counted. A signature cannot be guessed, and the credential
   * that came with it was right, so counting it would only let a skewed clock lock out its owner.
   */
  async #fail(
    conn: Connection,
    code: string,
    params: ConnectParams,
    message?: string,
  ): Promise<GatewayError> {
    await this.#audit(conn, params, code);
    return authFailed(code, message);
  }

  async #audit(conn: Connection, params: ConnectParams, code: string, credential?: CredentialKind) {
    await this.#o.audit.record({
      action: 'auth.failed',
      actor: params.device?.id ?? `client:${params.client.id}`,
      remoteIp: conn.peer.remoteAddress,
      details: {
        code,
        clientId: params.client.id,
        role: params.role ?? 'operator',
        ...(credential ? { credential } : {}),
      },
    });
  }
}

function authFailed(code: string, message?: string, lockout?: AuthLockout): GatewayError {
  return gatewayError('INVALID_REQUEST', code as never, message ?? authMessage(code), {
    details: {
      recommendedNextStep: code.startsWith('DEVICE_AUTH')
        ? 'update_auth_configuration'
        : 'update_auth_credentials',
      canRetryWithDeviceToken: false,
      ...(lockout?.mode === 'lockout' ? { lockedOutForMs: lockout.untilMs - lockout.sinceMs } : {}),
    },
  });
}

function rateLimited(retryAfterMs: number): GatewayError {
  return gatewayError(
    'UNAVAILABLE',
    'AUTH_RATE_LIMITED',
    `too many failed auth attempts; retry in ${Math.ceil(retryAfterMs / 1000)} s`,
    {
      retryable: true,
      retryAfterMs,
      details: { recommendedNextStep: 'wait_then_retry' },
    },
  );
}

function authMessage(code: string): string {
  switch (code) {
    case 'AUTH_TOKEN_MISSING':
      return 'gateway token required: pass --token or set OPENCLAW_GATEWAY_TOKEN';
    case 'AUTH_TOKEN_MISMATCH':
      return 'gateway token mismatch';
    case 'AUTH_PASSWORD_MISSING':
      return 'gateway password required';
    case 'AUTH_PASSWORD_MISMATCH':
      return 'gateway password mismatch';
    case 'AUTH_DEVICE_TOKEN_MISMATCH':
      return 'device token rejected (rotated, revoked or unknown); reconnect with the gateway token to re-pair';
    default:
      return code.toLowerCase().replace(/_/g, ' ');
  }
}

/**
 * The two host-local operator tools that keep their requested scopes without a device identity:
 * the CLI (`cli`/`cli`) and a local backend helper (`gateway-client`/`backend`), reached directly
 * over loopback (the caller checked that and the shared secret) and not from a browser. They hold
 * the gateway's master credential on the gateway's own host and receive nothing durable (no device
 * token, no pairing record), so device pairing has nothing to bind: this holds whether silent
 * loopback pairing is on or off. Probes and every other device-less client get no scopes.
 */
function isHostLocalTool(params: ConnectParams, conn: Connection): boolean {
  if (conn.peer.origin !== undefined) return false;
  const { id, mode } = params.client;
  return (id === 'cli' && mode === 'cli') || (id === 'gateway-client' && mode === 'backend');
}
