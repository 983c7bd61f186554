import type { MemoryHealth } from '@openclaw/protocol';

/** The process's memory now, for the health summary (a few microseconds; no heap walk). */
export function processMemory(): MemoryHealth {
  const m = process.memoryUsage();
  return { rssBytes: m.rss, heapUsedBytes: m.heapUsed, heapTotalBytes: m.heapTotal };
}
