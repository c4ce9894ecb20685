import type { ModelSummary } from '../summary.js';
import type { RunData } from './read-run.js';
import { escapeXml as esc, lineChart, type Series } from './svg-chart.js';

/** The report of one or more runs as one HTML file that needs nothing else at view time: inline
 *  CSS, plain SVG charts (no script), every run's series on the same charts. */
export function renderReport(runs: RunData[], generated = new Date()): string {
  const named = distinctNames(runs);
  const several = runs.length > 1;
  const label = (i: number, what: string) => (several ? `${named[i]} ${what}` : what);
  const charts: string[] = [];
  if (runs.some((r) => r.intervals.length)) {
    charts.push(lineChart(runs.map((r, i) => ({ name: label(i, 'train loss'), points: r.intervals.map((s) => [s.epoch - 1 + s.step / s.steps, s.loss]) })),
      { title: 'Training loss per logging interval', xLabel: 'epoch' }));
  }
  charts.push(lineChart(runs.map((r, i) => ({ name: label(i, 'train loss'), points: r.epochs.map((m) => [m.epoch, m.trainLoss]) })),
    { title: 'Training loss per epoch', xLabel: 'epoch' }));
  charts.push(lineChart(runs.flatMap((r, i): Series[] => [
    { name: label(i, 'train error'), points: r.epochs.map((m) => [m.epoch, m.trainError]) },
    { name: label(i, 'validation error'), points: r.epochs.map((m) => [m.epoch, m.valError]) },
  ]), { title: 'Error per epoch', xLabel: 'epoch', yFormat: percent }));
  charts.push(lineChart(runs.map((r, i) => ({ name: label(i, 'lr'), points: r.epochs.map((m) => [m.epoch, m.lr]) })),
    { title: 'Learning rate', xLabel: 'epoch', logY: true }));
  charts.push(lineChart(runs.map((r, i) => ({ name: label(i, 'samples/s'), points: r.epochs.map((m) => [m.epoch, m.samplesPerSec]) })),
    { title: 'Training speed (samples/s)', xLabel: 'epoch' }));
  const title = several ? `lowbit: ${runs.length} runs` : `lowbit run ${named[0]}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1180px; padding: 0 16px; color: #222; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 28px; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; } .charts svg { border: 1px solid #ddd; background: #fff; max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: 8px 0 16px; } td, th { border: 1px solid #ddd; padding: 3px 8px; text-align: right; }
td:first-child, th:first-child { text-align: left; } th { background: #f4f4f4; } code { font-size: 13px; }
.meta td { text-align: left; }
</style></head><body>
<h1>${esc(title)}</h1>
<p>Generated ${esc(generated.toISOString())} by <code>lowbit report</code>. Each chart point is one epoch (or one logging interval) read from the run folders.</p>
<section class="charts">${charts.join('\n')}</section>
${runs.map((r, i) => runSection(r, named[i]!)).join('\n')}
</body></html>
`;
}

/** Folder names, or their paths where two runs share a name. */
function distinctNames(runs: RunData[]): string[] {
  return runs.map((r) => (runs.filter((o) => o.name === r.name).length > 1 ? r.dir : r.name));
}

const percent = (f: number) => `${(f * 100).toFixed(2)}%`;
const bytes = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} kB` : `${n} B`);
const count = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : String(n));
const row = (cells: string[], th = false) => `<tr>${cells.map((c) => (th ? `<th>${c}</th>` : `<td>${c}</td>`)).join('')}</tr>`;

function runSection(run: RunData, name: string): string {
  const r = run.result, last = run.epochs[run.epochs.length - 1];
  const facts: [string, string | undefined][] = [
    ['folder', esc(run.dir)],
    ['command', r?.command && `<code>${esc(r.command)}</code>`],
    ['commit', r?.commit && `<code>${esc(r.commit)}</code>`],
    ['date', r?.date && esc(r.date)],
    ['machine', r?.machine && esc(`${r.machine}; Node ${r.node ?? '?'}; backend ${r.backend ?? '?'}`)],
    ['model', r?.model && `<code>${esc(JSON.stringify(r.model))}</code>`],
    ['training', r?.train && `<code>${esc(JSON.stringify(r.train))}</code>`],
    ['epochs', `${run.epochs.length}${r?.epochs !== undefined && r.epochs !== run.epochs.length ? ` of ${r.epochs}` : ''}`],
    ['best validation error', r?.bestValError !== undefined ? `${percent(r.bestValError)} (epoch ${r.bestEpoch})` : undefined],
    ['test error (best-validation weights)', r?.testError !== undefined ? `<b>${percent(r.testError)}</b>` : 'not yet: result.json is written when the run ends'],
    ['last epoch', last && `train loss ${last.trainLoss.toFixed(4)}, train error ${percent(last.trainError)}, validation error ${percent(last.valError)}, ${last.samplesPerSec.toFixed(0)} samples/s`],
    ['wall time', r?.wallSeconds !== undefined ? `${r.wallSeconds.toFixed(0)} s` : undefined],
  ];
  return `<h2>${esc(name)}</h2>
<table class="meta">${facts.filter(([, v]) => v !== undefined).map(([k, v]) => row([esc(k), v!])).join('')}</table>
${run.summary ? summaryTable(run.summary) : '<p>No best.ckpt in this folder: no model summary.</p>'}
${run.bench ? benchTable(run) : ''}`;
}

function summaryTable(s: ModelSummary): string {
  const head = row(['layer', 'input bits', 'weight bits', 'parameters', 'packed', 'float32', 'binary MACs', 'multi-bit MACs'], true);
  const body = s.layers.map((l) => row([esc(l.layer), String(l.inputBits), String(l.weightBits), count(l.params), bytes(l.packedBytes), bytes(l.float32Bytes), count(l.binaryMacs), count(l.otherMacs)]));
  const t = s.total;
  const total = row(['<b>total</b>', '', '', count(t.params), bytes(t.packedBytes), bytes(t.float32Bytes), count(t.binaryMacs), count(t.otherMacs)]);
  return `<h3>Model (best.ckpt): ${count(t.binaryWeights)} binary weights, ${bytes(t.packedBytes)} packed vs ${bytes(t.float32Bytes)} float32 (${(t.float32Bytes / t.packedBytes).toFixed(1)}x)</h3>
<table>${head}${body.join('')}${total}</table>`;
}

function benchTable(run: RunData): string {
  const b = run.bench!;
  const rows = b.results.map((x) => row([String(x.threads), `${(x.batch1Ms * 1000).toFixed(0)} µs`, `${x.batch100ImagesPerSec.toFixed(0)} images/s`]));
  return `<h3>Packed inference speed (bench.json: ${esc(b.model ?? '?')}, backend ${esc(b.backend ?? '?')}, ${esc(b.inputs ?? '?')})</h3>
<table>${row(['threads', 'batch-1 latency', 'batch-100 throughput'], true)}${rows.join('')}</table>`;
}
