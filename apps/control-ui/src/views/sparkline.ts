import { html, svg, type TemplateResult } from 'lit';
import { sparkline } from '../state/health-history.ts';

const W = 160;
const H = 40;

/**
 * A small line chart of recent values, labelled for screen readers with the range it shows
 * (`label`: "Event loop p99 over the last 3 minutes: 1.2 to 4.8 ms"). Until two values exist it
 * says it is collecting.
 */
export function sparklineSvg(
  values: readonly number[],
  options: { label: (min: number, max: number) => string; testId: string },
): TemplateResult {
  const line = sparkline(values, W, H, 3);
  if (!line.points) {
    return html`<p class="spark-empty muted small" data-testid=${options.testId} data-points="0">Collecting samples…</p>`;
  }
  const area = `3,${H - 3} ${line.points} ${W - 3},${H - 3}`;
  return html`<svg class="spark" viewBox="0 0 ${W} ${H}" preserveAspectRatio="none" role="img"
    aria-label=${options.label(line.min, line.max)} data-testid=${options.testId}
    data-points=${values.length}>${svg`<polygon class="spark-area" points=${area}></polygon><polyline class="spark-line" points=${line.points}></polyline>`}</svg>`;
}
