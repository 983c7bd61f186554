import type { GatewayConfig } from '@openclaw/protocol';
import {
  buildDeviceAuthPayloadV2,
  buildDeviceAuthPayloadV3,
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
import { DeviceVerifier } from './device-verifier.ts';
import type { AuthRateLimiter } from './rate-limiter.ts';
import { hashToken, secretsEqual } from './secrets.ts';

export interface SharedSecrets {
  token?: string | undefined;
  password?: string | undefined;
}

export interface AuthenticatorOptions {
  store: Store;
  clock: Clock;
  audit: AuditLog;
  pairing: DevicePairing;
  limiter: AuthRateLimiter;
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
 * Decides a connect, in order: protocol range, role and scopes, throttling, shared secret or
 * device token, device signature, pairing. Every failure is a typed error with a specific
 * details.code; failed credentials count against the peer's rate limit.
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

    // 3. Throttle before looking at any credential.
    const peerKey = conn.peer.remoteAddress;
    const wait = this.#o.limiter.retryAfter(peerKey);
    if (wait > 0) throw rateLimited(wait);

    // 4. Shared secret, else device token.
    const auth = params.auth ?? {};
    const secrets = this.#o.secrets();
    let credential: Credential = 'none';
    let token: DeviceTokenRecord | undefined;
    const authMode = config.auth.mode;
    const sharedOk =
      authMode === 'token'
        ? secretsEqual(auth.token, secrets.token)
        : authMode === 'password'
          ? secretsEqual(auth.password ?? auth.token, secrets.password)
          : false;
    if (authMode === 'none') credential = 'none';
    else if (sharedOk) credential = 'shared-secret';
    const deviceTokenCandidate =
      auth.deviceToken ?? (!sharedOk && authMode !== 'password' ? auth.token : undefined);
    if (!sharedOk && deviceTokenCandidate) {
      token = await this.#o.store.deviceTokens.findByHash(hashToken(deviceTokenCandidate));
      if (token && params.device && token.deviceId === params.device.id && token.role === role) {
        credential = 'device-token';
      } else if (authMode !== 'none') {
        throw await this.#fail(
          conn,
          auth.deviceToken ? 'AUTH_DEVICE_TOKEN_MISMATCH' : 'AUTH_TOKEN_MISMATCH',
          params,
        );
      } else {
        token = undefined;
      }
    }
    if (authMode !== 'none' && credential === 'none') {
      const given = authMode === 'token' ? auth.token : (auth.password ?? auth.token);
      const code =
        given === undefined
          ? authMode === 'token'
            ? 'AUTH_TOKEN_MISSING'
            : 'AUTH_PASSWORD_MISSING'
          : authMode === 'token'
            ? 'AUTH_TOKEN_MISMATCH'
            : 'AUTH_PASSWORD_MISMATCH';
      throw await this.#fail(conn, code, params);
    }

    // 5. Device identity. Without one, only a direct-loopback client holding the shared secret
    //    gets in. Operator tools (modes cli, backend, probe) keep their requested scopes while
    //    silent loopback approval is on: they could pair a fresh key silently with the same
    //    scopes, so this grants nothing new (and it is how the reference CLI connects). Anything
    //    else gets no scopes at all: it can learn that it must pair, nothing more.
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
      const trustedTool =
        role === 'operator' &&
        config.pairing.autoApproveLoopback &&
        (mode === 'cli' || mode === 'backend' || mode === 'probe');
      const scopes = trustedTool ? requestedScopes : [];
      this.#o.limiter.succeed(conn.peer.remoteAddress);
      return {
        session: this.#session(conn, params, role, scopes, undefined, credential, undefined, negotiated),
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
        throw await this.#fail(conn, 'AUTH_DEVICE_TOKEN_MISMATCH', params);
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
    this.#o.limiter.succeed(conn.peer.remoteAddress);
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
    const session = this.#session(
      conn,
      params,
      role,
      requestedScopes,
      device.id,
      credential,
      tokenHash,
      negotiated,
    );
    return { session, issued };
  }

  async #verifyDevice(
    conn: Connection,
    params: ConnectParams,
    role: string,
    scopes: string[],
  ): Promise<void> {
    const device = params.device!;
    const raw = DeviceVerifier.decodePublicKey(device.publicKey);
    if (!raw) {
      throw await this.#fail(conn, 'DEVICE_AUTH_PUBLIC_KEY_INVALID', params, 'device public key invalid');
    }
    if (DeviceVerifier.deviceIdOf(raw) !== device.id) {
      throw await this.#fail(conn, 'DEVICE_AUTH_DEVICE_ID_MISMATCH', params, 'device identity mismatch');
    }
    if (conn.nonceUsed || device.nonce !== conn.nonce) {
      throw await this.#fail(conn, 'DEVICE_AUTH_NONCE_MISMATCH', params, 'device nonce mismatch');
    }
    conn.nonceUsed = true;
    const skew = this.#o.config().limits.signatureSkewMs;
    if (Math.abs(this.#o.clock.now() - device.signedAt) > skew) {
      throw await this.#fail(conn, 'DEVICE_AUTH_SIGNATURE_EXPIRED', params, 'device signature expired');
    }
    const auth = params.auth ?? {};
    // The signed token field is whichever credential the client sent; try each, v3 then v2.
    const tokens = [
      ...new Set(
        [auth.token, auth.deviceToken, auth.password, ''].filter((t): t is string => t !== undefined),
      ),
    ];
    const fields = {
      deviceId: device.id,
      clientId: params.client.id,
      clientMode: params.client.mode,
      role,
      scopes: params.scopes ?? scopes,
      signedAtMs: device.signedAt,
      nonce: device.nonce,
      platform: params.client.platform,
      deviceFamily: params.client.deviceFamily,
    };
    for (const token of tokens) {
      const f = { ...fields, token };
      if (this.#verifier.verify(device.publicKey, raw, buildDeviceAuthPayloadV3(f), device.signature)) return;
      if (this.#verifier.verify(device.publicKey, raw, buildDeviceAuthPayloadV2(f), device.signature)) return;
    }
    throw await this.#fail(conn, 'DEVICE_AUTH_SIGNATURE_INVALID', params, 'device signature invalid');
  }

  async #fail(
    conn: Connection,
    code: string,
    params: ConnectParams,
    message?: string,
  ): Promise<GatewayError> {
    const lockout = this.#o.limiter.fail(conn.peer.remoteAddress);
    await this.#o.audit.record({
      action: 'auth.failed',
      actor: params.device?.id ?? `client:${params.client.id}`,
      remoteIp: conn.peer.remoteAddress,
      details: { code, clientId: params.client.id, role: params.role ?? 'operator' },
    });
    const err = gatewayError('INVALID_REQUEST', code as never, message ?? authMessage(code), {
      details: {
        recommendedNextStep: code.startsWith('DEVICE_AUTH')
          ? 'update_auth_configuration'
          : 'update_auth_credentials',
        canRetryWithDeviceToken: false,
        ...(lockout > 0 ? { lockedOutForMs: lockout } : {}),
      },
    });
    return err;
  }

  #session(
    _conn: Connection,
    params: ConnectParams,
    role: 'operator' | 'node',
    scopes: string[],
    deviceId: string | undefined,
    credential: Credential,
    tokenHash: string | undefined,
    protocol: number,
  ): Session {
    return {
      role,
      scopes,
      deviceId,
      clientId: params.client.id,
      clientMode: params.client.mode,
      clientVersion: params.client.version,
      platform: params.client.platform,
      displayName: params.client.displayName,
      deviceFamily: params.client.deviceFamily,
      instanceId: params.client.instanceId,
      protocol,
      authKind: credential,
      deviceTokenHash: tokenHash,
      caps: params.caps ?? [],
      commands: params.commands ?? [],
      permissions: params.permissions ?? {},
      connectedAtMs: this.#o.clock.now(),
    };
  }
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
