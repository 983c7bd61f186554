import type { Clock } from '../util/clock.ts';
import { StoreFailingError, type StoreFailure } from './store-failure.ts';
import type { Store } from './types.ts';

/**
 * The check that clears a failing store: a real write and read back; after damage, a fresh
 * integrity check as well. Runs on the store itself, not the observed wrapper.
 */
export function storeProbe(store: Store, clock: Clock): (failure: StoreFailure) => Promise<void> {
  return async (failure) => {
    const at = clock.now();
    await store.kv.set('store.probe', { at });
    if ((await store.kv.get<{ at: number }>('store.probe'))?.at !== at)
      throw new Error('the store probe did not read back what it wrote');
    if (failure.kind === 'corrupt' && store.verify) {
      const problems = await store.verify();
      if (problems.length) throw new StoreFailingError({ kind: 'corrupt', reason: problems[0]! });
    }
  };
}
