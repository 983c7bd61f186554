/** Printing: JSON for scripts, aligned tables and short lines for people. */
export interface Output {
  json: boolean;
  /** One result: JSON when --json, else a human rendering. */
  result(value: unknown, human: () => string | string[]): void;
  line(text: string): void;
  error(text: string): void;
}

export function createOutput(json: boolean, stdout = process.stdout, stderr = process.stderr): Output {
  return {
    json,
    result(value, human) {
      if (json) stdout.write(`${JSON.stringify(value, null, 2)}\n`);
      else {
        const h = human();
        stdout.write(`${Array.isArray(h) ? h.join('\n') : h}\n`);
      }
    },
    line(text) {
      stdout.write(`${text}\n`);
    },
    error(text) {
      stderr.write(`${text}\n`);
    },
  };
}

/** A plain aligned table. */
export function table(headers: string[], rows: (string | number | undefined | null)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === undefined || c === null ? '' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : (c ?? '').padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** "3m ago", "2h ago". */
export function ago(ms: number | undefined | null, now = Date.now()): string {
  if (ms === undefined || ms === null) return '-';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
}

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}
