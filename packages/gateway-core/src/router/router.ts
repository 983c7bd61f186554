import {
  type ErrorShapeLike,
  GatewayError,
  gatewayError,
  getMethod,
  type MethodDefinition,
  type MethodName,
  type MethodParams,
  type MethodResult,
  type RequestFrame,
  scopeSatisfies,
  scopesSatisfying,
  validatorFor,
} from '@openclaw/protocol';
import type { Connection, RequestSink } from '../connection/connection.ts';
import type { Caller, Session } from '../connection/transport.ts';
import { toGatewayError } from '../errors/to-gateway-error.ts';
import type { Logger } from '../logging/logger.ts';
import { StoreFailingError, type StoreFailure } from '../store/store-failure.ts';
import type { Idempotency, Outcome } from './idempotency.ts';
import { spendWriteBudget, type WriteLimits } from './write-budget.ts';

/** What a handler knows about its caller. */
export interface RequestContext {
  readonly connId: string;
  readonly session: Session;
  /** The caller's one identity: key idempotency, dedupe and audit records by `caller.id`. */
  readonly caller: Caller;
  readonly remoteIp: string;
  readonly isLoopback: boolean;
  readonly log: Logger;
  /** The connection itself, for handlers that stream to the caller (node invoke progress). */
  readonly conn: Connection;
}

export type Handler<N extends MethodName> = (
  params: MethodParams<N>,
  ctx: RequestContext,
) => Promise<MethodResult<N>> | MethodResult<N>;

/** A handler for every method of the protocol: a method without one does not compile. */
export type HandlerTable = { [N in MethodName]: Handler<N> };

/** Handlers that replace some of the table's (tests, apps). */
export type HandlerOverrides = Partial<HandlerTable>;

/** The handlers of one protocol family, e.g. `FamilyHandlers<typeof chatMethods>`: all of them. */
export type FamilyHandlers<F extends readonly { readonly name: MethodName }[]> = {
  [N in F[number]['name']]: Handler<N>;
};

/** The second answer of a method with a `final` result: given the acceptance, resolves when the work ends. */
export type FinalHandler<N extends MethodName> = (
  accepted: MethodResult<N>,
  ctx: RequestContext,
) => Promise<unknown>;
export type FinalTable = { [N in MethodName]?: FinalHandler<N> };

export interface RouterMetrics {
  onRequest(method: string, outcome: 'ok' | 'error', durationMs: number, errorCode?: string): void;
}

export interface RouterOptions {
  log: Logger;
  idempotency: Idempotency;
  /** Check every result against its schema (tests, development). */
  validateResults: boolean;
  metrics?: RouterMetrics | undefined;
  /** True while draining: new requests are refused with a retryable error. */
  draining: () => boolean;
  /** Set while the store cannot take writes: side-effecting requests are refused before they run. */
  storeFailing?: (() => StoreFailure | undefined) | undefined;
  /** Bounds on side-effecting requests per connection (read on each one: config changes apply live). */
  writeLimits?: (() => WriteLimits) | undefined;
}

interface Route {
  def: MethodDefinition;
  handler: Handler<MethodName>;
  checkParams: (value: unknown) => boolean;
  paramsIssues: (value: unknown) => { path: string; message: string }[];
  dropUnknown: (value: unknown) => { value: unknown; dropped: string[] };
  checkResult: ((value: unknown) => boolean) | undefined;
  final?: FinalHandler<MethodName>;
  checkFinal?: ((value: unknown) => boolean) | undefined;
}

/**
 * The one place requests become handler calls: method lookup, scope/role check, params
 * validation, idempotency, and the conversion of anything thrown into a typed error.
 */
export class Router implements RequestSink {
  readonly #routes = new Map<string, Route>();
  readonly #o: RouterOptions;

  constructor(options: RouterOptions) {
    this.#o = options;
  }

