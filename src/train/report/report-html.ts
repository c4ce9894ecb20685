import type { ModelSummary } from '../summary.js';
import type { ImageRunData, LmRunData, RunData } from './read-run.js';
import { ReportError } from './report-error.js';
import { escapeXml as esc, lineChart, type Series } from './svg-chart.js';

/** The report of one or more runs as one HTML file that needs nothing else at view time: inline
 *  CSS, plain SVG charts (no script), every run's series on the same charts. */
export function renderReport(runs: RunData[], generated = new Date()): string {
  const named = distinctNames(runs);
  const several = runs.length > 1;
  const label = (i: number, what: string) => (several ? `${named[i]} ${what}` : what);
  const images = runs.filter((r): r is ImageRunData => r.kind === 'image'), lms = runs.filter((r): r is LmRunData => r.kind === 'language-model');
  if (images.length && lms.length) {
    const list = (rs: RunData[]) => rs.map((r) => r.dir).join(', ');
    throw new ReportError(`report: image and language-model runs do not share charts (error vs perplexity): ${list(images)} `
      + `${images.length > 1 ? 'are image runs' : 'is an image run'}, ${list(lms)} ${lms.length > 1 ? 'are language-model runs' : 'is a language-model run'}. Make one report per kind.`);
  }
  const charts = lms.length ? lmCharts(lms, label) : imageCharts(images, label);
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
${runs.map((r, i) => (r.kind === 'image' ? runSection(r, named[i]!) : lmRunSection(r, named[i]!))).join('\n')}
</body></html>
`;
}

type Label = (run: number, what: string) => string;

function imageCharts(runs: ImageRunData[], label: Label): string[] {
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
  return charts;
}

function lmCharts(runs: LmRunData[], label: Label): string[] {
  return [
    lineChart(runs.flatMap((r, i): Series[] => [
      { name: label(i, 'train perplexity'), points: r.epochs.map((m) => [m.epoch, m.trainPerplexity]) },
      { name: label(i, 'validation perplexity'), points: r.epochs.map((m) => [m.epoch, m.validPerplexity]) },
    ]), { title: 'Perplexity per epoch', xLabel: 'epoch', logY: true }),
    lineChart(runs.map((r, i) => ({ name: label(i, 'lr'), points: r.epochs.map((m) => [m.epoch, m.lr]) })),
      { title: 'Learning rate', xLabel: 'epoch', logY: true }),
    lineChart(runs.map((r, i) => ({ name: label(i, 'words/s'), points: r.epochs.map((m) => [m.epoch, m.wordsPerSec]) })),
      { title: 'Training speed (words/s)', xLabel: 'epoch' }),
  ];
}

/** Folder names, or their paths where two runs share a name. */
function distinctNames(runs: RunData[]): string[] {
  return runs.map((r) => (runs.filter((o) => o.name === r.name).length > 1 ? r.dir : r.name));
}

const percent = (f: number) => `${(f * 100).toFixed(2)}%`;
const bytes = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} kB` : `${n} B`);
const count = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : String(n));
const ppl = (p: number) => p.toFixed(2);
const short = (v: number) => String(Number(v.toPrecision(3)));
const seconds = (s: number) => `${s.toFixed(s < 10 ? 1 : 0)} s${s >= 3600 ? ` (${(s / 3600).toFixed(1)} h)` : ''}`;
/** A field of result.json read as a number, or undefined: a hand-edited file must not break the page. */
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const row = (cells: string[], th = false) => `<tr>${cells.map((c) => (th ? `<th>${c}</th>` : `<td>${c}</td>`)).join('')}</tr>`;

/** The facts every run's table starts with: its folder, and from result.json (read by type: a
 *  hand-edited file must not break the page) the command, commit, date and machine. */
function whereAndWhen(dir: string, r: Partial<Record<'command' | 'commit' | 'date' | 'machine' | 'node' | 'backend', unknown>> | undefined): [string, string | undefined][] {
  return [
    ['folder', esc(dir)],
    ['command', r?.command ? `<code>${esc(String(r.command))}</code>` : undefined],
    ['commit', r?.commit ? `<code>${esc(String(r.commit))}</code>` : undefined],
    ['date', r?.date ? esc(String(r.date)) : undefined],
    ['machine', r?.machine ? esc(`${String(r.machine)}; Node ${String(r.node ?? '?')}; backend ${String(r.backend ?? '?')}`) : undefined],
  ];
}

/** A run's heading and its facts, those with a value. */
function factTable(name: string, facts: [string, string | undefined][]): string {
  return `<h2>${esc(name)}</h2>\n<table class="meta">${facts.filter(([, v]) => v !== undefined).map(([k, v]) => row([esc(k), v!])).join('')}</table>`;
}

/** "3", or "3 of 6" while a run has epochs to go. */
const epochCount = (done: number, planned: number | undefined): string => `${done}${planned !== undefined && planned !== done ? ` of ${planned}` : ''}`;

/** What stands where result.json's final number is missing. */
const missing = (result: object | undefined, field: string): string =>
  (result ? `result.json holds no number ${field}` : 'not yet: result.json is written when the run ends');

