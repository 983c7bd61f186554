/** One node command: params in (parsed JSON), a JSON-able result out, or a thrown CommandRefused. */
export type CommandHandler = (
  params: unknown,
  context: { signal: AbortSignal; timeoutMs: number | undefined },
) => Promise<unknown>;
