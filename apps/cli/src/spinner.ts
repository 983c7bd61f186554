/** A spinner with elapsed time, on stderr and only on a terminal (never in pipes or --json output). */
export function startSpinner(
  text: string,
  stream: NodeJS.WriteStream = process.stderr,
): { stop(): void; update(t: string): void } {
  if (!stream.isTTY) return { stop() {}, update() {} };
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  const started = Date.now();
  let i = 0;
  let label = text;
  // Only show up when the wait is noticeable.
  const timer = setInterval(() => {
    const s = ((Date.now() - started) / 1000).toFixed(1);
    stream.write(`\r${frames[i++ % frames.length]} ${label} (${s} s)\u001b[K`);
  }, 100);
  timer.unref();
  return {
    update(t) {
      label = t;
    },
    stop() {
      clearInterval(timer);
      if (i > 0) stream.write('\r\u001b[K');
    },
  };
}
