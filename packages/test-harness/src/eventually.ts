/** What a truthy check leaves of `T`. */
export type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/**
 * Poll `fn` until it returns something truthy, and return that. A throw counts as "not yet" (a
 * gateway that is restarting refuses requests for a while); the timeout's error names what was
 * awaited and the last throw.
 */
export async function eventually<T>(
  fn: () => T | Promise<T>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<Truthy<T>> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as Truthy<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > end) {
      const cause = last instanceof Error ? ` (last error: ${last.message})` : '';
      throw new Error(`timed out waiting for ${what}${cause}`, { cause: last });
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
