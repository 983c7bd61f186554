import stringWidth from 'string-width';
import { plain, type Style } from './style.ts';

export type Cell = string | number | undefined | null;

/** Pad to a display width: CJK and emoji take two columns, colour codes none. */
export function padEnd(text: string, width: number): string {
  const w = stringWidth(text);
  return w >= width ? text : text + ' '.repeat(width - w);
}

/**
 * An aligned table: columns sized by display width (not string length), two spaces apart,
 * headers dimmed when the stream takes colour. Cells may already carry colour.
 */
export function table(headers: string[], rows: Cell[][], style: Style = plain): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === undefined || c === null ? '' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => stringWidth(r[i] ?? ''))));
  return cells
    .map((r, rowIndex) => {
      const line = r
        .map((c, i) => (i === r.length - 1 ? c : padEnd(c, widths[i] ?? 0)))
        .join('  ')
        .trimEnd();
      return rowIndex === 0 ? style('dim', line) : line;
    })
    .join('\n');
}
