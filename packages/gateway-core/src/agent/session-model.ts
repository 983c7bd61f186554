import { gatewayError } from '@openclaw/protocol';
import type { KvRepo } from '../store/types.ts';
import { parseModelRef } from './model-registry.ts';

/** Where a session's own model (`sessions.patch {model}`) is kept in the store's key-value table. */
export const SESSION_MODEL_KV_PREFIX = 'session-model:';

/** Set (or with null clear) the model a session answers with; the name must be `provider/model`. */
export async function setSessionModel(kv: KvRepo, sessionKey: string, model: string | null): Promise<void> {
  const key = `${SESSION_MODEL_KV_PREFIX}${sessionKey}`;
  if (model === null) {
    await kv.delete(key);
    return;
  }
  if (!parseModelRef(model))
    throw gatewayError(
      'INVALID_REQUEST',
      'PARAMS_INVALID',
      `"${model}" is not a model name (provider/model)`,
      {
        details: { path: '/model', reason: 'format' },
      },
    );
  await kv.set(key, model);
}

export function sessionModel(kv: KvRepo, sessionKey: string): Promise<string | undefined> {
  return kv.get<string>(`${SESSION_MODEL_KV_PREFIX}${sessionKey}`);
}