  register(table: HandlerOverrides): void {
    for (const [name, handler] of Object.entries(table)) {
      const def = getMethod(name);
      if (!def) throw new Error(`handler for unknown method ${name}`);
      if (!handler) continue;
      // Each validator compiles on its method's first call, once; never per request after that.
      // Compiling all of them up front would cost start-up time and memory for methods never called.
      const pv = validatorFor(def.params);
      const rv = validatorFor(def.result);
      this.#methodNames = undefined;
      this.#routes.set(name, {
        def,
        handler: handler as Handler<MethodName>,
        checkParams: (v) => pv.check(v),
        paramsIssues: (v) => pv.issues(v, 3),
        dropUnknown: (v) => pv.dropUnknown(v),
        checkResult: this.#o.validateResults ? (v) => rv.check(v) : undefined,
      });
    }
  }

  /** Final answers for methods that answer twice (the route must be registered first). */
  registerFinal(table: FinalTable): void {
    for (const [name, final] of Object.entries(table)) {
      const route = this.#routes.get(name);
      if (!route?.def.final) throw new Error(`${name} has no route with a final result`);
      const fv = validatorFor(route.def.final);
      route.final = final as FinalHandler<MethodName>;
      route.checkFinal = this.#o.validateResults ? (v) => fv.check(v) : undefined;
    }
  }

  #methodNames: string[] | undefined;
  /** method + field pairs already logged as ignored (bounded: clients choose the names). */
  readonly #ignoredLogged = new Set<string>();

  #noteIgnored(method: string, fields: string[]): void {
    for (const field of fields) {
      if (this.#ignoredLogged.size >= MAX_IGNORED_LOGGED) return;
      const key = `${method} ${field}`;
      if (this.#ignoredLogged.has(key)) continue;
      this.#ignoredLogged.add(key);
      this.#o.log.debug({ method, field }, 'ignored a param this gateway does not know');
    }
  }

  /** Methods this gateway serves (hello-ok.features.methods). The same array every time: do not mutate. */
  methods(): string[] {
    this.#methodNames ??= [...this.#routes.keys()];
    return this.#methodNames;
  }

  has(method: string): boolean {
    return this.#routes.has(method);
  }

  /** Handle one request frame of a ready connection; always answers exactly once. */
  dispatch(conn: Connection, frame: RequestFrame): void {
    const started = performance.now();
    const session = conn.session;
    const caller = conn.caller;
    const route = this.#routes.get(frame.method);
    const finish = (error: GatewayError | undefined, payloadJson?: string) => {
      conn.inFlight--;
      const ms = performance.now() - started;
      if (error) {
        this.#o.metrics?.onRequest(frame.method, 'error', ms, error.code);
        conn.respondError(frame.id, error);
      } else {
        this.#o.metrics?.onRequest(frame.method, 'ok', ms);
        conn.respond(frame.id, payloadJson ?? 'null');
      }
    };
    conn.inFlight++;
    if (!route || !session || !caller) {
      finish(
        gatewayError('INVALID_REQUEST', 'METHOD_UNKNOWN', `unknown method: ${frame.method}`, {
          details: { method: frame.method },
        }),
      );
      return;
    }
    if (this.#o.draining()) {
      finish(
        gatewayError('UNAVAILABLE', 'SHUTTING_DOWN', 'gateway is shutting down', {
          retryable: true,
          retryAfterMs: 1000,
        }),
      );
      return;
    }
    const denied = authorize(route.def, session);
    if (denied) {
      finish(denied);
      return;
    }
    let params: unknown = frame.params ?? {};
    if (!route.checkParams(params)) {
      // Forward compatibility: fields this gateway does not know (a newer client's) are dropped
      // and the rest is validated exactly. Only requests that failed the fast check come here.
      const { value, dropped } = route.dropUnknown(params);
      if (dropped.length > 0) {
        this.#noteIgnored(frame.method, dropped);
        params = value;
      }
      if (dropped.length === 0 || !route.checkParams(params)) {
        const issue = route.paramsIssues(params)[0];
        const path = issue?.path ?? '/';
        finish(
          gatewayError(
            'INVALID_REQUEST',
            'PARAMS_INVALID',
            `invalid params for ${frame.method} at ${path}: ${issue?.message ?? 'invalid'}`,
            {
              details: { method: frame.method, path, reason: issue?.message ?? 'invalid' },
            },
          ),
        );
        return;
      }
    }
    if (route.def.sideEffect) {
      const limits = this.#o.writeLimits?.();
      if (limits) {
        const size = messageBytes(params, limits.maxMessageBytes);
        if (size > limits.maxMessageBytes) {
          finish(
            gatewayError(
              'INVALID_REQUEST',
              'MESSAGE_TOO_LARGE',
              `message is ${size} bytes; this gateway takes at most ${limits.maxMessageBytes} (limits.maxMessageBytes)`,
              {
                details: {
                  limit: 'limits.maxMessageBytes',
                  limitBytes: limits.maxMessageBytes,
                  sizeBytes: size,
                },
              },
            ),
          );
          return;
        }
        const refused = spendWriteBudget(conn, limits, started, conn.lastFrameBytes);
        if (refused) {
          finish(
            gatewayError(
              'UNAVAILABLE',
              'RATE_LIMITED',
              `too many side-effecting requests on this connection (${refused.limit}); retry in ${refused.waitMs} ms`,
              {
                retryable: true,
                retryAfterMs: refused.waitMs,
                details: {
                  limit: refused.limit,
                  writesPerSecond: limits.writesPerSecond,
                  writeBytesPerSecond: limits.writeBytesPerSecond,
                },
              },
            ),
          );
          return;
        }
      }
      // Never acknowledge what the store may not have taken.
      const failing = this.#o.storeFailing?.();
      if (failing) {
        finish(toGatewayError(new StoreFailingError(failing), frame.method));
        return;
      }
    }
    const ctx: RequestContext = {
      connId: conn.connId,
      session,
      caller,
      remoteIp: conn.peer.remoteAddress,
      isLoopback: conn.peer.isLoopback,
      log: this.#o.log,
      conn,
    };
    const run = () => this.#invoke(route, params, ctx);
    const key = route.def.sideEffect ? (params as { idempotencyKey?: unknown }).idempotencyKey : undefined;
    const outcome =
      typeof key === 'string'
        ? this.#o.idempotency.run(`${caller.id}|${frame.method}|${key}`, frame.method, run)
        : run();
    outcome.then(
      (o) => {
        if (!o.ok) {
          finish(fromShape(o.error));
          return;
        }
        finish(undefined, o.payloadJson);
        // A retry answered from the idempotency record gets its final answer the same way.
        if (route.final) void this.#final(route, frame.id, o.payloadJson, ctx);
      },
      (error: unknown) => finish(toGatewayError(error, frame.method, this.#o.log)),
    );
  }

  /** The second response of a method that answers twice; outside the in-flight count. */
  async #final(route: Route, id: string, acceptedJson: string, ctx: RequestContext): Promise<void> {
    try {
      const result = await route.final!(JSON.parse(acceptedJson) as never, ctx);
      if (route.checkFinal && !route.checkFinal(result)) {
        this.#o.log.error({ method: route.def.name }, 'final result does not match its schema');
        ctx.conn.respondError(
          id,
          gatewayError('INTERNAL', undefined, `final result of ${route.def.name} does not match its schema`),
        );
        return;
      }
      ctx.conn.respond(id, JSON.stringify(result));
    } catch (error) {
      ctx.conn.respondError(id, toGatewayError(error, route.def.name, this.#o.log));
    }
  }

  async #invoke(route: Route, params: unknown, ctx: RequestContext): Promise<Outcome> {
    try {
      const result = await route.handler(params as never, ctx);
      if (route.checkResult && !route.checkResult(result)) {
        this.#o.log.error({ method: route.def.name }, 'handler result does not match its schema');
        return {
          ok: false,
          error: gatewayError(
            'INTERNAL',
            undefined,
            `result of ${route.def.name} does not match its schema`,
          ).toShape(),
        };
      }
      return { ok: true, payloadJson: JSON.stringify(result ?? null) };
    } catch (error) {
      return { ok: false, error: toGatewayError(error, route.def.name, this.#o.log).toShape() };
    }
  }
}

/** UTF-8 size of `params.message`, counted only when it may exceed `max` (0 when there is none). */
function messageBytes(params: unknown, max: number): number {
  const m = (params as { message?: unknown }).message;
  if (typeof m !== 'string') return 0;
  // A UTF-16 unit is 1 to 3 UTF-8 bytes: most texts are decided without counting.
  if (m.length * 3 <= max) return m.length;
  return Buffer.byteLength(m);
}

/** Distinct ignored fields logged at most; beyond that they are still ignored, silently. */
const MAX_IGNORED_LOGGED = 512;

function fromShape(shape: ErrorShapeLike): GatewayError {
  const init: ConstructorParameters<typeof GatewayError>[0] = {
    code: shape.code as GatewayError['code'],
    message: shape.message,
  };
  if (shape.details && typeof shape.details === 'object')
    init.details = shape.details as Record<string, unknown>;
  if (shape.retryable !== undefined) init.retryable = shape.retryable;
  if (shape.retryAfterMs !== undefined) init.retryAfterMs = shape.retryAfterMs;
  return new GatewayError(init);
}

/** FORBIDDEN with MISSING_SCOPE / ROLE_REQUIRED details, or undefined when allowed. */
export function authorize(def: MethodDefinition, session: Session): GatewayError | undefined {
  if (def.scope === 'node') {
    if (session.role === 'node') return undefined;
    return gatewayError('FORBIDDEN', 'ROLE_REQUIRED', `${def.name} is only for nodes`, {
      details: { requiredRole: 'node', method: def.name },
    });
  }
  if (session.role !== 'operator') {
    return gatewayError('FORBIDDEN', 'ROLE_REQUIRED', `${def.name} is only for operators`, {
      details: { requiredRole: 'operator', method: def.name },
    });
  }
  if (scopeSatisfies(session.scopes, def.scope)) return undefined;
  const required = scopesSatisfying(def.scope);
  return gatewayError('FORBIDDEN', 'MISSING_SCOPE', `missing scope: ${def.scope}`, {
    details: { missingScope: def.scope, requiredScopes: required },
  });
}
