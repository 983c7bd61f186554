/**
 * Whether a promise has settled (resolved or rejected) once the microtasks queued so far, and
 * callbacks already queued with setImmediate, have run: for tests that check something is still
 * waiting.
 */
export async function settledYet(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await new Promise((r) => setImmediate(r));
  return done;
}
