import { CoreError } from '../errors/core-error.ts';

/** Why the store cannot be trusted with a write right now. */
export type StoreFailureKind = 'corrupt' | 'io' | 'full' | 'readonly';

export interface StoreFailure {
  kind: StoreFailureKind;
  /** What the backend said, e.g. `disk I/O error (SQLITE_IOERR_WRITE)`. */
  reason: string;
}

/**
 * Thrown in place of a store error that means the store itself is failing (not the request):
 * a damaged file, an I/O error, a full disk. The router answers it as retryable UNAVAILABLE, so a
 * client is never told that something was stored when it was not.
 */
export class StoreFailingError extends CoreError<'STORE_FAILING'> {
  override name = 'StoreFailingError';
  readonly failure: StoreFailure;
  constructor(failure: StoreFailure, cause?: unknown) {
    super('STORE_FAILING', `the store is failing: ${failure.reason}`, {
      details: { kind: failure.kind, reason: failure.reason },
      cause,
    });
    this.failure = failure;
  }
}

/**
 * Thrown by a shared store for any call while its backend is unreachable (Redis down): callers are
 * refused at once instead of hanging, and the router answers it as retryable UNAVAILABLE.
 */
export class StoreUnavailableError extends CoreError<'STORE_UNAVAILABLE'> {
  override name = 'StoreUnavailableError';
  constructor(message: string, cause?: unknown) {
    super('STORE_UNAVAILABLE', message, { cause });
  }
}

// SQLite primary result codes (the low byte of an extended code); node:sqlite reports the
// extended code in `errcode`.
const SQLITE: Record<number, { kind: StoreFailureKind; name: string }> = {
  8: { kind: 'readonly', name: 'SQLITE_READONLY' },
  10: { kind: 'io', name: 'SQLITE_IOERR' },
  11: { kind: 'corrupt', name: 'SQLITE_CORRUPT' },
  13: { kind: 'full', name: 'SQLITE_FULL' },
  14: { kind: 'io', name: 'SQLITE_CANTOPEN' },
  26: { kind: 'corrupt', name: 'SQLITE_NOTADB' },
};

// Extended codes worth naming; the rest are reported with their primary name and number.
const EXTENDED: Record<number, string> = {
  266: 'SQLITE_IOERR_READ',
  522: 'SQLITE_IOERR_SHORT_READ',
  778: 'SQLITE_IOERR_WRITE',
  1034: 'SQLITE_IOERR_FSYNC',
  1546: 'SQLITE_IOERR_TRUNCATE',
  267: 'SQLITE_CORRUPT_VTAB',
  779: 'SQLITE_CORRUPT_INDEX',
};

// Raw file-system errors (a store that writes files itself).
const ERRNO: Record<string, StoreFailureKind> = {
  ENOSPC: 'full',
  EDQUOT: 'full',
  EFBIG: 'full',
  EIO: 'io',
  EROFS: 'readonly',
};

/**
 * The store failure an error stands for, or undefined when it is an ordinary error (a constraint,
 * a bug, a busy database: none of them says the store cannot take writes).
 */
export function classifyStoreError(error: unknown): StoreFailure | undefined {
  if (error instanceof StoreFailingError) return error.failure;
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; errcode?: unknown; errstr?: unknown; message?: unknown };
  if (e.code === 'ERR_SQLITE_ERROR' && typeof e.errcode === 'number') {
    const primary = SQLITE[e.errcode & 0xff];
    if (!primary) return undefined;
    const name = EXTENDED[e.errcode] ?? (e.errcode > 0xff ? `${primary.name}:${e.errcode}` : primary.name);
    const text = typeof e.errstr === 'string' ? e.errstr : String(e.message);
    return { kind: primary.kind, reason: `${text} (${name})` };
  }
  if (typeof e.code === 'string' && ERRNO[e.code]) {
    return { kind: ERRNO[e.code]!, reason: `${String(e.message)} (${e.code})` };
  }
  return undefined;
}
