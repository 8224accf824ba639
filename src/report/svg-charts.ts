import { esc } from './html-format.js';

/**
 * The report's summary charts as inline SVG: no script, no external asset, so the HTML
 * file stays self-contained and the charts print. Every bar carries its number as a text
 * label, so a black-and-white printout still reads without the colours.
 */

export interface ChartBar {
  label: string;
  value: number;
  /** Fill colour; the default is the report's accent blue. */
  color?: string;
}

export interface StackedRow {
  label: string;
  segments: ChartBar[];
}

const ACCENT = '#2f6fb2';
const LABEL_W = 150;
const BAR_W = 200;
const VALUE_W = 60;
const ROW_H = 30;
const BAR_H = 18;
const WIDTH = LABEL_W + BAR_W + VALUE_W;
/** Room after a stacked bar for "5 (4 authorised, 1 unauthorised)". */
const STACK_TEXT_W = 190;
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="13"';

function frame(
  id: string,
  title: string,
  summary: string,
  width: number,
  height: number,
  body: string,
): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="${esc(id)}" role="img" ` +
    `aria-label="${esc(`${title}: ${summary}`)}" ` +
    `viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ${FONT}>` +
    `<title>${esc(title)}</title><desc>${esc(summary)}</desc>\n${body}</svg>`
  );
}

function summaryOf(bars: ChartBar[]): string {
  return bars.length === 0 ? 'no data' : bars.map((b) => `${b.label} ${b.value}`).join(', ');
}

function rowLabel(y: number, label: string): string {
  return `<text x="${LABEL_W - 8}" y="${y + BAR_H / 2}" text-anchor="end" dominant-baseline="central" fill="#222">${esc(label)}</text>`;
}

/** One horizontal bar per entry, scaled to the largest value, the value printed after it. */
export function barChart(id: string, title: string, bars: ChartBar[]): string {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const height = Math.max(1, bars.length) * ROW_H + 8;
  const rows = bars.map((b, i) => {
    const y = 8 + i * ROW_H;
    const w = b.value > 0 ? Math.max(2, Math.round((b.value / max) * BAR_W)) : 0;
    return (
      `<g data-bar="${esc(b.label)}">${rowLabel(y, b.label)}` +
      `<rect x="${LABEL_W}" y="${y}" width="${w}" height="${BAR_H}" rx="2" fill="${esc(b.color ?? ACCENT)}"/>` +
      `<text x="${LABEL_W + w + 6}" y="${y + BAR_H / 2}" dominant-baseline="central" font-weight="600" fill="#222">${b.value}</text></g>`
    );
  });
  const empty =
    bars.length === 0
      ? `<text x="${WIDTH / 2}" y="20" text-anchor="middle" fill="#666">No data</text>`
      : '';
  return frame(id, title, summaryOf(bars), WIDTH, height, rows.join('\n') + empty);
}

/**
 * One horizontal bar per row split into coloured segments (e.g. authorised / unauthorised
 * deployments). After the bar, the row total and each segment's count in words, so the
 * numbers read without the colours; a one-line colour key below.
 */
export function stackedBarChart(id: string, title: string, rows: StackedRow[]): string {
  const width = WIDTH + STACK_TEXT_W;
  const totals = rows.map((r) => r.segments.reduce((s, b) => s + b.value, 0));
  const max = Math.max(1, ...totals);
  const lines = rows.map((r, i) => {
    const y = 8 + i * ROW_H;
    let x = LABEL_W;
    const segs = r.segments.map((s) => {
      const w = s.value > 0 ? Math.max(2, Math.round((s.value / max) * BAR_W)) : 0;
      const rect = `<rect x="${x}" y="${y}" width="${w}" height="${BAR_H}" fill="${esc(s.color ?? ACCENT)}"/>`;
      x += w;
      return rect;
    });
    const detail = r.segments.map((s) => `${s.value} ${s.label}`).join(', ');
    const text =
      `<text x="${x + 6}" y="${y + BAR_H / 2}" dominant-baseline="central" fill="#222">` +
      `<tspan font-weight="600">${totals[i]}</tspan> (${esc(detail)})</text>`;
    return `<g data-row="${esc(r.label)}">${rowLabel(y, r.label)}${segs.join('')}${text}</g>`;
  });
  const keys = new Map<string, string>();
  for (const s of rows.flatMap((r) => r.segments)) {
    if (!keys.has(s.label)) keys.set(s.label, s.color ?? ACCENT);
  }
  const legendY = 8 + rows.length * ROW_H + 12;
  let lx = LABEL_W;
  const legend = [...keys].map(([label, color]) => {
    const item =
      `<rect x="${lx}" y="${legendY - 10}" width="12" height="12" fill="${esc(color)}"/>` +
      `<text x="${lx + 18}" y="${legendY}" fill="#222">${esc(label)}</text>`;
    lx += 18 + label.length * 8 + 16;
    return item;
  });
  const summary = rows
    .map((r) => `${r.label}: ${r.segments.map((s) => `${s.label} ${s.value}`).join(', ')}`)
    .join('; ');
  const body = lines.join('\n') + legend.join('');
  return frame(id, title, summary || 'no data', width, legendY + 8, body);
}