function runSection(run: ImageRunData, name: string): string {
  const r = run.result, last = run.epochs[run.epochs.length - 1];
  const planned = num(r?.epochs), bestVal = num(r?.bestValError), test = num(r?.testError), wall = num(r?.wallSeconds);
  const facts: [string, string | undefined][] = [
    ...whereAndWhen(run.dir, r),
    ['model', r?.model && `<code>${esc(JSON.stringify(r.model))}</code>`],
    ['training', r?.train && `<code>${esc(JSON.stringify(r.train))}</code>`],
    ['epochs', epochCount(run.epochs.length, planned)],
    ['best validation error', bestVal !== undefined ? `${percent(bestVal)} (epoch ${num(r?.bestEpoch) ?? '?'})` : undefined],
    ['test error (best-validation weights)', test !== undefined ? `<b>${percent(test)}</b>` : missing(r, 'testError')],
    ['last epoch', last && `train loss ${last.trainLoss.toFixed(4)}, train error ${percent(last.trainError)}, validation error ${percent(last.valError)}, ${last.samplesPerSec.toFixed(0)} samples/s`],
    ['wall time', wall !== undefined ? `${wall.toFixed(0)} s` : undefined],
  ];
  return `${factTable(name, facts)}
${run.summary ? summaryTable(run.summary) : '<p>No best.ckpt in this folder: no model summary.</p>'}
${run.bench ? benchTable(run) : ''}`;
}

function lmRunSection(run: LmRunData, name: string): string {
  const r = run.result, last = run.epochs[run.epochs.length - 1];
  const model = r?.model ?? run.recipe?.model, train = r?.train ?? run.recipe?.train, planned = num(train?.epochs);
  const test = num(r?.testPerplexity), wall = num(r?.wallSeconds), vocabulary = num(r?.vocabulary), words = num(r?.trainWords);
  const facts: [string, string | undefined][] = [
    ...whereAndWhen(run.dir, r),
    ['corpus', vocabulary !== undefined && words !== undefined ? esc(`${r?.data ?? 'PTB'}: ${vocabulary} words in the vocabulary, ${words} training words`) : undefined],
    ['model', model && `<code>${esc(JSON.stringify(model))}</code>`],
    ['training', train && `<code>${esc(JSON.stringify(train))}</code>`],
    ['epochs', epochCount(run.epochs.length, planned)],
    ['best validation perplexity', bestValidation(run)],
    ['test perplexity (best-validation weights)', test !== undefined ? `<b>${ppl(test)}</b>` : missing(r, 'testPerplexity')],
    ['last epoch', last && `epoch ${last.epoch}: train perplexity ${ppl(last.trainPerplexity)}, validation perplexity ${ppl(last.validPerplexity)}, lr ${short(last.lr)}, ${last.wordsPerSec.toFixed(0)} words/s`],
    ['wall time', wall !== undefined ? seconds(wall) : undefined],
  ];
  const head = row(['epoch', 'train perplexity', 'validation perplexity', 'lr', 'words', 'time', 'words/s'], true);
  const epochs = run.epochs.map((m) => row([String(m.epoch), ppl(m.trainPerplexity), ppl(m.validPerplexity), short(m.lr), String(m.words), seconds(m.seconds), m.wordsPerSec.toFixed(0)]));
  return `${factTable(name, facts)}
<h3>Epochs (epochs.jsonl)</h3>
<table>${head}${epochs.join('')}</table>
${run.summary ? summaryTable(run.summary, 'word') : '<p>No best.ckpt in this folder: no model summary.</p>'}`;
}

/** From result.json; before it exists (the run goes on or stopped), the best epoch so far in epochs.jsonl. */
function bestValidation(run: LmRunData): string | undefined {
  const r = run.result, p = num(r?.bestValidPerplexity);
  if (p !== undefined) return `${ppl(p)} (epoch ${num(r?.bestEpoch) ?? '?'})`;
  const best = run.epochs.reduce<LmRunData['epochs'][number] | undefined>((b, m) => (b && b.validPerplexity <= m.validPerplexity ? b : m), undefined);
  return best && `${ppl(best.validPerplexity)} (epoch ${best.epoch}; so far)`;
}

function summaryTable(s: ModelSummary, per?: string): string {
  const head = row(['layer', 'input bits', 'weight bits', 'parameters', 'packed', 'float32', 'binary MACs', 'multi-bit MACs'], true);
  const body = s.layers.map((l) => row([esc(l.layer), String(l.inputBits), String(l.weightBits), count(l.params), bytes(l.packedBytes), bytes(l.float32Bytes), count(l.binaryMacs), count(l.otherMacs)]));
  const t = s.total;
  const total = row(['<b>total</b>', '', '', count(t.params), bytes(t.packedBytes), bytes(t.float32Bytes), count(t.binaryMacs), count(t.otherMacs)]);
  return `<h3>Model (best.ckpt): ${count(t.binaryWeights)} binary weights, ${bytes(t.packedBytes)} packed vs ${bytes(t.float32Bytes)} float32 (${(t.float32Bytes / t.packedBytes).toFixed(1)}x)${per ? `; MACs per ${per}` : ''}</h3>
<table>${head}${body.join('')}${total}</table>`;
}

function benchTable(run: ImageRunData): string {
  const b = run.bench!;
  const rows = b.results.map((x) => row([String(x.threads), `${(x.batch1Ms * 1000).toFixed(0)} µs`, `${x.batch100ImagesPerSec.toFixed(0)} images/s`]));
  return `<h3>Packed inference speed (bench.json: ${esc(b.model ?? '?')}, backend ${esc(b.backend ?? '?')}, ${esc(b.inputs ?? '?')})</h3>
<table>${row(['threads', 'batch-1 latency', 'batch-100 throughput'], true)}${rows.join('')}</table>`;
}
