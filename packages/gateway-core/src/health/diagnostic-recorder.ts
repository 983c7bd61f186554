import type {
  DiagnosticRecord,
  DiagnosticsStabilityParams,
  DiagnosticsStabilityResult,
  ProcessMemory,
} from '@openclaw/protocol';
import type { Clock } from '../util/clock.ts';

/** Records kept; the reference's recorder keeps as many. */
export const DIAGNOSTIC_CAPACITY = 1000;
const DEFAULT_LIMIT = 50;

/** A record as a producer gives it: the recorder numbers and stamps it. */
export type DiagnosticInput = Omit<DiagnosticRecord, 'seq' | 'ts'>;

/** The process's memory now, in the reference's field names (a few microseconds; no heap walk). */
export function processMemoryNow(): ProcessMemory {
  const m = process.memoryUsage();
  return {
    rssBytes: m.rss,
    heapUsedBytes: m.heapUsed,
    heapTotalBytes: m.heapTotal,
    externalBytes: m.external,
    arrayBuffersBytes: m.arrayBuffers,
  };
}

/**
 * A bounded ring of what happened in this process (`diagnostics.stability`): counts, durations,
 * channel and agent names; never message text, chat or message ids. Recording is an array write,
 * so producers on the message path can call it freely.
 */
export class DiagnosticRecorder {
  readonly #clock: Clock;
  readonly #ring: (DiagnosticRecord | undefined)[];
  #next = 0;
  #size = 0;
  #seq = 0;
  #dropped = 0;

  constructor(clock: Clock, capacity = DIAGNOSTIC_CAPACITY) {
    this.#clock = clock;
    this.#ring = new Array(capacity);
  }

  get capacity(): number {
    return this.#ring.length;
  }

  record(input: DiagnosticInput): void {
    const r = { seq: ++this.#seq, ts: this.#clock.now(), ...input } as DiagnosticRecord;
    this.#ring[this.#next] = r;
    this.#next = (this.#next + 1) % this.#ring.length;
    if (this.#size < this.#ring.length) this.#size++;
    else this.#dropped++;
  }

  snapshot(query: DiagnosticsStabilityParams = {}): DiagnosticsStabilityResult {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const matching: DiagnosticRecord[] = [];
    const start = this.#size < this.#ring.length ? 0 : this.#next;
    for (let i = 0; i < this.#size; i++) {
      const r = this.#ring[(start + i) % this.#ring.length]!;
      if (query.type !== undefined && r.type !== query.type) continue;
      if (query.sinceSeq !== undefined && r.seq <= query.sinceSeq) continue;
      matching.push(r);
    }
    const out: DiagnosticsStabilityResult = {
      generatedAt: new Date(this.#clock.now()).toISOString(),
      capacity: this.#ring.length,
      count: matching.length,
      dropped: this.#dropped,
      events: matching.slice(Math.max(0, matching.length - limit)),
      summary: summarize(matching),
    };
    if (matching.length) {
      out.firstSeq = matching[0]!.seq;
      out.lastSeq = matching.at(-1)!.seq;
    }
    return out;
  }
}

function summarize(records: DiagnosticRecord[]): DiagnosticsStabilityResult['summary'] {
  const byType: Record<string, number> = {};
  let latest: ProcessMemory | undefined;
  let maxRssBytes = 0;
  let maxHeapUsedBytes = 0;
  for (const r of records) {
    byType[r.type] = (byType[r.type] ?? 0) + 1;
    if (!r.memory) continue;
    latest = r.memory;
    maxRssBytes = Math.max(maxRssBytes, r.memory.rssBytes);
    maxHeapUsedBytes = Math.max(maxHeapUsedBytes, r.memory.heapUsedBytes);
  }
  return latest
    ? { byType, memory: { latest, maxRssBytes, maxHeapUsedBytes, pressureCount: 0 } }
    : { byType };
}
