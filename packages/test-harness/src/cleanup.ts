/** Teardown steps a test registers as it starts things (close a fake, stop a process, remove a dir). */
export type CleanupList = (() => Promise<unknown>)[];

/**
 * Run and empty `cleanup`, newest first, each one awaited before the next (an operator closes
 * before its gateway stops, a gateway stops before its state dir goes). A failing step does not
 * keep the rest from running: after a test, a part that already went away is no error.
 */
export async function runCleanup(cleanup: CleanupList): Promise<void> {
  for (const f of cleanup.splice(0).reverse()) await f().catch(() => {});
}
