/** The signals that stop the daemon (SIGUSR2: a supervisor will start it again). */
export const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGUSR2'] as const;

export interface StopSignals {
  /** From now on a stop signal calls `onStop`; one that came before is passed on now. */
  arm(onStop: (signal: NodeJS.Signals) => void): void;
  /** Stop listening (a start that failed): Node's default applies again. */
  release(): void;
}

/**
 * Listen for stop signals from before the gateway starts: one that comes while it starts (it
 * already listens, and says so, before the start finishes) is held and acted on once the start
 * is done, instead of Node's default of dying on the spot with clients never told.
 *
 * One listener per signal serves both phases. Swapping a "hold" listener for a "stop" one would
 * lose a signal the kernel delivered just before the swap: libuv queues it for the watcher that
 * was listening then, and drops it when that watcher is closed (a gateway told to stop then ran
 * on, unstopped). The first stop signal removes the listener, so a second one ends the process
 * at once (Node's default).
 */
export function holdStopSignals(): StopSignals {
  let early: NodeJS.Signals | undefined;
  let onStop: ((signal: NodeJS.Signals) => void) | undefined;
  const release = () => {
    for (const s of STOP_SIGNALS) process.off(s, listener);
  };
  const listener = (signal: NodeJS.Signals) => {
    if (!onStop) {
      early ??= signal;
      return;
    }
    release();
    onStop(signal);
  };
  for (const s of STOP_SIGNALS) process.on(s, listener);
  return {
    arm(stop) {
      onStop = stop;
      if (early) listener(early);
    },
    release,
  };
}
