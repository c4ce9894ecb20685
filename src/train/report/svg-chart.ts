/** A line chart as plain SVG text: no script, no fonts or styles from outside, so a report stays
 *  one self-contained file. Each series is one <polyline> (one vertex per finite point, marked
 *  `data-series`) and, when it has few points, a dot per point. */

export interface Series { name: string; points: [x: number, y: number][] }

export interface ChartOptions {
  title: string;
  xLabel: string;
  /** Formats a y value for the axis ticks (e.g. as a percentage). */
  yFormat?: (y: number) => string;
  /** A logarithmic y axis (learning rates); non-positive values are then left out. */
  logY?: boolean;
}

const WIDTH = 560, HEIGHT = 280;
const PLOT = { left: 64, right: 150, top: 28, bottom: 40 };
/** Colour-blind-safe palette (Okabe and Ito, 2008). */
export const COLOURS = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];
const DOTS_UP_TO = 60;

export const escapeXml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Round tick values spanning [lo, hi]: 1, 2 or 5 times a power of ten apart. */
function ticks(lo: number, hi: number, count = 5): number[] {
  if (hi === lo) return [lo];
  const raw = (hi - lo) / count, mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

/** Ticks of a log axis spanning [10^lo, 10^hi]: powers of ten (thinned over many decades) where at
 *  least two fall inside, else the first of 1-2-5, 1-2-3-5 or 1, 1.5, 2, 3, ..., 9 times them to
 *  give three; a span too narrow for those (perplexities 117 to 121) gets round linear steps. */
function logTicks(lo: number, hi: number): number[] {
  const decades = ticks(Math.floor(lo), Math.ceil(hi), 4).filter((e) => Number.isInteger(e) && e >= lo && e <= hi).map((e) => 10 ** e);
  if (decades.length >= 2) return decades;
  for (const mantissas of [[1, 2, 5], [1, 2, 3, 5], [1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    const out: number[] = [];
    for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
      for (const m of mantissas) {
        const t = Number((m * 10 ** e).toPrecision(12)), l = Math.log10(t);
        if (l >= lo - 1e-9 && l <= hi + 1e-9) out.push(t);
      }
    }
    if (out.length >= 3) return out;
  }
  const round = (e: number) => Number((10 ** e).toPrecision(12)); // 10 ** log10(117) is 117.00000000000001
  return ticks(round(lo), round(hi), 4);
}

const shortNumber = (v: number): string => (Math.abs(v) >= 1e6 ? `${Number((v / 1e6).toPrecision(3))}M` : Math.abs(v) >= 1e4 ? `${Number((v / 1e3).toPrecision(3))}k`
  : v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(0) : String(Number(v.toPrecision(4))));

/** The chart of `series` (at least one point overall, else a box saying there is nothing to draw). */
export function lineChart(series: Series[], opts: ChartOptions): string {
  const usable = (y: number) => Number.isFinite(y) && (!opts.logY || y > 0);
  const kept = series.map((s) => ({ name: s.name, points: s.points.filter(([x, y]) => Number.isFinite(x) && usable(y)), dropped: 0 }));
  kept.forEach((s, i) => { s.dropped = series[i]!.points.length - s.points.length; });
  const all = kept.flatMap((s) => s.points);
  const head = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeXml(opts.title)}">`
    + `<text x="${PLOT.left}" y="18" font-size="14" font-weight="bold">${escapeXml(opts.title)}</text>`;
  if (!all.length) return `${head}<text x="${PLOT.left}" y="${HEIGHT / 2}" font-size="12">no values to draw</text></svg>`;

  const fy = opts.logY ? Math.log10 : (y: number) => y;
  const xs = all.map((p) => p[0]), ys = all.map((p) => fy(p[1]));
  let [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  if (x0 === x1) { x0 -= 0.5; x1 += 0.5; }
  if (y0 === y1) { y0 -= 0.5; y1 += 0.5; }
  if (!opts.logY && y0 > 0 && y0 < (y1 - y0) * 0.5) y0 = 0; // start at zero when it is close
  const w = WIDTH - PLOT.left - PLOT.right, h = HEIGHT - PLOT.top - PLOT.bottom;
  const px = (x: number) => PLOT.left + ((x - x0) / (x1 - x0)) * w;
  const py = (y: number) => PLOT.top + h - ((fy(y) - y0) / (y1 - y0)) * h;
  const r = (v: number) => v.toFixed(1);
  const yFormat = opts.yFormat ?? shortNumber;

  const parts: string[] = [head];
  parts.push(`<rect x="${PLOT.left}" y="${PLOT.top}" width="${w}" height="${h}" fill="none" stroke="#999"/>`);
  const yTicks = opts.logY ? logTicks(y0, y1) : ticks(y0, y1);
  for (const t of yTicks) {
    parts.push(`<line x1="${PLOT.left}" x2="${PLOT.left + w}" y1="${r(py(t))}" y2="${r(py(t))}" stroke="#eee"/>`
      + `<text x="${PLOT.left - 6}" y="${r(py(t) + 4)}" font-size="11" text-anchor="end">${escapeXml(yFormat(t))}</text>`);
  }
  for (const t of ticks(x0, x1)) {
    parts.push(`<text x="${r(px(t))}" y="${PLOT.top + h + 16}" font-size="11" text-anchor="middle">${escapeXml(shortNumber(t))}</text>`);
  }
  parts.push(`<text x="${PLOT.left + w / 2}" y="${HEIGHT - 6}" font-size="12" text-anchor="middle">${escapeXml(opts.xLabel)}</text>`);
  kept.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const pts = s.points.map(([x, y]) => `${r(px(x))},${r(py(y))}`).join(' ');
    parts.push(`<polyline data-series="${escapeXml(s.name)}" points="${pts}" fill="none" stroke="${colour}" stroke-width="1.8"/>`);
    if (s.points.length <= DOTS_UP_TO) for (const [x, y] of s.points) parts.push(`<circle cx="${r(px(x))}" cy="${r(py(y))}" r="2.5" fill="${colour}"/>`);
    const ly = PLOT.top + 10 + i * 16, note = s.dropped ? ` (${s.dropped} left out: not finite${opts.logY ? ' or ≤ 0' : ''})` : '';
    parts.push(`<line x1="${WIDTH - PLOT.right + 10}" x2="${WIDTH - PLOT.right + 26}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2"/>`
      + `<text x="${WIDTH - PLOT.right + 30}" y="${ly + 4}" font-size="11">${escapeXml(s.name + note)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
